--TEST--
session handler: a lock held at the old location (a PECL memcached request still in flight) or the new one makes a request wait, then fail as PECL does
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--INI--
session.save_handler=memrehash
session.use_cookies=0
session.cache_limiter=
memrehash.sess_lock_wait_min=10
memrehash.sess_lock_wait_max=40
memrehash.sess_lock_retries=4
--FILE--
<?php
require __DIR__ . '/config.inc';
ob_start(); /* keep headers unsent: session ini settings change below */
$old = mr_servers(3);
$new = mr_servers(2, 3);
ini_set('session.save_path', 'old=' . implode(',', $old) . ';new=' . implode(',', $new));
mr_flush_all();

function sess_peer(array $servers): Memcached
{
    $m = mr_peer($servers);
    $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
    $m->setOption(Memcached::OPT_PREFIX_KEY, 'memc.sess.key.');
    return $m;
}
$po = sess_peer($old);
$pn = sess_peer($new);
$sid = 'lockold0123456789abcdefg';
$po->set($sid, 'a|i:1;', 600);

echo "-- a PECL request on the old list holds the session\n";
$po->set("lock.$sid", '1');
session_id($sid);
$t = microtime(true);
var_dump(session_start());
/* one try and four retries, waiting 10 + 20 + 40 + 40 ms */
var_dump(microtime(true) - $t >= 0.105);
echo "nothing moved, no lock taken:\n";
var_dump($po->get($sid), $pn->get($sid), $pn->get("lock.$sid"), $po->get("lock.$sid"));

echo "-- it lets go\n";
$po->delete("lock.$sid");
session_id($sid); /* a failed start forgets the id */
var_dump(session_start(), $_SESSION);
session_write_close();

echo "-- a request on the new list holds it\n";
$pn->set("lock.$sid", '1');
session_id($sid);
var_dump(session_start());
$pn->delete("lock.$sid");

echo "-- without locking nobody waits\n";
ini_set('memrehash.sess_locking', '0');
$pn->set("lock.$sid", '1');
session_id($sid);
var_dump(session_start(), $_SESSION);
session_write_close();
var_dump($pn->get("lock.$sid"));
?>
--EXPECTF--
-- a PECL request on the old list holds the session

Warning: session_start(): Unable to clear session lock record in %s on line %d

Warning: session_start(): Failed to read session data: memrehash (path: old=%s;new=%s) in %s on line %d
bool(false)
bool(true)
nothing moved, no lock taken:
string(6) "a|i:1;"
bool(false)
bool(false)
string(1) "1"
-- it lets go
bool(true)
array(1) {
  ["a"]=>
  int(1)
}
-- a request on the new list holds it

Warning: session_start(): Unable to clear session lock record in %s on line %d

Warning: session_start(): Failed to read session data: memrehash (path: old=%s;new=%s) in %s on line %d
bool(false)
-- without locking nobody waits
bool(true)
array(1) {
  ["a"]=>
  int(1)
}
string(1) "1"
