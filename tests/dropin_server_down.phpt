--TEST--
drop-in: a new server that is down gives false with a connection result code (as PECL: no exception), getLastDisconnectedServer names it, getLastErrorCode keeps it
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$m = new MemRehash\Memcached(mr_servers(1), ['127.0.0.1:1'], [Memcached::OPT_CONNECT_TIMEOUT => 200]);
var_dump($m->getLastDisconnectedServer());
$t = microtime(true);
var_dump($m->get('k'), in_array($m->getResultCode(), [Memcached::RES_CONNECTION_FAILURE, Memcached::RES_SERVER_TEMPORARILY_DISABLED, Memcached::RES_TIMEOUT], true));
var_dump($m->set('k', 1), microtime(true) - $t < 5);
var_dump($m->getLastDisconnectedServer());
$code = $m->getLastErrorCode();
var_dump($m->checkKey('fine'), $m->getResultCode(), $m->getLastErrorCode() === $code && $code !== 0);
?>
--EXPECT--
bool(false)
bool(false)
bool(true)
bool(false)
bool(true)
array(2) {
  ["host"]=>
  string(9) "127.0.0.1"
  ["port"]=>
  int(1)
}
bool(true)
int(0)
bool(true)
