<?php
/* One request of the multi-threaded test (tests/zts/threads.c runs it in
 * every thread, $zts_thread and $zts_request set). Uses, at the same time as
 * the other threads of the process:
 *   - a persistent pool (one per thread under ZTS) migrating from servers
 *     0-1 to 0-2: reads this request's seeded keys, which move on read;
 *   - a pool made for this request only over servers 3-4: set, get,
 *     getMulti, increment, delete of keys of its own;
 *   - a pool with a server that refuses connections (the process-wide
 *     down-server table);
 *   - a key expiring in 40 days moving (the process-wide server clock table).
 * Returns "ok N" (N checks passed) or what failed. */
require_once __DIR__ . '/../config.inc';

$t = $zts_thread;
$r = $zts_request;
$keys = (int)(getenv('MR_ZTS_KEYS') ?: 20);
$s = mr_servers(5);
$checks = 0;
$fail = [];
$check = function (bool $c, string $what) use (&$checks, &$fail) {
    if ($c) {
        $checks++;
    } else {
        $fail[] = $what;
    }
};

try {
    $p = new MemRehash([$s[0], $s[1]], [$s[0], $s[1], $s[2]], ['persistent' => 'zts', 'name' => 'zts-moving']);
    for ($i = 0; $i < $keys; $i++) {
        $k = "zts:seed:$t:$r:$i";
        $v = $p->get($k);
        $check($v === "seed $t $r $i", "persistent get $k: " . var_export($v, true) . ' code ' . $p->getResultCode());
    }
    /* an expiry 40 days ahead: over 30 days memcached (and the Memcached
     * API) take it as a unix time. Written at its old location only, it
     * moves on the read below, and the move must turn the remaining TTL
     * (over 30 days) into an absolute time on the new server's clock: the
     * shared server clock table. check.php reads its TTL at the new place. */
    $k = "zts:long:$t:$r";
    $old = new MemRehash([$s[0], $s[1]], [$s[0], $s[1]], ['name' => 'zts-old']);
    $check($old->set($k, "long $t $r", time() + 40 * 86400), "set $k with an expiry 40 days ahead");
    $check($p->get($k) === "long $t $r", "get $k: code " . $p->getResultCode());

    $np = new MemRehash([$s[3]], [$s[3], $s[4]], ['name' => 'zts-plain']);
    $items = [];
    for ($i = 0; $i < $keys; $i++) {
        $items["zts:own:$t:$r:$i"] = ['t' => $t, 'r' => $r, 'i' => $i, 'pad' => str_repeat('x', 100 * $i)];
    }
    $check($np->setMulti($items), 'setMulti');
    $got = $np->getMulti(array_keys($items));
    $check($got === $items, 'getMulti of ' . count($items) . ' keys: ' . (is_array($got) ? count($got) . ' back' : 'false'));
    $c = "zts:ctr:$t:$r";
    $check($np->set($c, 0) && $np->increment($c, 5) === 5 && $np->increment($c) === 6, "increment $c");
    $check($np->delete($c) && $np->get($c) === false, "delete $c");

    /* 127.0.0.1:9 (discard): nothing listens there, connections are refused */
    $dead = new MemRehash([MR_HOST . ':9'], [$s[4]], ['name' => 'zts-dead', 'connect_timeout' => 200]);
    $t0 = hrtime(true);
    $v = $dead->get("zts:nowhere:$t:$r");
    $ms = (hrtime(true) - $t0) / 1e6;
    $check($v === false && $ms < 2000, sprintf('get with the old server refusing: %s in %.0f ms', var_export($v, true), $ms));
} catch (Throwable $e) {
    $fail[] = get_class($e) . ': ' . $e->getMessage();
}
return $fail ? 'FAILED: ' . implode('; ', array_slice($fail, 0, 3)) : "ok $checks";
