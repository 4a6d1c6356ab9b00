--TEST--
drain: expired items, keys that stay, reserved __memrehash: keys and keys outside the pool's prefix are not moved
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(2);
$new = [$old[0], mr_servers(1, 3)[0]];   // the first server stays in both lists
$src = mr_peer([$old[1]]);
$src->setOption(Memcached::OPT_PREFIX_KEY, 'p:');
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-drain-skips', 'prefix' => 'p:']);
$expiring = $moving = [];
for ($i = 0; count($moving) < 40; $i++) {
    if ($mr->locate("m$i")['old'] === $old[1]) {
        $moving[] = "m$i";
        $src->set("m$i", "v$i", 3600);
    }
}
for ($i = 0; count($expiring) < 10; $i++) {
    if ($mr->locate("e$i")['old'] === $old[1]) {
        $expiring[] = "e$i";
        $src->set("e$i", "v$i", 1);
    }
}
$raw = mr_peer([$old[1]]);
$raw->set('__memrehash:reserved', 'x');
$raw->set('other:key', 'not ours');
sleep(2);
$r = $mr->drain($old[1]);
var_dump($r['stopped'], $r['moved'] === count($moving), $r['errors']);
var_dump($r['scanned'] >= count($moving) + 2);
var_dump($r['skipped'] >= 2, $r['skipped'] + $r['expired'] + $r['gone'] + $r['moved'] === $r['scanned']);
var_dump($raw->get('__memrehash:reserved'), $raw->get('other:key'));
$n = mr_peer([$new[1]]);
var_dump($n->get('__memrehash:reserved'), $n->get('other:key'));

// the first server is in both lists: its keys whose location does not change stay
$stay = mr_peer([$old[0]]);
$stay->setOption(Memcached::OPT_PREFIX_KEY, 'p:');
$keep = [];
for ($i = 0; count($keep) < 20; $i++) {
    $l = $mr->locate("s$i");
    if ($l['old'] === $old[0] && !$l['moves']) {
        $keep[] = "s$i";
        $stay->set("s$i", $i);
    }
}
$r = $mr->drain($old[0]);
var_dump($r['moved'], $r['skipped'] >= count($keep));
var_dump(count($stay->getMulti($keep)));
?>
--EXPECT--
string(4) "done"
bool(true)
int(0)
bool(true)
bool(true)
bool(true)
string(1) "x"
string(8) "not ours"
bool(false)
bool(false)
int(0)
bool(true)
int(20)
