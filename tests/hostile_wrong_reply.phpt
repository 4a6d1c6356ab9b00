--TEST--
Hostile server: replies for another request (wrong O<opaque>), out of order, or unasked for are never taken for the answer
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
/* an error line carries no opaque: CLIENT_ERROR for increment is the server's real answer */
hostile_check('wrongopaque', [MemRehash::RES_PROTOCOL_ERROR, MemRehash::RES_CLIENT_ERROR]);
/* pipelined replies reversed: a single request is still answered right, getMulti is refused
 * (retry_interval 0: a refused batch would otherwise skip the server for a while). The
 * hostile server is the old location too: a get of a moving key, while the pool asks N and
 * O together, also looks at the key's guard at N, two requests there (README, "What a write
 * does while an old server is down") */
$h = hostile_start('reorder');
$m = new MemRehash([$h['addr']], [$h['addr']], ['timeout' => 300, 'retry_interval' => 0, 'complete_below' => 0.0]);
var_dump($m->set('r1', 'one'), $m->set('r2', 'two'), $m->get('r1'));
var_dump($m->getMulti(['r1', 'r2']), $m->getResultCode() === MemRehash::RES_PROTOCOL_ERROR);
hostile_stop($h);
/* a reply nobody asked for after the right one: the call succeeds, the extra reply is never read as the next answer */
$h = hostile_start('extra');
$m = new MemRehash([mr_servers(1)[0]], [$h['addr']], ['timeout' => 300, 'retry_interval' => 0, 'complete_below' => 0.0]);
$stored = $right = 0;
$wrong = [];
for ($i = 0; $i < 20; $i++) {
    $stored += $m->set("e$i", "v$i") === true;
    $v = $m->get("e$i");
    if ($v === "v$i") {
        $right++;
    } else {
        $wrong[] = "e$i: " . var_export($v, true);
    }
}
echo "extra: $stored of 20 sets stored, $right of 20 gets right", $wrong ? ' (' . implode(', ', array_slice($wrong, 0, 3)) . ')' : '', "\n";

hostile_stop($h);
?>
--EXPECT--
wrongopaque: ok
bool(true)
bool(true)
string(3) "one"
bool(false)
bool(true)
extra: 20 of 20 sets stored, 20 of 20 gets right
