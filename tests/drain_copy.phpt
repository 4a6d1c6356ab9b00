--TEST--
drain copy => true: the source keeps everything; a second copy moves nothing new; a target keeps its own value
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$active = mr_servers(1)[0];
$standby = mr_servers(1, 1)[0];
$mr = new MemRehash([$active], [$standby], ['name' => 'core-phpt-drain-copy']);
$a = mr_peer([$active]);
$b = mr_peer([$standby]);
$items = [];
for ($i = 0; $i < 300; $i++) {
    $items["cp:$i"] = $i % 2 ? "v$i" : [$i];
}
$a->setMulti($items, 7200);
$b->set('cp:0', 'standby has its own');
$dump = function () use ($active, $items) {
    $s = '';
    foreach (array_keys($items) as $k) {
        $s .= mr_raw($active, "mg $k v f u");   // u: no LRU bump, the crawl is left alone
    }
    return md5($s);
};
$before = $dump();
$r1 = $mr->drain($active, ['copy' => true]);
var_dump($r1['stopped'], $r1['moved'], $r1['skipped']);
var_dump($dump() === $before);
$r2 = $mr->drain($active, ['copy' => true]);
var_dump($r2['moved'], $r2['stopped'], $r2['scanned'], $r2['skipped']);
var_dump($dump() === $before);
var_dump($b->get('cp:0'), $b->get('cp:1'), count($b->getMulti(array_keys($items))));
preg_match('/ t(\d+)/', mr_raw($standby, 'mg cp:7 t'), $m);
var_dump(abs($m[1] - 7200) <= 2);
$st = $mr->stats();
var_dump($st['servers'][$active]['moved_out'], $st['servers'][$standby]['moved_in']);
?>
--EXPECT--
string(4) "done"
int(299)
int(1)
bool(true)
int(0)
string(4) "done"
int(300)
int(300)
bool(true)
string(19) "standby has its own"
string(2) "v1"
int(300)
bool(true)
int(299)
int(299)
