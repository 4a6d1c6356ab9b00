--TEST--
get: a new server that is down: false with an error result code, counted, old copy untouched, within the timeouts
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$s = stream_socket_server('tcp://127.0.0.1:0');
$name = stream_socket_get_name($s, false);
fclose($s);
$old = mr_servers(3);
$new = [$name, mr_servers(1, 3)[0]];
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-newdown', 'connect_timeout' => 200, 'timeout' => 200]);
$peerOld = mr_peer($old);
$keys = [];
for ($i = 0; count($keys) < 30; $i++) {
    if ($mr->locate("nd:$i")['new'] === $name) {
        $keys[] = "nd:$i";
        $peerOld->set("nd:$i", "v$i");
    }
}
$t = microtime(true);
$vals = $codes = [];
foreach ($keys as $k) {
    $vals[] = $mr->get($k);
    $codes[] = $mr->getResultCode();
}
var_dump(array_unique($vals, SORT_REGULAR));
$codes = array_unique($codes);
var_dump(in_array(MemRehash::RES_SUCCESS, $codes, true), in_array(MemRehash::RES_NOTFOUND, $codes, true));
var_dump($mr->getMulti($keys));
var_dump(in_array($mr->getResultCode(), [MemRehash::RES_SUCCESS, MemRehash::RES_NOTFOUND], true));
var_dump(microtime(true) - $t < 15.0); /* no hang; generous on a loaded machine */
var_dump($mr->stats()['errors'] > 0, $mr->stats()['migrated']);
var_dump(count($peerOld->getMulti($keys)));
?>
--EXPECT--
array(1) {
  [0]=>
  bool(false)
}
bool(false)
bool(false)
bool(false)
bool(false)
bool(true)
bool(true)
int(0)
int(30)
