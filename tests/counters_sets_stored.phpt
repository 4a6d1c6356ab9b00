--TEST--
counters: `sets` counts the writes the server stored, not the ones asked (add of a present key, replace of a missing one, increment of a missing one, a down server)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$s = mr_servers(1);
$m = new MemRehash($s, $s, ['name' => 'core-phpt-sets-stored-' . getmypid()]);
$peer = mr_peer($s);
$sets = fn() => $m->stats()['sets'];

var_dump($m->set('ss:a', 1), $sets());                 // stored: 1
var_dump($m->add('ss:a', 2), $sets());                 // present: not stored
var_dump($m->replace('ss:missing', 3), $sets());       // missing: not stored
var_dump($m->setMulti(['ss:b' => 1, 'ss:c' => 2]), $sets()); // 2 stored
$peer->set('ss:a', 'changed elsewhere');
var_dump($m->increment('ss:nothing'), $sets());        // nothing to increment
var_dump($m->touch('ss:b', 100), $sets());             // touched: 1
// what the server holds, read with PECL: the figures above match it
var_dump($peer->get('ss:a'), $peer->get('ss:b'), $peer->get('ss:missing'));

$down = new MemRehash(['127.0.0.1:1'], ['127.0.0.1:1'], ['name' => 'core-phpt-sets-down-' . getmypid(), 'connect_timeout' => 200]);
var_dump($down->set('ss:x', 1), $down->stats()['sets'], $down->stats()['errors']);
?>
--EXPECT--
bool(true)
int(1)
bool(false)
int(1)
bool(false)
int(1)
bool(true)
int(3)
bool(false)
int(3)
bool(true)
int(4)
string(17) "changed elsewhere"
int(1)
bool(false)
bool(false)
int(0)
int(1)
