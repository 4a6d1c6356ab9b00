--TEST--
down servers: the table of servers marked down holds 2048; when more are down at once, those beyond it are not marked (each costs its own failed connect: RES_CONNECTION_FAILURE again) while the marked ones are skipped (RES_SERVER_TEMPORARILY_DISABLED); nothing crashes
--SKIPIF--
<?php
require __DIR__.'/skipif.inc';
/* 2,100 servers and 4,200 calls: a minute under memcheck; the phpt run and
 * the ASan suite run it */
if (getenv('ZEND_DONT_UNLOAD_MODULES') && getenv('USE_ZEND_ALLOC') === '0' && !getenv('SKIP_ASAN')) {
    die('skip not under valgrind: 4,200 calls over 2,100 servers take a minute there; the ASan suite runs this test');
}
?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$s = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)explode(':', stream_socket_get_name($s, false))[1];
fclose($s);
// 2,100 servers nobody serves: loopback addresses 127.0.x.y, one free port
$list = [];
for ($i = 0; count($list) < 2100; $i++) {
    $list[] = sprintf('127.0.%d.%d:%d', intdiv($i, 250) + 1, $i % 250 + 1, $port);
}
$m = new MemRehash($list, $list, ['name' => 'down-full-' . getmypid(), 'retry_interval' => 60, 'connect_timeout' => 500, 'timeout' => 500]);
// a key for each server
$key = [];
for ($i = 0; count($key) < count($list); $i++) {
    $key[$m->locate("k$i")['new']] ??= "k$i";
}
$first = $second = [];
foreach ($list as $server) {
    $m->get($key[$server]);
    $first[$m->getResultCode()] = ($first[$m->getResultCode()] ?? 0) + 1;
}
foreach ($list as $server) {
    $m->get($key[$server]);
    $second[$m->getResultCode()] = ($second[$m->getResultCode()] ?? 0) + 1;
}
$name = fn(array $counts) => implode(', ', array_map(fn($c, $n) => (match ($c) {
    MemRehash::RES_CONNECTION_FAILURE => 'connection failure',
    MemRehash::RES_SERVER_TEMPORARILY_DISABLED => 'marked down',
    default => "code $c",
}) . " $n", array_keys($counts), $counts));
// the first round fails everywhere (a few servers were already marked by the
// pool's own first reads, e.g. of its completion marker)
echo "first: ", array_sum($first), " failed, ", $first[MemRehash::RES_SUCCESS] ?? 0, " succeeded\n";
echo "second: ", $name($second), "\n";
?>
--EXPECT--
first: 2100 failed, 0 succeeded
second: marked down 2048, connection failure 52
