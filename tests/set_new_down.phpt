--TEST--
set with the new location down: false with an error code, within the timeouts; the old copy stays
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
$new = [mr_servers(1, 3)[0], $name];
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-set-down', 'connect_timeout' => 200, 'timeout' => 200]);
$peerOld = mr_peer($old);
$keys = [];
for ($i = 0; count($keys) < 20; $i++) {
    if ($mr->locate("sd:$i")['new'] === $name) {
        $keys[] = "sd:$i";
        $peerOld->set("sd:$i", "old $i");
    }
}
$t = microtime(true);
$results = $codes = [];
foreach ($keys as $k) {
    foreach (['set', 'add', 'replace'] as $op) {
        $results[] = $mr->$op($k, 'new');
        $codes[] = $mr->getResultCode();
    }
}
var_dump(array_unique($results, SORT_REGULAR));
var_dump(array_intersect(array_unique($codes), [MemRehash::RES_SUCCESS, MemRehash::RES_NOTFOUND, MemRehash::RES_NOTSTORED]));
var_dump($mr->setMulti(array_fill_keys($keys, 'new')));
var_dump($mr->getResultCode() !== MemRehash::RES_SUCCESS);
var_dump(microtime(true) - $t < 15.0); /* no hang; generous on a loaded machine */
var_dump(count($peerOld->getMulti($keys)), $mr->stats()['errors'] > 0);
?>
--EXPECT--
array(1) {
  [0]=>
  bool(false)
}
array(0) {
}
bool(false)
bool(true)
bool(true)
int(20)
bool(true)
