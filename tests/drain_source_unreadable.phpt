--TEST--
drain: a source that refuses connections is waited for until the progress callable says stop; a dump with a line longer than any metadump line stops the drain with 'error' and a message naming the server; keys listed before the bad line still move
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/hostile_server.php';
mr_flush_all();
$dst = mr_servers(1)[0];
$s = stream_socket_server('tcp://127.0.0.1:0');
$dead = stream_socket_get_name($s, false);
fclose($s);
$mr = new MemRehash([$dead], [$dst], ['name' => 'drain-unreadable-' . getmypid(), 'retry_interval' => 0]);
/* a source that cannot be reached is waited for (it may be restarting, up
 * to 30 s); the progress callable is asked meanwhile and can stop the wait */
$calls = 0;
$t = microtime(true);
$r = $mr->drain($dead, ['progress' => function (array $totals) use (&$calls) { $calls++; return false; }]);
echo "refused: ", $r['stopped'], ", progress asked: ", var_export($calls >= 1, true), ", moved ", $r['moved'], ", within 10 s: ", var_export(microtime(true) - $t < 10, true), "\n";

// a socket path too long for sockaddr_un: the connect fails before it starts
$long = '/tmp/' . str_repeat('s', 120) . '.sock';
$ml = new MemRehash([$long], [$dst], ['name' => 'drain-longpath-' . getmypid(), 'retry_interval' => 0]);
$r = $ml->drain($long, ['progress' => fn(array $t) => false]);
echo "a socket path too long: ", $r['stopped'], ", moved ", $r['moved'], "\n";

$dump = tempnam(sys_get_temp_dir(), 'mr-dump-');
file_put_contents($dump, "key=ok1 exp=-1 size=1\n" . str_repeat('k', 20000));   // no LF within 8 KB
$h = hostile_start('dump', 60, $dump);
mr_raw($h['addr'], "ms ok1 1 T0\r\nv");
$mr = new MemRehash([$h['addr']], [$dst], ['name' => 'drain-longline-' . getmypid()]);
$r = $mr->drain($h['addr']);
echo "an overlong line: ", $r['stopped'], ': ', str_replace($h['addr'], 'SRC', $r['error']), "\n";
// the key listed before the long line is a good line: it moved
echo "source still holds ok1: ", mr_raw($h['addr'], 'mg ok1 v') === "VA 1\r\nv\r\n" ? 'yes' : 'no', "; target: ", var_export(mr_peer([$dst])->get('ok1'), true), "\n";
hostile_stop($h);
unlink($dump);
?>
--EXPECT--
refused: callback, progress asked: true, moved 0, within 10 s: true
a socket path too long: callback, moved 0
an overlong line: error: lru_crawler metadump on SRC failed (could not read the dump from the server)
source still holds ok1: no; target: 'v'