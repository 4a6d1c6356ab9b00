--TEST--
Protocol safety: unknown options and options of the wrong type or range throw MemRehashException
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$s = mr_servers(1);
$bad = [
    ['tiemout' => 300],
    ['Timeout' => 300],
    [0 => 'timeout'],
    ['timeout' => '300'],
    ['timeout' => 300.0],
    ['timeout' => 0],
    ['timeout' => -1],
    ['timeout' => null],
    ['connect_timeout' => true],
    ['connect_timeout' => 0],
    ['retry_interval' => -1],
    ['retry_interval' => '2'],
    ['persistent' => 123],
    ['persistent' => ''],
    ['persistent' => []],
    ['prefix' => 'a b'],
    ['prefix' => "a\r\nb"],
    ['prefix' => "a\0b"],
    ['prefix' => str_repeat('p', 128)],
    ['prefix' => 5],
    ['distribution' => 99],
    ['distribution' => 'ketama'],
    ['hash' => 'md5'],
    ['hash' => 12345],
    ['old_distribution' => -1],
    ['old_hash' => null],
    ['migrate' => 1],
    ['migrate' => 'yes'],
    ['serializer' => 'nope'],
    ['serializer' => 1],
    ['compression' => 'lz4'],
    ['compression' => 1],
    ['compression_threshold' => -1],
    ['compression_threshold' => '2000'],
    ['fallback_ttl' => -1],
    ['fallback_ttl' => 'forever'],
    ['complete_below' => 2],
    ['complete_below' => -0.5],
    ['complete_below' => '0.1'],
    ['window' => 0],
    ['window' => 'big'],
    ['name' => ''],
    ['name' => str_repeat('n', 200)],
    ['name' => "a\nb"],
    ['name' => 42],
];
$n = 0;
foreach ($bad as $opts) {
    try {
        new MemRehash($s, $s, $opts);
        echo json_encode($opts), ": accepted\n";
    } catch (MemRehashException $e) {
        $n++;
        $k = array_key_first($opts);
        if (is_string($k) && !str_contains($e->getMessage(), $k)) {
            echo json_encode($opts), ": the message does not name the option: ", $e->getMessage(), "\n";
        }
    } catch (Throwable $e) {
        echo json_encode($opts), ": ", get_class($e), ": ", $e->getMessage(), "\n";
    }
}
echo "$n of ", count($bad), " refused with MemRehashException\n";
try {
    new MemRehash($s, $s, ['tiemout' => 300]);
} catch (MemRehashException $e) {
    echo $e->getMessage(), "\n";
}
/* and every known option with a good value is accepted */
new MemRehash($s, $s, ['name' => 'opts-ok', 'distribution' => MemRehash::DIST_KETAMA, 'hash' => MemRehash::HASH_MD5,
    'old_distribution' => MemRehash::DIST_INTVAL, 'old_hash' => MemRehash::HASH_DEFAULT, 'prefix' => 'app:',
    'migrate' => false, 'fallback_ttl' => 60, 'complete_below' => 0.01, 'window' => 100, 'connect_timeout' => 100,
    'timeout' => 100, 'retry_interval' => 0, 'serializer' => 'php', 'compression' => 'zlib',
    'compression_threshold' => 100, 'persistent' => null]);
echo "good options accepted\n";
?>
--EXPECT--
45 of 45 refused with MemRehashException
unknown option "tiemout"
good options accepted
