--TEST--
drop-in with Memcached::OPT_BINARY_PROTOCOL: PECL's binary key rules (spaces and control bytes are keys, stored as the same raw bytes PECL's binary protocol stores, moved from O like any key), its result codes and its wrapped expiries, judged by PECL binary-protocol clients
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$old = mr_servers(3);
$new = mr_servers(2);
function bin(array $servers): Memcached
{
    $c = mr_peer($servers);
    $c->setOption(Memcached::OPT_BINARY_PROTOCOL, true);
    $c->setOption(Memcached::OPT_PREFIX_KEY, 'b:');
    return $c;
}
$peerOld = bin($old);
$peerOld->flush();
$peerNew = bin($new);
$peerNew->flush();
$m = new MemRehash\Memcached($old, $new, [Memcached::OPT_BINARY_PROTOCOL => true, Memcached::OPT_PREFIX_KEY => 'b:', Memcached::OPT_COMPRESSION => false]);
$n = 0;
function check(string $what, bool $ok) { global $n; if (!$ok) echo "FAIL $what\n"; $n++; }

// keys the text protocol cannot carry, both ways between the drop-in and PECL
$odd = ['has space', "ctl\x01byte", "tab\tkey", "del\x7f", "cr\rkey", 'utf8 é'];
foreach ($odd as $i => $k) {
    check("set odd key #$i", $m->set($k, "v$i") === true && $m->getResultCode() === Memcached::RES_SUCCESS);
    check("PECL reads odd key #$i", $peerNew->get($k) === "v$i");
    $peerNew->set($k, "p$i");
    check("drop-in reads odd key #$i", $m->get($k) === "p$i");
}
check('getMulti odd keys', $m->getMulti($odd) === array_combine($odd, array_map(fn($i) => "p$i", array_keys($odd))));
check('deleteMulti odd keys', $m->deleteMulti([$odd[0], $odd[1]]) === [$odd[0] => true, $odd[1] => true] && $peerNew->get($odd[0]) === false);
// an odd key written over the old list moves to the new one on a read
foreach (range(0, 200) as $i) {
    $k = "mv key $i";
    if ($m->locate($k)['moves']) break;
}
$peerOld->set($k, 'from-old');
check('odd key moves', $m->get($k) === 'from-old' && $peerNew->get($k) === 'from-old' && $peerOld->get($k) === false);
// what stays refused: a newline (PECL too), and an odd key longer than base64 fits in 250 bytes
check('newline key', $m->set("new\nline", 1) === false && $m->getResultCode() === Memcached::RES_BAD_KEY_PROVIDED);
check('empty key', $m->get('') === false && $m->getResultCode() === Memcached::RES_BAD_KEY_PROVIDED);
check('long odd key', $m->set(str_repeat('a ', 100), 1) === false && $m->getResultCode() === Memcached::RES_BAD_KEY_PROVIDED);
check('long plain key', $m->set(str_repeat('L', 248), 1) === true && $peerNew->get(str_repeat('L', 248)) === 1);

// the binary protocol's result codes, as PECL reports them over it
$m->set('rc', 'x');
check('add existing', $m->add('rc', 'y') === false && $m->getResultCode() === Memcached::RES_DATA_EXISTS);
check('replace missing', $m->replace('rc-none', 'y') === false && $m->getResultCode() === Memcached::RES_NOTFOUND);
check('append missing', $m->append('rc-none', 'y') === false && $m->getResultCode() === Memcached::RES_NOTSTORED);
check('incr non-number', $m->increment('rc') === false && $m->getResultCode() === Memcached::RES_UNKNOWN_READ_FAILURE
    && $m->getLastErrorCode() === Memcached::RES_UNKNOWN_READ_FAILURE && str_contains($m->getLastErrorMessage(), 'UNKNOWN READ FAILURE,  host: '));
check('getAllKeys', $m->getAllKeys() === false && $m->getResultCode() === Memcached::RES_NOT_SUPPORTED);
// getDelayed results carry cas and flags without with_cas (every binary reply has a CAS)
$m->getDelayed(['rc']);
$r = $m->fetch();
check('fetch has cas', is_array($r) && $r['value'] === 'x' && is_int($r['cas']) && $r['cas'] > 0 && $r['flags'] === 0);
// a negative expiry wraps as libmemcached's unsigned 32-bit one: the item lives
check('negative expiry', $m->set('neg', 'n', -1) === true && $peerNew->get('neg') === 'n' && $m->get('neg') === 'n');

// text protocol again: a space is a bad key, add of an existing key NOTSTORED
$m->setOption(Memcached::OPT_BINARY_PROTOCOL, false);
check('text: space key', $m->set('has space', 1) === false && $m->getResultCode() === Memcached::RES_BAD_KEY_PROVIDED);
check('text: add existing', $m->add('rc', 'y') === false && $m->getResultCode() === Memcached::RES_NOTSTORED);
echo "$n checks\n";
?>
--EXPECT--
34 checks
