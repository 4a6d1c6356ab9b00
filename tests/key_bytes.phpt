--TEST--
keys: punctuation and digits-only keys are keys like any other, both ways with Memcached
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-key-bytes']);
$keys = ['!#$%&()*+,-./:;<=>?@[\]^_`{|}~', '"quoted"', "it's", '0', '-1', '1e3', str_repeat('~', 250)];
$peerOld = mr_peer($old);
$peerNew = mr_peer($new);
foreach ($keys as $i => $k) {
    $peerOld->set($k, "old $i");                   // Memcached over the old list wrote it
}
foreach ($keys as $i => $k) {
    $ok = $mr->get($k) === "old $i" && $peerNew->get($k) === "old $i";
    $ok = $ok && $mr->set($k, "new $i") && $peerNew->get($k) === "new $i";
    echo "key $i: ", $ok ? 'ok' : 'FAIL', "\n";
}
$got = $mr->getMulti($keys);
var_dump(count($got));
?>
--EXPECT--
key 0: ok
key 1: ok
key 2: ok
key 3: ok
key 4: ok
key 5: ok
key 6: ok
int(7)
