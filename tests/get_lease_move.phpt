--TEST--
get: the lease move (default) and the ordered move (ordered_move) both move bytes, flags and TTL intact; the lease is gone afterwards; a delete of a moving key removes its lease at N; big items (over 1 KB) move too
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
function ttl(string $server, string $key): ?int {
    return preg_match('/ t(-?\d+)/', mr_raw($server, "mg $key t"), $m) ? (int)$m[1] : null;
}
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$peerOld = mr_peer($old);
$peerNew = mr_peer($new);
$values = ['int' => 42, 'array' => ['a' => 1, 'b' => [2, 3]], 'big' => bin2hex(random_bytes(2000)), 'float' => 1.5];
foreach ([false, true] as $ordered) {
    $mr = new MemRehash($old, $new, ['name' => 'core-phpt-lease-' . (int)$ordered, 'ordered_move' => $ordered]);
    echo $ordered ? "-- ordered_move\n" : "-- lease move\n";
    foreach ($values as $k => $v) {
        $key = "lm:$k:" . (int)$ordered;
        $peerOld->set($key, $v, 500);
        $loc = mr_locate_peer($old, $new, $key);
        $got = $mr->get($key);
        $mr->stats(); /* reads what the get sent without waiting (the lease's release) */
        printf("%s: %s; at N %s, at O %s, TTL %s, lease %s\n", $k,
            $got === $v ? 'same value' : 'WRONG ' . var_export($got, true),
            $peerNew->get($key) === $v ? 'the same (PECL reads it)' : 'not there',
            var_export($peerOld->get($key), true),
            abs(ttl($loc['new'], $key) - 500) <= 2 ? 'kept' : 'lost',
            trim(mr_raw($loc['new'], "mg __memrehash:m:$key v")) === 'EN' ? 'gone' : 'left');
    }
    $s = $mr->stats();
    echo "migrated {$s['migrated']} raced {$s['raced']} move_failed {$s['move_failed']}\n";
}
echo "-- a delete of a moving key removes its lease at N\n";
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-lease-delete']);
$peerOld->set('lm:del', 'v', 500);
$loc = mr_locate_peer($old, $new, 'lm:del');
var_dump(trim(mr_raw($loc['new'], "ms __memrehash:m:lm:del 0 T60 ME\r\n")));
var_dump($mr->delete('lm:del'));
var_dump(trim(mr_raw($loc['new'], "mg __memrehash:m:lm:del v")), $peerOld->get('lm:del'));
?>
--EXPECT--
-- lease move
int: same value; at N the same (PECL reads it), at O false, TTL kept, lease gone
array: same value; at N the same (PECL reads it), at O false, TTL kept, lease gone
big: same value; at N the same (PECL reads it), at O false, TTL kept, lease gone
float: same value; at N the same (PECL reads it), at O false, TTL kept, lease gone
migrated 4 raced 0 move_failed 0
-- ordered_move
int: same value; at N the same (PECL reads it), at O false, TTL kept, lease gone
array: same value; at N the same (PECL reads it), at O false, TTL kept, lease gone
big: same value; at N the same (PECL reads it), at O false, TTL kept, lease gone
float: same value; at N the same (PECL reads it), at O false, TTL kept, lease gone
migrated 4 raced 0 move_failed 0
-- a delete of a moving key removes its lease at N
string(2) "HD"
bool(true)
string(2) "EN"
bool(false)
