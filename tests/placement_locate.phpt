--TEST--
placement: locate() shape; same lists never move; socket paths; the servers need not be reachable
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$list = ['10.99.0.1:11211', '10.99.0.2:11211', 'nowhere.invalid:11311'];
$mr = new MemRehash($list, $list, ['name' => 'core-phpt-locate', 'connect_timeout' => 100, 'timeout' => 100]);
$l = $mr->locate('abc');
var_dump(array_keys($l), $l['moves']);
$moves = 0;
for ($i = 0; $i < 300; $i++) {
    $moves += $mr->locate("k$i")['moves'];
}
echo "same lists: $moves moves\n";

$socks = ['/tmp/core-a.sock', '/tmp/core-b.sock', '/tmp/core-c.sock'];
$m = new Memcached();
$m->addServers(array_map(fn($s) => [$s, 0], $socks));
$mr = new MemRehash($socks, [$socks[0], $socks[1]], ['name' => 'core-phpt-locate']);
$m2 = new Memcached();
$m2->addServers([[$socks[0], 0], [$socks[1], 0]]);
$bad = 0;
for ($i = 0; $i < 300; $i++) {
    $l = $mr->locate("s$i");
    $bad += $l['old'] !== $m->getServerByKey("s$i")['host'] || $l['new'] !== $m2->getServerByKey("s$i")['host'];
}
echo "sockets: $bad wrong\n";
?>
--EXPECT--
array(3) {
  [0]=>
  string(3) "old"
  [1]=>
  string(3) "new"
  [2]=>
  string(5) "moves"
}
bool(false)
same lists: 0 moves
sockets: 0 wrong
