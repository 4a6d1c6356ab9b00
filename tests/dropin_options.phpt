--TEST--
drop-in: getOption/setOption with Memcached::OPT_* ids (PECL's defaults, codec and prefix applied, placement fixed, unsupported ones a warning + false), server list methods, not-supported methods
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$old = mr_servers(3);
$new = mr_servers(2);
$pecl = mr_peer($new);
$m = new MemRehash\Memcached($old, $new);
// defaults as `new Memcached()` of the loaded PECL release reports them,
// whatever options it has and whatever its memcached.* INI says (the socket
// buffer sizes are the kernel's: not compared)
$same = [];
foreach ((new ReflectionClass('Memcached'))->getConstants() as $name => $id) {
    if (!str_starts_with($name, 'OPT_') || in_array($name, ['OPT_SOCKET_SEND_SIZE', 'OPT_SOCKET_RECV_SIZE'])) continue;
    if ($pecl->getOption($id) !== $m->getOption($id)) echo "default of $name differs: ", var_export($m->getOption($id), true), " vs ", var_export($pecl->getOption($id), true), "\n";
    else $same[] = $name;
}
echo count($same) >= 33 ? "every option as PECL reports it\n" : "only " . count($same) . " options compared\n";
// the INI default serializer: PECL reads a value the drop-in stored, and the reverse
$m->set('ser-k', ['s' => 1]);
var_dump($pecl->get('ser-k') === ['s' => 1], $pecl->set('ser-k2', ['t' => 2]), $m->get('ser-k2') === ['t' => 2]);
// PECL 3.3's OPT_ITEM_SIZE_LIMIT and OPT_COMPRESSION_LEVEL act as there; on
// an older PECL their ids are refused as that PECL's setOption refuses them
// (its getOption of an unknown id aborts in libmemcached: not asked)
$limits = function (Memcached $c): array {
    $has = defined('Memcached::OPT_ITEM_SIZE_LIMIT');
    $lim = $has ? Memcached::OPT_ITEM_SIZE_LIMIT : -1008;
    $lvl = defined('Memcached::OPT_COMPRESSION_LEVEL') ? Memcached::OPT_COMPRESSION_LEVEL : -1007;
    $r = [@$c->setOption($lim, -1), @$c->setOption($lim, 300), $has ? $c->getOption($lim) : null];
    $c->setOption(Memcached::OPT_COMPRESSION, false);
    $r[] = [$c->set('lim-small', str_repeat('s', 200)), $c->getResultCode()];
    $r[] = [$c->set('lim-big', str_repeat('b', 400)), $c->getResultCode(), $c->getLastErrorCode()];
    $r[] = [$c->setMulti(['lim-a' => 1, 'lim-b' => str_repeat('b', 400)]), $c->getResultCode()];
    $r[] = [@$c->setOption($lvl, 9), $has ? $c->getOption($lvl) : null];
    $c->setOptions([Memcached::OPT_COMPRESSION => true, Memcached::OPT_COMPRESSION_TYPE => Memcached::COMPRESSION_ZLIB]);
    @$c->setOption($lim, 0);
    $r[] = $c->set('lvl-' . get_class($c), str_repeat('compress me ', 500));
    return $r;
};
$pl = $limits(mr_peer($new));
$dl = $limits(new MemRehash\Memcached($old, $new));
var_dump($pl === $dl, $pecl->get('lvl-MemRehash\Memcached') === str_repeat('compress me ', 500));
if ($pl !== $dl) { var_dump($pl, $dl); }
// codec and prefix options take effect, and PECL with the same options reads the result
foreach ([Memcached::OPT_PREFIX_KEY => 'app:', Memcached::OPT_SERIALIZER => Memcached::SERIALIZER_JSON, Memcached::OPT_COMPRESSION => false] as $o => $v) {
    var_dump($m->setOption($o, $v), $m->getOption($o) === $v);
    $pecl->setOption($o, $v);
}
$m->set('opt-k', ['x' => 1]);
var_dump($pecl->get('opt-k'));
// stored under the prefixed key, placed by the unprefixed one (as libmemcached does)
$raw = array_filter(array_map(fn($s) => mr_peer([$s])->get('app:opt-k'), $new));
var_dump(count($raw) === 1);
var_dump($m->setOption(Memcached::OPT_CONNECT_TIMEOUT, 250), $m->getOption(Memcached::OPT_CONNECT_TIMEOUT));
var_dump($m->setOption(Memcached::OPT_TCP_NODELAY, true), $m->getOption(Memcached::OPT_TCP_NODELAY));
// placement is fixed once built: the same value is fine, another is a warning + false
var_dump($m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_MODULA));
var_dump($m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT), $m->getResultCode() === Memcached::RES_INVALID_ARGUMENTS);
var_dump($m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true));
var_dump($m->setOption(Memcached::OPT_HASH, Memcached::HASH_CRC));
// options that cannot apply to a moving pool
var_dump($m->setOption(Memcached::OPT_NOREPLY, false), $m->setOption(Memcached::OPT_NOREPLY, true));
var_dump($m->setOption(Memcached::OPT_NUMBER_OF_REPLICAS, 2));
var_dump($m->setOption(99999, 1), $m->getOption(99999));
var_dump($m->setOptions([Memcached::OPT_TCP_KEEPALIVE => 1, Memcached::OPT_USE_UDP => true]));
// options in the constructor: Memcached::OPT_* ids and MemRehash's names together
$c = new MemRehash\Memcached($old, $new, [Memcached::OPT_PREFIX_KEY => 'c:', Memcached::OPT_DISTRIBUTION => Memcached::DISTRIBUTION_CONSISTENT, 'name' => 'opt-test']);
var_dump($c->getOption(Memcached::OPT_PREFIX_KEY), $c->getOption(Memcached::OPT_DISTRIBUTION), $c->stats()['name']);
try { new MemRehash\Memcached($old, $new, [Memcached::OPT_USE_UDP => true]); } catch (MemRehashException $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
// server lists are fixed: re-adding a server of the new list is accepted
var_dump($m->addServer(...explode(':', $new[0])), $m->addServers(array_map(fn($s) => explode(':', $s), $new)));
var_dump($m->addServer('127.0.0.1', 1), $m->resetServerList(), count($m->getServerList()));
var_dump($m->setSaslAuthData('u', 'p'), $m->getResultCode() === Memcached::RES_NOT_SUPPORTED, $m->setEncodingKey('k'), is_array($m->getAllKeys()), $m->setBucket([1], null, 0));
var_dump($m->isPersistent(), $m->isPristine(), $m->quit(), (array) $m->get('opt-k') === ['x' => 1]);
// libmemcached clears its last error at each operation: the get above succeeded
var_dump($m->getLastErrorCode() === Memcached::RES_SUCCESS, $m->getLastErrorMessage());
?>
--EXPECTF--
every option as PECL reports it
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
object(stdClass)#%d (1) {
  ["x"]=>
  int(1)
}
bool(true)
bool(true)
int(250)
bool(true)
int(1)
bool(true)

