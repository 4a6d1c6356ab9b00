--TEST--
server specs: the reason a spec is refused is the right one (an IPv6 address without brackets, in each form, is named as such; too many parts, a bare "/", a relative path), and the forms near them are accepted
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$ok = mr_servers(1)[0];
foreach (['::1:11211', 'fe80::1:11211', '2001:db8:0:1:11211', '::1', 'host:11211:1:2', 'cafe:11211:1:2', '/', 'relative.sock'] as $spec) {
    try {
        new MemRehash([$spec], [$ok]);
        echo "$spec: accepted\n";
    } catch (MemRehashException $e) {
        echo "$spec: ", preg_replace('/^old server #0 is invalid: /', '', $e->getMessage()), "\n";
    }
}
// near forms that are fine: a hex-looking host with port and weight, brackets
foreach (['cafe:11211:2', '[fe80::1]:11211', '[::1]:11211:3', 'beef:1'] as $spec) {
    $m = new MemRehash([$spec], [$ok]);
    echo "$spec: accepted as ", json_encode($m->getOldServers()[0]), "\n";
}
?>
--EXPECT--
::1:11211: an IPv6 address must be written as "[address]:port"
fe80::1:11211: an IPv6 address must be written as "[address]:port"
2001:db8:0:1:11211: an IPv6 address must be written as "[address]:port"
::1: an IPv6 address must be written as "[address]:port"
host:11211:1:2: weight is not a number
cafe:11211:1:2: an IPv6 address must be written as "[address]:port"
/: invalid unix socket path
relative.sock: expected "host:port", "host:port:weight" or a socket path
cafe:11211:2: accepted as {"host":"cafe","port":11211,"weight":2}
[fe80::1]:11211: accepted as {"host":"fe80::1","port":11211,"weight":0}
[::1]:11211:3: accepted as {"host":"::1","port":11211,"weight":3}
beef:1: accepted as {"host":"beef","port":1,"weight":0}
