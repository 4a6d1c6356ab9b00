--TEST--
drop-in: each data method on a migrating pool (old 3 servers, new 2) moves keys as get/set/delete do, seen by PECL Memcached clients on single servers
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$old = mr_servers(3);
$new = mr_servers(2);
function one(string $s): Memcached { [$h, $p] = explode(':', $s); $m = new Memcached(); $m->addServer($h, (int)$p); return $m; }
$peer = mr_peer($old);
$peer->flush();
$peerNew = mr_peer($new);
$m = new MemRehash\Memcached($old, $new);
$m->setOption(Memcached::OPT_COMPRESSION, false); // append/prepend need it off, as in PECL
$peer->setOption(Memcached::OPT_COMPRESSION, false);
// keys whose old server differs from their new one (they move)
$moving = [];
for ($i = 0; count($moving) < 40; $i++) {
    if ($m->locate("k$i")['moves']) $moving[] = "k$i";
}
foreach ($moving as $k) $peer->set($k, "v-$k");
$n = 0;
function check(string $what, bool $ok) { global $n; if (!$ok) echo "FAIL $what\n"; $n++; }
function atOld(string $k): mixed { global $m; return one($m->locate($k)['old'])->get($k); }
function atNew(string $k): mixed { global $m; return one($m->locate($k)['new'])->get($k); }

