--TEST--
drain: the source or the target goes away partway (a gate in front of it is stopped by the progress callable after the first batch): nothing is lost, every key is at exactly one of them, the error is reported
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
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/gate_proxy.php';
[$src, $dst] = mr_servers(2);
$opts = ['connect_timeout' => 300, 'timeout' => 1000, 'retry_interval' => 0, 'complete_below' => 0.0];

/* seeds 200 keys at the source; returns them */
function seed(string $src): array
{
    mr_flush_all();
    $values = [];
    for ($i = 0; $i < 200; $i++) {
        $values["dfp:$i"] = "value $i";
    }
    mr_peer([$src])->setMulti($values, 3600);
    return $values;
}
/* where each key is now, read at the real servers */
function where(array $values, string $src, string $dst): string
{
    $s = mr_peer([$src])->getMulti(array_keys($values));
    $d = mr_peer([$dst])->getMulti(array_keys($values));
    $both = count(array_intersect_key($s, $d));
    $none = count($values) - count($s + $d);
    $all = $s + $d;
    ksort($all);
    ksort($values);
    return sprintf("moved %s, left %s, at both %d, lost %d, values %s", count($d) > 0 ? 'some' : 'none',
        count($s) > 0 ? 'some' : 'none', $both, $none, $all == $values ? 'intact' : 'CHANGED');
}

foreach (['source', 'target'] as $fails) {
    echo "-- the $fails goes away\n";
    $values = seed($src);
    $g = gate_start($fails === 'source' ? $src : $dst, []);
    $gsrc = $fails === 'source' ? $g['addr'] : $src;
    $gdst = $fails === 'target' ? $g['addr'] : $dst;
    $mr = new MemRehash([$gsrc], [$gdst], $opts + ['name' => "core-phpt-drain-fails-$fails"]);
    $batches = 0;
    $r = $mr->drain($gsrc, ['batch' => 20, 'progress' => function (array $p) use (&$batches, $g) {
        if (++$batches === 1) {
            gate_stop($g);
        }
        return true;
    }]);
    echo "stopped: $r[stopped]; errors > 0: ", var_export($r['errors'] > 0, true), "; moved $r[moved] < 200: ", var_export($r['moved'] < 200, true), "\n";
    if ($r['stopped'] === 'error') {
        echo "message: ", str_contains($mr->getResultMessage(), 'metadump') ? 'names the walk' : $mr->getResultMessage(), "\n";
    }
    echo where($values, $src, $dst), "\n";
}
?>
--EXPECTF--
-- the source goes away
stopped: %s; errors > 0: %s; moved %d < 200: true
%A
moved some, left some, at both 0, lost 0, values intact
-- the target goes away
stopped: done; errors > 0: true; moved %d < 200: true
moved some, left some, at both 0, lost 0, values intact
