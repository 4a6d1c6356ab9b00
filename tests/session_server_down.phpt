--TEST--
session handler with a server down: reading, locking, writing, destroying, touching (lazy_write), creating and validating ids each fail with a warning, never hang or crash; the old server keeps the session
--SKIPIF--
<?php
require __DIR__.'/skipif.inc';
/* run-tests.php -m traces children: the forked helper would run under
 * memcheck too; the ASan suite runs this test */
if (getenv('ZEND_DONT_UNLOAD_MODULES') && getenv('USE_ZEND_ALLOC') === '0' && !getenv('SKIP_ASAN')) {
    die('skip not under valgrind: a child process would be traced too; the ASan suite runs this test');
}
if (!function_exists('pcntl_fork')) die('skip pcntl extension not loaded');
?>
--INI--
session.save_handler=memrehash
session.use_cookies=0
session.cache_limiter=
memrehash.sess_lock_wait_min=5
memrehash.sess_lock_wait_max=5
memrehash.sess_lock_retries=1
memrehash.retry_interval=0
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/gate_proxy.php';
ob_start();
mr_flush_all();
$s = stream_socket_server('tcp://127.0.0.1:0');
$dead = stream_socket_get_name($s, false);
fclose($s);
[$old, $live] = mr_servers(2);
$po = new Memcached();
$po->addServer(...[explode(':', $old)[0], (int)explode(':', $old)[1]]);
$po->setOption(Memcached::OPT_PREFIX_KEY, 'memc.sess.key.');
$sid = 'sessdown0123456789abcdefgh';
$po->set($sid, 'a|i:1;', 600);

function path(string $old, string $new): string
{
    return "old=$old;new=$new";
}
function show(string $what, $r): void
{
    echo "$what: ", var_export($r, true), "\n";
}

echo "-- the new server is down from the start\n";
ini_set('session.save_path', path($old, $dead));
session_id($sid);
show('start, locking', session_start());
ini_set('memrehash.sess_locking', '0');
session_id($sid);
show('start, no locking', session_start());
show('the old server keeps it', $po->get($sid));

echo "-- the new server goes down within the request\n";
foreach (['write', 'destroy', 'touch'] as $case) {
    $g = gate_start($live, []);
    ini_set('session.save_path', path($old, $g['addr']));
    ini_set('session.lazy_write', $case === 'touch' ? '1' : '0');
    session_id($sid);
    $t = microtime(true);
    show("$case: start", session_start());
    gate_stop($g);                        /* its connections close, its port refuses */
    if ($case === 'write') {
        $_SESSION['a'] = 2;
        show("$case: write_close", session_write_close());
    } elseif ($case === 'destroy') {
        show("$case: destroy", session_destroy());
    } else {
        show("$case: write_close (unchanged: touch)", session_write_close());
    }
    show("$case: within 10 s", microtime(true) - $t < 10.0);
}

echo "-- new ids and strict mode with the new server down\n";
ini_set('session.save_path', path($old, $dead));
ini_set('session.use_strict_mode', '1');
session_id('unknownid0123456789abcdef');
/* PHP 8.2 warns and returns false; PHP 8.4 throws "Failed to create session ID":
 * either way the start is refused, quickly, and nothing crashes */
try {
    $started = @session_start();
} catch (Error $e) {
    $started = str_starts_with($e->getMessage(), 'Failed to create session ID') ? false : 'Error: ' . $e->getMessage();
}
show('strict start', $started);
show('the id it got', session_id() === 'unknownid0123456789abcdef' ? 'the unknown id' : (session_id() === '' ? 'none' : 'a new one'));
@session_write_close();
echo "alive\n";
?>
--EXPECTF--
-- the new server is down from the start

Warning: session_start(): Failed to write session lock: connection failure in %s on line %d

Warning: session_start(): Unable to clear session lock record in %s on line %d

Warning: session_start(): Failed to read session data: memrehash (path: %s) in %s on line %d
start, locking: false

Warning: session_start(): error getting session from memcached: connection failure in %s on line %d

Warning: session_start(): Failed to read session data: memrehash (path: %s) in %s on line %d
start, no locking: false
the old server keeps it: 'a|i:1;'
-- the new server goes down within the request
write: start: true

Warning: session_write_close(): error saving session to memcached: connection failure in %s on line %d

Warning: session_write_close(): Failed to write session data (memrehash). Please verify that the current setting of session.save_path is correct (%s) in %s on line %d
write: write_close: true
write: within 10 s: true
destroy: start: true

Warning: session_destroy(): error deleting session from memcached: connection failure in %s on line %d

Warning: session_destroy(): Session object destruction failed in %s on line %d
destroy: destroy: false
destroy: within 10 s: true
touch: start: true

Warning: session_write_close(): error updating the session timestamp in memcached: connection failure in %s on line %d

Warning: session_write_close(): Failed to write session data (memrehash). Please verify that the current setting of session.save_path is correct (%s) in %s on line %d
touch: write_close (unchanged: touch): true
touch: within 10 s: true
-- new ids and strict mode with the new server down
strict start: false
the id it got: 'none'
alive
