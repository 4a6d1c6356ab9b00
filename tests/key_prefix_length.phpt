--TEST--
keys: with a prefix, the 250-byte limit counts prefix + key (as libmemcached does with OPT_PREFIX_KEY)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$prefix = 'prefix:';
$mr = new MemRehash(mr_servers(2), mr_servers(2), ['name' => 'core-phpt-key-prefix', 'prefix' => $prefix]);
$peer = mr_peer(mr_servers(2));
$peer->setOption(Memcached::OPT_PREFIX_KEY, $prefix);
$fits = str_repeat('a', 250 - strlen($prefix));
$over = $fits . 'b';
var_dump($mr->set($fits, 'fits'), $peer->get($fits));
try {
    $mr->set($over, 'over');
    echo "no error\n";
} catch (ValueError $e) {
    echo "ValueError\n";
}
try {
    $mr->get($over);
    echo "no error\n";
} catch (ValueError $e) {
    echo "ValueError\n";
}
var_dump($peer->set($over, 'x'));   // Memcached refuses it too
?>
--EXPECT--
bool(true)
string(4) "fits"
ValueError
ValueError
bool(false)
