--TEST--
values: what MemRehash writes (default codec, compression off/zlib/threshold, each serializer) PECL Memcached reads back identically and the other way round, with PECL's flags, plain bytes and compressed length headers
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
<?php
foreach (['memcached', 'igbinary', 'msgpack'] as $e) {
    if (!extension_loaded($e)) die("skip $e extension not loaded");
}
?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();

class CrossToPoint { public $x = 1; protected $y = [2.5]; private $z = 'zed'; }
class CrossToCustom {
    public $data;
    public function __construct(array $data = []) { $this->data = $data; }
    public function __serialize(): array { return ['d' => $this->data]; }
    public function __unserialize(array $a): void { $this->data = $a['d']; }
}

/** Returns the test values by name: every type PECL distinguishes, and payloads on both sides of the compression threshold. */
function cross_values(): array
{
    mt_srand(5);
    $random = '';
    for ($i = 0; $i < 6000; $i++) $random .= chr(mt_rand(0, 255));
    $text = '';
    while (strlen($text) < 200000) $text .= ['pool ', 'server ', 'value ', 'key ', "moves\n"][mt_rand(0, 4)];
    return [
        'empty' => '', 'one' => 'a', 'bytes' => implode('', array_map('chr', range(0, 255))), 'utf8' => "h\u{e9}llo",
        'text_150' => substr($text, 0, 150), 'text_1999' => substr($text, 0, 1999), 'text_2000' => substr($text, 0, 2000),
        'text_200k' => $text, 'random_6k' => $random,
        'int_0' => 0, 'int_neg' => -7, 'int_max' => PHP_INT_MAX, 'int_min' => PHP_INT_MIN,
        'float_0.1' => 0.1, 'float_1e100' => 1e100, 'float_neg0' => -0.0, 'float_inf' => INF, 'float_ninf' => -INF,
        'float_nan' => NAN, 'float_third' => 1 / 3, 'float_1e-5' => 0.00001, 'float_42' => 42.0,
        'true' => true, 'false' => false, 'null' => null,
        'arr_empty' => [], 'arr_list' => [1, 2, 3], 'arr_assoc' => ['a' => ['b' => [true, null, 1.5, 'x']]],
        'arr_big' => array_map(fn($i) => "row $i of a compressible array", range(1, 300)),
        'obj_std' => (object)['p' => 1], 'obj_point' => new CrossToPoint(), 'obj_custom' => new CrossToCustom(['k' => str_repeat('q', 3000)]),
    ];
}

/** Returns serialize($v): tells -0.0 from 0.0, NAN from anything else, and arrays from objects. */
function same($a, $b): bool { return serialize($a) === serialize($b); }

/** Returns [bytes, flags] of $key as stored, read with the meta protocol. */
function raw_item(string $server, string $key): array
{
    [$h, $p] = explode(':', $server);
    $fp = stream_socket_client("tcp://$h:$p", $errno, $errstr, 2);
    fwrite($fp, "mg $key v f\r\n");
    if (!preg_match('/^VA (\d+) f(\d+)/', fgets($fp), $m)) return ['', -1];
    $data = '';
    while (strlen($data) < $m[1] + 2) $data .= fread($fp, $m[1] + 2 - strlen($data));
    fclose($fp);
    return [substr($data, 0, -2), (int)$m[2]];
}

$servers = mr_servers(2);
$peer = mr_peer($servers);
$values = cross_values();
$setups = [
    'default'          => [[], Memcached::SERIALIZER_PHP, Memcached::COMPRESSION_FASTLZ, true],
    'compression off'  => [['compression' => false], Memcached::SERIALIZER_PHP, null, false],
    'compression on'   => [['compression' => true], Memcached::SERIALIZER_PHP, Memcached::COMPRESSION_FASTLZ, true],
    'zlib'             => [['compression' => 'zlib'], Memcached::SERIALIZER_PHP, Memcached::COMPRESSION_ZLIB, true],
    'igbinary'         => [['serializer' => 'igbinary'], Memcached::SERIALIZER_IGBINARY, Memcached::COMPRESSION_FASTLZ, true],
    'igbinary zlib'    => [['serializer' => 'igbinary', 'compression' => 'zlib'], Memcached::SERIALIZER_IGBINARY, Memcached::COMPRESSION_ZLIB, true],
    'json'             => [['serializer' => 'json'], Memcached::SERIALIZER_JSON, Memcached::COMPRESSION_FASTLZ, true],
    'json_array'       => [['serializer' => 'json_array'], Memcached::SERIALIZER_JSON_ARRAY, Memcached::COMPRESSION_FASTLZ, true],
    'msgpack'          => [['serializer' => 'msgpack', 'compression' => false], Memcached::SERIALIZER_MSGPACK, null, false],
];

