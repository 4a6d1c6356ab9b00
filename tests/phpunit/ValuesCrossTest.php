<?php
use PHPUnit\Framework\TestCase;

/** A user class with every kind of property, for values that cross. */
class ValuesCrossPoint
{
    public $x;
    protected $y;
    private $z;
    public $tags = [];

    public function __construct($x = 0, $y = 0, $z = null)
    {
        $this->x = $x;
        $this->y = $y;
        $this->z = $z;
    }
}

/** A class with its own serialization. */
class ValuesCrossCustom
{
    public $data;

    public function __construct(array $data = [])
    {
        $this->data = $data;
    }

    public function __serialize(): array
    {
        return ['d' => $this->data, 'v' => 2];
    }

    public function __unserialize(array $a): void
    {
        $this->data = $a['d'];
    }
}

/**
 * Values cross between PECL memcached and MemRehash both ways, for thousands
 * of keys of mixed types: what one writes, the other reads back identically
 * (compared through serialize(), which tells -0.0 from 0.0 and NAN from
 * anything else), and with the same bytes and flags where the format
 * leaves no choice.
 */
final class ValuesCrossTest extends TestCase
{
    private const N = 3000;

    protected function setUp(): void
    {
        mr_flush_all();
    }

    /** Returns N mixed values keyed "<tag>:<i>", deterministic. */
    private static function values(string $tag, int $n = self::N, int $seed = 7): array
    {
        mt_srand($seed);
        $fixed = [
            '', '0', 'a', "bin\0ary\r\n\x00\xff", 'ünïcødé ✓', str_repeat('x', 1999), str_repeat('x', 2000), str_repeat('xyz', 5000),
            0, 1, -1, 42, PHP_INT_MAX, PHP_INT_MIN, 0.0, -0.0, 0.1, -2.5, 1/3, 1e100, -1e-100, 123456789.125, PHP_FLOAT_EPSILON,
            PHP_FLOAT_MAX, INF, -INF, NAN, 100.0, 1e15, 1e16, true, false, null, [], [1, 2, 3], ['a' => ['b' => ['c' => null]]],
            new stdClass(), new ValuesCrossPoint(1, 'two', [3.0]), new ValuesCrossCustom(['k' => str_repeat('q', 3000)]),
            "123", "1e3", " 5", "-0",
        ];
        $out = [];
        $i = 0;
        foreach ($fixed as $v) {
            $out["$tag:" . $i++] = $v;
        }
        while ($i < $n) {
            switch (mt_rand(0, 11)) {
                case 0:
                    $v = bin2hex(self::bytes(mt_rand(0, 64)));
                    break;
                case 1:
                    $v = mt_rand(PHP_INT_MIN, PHP_INT_MAX);
                    break;
                case 2:
                    $v = mt_rand() / mt_getrandmax() * (10 ** mt_rand(-30, 30)) * (mt_rand(0, 1) ? 1 : -1);
                    break;
                case 3:
                    $v = (bool)mt_rand(0, 1);
                    break;
                case 4:
                    $v = null;
                    break;
                case 5:
                    $v = ['i' => $i, 'list' => range(0, mt_rand(0, 20)), 'f' => $i / 7, 'nested' => ['s' => "s$i"]];
                    break;
                case 6:
                    $o = new stdClass();
                    $o->i = $i;
                    $o->name = "obj$i";
                    $v = $o;
                    break;
                case 7:
                    $p = new ValuesCrossPoint($i, "y$i", [$i, -$i]);
                    $p->tags = ['t' . ($i % 5)];
                    $v = $p;
                    break;
                case 8: // compressible string over the threshold
                    $v = str_repeat("line $i of a long text that compresses well. ", mt_rand(50, 400));
                    break;
                case 9: // incompressible string over the threshold
                    $v = self::bytes(mt_rand(2001, 9000));
                    break;
                case 10: // a big array: serialized and compressed
                    $v = array_fill(0, mt_rand(200, 800), "item $i");
                    break;
                default:
                    $v = (string)mt_rand();
            }
            $out["$tag:" . $i++] = $v;
        }
        return $out;
    }

