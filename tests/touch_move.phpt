--TEST--
touch during the move: moves the item from O first when N misses, then sets its TTL at N; O emptied
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
function ttl(string $s, string $k) {
    return preg_match('/ t(-?\d+)/', mr_raw($s, "mg $k t"), $m) ? (int)$m[1] : 'absent';
}
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-touch']);
$peerOld = mr_peer($old);
$peerNew = mr_peer($new);
$peerOld->set('t-o', ['v' => 'old'], 0);
$peerOld->set('t-b', 'stale', 100);
$peerNew->set('t-b', 'fresh', 100);
$peerNew->set('t-n', 'only new', 100);
foreach (['t-o' => 3000, 't-b' => 4000, 't-n' => 5000, 't-x' => 10] as $k => $t) {
    $r = $mr->touch($k, $t);
    $l = mr_locate_peer($old, $new, $k);
    $tn = ttl($l['new'], $k);
    printf("%s %s value %s ttl at N %s, at O %s\n", $k, var_export($r, true), json_encode($peerNew->get($k)),
        is_int($tn) && abs($tn - $t) <= 1 ? 'as touched' : var_export($tn, true), var_export(ttl($l['old'], $k), true));
}
var_dump($mr->getResultCode() === MemRehash::RES_NOTFOUND);
// over 30 days: an absolute time, as memcached reads it
$abs = time() + 40 * 86400;
var_dump($mr->touch('t-b', $abs));
var_dump(abs(ttl(mr_locate_peer($old, $new, 't-b')['new'], 't-b') - 40 * 86400) <= 2);
?>
--EXPECT--
t-o true value {"v":"old"} ttl at N as touched, at O 'absent'
t-b true value "fresh" ttl at N as touched, at O 'absent'
t-n true value "only new" ttl at N as touched, at O 'absent'
t-x false value false ttl at N 'absent', at O 'absent'
bool(true)
bool(true)
bool(true)
