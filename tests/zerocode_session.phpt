--TEST--
zero code change, sessions (CLI): PECL memcached's own handler with a transition's new list as save_path moves sessions with PECL's keys, settings and locks; any other save_path stays PECL's
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; require __DIR__.'/zerocode/transitions.inc'; ?>
--INI--
memrehash.transitions=@{PWD}/output/zerocode.transitions
session.save_handler=memcached
session.use_cookies=0
session.use_strict_mode=0
session.cache_limiter=
session.gc_maxlifetime=1000
memcached.sess_lock_wait_min=10
memcached.sess_lock_wait_max=40
memcached.sess_lock_retries=4
--FILE--
<?php
require __DIR__ . '/config.inc';
ob_start(); /* keep headers unsent: session ini settings change below */
$old = mr_servers(3);
$new = mr_servers(2);
[$removed] = mr_servers(1, 2);
mr_flush_all();
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
echo "transition loaded: ", var_export(str_contains($info, 'zc-phpt'), true), "\n";

/* PECL clients placing session keys as PECL's handler does (consistent, prefix not hashed). */
function sess_peer(array $servers, string $prefix = 'memc.sess.key.'): Memcached
{
    $m = mr_peer($servers);
    $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
    $m->setOption(Memcached::OPT_PREFIX_KEY, $prefix);
    return $m;
}
/** Returns the servers of $servers holding raw key $key. */
function holders(array $servers, string $key): array
{
    return array_values(array_filter($servers, fn ($s) => mr_peer([$s])->get($key) !== false));
}
function start(string $sid): bool
{
    session_id($sid);
    return session_start();
}
$po = sess_peer($old);
$pn = sess_peer($new);

echo "-- PECL's handler over the old list (no transition's new list: PECL's) logs 30 users in\n";
ini_set('session.save_path', implode(',', $old));
for ($i = 0; $i < 30; $i++) {
    start("zcphpt$i");
    $_SESSION['user'] = "user$i";
    session_write_close();
}
$at_removed = [];
for ($i = 0; $i < 30; $i++) {
    if (holders([$removed], "memc.sess.key.zcphpt$i")) {
        $at_removed[] = $i;
    }
}
echo "sessions on the server to retire: ", count($at_removed) > 0 ? "some" : "none", "\n";
$moving = $at_removed[0];
$staying = 0;
while (in_array($staying, $at_removed, true)) {
    $staying++;
}

echo "-- save_path = the new list: PECL's settings, the session still at its old place is locked there too\n";
ini_set('session.save_path', implode(',', $new));
$po->set("lock.zcphpt$moving", '1'); /* a request still on PECL's handler over the old list */
$t = microtime(true);
var_dump(start("zcphpt$moving"));
/* memcached.sess_lock_*: one try and four retries, waiting 10 + 20 + 40 + 40 ms */
var_dump(microtime(true) - $t >= 0.105, microtime(true) - $t < 5);
$po->delete("lock.zcphpt$moving");

echo "-- every user still logged in\n";
$in = 0;
for ($i = 0; $i < 30; $i++) {
    start("zcphpt$i");
    $in += ($_SESSION['user'] ?? null) === "user$i";
    $_SESSION['visits'] = 2;
    session_write_close();
}
echo "logged in: $in\n";
$placed = 0;
foreach (range(0, 29) as $i) {
    $s = $pn->getServerByKey("zcphpt$i");
    $placed += holders(array_merge($new, [$removed]), "memc.sess.key.zcphpt$i") === ["{$s['host']}:{$s['port']}"];
}
echo "each at the one server PECL places it on the new list: $placed\n";
echo "locks left: ", count(array_filter(range(0, 29), fn ($i) => holders($old, "memc.sess.key.lock.zcphpt$i"))), "\n";

echo "-- a lock at the new place (another request) makes it wait, then fail as PECL does\n";
$pn->set("lock.zcphpt$staying", '1');
var_dump(start("zcphpt$staying"));
echo "-- without locking (memcached.sess_locking=0) nobody waits\n";
ini_set('memcached.sess_locking', '0');
var_dump(start("zcphpt$staying"), $_SESSION['user']);
session_write_close();
var_dump($pn->get("lock.zcphpt$staying"));
$pn->delete("lock.zcphpt$staying");
ini_set('memcached.sess_locking', '1');