    /** Returns $n pseudo-random bytes from mt_rand (deterministic after mt_srand). */
    private static function bytes(int $n): string
    {
        $s = '';
        for ($i = 0; $i < $n; $i++) {
            $s .= chr(mt_rand(0, 255));
        }
        return $s;
    }

    private static function same($a, $b): bool
    {
        return serialize($a) === serialize($b);
    }

    /** Asserts that every key reads back as written; $got is key => value. */
    private function assertValues(array $want, array $got, string $what): void
    {
        $bad = [];
        foreach ($want as $k => $v) {
            if (!array_key_exists($k, $got)) {
                $bad[] = "$k missing";
            } elseif (!self::same($v, $got[$k])) {
                $bad[] = sprintf('%s: want %s, got %s', $k, substr(var_export($v, true), 0, 80), substr(var_export($got[$k], true), 0, 80));
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), "$what: " . count($bad) . ' of ' . count($want) . ' values differ');
    }

    /** Returns [header, data] of `mg key v f t` on one server, read by length. */
    private static function raw(string $server, string $key): array
    {
        [$h, $p] = explode(':', $server);
        $fp = stream_socket_client("tcp://$h:$p", $errno, $errstr, 2);
        self::assertNotFalse($fp, "connect $server: $errstr");
        stream_set_timeout($fp, 5);
        fwrite($fp, "mg $key v f t\r\n");
        $head = fgets($fp);
        $data = null;
        if (preg_match('/^VA (\d+) /', (string)$head, $m)) {
            $data = '';
            $need = (int)$m[1] + 2;
            while (strlen($data) < $need && !feof($fp)) {
                $data .= fread($fp, $need - strlen($data));
            }
            $data = substr($data, 0, -2);
        }
        fclose($fp);
        return [rtrim((string)$head), $data];
    }

    /** Returns the client flags in an `mg ... f` header, or null. */
    private static function flagsOf(string $head): ?int
    {
        return preg_match('/ f(\d+)/', $head, $m) ? (int)$m[1] : null;
    }

    private static function getEach(MemRehash $mr, array $keys): array
    {
        $got = [];
        foreach ($keys as $k) {
            $v = $mr->get($k);
            if ($v !== false || $mr->getResultCode() === MemRehash::RES_SUCCESS) {
                $got[$k] = $v;
            }
        }
        return $got;
    }

    /** Memcached writes over the new list; MemRehash reads, one by one and with getMulti. */
    public function testMemcachedWritesMemRehashReads(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $values = self::values('m2r');
        $peer = mr_peer($new);
        $this->assertTrue($peer->setMulti($values), 'Memcached::setMulti');
        $this->assertValues($values, $peer->getMulti(array_keys($values)), 'Memcached reads its own (sanity)');

        $mr = new MemRehash($old, $new, ['name' => 'core-values-m2r']);
        $this->assertValues($values, self::getEach($mr, array_keys($values)), 'MemRehash::get');
        $got = [];
        foreach (array_chunk(array_keys($values), 500) as $chunk) {
            $r = $mr->getMulti($chunk);
            $this->assertIsArray($r);
            $got += $r;
        }
        $this->assertValues($values, $got, 'MemRehash::getMulti');
        $this->assertCount(count($values), $got, 'getMulti returns only the found keys, all of them');
    }

