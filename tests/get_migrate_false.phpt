--TEST--
get: migrate => false only reports (false for a key only at O, nothing moves, old_hits counted)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-report', 'migrate' => false]);
$peerOld = mr_peer($old);
for ($i = 0; $i < 20; $i++) {
    $peerOld->set("rp:$i", $i);
}
$s0 = $mr->stats();
$r = [];
for ($i = 0; $i < 20; $i++) {
    $r[] = $mr->get("rp:$i");
}
var_dump(array_unique($r, SORT_REGULAR), $mr->getResultCode() === MemRehash::RES_NOTFOUND);
$s1 = $mr->stats();
echo "old_hits +", $s1['old_hits'] - $s0['old_hits'], ", migrated +", $s1['migrated'] - $s0['migrated'], "\n";
var_dump($s1['gets'] === $s1['new_hits'] + $s1['old_hits'] + $s1['misses']);
var_dump($s1['old_hits'] === $s1['migrated'] + $s1['raced'] + $s1['move_failed']);
var_dump(count($peerOld->getMulti(array_map(fn($i) => "rp:$i", range(0, 19)))));
var_dump(mr_peer($new)->getMulti(array_map(fn($i) => "rp:$i", range(0, 19))));
// writes still go to N and clear O
var_dump($mr->set('rp:0', 'new'), $mr->get('rp:0'), $peerOld->get('rp:0'));
?>
--EXPECT--
array(1) {
  [0]=>
  bool(false)
}
bool(true)
old_hits +20, migrated +0
bool(true)
bool(true)
int(20)
array(0) {
}
bool(true)
string(3) "new"
bool(false)
