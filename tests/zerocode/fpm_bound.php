<?php
/* One request of an app with everything memrehash.transitions binds, for the
 * sanitizer and valgrind runs of PHP-FPM (tests/suites/asan.sh, valgrind in
 * tests/suites/zerocode.sh): ?new=LIST&old=LIST&i=N
 *   - a plain \Memcached over the new list (bound): set and get;
 *   - a persistent one (id "zc-bound", servers added once per worker) reused
 *     by every request of the worker: get, increment of the request counter;
 *   - a \Memcached over the old list (not bound): get;
 *   - a session with PECL's handler and the new list as save_path (bound).
 * Prints "ok I pid P reused R count C" (R: the persistent object came from
 * an earlier request), or "bad I ..." naming what did not answer as it should. */
$split = fn (string $l) => array_map(fn ($s) => [explode(':', $s)[0], (int) explode(':', $s)[1]], explode(',', $l));
$new = (string) $_GET['new'];
$old = (string) $_GET['old'];
$i = (int) $_GET['i'];
$bad = [];

$m = new Memcached();
$m->addServers($split($new));
$m->set("fpm-bound-$i", "v$i", 60);
if ($m->get("fpm-bound-$i") !== "v$i") {
    $bad[] = 'plain';
}
$p = new Memcached('zc-bound');
$reused = !$p->isPristine();
if (!$p->getServerList()) {
    $p->addServers($split($new));
}
$p->get('fpm-bound-absent');
$p->add('fpm-bound-requests', 0);
$count = $p->increment('fpm-bound-requests');
if ($count === false) {
    $bad[] = 'persistent';
}
$u = new Memcached();
$u->addServers($split($old));
$u->get("fpm-bound-$i");

ini_set('session.save_handler', 'memcached');
ini_set('session.save_path', $new);
ini_set('session.use_cookies', '0');
ini_set('session.cache_limiter', '');
session_id('fpmbound' . ($i % 7));
if (!session_start()) {
    $bad[] = 'session';
} else {
    $_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
    session_write_close();
}
echo $bad ? 'bad' : 'ok', " $i pid ", getmypid(), ' reused ', (int) $reused, " count $count", $bad ? ' ' . implode(',', $bad) : '', "\n";
