--TEST--
Hostile server: replies split into 1-byte packets still parse; a trickle slower than the timeout ends at the timeout
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
hostile_check('split', [], ['ok' => true]);
hostile_check('trickle', [MemRehash::RES_TIMEOUT]);
?>
--EXPECT--
split: ok
trickle: ok
