--TEST--
increment during the move: counted as a move (migrated, moved_out/moved_in), the invariants hold
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-incr-stats']);
$peerOld = mr_peer($old);
for ($i = 0; $i < 30; $i++) {
    $peerOld->set("is:$i", $i);
}
$s0 = $mr->stats();
$sum = 0;
for ($i = 0; $i < 30; $i++) {
    $sum += $mr->increment("is:$i", 2) - $i;
}
$s1 = $mr->stats();
echo "sum of steps $sum\n";
echo "migrated +", $s1['migrated'] - $s0['migrated'], "\n";
$out = $in = 0;
foreach ($s1['servers'] as $n => $row) {
    $out += $row['moved_out'] - ($s0['servers'][$n]['moved_out'] ?? 0);
    $in += $row['moved_in'] - ($s0['servers'][$n]['moved_in'] ?? 0);
}
echo "moved_out +$out moved_in +$in\n";
var_dump($s1['gets'] === $s1['new_hits'] + $s1['old_hits'] + $s1['misses'], $s1['old_hits'] === $s1['migrated'] + $s1['raced'] + $s1['move_failed']);
var_dump(count($peerOld->getMulti(array_map(fn($i) => "is:$i", range(0, 29)))));
?>
--EXPECT--
sum of steps 60
migrated +30
moved_out +30 moved_in +30
bool(true)
bool(true)
int(0)
