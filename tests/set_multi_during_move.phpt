--TEST--
setMulti during the move: every item lands at its new location and leaves its old one
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-setmulti']);
$peerOld = mr_peer($old);
$items = [];
for ($i = 0; $i < 200; $i++) {
    $peerOld->set("sm:$i", "old $i");
    $items["sm:$i"] = $i % 3 ? "new $i" : ['n' => $i];
}
$items[123] = 'int key';
var_dump($mr->setMulti($items, 500), $mr->getResultCode() === MemRehash::RES_SUCCESS);
$keys = array_map('strval', array_keys($items));
var_dump($peerOld->getMulti($keys));
$got = mr_peer($new)->getMulti($keys);
ksort($got);
ksort($items);
var_dump($got === $items);
var_dump($mr->getMulti($keys) == $items);
var_dump($mr->setMulti([]));
?>
--EXPECT--
bool(true)
bool(true)
array(0) {
}
bool(true)
bool(true)
bool(true)
