--TEST--
getMulti: migrated counts every moving key found only at O, and their old copies are gone
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2);            // the third server goes; some keys stay where they are
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-multi-moved']);
$peerOld = mr_peer($old);
$items = [];
for ($i = 0; $i < 300; $i++) {
    $items["mm:$i"] = ['i' => $i];
}
$peerOld->setMulti($items);
$moving = array_filter(array_keys($items), fn($k) => mr_locate_peer($old, $new, $k)['moves']);
$s0 = $mr->stats();
$got = $mr->getMulti(array_keys($items));
$s1 = $mr->stats();
var_dump($got == $items);
var_dump($s1['migrated'] - $s0['migrated'] === count($moving), count($moving) > 50);
var_dump($s1['new_hits'] - $s0['new_hits'] === count($items) - count($moving));
$left = 0;
foreach ($moving as $k) {
    $left += mr_raw(mr_locate_peer($old, $new, $k)['old'], "mg $k v") !== "EN\r\n";
}
echo "left at O: $left\n";
$all = mr_peer($new)->getMulti(array_keys($items));
var_dump(count($all));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
left at O: 0
int(300)
