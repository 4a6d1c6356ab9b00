--TEST--
Hostile server: an endless value, an endless line and a 1 GiB flood end with an error within the timeout
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
memory_limit=256M
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/hostile_server.php';
hostile_check('endless', [MemRehash::RES_PROTOCOL_ERROR]);
hostile_check('endlessline', [MemRehash::RES_PROTOCOL_ERROR]);
/* E2BIG: the buffer reached what memory_limit allows before the timeout */
hostile_check('flood', [MemRehash::RES_PROTOCOL_ERROR, MemRehash::RES_TIMEOUT, MemRehash::RES_E2BIG]);
?>
--EXPECT--
endless: ok
endlessline: ok
flood: ok
