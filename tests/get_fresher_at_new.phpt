--TEST--
get: when the new location holds the key, that is the answer, and the old copy is left alone
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-fresher']);
var_dump(mr_peer($old)->set('gf:k', 'stale'));
var_dump(mr_peer($new)->set('gf:k', 'fresh'));
var_dump($mr->get('gf:k'));
$loc = mr_locate_peer($old, $new, 'gf:k');
echo mr_raw($loc['old'], 'mg gf:k v');
var_dump($mr->stats()['old_lookups']);
// a miss everywhere
var_dump($mr->get('gf:none'), $mr->getResultCode() === MemRehash::RES_NOTFOUND);
?>
--EXPECT--
bool(true)
bool(true)
string(5) "fresh"
VA 5
stale
int(0)
bool(false)
bool(true)
