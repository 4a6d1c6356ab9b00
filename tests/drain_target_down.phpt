--TEST--
drain: a target that cannot be reached (or fails partway) refuses the moves: the source keeps every key it did not hand over, errors are counted, nothing is lost
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$s = stream_socket_server('tcp://127.0.0.1:0');
$dead = stream_socket_get_name($s, false);
fclose($s);
$source = mr_servers(1)[0];
$peer = mr_peer([$source]);
$values = [];
for ($i = 0; $i < 40; $i++) {
    $values["dtd:$i"] = "value $i";
}
var_dump($peer->setMulti($values, 3600));

echo "-- the only target is down\n";
$mr = new MemRehash([$source], [$dead], ['name' => 'core-phpt-drain-target-down', 'connect_timeout' => 200,
    'timeout' => 500, 'retry_interval' => 0]);
$r = $mr->drain($source, ['batch' => 10]);
/* every key failed at least once (a second walk retries what the first could not move) */
var_dump($r['stopped'], $r['moved'], $r['errors'] >= count($values));
var_dump($peer->getMulti(array_keys($values)) == $values);

echo "-- half the targets are down: the other half moves, the rest stays\n";
$live = mr_servers(1, 1)[0];
$mr = new MemRehash([$source], [$live, $dead], ['name' => 'core-phpt-drain-target-half', 'connect_timeout' => 200,
    'timeout' => 500, 'retry_interval' => 0]);
$toLive = array_filter(array_keys($values), fn($k) => $mr->locate($k)['new'] === $live);
$r = $mr->drain($source, ['batch' => 10]);
var_dump($r['moved'] === count($toLive), $r['errors'] >= count($values) - count($toLive), count($toLive) > 5);
$onSource = $peer->getMulti(array_keys($values));
$onLive = mr_peer([$live])->getMulti(array_keys($values));
sort($toLive);
$k = array_keys($onLive);
sort($k);
var_dump($k == $toLive, count($onSource) + count($onLive) === count($values));
$all = $onSource + $onLive;
ksort($all);
ksort($values);
var_dump($all == $values);
?>
--EXPECT--
bool(true)
-- the only target is down
string(4) "done"
int(0)
bool(true)
bool(true)
-- half the targets are down: the other half moves, the rest stays
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
