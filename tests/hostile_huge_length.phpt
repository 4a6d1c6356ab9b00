--TEST--
Hostile server: VA 999999999999 is refused at once; a 1 GiB VA that never comes ends at the timeout without reserving memory
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
hostile_check('hugelen', [MemRehash::RES_PROTOCOL_ERROR]);
/* a set gets a VA reply: protocol error; a get waits for a value that never comes */
hostile_check('biglen', [MemRehash::RES_PROTOCOL_ERROR, MemRehash::RES_TIMEOUT]);
$peak = memory_get_peak_usage();
echo $peak < 32 * 1024 * 1024 ? "peak ok\n" : "peak memory $peak bytes\n";
?>
--EXPECT--
hugelen: ok
biglen: ok
peak ok
