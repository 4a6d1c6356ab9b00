--TEST--
drop-in: the *ByKey methods, getDelayed with callbacks, cas tokens of every type, append with compression, negative offsets and option checks answer as PECL memcached does (the same calls on both; values read back by PECL)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$list = mr_servers(3);
$pecl = mr_peer($list);
$pecl->flush();
$drop = new MemRehash\Memcached($list, $list, ['name' => 'dropin-bykey-' . getmypid()]);
foreach ([$pecl, $drop] as $m) {
    $m->setOption(Memcached::OPT_COMPRESSION, false);
}
$reader = mr_peer($list);

/** Runs $f on a client; returns [result, result code, message, warnings]. */
function run(Memcached $m, string $pfx, callable $f): array
{
    $warn = [];
    set_error_handler(function ($no, $msg) use (&$warn) {
        $warn[] = preg_replace('/^[A-Za-z\\\\]+::\w+\(\): /', '', $msg);
        return true;
    });
    try {
        $r = $f($m, $pfx);
    } catch (Throwable $e) {
        $r = get_class($e) . ': ' . $e->getMessage();
    }
    restore_error_handler();
    return [$r, $m->getResultCode(), $m->getResultMessage(), $warn];
}
$n = 0;
/** The same call on PECL and on the drop-in (own key prefixes): the same answer. */
function same(string $what, callable $f): void
{
    global $pecl, $drop, $n;
    $n++;
    $a = run($pecl, "p$n-", $f);
    $b = run($drop, "d$n-", $f);
    // results that name the keys differ only in their prefix
    $norm = fn($x) => json_decode(str_replace(["\"p$n-", "\"d$n-"], '"K-', json_encode($x)), true);
    // the same result, result code and message; the warnings' texts may
    // differ (the drop-in's name the option), not whether there is one
    if (array_slice($norm($a), 0, 3) === array_slice($norm($b), 0, 3) && (bool)$a[3] === (bool)$b[3]) {
        echo "$what: same (", json_encode($norm($a)[0]), ' ', $a[2], ($a[3] ? ' / ' . implode(' / ', $a[3]) : ''), ")\n";
        if ($a[3] !== $b[3]) {
            echo "  the drop-in's warning: ", implode(' / ', $b[3]), "\n";
        }
    } else {
        echo "$what: DIFFERENT\n  pecl: ", json_encode($norm($a)), "\n  drop: ", json_encode($norm($b)), "\n";
    }
}

