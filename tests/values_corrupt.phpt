--TEST--
values: items whose bytes do not decode (a type no client writes, broken serialized/igbinary/msgpack/JSON payloads, a msgpack nested past 512 levels, corrupt FastLZ and zlib blocks) fail the read with RES_PAYLOAD_FAILURE as PECL's do; odd longs, doubles and msgpack encodings read as PECL reads them
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$server = mr_servers(1)[0];
$pecl = mr_peer([$server]);
$pecl->flush();
$drop = new MemRehash\Memcached([$server], [$server], ['name' => 'values-corrupt-' . getmypid()]);
$mr = new MemRehash([$server], [$server], ['name' => 'values-corrupt-mr-' . getmypid()]);
/** Stores raw bytes with the given flags, as another client might have. */
function put(string $key, string $bytes, int $flags): void
{
    global $server;
    $r = mr_raw($server, "ms $key " . strlen($bytes) . " F$flags T0\r\n$bytes");
    if ($r !== "HD\r\n") {
        throw new RuntimeException("ms $key: $r");
    }
}
function read(object $m, string $key): string
{
    set_error_handler(fn() => true);
    try {
        $v = $m->get($key);
        $code = $m->getResultCode();
    } catch (Throwable $e) {
        $v = get_class($e);
        $code = null;
    }
    restore_error_handler();
    return json_encode([is_float($v) ? (is_nan($v) ? 'NaN' : $v) : $v, $code]);
}
$nested = str_repeat("\x91", 600) . "\x01";           // 600 arrays of one element
// read as PECL reads them
$same = [
    'a long past 64 bits' => ['99999999999999999999', 1],
    'a negative long past 64 bits' => ['-99999999999999999999', 1],
    'a double spelled with 70 digits' => ['1.' . str_repeat('0', 68) . '5', 2],
    'a long after spaces' => ["  \t42", 1],
    'msgpack bin8 (no PHP value packs to it)' => ["\xc4\x03abc", 7],
    'msgpack float32' => ["\xca\x3f\xc0\x00\x00", 7],
];
foreach ($same as $what => [$bytes, $flags]) {
    put('c', $bytes, $flags);
    $a = read($pecl, 'c');
    $b = read($drop, 'c');
    echo "$what: ", $a === $b ? "as PECL $a" : "PECL $a, drop-in $b", "\n";
}
/* corrupt payloads: PECL answers these inconsistently (RES_SOME_ERRORS, or
 * null/false with RES_SUCCESS for JSON and msgpack, and its msgpack
 * unpacker crashes on the 600 levels): MemRehash and the drop-in fail the
 * read with RES_PAYLOAD_FAILURE */
$corrupt = [
    'a type no client writes (9)' => ['x', 9],
    'serialized PHP cut short' => ['a:1:{i:0;', 4],
    'igbinary that is not igbinary' => ["\x00\x00\x00\x02\x99", 5],
    'JSON that is not JSON' => ['{"a":', 6],
    'msgpack 0xc1 (never used)' => ["\xc1", 7],
    'msgpack bin cut short' => ["\xc5\x00", 7],
    'msgpack str8 without its length' => ["\xd9", 7],
    'msgpack map with a bool key' => ["\x81\xc3\x01", 7],
    'msgpack nested 600 levels' => [$nested, 7],
];
// compressed blocks that do not decompress (4-byte length, then the block)
$fastlz = 16 | 64;
$zlib = 16 | 32;
$corrupt += [
    'FastLZ: no block after the length' => [pack('V', 5), $fastlz],
    'FastLZ: level 4 (no such level)' => [pack('V', 5) . "\x60abc", $fastlz],
    'FastLZ: a long match cut short' => [pack('V', 5) . "\x00A\xe0", $fastlz],
    'FastLZ: a long match longer than the value' => [pack('V', 5) . "\x00A\xe0\xff", $fastlz],
    'FastLZ: a match without its distance' => [pack('V', 5) . "\x00A\x20", $fastlz],
    'FastLZ level 2: a far match cut short' => [pack('V', 5) . "\x20A\x3f\xff", $fastlz],
    'FastLZ level 2: a far match before the start' => [pack('V', 5) . "\x20A\x3f\xff\x00\x00", $fastlz],
    'FastLZ: no compression bit says which' => [pack('V', 5) . "\x04hello", 16],
    'zlib: not a zlib stream' => [pack('V', 5) . "hello", $zlib],
];
foreach ($corrupt as $what => [$bytes, $flags]) {
    put('z', $bytes, $flags);
    echo "$what: MemRehash ", read($mr, 'z'), ", drop-in ", read($drop, 'z'), "\n";
}
// the drop-in's message for the code, and a corrupt item among good ones in
// a getMulti: left out of the result
put('z', "\xc1", 7);
$drop->get('z');
echo "drop-in message: ", $drop->getResultMessage(), "\n";
$pecl->set('good', 'fine');
var_dump($drop->getMulti(['z', 'good']), $mr->getMulti(['z', 'good']));
// the control: a block PECL compressed reads back whole
$pecl->setOption(Memcached::OPT_COMPRESSION, true);
$pecl->set('ok', $v = str_repeat('compressible ', 300));
var_dump(Memcached::RES_PAYLOAD_FAILURE, $mr->get('ok') === $v, $drop->get('ok') === $v);
?>
--EXPECT--
a long past 64 bits: as PECL [9223372036854775807,0]
a negative long past 64 bits: as PECL [-9223372036854775808,0]
a double spelled with 70 digits: as PECL [1,0]
a long after spaces: as PECL [42,0]
msgpack bin8 (no PHP value packs to it): as PECL ["abc",0]
msgpack float32: as PECL [1.5,0]
a type no client writes (9): MemRehash [false,-1001], drop-in [false,-1001]
serialized PHP cut short: MemRehash [false,-1001], drop-in [false,-1001]
igbinary that is not igbinary: MemRehash [false,-1001], drop-in [false,-1001]
JSON that is not JSON: MemRehash [false,-1001], drop-in [false,-1001]
msgpack 0xc1 (never used): MemRehash [false,-1001], drop-in [false,-1001]
msgpack bin cut short: MemRehash [false,-1001], drop-in [false,-1001]
msgpack str8 without its length: MemRehash [false,-1001], drop-in [false,-1001]
msgpack map with a bool key: MemRehash [false,-1001], drop-in [false,-1001]
msgpack nested 600 levels: MemRehash [false,-1001], drop-in [false,-1001]
FastLZ: no block after the length: MemRehash [false,-1001], drop-in [false,-1001]
FastLZ: level 4 (no such level): MemRehash [false,-1001], drop-in [false,-1001]
FastLZ: a long match cut short: MemRehash [false,-1001], drop-in [false,-1001]
FastLZ: a long match longer than the value: MemRehash [false,-1001], drop-in [false,-1001]
FastLZ: a match without its distance: MemRehash [false,-1001], drop-in [false,-1001]
FastLZ level 2: a far match cut short: MemRehash [false,-1001], drop-in [false,-1001]
FastLZ level 2: a far match before the start: MemRehash [false,-1001], drop-in [false,-1001]
FastLZ: no compression bit says which: MemRehash [false,-1001], drop-in [false,-1001]
zlib: not a zlib stream: MemRehash [false,-1001], drop-in [false,-1001]
drop-in message: PAYLOAD FAILURE
array(1) {
  ["good"]=>
  string(4) "fine"
}
array(1) {
  ["good"]=>
  string(4) "fine"
}
int(-1001)
bool(true)
bool(true)