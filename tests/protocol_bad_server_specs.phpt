--TEST--
Protocol safety: malformed server specs (no port, port 0 or > 65535, spaces, NUL, half an IPv6 literal, wrong types) throw MemRehashException
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$ok = mr_servers(1)[0];
$bad = [
    'no port' => 'host',
    'port 0' => 'host:0',
    'port 70000' => 'host:70000',
    'negative port' => 'host:-1',
    'port not a number' => 'host:11211x',
    'empty port' => 'host:',
    'empty host' => ':11211',
    'space in host' => 'h o st:1',
    'tab in host' => "h\tost:1",
    'CRLF in host' => "host\r\nflush_all:1",
    'NUL in host' => "ho\0st:11211",
    'NUL after port' => "127.0.0.1:11211\0evil",
    'unclosed IPv6' => '[::1',
    'unclosed IPv6 with port' => '[::1:11211',
    'bare IPv6' => '::1:11211',
    'bad IPv6' => '[::g]:11211',
    'weight 70000' => 'host:11211:70000',
    'weight not a number' => 'host:11211:heavy',
    'too many parts' => 'host:11211:1:2',
    'empty string' => '',
    'socket path with space' => '/tmp/mem cached.sock',
    'relative socket path' => 'memcached.sock',
    'array: string port' => ['127.0.0.1', '11211'],
    'array: float port' => ['127.0.0.1', 11211.0],
    'array: port 0' => ['127.0.0.1', 0],
    'array: port 70000' => ['127.0.0.1', 70000],
    'array: no host' => [1 => 11211],
    'array: int host' => [127001, 11211],
    'array: null host' => [null, 11211],
    'array: NUL in host' => ["ho\0st", 11211],
    'array: string weight' => ['127.0.0.1', 11211, 'heavy'],
    'array: negative weight' => ['127.0.0.1', 11211, -1],
    'array: empty' => [],
    'int entry' => 11211,
    'null entry' => null,
    'object entry' => new stdClass(),
];
$n = 0;
foreach ($bad as $what => $spec) {
    foreach (['old' => [[$spec], [$ok]], 'new' => [[$ok], [$spec]], 'second of two' => [[$ok], [$ok, $spec]]] as $where => [$old, $new]) {
        try {
            new MemRehash($old, $new);
            echo "$what ($where): accepted\n";
        } catch (MemRehashException $e) {
            $n++;
            if (!preg_match('/server #\d+ is invalid|server list/', $e->getMessage())) {
                echo "$what ($where): unclear message: ", $e->getMessage(), "\n";
            }
        } catch (Throwable $e) {
            echo "$what ($where): ", get_class($e), ": ", $e->getMessage(), "\n";
        }
    }
}
echo "$n MemRehashException\n";
foreach ([[], [[]]] as $empty) {
    try {
        new MemRehash($empty ?: [], [$ok]);
        echo "empty list accepted\n";
    } catch (MemRehashException $e) {
        echo "empty list: MemRehashException\n";
    }
}
/* and the good forms are all accepted */
foreach (['127.0.0.1:11211', '127.0.0.1:11211:3', '[::1]:11211', '[::1]:11211:2', '/tmp/memcached.sock', 'localhost:65535',
        ['127.0.0.1', 11211], ['127.0.0.1', 11211, 5], ['/tmp/memcached.sock', 0]] as $spec) {
    new MemRehash([$spec], [$ok]);
}
echo "good specs accepted\n";
?>
--EXPECT--
108 MemRehashException
empty list: MemRehashException
empty list: MemRehashException
good specs accepted