same('addByKey', fn($m, $k) => [$m->addByKey('sk', "{$k}a", 'v'), $m->addByKey('sk', "{$k}a", 'v2'), $m->getByKey('sk', "{$k}a")]);
same('replaceByKey', fn($m, $k) => [$m->replaceByKey('sk', "{$k}nope", 'v'), $m->addByKey('sk', "{$k}r", 'v'), $m->replaceByKey('sk', "{$k}r", 'w'), $m->getByKey('sk', "{$k}r")]);
same('appendByKey, prependByKey', fn($m, $k) => [$m->setByKey('sk', "{$k}c", 'mid'), $m->appendByKey('sk', "{$k}c", '>'), $m->prependByKey('sk', "{$k}c", '<'), $m->getByKey('sk', "{$k}c")]);
same('append with compression on', function ($m, $k) {
    $m->setOption(Memcached::OPT_COMPRESSION, true);
    $r = $m->append("{$k}x", 'y');
    $m->setOption(Memcached::OPT_COMPRESSION, false);
    return $r;
});
same('setMultiByKey, getMultiByKey', fn($m, $k) => [$m->setMultiByKey('sk', ["{$k}1" => 1, "{$k}2" => 'two']), $m->getMultiByKey('sk', ["{$k}1", "{$k}2", "{$k}3"])]);
same('deleteMultiByKey', fn($m, $k) => [$m->setMultiByKey('sk', ["{$k}1" => 1, "{$k}2" => 2]), $m->deleteMultiByKey('sk', ["{$k}1", "{$k}2", "{$k}none"]), $m->getMultiByKey('sk', ["{$k}1", "{$k}2"])]);
same('touchByKey', fn($m, $k) => [$m->touchByKey('sk', "{$k}none", 10), $m->setByKey('sk', "{$k}t", 1), $m->touchByKey('sk', "{$k}t", 100)]);
same('incrementByKey, decrementByKey', fn($m, $k) => [$m->setByKey('sk', "{$k}n", 10), $m->decrementByKey('sk', "{$k}n", 3), $m->incrementByKey('sk', "{$k}n", 5), $m->decrementByKey('sk', "{$k}none", 1)]);
same('increment by a negative offset', fn($m, $k) => $m->increment("{$k}n", -1));
same('casByKey: the token read, then a stale one', function ($m, $k) {
    $m->setByKey('sk', "{$k}cas", 'one');
    $cas = $m->getByKey('sk', "{$k}cas", null, Memcached::GET_EXTENDED)['cas'];
    return [$m->casByKey($cas, 'sk', "{$k}cas", 'two'), $m->casByKey($cas, 'sk', "{$k}cas", 'three'), $m->getByKey('sk', "{$k}cas")];
});
same('cas: a token as a decimal string and as a float', function ($m, $k) {
    $m->set("{$k}cs", 'one');
    $cas = $m->get("{$k}cs", null, Memcached::GET_EXTENDED)['cas'];
    return [$m->cas((string)$cas, "{$k}cs", 'two'), $m->get("{$k}cs"), $m->cas((float)$m->get("{$k}cs", null, Memcached::GET_EXTENDED)['cas'], "{$k}cs", 'three'), $m->get("{$k}cs")];
});
// PECL ends the script here (E_ERROR "Failed to unmarshall cas token"); the drop-in warns and fails the call
$r = run($drop, 'dx-', fn($m, $k) => $m->cas('12ab', "{$k}cs", 'x'));
echo "cas: a token that is no number (drop-in): ", json_encode($r), "\n";
// MemRehash (the strict face) refuses it with a ValueError
try {
    (new MemRehash($list, $list))->cas('12ab', 'k', 'x');
    echo "MemRehash cas with a token that is no number: accepted\n";
} catch (ValueError $e) {
    echo "MemRehash cas with a token that is no number: ", $e->getMessage(), "\n";
}
same('cas on a key never stored', fn($m, $k) => $m->cas(12345, "{$k}never", 'x'));
same('getDelayedByKey with cas and a callback', function ($m, $k) {
    $m->setMultiByKey('sk', ["{$k}g1" => 'a', "{$k}g2" => 'b']);
    $seen = [];
    $r = $m->getDelayedByKey('sk', ["{$k}g1", "{$k}g2", "{$k}g3"], true, function ($c, $item) use (&$seen) {
        $seen[$item['key']] = [$item['value'], is_int($item['cas']) || is_string($item['cas'])];
    });
    ksort($seen);
    return [$r, $seen, $m->fetch()];
});
same('getDelayed, then fetch and fetchAll', function ($m, $k) {
    $m->setMulti(["{$k}f1" => 'a', "{$k}f2" => 'b', "{$k}f3" => 'c']);
    $m->getDelayed(["{$k}f1", "{$k}f2", "{$k}f3"]);
    $first = $m->fetch();
    $rest = $m->fetchAll();
    $all = array_merge([$first], $rest);
    usort($all, fn($x, $y) => strcmp($x['key'], $y['key']));
    return [$all, $m->fetch(), $m->fetchAll()];
});
same('getDelayed of keys none of which can be sent (empty, too long)', fn($m, $k) => [$m->getDelayed(['', str_repeat('k', 300)]), $m->getResultCode(), $m->fetchAll()]);
same('fetch with nothing asked', fn($m, $k) => [$m->fetch(), $m->fetchAll()]);
same('flushBuffers, getLastErrorErrno', fn($m, $k) => [$m->flushBuffers(), $m->getLastErrorErrno()]);
same('setOption: a serializer that does not exist', fn($m, $k) => [$m->setOption(Memcached::OPT_SERIALIZER, 999), $m->getOption(Memcached::OPT_SERIALIZER)]);
same('setOption: user flags out of range, then in range', function ($m, $k) {
    $r = [$m->setOption(Memcached::OPT_USER_FLAGS, 70000), $m->setOption(Memcached::OPT_USER_FLAGS, 5), $m->set("{$k}uf", 'v')];
    $m->setOption(Memcached::OPT_USER_FLAGS, -1);
    $r[] = $m->get("{$k}uf", null, Memcached::GET_EXTENDED)['flags'];
    return $r;
});
// the same result and code; PECL gives no warning, the drop-in names the option
$a = run($pecl, 'px-', fn($m, $k) => [$m->setOption(Memcached::OPT_COMPRESSION_TYPE, 99), $m->getOption(Memcached::OPT_COMPRESSION_TYPE)]);
$b = run($drop, 'dx-', fn($m, $k) => [$m->setOption(Memcached::OPT_COMPRESSION_TYPE, 99), $m->getOption(Memcached::OPT_COMPRESSION_TYPE)]);
echo "setOption: a compression type that does not exist: ", array_slice($a, 0, 3) === array_slice($b, 0, 3) ? 'same' : 'DIFFERENT', ' ', json_encode($b), "\n";
same('setOption: store retry count', fn($m, $k) => [$m->setOption(Memcached::OPT_STORE_RETRY_COUNT, 3), $m->getOption(Memcached::OPT_STORE_RETRY_COUNT)]);
same('setOption: send and receive timeouts', fn($m, $k) => [
    $m->setOption(Memcached::OPT_SEND_TIMEOUT, 500000), $m->setOption(Memcached::OPT_RECV_TIMEOUT, 250000),
    $m->getOption(Memcached::OPT_SEND_TIMEOUT), $m->getOption(Memcached::OPT_RECV_TIMEOUT)]);
