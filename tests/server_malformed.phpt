--TEST--
servers: malformed entries and empty lists are refused by the constructor with MemRehashException, old and new alike
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$good = mr_servers(1);
$bad = [
    'empty string' => '',
    'no port' => 'localhost',
    'empty port' => 'localhost:',
    'empty host' => ':11211',
    'port zero' => '127.0.0.1:0',
    'port too big' => '127.0.0.1:65536',
    'port negative' => '127.0.0.1:-1',
    'port not a number' => '127.0.0.1:abc',
    'port with junk' => '127.0.0.1:11211x',
    'weight negative' => '127.0.0.1:11211:-1',
    'weight not a number' => '127.0.0.1:11211:heavy',
    'too many fields' => '127.0.0.1:11211:1:2',
    'space in host' => 'my host:11211',
    'NUL in host' => "127.0.0.1\0:11211",
    'newline in host' => "127.0.0.1\n:11211",
    'int entry' => 11211,
    'null entry' => null,
    'float entry' => 1.5,
    'object entry' => new stdClass(),
    'array, host not a string' => [127001, 11211],
    'array, port not an int' => ['127.0.0.1', 'http'],
    'array, port out of range' => ['127.0.0.1', 70000],
    'array, weight negative' => ['127.0.0.1', 11211, -3],
    'array, empty host' => ['', 11211],
    'empty array' => [],
];
foreach ($bad as $what => $entry) {
    foreach (['old' => fn() => new MemRehash([$entry], $good, ['name' => 'core-phpt-server-bad']),
              'new' => fn() => new MemRehash($good, [$good[0], $entry], ['name' => 'core-phpt-server-bad'])] as $side => $make) {
        try {
            $make();
            echo "$what ($side): accepted\n";
        } catch (MemRehashException $e) {
            if ($e->getMessage() === '') echo "$what ($side): empty message\n";
        } catch (Throwable $e) {
            echo "$what ($side): ", get_class($e), "\n";
        }
    }
}
foreach (['empty old list' => fn() => new MemRehash([], $good), 'empty new list' => fn() => new MemRehash($good, [])] as $what => $make) {
    try {
        $make();
        echo "$what: accepted\n";
    } catch (MemRehashException $e) {
        echo "$what: refused\n";
    }
}
var_dump(is_subclass_of('MemRehashException', 'RuntimeException'));
echo "done\n";
?>
--EXPECT--
empty old list: refused
empty new list: refused
bool(true)
done
