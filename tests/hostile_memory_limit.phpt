--TEST--
Hostile server: a 1 GiB value streamed at a request with a small memory_limit ends in false with a result code, not a fatal "Allowed memory size exhausted"
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
--INI--
memory_limit=16M
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/hostile_server.php';
/* The reply announces 1 GiB (a legal item size) and the bytes keep coming:
 * the read buffer may only grow as far as the request's memory allows. */
hostile_check('flood', [MemRehash::RES_PROTOCOL_ERROR, MemRehash::RES_TIMEOUT, MemRehash::RES_E2BIG,
    MemRehash::RES_SERVER_MEMORY_ALLOCATION_FAILURE]);
echo memory_get_peak_usage() < 16 * 1024 * 1024 ? "within memory_limit\n" : "over\n";
?>
--EXPECT--
flood: ok
within memory_limit