// PECL hands -5 to libmemcached as a huge unsigned timeout; the drop-in refuses it
$r = run($drop, 'dx-', fn($m, $k) => [$m->setOption(Memcached::OPT_SEND_TIMEOUT, -5), $m->getOption(Memcached::OPT_SEND_TIMEOUT)]);
echo "setOption: a negative timeout (drop-in): ", json_encode($r), "\n";
same('getOption: poll timeout', fn($m, $k) => [$m->setOption(Memcached::OPT_POLL_TIMEOUT, 700), $m->getOption(Memcached::OPT_POLL_TIMEOUT)]);

same('setOption: the hash and distribution already in use', fn($m, $k) => [$m->setOption(Memcached::OPT_HASH, Memcached::HASH_DEFAULT), $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_MODULA)]);
same('setOptions with an option that does not exist', fn($m, $k) => $m->setOptions([Memcached::OPT_COMPRESSION => false, 99999 => 1]));
same('setMulti of nothing', fn($m, $k) => $m->setMulti([]));
same('getMultiByKey and getDelayedByKey with an empty server key', function ($m, $k) {
    $m->setMulti(["{$k}e1" => 1, "{$k}e2" => 2]);
    $got = $m->getMultiByKey('', ["{$k}e1", "{$k}e2"]);
    ksort($got); // PECL's order is the servers' reply order
    return [$got, $m->getDelayedByKey('', ["{$k}e1"]), $m->fetchAll()];
});
same('getServerByKey of an empty key', fn($m, $k) => $m->getServerByKey(''));

// the drop-in's own refusals (PECL would add the servers, or send the line on)
$r = run($drop, 'dx-', fn($m, $k) => [$m->addServers([['127.0.0.1', 1]]), count($m->getServerList())]);
echo "addServers on the drop-in: ", json_encode($r), "\n";
$drop->set('keep', 'kept');
$r = run($drop, 'dx-', fn($m, $k) => $m->getStats("items\r\nflush_all"));
echo "getStats with a line break in its type: ", json_encode($r), "; the servers still hold keep: ", var_export($reader->get('keep'), true), "\n";

