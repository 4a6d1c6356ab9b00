--TEST--
MemRehash gains the drop-in's parameters and methods (get flags and read-through, getMulti flags, cas, append, prepend, flush, getDelayed/fetch, increment initial), keeping its strict errors
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$old = mr_servers(3);
$new = mr_servers(2);
$peer = mr_peer($old);
$peer->flush();
$m = new MemRehash($old, $new, ['compression' => false]);
$moving = [];
for ($i = 0; count($moving) < 6; $i++) if ($m->locate("s$i")['moves']) $moving[] = "s$i";
foreach ($moving as $k) $peer->set($k, "v-$k");
[$a, $b, $c, $d, $e, $f] = $moving;
$x = $m->get($a, null, 2); // Memcached::GET_EXTENDED
var_dump($x['value'], is_int($x['cas']));
var_dump($m->cas($x['cas'], $a, 'swapped'), $m->get($a));
var_dump($m->cas($x['cas'], $a, 'again'), $m->getResultCode() === MemRehash::RES_DATA_EXISTS);
var_dump($m->getMulti([$b, 'none'], 1)); // Memcached::GET_PRESERVE_ORDER
var_dump($m->append($c, '+'), $m->prepend($c, '-'), $m->get($c));
var_dump($m->increment('ctr', 1, 40, 60), $m->increment('ctr'), $m->decrement('ctr', 2));
var_dump($m->get('rt', function ($mc, $k, &$v, &$exp) { $v = "gen:$k"; return true; }), $m->get('rt'));
var_dump($m->getDelayed([$d, 'none']), $m->fetch(), $m->fetch());
var_dump($m->getDelayed([$e]), $m->fetchAll());
var_dump($m->flush(), $m->get($f), $peer->get($f));
// strict errors stay
foreach ([fn() => $m->get('a b', null, 2), fn() => $m->cas(1, 'a b', 1), fn() => $m->append('', 'x'),
          fn() => $m->delete('k', 5), fn() => $m->increment('k', -1, 0), fn() => $m->getMulti(['ok', 'a b'], 1),
          fn() => $m->getMulti([1.5]), fn() => $m->getDelayed(['a b'])] as $i => $call) {
    try { $call(); echo "$i: no exception\n"; } catch (Throwable $t) { echo "$i: ", get_class($t), "\n"; }
}
$z = new MemRehash($old, $new);
try { $z->append('k', 'x'); } catch (MemRehashException $t) { echo $t->getMessage(), "\n"; }
?>
--EXPECT--
string(4) "v-s0"
bool(true)
bool(true)
string(7) "swapped"
bool(false)
bool(true)
array(2) {
  ["s1"]=>
  string(4) "v-s1"
  ["none"]=>
  NULL
}
bool(true)
bool(true)
string(6) "-v-s2+"
int(40)
int(41)
int(39)
string(6) "gen:rt"
string(6) "gen:rt"
bool(true)
array(2) {
  ["key"]=>
  string(2) "s3"
  ["value"]=>
  string(4) "v-s3"
}
bool(false)
bool(true)
array(1) {
  [0]=>
  array(2) {
    ["key"]=>
    string(2) "s4"
    ["value"]=>
    string(4) "v-s4"
  }
}
bool(true)
bool(false)
bool(false)
0: ValueError
1: ValueError
2: ValueError
3: ValueError
4: ValueError
5: ValueError
6: TypeError
7: ValueError
cannot append or prepend with compression on (option "compression" => false)
