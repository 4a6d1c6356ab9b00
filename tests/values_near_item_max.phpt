--TEST--
values: an incompressible value near memcached's 1 MB item limit (its reply outgrows the 1 MB buffer kept between calls) is written and read whole, read the same by PECL, and the calls after it work; a negative expiry stores an item already expired, as PECL's
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$s = mr_servers(1)[0];
$peer = mr_peer([$s]);
$peer->flush();
$m = new MemRehash([$s], [$s], ['name' => 'near-max-' . getmypid(), 'compression' => false]);
$v = random_bytes(1045000); // incompressible
var_dump($m->set('big', $v), $m->getResultCode() === MemRehash::RES_SUCCESS);
var_dump($m->get('big') === $v, $peer->get('big') === $v);
var_dump($m->set('small', 'after'), $m->get('small'), $peer->get('small'));
// a negative expiry: stored, and gone at once (PECL alike)
var_dump($m->set('neg', 'x', -1), $m->get('neg'), $peer->set('negp', 'x', -1), $peer->get('negp'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
string(5) "after"
string(5) "after"
bool(true)
bool(false)
bool(true)
bool(false)
