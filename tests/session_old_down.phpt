--TEST--
session handler while a session's old server hangs (SIGSTOP): a destroy and a write still happen; once the server is back its older copies never come back, and the reads finish their deletes there
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!function_exists('posix_kill')) die('skip posix is needed');
?>
--INI--
session.save_handler=memrehash
session.use_cookies=0
session.cache_limiter=
session.gc_maxlifetime=1000
session.use_strict_mode=0
memrehash.retry_interval=3
memrehash.sess_lock_expire=2
--FILE--
<?php
require __DIR__ . '/config.inc';
ob_start(); /* keep headers unsent */

/* this test's own memcached servers: one of them is stopped */
$procs = [];
function start_server(): string
{
    global $procs;
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $name = stream_socket_get_name($s, false);
    fclose($s);
    $port = (int)substr($name, strrpos($name, ':') + 1);
    $cmd = ['memcached', '-l', '127.0.0.1', '-p', (string)$port, '-U', '0', '-m', '16'];
    if (posix_geteuid() === 0) {
        array_push($cmd, '-u', 'root');
    }
    $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'a'], 2 => ['file', '/dev/null', 'a']], $pipes);
    $procs[$name] = $p;
    for ($i = 0; $i < 100; $i++) {
        if ($c = @stream_socket_client("tcp://$name", $e, $es, 0.2)) {
            fclose($c);
            return $name;
        }
        usleep(20000);
    }
    die("memcached on $name does not answer\n");
}
function pid_of(string $name): int
{
    global $procs;
    return proc_get_status($procs[$name])['pid'];
}
function sess_peer(string $server): Memcached
{
    $m = mr_peer([$server]);
    $m->setOption(Memcached::OPT_PREFIX_KEY, 'memc.sess.key.');
    return $m;
}
function visit(string $sid): array
{
    session_id($sid);
    session_start();
    $data = $_SESSION;
    session_abort();
    return $data;
}

$O = start_server();
$N = start_server();
ini_set('session.save_path', "old=$O;new=$N");
$po = sess_peer($O);
$pn = sess_peer($N);
$A = 'olddownA0123456789abcdef';
$B = 'olddownB0123456789abcdef';
$po->set($B, 'b|i:1;', 600);          /* a session PECL's handler left at the old server */
$po->set($A, 'a|i:1;', 600);
var_dump(visit($A));                  /* moved to N on read */
$po->set($A, 'a|i:0;', 600);          /* and an older copy at O (a host still on the old list wrote it) */

echo "-- O hangs\n";
posix_kill(pid_of($O), SIGSTOP);
session_id($A);
session_start();
var_dump(session_destroy());           /* the invalidation: done, though O cannot be reached */
var_dump(visit($A));
session_id($B);
session_start();
var_dump($_SESSION);                   /* still at O: a miss while O is down */
$_SESSION['b'] = 2;
var_dump(session_write_close());       /* written at N */
var_dump(visit($B), $pn->get($A), $pn->get($B));

echo "-- O is back, with its older copies\n";
posix_kill(pid_of($O), SIGCONT);
var_dump($po->get($A), $po->get($B));
/* memrehash.retry_interval: O is asked again. (The lock the destroy asked O
 * for timed out, but O takes it once it runs again, and keeps it for
 * sess_lock_expire, as a lock of a request that died: short here.) */
usleep(3200000);
var_dump(visit($A));                   /* never O's older copy */
var_dump($po->get($A));                /* and that read deleted it at O */
$pn->delete($B);                       /* N loses B (an eviction) */
var_dump(visit($B));                   /* O's older copy of B does not come back */
var_dump($po->get($B));

foreach ($procs as $p) {
    proc_terminate($p);
    proc_close($p);
}
?>
--EXPECT--
array(1) {
  ["a"]=>
  int(1)
}
-- O hangs
bool(true)
array(0) {
}
array(0) {
}
bool(true)
array(1) {
  ["b"]=>
  int(2)
}
bool(false)
string(6) "b|i:2;"
-- O is back, with its older copies
string(6) "a|i:0;"
string(6) "b|i:1;"
array(0) {
}
bool(false)
array(0) {
}
bool(false)
