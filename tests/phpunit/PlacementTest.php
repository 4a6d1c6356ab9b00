<?php
use PHPUnit\Framework\TestCase;

/**
 * Placement: MemRehash::locate() must pick exactly the server PECL memcached
 * picks (Memcached::getServerByKey) for the same list, order, weights and
 * options; DIST_INTVAL must follow PHP's own (int) cast. The expected figures
 * always come from Memcached or from PHP itself, never from the extension.
 */
final class PlacementTest extends TestCase
{
    private const NKEYS = 3000;

    /** Hosts that need not exist: placement never connects. */
    private const FAKE = ['10.11.12.13:11211', 'mc-b.invalid:11212', '192.168.7.1:22122', 'cache-d.example:11211', '172.16.0.9:11213'];

    public static function setUpBeforeClass(): void
    {
        mr_flush_all();
    }

    /** Returns $n deterministic, varied, valid keys (1..250 bytes, high bytes included). */
    private static function keys(int $n, int $seed = 1): array
    {
        mt_srand($seed);
        $keys = [];
        for ($i = 0; $i < $n; $i++) {
            switch ($i % 5) {
                case 0:
                    $k = "key:$i";
                    break;
                case 1:
                    $k = (string)mt_rand(-1000000, 100000000);
                    break;
                case 2:
                    $len = mt_rand(1, 250);
                    $k = '';
                    for ($j = 0; $j < $len; $j++) {
                        $k .= chr(mt_rand(0x21, 0x7e));
                    }
                    break;
                case 3:
                    $len = mt_rand(1, 40);
                    $k = '';
                    for ($j = 0; $j < $len; $j++) {
                        $c = mt_rand(0x21, 0xff);
                        $k .= chr($c === 0x7f ? 0x41 : $c);
                    }
                    break;
                default:
                    $k = 'user_' . md5((string)$i) . '_profile';
            }
            $keys[$k] = true;
        }
        return array_map('strval', array_keys($keys));
    }

    /** Returns "host:port" of the server Memcached picks for $key. */
    private static function peerServer(Memcached $m, string $key): string
    {
        $s = $m->getServerByKey($key);
        self::assertIsArray($s, 'Memcached::getServerByKey answered for ' . bin2hex($key));
        return $s['host'] . ':' . $s['port'];
    }

    /** Returns a Memcached over a list of "host:port[:weight]" strings, set up as asked. */
    private static function peer(array $list, bool $ketama, ?int $hash, ?string $prefix = null): Memcached
    {
        $m = new Memcached();
        $servers = [];
        foreach ($list as $s) {
            $parts = explode(':', $s);
            $servers[] = [$parts[0], (int)$parts[1], isset($parts[2]) ? (int)$parts[2] : 0];
        }
        self::assertTrue($m->addServers($servers));
        if ($ketama) {
            $m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
        }
        if ($hash !== null) {
            $m->setOption(Memcached::OPT_HASH, $hash);
        }
        if ($prefix !== null) {
            $m->setOption(Memcached::OPT_PREFIX_KEY, $prefix);
        }
        return $m;
    }

    /** Asserts every key's old and new location against two Memcached peers. */
    private function assertAgrees(MemRehash $mr, Memcached $oldPeer, Memcached $newPeer, array $keys, string $what, bool $spread = true): void
    {
        $bad = [];
        $nbad = 0;
        $servers = [];
        foreach ($keys as $k) {
            $loc = $mr->locate($k);
            $wantOld = self::peerServer($oldPeer, $k);
            $wantNew = self::peerServer($newPeer, $k);
            if ($loc !== ['old' => $wantOld, 'new' => $wantNew, 'moves' => $wantOld !== $wantNew]) {
                $nbad++;
                if (count($bad) < 5) {
                    $bad[] = sprintf('%s: locate %s, Memcached old %s new %s', bin2hex($k), json_encode($loc), $wantOld, $wantNew);
                }
            }
            $servers[$wantNew] = true;
        }
        $this->assertSame([], $bad, "$what: $nbad of " . count($keys) . ' keys disagree');
        if ($spread) {
            $this->assertGreaterThan(1, count($servers), "$what: the keys spread over several servers");
        }
    }

