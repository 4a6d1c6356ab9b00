<?php
use PHPUnit\Framework\TestCase;

/**
 * Move on read (docs/DESIGN.md, "How a key moves" and "Write rules"): data written by
 * PECL memcached over the OLD list reads back through MemRehash, ends up where
 * Memcached over the NEW list finds it, with its bytes, flags and remaining
 * TTL; writes during the move; getMulti; counters; faults. Every expected
 * figure comes from Memcached, from the servers (raw meta commands) or from
 * what the test itself wrote.
 */
final class MigrationTest extends TestCase
{
    protected function setUp(): void
    {
        mr_flush_all();
    }

    /* ---- helpers ---- */

    /** Returns ['flags' => int, 'ttl' => int, 'value' => string] from `mg key v f t`, or null on EN. */
    private static function meta(string $server, string $key): ?array
    {
        [$h, $p] = explode(':', $server);
        $fp = stream_socket_client("tcp://$h:$p", $errno, $errstr, 2);
        self::assertNotFalse($fp, "connect $server: $errstr");
        stream_set_timeout($fp, 5);
        fwrite($fp, "mg $key v f t\r\n");
        $head = (string)fgets($fp);
        $out = null;
        if (preg_match('/^VA (\d+) (.*)\r\n$/', $head, $m)) {
            $data = '';
            $need = (int)$m[1] + 2;
            while (strlen($data) < $need && !feof($fp)) {
                $data .= fread($fp, $need - strlen($data));
            }
            preg_match('/\bf(\d+)/', $m[2], $f);
            preg_match('/\bt(-?\d+)/', $m[2], $t);
            $out = ['flags' => (int)$f[1], 'ttl' => (int)$t[1], 'value' => substr($data, 0, -2)];
        } else {
            self::assertSame("EN\r\n", $head, "mg $key on $server");
        }
        fclose($fp);
        return $out;
    }

    public static function deleteModes(): array
    {
        return ['get waits for the delete at O' => [false], 'deferred_delete' => [true]];
    }

    /** Returns memcached's `stats` of one server as name => value. */
    private static function serverStats(string $server): array
    {
        $out = [];
        foreach (explode("\r\n", mr_raw($server, 'stats')) as $line) {
            if (preg_match('/^STAT (\S+) (\S+)$/', $line, $m)) {
                $out[$m[1]] = $m[2];
            }
        }
        self::assertArrayHasKey('cmd_get', $out, "stats of $server");
        return $out;
    }

    /** Returns the counters that grow with any command a client sends to a server. */
    private static function traffic(string $server): array
    {
        $s = self::serverStats($server);
        $keys = ['cmd_get', 'cmd_set', 'cmd_touch', 'get_hits', 'get_misses', 'delete_hits', 'delete_misses',
            'incr_hits', 'incr_misses', 'decr_hits', 'decr_misses', 'touch_hits', 'touch_misses', 'cas_misses', 'cas_hits'];
        return array_intersect_key($s, array_flip($keys));
    }

    /** Returns a port on 127.0.0.1 that nothing listens on. */
    private static function unusedPort(): int
    {
        $s = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        self::assertNotFalse($s, $errstr);
        $name = stream_socket_get_name($s, false);
        fclose($s);
        return (int)substr($name, strrpos($name, ':') + 1);
    }

    private static function same($a, $b): bool
    {
        return serialize($a) === serialize($b);
    }

    /** Returns stats() minus an earlier stats(), for the counters and per-server rows. */
    private static function delta(array $before, array $after): array
    {
        $d = [];
        foreach ($after as $k => $v) {
            if (is_int($v) && isset($before[$k]) && $k !== 'started' && $k !== 'completed') {
                $d[$k] = $v - $before[$k];
            }
        }
        foreach ($after['servers'] as $name => $row) {
            foreach (['moved_out', 'moved_in', 'errors'] as $f) {
                $d['servers'][$name][$f] = $row[$f] - ($before['servers'][$name][$f] ?? 0);
            }
            $d['servers'][$name]['role'] = $row['role'];
        }
        return $d;
    }

    private function assertInvariants(array $s, string $what): void
    {
        $this->assertSame($s['gets'], $s['new_hits'] + $s['old_hits'] + $s['misses'], "$what: gets = new_hits + old_hits + misses");
        $this->assertSame($s['old_hits'], $s['migrated'] + $s['raced'] + $s['move_failed'], "$what: old_hits = migrated + raced + move_failed");
        $out = $in = 0;
        foreach ($s['servers'] as $row) {
            $out += $row['moved_out'];
            $in += $row['moved_in'];
        }
        $this->assertSame($s['migrated'] + $s['drained'], $out, "$what: moved_out sums to migrated + drained");
        $this->assertSame($s['migrated'] + $s['drained'], $in, "$what: moved_in sums to migrated + drained");
    }

    /** Mixed values and TTLs: key => [value, ttl as given to Memcached, user flags]. */
    private static function dataset(string $tag, int $n): array
    {
        $now = time();
        $out = [];
        for ($i = 0; $i < $n; $i++) {
            switch ($i % 8) {
                case 0: $v = "string $i"; break;
                case 1: $v = $i * 1000003; break;
                case 2: $v = $i / 8; break;
                case 3: $v = (bool)($i & 16); break;
                case 4: $v = ['i' => $i, 'list' => [1, 2, $i], 'null' => null]; break;
                case 5: $v = str_repeat("compressible $i ", 300); break;          // > 2000 bytes: fastlz
                case 6: $o = new stdClass(); $o->i = $i; $o->s = "s$i"; $v = $o; break;
                default: $v = $i % 3 ? null : "";
            }
            $ttl = [0, 600, 5000, $now + 40 * 86400, 86400, 0, 2592000 - 100][$i % 7];
            $uf = $i % 5 === 0 ? ($i % 65536) : 0;
            $out["$tag:$i"] = [$v, $ttl, $uf];
        }
        return $out;
    }

