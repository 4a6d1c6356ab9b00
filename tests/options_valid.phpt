--TEST--
options: every documented option accepted together, with values of the right types; the pool works
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(2);
$new = mr_servers(2, 2);
$opts = [
    'name' => 'core-phpt-options-valid',
    'distribution' => MemRehash::DIST_KETAMA,
    'hash' => MemRehash::HASH_MD5,
    'old_distribution' => MemRehash::DIST_MODULA,
    'old_hash' => MemRehash::HASH_CRC,
    'prefix' => 'ov:',
    'migrate' => true,
    'deferred_delete' => false,
    'fallback_ttl' => 3600,
    'complete_below' => 0.01,
    'window' => 100,
    'connect_timeout' => 500,
    'timeout' => 500,
    'serializer' => 'php',
    'compression' => true,
    'compression_threshold' => 100,
    'persistent' => 'core-phpt-options-valid',
];
$mr = new MemRehash($old, $new, $opts);
var_dump($mr->set('k', str_repeat('z', 500)), $mr->get('k') === str_repeat('z', 500));
$st = $mr->stats();
var_dump($st['name'], $st['complete_below']);
// the same with the other documented spellings
foreach ([['serializer' => 'json'], ['compression' => false], ['compression' => 'zlib'], ['compression' => 'fastlz'],
          ['migrate' => false], ['complete_below' => 0], ['complete_below' => 1], ['persistent' => null],
          ['distribution' => MemRehash::DIST_INTVAL], ['hash' => MemRehash::HASH_MURMUR], ['old_hash' => MemRehash::HASH_FNV1A_64]] as $o) {
    try {
        new MemRehash($old, $new, $o + ['name' => 'core-phpt-options-valid']);
        echo key($o), ': ', is_int(current($o)) && !in_array(key($o), ['complete_below'], true) ? 'constant' : json_encode(current($o)), ": ok\n";
    } catch (Throwable $e) {
        echo json_encode($o), ": ", get_class($e), ": ", $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
bool(true)
bool(true)
string(23) "core-phpt-options-valid"
float(0.01)
serializer: "json": ok
compression: false: ok
compression: "zlib": ok
compression: "fastlz": ok
migrate: false: ok
complete_below: 0: ok
complete_below: 1: ok
persistent: null: ok
distribution: constant: ok
hash: constant: ok
old_hash: constant: ok
