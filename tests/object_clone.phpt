--TEST--
object: clone is refused with Error; the original keeps working; a second __construct is refused
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$mr = new MemRehash(mr_servers(2), mr_servers(2, 2), ['name' => 'core-phpt-object-clone']);
var_dump((new ReflectionClass('MemRehash'))->isCloneable(), (new ReflectionClass('MemRehash'))->isFinal());
try {
    $c = clone $mr;
    echo "cloned\n";
} catch (Error $e) {
    echo "Error\n";
}
var_dump($mr->set('oc', 'still here'), $mr->get('oc'));
try {
    $mr->__construct(mr_servers(1), mr_servers(1));
    echo "constructed twice\n";
} catch (MemRehashException $e) {
    echo "MemRehashException\n";
}
var_dump($mr->get('oc'), $mr->getNewServers() === (new MemRehash(mr_servers(2), mr_servers(2, 2), ['name' => 'core-phpt-object-clone']))->getNewServers());
?>
--EXPECT--
bool(false)
bool(true)
Error
bool(true)
string(10) "still here"
MemRehashException
string(10) "still here"
bool(true)
