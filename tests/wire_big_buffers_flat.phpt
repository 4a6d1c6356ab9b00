--TEST--
wire: a big batch's buffers are kept while batches use them and given back after a small one (memory stays flat); values read back intact through a PECL client
--SKIPIF--
<?php
require __DIR__.'/skipif.inc';
/* memory_get_usage() sees only Zend's allocator, which valgrind runs turn off */
if (getenv('USE_ZEND_ALLOC') === '0') {
    die('skip not under valgrind: memory_get_usage() does not see malloc()ed memory (USE_ZEND_ALLOC=0); the plain phpt run checks it');
}
?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$s = mr_servers(1);
$mr = new MemRehash($s, $s, ['compression' => false]);
$items = [];
for ($i = 0; $i < 5; $i++) {
    $items["big-buf:$i"] = random_bytes(900000);
}
$mr->set('small', 'x');
$base = memory_get_usage();
var_dump($mr->setMulti($items));
$peak = 0;
for ($round = 0; $round < 3; $round++) {
    $got = $mr->getMulti(array_keys($items));
    echo "round $round: ", $got === $items ? "all 5 intact" : "differ", "\n";
    unset($got);
    $peak = max($peak, memory_get_usage());
}
echo "kept while big batches run: ", $peak - $base > 4000000 ? "yes" : "no (" . ($peak - $base) . ")", "\n";
// a small batch keeps the wire's buffers once more (its values point into
// them until the next call); the one after gives them back; the encode
// buffer of the setMulti goes at the next store
$mr->get('small');
$mr->get('small');
$mr->set('small', 'y');
$after = memory_get_usage();
echo "given back after small batches: ", $after - $base < 1500000 ? "yes" : "no (" . ($after - $base) . " bytes above the start)", "\n";
$peer = mr_peer($s);
$ok = 0;
foreach ($items as $k => $v) {
    $ok += $peer->get($k) === $v;
}
echo "PECL reads $ok of 5\n";
?>
--EXPECT--
bool(true)
round 0: all 5 intact
round 1: all 5 intact
round 2: all 5 intact
kept while big batches run: yes
given back after small batches: yes
PECL reads 5 of 5