// a server that is down: getVersion and getStats fail whole, as PECL 3's do
foreach (['getVersion' => fn($m) => $m->getVersion(), 'getStats' => fn($m) => $m->getStats()] as $what => $f) {
    // fresh clients and a server never marked down (MemRehash's down marks
    // are shared by the process): the first failure's own code
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $dead = stream_socket_get_name($s, false);
    fclose($s);
    $pd = mr_peer([$list[0], $dead]);
    $dd = new MemRehash\Memcached([$list[0], $dead], [$list[0], $dead], ['name' => "dropin-bykey-down-$what-" . getmypid()]);
    $a = [$f($pd), $pd->getResultCode()];
    $b = [$f($dd), $dd->getResultCode()];
    echo "$what with a server down: ", $a === $b ? 'as PECL ' . json_encode($a) : 'PECL ' . json_encode($a) . ', drop-in ' . json_encode($b), "\n";
}
// what the drop-in stored, read by PECL itself
var_dump($reader->getByKey('sk', 'd1-a'), $reader->getByKey('sk', 'd3-c'), $reader->getMultiByKey('sk', ['d5-1', 'd5-2']));
?>
--EXPECT--
addByKey: same ([true,false,"v"] SUCCESS)
replaceByKey: same ([false,true,true,"w"] SUCCESS)
appendByKey, prependByKey: same ([true,true,true,"<mid>"] SUCCESS)
append with compression on: same (null SUCCESS / cannot append/prepend with compression turned on)
setMultiByKey, getMultiByKey: same ([true,{"K-1":1,"K-2":"two"}] SUCCESS)
deleteMultiByKey: same ([true,{"K-1":true,"K-2":true,"K-none":16},[]] NOT FOUND)
touchByKey: same ([false,true,true] SUCCESS)
incrementByKey, decrementByKey: same ([true,7,12,false] NOT FOUND)
increment by a negative offset: same (false SUCCESS / offset cannot be a negative value)
casByKey: the token read, then a stale one: same ([true,false,"two"] SUCCESS)
cas: a token as a decimal string and as a float: same ([true,"two",true,"three"] SUCCESS)
cas: a token that is no number (drop-in): [false,38,"INVALID ARGUMENTS",["Failed to unmarshall cas token"]]
MemRehash cas with a token that is no number: MemRehash::cas(): Argument #1 ($cas_token) must be a CAS token (an int or a decimal string)
cas on a key never stored: same (false NOT FOUND)
getDelayedByKey with cas and a callback: same ([true,{"K-g1":["a",true],"K-g2":["b",true]},false] NOT FOUND)
getDelayed, then fetch and fetchAll: same ([[{"key":"K-f1","value":"a"},{"key":"K-f2","value":"b"},{"key":"K-f3","value":"c"}],false,false] NOT FOUND)
getDelayed of keys none of which can be sent (empty, too long): same ([false,33,false] NOT FOUND)
fetch with nothing asked: same ([false,false] NOT FOUND)
flushBuffers, getLastErrorErrno: same ([true,0] NOT FOUND)
setOption: a serializer that does not exist: same ([false,1] INVALID ARGUMENTS / invalid serializer provided)
setOption: user flags out of range, then in range: same ([false,true,true,5] SUCCESS / MEMC_OPT_USER_FLAGS must be < 65535)
  the drop-in's warning: option -1006: MEMC_OPT_USER_FLAGS must be < 65536
setOption: a compression type that does not exist: same [[false,2],38,"INVALID ARGUMENTS",["option -1004: compression type must be Memcached::COMPRESSION_FASTLZ or COMPRESSION_ZLIB"]]
setOption: store retry count: same ([true,3] INVALID ARGUMENTS)
setOption: send and receive timeouts: same ([true,true,500000,250000] SUCCESS)
setOption: a negative timeout (drop-in): [[false,500000],38,"INVALID ARGUMENTS",["option 19: must not be negative"]]
getOption: poll timeout: same ([true,700] SUCCESS)
setOption: the hash and distribution already in use: same ([true,true] SUCCESS)
setOptions with an option that does not exist: same (false INVALID ARGUMENTS / error setting memcached option: INVALID ARGUMENTS)
setMulti of nothing: same (true SUCCESS)
getMultiByKey and getDelayedByKey with an empty server key: same ([{"K-e1":1,"K-e2":2},true,[{"key":"K-e1","value":1}]] SUCCESS)
getServerByKey of an empty key: same (false A BAD KEY WAS PROVIDED/CHARACTERS OUT OF RANGE)
addServers on the drop-in: [[false,3],38,"INVALID ARGUMENTS",["addServers: the server lists of a MemRehash\\Memcached are fixed when it is built (new MemRehash\\Memcached($old, $new) or fromMemcached())"]]
getStats with a line break in its type: [false,38,"INVALID ARGUMENTS",[]]; the servers still hold keep: 'kept'
getVersion with a server down: as PECL [false,19]
getStats with a server down: as PECL [false,3]
string(1) "v"
string(5) "<mid>"
array(2) {
  ["d5-1"]=>
  int(1)
  ["d5-2"]=>
  string(3) "two"
}