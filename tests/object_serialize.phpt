--TEST--
object: serialize() and unserialize() of a MemRehash are refused with a clear Exception, as clone is refused; the object keeps working
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$mr = new MemRehash(mr_servers(2), mr_servers(2, 2), ['name' => 'core-phpt-object-serialize']);
var_dump($mr->set('os', 'kept'));

$tries = [
    'serialize' => fn() => serialize($mr),
    'serialize inside an array' => fn() => serialize(['pool' => $mr]),
    'unserialize' => fn() => unserialize('O:9:"MemRehash":0:{}'),
    'unserialize with properties' => fn() => unserialize('O:9:"MemRehash":1:{s:4:"pool";s:3:"abc";}'),
    'unserialize inside an array' => fn() => unserialize('a:1:{i:0;O:9:"MemRehash":0:{}}'),
];
foreach ($tries as $what => $try) {
    try {
        $r = $try();
        echo "$what: not refused (", gettype($r), ")\n";
    } catch (Exception $e) {
        echo "$what: ", get_class($e), ": ", $e->getMessage(), "\n";
    }
}

/* the refused object still works, and a plain Memcached sees its write */
var_dump($mr->get('os'));
var_dump(mr_peer(mr_servers(2, 2))->get('os'));
?>
--EXPECT--
bool(true)
serialize: Exception: Serialization of 'MemRehash' is not allowed
serialize inside an array: Exception: Serialization of 'MemRehash' is not allowed
unserialize: Exception: Unserialization of 'MemRehash' is not allowed
unserialize with properties: Exception: Unserialization of 'MemRehash' is not allowed
unserialize inside an array: Exception: Unserialization of 'MemRehash' is not allowed
string(4) "kept"
string(4) "kept"
