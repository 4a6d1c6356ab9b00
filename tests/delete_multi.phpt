--TEST--
deleteMulti during the move: keyed and valued as Memcached::deleteMulti, removes at old and new locations
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-deletemulti']);
$peerOld = mr_peer($old);
$peerNew = mr_peer($new);
$keys = [];
for ($i = 0; $i < 40; $i++) {
    $w = ['o', 'n', 'b', 'x'][$i % 4];
    $k = $i % 5 === 0 ? (string)(7000 + $i) : "dm-$w-$i";
    if ($w === 'o' || $w === 'b') $peerOld->set($k, $i);
    if ($w === 'n' || $w === 'b') $peerNew->set($k, $i);
    $keys[$k] = $w;
}
$got = $mr->deleteMulti(array_keys($keys));
// Memcached's answer for the same keys, all held at N except the absent ones
foreach ($keys as $k => $w) {
    if ($w !== 'x') $peerNew->set((string)$k, 1);
}
$want = $peerNew->deleteMulti(array_map('strval', array_keys($keys)));
ksort($got);
ksort($want);
var_dump($got === $want);
var_dump(count(array_filter($got, fn($v) => $v === true)), count(array_filter($got, fn($v) => $v === MemRehash::RES_NOTFOUND)));
var_dump($peerOld->getMulti(array_map('strval', array_keys($keys))), $peerNew->getMulti(array_map('strval', array_keys($keys))));
var_dump($mr->deleteMulti([]));
?>
--EXPECT--
bool(true)
int(30)
int(10)
array(0) {
}
array(0) {
}
array(0) {
}