echo "-- memcached.sess_prefix names the keys\n";
ini_set('memcached.sess_prefix', 'zc.p.');
start('zcphptprefix');
$_SESSION['p'] = 1;
session_write_close();
$s = sess_peer($new, 'zc.p.')->getServerByKey('zcphptprefix');
var_dump(holders(array_merge($new, [$removed]), 'zc.p.zcphptprefix') === ["{$s['host']}:{$s['port']}"]);
ini_restore('memcached.sess_prefix');

echo "-- save_paths that are not a transition's new list stay PECL's\n";
ini_set('session.save_path', implode(',', array_reverse($new)));
start("zcphptfresh");
$_SESSION['x'] = 1;
session_write_close();
/* PECL's own reservation and write, placed by PECL over that list */
$rev = sess_peer(array_reverse($new));
$s = $rev->getServerByKey('zcphptfresh');
var_dump(holders(array_merge($new, [$removed]), 'memc.sess.key.zcphptfresh') === ["{$s['host']}:{$s['port']}"]);
ini_set('session.save_path', 'PERSISTENT=zc ' . implode(',', $new));
var_dump(start("zcphpt$staying"));
ini_set('session.save_path', implode(',', $new));
var_dump(start("zcphpt$staying"), $_SESSION['visits']);
session_write_close();
echo "-- strict mode, session_regenerate_id, lazy write, destroy, bound (the same as PECL alone gives)\n";
ini_set('session.use_strict_mode', '1');
ini_set('session.lazy_write', '1');
session_id(''); /* no id: a new one, reserved at its new place */
session_start();
$id1 = session_id();
$_SESSION['u'] = 'x';
var_dump(session_regenerate_id(true));
$id2 = session_id();
session_write_close();
$s = $pn->getServerByKey($id2);
var_dump($id1 !== $id2, holders(array_merge($new, [$removed]), "memc.sess.key.$id2") === ["{$s['host']}:{$s['port']}"]);
session_id($id2);
session_start();
var_dump($_SESSION);
session_write_close(); /* unchanged: update_timestamp */
session_id($id1);
session_start(); /* regenerated away: strict mode gives a new id */
var_dump($_SESSION, session_id() !== $id1);
session_destroy();
session_id($id2);
session_start();
session_destroy();
var_dump(holders(array_merge($new, [$removed]), "memc.sess.key.$id2"));
ob_start();
phpinfo(INFO_MODULES);
preg_match('/Sessions bound in this process \(opens\) => (\d+)/', ob_get_clean(), $m);
echo "bound opens: ", $m[1] ?? 'none', "\n";
?>
--EXPECTF--
transition loaded: true
-- PECL's handler over the old list (no transition's new list: PECL's) logs 30 users in
sessions on the server to retire: some
-- save_path = the new list: PECL's settings, the session still at its old place is locked there too

Warning: session_start(): Unable to clear session lock record in %s on line %d

Warning: session_start(): Failed to read session data: memcached (path: %s) in %s on line %d
bool(false)
bool(true)
bool(true)
-- every user still logged in
logged in: 30
each at the one server PECL places it on the new list: 30
locks left: 0
-- a lock at the new place (another request) makes it wait, then fail as PECL does

Warning: session_start(): Unable to clear session lock record in %s on line %d

Warning: session_start(): Failed to read session data: memcached (path: %s) in %s on line %d
bool(false)
-- without locking (memcached.sess_locking=0) nobody waits
bool(true)
string(%d) "user%d"
string(1) "1"
-- memcached.sess_prefix names the keys
bool(true)
-- save_paths that are not a transition's new list stay PECL's
bool(true)

Warning: session_start(): failed to parse session.save_path: PERSISTENT is replaced by memcached.sess_persistent = On in %s on line %d

Warning: session_start(): Failed to initialize storage module: memcached (path: PERSISTENT=zc %s) in %s on line %d
bool(false)
bool(true)
int(2)
-- strict mode, session_regenerate_id, lazy write, destroy, bound (the same as PECL alone gives)
bool(true)
bool(true)
bool(true)
array(1) {
  ["u"]=>
  string(1) "x"
}
array(0) {
}
bool(true)
array(0) {
}
bound opens: %d
