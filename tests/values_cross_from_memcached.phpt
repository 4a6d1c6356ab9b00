--TEST--
values: every type PECL Memcached writes (each serializer, fastlz and zlib compression, user flags) reads back identically through MemRehash
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

class CrossFromPoint { public $x = 1; protected $y = [2.5]; private $z = 'zed'; public $tags = ['a', 'b']; }
class CrossFromCustom {
    public $data;
    public function __construct(array $data = []) { $this->data = $data; }
    public function __serialize(): array { return ['d' => $this->data]; }
    public function __unserialize(array $a): void { $this->data = $a['d']; }
}

/** Returns the test values by name: every type PECL distinguishes, and payloads on both sides of the compression threshold. */
function cross_values(): array
{
    mt_srand(3);
    $random = '';
    for ($i = 0; $i < 6000; $i++) $random .= chr(mt_rand(0, 255));
    $words = ['pool', 'server', 'value', 'key', 'moves', 'old', 'new', 'memcached', "\n"];
    $text = '';
    while (strlen($text) < 300000) $text .= $words[mt_rand(0, count($words) - 1)] . ' ';
    return [
        'empty' => '', 'one' => 'a', 'bytes' => implode('', array_map('chr', range(0, 255))), 'nul' => "a\0b\r\n",
        'utf8' => "h\u{e9}llo \u{1F600}", 'digits' => '123',
        'text_1999' => substr($text, 0, 1999), 'text_2000' => substr($text, 0, 2000), 'text_2001' => substr($text, 0, 2001),
        'text_100k' => substr($text, 0, 100000), 'text_300k' => $text, 'random_6k' => $random,
        'int_0' => 0, 'int_neg' => -42, 'int_max' => PHP_INT_MAX, 'int_min' => PHP_INT_MIN,
        'float_0.1' => 0.1, 'float_1e100' => 1e100, 'float_neg0' => -0.0, 'float_inf' => INF, 'float_ninf' => -INF,
        'float_nan' => NAN, 'float_third' => 1 / 3, 'float_1e5' => 100000.0, 'float_1e6' => 1000000.0, 'float_tiny' => 5e-324,
        'true' => true, 'false' => false, 'null' => null,
        'arr_empty' => [], 'arr_list' => [1, 2, 3], 'arr_nested' => ['a' => ['b' => [true, null, 1.5, 'x']]],
        'arr_big' => array_map(fn($i) => "row $i of a compressible array", range(1, 300)),
        'obj_std' => (object)['p' => 1, 'q' => 'two'], 'obj_point' => new CrossFromPoint(),
        'obj_custom' => new CrossFromCustom(['k' => str_repeat('q', 3000)]),
    ];
}

/** Returns serialize($v): tells -0.0 from 0.0, NAN from anything else, and arrays from objects. */
function same($a, $b): bool { return serialize($a) === serialize($b); }

$servers = mr_servers(2);
$mr = new MemRehash($servers, $servers, ['name' => 'values-cross-from', 'distribution' => MemRehash::DIST_MODULA]);
$peer = mr_peer($servers);
$values = cross_values();
$serializers = ['php' => Memcached::SERIALIZER_PHP, 'igbinary' => Memcached::SERIALIZER_IGBINARY,
    'json' => Memcached::SERIALIZER_JSON, 'msgpack' => Memcached::SERIALIZER_MSGPACK];
$compressions = ['none' => null, 'fastlz' => Memcached::COMPRESSION_FASTLZ, 'zlib' => Memcached::COMPRESSION_ZLIB];
$userFlags = ['php' => 4242, 'igbinary' => 0, 'json' => 1, 'msgpack' => 65535];

