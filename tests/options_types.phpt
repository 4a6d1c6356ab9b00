--TEST--
options: a value of the wrong type or out of range is refused with MemRehashException
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$s = mr_servers(1);
$bad = [
    'name' => [123, '', str_repeat('n', 300), ['x']],
    'distribution' => ['ketama', 99, null, 1.5],
    'hash' => ['md5', 9999, -1, null],
    'old_distribution' => ['modula', 1234],
    'old_hash' => ['crc', 4321],
    'prefix' => [42, 'with space', "tab\t", str_repeat('p', 300), ['p']],
    'migrate' => ['yes', [], null],
    'deferred_delete' => ['no', 1, null],
    'fallback_ttl' => ['60', -1, 1.5],
    'complete_below' => ['0.1', -0.5, 1.5, []],
    'window' => ['100', 0, -1],
    'connect_timeout' => ['100', -1, 0, 1.5],
    'timeout' => ['100', -1, 0, []],
    'serializer' => ['xml', 1, null],
    'compression' => ['lz4', []],
    'compression_threshold' => ['2000', -1],
    'persistent' => [123, '', []],
];
$accepted = 0;
foreach ($bad as $opt => $values) {
    foreach ($values as $v) {
        try {
            new MemRehash($s, $s, [$opt => $v]);
            echo "$opt => ", json_encode($v), ": accepted\n";
            $accepted++;
        } catch (MemRehashException $e) {
            if (stripos($e->getMessage(), $opt) === false) {
                echo "$opt => ", json_encode($v), ": the message does not name the option: ", $e->getMessage(), "\n";
            }
        } catch (Throwable $e) {
            echo "$opt => ", json_encode($v), ": ", get_class($e), "\n";
        }
    }
}
echo "accepted: $accepted\n";
?>
--EXPECT--
accepted: 0
