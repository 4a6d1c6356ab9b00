--TEST--
get: a key another process moves between this get's look at N and its look at O is found by a second look at N, not missed
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
/* the hostile server child would be traced by valgrind too (see hostile_wrong_reply.phpt) */
if (getenv('ZEND_DONT_UNLOAD_MODULES') && getenv('USE_ZEND_ALLOC') === '0' && !getenv('SKIP_ASAN')) {
    die('skip not under valgrind: the hostile server child would be traced too; the ASan suite runs this test');
}
?>
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/hostile_server.php';
/* O is a stand-in that, asked for a "racedmove" key, first stores it at N
 * (the real server) as another process's move would (add at N, then delete
 * at O), then answers "not found": the interleaving made deterministic */
$n = mr_servers(1)[0];
putenv("HOSTILE_MOVE_TO=$n");
$h = hostile_start('racedmove');
$key = 'racedmove:' . getmypid();
$plain = 'nowhere:' . getmypid();
mr_raw($n, "md $key q");
mr_raw($n, "md $plain q");
$m = new MemRehash([$h['addr']], [$n], ['name' => 'recheck-' . getmypid(), 'complete_below' => 0.0, 'timeout' => 3000, 'connect_timeout' => 3000]);
var_dump($m->locate($key)['moves']);
var_dump($m->get($key), $m->getResultCode() === MemRehash::RES_SUCCESS);
/* a key at neither place is still a miss, after the same second look */
var_dump($m->get($plain), $m->getResultCode() === MemRehash::RES_NOTFOUND);
/* getMulti takes the same path */
$key2 = $key . ':multi';
mr_raw($n, "md $key2 q");
var_dump($m->getMulti([$key2, $plain]));
$s = $m->stats();
printf("gets %d new_hits %d old_lookups %d old_hits %d misses %d errors %d\n", $s['gets'], $s['new_hits'], $s['old_lookups'], $s['old_hits'], $s['misses'], $s['errors']);
/* judged by a PECL client too: the key is at N with the mover's value */
$peer = mr_peer([$n]);
var_dump($peer->get($key));
hostile_stop($h);
mr_raw($n, "md $key q");
mr_raw($n, "md $key2 q");
?>
--EXPECTF--
bool(true)
string(16) "moved-by-another"
bool(true)
bool(false)
bool(true)
array(1) {
  ["racedmove:%d:multi"]=>
  string(16) "moved-by-another"
}
gets 4 new_hits 2 old_lookups 4 old_hits 0 misses 2 errors 0
string(16) "moved-by-another"
