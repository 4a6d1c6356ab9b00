--TEST--
session handler: the lock is released by its CAS: a lock another request took over meanwhile (ours expired) stays
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--INI--
session.save_handler=memrehash
session.use_cookies=0
session.cache_limiter=
--FILE--
<?php
require __DIR__ . '/config.inc';
ob_start(); /* keep headers unsent */
$old = mr_servers(3);
$new = mr_servers(2, 3);
ini_set('session.save_path', 'old=' . implode(',', $old) . ';new=' . implode(',', $new));
mr_flush_all();

function sess_peer(array $servers): Memcached
{
    $m = new Memcached();
    foreach ($servers as $s) {
        [$h, $p] = explode(':', $s);
        $m->addServer($h, (int)$p);
    }
    $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
    $m->setOption(Memcached::OPT_PREFIX_KEY, 'memc.sess.key.');
    return $m;
}
$pn = sess_peer($new);
$sid = 'lockown0123456789abcdefgh';

echo "-- our own lock goes at the end of the request\n";
session_id($sid);
var_dump(session_start());
var_dump($pn->get("lock.$sid"));
$_SESSION['n'] = 1;
session_write_close();
var_dump($pn->get("lock.$sid"));

echo "-- another request took the lock over (ours expired): it stays\n";
session_id($sid);
var_dump(session_start(), $_SESSION);
var_dump($pn->set("lock.$sid", '1'));       /* the other request's lock: same value, another CAS */
session_write_close();
var_dump($pn->get("lock.$sid"));
$pn->delete("lock.$sid");
?>
--EXPECT--
-- our own lock goes at the end of the request
bool(true)
string(1) "1"
bool(false)
-- another request took the lock over (ours expired): it stays
bool(true)
array(1) {
  ["n"]=>
  int(1)
}
bool(true)
string(1) "1"
