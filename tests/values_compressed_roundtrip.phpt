--TEST--
values: compression as PECL does it (threshold, factor, fastlz/zlib flags, 4-byte length header) round-trips, and corrupt compressed items fail cleanly
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
<?php if (!extension_loaded('memcached')) die('skip memcached extension not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();

$servers = mr_servers(2);
$base = ['name' => 'values-compressed', 'distribution' => MemRehash::DIST_MODULA];
$peer = mr_peer($servers);

/** Returns "flags F, N bytes" of the stored item, and the 4-byte length header when it is compressed. */
function stored(MemRehash $mr, string $key): string
{
    $server = $mr->locate($key)['new'];
    [$h, $p] = explode(':', $server);
    $fp = stream_socket_client("tcp://$h:$p", $errno, $errstr, 2);
    fwrite($fp, "mg $key v f\r\n");
    if (!preg_match('/^VA (\d+) f(\d+)/', fgets($fp), $m)) return 'missing';
    $data = '';
    while (strlen($data) < $m[1] + 2) $data .= fread($fp, $m[1] + 2 - strlen($data));
    fclose($fp);
    $out = "flags $m[2]";
    if ($m[2] & 0x10) {
        $out .= ', header ' . unpack('V', $data)[1] . ($m[1] < unpack('V', $data)[1] / 2 ? ', under half the size' : ', not under half');
    } else {
        $out .= ", $m[1] bytes";
    }
    return $out;
}

/** Sets $v through $mr, prints how it was stored, and whether MemRehash and PECL read it back identically. */
function roundtrip(MemRehash $mr, Memcached $peer, string $key, $v): void
{
    $ok = $mr->set($key, $v);
    $back = $mr->get($key);
    $peerBack = $peer->get($key);
    printf("%-22s set %s, %s, MemRehash %s, PECL %s\n", $key, $ok ? 'ok' : 'FAILED', stored($mr, $key),
        serialize($back) === serialize($v) ? 'same' : 'DIFFERENT', serialize($peerBack) === serialize($v) ? 'same' : 'DIFFERENT');
}

mt_srand(11);
$text = '';
while (strlen($text) < 600000) $text .= ['alpha ', 'beta ', 'gamma ', 'delta ', "epsilon\n"][mt_rand(0, 4)];
$text = substr($text, 0, 600000);
$random = '';
for ($i = 0; $i < 10000; $i++) $random .= chr(mt_rand(0, 255));

echo "-- default: fastlz from 2000 bytes on\n";
$mr = new MemRehash($servers, $servers, $base);
roundtrip($mr, $peer, 'cr:1999', substr($text, 0, 1999));
roundtrip($mr, $peer, 'cr:2000', substr($text, 0, 2000));
roundtrip($mr, $peer, 'cr:2001', substr($text, 0, 2001));
roundtrip($mr, $peer, 'cr:600k', $text);
roundtrip($mr, $peer, 'cr:random', $random);
roundtrip($mr, $peer, 'cr:saves-too-little', $random . substr($text, 0, 3000));
roundtrip($mr, $peer, 'cr:array', explode(' ', substr($text, 0, 20000)));
roundtrip($mr, $peer, 'cr:int-never', PHP_INT_MAX);
roundtrip($mr, $peer, 'cr:binary-runs', str_repeat("\0\xff", 40000) . str_repeat("\x01", 70000));

echo "-- zlib\n";
$mr = new MemRehash($servers, $servers, $base + ['compression' => 'zlib']);
roundtrip($mr, $peer, 'cr:zlib-2000', substr($text, 0, 2000));
roundtrip($mr, $peer, 'cr:zlib-600k', $text);
roundtrip($mr, $peer, 'cr:zlib-random', $random);

echo "-- off, and a lower threshold\n";
$mr = new MemRehash($servers, $servers, $base + ['compression' => false]);
roundtrip($mr, $peer, 'cr:off-600k', $text);
$mr = new MemRehash($servers, $servers, $base + ['compression_threshold' => 100]);
roundtrip($mr, $peer, 'cr:threshold-99', substr($text, 0, 99));
roundtrip($mr, $peer, 'cr:threshold-150', substr($text, 0, 150));

echo "-- corrupt compressed items: a miss-like false with RES_PAYLOAD_FAILURE, never a crash\n";
$mr = new MemRehash($servers, $servers, $base);
$plain = substr($text, 0, 5000);
$peer->setOption(Memcached::OPT_COMPRESSION_TYPE, Memcached::COMPRESSION_FASTLZ);
$peer->set('cr:good', $plain);
$srv = $mr->locate('cr:good')['new'];
$good = mr_raw($srv, 'mg cr:good v');
$good = substr($good, strpos($good, "\r\n") + 2, -2);
/* [bytes, flags, whether PECL may read it too: its decoder allocates whatever the
 * header says and returns an uninitialised byte for a header one too long] */
$cases = [
    'length header +1'         => [pack('V', 5001) . substr($good, 4), 0x50, false],
    'length header -1'         => [pack('V', 4999) . substr($good, 4), 0x50, true],
    'header claims 2 GiB'      => [pack('V', 0x80000000) . substr($good, 4), 0x50, false],
    'truncated block'          => [substr($good, 0, -7), 0x50, false],
    'only 3 bytes'             => ["\x88\x13\x00", 0x50, true],
    'compressed, no type bit'  => [$good, 0x10, true],
    'fastlz bytes as zlib'     => [$good, 0x30, true],
    'match before the start'   => [pack('V', 5000) . "\x00A" . str_repeat("\xe0\xff\xff", 30), 0x50, true],
    'unknown value type 9'     => ['x', 9, true],
];
foreach ($cases as $what => [$bytes, $flags, $askPeer]) {
    $key = 'cr:bad:' . md5($what);
    $server = $mr->locate($key)['new'];
    mr_raw($server, "ms $key " . strlen($bytes) . " F$flags T0\r\n$bytes");
    $v = $mr->get($key);
    printf("%-24s MemRehash %s (%s)%s\n", $what, var_export($v, true),
        $mr->getResultCode() === Memcached::RES_PAYLOAD_FAILURE ? 'payload failure' : 'code ' . $mr->getResultCode(),
        $askPeer ? ', PECL ' . (@$peer->get($key) === false ? 'false' : 'a value') : '');
}
var_dump($mr->get('cr:good') === $plain);
?>
--EXPECT--
-- default: fastlz from 2000 bytes on
cr:1999                set ok, flags 0, 1999 bytes, MemRehash same, PECL same
cr:2000                set ok, flags 80, header 2000, under half the size, MemRehash same, PECL same
cr:2001                set ok, flags 80, header 2001, under half the size, MemRehash same, PECL same
cr:600k                set ok, flags 80, header 600000, under half the size, MemRehash same, PECL same
cr:random              set ok, flags 0, 10000 bytes, MemRehash same, PECL same
cr:saves-too-little    set ok, flags 0, 13000 bytes, MemRehash same, PECL same
cr:array               set ok, flags 84, header 53375, under half the size, MemRehash same, PECL same
cr:int-never           set ok, flags 1, 19 bytes, MemRehash same, PECL same
cr:binary-runs         set ok, flags 80, header 150000, under half the size, MemRehash same, PECL same
-- zlib
cr:zlib-2000           set ok, flags 48, header 2000, under half the size, MemRehash same, PECL same
cr:zlib-600k           set ok, flags 48, header 600000, under half the size, MemRehash same, PECL same
cr:zlib-random         set ok, flags 0, 10000 bytes, MemRehash same, PECL same
-- off, and a lower threshold
cr:off-600k            set ok, flags 0, 600000 bytes, MemRehash same, PECL same
cr:threshold-99        set ok, flags 0, 99 bytes, MemRehash same, PECL same
cr:threshold-150       set ok, flags 80, header 150, under half the size, MemRehash same, PECL same
-- corrupt compressed items: a miss-like false with RES_PAYLOAD_FAILURE, never a crash
length header +1         MemRehash false (payload failure)
length header -1         MemRehash false (payload failure), PECL false
header claims 2 GiB      MemRehash false (payload failure)
truncated block          MemRehash false (payload failure)
only 3 bytes             MemRehash false (payload failure), PECL false
compressed, no type bit  MemRehash false (payload failure), PECL false
fastlz bytes as zlib     MemRehash false (payload failure), PECL false
match before the start   MemRehash false (payload failure), PECL false
unknown value type 9     MemRehash false (payload failure), PECL false
bool(true)
