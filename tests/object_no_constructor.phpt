--TEST--
object: a MemRehash whose constructor never ran cannot be made (reflection and unserialize refuse); methods of any such object would throw Error
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$objects = [];
try {
    $objects['reflection'] = (new ReflectionClass('MemRehash'))->newInstanceWithoutConstructor();
} catch (ReflectionException $e) {
    echo "newInstanceWithoutConstructor refused (final internal class)\n";
}
try {
    $objects['unserialize'] = unserialize('O:9:"MemRehash":0:{}');
} catch (Exception $e) {
    echo "unserialize refused: ", $e->getMessage(), "\n";
}
$calls = [
    'get' => ['k'], 'getMulti' => [['k']], 'set' => ['k', 1], 'setMulti' => [['k' => 1]], 'add' => ['k', 1],
    'replace' => ['k', 1], 'delete' => ['k'], 'deleteMulti' => [['k']], 'increment' => ['k'], 'decrement' => ['k'],
    'touch' => ['k', 1], 'locate' => ['k'], 'getOldServers' => [], 'getNewServers' => [], 'stats' => [],
    'isComplete' => [], 'complete' => [], 'drain' => [], 'fleetStats' => [],
];
foreach ($objects as $how => $o) {
    if (!$o instanceof MemRehash) {
        echo "$how: no object\n";
        continue;
    }
    $errors = 0;
    foreach ($calls as $m => $args) {
        try {
            $o->$m(...$args);
            echo "$how: $m did not throw\n";
        } catch (Error $e) {
            $errors++;
        } catch (Throwable $e) {
            echo "$how: $m threw ", get_class($e), "\n";
        }
    }
    echo "$how: ", $errors === count($calls) ? 'every method threw Error' : "$errors Errors", "\n";
}
// and a real one still works afterwards
$mr = new MemRehash(mr_servers(1), mr_servers(1), ['name' => 'core-phpt-object-noctor']);
var_dump(is_array($mr->locate('k')));
echo "alive\n";
?>
--EXPECT--
newInstanceWithoutConstructor refused (final internal class)
unserialize refused: Unserialization of 'MemRehash' is not allowed
bool(true)
alive