[$k0, $k1, $k2, $k3, $k4, $k5, $k6, $k7, $k8, $k9, $k10, $k11, $k12, $k13, $k14] = $moving;
// get
check('get value', $m->get($k0) === "v-$k0" && $m->getResultCode() === Memcached::RES_SUCCESS);
check('get moved', atNew($k0) === "v-$k0" && atOld($k0) === false);
// get extended + cas (the token is N's, after the move)
$x = $m->get($k1, null, Memcached::GET_EXTENDED);
check('get extended', is_array($x) && $x['value'] === "v-$k1" && is_int($x['cas']) && $x['flags'] === 0);
check('cas after move', $m->cas($x['cas'], $k1, 'cas-new') === true && atNew($k1) === 'cas-new' && atOld($k1) === false);
// cas race: another client writes between get and cas
$x = $m->get($k2, null, Memcached::GET_EXTENDED);
$other = new MemRehash\Memcached($old, $new);
$other->set($k2, 'other');
check('cas race', $m->cas($x['cas'], $k2, 'mine') === false && $m->getResultCode() === Memcached::RES_DATA_EXISTS && $peerNew->get($k2) === 'other');
// cas of a key still at O with a token read at O (by an old-list client): moved first, token stale
$tok = null;
$y = $peer->get($k3, null, Memcached::GET_EXTENDED);
check('cas old token', $m->cas($y['cas'], $k3, 'z') === false && $m->getResultCode() === Memcached::RES_DATA_EXISTS && atNew($k3) === "v-$k3" && atOld($k3) === false);
// getMulti with preserve order: every key, in order, null for misses; moved
$r = $m->getMulti([$k4, 'nokey-1', $k5], Memcached::GET_PRESERVE_ORDER);
check('getMulti order', $r === [$k4 => "v-$k4", 'nokey-1' => null, $k5 => "v-$k5"]);
check('getMulti moved', atNew($k4) === "v-$k4" && atOld($k4) === false && atOld($k5) === false);
$r = $m->getMulti([$k4, $k5], Memcached::GET_EXTENDED);
check('getMulti extended', $r[$k4]['value'] === "v-$k4" && isset($r[$k5]['cas']));
// getDelayed / fetchAll
check('getDelayed', $m->getDelayed([$k6, 'nokey-2']) === true);
$all = $m->fetchAll();
check('fetchAll', $all === [['key' => $k6, 'value' => "v-$k6"]] && atOld($k6) === false);
// append / prepend of keys at O: moved, then written at N
check('append', $m->append($k7, '+a') === true && atNew($k7) === "v-$k7+a" && atOld($k7) === false);
check('prepend', $m->prepend($k8, 'p+') === true && atNew($k8) === "p+v-$k8" && atOld($k8) === false);
check('append miss', $m->append('nokey-3', 'x') === false && $m->getResultCode() === Memcached::RES_NOTSTORED);
// increment of a counter at O: moved and incremented, never restarted from the initial value
$peer->set($k9, 10);
check('increment moves', $m->increment($k9, 5) === 15 && atOld($k9) === false && (int)atNew($k9) === 15);
$peer->set($k10, 10);
// an initial value needs the binary protocol, as PECL's does (text: warning, false, SUCCESS)
check('initial value refused on text', @$m->increment('ctr-text', 1, 5) === false && $m->getResultCode() === 0 && error_get_last() !== null);
$m->setOption(Memcached::OPT_BINARY_PROTOCOL, true);
check('increment initial, key at O', $m->increment($k10, 1, 100, 60) === 11 && atOld($k10) === false);
check('increment initial, new key', $m->increment('ctr-new', 1, 100, 60) === 100 && $m->increment('ctr-new', 1, 100) === 101);
check('decrement miss', $m->decrement('nokey-4') === false && $m->getResultCode() === Memcached::RES_NOTFOUND);
// back to the text protocol's key rules and result codes (dropin_binary.phpt has the binary ones)
$m->setOption(Memcached::OPT_BINARY_PROTOCOL, false);
// touch
check('touch', $m->touch($k11, 100) === true && atNew($k11) === "v-$k11" && atOld($k11) === false);
// add / replace see a key that lives at O
check('add at O', $m->add($k12, 'a') === false && $m->getResultCode() === Memcached::RES_NOTSTORED && atNew($k12) === "v-$k12");
check('replace at O', $m->replace($k13, 'r') === true && atNew($k13) === 'r' && atOld($k13) === false);
// set clears O; delete clears both
check('set', $m->set($k14, 's') === true && atNew($k14) === 's' && atOld($k14) === false);
$peer->set($k14, 'back-at-old');
check('delete', $m->delete($k14) === true && atNew($k14) === false && atOld($k14) === false);
check('delete time', $m->delete($k0, 10) === false && $m->getResultCode() === Memcached::RES_INVALID_ARGUMENTS);
$r = $m->deleteMulti([$k0, 'nokey-5']);
check('deleteMulti', $r === [$k0 => true, 'nokey-5' => Memcached::RES_NOTFOUND] && atNew($k0) === false);
// setMulti
check('setMulti', $m->setMulti([$k1 => 'm1', $k2 => 'm2']) === true && atNew($k1) === 'm1' && $peerNew->get($k2) === 'm2');
// *ByKey: placed by the server key under both lists
$peer->setByKey('grp', 'bk1', 'byk');
check('getByKey moves', $m->getByKey('grp', 'bk1') === 'byk' && $peerNew->getByKey('grp', 'bk1') === 'byk');
check('setByKey', $m->setByKey('grp2', 'bk2', 'v2') === true && $peerNew->getByKey('grp2', 'bk2') === 'v2');
check('getMultiByKey', $m->getMultiByKey('grp2', ['bk2']) === ['bk2' => 'v2']);
$m->setOption(Memcached::OPT_BINARY_PROTOCOL, true); // an initial value again
check('incrementByKey', $m->incrementByKey('grp2', 'bc', 1, 7) === 7 && $peerNew->getByKey('grp2', 'bc') == 7);
$m->setOption(Memcached::OPT_BINARY_PROTOCOL, false);
check('deleteByKey', $m->deleteByKey('grp2', 'bk2') === true && $peerNew->getByKey('grp2', 'bk2') === false);
// read-through callback
$v = $m->get('rt-1', function ($mc, $key, &$value, &$exp) { $value = "made-$key"; $exp = 30; return true; });
check('read-through', $v === 'made-rt-1' && $peerNew->get('rt-1') === 'made-rt-1');
// bad keys: false + RES_BAD_KEY_PROVIDED, and nothing reaches a server
function cmds(): array { global $old; $t = []; foreach ($old as $s) { foreach (one($s)->getStats() as $st) { foreach ($st as $f => $v) if (str_starts_with($f, 'cmd_') || str_ends_with($f, '_hits') || str_ends_with($f, '_misses')) $t["$s $f"] = (int)$v; } } return $t; }
$before = cmds();
foreach (['', 'a b', str_repeat('x', 251), "nl\n"] as $bad) {
    foreach ([fn() => $m->get($bad), fn() => $m->set($bad, 1), fn() => $m->add($bad, 1), fn() => $m->replace($bad, 1),
              fn() => $m->delete($bad), fn() => $m->increment($bad), fn() => $m->touch($bad, 1), fn() => $m->append($bad, 'x'),
              fn() => $m->cas(1, $bad, 1), fn() => $m->getByKey('g', $bad), fn() => $m->checkKey($bad)] as $i => $call) {
        check("bad key #$i", $call() === false && $m->getResultCode() === Memcached::RES_BAD_KEY_PROVIDED);
    }
}
$after = cmds();
check('bad keys sent nothing', $after === $before);
if ($after !== $before) foreach ($after as $f => $v) if ($v !== $before[$f]) echo "  $f: {$before[$f]} -> $v\n";
// flush: old and new servers
$peer->set('fl', 1);
check('flush', $m->flush() === true && $peer->get('fl') === false && $peerNew->get($k1) === false);
// servers
check('getServerList', array_map(fn($s) => $s['host'] . ':' . $s['port'], $m->getServerList()) === $new);
check('getVersion', array_keys($m->getVersion()) === $new);
check('getStats', array_keys($m->getStats()) === $new);
check('stats reachable', $m->stats()['migrated'] > 0 && $m->getOldServers() !== []);
echo "$n checks\n";
?>
--EXPECT--
83 checks