$n = 0;
foreach ($setups as $label => [$opts, $ser, $comp, $compress]) {
    $mr = new MemRehash($servers, $servers, $opts + ['name' => 'values-cross-to', 'distribution' => MemRehash::DIST_MODULA]);
    $peer->setOption(Memcached::OPT_SERIALIZER, $ser);
    $peer->setOption(Memcached::OPT_COMPRESSION, $compress);
    if ($comp !== null) {
        $peer->setOption(Memcached::OPT_COMPRESSION_TYPE, $comp);
    }
    $identical = $sameFlags = $sameBytes = $sameHeader = 0;
    $bad = [];
    foreach ($values as $name => $v) {
        $ours = 'ct:' . $n++;
        $theirs = 'ct:' . $n++;
        if (!$mr->set($ours, $v) || !$peer->set($theirs, $v)) {
            $bad[] = "$name (set failed)";
            continue;
        }
        /* what matters: each side reads the other's write as the value */
        $got = $peer->get($ours);
        $gotCode = $peer->getResultCode();
        $expect = $peer->get($theirs);    /* what PECL reads back from its own write */
        $mine = $mr->get($theirs);
        $lossless = !str_starts_with($label, 'json');
        if ($gotCode === Memcached::RES_SUCCESS && same($got, $expect) && same($mine, $expect)
            && (!$lossless || same($got, $v))) {
            $identical++;
        } else {
            $bad[] = $name;
        }
        /* the format: PECL's flags; a plain value byte for byte; a compressed
         * one with PECL's length header (its block depends on the compressor's
         * build: zlib's bytes differ between zlib versions, FastLZ's between
         * two encoders, while both decode each other's) */
        [$ob, $of] = raw_item($mr->locate($ours)['new'], $ours);
        [$tb, $tf] = raw_item($mr->locate($theirs)['new'], $theirs);
        if ($of !== $tf) {
            $bad[] = "$name (flags $of, PECL $tf)";
            continue;
        }
        $sameFlags++;
        if ($of & 0x10) {
            if (substr($ob, 0, 4) === substr($tb, 0, 4)) {
                $sameHeader++;
            } else {
                $bad[] = "$name (length header)";
            }
        } elseif ($ob === $tb) {
            $sameBytes++;
        } else {
            $bad[] = "$name (bytes)";
        }
    }
    printf("%s: %d of %d read identically both ways; flags as PECL's: %d; plain bytes as PECL's: %d; compressed with PECL's length header: %d\n",
        $label, $identical, count($values), $sameFlags, $sameBytes, $sameHeader);
    if ($bad) echo "  differ: ", implode(', ', $bad), "\n";
}

/* what PECL's json serializer would store as garbage ([INF] as "[0]", bad UTF-8 as "[") is refused */
$mr = new MemRehash($servers, $servers, ['name' => 'values-cross-to', 'serializer' => 'json']);
var_dump($mr->set('ct:json-inf', [INF]), $mr->getResultCode() === Memcached::RES_PAYLOAD_FAILURE);
var_dump($mr->set('ct:json-utf8', ["\xff"]), $mr->getResultCode() === Memcached::RES_PAYLOAD_FAILURE);
?>
--EXPECT--
default: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 28; compressed with PECL's length header: 4
compression off: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 32; compressed with PECL's length header: 0
compression on: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 28; compressed with PECL's length header: 4
zlib: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 28; compressed with PECL's length header: 4
igbinary: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 28; compressed with PECL's length header: 4
igbinary zlib: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 28; compressed with PECL's length header: 4
json: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 28; compressed with PECL's length header: 4
json_array: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 28; compressed with PECL's length header: 4
msgpack: 32 of 32 read identically both ways; flags as PECL's: 32; plain bytes as PECL's: 32; compressed with PECL's length header: 0
bool(false)
bool(true)
bool(false)
bool(true)
