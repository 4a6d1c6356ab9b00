--TEST--
INI memrehash.max_pools: shared counter slots; a pool beyond them warns and counts in its process only, the others stay shared
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--INI--
memrehash.max_pools=2
--FILE--
<?php
require __DIR__ . '/config.inc';
var_dump(ini_get('memrehash.max_pools'));
$a = new MemRehash(mr_servers(1), mr_servers(1, 1), ['name' => 'core-phpt-maxpools-a']);
$b = new MemRehash(mr_servers(1), mr_servers(1, 1), ['name' => 'core-phpt-maxpools-b']);
$c = new MemRehash(mr_servers(1), mr_servers(1, 1), ['name' => 'core-phpt-maxpools-c']);
$c->get('k');
var_dump($c->stats()['gets']);
$all = MemRehash::allStats();
var_dump(isset($all['core-phpt-maxpools-a']), isset($all['core-phpt-maxpools-b']), isset($all['core-phpt-maxpools-c']));
?>
--EXPECTF--
string(1) "2"

Warning: MemRehash::__construct(): all 2 counter slots are in use: pool "core-phpt-maxpools-c" counts in this process only (raise memrehash.max_pools) in %s on line %d
int(1)
bool(true)
bool(true)
bool(false)
