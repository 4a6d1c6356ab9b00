--TEST--
Hostile server: a hung server (accepts, never answers) in the list: 200 gets finish within a few seconds in all and return false with a result code
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
/* run-tests.php -m runs valgrind with --trace-children=yes: the hostile
 * server child would run under memcheck too, and these tests are about
 * timing. tests/suites/asan.sh runs them with ASan instead. */
if (getenv('ZEND_DONT_UNLOAD_MODULES') && getenv('USE_ZEND_ALLOC') === '0' && !getenv('SKIP_ASAN')) {
    die('skip not under valgrind: the hostile server child would be traced too; the ASan suite runs this test');
}
?>
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/hostile_server.php';
$slow = getenv('USE_ZEND_ALLOC') === '0' ? 5 : 1;   // valgrind / ASan runs

/* a listening socket that never accepts: connects complete in the kernel's
 * backlog, and nothing is ever read or answered */
$h = hostile_start('noaccept');
$healthy = mr_servers(1)[0];
$codes = [MemRehash::RES_TIMEOUT, MemRehash::RES_SERVER_TEMPORARILY_DISABLED, MemRehash::RES_CONNECTION_FAILURE];

/* 1. the hung server is every key's new location; default retry interval */
$m = new MemRehash([$healthy], [$h['addr']], ['timeout' => 300, 'connect_timeout' => 300, 'complete_below' => 0.0]);
$t = hrtime(true);
$bad = 0;
$seen = [];
for ($i = 0; $i < 200; $i++) {
    $r = $m->get("hung-$i");
    $seen[$m->getResultCode()] = true;
    if ($r !== false || !in_array($m->getResultCode(), $codes, true)) {
        $bad++;
    }
}
$s = (hrtime(true) - $t) / 1e9;
printf("200 gets: %d not false with a result code; %s\n", $bad, $s < 20 * $slow ? 'within 20 s' : sprintf('took %.1f s', $s));
echo isset($seen[MemRehash::RES_TIMEOUT]) ? "the first timed out\n" : "no RES_TIMEOUT seen\n";
echo isset($seen[MemRehash::RES_SERVER_TEMPORARILY_DISABLED]) ? "then it was skipped\n" : "never marked down\n";

/* 2. a list of a healthy and the hung server (modula): keys on the hung one
 * fail fast, keys on the healthy one work throughout */
$list = [$healthy, $h['addr']];
$m = new MemRehash($list, $list, ['timeout' => 300, 'connect_timeout' => 300, 'distribution' => MemRehash::DIST_MODULA]);
$t = hrtime(true);
$good = $failed = $other = 0;
for ($i = 0; $i < 200; $i++) {
    $k = "mixed-$i";
    $on_hung = $m->locate($k)['new'] === $h['addr'];
    $r = $m->set($k, $i);
    if ($on_hung) {
        $r === false && in_array($m->getResultCode(), $codes, true) ? $failed++ : $other++;
    } else {
        $r === true && $m->get($k) === $i ? $good++ : $other++;
    }
}
$s = (hrtime(true) - $t) / 1e9;
printf("mixed: %s; %s; %d unexpected; %s\n", $good > 50 ? 'healthy keys work' : "only $good healthy", $failed > 50 ? 'hung keys fail' : "only $failed hung failed",
    $other, $s < 20 * $slow ? 'within 20 s' : sprintf('took %.1f s', $s));
hostile_stop($h);
?>
--EXPECT--
200 gets: 0 not false with a result code; within 20 s
the first timed out
then it was skipped
mixed: healthy keys work; hung keys fail; 0 unexpected; within 20 s
