--TEST--
object: getResultCode()/getResultMessage() of a Memcached whose constructor never ran throw Error; a MemRehash cannot be made that way at all (unserialize refuses)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
$m = @unserialize('O:9:"Memcached":0:{}');
try {
    $o = unserialize('O:9:"MemRehash":0:{}');
} catch (Exception $e) {
    echo "MemRehash: ", $e->getMessage(), "\n";
    $o = null;
}
foreach (['getResultCode', 'getResultMessage'] as $f) {
    foreach (array_filter(['Memcached' => $m, 'MemRehash' => $o]) as $cls => $obj) {
        try {
            $r = $obj->$f();
            echo "$cls::$f returned ", var_export($r, true), "\n";
        } catch (Error $e) {
            echo "$cls::$f: Error\n";
        }
    }
}
?>
--EXPECT--
MemRehash: Unserialization of 'MemRehash' is not allowed
Memcached::getResultCode: Error
Memcached::getResultMessage: Error
