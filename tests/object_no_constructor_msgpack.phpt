--TEST--
object: msgpack_unpack() (which does not honour @not-serializable) still cannot make a usable MemRehash: every method of the unconstructed object throws Error, no crash
--SKIPIF--
<?php
require __DIR__.'/skipif.inc';
if (!extension_loaded('msgpack')) die('skip msgpack extension not loaded');
?>
--FILE--
<?php
require __DIR__ . '/config.inc';
/* msgpack-php packs an object as a map whose first entry is nil => class name */
$o = msgpack_unpack("\x81\xc0\xa9MemRehash");
var_dump(get_class($o));
$calls = [
    'get' => ['k'], 'getMulti' => [['k']], 'set' => ['k', 1], 'setMulti' => [['k' => 1]], 'add' => ['k', 1],
    'replace' => ['k', 1], 'delete' => ['k'], 'deleteMulti' => [['k']], 'increment' => ['k'], 'decrement' => ['k'],
    'touch' => ['k', 1], 'locate' => ['k'], 'getOldServers' => [], 'getNewServers' => [], 'stats' => [],
    'isComplete' => [], 'complete' => [], 'drain' => [], 'fleetStats' => [], 'getResultCode' => [], 'getResultMessage' => [],
];
$errors = 0;
foreach ($calls as $m => $args) {
    try {
        $o->$m(...$args);
        echo "$m did not throw\n";
    } catch (Error $e) {
        $errors += $e->getMessage() === 'MemRehash constructor was not called';
    } catch (Throwable $e) {
        echo "$m threw ", get_class($e), "\n";
    }
}
echo $errors === count($calls) ? 'every method threw Error' : "$errors of " . count($calls) . ' threw the Error', "\n";
try {
    msgpack_pack($o);
    echo "packed\n";
} catch (Exception $e) {
    echo $e->getMessage(), "\n";
}
unset($o);
// and a real one still works afterwards
$mr = new MemRehash(mr_servers(1), mr_servers(1), ['name' => 'core-phpt-object-noctor-msgpack']);
var_dump(is_array($mr->locate('k')));
?>
--EXPECT--
string(9) "MemRehash"
every method threw Error
Serialization of 'MemRehash' is not allowed
bool(true)
