--TEST--
object: getResultCode()/getResultMessage() of a MemRehash whose constructor never ran throw Error, as Memcached's do
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
$m = @unserialize('O:9:"Memcached":0:{}');
$o = @unserialize('O:9:"MemRehash":0:{}');
foreach (['getResultCode', 'getResultMessage'] as $f) {
    foreach (['Memcached' => $m, 'MemRehash' => $o] as $cls => $obj) {
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
Memcached::getResultCode: Error
MemRehash::getResultCode: Error
Memcached::getResultMessage: Error
MemRehash::getResultMessage: Error
