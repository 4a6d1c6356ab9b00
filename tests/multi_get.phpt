--TEST--
getMulti: found keys only, keyed like Memcached::getMulti (int-like keys as ints), moving what is at O
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-multi']);
$peerOld = mr_peer($old);
$peerNew = mr_peer($new);
$atO = $atN = [];
$request = [];
for ($i = 0; $i < 120; $i++) {
    $k = [(string)(500 + $i), "mk:$i", "0$i", "-$i"][$i % 4];
    $v = $i % 7 === 0 ? str_repeat("big$i", 1000) : ($i % 2 ? $i : "s$i");
    if ($i % 3 === 0) $atO[$k] = $v;
    if ($i % 3 === 1) $atN[$k] = $v;
    $request[] = $k;
}
$request[] = 500;            // an int, same key as "500"
$request[] = 'mk:1';         // a duplicate
$peerOld->setMulti($atO);
$peerNew->setMulti($atN);
$s0 = $mr->stats();
$got = $mr->getMulti($request);
$s1 = $mr->stats();
var_dump($mr->getResultCode() === MemRehash::RES_SUCCESS);
$want = $peerNew->getMulti(array_map('strval', $request));   // everything is at N now
ksort($got);
ksort($want);
var_dump($got === $want, count($got) === count($atO) + count($atN));
var_dump(array_key_exists(500, $got) && !array_key_exists('500', array_flip(array_filter(array_keys($got), 'is_string'))));
$moving = count(array_filter(array_keys($atO), fn($k) => $mr->locate((string)$k)['moves']));
var_dump($moving === count($atO), $s1['migrated'] - $s0['migrated'] === $moving);
echo "gets +", $s1['gets'] - $s0['gets'], " for ", count(array_unique(array_map('strval', $request))), " distinct keys\n";
var_dump($peerOld->getMulti(array_map('strval', array_keys($atO))));
var_dump($mr->getMulti(['nothing-1', 'nothing-2']), $mr->getMulti([]));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
gets +120 for 120 distinct keys
array(0) {
}
array(0) {
}
array(0) {
}
