--TEST--
get: a key only at its old location moves to the new one on read (value, flags, no expiry kept; old copy gone)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-move']);
$peerOld = mr_peer($old);
$peerOld->setOption(Memcached::OPT_USER_FLAGS, 42);
$value = ['list' => [1, 2, 3], 'text' => str_repeat('compressible ', 300)];
var_dump($peerOld->set('gm:key', $value));
$loc = mr_locate_peer($old, $new, 'gm:key');
var_dump($loc['moves']);
$before = mr_raw($loc['old'], 'mg gm:key f t s');
echo "at O: ", $before;

$s0 = $mr->stats();
var_dump($mr->get('gm:key') === $value);
var_dump($mr->getResultCode() === MemRehash::RES_SUCCESS, $mr->getResultMessage());
$s1 = $mr->stats();

$after = mr_raw($loc['new'], 'mg gm:key f t s');
echo "at N: ", $after;
echo "same flags, TTL and size at N: ", var_export($after === $before, true), "\n";
echo "user flags: ", preg_match('/ f(\d+)/', $after, $m) ? $m[1] >> 16 : 'none', "\n";
echo "at O: ", mr_raw($loc['old'], 'mg gm:key f t s');
var_dump(mr_peer($new)->get('gm:key') === $value);
foreach (['gets', 'old_lookups', 'old_hits', 'migrated', 'new_hits', 'misses'] as $c) {
    echo "$c +", $s1[$c] - $s0[$c], "\n";
}
echo "moved_out O +", $s1['servers'][$loc['old']]['moved_out'] - $s0['servers'][$loc['old']]['moved_out'], "\n";
echo "moved_in N +", $s1['servers'][$loc['new']]['moved_in'] - $s0['servers'][$loc['new']]['moved_in'], "\n";

// a second get is a plain hit at N
var_dump($mr->get('gm:key') === $value);
$s2 = $mr->stats();
echo "new_hits +", $s2['new_hits'] - $s1['new_hits'], ", old_lookups +", $s2['old_lookups'] - $s1['old_lookups'], "\n";
?>
--EXPECTF--
bool(true)
bool(true)
at O: HD f%d t-1 s%d
bool(true)
bool(true)
string(7) "SUCCESS"
at N: HD f%d t-1 s%d
same flags, TTL and size at N: true
user flags: 42
at O: EN
bool(true)
gets +1
old_lookups +1
old_hits +1
migrated +1
new_hits +0
misses +0
moved_out O +1
moved_in N +1
bool(true)
new_hits +1, old_lookups +0
