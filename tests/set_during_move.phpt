--TEST--
set/add/replace during the move: act at the new location, then delete at the old one
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
function rcname(int $rc): string {
    foreach ((new ReflectionClass('Memcached'))->getConstants() as $n => $v) {
        if (strncmp($n, 'RES_', 4) === 0 && $v === $rc) return $n;
    }
    return "rc $rc";
}
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-set-move']);
$peerOld = mr_peer($old);
$peerNew = mr_peer($new);
function where(MemRehash $mr, string $k): string {
    global $old, $new;
    $l = mr_locate_peer($old, $new, $k);
    return 'O:' . trim(str_replace("\r\n", ' ', mr_raw($l['old'], "mg $k v"))) . ' | N:' . trim(str_replace("\r\n", ' ', mr_raw($l['new'], "mg $k v")));
}
foreach (['set', 'add', 'replace'] as $op) {
    $peerOld->set("$op-o", 'old');          // only at O
    $peerOld->set("$op-b", 'old');          // at O, and fresher at N
    $peerNew->set("$op-b", 'fresh');
    $peerNew->set("$op-n", 'fresh');        // only at N
}
foreach (['set', 'add', 'replace'] as $op) {
    foreach (['o', 'b', 'n', 'x'] as $where) {
        $k = "$op-$where";
        $r = $mr->$op($k, 'new');
        printf("%-9s %-5s %-13s %s\n", $k, var_export($r, true), rcname($mr->getResultCode()), where($mr, $k));
    }
}
// what a store means with a TTL: the TTL is the one given, at N
var_dump($mr->set('ttl-o', 'v', 1000));
preg_match('/ t(\d+)/', mr_raw(mr_locate_peer($old, $new, 'ttl-o')['new'], 'mg ttl-o t'), $m);
var_dump(abs($m[1] - 1000) <= 1);
?>
--EXPECTF--
set-o     true  RES_SUCCESS   O:EN | N:VA 3 new
set-b     true  RES_SUCCESS   O:EN | N:VA 3 new
set-n     true  RES_SUCCESS   O:EN | N:VA 3 new
set-x     true  RES_SUCCESS   O:EN | N:VA 3 new
add-o     true  RES_SUCCESS   O:EN | N:VA 3 new
add-b     false RES_NOTSTORED O:EN | N:VA 5 fresh
add-n     false RES_NOTSTORED O:EN | N:VA 5 fresh
add-x     true  RES_SUCCESS   O:EN | N:VA 3 new
replace-o false RES_NOTSTORED O:EN | N:EN
replace-b true  RES_SUCCESS   O:EN | N:VA 3 new
replace-n true  RES_SUCCESS   O:EN | N:VA 3 new
replace-x false RES_NOTSTORED O:EN | N:EN
bool(true)
bool(true)
