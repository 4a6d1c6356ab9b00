--TEST--
get: an old server that is down gives a miss (no exception), counted, within the timeouts
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$s = stream_socket_server('tcp://127.0.0.1:0');
$name = stream_socket_get_name($s, false);
fclose($s);                                   // nothing listens there now
$old = [mr_servers(1)[0], $name];
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-olddown', 'connect_timeout' => 200, 'timeout' => 200]);
$keys = [];
for ($i = 0; count($keys) < 40; $i++) {
    if ($mr->locate("od:$i")['old'] === $name) {
        $keys[] = "od:$i";
    }
}
mr_peer($new)->set($keys[0], 'at N');
$t = microtime(true);
var_dump($mr->get($keys[0]));
$codes = $vals = [];
foreach (array_slice($keys, 1) as $k) {
    $vals[] = $mr->get($k);
    $codes[] = $mr->getResultCode();
}
var_dump(array_unique($vals, SORT_REGULAR), array_unique($codes) === [MemRehash::RES_NOTFOUND]);
var_dump($mr->getMulti($keys));
var_dump(microtime(true) - $t < 15.0); /* no hang; generous on a loaded machine */
$st = $mr->stats();
var_dump($st['errors'] > 0, $st['servers'][$name]['errors'] > 0, $st['misses']);
?>
--EXPECTF--
string(4) "at N"
array(1) {
  [0]=>
  bool(false)
}
bool(true)
array(1) {
  ["od:%d"]=>
  string(4) "at N"
}
bool(true)
bool(true)
bool(true)
int(78)
