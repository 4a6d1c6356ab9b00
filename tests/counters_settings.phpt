--TEST--
counters: a counters file that cannot be opened or sized warns at startup and leaves the counters to the process; an existing file gets the mode the INI asks for; max_pools below 1 counts as 1; a pool named again with another threshold and window takes them
--SKIPIF--
<?php
require __DIR__.'/skipif.inc';
if (getenv('ZEND_DONT_UNLOAD_MODULES') && getenv('USE_ZEND_ALLOC') === '0' && !getenv('SKIP_ASAN')) {
    die('skip not under valgrind: child processes; the ASan suite runs this test');
}
?>
--FILE--
<?php
require __DIR__ . '/config.inc';
preg_match('~\s(/\S*memrehash\.so)$~m', file_get_contents('/proc/self/maps'), $m);
$so = $m[1];
/** Runs PHP with memrehash and the settings; returns what it printed. */
function child(array $ini, string $code): string
{
    global $so;
    $cmd = [PHP_BINARY, '-d', "extension=$so", '-d', 'display_startup_errors=1', '-d', 'display_errors=stderr', '-d', 'log_errors=0'];
    foreach ($ini as $k => $v) {
        array_push($cmd, '-d', "$k=$v");
    }
    array_push($cmd, '-r', $code);
    $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes);
    $out = stream_get_contents($pipes[1]);
    fclose($pipes[1]);
    proc_close($p);
    return trim(preg_replace('/^(PHP )?Warning:\s+PHP Startup: | in Unknown on line \d+/m', '', $out));
}
$info = 'ob_start(); phpinfo(INFO_MODULES); preg_match("/^Counters => (.*)$/m", ob_get_clean(), $m); echo "counters: $m[1]\n";';
echo child(['memrehash.counters_file' => '/nonexistent-dir/counters'], $info), "\n";
echo child(['memrehash.counters_file' => '/dev/null'], $info), "\n";

$file = tempnam(sys_get_temp_dir(), 'mr-ctr-');
chmod($file, 0644);
echo child(['memrehash.counters_file' => $file, 'memrehash.counters_file_mode' => '0600'], $info), "\n";
clearstatcache();
printf("file mode %04o, size > 0: %s\n", fileperms($file) & 07777, var_export(filesize($file) > 0, true));
unlink($file);

$servers = json_encode(mr_servers(2));
echo child(['memrehash.max_pools' => '0'], '$s = json_decode(\'' . $servers . '\'); new MemRehash([$s[0]], [$s[1]], ["name" => "one"]); new MemRehash([$s[0]], [$s[1]], ["name" => "two"]);'), "\n";

// the same name again with another threshold and window: the pool takes them
$s = mr_servers(2);
$a = new MemRehash([$s[0]], [$s[1]], ['name' => 'ctr-again-' . getmypid(), 'complete_below' => 0.1, 'window' => 60]);
$b = new MemRehash([$s[0]], [$s[1]], ['name' => 'ctr-again-' . getmypid(), 'complete_below' => 0.2, 'window' => 120]);
$st = $a->stats();
var_dump($st['complete_below'], $st['window']);
// completing twice: the second finds it done
var_dump($a->complete(), $a->isComplete(), $b->isComplete());
?>
--EXPECT--
cannot open memrehash.counters_file /nonexistent-dir/counters: No such file or directory; counters are private to each process
counters: this process only: memrehash.counters_file could not be opened (see the startup warning)
cannot size memrehash.counters_file /dev/null: Invalid argument; counters are private to each process
counters: this process only: memrehash.counters_file could not be opened (see the startup warning)
counters: shared, file-backed
file mode 0600, size > 0: true
Warning: MemRehash::__construct(): all 1 counter slots are in use: pool "two" counts in this process only (raise memrehash.max_pools) in Command line code on line 1
float(0.2)
int(120)
NULL
bool(true)
bool(true)