$n = 0;
foreach ($serializers as $serName => $ser) {
    foreach ($compressions as $compName => $comp) {
        $peer->setOption(Memcached::OPT_SERIALIZER, $ser);
        $peer->setOption(Memcached::OPT_COMPRESSION, $comp !== null);
        if ($comp !== null) {
            $peer->setOption(Memcached::OPT_COMPRESSION_TYPE, $comp);
        }
        $uf = $compName === 'fastlz' ? $userFlags[$serName] : -1;
        $peer->setOption(Memcached::OPT_USER_FLAGS, $uf);
        $identical = $compressed = $flagsOk = 0;
        $bad = [];
        foreach ($values as $name => $v) {
            $key = 'cf:' . $n++;
            if (!$peer->set($key, $v)) {
                $bad[] = "$name (peer set failed)";
                continue;
            }
            $raw = mr_raw($mr->locate($key)['new'], "mg $key f");
            $flags = preg_match('/^HD f(\d+)/', $raw, $m) ? (int)$m[1] : -1;
            $compressed += ($flags & 0x10) ? 1 : 0;
            $flagsOk += ($uf < 0 ? $flags >> 16 === 0 : $flags >> 16 === $uf) ? 1 : 0;
            $got = $mr->get($key);
            $expect = $peer->get($key);    /* what PECL itself reads back */
            $lossless = $serName !== 'json';
            if ($mr->getResultCode() === MemRehash::RES_SUCCESS && same($got, $expect) && (!$lossless || same($got, $v))) {
                $identical++;
            } else {
                $bad[] = $name;
            }
        }
        printf("%s/%s%s: %d of %d identical, %d stored compressed, user flags %s\n", $serName, $compName,
            $uf >= 0 ? "/uf$uf" : '', $identical, count($values), $compressed,
            $flagsOk === count($values) ? 'as set' : 'WRONG');
        if ($bad) echo "  differ: ", implode(', ', $bad), "\n";
    }
}

/* json objects: a plain json reader gets stdClass, a json_array one gets arrays, as PECL does. */
$peer->setOption(Memcached::OPT_SERIALIZER, Memcached::SERIALIZER_JSON);
$peer->setOption(Memcached::OPT_USER_FLAGS, -1);
$peer->set('cf:json', ['a' => ['b' => 1]]);
var_dump($mr->get('cf:json') == (object)['a' => (object)['b' => 1]]);
$mrArrays = new MemRehash($servers, $servers, ['name' => 'values-cross-from', 'distribution' => MemRehash::DIST_MODULA, 'serializer' => 'json_array']);
var_dump($mrArrays->get('cf:json') === ['a' => ['b' => 1]]);

/* the level-2 FastLZ blocks PECL writes for payloads of 64 KiB and more */
$peer->setOption(Memcached::OPT_SERIALIZER, Memcached::SERIALIZER_PHP);
$peer->setOption(Memcached::OPT_COMPRESSION, true);
$peer->setOption(Memcached::OPT_COMPRESSION_TYPE, Memcached::COMPRESSION_FASTLZ);
$peer->set('cf:level2', $values['text_300k']);
$raw = mr_raw($mr->locate('cf:level2')['new'], 'mg cf:level2 v');
$block = substr($raw, strpos($raw, "\r\n") + 2, 5);
echo "fastlz level of a 300 KB value: ", (ord($block[4]) >> 5) + 1, "\n";
var_dump($mr->get('cf:level2') === $values['text_300k']);
?>
--EXPECT--
php/none: 36 of 36 identical, 0 stored compressed, user flags as set
php/fastlz/uf4242: 36 of 36 identical, 6 stored compressed, user flags as set
php/zlib: 36 of 36 identical, 6 stored compressed, user flags as set
igbinary/none: 36 of 36 identical, 0 stored compressed, user flags as set
igbinary/fastlz/uf0: 36 of 36 identical, 6 stored compressed, user flags as set
igbinary/zlib: 36 of 36 identical, 6 stored compressed, user flags as set
json/none: 36 of 36 identical, 0 stored compressed, user flags as set
json/fastlz/uf1: 36 of 36 identical, 6 stored compressed, user flags as set
json/zlib: 36 of 36 identical, 6 stored compressed, user flags as set
msgpack/none: 36 of 36 identical, 0 stored compressed, user flags as set
msgpack/fastlz/uf65535: 36 of 36 identical, 6 stored compressed, user flags as set
msgpack/zlib: 36 of 36 identical, 6 stored compressed, user flags as set
bool(true)
bool(true)
fastlz level of a 300 KB value: 2
bool(true)
