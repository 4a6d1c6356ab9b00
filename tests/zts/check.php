<?php
/* The independent view around tests/zts/threads.c, through the PECL
 * memcached peer and the servers' own stats (never MemRehash's counters).
 *
 *   php check.php seed     empties the servers; writes every key the threads
 *                          will read, with PECL Memcached over the old list
 *                          (servers 0-1); prints server 2's total_connections
 *   php check.php verify N after the threads: every seeded key is at its new
 *                          location (servers 0-2) with its value and gone from
 *                          an old location that differs; every request's own
 *                          keys are at servers 3-4; server 2 (reached only by
 *                          the threads' persistent pools) took few new
 *                          connections since N
 * Prints "ok - ..." / "not ok - ..." lines. MR_ZTS_THREADS, MR_ZTS_REQUESTS,
 * MR_ZTS_KEYS: as for the threads. */
require __DIR__ . '/../config.inc';

$threads = (int)getenv('MR_ZTS_THREADS');
$requests = (int)getenv('MR_ZTS_REQUESTS');
$keys = (int)(getenv('MR_ZTS_KEYS') ?: 20);
$s = mr_servers(5);

/** Returns server $srv's total_connections, read with a stats command. */
function total_connections(string $srv): int
{
    preg_match('/STAT total_connections (\d+)/', mr_raw($srv, 'stats'), $m);
    return (int)($m[1] ?? -1);
}

/** Returns [key => value] of every seeded key. */
function seeds(int $threads, int $requests, int $keys): array
{
    $all = [];
    for ($t = 0; $t < $threads; $t++) {
        for ($r = 0; $r < $requests; $r++) {
            for ($i = 0; $i < $keys; $i++) {
                $all["zts:seed:$t:$r:$i"] = "seed $t $r $i";
            }
        }
    }
    return $all;
}

function report(bool $ok, string $what): void
{
    echo ($ok ? 'ok' : 'not ok'), " - $what\n";
}

$seeds = seeds($threads, $requests, $keys);
if (($argv[1] ?? '') === 'seed') {
    mr_flush_all();
    $old = mr_peer([$s[0], $s[1]]);
    report($old->setMulti($seeds), 'seeded ' . count($seeds) . ' keys with PECL Memcached over the old list');
    echo 'connections ', total_connections($s[2]), "\n";
    exit;
}

$before = (int)($argv[2] ?? -1);
$oldPeer = mr_peer([$s[0], $s[1]]);
$newPeer = mr_peer([$s[0], $s[1], $s[2]]);
$got = $newPeer->getMulti(array_keys($seeds)) ?: [];
$at = 0;
$left = 0;
$moving = 0;
foreach ($seeds as $k => $v) {
    if (($got[$k] ?? null) === $v) {
        $at++;
    }
    $o = $oldPeer->getServerByKey($k);
    $n = $newPeer->getServerByKey($k);
    if ($o['port'] !== $n['port']) {
        $moving++;
        if ($oldPeer->get($k) !== false) {
            $left++;
        }
    }
}
report($at === count($seeds), "seeded keys at their new location with their value: $at of " . count($seeds));
report($moving > 0 && $left === 0, "keys whose location changed still at the old one: $left of $moving");

$ownPeer = mr_peer([$s[3], $s[4]]);
$own = 0;
$want = 0;
for ($t = 0; $t < $threads; $t++) {
    for ($r = 0; $r < $requests; $r++) {
        $names = [];
        for ($i = 0; $i < $keys; $i++) {
            $names[] = "zts:own:$t:$r:$i";
        }
        $want += $keys;
        foreach ($ownPeer->getMulti($names) ?: [] as $k => $v) {
            [, , $vt, $vr, $vi] = explode(':', $k);
            if (is_array($v) && $v['t'] === (int)$vt && $v['r'] === (int)$vr && $v['i'] === (int)$vi) {
                $own++;
            }
        }
    }
}
report($own === $want, "each request's own keys read back with PECL Memcached: $own of $want");

/* the threads' persistent pools are the only clients of server 2: one
 * connection per thread (its pool's), plus at most one per thread for a
 * server clock reading; a pool rebuilt every request would take one per
 * request. The stats command below is one more. */
$after = total_connections($s[2]);
$new = $after - $before - 1;
report($before >= 0 && $new >= 1 && $new <= 2 * $threads,
    "server 2 took $new connections for $threads threads x $requests requests (persistent pools kept per thread; at most " . 2 * $threads . ')');