    /** Writes a dataset with Memcached over $servers; returns each key's [meta at its server, microtime]. */
    private static function writeWithMemcached(array $servers, array $data): array
    {
        $peer = mr_peer($servers);
        foreach ($data as $k => [$v, $ttl, $uf]) {
            $peer->setOption(Memcached::OPT_USER_FLAGS, $uf);
            self::assertTrue($peer->set($k, $v, $ttl), "Memcached set $k: " . $peer->getResultMessage());
        }
        $seen = [];
        foreach ($data as $k => $_) {
            $at = $peer->getServerByKey($k);
            $seen[$k] = [self::meta($at['host'] . ':' . $at['port'], $k), microtime(true)];
            self::assertNotNull($seen[$k][0], "$k is stored");
        }
        return $seen;
    }

    /* ---- the tests ---- */

    /**
     * Memcached wrote over the old list (3); MemRehash reads through the new
     * one (2): values identical, then Memcached over the new list reads every
     * key, the old locations are empty, flags and remaining TTLs kept.
     */
    public function testMemcachedDataMovesIntactOnRead(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2);          // the third server is deactivated
        $data = self::dataset('mv', 2400);
        $before = self::writeWithMemcached($old, $data);

        $mr = new MemRehash($old, $new, ['name' => 'core-mig-intact']);
        $moving = 0;
        $bad = [];
        foreach ($data as $k => [$v]) {
            $got = $mr->get($k);
            if (!self::same($got, $v) || $mr->getResultCode() !== MemRehash::RES_SUCCESS) {
                $bad[] = "$k: want " . var_export($v, true) . ', got ' . var_export($got, true) . ' rc ' . $mr->getResultCode();
            }
            $moving += $mr->locate($k)['moves'];
        }
        $this->assertSame([], array_slice($bad, 0, 10), count($bad) . ' values differ');
        $this->assertGreaterThan(1000, $moving, 'most keys change location (sanity)');

        // Memcached over the new list reads everything
        $peerNew = mr_peer($new);
        $got = [];
        foreach (array_chunk(array_keys($data), 400) as $chunk) {
            $got += $peerNew->getMulti($chunk);
        }
        $bad = [];
        foreach ($data as $k => [$v]) {
            if (!array_key_exists($k, $got) || !self::same($got[$k], $v)) {
                $bad[] = $k;
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), count($bad) . ' keys unreadable by Memcached over the new list');

        // flags kept, TTLs kept within a second, old locations of moved keys empty
        $singles = [];
        $badTtl = $badFlags = $notEmpty = [];
        foreach ($data as $k => [$v, $ttl, $uf]) {
            $loc = $mr->locate($k);
            $now = self::meta($loc['new'], $k);
            $t = microtime(true);
            [$orig, $t0] = $before[$k];
            if ($now === null || $now['flags'] !== $orig['flags'] || ($now['flags'] >> 16) !== $uf) {
                $badFlags[] = "$k: was " . json_encode($orig['flags']) . ', now ' . json_encode($now['flags'] ?? null);
            }
            if ($orig['ttl'] === -1) {
                if (($now['ttl'] ?? null) !== -1) {
                    $badTtl[] = "$k: no expiry became " . json_encode($now['ttl'] ?? null);
                }
            } else {
                // each server's clock ticks once a second, and a TTL over 30
                // days travels as an absolute time that each server maps to
                // its own clock: observing costs up to a second, the move
                // may cost up to one more
                $want = $orig['ttl'] - ($t - $t0);
                // never longer than it was; shorter only by the time that
                // passed (a loaded server's clock can lag the wall clock by
                // a second or two, so it may look less)
                if ($now === null || $now['ttl'] > $orig['ttl'] || $now['ttl'] < $want - 3.0) {
                    $badTtl[] = sprintf('%s: ttl was %d, %.1f s later %s (want ~%.1f)', $k, $orig['ttl'], $t - $t0, json_encode($now['ttl'] ?? null), $want);
                }
            }
            if ($loc['moves']) {
                if (self::meta($loc['old'], $k) !== null) {
                    $notEmpty[] = "$k at {$loc['old']}";
                }
                $single = $singles[$loc['old']] ??= mr_peer([$loc['old']]);
                if ($single->get($k) !== false || $single->getResultCode() !== Memcached::RES_NOTFOUND) {
                    $notEmpty[] = "$k (Memcached over {$loc['old']} alone)";
                }
            }
        }
        $this->assertSame([], array_slice($badFlags, 0, 10), count($badFlags) . ' keys changed flags');
        $this->assertSame([], array_slice($badTtl, 0, 10), count($badTtl) . ' keys changed their remaining TTL');
        $this->assertSame([], array_slice($notEmpty, 0, 10), count($notEmpty) . ' old locations still hold moved keys');

