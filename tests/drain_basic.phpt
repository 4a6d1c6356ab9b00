--TEST--
drain: moves every key of a deactivating server to its new location; the source ends empty; Memcached over the new list reads all
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2);
$source = $old[2];
$peer = mr_peer($old, true);
$values = [];
for ($i = 0; $i < 900; $i++) {
    $values["db:$i"] = $i % 4 === 0 ? ['i' => $i] : ($i % 4 === 1 ? str_repeat("big $i ", 600) : "v$i");
}
var_dump($peer->setMulti($values, 3600));
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-drain-basic', 'distribution' => MemRehash::DIST_KETAMA]);
$onSource = array_filter(array_keys($values), fn($k) => $mr->locate($k)['old'] === $source);
$s0 = $mr->stats();
$r = $mr->drain($source, ['batch' => 64]);
var_dump(array_keys($r));
var_dump($r['stopped'], $r['moved'] === count($onSource), $r['scanned'] === count($onSource), $r['errors'], $r['raced'], $r['skipped'], $r['expired']);
var_dump(is_float($r['seconds']) && $r['seconds'] >= 0, $r['bytes'] > 0);
$left = 0;
foreach ($onSource as $k) {
    $left += mr_raw($source, "mg $k v") !== "EN\r\n";
}
echo "left on the source: $left\n";
$got = mr_peer($new, true)->getMulti(array_keys($values));
var_dump($got == $values);
$s1 = $mr->stats();
var_dump($s1['drained'] - $s0['drained'] === count($onSource), $s1['servers'][$source]['moved_out'] === count($onSource), $s1['bytes_moved'] - $s0['bytes_moved'] === $r['bytes']);
?>
--EXPECT--
bool(true)
array(11) {
  [0]=>
  string(7) "scanned"
  [1]=>
  string(5) "moved"
  [2]=>
  string(5) "raced"
  [3]=>
  string(7) "skipped"
  [4]=>
  string(7) "expired"
  [5]=>
  string(4) "gone"
  [6]=>
  string(6) "errors"
  [7]=>
  string(5) "bytes"
  [8]=>
  string(5) "stale"
  [9]=>
  string(7) "seconds"
  [10]=>
  string(7) "stopped"
}
string(4) "done"
bool(true)
bool(true)
int(0)
int(0)
int(0)
int(0)
bool(true)
bool(true)
left on the source: 0
bool(true)
bool(true)
bool(true)
bool(true)
