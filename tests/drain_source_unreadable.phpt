--TEST--
drain: a source that refuses connections, and one whose dump has a line longer than any metadump line, stop the drain with 'error' and a message naming the server; keys listed before the bad line still move
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
foreach ([1, 2] as $round) {
    $r = $mr->drain($dead);
    echo "refused, drain $round: ", $r['stopped'], ': ', str_replace($dead, 'SRC', $r['error']), ' / ', $mr->getResultCode() === MemRehash::RES_FAILURE ? 'RES_FAILURE' : $mr->getResultCode(), "\n";
}

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
refused, drain 1: error: lru_crawler metadump on SRC failed (could not read the dump from the server) / RES_FAILURE
refused, drain 2: error: lru_crawler metadump on SRC failed (could not read the dump from the server) / RES_FAILURE
an overlong line: error: lru_crawler metadump on SRC failed (could not read the dump from the server)
source still holds ok1: no; target: 'v'