    /** MemRehash writes; Memcached over the new list reads; the bytes and flags are Memcached's own. */
    public function testMemRehashWritesMemcachedReads(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $values = self::values('r2m', self::N, 8);
        $mr = new MemRehash($old, $new, ['name' => 'core-values-r2m']);
        $half = (int)(count($values) / 2);
        $i = 0;
        foreach ($values as $k => $v) {
            if ($i++ < $half) {
                $this->assertTrue($mr->set($k, $v), "set $k");
            }
        }
        $this->assertTrue($mr->setMulti(array_slice($values, $half, null, true)), 'setMulti');
        $peer = mr_peer($new);
        $got = [];
        foreach (array_chunk(array_keys($values), 500) as $chunk) {
            $got += $peer->getMulti($chunk);
        }
        $this->assertValues($values, $got, 'Memcached::getMulti over the new list');

        // the same value written by Memcached under a twin key: same flags; same
        // bytes unless compressed (the compressor's output is not the contract)
        $twins = [];
        foreach ($values as $k => $v) {
            $twins["twin-$k"] = $v;
        }
        $this->assertTrue($peer->setMulti($twins));
        $bad = [];
        foreach ($values as $k => $v) {
            [$h1, $d1] = self::raw($mr->locate($k)['new'], $k);
            $peerAt = $peer->getServerByKey("twin-$k");
            [$h2, $d2] = self::raw($peerAt['host'] . ':' . $peerAt['port'], "twin-$k");
            $f1 = self::flagsOf($h1);
            $f2 = self::flagsOf($h2);
            if ($f1 === null || $f1 !== $f2) {
                $bad[] = "$k: MemRehash '$h1', Memcached '$h2'";
            } elseif (($f1 & 0x10) === 0 && $d1 !== $d2) {
                $bad[] = "$k: bytes differ: MemRehash " . bin2hex(substr($d1, 0, 40)) . ', Memcached ' . bin2hex(substr($d2, 0, 40));
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), count($bad) . ' values stored differently');
    }

    /** User flags set by Memcached (OPT_USER_FLAGS) do not disturb MemRehash, and survive a move. */
    public function testUserFlagsFromMemcached(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $values = self::values('uf', 1000, 9);
        $peerOld = mr_peer($old);
        $flagOf = [];
        $i = 0;
        foreach ($values as $k => $v) {
            $uf = [1, 7, 255, 4096, 65535][$i++ % 5];
            $peerOld->setOption(Memcached::OPT_USER_FLAGS, $uf);
            $this->assertTrue($peerOld->set($k, $v), "Memcached set $k");
            $flagOf[$k] = $uf;
        }
        $mr = new MemRehash($old, $new, ['name' => 'core-values-uf']);
        $this->assertValues($values, self::getEach($mr, array_keys($values)), 'MemRehash reads values with user flags');
        $peerNew = mr_peer($new);
        $bad = [];
        foreach ($values as $k => $v) {
            $r = $peerNew->get($k, null, Memcached::GET_EXTENDED);
            if (!is_array($r) || !self::same($r['value'], $v) || $r['flags'] !== $flagOf[$k]) {
                $bad[] = "$k: " . substr(var_export($r, true), 0, 120) . " want flags {$flagOf[$k]}";
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), count($bad) . ' keys lost their user flags or value in the move');
        // a moved key's flags on the wire are exactly the ones Memcached wrote at O
        $peerOld->setOption(Memcached::OPT_USER_FLAGS, 513);
        $this->assertTrue($peerOld->set('uf-raw', 'abc'));
        $at = $peerOld->getServerByKey('uf-raw');
        [$before] = self::raw($at['host'] . ':' . $at['port'], 'uf-raw');
        $this->assertSame('abc', $mr->get('uf-raw'));
        [$after] = self::raw($mr->locate('uf-raw')['new'], 'uf-raw');
        $this->assertSame(self::flagsOf($before), self::flagsOf($after));
        $this->assertSame(513 << 16, self::flagsOf($after));
    }