    /**
     * Every Memcached::HASH_* constant (read by Reflection, not listed by
     * hand) => [its value, whether PECL memcached accepts it here: Debian's
     * libmemcached is built without hsieh, so OPT_HASH => HASH_HSIEH fails].
     */
    private static function peclHashes(): array
    {
        $out = [];
        foreach ((new ReflectionClass(Memcached::class))->getConstants() as $name => $value) {
            if (str_starts_with($name, 'HASH_')) {
                $m = new Memcached();
                $out[$name] = [$value, @$m->setOption(Memcached::OPT_HASH, $value)];
            }
        }
        return $out;
    }

    /** The hashes PECL memcached accepts, each with MemRehash's constant of the same name. */
    public function hashProvider(): array
    {
        $out = [];
        foreach (self::peclHashes() as $name => [$value, $accepted]) {
            if ($accepted) {
                $out[strtolower(substr($name, 5))] = [defined("MemRehash::$name") ? constant("MemRehash::$name") : -1, $value];
            }
        }
        return $out;
    }

    /**
     * Every hash PECL memcached accepts has a MemRehash::HASH_* of the same
     * name and value; one PECL refuses here (hsieh) is refused by MemRehash
     * too, with a clear error.
     */
    public function testHashConstantsAreMemcachedOnes(): void
    {
        $accepted = 0;
        foreach (self::peclHashes() as $name => [$value, $ok]) {
            if ($ok) {
                $accepted++;
                $this->assertTrue(defined("MemRehash::$name"), "MemRehash::$name exists");
                $this->assertSame($value, constant("MemRehash::$name"), $name);
                continue;
            }
            try {
                new MemRehash(mr_servers(1), mr_servers(2), ['name' => 'core-placement-hash', 'hash' => $value]);
                $this->fail("MemRehash took Memcached::$name, which libmemcached here does not support");
            } catch (ValueError | MemRehashException $e) {
                $this->assertStringContainsString('hash', $e->getMessage());
            }
        }
        $this->assertGreaterThanOrEqual(8, $accepted, 'PECL memcached accepts the usual hashes (sanity)');
    }

    /** @dataProvider hashProvider */
    public function testModulaAgreesWithMemcached(int $hash, int $peerHash): void
    {
        $keys = self::keys(self::NKEYS, 11);
        $old = mr_servers(3);
        $new = mr_servers(5);
        $mr = new MemRehash($old, $new, ['name' => 'core-placement-modula', 'hash' => $hash]);
        $this->assertAgrees($mr, self::peer($old, false, $peerHash), self::peer($new, false, $peerHash), $keys, "modula hash $hash");

        // a list of hosts that do not exist: placement needs no connection
        $fake = self::FAKE;
        $old = array_slice($fake, 0, 4);
        $mr = new MemRehash($old, $fake, ['name' => 'core-placement-modula', 'hash' => $hash]);
        $this->assertAgrees($mr, self::peer($old, false, $peerHash), self::peer($fake, false, $peerHash), $keys, "modula hash $hash, fake hosts");
    }

    /** Modula is also what a Memcached with no options at all does. */
    public function testDefaultIsPlainMemcached(): void
    {
        $keys = self::keys(self::NKEYS, 12);
        $old = mr_servers(2);
        $new = mr_servers(4);
        $mr = new MemRehash($old, $new, ['name' => 'core-placement-modula']);
        $this->assertAgrees($mr, mr_peer($old), mr_peer($new), $keys, 'defaults');
    }

    public function ketamaHashProvider(): array
    {
        return [
            'ketama default hash' => [null],
            'ketama md5' => [Memcached::HASH_MD5],
            'ketama crc' => [Memcached::HASH_CRC],
            'ketama fnv1a_32' => [Memcached::HASH_FNV1A_32],
            'ketama fnv1_64' => [Memcached::HASH_FNV1_64],
            'ketama murmur' => [Memcached::HASH_MURMUR],
        ];
    }