        $s = $mr->stats();
        $this->assertInvariants($s, 'after the moves');
        $this->assertSame($moving, $s['migrated'], 'every moving key migrated once');
    }

    /** The classic scheme: intval($key) % 3 on three single-server clients becomes intval($key) % 2. */
    public function testClassicIntvalScheme(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2);
        $clients = array_map(static fn($s) => mr_peer([$s]), $old);
        $data = [];
        mt_srand(21);
        for ($i = 0; $i < 1500; $i++) {
            $id = mt_rand(1, 50000000);
            $key = $i % 3 === 0 ? "$id" : ($i % 3 === 1 ? "{$id}_profile" : "$id:cart");
            $data[$key] = ['user' => $id, 'n' => $i, 'blob' => $i % 10 ? 'x' : str_repeat('blob', 800)];
        }
        foreach ($data as $k => $v) {
            $this->assertTrue($clients[intval($k) % 3]->set($k, $v));
        }
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-intval', 'distribution' => MemRehash::DIST_INTVAL]);
        $bad = [];
        foreach ($data as $k => $v) {
            $k = (string)$k;
            if (!self::same($mr->get($k), $v)) {
                $bad[] = $k;
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), count($bad) . ' keys did not read back');
        $newClients = array_map(static fn($s) => mr_peer([$s]), $new);
        $bad = [];
        $moved = 0;
        foreach ($data as $k => $v) {
            $k = (string)$k;
            if (!self::same($newClients[intval($k) % 2]->get($k), $v)) {
                $bad[] = "$k not at new " . (intval($k) % 2);
            }
            if (intval($k) % 3 !== intval($k) % 2) {
                $moved++;
                if ($clients[intval($k) % 3]->get($k) !== false) {
                    $bad[] = "$k still at old " . (intval($k) % 3);
                }
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), count($bad) . ' keys misplaced');
        $this->assertSame($moved, $mr->stats()['migrated']);
    }

    /** stats(): exact figures for a mix of new hits, old hits and misses, and the invariants. */
    public function testStatsInvariantsAndFigures(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 2);       // server 2 is in both lists
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-stats']);
        $before = $mr->stats();
        $this->assertSame('core-mig-stats', $before['name']);
        $this->assertSame('migrating', $before['state']);
        $this->assertSame(0, $before['completed']);
        $this->assertSame('old', $before['servers'][$old[0]]['role']);
        $this->assertSame('both', $before['servers'][$old[2]]['role']);
        $this->assertSame('new', $before['servers'][$new[1]]['role']);

        $peerOld = mr_peer($old);
        $peerNew = mr_peer($new);
        $atO = $atN = $nowhere = [];
        $outOf = $inTo = [];
        for ($i = 0; $i < 900; $i++) {
            $k = "st:$i";
            $loc = $mr->locate($k);
            if ($i % 3 === 0) {
                $this->assertTrue($peerOld->set($k, "o$i"));
                if ($loc['moves']) {
                    $atO[] = $k;
                    $outOf[$loc['old']] = ($outOf[$loc['old']] ?? 0) + 1;
                    $inTo[$loc['new']] = ($inTo[$loc['new']] ?? 0) + 1;
                } else {
                    $atN[] = $k;       // old location = new location: a plain hit
                }
            } elseif ($i % 3 === 1) {
                $this->assertTrue($peerNew->set($k, "n$i"));
                $atN[] = $k;
            } else {
                $nowhere[] = $k;
            }
        }
        $this->assertNotEmpty($atO);
        $all = array_merge($atO, $atN, $nowhere);
        shuffle($all);
        foreach ($all as $k) {
            $mr->get($k);
        }
        $d = self::delta($before, $mr->stats());
        $this->assertSame(count($all), $d['gets']);
        $this->assertSame(count($atN), $d['new_hits']);
        $this->assertSame(count($atO), $d['old_hits']);
        $this->assertSame(count($atO), $d['migrated']);
        $this->assertSame(0, $d['raced']);
        $this->assertSame(0, $d['errors']);
        $this->assertSame(count($nowhere), $d['misses']);
        $movingNowhere = count(array_filter($nowhere, static fn($k) => $mr->locate($k)['moves']));
        $this->assertSame(count($atO) + $movingNowhere, $d['old_lookups'], 'old lookups: the moving keys N lacked (the base of old_hit_rate)');
        $this->assertGreaterThan(0, $d['bytes_moved']);
        foreach ($d['servers'] as $name => $row) {
            $this->assertSame($outOf[$name] ?? 0, $row['moved_out'], "moved_out of $name");
            $this->assertSame($inTo[$name] ?? 0, $row['moved_in'], "moved_in of $name");
        }
        $this->assertInvariants($d, 'deltas');
        $this->assertInvariants($mr->stats(), 'totals');

        // a second read of everything: all new hits now
        $b2 = $mr->stats();
        foreach ($all as $k) {
            $mr->get($k);
        }
        $d2 = self::delta($b2, $mr->stats());
        $this->assertSame(count($atO) + count($atN), $d2['new_hits']);
        $this->assertSame(0, $d2['old_hits']);
        $this->assertSame(count($nowhere), $d2['misses']);

        // sets and deletes are counted
        $b3 = $mr->stats();
        $mr->set('st:x', 1);
        $mr->delete('st:x');
        $mr->setMulti(['st:y' => 1, 'st:z' => 2]);
        $d3 = self::delta($b3, $mr->stats());
        $this->assertSame(3, $d3['sets']);
        $this->assertSame(1, $d3['deletes']);

        // a second object with the same name shares the counters
        $twin = new MemRehash($old, $new, ['name' => 'core-mig-stats']);
        $this->assertSame($mr->stats()['gets'], $twin->stats()['gets']);
        $twin->get('st:0');
        $this->assertSame($twin->stats()['gets'], $mr->stats()['gets']);
        $this->assertArrayHasKey('core-mig-stats', MemRehash::allStats());
    }

    /** migrate => false only reports: the key stays at O, get says false, old_hits counts it. */
    public function testMigrateFalseOnlyReports(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-report', 'migrate' => false]);
        $peerOld = mr_peer($old);
        $keys = [];
        for ($i = 0; $i < 200; $i++) {
            $keys["rp:$i"] = "value $i";
        }
        $this->assertTrue($peerOld->setMulti($keys));
        $peerNew = mr_peer($new);
        $this->assertTrue($peerNew->set('rp:new', 'at N'));
        $before = $mr->stats();
        foreach ($keys as $k => $v) {
            $this->assertFalse($mr->get($k), $k);
            $this->assertSame(MemRehash::RES_NOTFOUND, $mr->getResultCode());
        }
        $this->assertSame('at N', $mr->get('rp:new'));
        $this->assertSame([], $mr->getMulti(array_keys($keys)), 'getMulti moves nothing either');
        $d = self::delta($before, $mr->stats());
        $this->assertSame(2 * count($keys), $d['old_hits']);
        $this->assertSame(0, $d['migrated']);
        $this->assertSame(1, $d['new_hits']);
        $this->assertInvariants($d, 'report only');
        $this->assertEquals($keys, $peerOld->getMulti(array_keys($keys)), 'everything still at O');
        $this->assertSame([], $peerNew->getMulti(array_keys($keys)), 'nothing at N');
    }

    /** set/replace act at N, then delete at O; add fails, as Memcached's does,
     * for a key that exists at either place (one only at O moves to N). */
    public function testStoresDuringTheMove(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-stores']);
        $peerOld = mr_peer($old);
        $peerNew = mr_peer($new);
        $ops = ['set', 'add', 'replace'];
        foreach ($ops as $op) {
            for ($i = 0; $i < 40; $i++) {
                $this->assertTrue($peerOld->set("$op:o:$i", "old $i"));      // only at O
                $this->assertTrue($peerOld->set("$op:b:$i", "old $i"));      // at O and, fresher, at N
                $this->assertTrue($peerNew->set("$op:b:$i", "fresh $i"));
            }
        }
        for ($i = 0; $i < 40; $i++) {
            // only at O
            $this->assertTrue($mr->set("set:o:$i", "new $i"));
            $this->assertFalse($mr->add("add:o:$i", "new $i"), 'add: O holds it');
            $this->assertSame(MemRehash::RES_NOTSTORED, $mr->getResultCode());
            $this->assertFalse($mr->replace("replace:o:$i", "new $i"), 'replace: N does not hold it');
            $this->assertSame(MemRehash::RES_NOTSTORED, $mr->getResultCode());
            // at both
            $this->assertTrue($mr->set("set:b:$i", "new $i"));
            $this->assertFalse($mr->add("add:b:$i", "new $i"), 'add: N holds it');
            $this->assertSame(MemRehash::RES_NOTSTORED, $mr->getResultCode());
            $this->assertTrue($mr->replace("replace:b:$i", "new $i"));
        }
        $expectAtN = [];
        for ($i = 0; $i < 40; $i++) {
            $expectAtN["set:o:$i"] = "new $i";
            $expectAtN["add:o:$i"] = "old $i"; // moved by the add's look at O
            $expectAtN["set:b:$i"] = "new $i";
            $expectAtN["add:b:$i"] = "fresh $i";
            $expectAtN["replace:b:$i"] = "new $i";
        }
        $allKeys = [];
        foreach ($ops as $op) {
            for ($i = 0; $i < 40; $i++) {
                $allKeys[] = "$op:o:$i";
                $allKeys[] = "$op:b:$i";
            }
        }
        $got = $peerNew->getMulti($allKeys);
        ksort($got);
        ksort($expectAtN);
        $this->assertSame($expectAtN, $got, 'what Memcached over the new list sees');
        $keptAtO = [];
        for ($i = 0; $i < 40; $i++) {
            $keptAtO["add:b:$i"] = "old $i"; // a refused add writes nothing, so it deletes nothing
        }
        $atO = $peerOld->getMulti($allKeys);
        ksort($atO);
        ksort($keptAtO);
        $this->assertSame($keptAtO, $atO, 'every other old copy was deleted');
        foreach ($allKeys as $k) {
            $this->assertSame($expectAtN[$k] ?? false, $mr->get($k), $k);
        }
        // a store whose key does not move leaves it where it is
        $same = new MemRehash($new, $new, ['name' => 'core-mig-stores-same']);
        $this->assertTrue($same->set('stay', 1));
        $this->assertSame(1, $peerNew->get('stay'));
    }

    /** delete removes at O and at N; its return follows Memcached. */
    public function testDeleteDuringTheMove(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-delete']);
        $peerOld = mr_peer($old);
        $peerNew = mr_peer($new);
        $keys = [];
        for ($i = 0; $i < 60; $i++) {
            $this->assertTrue($peerOld->set("d:o:$i", $i));
            $this->assertTrue($peerOld->set("d:b:$i", $i));
            $this->assertTrue($peerNew->set("d:b:$i", -$i));
            $this->assertTrue($peerNew->set("d:n:$i", -$i));
            array_push($keys, "d:o:$i", "d:b:$i", "d:n:$i");
        }
        foreach ($keys as $k) {
            $this->assertTrue($mr->delete($k), "delete $k (it exists somewhere)");
            $this->assertSame(MemRehash::RES_SUCCESS, $mr->getResultCode());
        }
        $this->assertSame([], $peerOld->getMulti($keys));
        $this->assertSame([], $peerNew->getMulti($keys));
        // a key that is nowhere: as Memcached says
        $this->assertFalse($peerNew->delete('d:none'));
        $this->assertFalse($mr->delete('d:none'));
        $this->assertSame($peerNew->getResultCode(), $mr->getResultCode());

        // deleteMulti: keyed and valued like Memcached::deleteMulti
        $multi = [];
        for ($i = 0; $i < 30; $i++) {
            $this->assertTrue($peerOld->set("dm:o:$i", $i));
            $this->assertTrue($peerNew->set("dm:n:$i", $i));
            $this->assertTrue($peerOld->set("dm:b:$i", $i));
            $this->assertTrue($peerNew->set("dm:b:$i", $i));
            array_push($multi, "dm:o:$i", "dm:n:$i", "dm:b:$i", "dm:x:$i");
        }
        $multi[] = '12345';
        $got = $mr->deleteMulti($multi);
        // what Memcached answers for the same keys when they all live at N
        foreach ($multi as $k) {
            if (strpos($k, ':x:') === false && $k !== '12345') {
                $peerNew->set($k, 1);
            }
        }
        $want = $peerNew->deleteMulti($multi);
        ksort($got);
        ksort($want);
        $this->assertSame($want, $got);
        $this->assertSame([], $peerOld->getMulti($multi));
        $this->assertSame([], $peerNew->getMulti($multi));
    }

    /** increment/decrement move the item from O first when N misses, then act at N. */
    public function testArithmeticDuringTheMove(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-arith']);
        $peerOld = mr_peer($old);
        $peerNew = mr_peer($new);
        $control = mr_peer([mr_servers(1, 5)[0]]);   // what Memcached itself does with the same item
        for ($i = 0; $i < 50; $i++) {
            $this->assertTrue($peerOld->set("inc:o:$i", 10 * $i, $i % 2 ? 0 : 3000));
            $this->assertTrue($peerOld->set("dec:o:$i", 10 * $i + 5));
            $this->assertTrue($peerOld->set("inc:b:$i", 1));
            $this->assertTrue($peerNew->set("inc:b:$i", 100 + $i));
        }
        for ($i = 0; $i < 50; $i++) {
            $this->assertTrue($control->set('c', 10 * $i, $i % 2 ? 0 : 3000));
            $want = $control->increment('c', 3);
            $ttlBefore = self::meta($mr->locate("inc:o:$i")['old'], "inc:o:$i")['ttl'];
            $this->assertSame($want, $mr->increment("inc:o:$i", 3), "increment inc:o:$i");
            $this->assertSame($control->get('c'), $peerNew->get("inc:o:$i"), 'the moved counter reads as Memcached\'s own');
            $m = self::meta($mr->locate("inc:o:$i")['new'], "inc:o:$i");
            if ($ttlBefore === -1) {
                $this->assertSame(-1, $m['ttl']);
            } else {
                $this->assertEqualsWithDelta($ttlBefore, $m['ttl'], 2, 'the TTL moved with the counter');
            }

            $this->assertTrue($control->set('d', 10 * $i + 5));
            $want = $control->decrement('d', 7);
            $this->assertSame($want, $mr->decrement("dec:o:$i", 7), "decrement dec:o:$i");
            $this->assertSame($control->get('d'), $peerNew->get("dec:o:$i"));

            $this->assertSame(100 + $i + 1, $mr->increment("inc:b:$i"), 'at N: N counts');
        }
        $keys = [];
        for ($i = 0; $i < 50; $i++) {
            array_push($keys, "inc:o:$i", "dec:o:$i", "inc:b:$i");
        }
        $this->assertSame([], $peerOld->getMulti($keys), 'nothing left at O');
        // a counter that is nowhere: false, as Memcached says
        $this->assertFalse($control->increment('nowhere'));
        $this->assertFalse($mr->increment('inc:none'));
        $this->assertSame($control->getResultCode(), $mr->getResultCode());
        $this->assertFalse($mr->decrement('inc:none'));
        $this->assertSame(MemRehash::RES_NOTFOUND, $mr->getResultCode());
        $this->assertSame([], $peerNew->getMulti(['inc:none']));
    }

    /** touch moves the item from O first when N misses, then sets its TTL at N. */
    public function testTouchDuringTheMove(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-touch']);
        $peerOld = mr_peer($old);
        $peerNew = mr_peer($new);
        for ($i = 0; $i < 40; $i++) {
            $this->assertTrue($peerOld->set("t:o:$i", ['v' => $i], $i % 2 ? 0 : 100));
            $this->assertTrue($peerOld->set("t:b:$i", 'old', 100));
            $this->assertTrue($peerNew->set("t:b:$i", ['fresh' => $i], 100));
        }
        for ($i = 0; $i < 40; $i++) {
            $this->assertTrue($mr->touch("t:o:$i", 5000 + $i), "touch t:o:$i");
            $this->assertTrue($mr->touch("t:b:$i", 7000 + $i), "touch t:b:$i");
        }
        for ($i = 0; $i < 40; $i++) {
            $m = self::meta($mr->locate("t:o:$i")['new'], "t:o:$i");
            $this->assertNotNull($m, "t:o:$i moved to N");
            $this->assertEqualsWithDelta(5000 + $i, $m['ttl'], 2, "t:o:$i has the new TTL at N");
            $this->assertSame(['v' => $i], $peerNew->get("t:o:$i"));
            $m = self::meta($mr->locate("t:b:$i")['new'], "t:b:$i");
            $this->assertEqualsWithDelta(7000 + $i, $m['ttl'], 2);
            $this->assertSame(['fresh' => $i], $peerNew->get("t:b:$i"));
            $this->assertFalse($peerOld->get("t:o:$i"), 'nothing left at O');
            $this->assertFalse($peerOld->get("t:b:$i"), 'nothing left at O');
        }
        $this->assertFalse($mr->touch('t:none', 10));
        $this->assertSame(MemRehash::RES_NOTFOUND, $mr->getResultCode());
    }

    /** getMulti: keyed like Memcached::getMulti, moving what is at O. */
    public function testGetMultiLikeMemcached(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-multi']);
        $peerOld = mr_peer($old);
        $peerNew = mr_peer($new);
        $atO = $atN = $keys = [];
        for ($i = 0; $i < 600; $i++) {
            $k = $i % 4 === 0 ? (string)(1000 + $i) : ($i % 4 === 1 ? "gm:$i" : ($i % 4 === 2 ? "0$i" : "gm-$i"));
            $v = $i % 5 === 0 ? str_repeat("v$i", 1500) : ($i % 2 ? $i : ['i' => $i]);
            if ($i % 3 === 0) {
                $atO[$k] = $v;
            } elseif ($i % 3 === 1) {
                $atN[$k] = $v;
            }
            $keys[] = $k;
        }
        $this->assertTrue($peerOld->setMulti($atO));
        $this->assertTrue($peerNew->setMulti($atN));
        $request = array_merge($keys, array_slice($keys, 0, 50));     // duplicates too
        $request[] = 1000;                                             // an int key
        $before = $mr->stats();
        $got = $mr->getMulti($request);
        $this->assertSame(MemRehash::RES_SUCCESS, $mr->getResultCode());
        $d = self::delta($before, $mr->stats());
        $moving = 0;
        foreach (array_keys($atO) as $k) {
            $moving += $mr->locate((string)$k)['moves'];
        }
        $this->assertSame($moving, $d['migrated'], 'getMulti moved what was only at O');
        // now everything is at N: Memcached::getMulti of the same request is the reference
        $want = $peerNew->getMulti($request);
        $this->assertSame(count($atO) + count($atN), count($want), 'Memcached over the new list reads all of it');
        ksort($got);
        ksort($want);
        $this->assertSame($want, $got, 'keys (int-like ones as ints) and values as Memcached::getMulti');
        $this->assertSame([], $peerOld->getMulti(array_map('strval', array_keys($atO))), 'moved keys left O');
        $this->assertSame([], $mr->getMulti(['gm:nothing', 'gm:nothing2']), 'all misses: an empty array');
        $this->assertSame([], $mr->getMulti([]));
    }

    /** A complete pool never looks at O, for reads or writes. */
    public function testCompletePoolNeverLooksAtOld(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-complete']);
        $peerOld = mr_peer($old);
        $keys = [];
        for ($i = 0; $i < 100; $i++) {
            $keys["cp:$i"] = $i;
        }
        $this->assertTrue($peerOld->setMulti($keys));
        $this->assertSame(0, $mr->get('cp:0'), 'migrating: moved on read');
        $this->assertFalse($mr->isComplete());
        $mr->complete();
        $this->assertTrue($mr->isComplete());
        $s = $mr->stats();
        $this->assertSame('complete', $s['state']);
        $this->assertGreaterThanOrEqual($s['started'], $s['completed']);
        $this->assertLessThanOrEqual(time(), $s['completed']);

        $traffic = array_map([self::class, 'traffic'], $old);
        $before = $mr->stats();
        for ($i = 1; $i < 100; $i++) {
            $this->assertFalse($mr->get("cp:$i"), "complete: cp:$i is a miss");
        }
        $this->assertSame([], $mr->getMulti(array_slice(array_keys($keys), 1)));
        $this->assertTrue($mr->set('cp:1', 'new'));
        $mr->delete('cp:2');
        $mr->increment('cp:3');
        $mr->touch('cp:4', 100);
        $this->assertSame($traffic, array_map([self::class, 'traffic'], $old), 'no command reached an old server');
        $d = self::delta($before, $mr->stats());
        $this->assertSame(0, $d['old_lookups']);
        $this->assertSame(0, $d['old_hits']);
        unset($keys['cp:0']);
        $this->assertEquals($keys, $peerOld->getMulti(array_keys($keys)), 'O untouched');
        // another object of the same pool sees the cut-over
        $other = new MemRehash($old, $new, ['name' => 'core-mig-complete']);
        $this->assertTrue($other->isComplete());
        $this->assertFalse($other->get('cp:5'));
    }

    /** An old server that is down: a miss (not an exception), counted, quick. */
    public function testOldServerDownIsAMiss(): void
    {
        $dead = MR_HOST . ':' . self::unusedPort();
        $old = [mr_servers(1)[0], $dead, mr_servers(1, 1)[0]];
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-olddown', 'connect_timeout' => 300, 'timeout' => 300]);
        $peerNew = mr_peer($new);
        $deadKeys = [];
        for ($i = 0; count($deadKeys) < 50; $i++) {
            if ($mr->locate("od:$i")['old'] === $dead) {
                $deadKeys[] = "od:$i";
            }
        }
        $this->assertTrue($peerNew->set($deadKeys[0], 'at N'));
        $before = $mr->stats();
        $t = microtime(true);
        $this->assertSame('at N', $mr->get($deadKeys[0]), 'a hit at N does not need O');
        foreach (array_slice($deadKeys, 1) as $k) {
            $this->assertFalse($mr->get($k));
            $this->assertSame(MemRehash::RES_NOTFOUND, $mr->getResultCode(), 'a down O is a miss');
        }
        $this->assertSame([], $mr->getMulti(array_slice($deadKeys, 1)));
        $this->assertLessThan(15.0, microtime(true) - $t, '99 lookups of a dead server stay within the timeouts (no hang)');
        $d = self::delta($before, $mr->stats());
        $this->assertSame(98, $d['misses']);
        $this->assertGreaterThan(0, $d['errors'], 'the dead server is counted');
        $this->assertGreaterThan(0, $d['servers'][$dead]['errors']);
        $this->assertInvariants($d, 'old down');
    }

    /** An old server that accepts but never answers: misses, bounded by the timeouts. */
    public function testOldServerHungIsBounded(): void
    {
        $hung = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        $this->assertNotFalse($hung);
        $name = stream_socket_get_name($hung, false);
        $old = [mr_servers(1)[0], $name];
        $new = mr_servers(2, 3);
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-oldhung', 'connect_timeout' => 200, 'timeout' => 200]);
        $keys = [];
        for ($i = 0; count($keys) < 100; $i++) {
            if ($mr->locate("oh:$i")['old'] === $name) {
                $keys[] = "oh:$i";
            }
        }
        $t = microtime(true);
        foreach ($keys as $k) {
            $this->assertFalse($mr->get($k));
            $this->assertSame(MemRehash::RES_NOTFOUND, $mr->getResultCode());
        }
        $elapsed = microtime(true) - $t;
        fclose($hung);
        $this->assertLessThan(10.0, $elapsed, '100 gets with a hung old server: a few timeouts at most, not one per call (that would be 20 s)');
    }

    /** A new server that is down: false with an error result code, O untouched, quick. */
    public function testNewServerDownIsAnError(): void
    {
        $dead = MR_HOST . ':' . self::unusedPort();
        $old = mr_servers(3);
        $new = [mr_servers(1, 3)[0], $dead];
        $mr = new MemRehash($old, $new, ['name' => 'core-mig-newdown', 'connect_timeout' => 300, 'timeout' => 300]);
        $peerOld = mr_peer($old);
        $keys = [];
        for ($i = 0; count($keys) < 50; $i++) {
            if ($mr->locate("nd:$i")['new'] === $dead) {
                $keys["nd:$i"] = "v$i";
            }
        }
        $this->assertTrue($peerOld->setMulti($keys));
        $before = $mr->stats();
        $t = microtime(true);
        $notErrors = [MemRehash::RES_SUCCESS, MemRehash::RES_NOTFOUND, MemRehash::RES_NOTSTORED];
        foreach ($keys as $k => $v) {
            $this->assertFalse($mr->get($k), "get $k with N down");
            $this->assertNotContains($mr->getResultCode(), $notErrors, 'an error code, not a miss');
            $this->assertNotSame('', $mr->getResultMessage());
            $this->assertFalse($mr->set($k, 'new'), "set $k with N down");
            $this->assertNotContains($mr->getResultCode(), $notErrors);
            $this->assertFalse($mr->increment($k));
            $this->assertFalse($mr->touch($k, 10));
        }
        $this->assertLessThan(15.0, microtime(true) - $t, 'bounded by the timeouts (no hang)');
        $d = self::delta($before, $mr->stats());
        $this->assertGreaterThan(0, $d['errors']);
        $this->assertGreaterThan(0, $d['servers'][$dead]['errors']);
        $this->assertSame(0, $d['migrated']);
        $this->assertEquals($keys, $peerOld->getMulti(array_keys($keys)), 'O untouched');
    }

    /**
     * Writers set and delete their own keys while readers hammer the same keys
     * with get; every key starts only at its old location. Afterwards each key
     * holds exactly its writer's last value, or nothing after a delete.
     */
    public function testConcurrentReadersAndWritersLeaveNothingStale(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl extension not loaded');
        }
        $old = mr_servers(3);
        $new = mr_servers(2, 3);
        $dir = sys_get_temp_dir() . '/mr-core-mig-' . getmypid();
        @mkdir($dir);
        $writers = 3;
        $readers = 3;
        $perWriter = 150;
        $raced = 0;
        for ($round = 0; $round < 8; $round++) {
            mr_flush_all();
            array_map('unlink', glob("$dir/*"));
            $peerOld = mr_peer($old);
            $initial = [];
            for ($w = 0; $w < $writers; $w++) {
                for ($i = 0; $i < $perWriter; $i++) {
                    $initial["cc$round:$w:$i"] = "initial $w $i";
                }
            }
            $this->assertTrue($peerOld->setMulti($initial));
            $pids = [];
            for ($c = 0; $c < $writers + $readers; $c++) {
                $pid = pcntl_fork();
                $this->assertNotSame(-1, $pid);
                if ($pid === 0) {
                    self::child($c < $writers ? 'writer' : 'reader', $c, $round, $dir, $old, $new, $writers, $perWriter);
                }
                $pids[] = $pid;
            }
            touch("$dir/go");
            foreach (array_slice($pids, 0, $writers) as $pid) {
                pcntl_waitpid($pid, $st);
                $this->assertTrue(pcntl_wifexited($st) && pcntl_wexitstatus($st) === 0, 'writer ended well');
            }
            touch("$dir/stop");
            foreach (array_slice($pids, $writers) as $pid) {
                pcntl_waitpid($pid, $st);
                $this->assertTrue(pcntl_wifexited($st) && pcntl_wexitstatus($st) === 0, 'reader ended well');
            }
            $expect = [];
            for ($w = 0; $w < $writers; $w++) {
                $last = json_decode((string)file_get_contents("$dir/writer-$w"), true);
                $this->assertIsArray($last, "writer $w wrote its log");
                foreach ($last as $k => $v) {
                    $expect[$k] = $v;
                }
            }
            $this->assertCount(count($initial), $expect);
            $mr = new MemRehash($old, $new, ['name' => 'core-mig-concurrent']);
            $peerNew = mr_peer($new);
            $atNew = $peerNew->getMulti(array_keys($expect));
            $bad = [];
            foreach ($expect as $k => $v) {
                $viaMr = $mr->get($k);
                if ($viaMr !== ($v ?? false)) {
                    $bad[] = "$k: MemRehash " . var_export($viaMr, true) . ', want ' . var_export($v, true);
                }
                if (($atNew[$k] ?? null) !== $v) {
                    $bad[] = "$k: Memcached over the new list " . var_export($atNew[$k] ?? null, true) . ', want ' . var_export($v, true);
                }
            }
            $this->assertSame([], array_slice($bad, 0, 10), "round $round: " . count($bad) . ' stale or lost keys');
            $raced += $mr->stats()['raced'];
        }
        array_map('unlink', glob("$dir/*"));
        @rmdir($dir);
        $this->assertInvariants((new MemRehash($old, $new, ['name' => 'core-mig-concurrent']))->stats(), 'shared by every process');
    }

    /**
     * The races of docs/DESIGN.md ("How a key moves"), made certain: a get reads K at O, and while the
     * reply is held back a writer acts. The move must never outlive the write:
     * a set at N wins (the add is refused), a delete wins (the copy is taken
     * back), a set at O by an old-config client survives (the CAS-checked
     * delete finds O changed). With deferred_delete the get does not wait
     * for the delete at O; the reader's pool reads it when it is freed (the
     * end of its request), and that is when a raced copy is taken back.
     *
     * @dataProvider deleteModes
     */
    public function testMoveRacesAreResolvedSafely(bool $deferred): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl extension not loaded');
        }
        $store = mr_servers(1)[0];           // where the old location really keeps its items
        $newServer = mr_servers(1, 3)[0];
        $holding = HoldingProxy::start($store, 400);
        $proxy = $holding->name;
        $dir = sys_get_temp_dir() . '/mr-core-race-' . getmypid();
        @mkdir($dir);
        $oldApp = mr_peer([$store]);         // an app host still on the old configuration
        $opts = ['name' => 'core-mig-races-' . (int)$deferred, 'timeout' => 3000, 'deferred_delete' => $deferred];
        try {
            foreach (['set at N', 'delete', 'set at O by the old app', 'increment'] as $i => $case) {
                $k = "slow:$i";
                $this->assertTrue($oldApp->set($k, $case === 'increment' ? 5 : 'v0'));
                $pid = pcntl_fork();
                if ($pid === 0) {
                    $ok = false;
                    try {
                        $reader = new MemRehash([$proxy], [$newServer], $opts);
                        $got = $reader->get($k);
                        unset($reader);      // the end of the request: a deferred delete is read now
                        file_put_contents("$dir/read-$i", serialize($got));
                        $ok = true;
                    } catch (Throwable $e) {
                        file_put_contents("$dir/read-$i", serialize((string)$e));
                    }
                    pcntl_exec($ok ? '/bin/true' : '/bin/false');
                }
                usleep(150000);              // the reader now waits for O's held reply
                $writer = new MemRehash([$proxy], [$newServer], $opts);
                switch ($case) {
                    case 'set at N':
                        $this->assertTrue($writer->set($k, 'v1'));
                        break;
                    case 'delete':
                        $this->assertTrue($writer->delete($k));
                        break;
                    case 'set at O by the old app':
                        $this->assertTrue($oldApp->set($k, 'v1'));
                        break;
                    case 'increment':
                        // N misses, so increment moves from O first: it waits behind the held read
                        break;
                }
                pcntl_waitpid($pid, $st);
                $this->assertTrue(pcntl_wifexited($st) && pcntl_wexitstatus($st) === 0, "$case: reader: " . unserialize(file_get_contents("$dir/read-$i")));
                $readerGot = unserialize(file_get_contents("$dir/read-$i"));
                $check = new MemRehash([$proxy], [$newServer], $opts);
                $atN = self::meta($newServer, $k);
                $atO = self::meta($store, $k);
                switch ($case) {
                    case 'set at N':
                        $this->assertSame('v1', $readerGot, "$case: the refused add returns N's fresher value");
                        $this->assertSame('v1', $atN['value'] ?? null, "$case: N keeps the writer's value");
                        $this->assertNull($atO, "$case: O deleted by the set");
                        $this->assertSame('v1', $check->get($k));
                        break;
                    case 'delete':
                        $this->assertNull($atN, "$case: the moved copy did not outlive the delete");
                        $this->assertNull($atO, "$case: O deleted");
                        $this->assertFalse($check->get($k));
                        break;
                    case 'set at O by the old app':
                        $this->assertTrue(($atO['value'] ?? null) === 'v1' || ($atN['value'] ?? null) === 'v1',
                            "$case: the old app's write survives somewhere (O: " . json_encode($atO) . ', N: ' . json_encode($atN) . ')');
                        $this->assertNotSame('v0', $atN['value'] ?? null, "$case: the stale copy was taken back from N");
                        $this->assertSame('v1', $check->get($k), "$case: the next read finds the old app's value");
                        break;
                    case 'increment':
                        $this->assertSame(5, $readerGot);
                        $this->assertSame(6, $check->increment($k), 'increment after the move: N counts');
                        $this->assertSame(6, mr_peer([$newServer])->get($k));
                        $this->assertNull(self::meta($store, $k));
                        break;
                }
            }
            $this->assertInvariants($check->stats(), 'after the races');
            $this->assertGreaterThanOrEqual(2, $check->stats()['raced'], 'the races were seen as races');
        } finally {
            $holding->stop();
            array_map('unlink', glob("$dir/*"));
            @rmdir($dir);
        }
    }

    /** A forked child's work; never returns (exec /bin/true or /bin/false, no PHP shutdown). */
    private static function child(string $role, int $id, int $round, string $dir, array $old, array $new, int $writers, int $perWriter): void
    {
        $ok = false;
        try {
            while (!file_exists("$dir/go")) {
                usleep(200);
            }
            $mr = new MemRehash($old, $new, ['name' => 'core-mig-concurrent']);
            mt_srand($id * 1000 + $round);
            if ($role === 'writer') {
                $last = [];
                for ($i = 0; $i < $perWriter; $i++) {
                    $last["cc$round:$id:$i"] = "initial $id $i";
                }
                // first a pass in key order (the readers go the same way), then random
                for ($n = 0; $n < $perWriter * 4; $n++) {
                    $i = $n < $perWriter ? $n : mt_rand(0, $perWriter - 1);
                    $k = "cc$round:$id:$i";
                    if (mt_rand(0, 3) === 0) {
                        $mr->delete($k);
                        $last[$k] = null;
                    } else {
                        $v = "w$id:$n";
                        if (!$mr->set($k, $v)) {
                            throw new RuntimeException("set $k failed: " . $mr->getResultMessage());
                        }
                        $last[$k] = $v;
                    }
                }
                file_put_contents("$dir/writer-$id", json_encode($last));
            } else {
                $n = 0;
                while (!file_exists("$dir/stop")) {
                    $i = $n < $perWriter ? $n : mt_rand(0, $perWriter - 1);
                    $w = $n < $perWriter ? ($id % $writers) : mt_rand(0, $writers - 1);
                    $mr->get("cc$round:$w:$i");
                    $n++;
                }
            }
            $ok = true;
        } catch (Throwable $e) {
            file_put_contents("$dir/error-$role-$id", (string)$e);
        }
        mr_child_exit($ok ? 0 : 1);
    }
}