Warning: MemRehash\Memcached::setOption(): option 9: a MemRehash\Memcached's placement is fixed when it is built: pass Memcached::OPT_DISTRIBUTION in its options or use fromMemcached() in %s on line %d
bool(false)
bool(true)

Warning: MemRehash\Memcached::setOption(): option 16: a MemRehash\Memcached's placement is fixed when it is built: pass Memcached::OPT_LIBKETAMA_COMPATIBLE in its options or use fromMemcached() in %s on line %d
bool(false)

Warning: MemRehash\Memcached::setOption(): option 2: a MemRehash\Memcached's placement is fixed when it is built: pass Memcached::OPT_HASH in its options or use fromMemcached() in %s on line %d
bool(false)

Warning: MemRehash\Memcached::setOption(): option 26: not supported by a MemRehash\Memcached (a moving pool waits for every reply, uses TCP, keeps one copy, and places by the unprefixed key) in %s on line %d
bool(true)
bool(false)

Warning: MemRehash\Memcached::setOption(): option 29: not supported by a MemRehash\Memcached (a moving pool waits for every reply, uses TCP, keeps one copy, and places by the unprefixed key) in %s on line %d
bool(false)

Warning: MemRehash\Memcached::setOption(): error setting memcached option: INVALID ARGUMENTS in %s on line %d

Warning: MemRehash\Memcached::getOption(): option 99999: unknown option in %s on line %d
bool(false)
bool(false)

Warning: MemRehash\Memcached::setOptions(): option 27: not supported by a MemRehash\Memcached (a moving pool waits for every reply, uses TCP, keeps one copy, and places by the unprefixed key) in %s on line %d
bool(false)
string(2) "c:"
int(1)
string(8) "opt-test"

Warning: MemRehash\Memcached::__construct(): option 27: not supported by a MemRehash\Memcached (a moving pool waits for every reply, uses TCP, keeps one copy, and places by the unprefixed key) in %s on line %d
MemRehashException: option 27 cannot be applied
bool(true)
bool(true)

Warning: MemRehash\Memcached::addServer(): addServer: the server lists of a MemRehash\Memcached are fixed when it is built (new MemRehash\Memcached($old, $new) or fromMemcached()) in %s on line %d

Warning: MemRehash\Memcached::resetServerList(): resetServerList: the server lists of a MemRehash\Memcached are fixed when it is built (new MemRehash\Memcached($old, $new) or fromMemcached()) in %s on line %d
bool(false)
bool(false)
int(2)

Warning: MemRehash\Memcached::setSaslAuthData(): SASL is not supported by MemRehash\Memcached (its meta-protocol engine has no SASL) in %s on line %d

Warning: MemRehash\Memcached::setEncodingKey(): encryption is not supported by MemRehash\Memcached (its meta-protocol engine has no encryption) in %s on line %d

Warning: MemRehash\Memcached::setBucket(): virtual buckets is not supported by MemRehash\Memcached (its meta-protocol engine has no virtual buckets) in %s on line %d
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(false)
bool(true)
bool(true)
bool(true)
bool(true)
string(7) "SUCCESS"
