--TEST--
get: a pool that is complete() never looks at the old servers
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
function traffic(array $servers): array {
    $out = [];
    foreach ($servers as $s) {
        preg_match_all('/^STAT (cmd_get|cmd_set|cmd_touch|get_hits|get_misses|delete_hits|delete_misses|incr_misses|incr_hits|touch_hits|touch_misses) (\d+)/m', mr_raw($s, 'stats'), $m);
        $out[$s] = array_combine($m[1], $m[2]);
    }
    return $out;
}
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-complete']);
$peerOld = mr_peer($old);
for ($i = 0; $i < 30; $i++) {
    $peerOld->set("cp:$i", "v$i");
}
var_dump($mr->isComplete(), $mr->stats()['state']);
$mr->complete();
var_dump($mr->isComplete(), $mr->stats()['state'], $mr->stats()['completed'] >= $mr->stats()['started']);
$t0 = traffic($old);
$s0 = $mr->stats();
$got = [];
for ($i = 0; $i < 30; $i++) {
    $got[] = $mr->get("cp:$i");
}
var_dump(array_unique($got, SORT_REGULAR));
var_dump($mr->getMulti(['cp:1', 'cp:2']));
var_dump($mr->set('cp:3', 'x'), $mr->delete('cp:4'), $mr->touch('cp:5', 10), $mr->increment('cp:6'));
var_dump(traffic($old) === $t0);
$s1 = $mr->stats();
echo "old_lookups +", $s1['old_lookups'] - $s0['old_lookups'], "\n";
var_dump($peerOld->get('cp:3'), $peerOld->get('cp:4'));
$again = new MemRehash($old, $new, ['name' => 'core-phpt-get-complete']);
var_dump($again->isComplete());
?>
--EXPECT--
bool(false)
string(9) "migrating"
bool(true)
string(8) "complete"
bool(true)
array(1) {
  [0]=>
  bool(false)
}
array(0) {
}
bool(true)
bool(false)
bool(false)
bool(false)
bool(true)
old_lookups +0
string(2) "v3"
string(2) "v4"
bool(true)
