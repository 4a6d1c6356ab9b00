--TEST--
a move the new server refuses (an item over its -I limit): get serves the value from O and O keeps it; a drain counts an error and leaves it at the source; smaller items move
--SKIPIF--
<?php
require __DIR__.'/skipif.inc';
/* run-tests.php -m traces children: the forked helper would run under
 * memcheck too; the ASan suite runs this test */
if (getenv('ZEND_DONT_UNLOAD_MODULES') && getenv('USE_ZEND_ALLOC') === '0' && !getenv('SKIP_ASAN')) {
    die('skip not under valgrind: a child process would be traced too; the ASan suite runs this test');
}
if (!is_executable(trim((string)shell_exec('command -v memcached')))) die('skip memcached binary not found');
?>
--FILE--
<?php
/* N is a real memcached started here with a 1 KB item limit (-I 1k),
 * stopped by its pid at the end. */
require __DIR__ . '/config.inc';
$s = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)explode(':', stream_socket_get_name($s, false))[1];
fclose($s);
/* slab_chunk_max must not pass -I: memcached 1.6.18 reads it in bytes,
 * later releases (1.6.38 in Debian 13) in kilobytes, so try both forms */
$small = "127.0.0.1:$port";
$proc = null;
foreach (['1024', '1'] as $chunk) {
    $args = ['memcached', '-l', '127.0.0.1', '-p', (string)$port, '-U', '0', '-m', '8', '-I', '1k', '-o', "slab_chunk_max=$chunk"];
    if (function_exists('posix_getuid') && posix_getuid() === 0) {
        $args = array_merge($args, ['-u', 'root']);
    }
    $proc = proc_open($args, [['file', '/dev/null', 'r'], ['file', '/dev/null', 'w'], ['file', '/dev/null', 'w']], $pipes);
    $up = false;
    for ($i = 0; $i < 200 && proc_get_status($proc)['running']; $i++) {
        if ($c = @stream_socket_client("tcp://$small", $e, $es, 0.1)) {
            fclose($c);
            $up = true;
            break;
        }
        usleep(20000);
    }
    if ($up) {
        break;
    }
    proc_close($proc);
    $proc = null;
}
if ($proc === null) {
    die("the small memcached did not start\n");
}
mr_flush_all();
$o = mr_servers(1)[0];
$peerO = mr_peer([$o]);
$peerO->setOption(Memcached::OPT_COMPRESSION, false);
$big = str_repeat('b', 5000);
var_dump($peerO->set('rf-big', $big, 600), $peerO->set('rf-small', 'tiny', 600));

$mr = new MemRehash([$o], [$small], ['name' => 'core-phpt-refused', 'timeout' => 1000, 'retry_interval' => 0]);
$s0 = $mr->stats();
echo "-- get\n";
var_dump($mr->get('rf-big') === $big, $mr->getResultCode() === MemRehash::RES_SUCCESS);
var_dump($mr->get('rf-small'));
$s1 = $mr->stats();
var_dump($s1['move_failed'] - $s0['move_failed'], $s1['migrated'] - $s0['migrated']);
echo "O keeps the refused item: ", var_export($peerO->get('rf-big') === $big, true), "\n";
echo "N holds: ", json_encode(mr_peer([$small])->getMulti(['rf-big', 'rf-small'])), "\n";

echo "-- drain\n";
$peerO->set('rf-big2', $big, 600);
$peerO->set('rf-small2', 'tiny2', 600);
$r = $mr->drain($o);
var_dump($r['stopped'], $r['moved'], $r['errors'] >= 2);
echo "the source keeps: ", json_encode(array_keys($peerO->getMulti(['rf-big', 'rf-big2', 'rf-small2']))), "\n";
echo "N holds: ", json_encode(array_keys(mr_peer([$small])->getMulti(['rf-big', 'rf-big2', 'rf-small', 'rf-small2']))), "\n";
proc_terminate($proc);
proc_close($proc);
?>
--EXPECT--
bool(true)
bool(true)
-- get
bool(true)
bool(true)
string(4) "tiny"
int(1)
int(1)
O keeps the refused item: true
N holds: {"rf-small":"tiny"}
-- drain
string(4) "done"
int(1)
bool(true)
the source keeps: ["rf-big","rf-big2"]
N holds: ["rf-small","rf-small2"]