    /** @dataProvider ketamaHashProvider */
    public function testKetamaAgreesWithMemcached(?int $hash): void
    {
        $keys = self::keys(self::NKEYS, 13);
        $opts = ['name' => 'core-placement-ketama', 'distribution' => MemRehash::DIST_KETAMA];
        if ($hash !== null) {
            $opts['hash'] = $hash;
        }
        $old = mr_servers(3);
        $new = mr_servers(5);
        $mr = new MemRehash($old, $new, $opts);
        // libmemcached's CRC gives 15 bits, so ketama + crc puts every key on one server
        $spread = $hash !== Memcached::HASH_CRC;
        $this->assertAgrees($mr, self::peer($old, true, $hash), self::peer($new, true, $hash), $keys, 'ketama ' . json_encode($hash), $spread);

        $fake = self::FAKE;
        $new = array_slice($fake, 1);
        $mr = new MemRehash($fake, $new, $opts);
        $this->assertAgrees($mr, self::peer($fake, true, $hash), self::peer($new, true, $hash), $keys, 'ketama fake hosts ' . json_encode($hash), $spread);
    }

    /** Weights as "host:port:weight" and as [host, port, weight], modula and ketama. */
    public function testWeights(): void
    {
        $keys = self::keys(self::NKEYS, 14);
        $weighted = [MR_HOST . ':' . MR_PORTS[0] . ':1', MR_HOST . ':' . MR_PORTS[1] . ':5', MR_HOST . ':' . MR_PORTS[2] . ':2'];
        $weighted2 = ['10.0.0.1:11211:3', 'mc-b.invalid:11211:1', '10.0.0.3:11311:10', '10.0.0.4:11211:1'];
        $arrays = static function (array $list): array {
            return array_map(static function ($s) {
                $p = explode(':', $s);
                return [$p[0], (int)$p[1], (int)$p[2]];
            }, $list);
        };
        foreach ([false, true] as $ketama) {
            $opts = ['name' => 'core-placement-weights'];
            if ($ketama) {
                $opts['distribution'] = MemRehash::DIST_KETAMA;
            }
            $oldPeer = self::peer($weighted, $ketama, null);
            $newPeer = self::peer($weighted2, $ketama, null);
            $what = $ketama ? 'ketama' : 'modula';
            $this->assertAgrees(new MemRehash($weighted, $weighted2, $opts), $oldPeer, $newPeer, $keys, "$what, weights as strings");
            $this->assertAgrees(new MemRehash($arrays($weighted), $arrays($weighted2), $opts), $oldPeer, $newPeer, $keys, "$what, weights as arrays");
            $mixed = [$weighted[0], $arrays($weighted)[1], $weighted[2]];
            $this->assertAgrees(new MemRehash($mixed, $weighted2, $opts), $oldPeer, $newPeer, $keys, "$what, mixed forms");
        }
        // weights do change ketama placement (the test above would be vacuous otherwise)
        $plain = self::peer(array_map(static fn($s) => implode(':', array_slice(explode(':', $s), 0, 2)), $weighted2), true, null);
        $heavy = self::peer($weighted2, true, null);
        $differ = 0;
        foreach (array_slice($keys, 0, 500) as $k) {
            $differ += self::peerServer($plain, $k) !== self::peerServer($heavy, $k);
        }
        $this->assertGreaterThan(0, $differ, 'weights matter to ketama');
    }