    /** Compression both ways: fastlz (Debian's default) and zlib. */
    public function testCompressionBothWays(): void
    {
        $new = mr_servers(2, 3);
        $old = mr_servers(3);
        $values = [];
        mt_srand(10);
        for ($i = 0; $i < 400; $i++) {
            $values["c:$i"] = $i % 3 === 0
                ? ['rows' => array_fill(0, 100 + $i, "row $i")]
                : str_repeat("compress me $i ", 200 + 10 * $i);
        }
        foreach (['fastlz' => Memcached::COMPRESSION_FASTLZ, 'zlib' => Memcached::COMPRESSION_ZLIB] as $name => $type) {
            mr_flush_all();
            $peer = mr_peer($new);
            $peer->setOption(Memcached::OPT_COMPRESSION_TYPE, $type);
            $this->assertTrue($peer->setMulti($values));
            $k0 = 'c:1';
            $at = $peer->getServerByKey($k0);
            [$h] = self::raw($at['host'] . ':' . $at['port'], $k0);
            $this->assertSame(0x10, self::flagsOf($h) & 0x10, "Memcached compressed with $name (sanity)");

            $mr = new MemRehash($old, $new, ['name' => 'core-values-compress', 'compression' => $name]);
            $this->assertValues($values, self::getEach($mr, array_keys($values)), "MemRehash reads Memcached's $name");

            mr_flush_all();
            foreach ($values as $k => $v) {
                $this->assertTrue($mr->set($k, $v));
            }
            [$h] = self::raw($mr->locate($k0)['new'], $k0);
            $want = $name === 'zlib' ? 0x20 : 0x40;
            $this->assertSame(0x10 | $want, self::flagsOf($h) & 0x70, "MemRehash compressed with $name");
            $plain = mr_peer($new); // default compression type: still reads both
            $this->assertValues($values, $plain->getMulti(array_keys($values)), "Memcached reads MemRehash's $name");
        }
    }

    public static function serializers(): array
    {
        return ['igbinary' => ['igbinary', 'SERIALIZER_IGBINARY'], 'msgpack' => ['msgpack', 'SERIALIZER_MSGPACK']];
    }

    /**
     * Other serializers, each a test of its own: skipped (and passed over by
     * tests/run.sh) only when its extension is not loaded; with it loaded,
     * a PECL memcached built without it fails the test (scripts/deps.sh
     * installs both, and Debian's php-memcached supports both).
     *
     * @dataProvider serializers
     */
    public function testSerializerBothWays(string $ser, string $const): void
    {
        if (!extension_loaded($ser)) {
            $this->markTestSkipped("$ser extension not loaded");
        }
        $this->assertTrue(defined("Memcached::$const") && constant('Memcached::HAVE_' . strtoupper($ser)),
            "PECL memcached supports $ser (Memcached::HAVE_" . strtoupper($ser) . ')');
        $new = mr_servers(2, 3);
        $old = mr_servers(3);
        $values = [];
        for ($i = 0; $i < 500; $i++) {
            $values["$ser:$i"] = $i % 2 ? ['i' => $i, 's' => str_repeat('z', $i * 10), 'n' => null, 'f' => $i / 3]
                : new ValuesCrossPoint($i, [$i => "v$i"], $i % 3 === 0);
        }
        mr_flush_all();
        $peer = mr_peer($new);
        $this->assertTrue($peer->setOption(Memcached::OPT_SERIALIZER, constant("Memcached::$const")));
        $this->assertTrue($peer->setMulti($values));
        $mr = new MemRehash($old, $new, ['name' => 'core-values-ser', 'serializer' => $ser]);
        $this->assertValues($values, self::getEach($mr, array_keys($values)), "MemRehash reads Memcached's $ser");
        $phpSide = new MemRehash($old, $new, ['name' => 'core-values-ser']);
        $this->assertValues($values, self::getEach($phpSide, array_keys($values)), "a php-serializer MemRehash reads $ser by its flags too");
        mr_flush_all();
        foreach ($values as $k => $v) {
            $this->assertTrue($mr->set($k, $v));
        }
        $this->assertValues($values, $peer->getMulti(array_keys($values)), "Memcached reads MemRehash's $ser");
    }
}
