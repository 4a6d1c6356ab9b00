--TEST--
session handler: a session PECL memcached left on the old servers is read, moved, written, validated and destroyed
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--INI--
session.save_handler=memrehash
session.use_cookies=0
session.cache_limiter=
session.gc_maxlifetime=1000
session.use_strict_mode=0
--FILE--
<?php
require __DIR__ . '/config.inc';
ob_start(); /* keep headers unsent: session ini settings change below */
$old = mr_servers(3);
$new = mr_servers(2, 3);
ini_set('session.save_path', 'old=' . implode(',', $old) . ';new=' . implode(',', $new));
mr_flush_all();

/* Memcached clients that place session keys as PECL memcached's handler does. */
function sess_peer(array $servers): Memcached
{
    $m = mr_peer($servers);
    $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
    $m->setOption(Memcached::OPT_PREFIX_KEY, 'memc.sess.key.');
    return $m;
}
function where(Memcached $m, string $key): string
{
    $s = $m->getServerByKey($key);
    return "$s[host]:$s[port]";
}
function raw(Memcached $m, string $key, string $flags): string
{
    return trim(str_replace("\r\n", ' ', mr_raw(where($m, $key), "mg memc.sess.key.$key $flags")));
}
function counters(): void
{
    foreach (MemRehash::allStats() as $name => $s) {
        if (str_starts_with($name, 'sessions:')) {
            echo "moved=$s[sessions_moved] new=$s[sessions_new] missed=$s[sessions_missed]\n";
        }
    }
}
$po = sess_peer($old);
$pn = sess_peer($new);

$sid = 'roundtrip0123456789abcdef';
$po->set($sid, 'a|i:1;', 600); /* as PECL's handler leaves it: raw bytes, flags 0 */

echo "-- the first read moves it\n";
session_id($sid);
var_dump(session_start(), $_SESSION);
echo "lock at its new location: ", raw($pn, "lock.$sid", 'v f'), "\n";
echo "lock at its old location: ", raw($po, "lock.$sid", 'v f'), "\n";
$_SESSION['a']++;
session_write_close();
var_dump($pn->get($sid), $po->get($sid));
echo "stored: ", preg_replace('/t(99[0-9]|1000)$/', 'tOK', raw($pn, $sid, 'f t')), "\n";
echo "locks: ", raw($pn, "lock.$sid", 'v'), ' ', raw($po, "lock.$sid", 'v'), "\n";
counters();

echo "-- then it is at home\n";
session_start();
var_dump($_SESSION);
session_write_close();
counters();

echo "-- an unknown id is a miss (and, as with PECL, an empty session is then written)\n";
session_id('nosuchsession0123456789');
session_start();
var_dump($_SESSION);
session_write_close();
var_dump($pn->get('nosuchsession0123456789'));
counters();

echo "-- a new id is reserved at its new location\n";
session_id('');
session_start();
$id = session_id();
var_dump(strlen($id) >= 22, $pn->get($id));
$_SESSION['x'] = 1;
session_write_close();
var_dump($pn->get($id));

echo "-- strict mode accepts ids found at either location\n";
ini_set('session.use_strict_mode', '1');
$sid2 = 'strict0123456789abcdefgh';
$po->set($sid2, 'b|i:2;', 600);
session_id($sid2);
session_start();
var_dump(session_id() === $sid2, $_SESSION);
session_write_close();
session_id('forged0123456789abcdefgh');
session_start();
var_dump(session_id() === 'forged0123456789abcdefgh', $_SESSION);
session_write_close();
ini_set('session.use_strict_mode', '0');

echo "-- destroy removes it everywhere\n";
session_id($sid);
session_start();
var_dump(session_destroy(), $pn->get($sid), $po->get($sid), raw($pn, "lock.$sid", 'v'));
?>
--EXPECT--
-- the first read moves it
bool(true)
array(1) {
  ["a"]=>
  int(1)
}
lock at its new location: VA 1 f0 1
lock at its old location: VA 1 f0 1
string(6) "a|i:2;"
bool(false)
stored: HD f0 tOK
locks: EN EN
moved=1 new=0 missed=0
-- then it is at home
array(1) {
  ["a"]=>
  int(2)
}
moved=1 new=1 missed=0
-- an unknown id is a miss (and, as with PECL, an empty session is then written)
array(0) {
}
string(0) ""
moved=1 new=1 missed=1
-- a new id is reserved at its new location
bool(true)
string(0) ""
string(6) "x|i:1;"
-- strict mode accepts ids found at either location
bool(true)
array(1) {
  ["b"]=>
  int(2)
}
bool(false)
array(0) {
}
-- destroy removes it everywhere
bool(true)
bool(false)
bool(false)
string(2) "EN"
