--TEST--
get: an item about to expire at its old location is not copied to the new one
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-expiring']);
$peer = mr_peer($old);
var_dump($peer->set('ex:soon', 'soon', 1));
$v = $mr->get('ex:soon');
var_dump($v === 'soon' || $v === false);
$st = $mr->stats();
var_dump($st['gets'] === $st['new_hits'] + $st['old_hits'] + $st['misses'], $st['old_hits'] === $st['migrated'] + $st['raced'] + $st['move_failed']);
echo mr_raw(mr_locate_peer($old, $new, 'ex:soon')['new'], 'mg ex:soon v');
sleep(2);
var_dump($mr->get('ex:soon'), mr_peer($new)->get('ex:soon'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
EN
bool(false)
bool(false)
