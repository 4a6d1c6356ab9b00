--TEST--
delete during the move: removes at the old and at the new location; results as Memcached gives them
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
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-delete']);
$peerOld = mr_peer($old);
$peerNew = mr_peer($new);
$peerOld->set('d-o', 1);
$peerOld->set('d-b', 1);
$peerNew->set('d-b', 2);
$peerNew->set('d-n', 2);
foreach (['d-o', 'd-b', 'd-n', 'd-x'] as $k) {
    $r = $mr->delete($k);
    $l = mr_locate_peer($old, $new, $k);
    printf("%s %s %s O:%s N:%s\n", $k, var_export($r, true), rcname($mr->getResultCode()), trim(mr_raw($l['old'], "mg $k v")), trim(mr_raw($l['new'], "mg $k v")));
}
var_dump($peerNew->delete('d-x'), $peerNew->getResultCode() === $mr->getResultCode());
$st = $mr->stats();
var_dump($st['deletes']);
?>
--EXPECT--
d-o true RES_SUCCESS O:EN N:EN
d-b true RES_SUCCESS O:EN N:EN
d-n true RES_SUCCESS O:EN N:EN
d-x false RES_NOTFOUND O:EN N:EN
bool(false)
bool(true)
int(4)
