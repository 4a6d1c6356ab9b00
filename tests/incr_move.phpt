--TEST--
increment/decrement during the move: the item moves from O first when N misses, then N counts; as Memcached would
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-incr']);
$peerOld = mr_peer($old);
$peerNew = mr_peer($new);
$control = mr_peer(mr_servers(1, 5));     // Memcached alone, on the same item
$cases = [
    'inc-o' => ['increment', 5, 10, null],    // at O only
    'dec-o' => ['decrement', 3, 10, null],
    'dec-floor' => ['decrement', 50, 10, null],
    'inc-b' => ['increment', 1, 10, 100],     // at O and N: N counts
    'dec-n' => ['decrement', 1, null, 100],   // at N only
];
foreach ($cases as $k => [$op, $by, $atO, $atN]) {
    if ($atO !== null) $peerOld->set($k, $atO, 600);
    if ($atN !== null) $peerNew->set($k, $atN, 600);
    $control->set($k, $atN ?? $atO, 600);
    $want = $control->$op($k, $by);
    $got = $mr->$op($k, $by);
    $l = mr_locate_peer($old, $new, $k);
    preg_match('/ t(\d+)/', mr_raw($l['new'], "mg $k t"), $t);
    printf("%-9s %s got %s, Memcached %s; N reads %s (Memcached: %s); O: %s; ttl kept: %s\n", $k, $op, var_export($got, true), var_export($want, true),
        var_export($peerNew->get($k), true), var_export($control->get($k), true), trim(mr_raw($l['old'], "mg $k v")),
        var_export(isset($t[1]) && abs($t[1] - 600) <= 2, true));
}
// nowhere: false and NOTFOUND, as Memcached
var_dump($mr->increment('inc-none'), $mr->getResultCode() === MemRehash::RES_NOTFOUND);
var_dump($control->increment('inc-none'), $control->getResultCode() === $mr->getResultCode());
// not a number at O: moved, then refused as Memcached refuses it
$peerOld->set('inc-text', 'abc');
$control->set('inc-text', 'abc');
var_dump($mr->increment('inc-text'), $control->increment('inc-text'), $mr->getResultCode() === $control->getResultCode());
var_dump($mr->get('inc-text'));
?>
--EXPECT--
inc-o     increment got 15, Memcached 15; N reads 15 (Memcached: 15); O: EN; ttl kept: true
dec-o     decrement got 7, Memcached 7; N reads 7 (Memcached: 7); O: EN; ttl kept: true
dec-floor decrement got 0, Memcached 0; N reads 0 (Memcached: 0); O: EN; ttl kept: true
inc-b     increment got 101, Memcached 101; N reads 101 (Memcached: 101); O: EN; ttl kept: true
dec-n     decrement got 99, Memcached 99; N reads 99 (Memcached: 99); O: EN; ttl kept: true
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(false)
bool(true)
string(3) "abc"