    /** old_distribution / old_hash place the old side differently. */
    public function testOldDistributionAndHash(): void
    {
        $keys = self::keys(self::NKEYS, 15);
        $old = mr_servers(3);
        $new = mr_servers(4, 1);
        $cases = [
            'old modula crc, new ketama' => [
                ['distribution' => MemRehash::DIST_KETAMA, 'old_distribution' => MemRehash::DIST_MODULA, 'old_hash' => MemRehash::HASH_CRC],
                self::peer($old, false, Memcached::HASH_CRC), self::peer($new, true, null)],
            'old ketama, new modula fnv1a_32' => [
                ['distribution' => MemRehash::DIST_MODULA, 'hash' => MemRehash::HASH_FNV1A_32, 'old_distribution' => MemRehash::DIST_KETAMA, 'old_hash' => MemRehash::HASH_DEFAULT],
                self::peer($old, true, null), self::peer($new, false, Memcached::HASH_FNV1A_32)],
            'old modula md5, new modula default (old_hash only)' => [
                ['old_hash' => MemRehash::HASH_MD5],
                self::peer($old, false, Memcached::HASH_MD5), self::peer($new, false, null)],
            'same list, hash changes murmur -> default' => [
                ['old_hash' => MemRehash::HASH_MURMUR],
                self::peer($new, false, Memcached::HASH_MURMUR), self::peer($new, false, null), $new],
        ];
        foreach ($cases as $what => $case) {
            [$opts, $oldPeer, $newPeer] = $case;
            $oldList = $case[3] ?? $old;
            $opts['name'] = 'core-placement-olddist';
            $this->assertAgrees(new MemRehash($oldList, $new, $opts), $oldPeer, $newPeer, $keys, $what);
        }
    }

    /** Keys for DIST_INTVAL: PHP's cast decides, whatever the string looks like. */
    private static function intvalKeys(): array
    {
        $keys = ['12abc', 'abc', '1e3', '-7', '99999999999999999999', '-99999999999999999999', '12.9', '-12.9',
            '0x1A', '007', '1e100', '-1e100', '1e1000', '-0', '0', '1', '2', '3', '-1', '-2', '-3', '+5', '.5', '5.',
            '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
            '1e18', '1.5e3', '12e', '1_000', '१२', '٣', 'user:42', '42:user', "4\xff", '0b101', 'NaN', 'INF', '-INF'];
        mt_srand(16);
        for ($i = 0; $i < 2000; $i++) {
            $keys[] = (string)mt_rand(-2000000000, 2000000000);
            $keys[] = mt_rand(0, 99999) . 'x' . $i;
        }
        return array_values(array_unique($keys));
    }

    public function testIntvalIsPhpsOwnCast(): void
    {
        $keys = self::intvalKeys();
        foreach ([[3, 2], [2, 3], [5, 1], [1, 4], [4, 5]] as [$nOld, $nNew]) {
            $old = mr_servers($nOld);
            $new = mr_servers($nNew, 5 - $nNew);
            $mr = new MemRehash($old, $new, ['name' => 'core-placement-intval', 'distribution' => MemRehash::DIST_INTVAL]);
            $bad = [];
            foreach ($keys as $k) {
                $k = (string)$k;
                $o = $old[(((int)$k % $nOld) + $nOld) % $nOld];
                $n = $new[(((int)$k % $nNew) + $nNew) % $nNew];
                $loc = $mr->locate($k);
                if ($loc !== ['old' => $o, 'new' => $n, 'moves' => $o !== $n]) {
                    $bad[] = sprintf('%s (int %d): locate %s, want old %s new %s', $k, (int)$k, json_encode($loc), $o, $n);
                }
            }
            $this->assertSame([], array_slice($bad, 0, 10), "intval $nOld -> $nNew: " . count($bad) . ' keys disagree');
        }
    }

    /** Weights do not matter to DIST_INTVAL, and old_distribution may be intval alone. */
    public function testIntvalIgnoresWeightsAndMixesWithKetama(): void
    {
        $keys = self::intvalKeys();
        $plain = mr_servers(3);
        $weighted = [$plain[0] . ':10', $plain[1] . ':1', $plain[2] . ':3'];
        $new = mr_servers(2, 3);
        $newPeer = self::peer($new, true, null);
        $mr = new MemRehash($weighted, $new, ['name' => 'core-placement-intval',
            'distribution' => MemRehash::DIST_KETAMA, 'old_distribution' => MemRehash::DIST_INTVAL]);
        $bad = 0;
        foreach ($keys as $k) {
            $k = (string)$k;
            $loc = $mr->locate($k);
            $bad += $loc['old'] !== $plain[(((int)$k % 3) + 3) % 3];
            $bad += $loc['new'] !== self::peerServer($newPeer, $k);
            $bad += $loc['moves'] !== ($loc['old'] !== $loc['new']);
        }
        $this->assertSame(0, $bad);
    }

