--TEST--
object: a constructor that throws leaves nothing half-built behind (repeated failures, then a working pool)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$s = mr_servers(2);
$n = $want = 0;
for ($i = 0; $i < 200; $i++) {
    $want += ($i % 2 === 1 || $i % 3 === 0);
    try {
        new MemRehash($s, $i % 2 ? ['bad entry'] : $s, ['name' => 'core-phpt-object-fail', 'prefix' => $i % 3 ? 'p:' : 'bad prefix']);
    } catch (MemRehashException $e) {
        $n++;
    }
}
echo $n === $want ? "every bad configuration refused\n" : "$n refused of $want\n";
$mr = new MemRehash($s, $s, ['name' => 'core-phpt-object-fail']);
var_dump($mr->set('of', 1), $mr->get('of'));
?>
--EXPECT--
every bad configuration refused
bool(true)
int(1)