    /** A prefix does not change placement (as OPT_PREFIX_KEY), but it is part of the stored key. */
    public function testPrefixKeepsPlacementAndPrefixesTheStoredKey(): void
    {
        mr_flush_all();
        $prefix = 'pfx.' . getmypid() . ':';
        $keys = array_values(array_filter(self::keys(1000, 17), static fn($k) => strlen($k) + strlen($prefix) <= 250));
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        foreach ([false, true] as $ketama) {
            $opts = ['name' => 'core-placement-prefix'];
            if ($ketama) {
                $opts['distribution'] = MemRehash::DIST_KETAMA;
            }
            $with = new MemRehash($old, $new, $opts + ['prefix' => $prefix]);
            $this->assertAgrees($with, self::peer($old, $ketama, null, $prefix), self::peer($new, $ketama, null, $prefix), $keys, 'prefixed');
            $this->assertAgrees($with, self::peer($old, $ketama, null), self::peer($new, $ketama, null), $keys, 'prefixed vs no prefix');
        }

        // intval ignores the prefix too: "p12" would be 0, "12" is 12
        $mr = new MemRehash($old, $new, ['name' => 'core-placement-prefix', 'distribution' => MemRehash::DIST_INTVAL, 'prefix' => '7']);
        foreach (['12', '13', '-5', '1e3'] as $k) {
            $this->assertSame($old[(((int)$k % 3) + 3) % 3], $mr->locate($k)['old'], $k);
            $this->assertSame($new[(((int)$k % 2) + 2) % 2], $mr->locate($k)['new'], $k);
        }

        // stored under prefix + key, on the server locate() names
        $mr = new MemRehash($old, $new, ['name' => 'core-placement-prefix', 'prefix' => $prefix]);
        $peer = self::peer($new, false, null, $prefix);
        foreach (array_slice($keys, 0, 200) as $i => $k) {
            if (preg_match('/[^\x21-\x7e]/', $k)) {
                continue; // mr_raw sends the key as text
            }
            $this->assertTrue($mr->set($k, "v$i"), "set $k");
            $at = $mr->locate($k)['new'];
            $this->assertSame(sprintf("VA %d\r\nv%d\r\n", strlen("v$i"), $i), mr_raw($at, "mg $prefix$k v"), "stored as prefix+key at $at");
            $this->assertSame("EN\r\n", mr_raw($at, "mg $k v"), 'not stored without the prefix');
            $this->assertSame("v$i", $peer->get($k), 'Memcached with OPT_PREFIX_KEY reads it');
            $this->assertSame("v$i", $mr->get($k));
        }
        // and Memcached with the prefix writes where MemRehash with the prefix reads
        $this->assertTrue($peer->set('from-peer', 'pv'));
        $this->assertSame('pv', $mr->get('from-peer'));
        $plain = new MemRehash($old, $new, ['name' => 'core-placement-prefix']);
        $this->assertFalse($plain->get('from-peer'), 'without the prefix, another key');
    }

    /** getOldServers/getNewServers give back the lists, as Memcached::getServerList shapes them. */
    public function testServerLists(): void
    {
        $old = mr_servers(3);
        $new = [MR_HOST . ':' . MR_PORTS[3] . ':7', [MR_HOST, MR_PORTS[4], 2]];
        $mr = new MemRehash($old, $new, ['name' => 'core-placement-lists']);
        $peerOld = mr_peer($old);
        $peerNew = new Memcached();
        $peerNew->addServers([[MR_HOST, MR_PORTS[3], 7], [MR_HOST, MR_PORTS[4], 2]]);
        $strip = static fn(array $l) => array_map(static fn($s) => [$s['host'], (int)$s['port']], $l);
        $this->assertSame($strip($peerOld->getServerList()), $strip($mr->getOldServers()));
        $this->assertSame($strip($peerNew->getServerList()), $strip($mr->getNewServers()));
        $weights = array_map(static fn($s) => (int)$s['weight'], $mr->getNewServers());
        $this->assertSame([7, 2], $weights);
    }
}
