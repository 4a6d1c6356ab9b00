<?php
use PHPUnit\Framework\TestCase;

/**
 * drain() (docs/DESIGN.md, "Drain"; issue 5): walking a deactivating old server and
 * moving every key whose location changes, with its bytes, flags and
 * remaining TTL; gently (rate, bytes_rate, fill_limit); restartably; copy mode;
 * and safely while readers and writers work. Expected figures come from
 * Memcached, from the servers (raw meta commands, stats) or from the test's
 * own data.
 */
final class DrainTest extends TestCase
{
    protected function setUp(): void
    {
        mr_flush_all();
    }

    /* ---- helpers ---- */

    /**
     * Returns key => ['value', 'flags', 'ttl'] (or null when absent) from
     * `mg key v f t [u]` on one server, pipelined in small batches.
     */
    private static function metaMany(string $server, array $keys, bool $bump = false): array
    {
        // without $bump, the reads use the meta flag u (no LRU bump), so that
        // looking does not disturb a later lru_crawler walk
        $flags = $bump ? 'v f t' : 'v f t u';
        [$h, $p] = explode(':', $server);
        $fp = stream_socket_client("tcp://$h:$p", $errno, $errstr, 2);
        self::assertNotFalse($fp, "connect $server: $errstr");
        stream_set_timeout($fp, 10);
        $out = [];
        foreach (array_chunk($keys, 40) as $chunk) {
            $cmd = '';
            foreach ($chunk as $k) {
                $cmd .= "mg $k $flags\r\n";
            }
            fwrite($fp, $cmd . "mn\r\n");
            foreach ($chunk as $k) {
                $head = (string)fgets($fp);
                if (preg_match('/^VA (\d+) (.*)\r\n$/', $head, $m)) {
                    $need = (int)$m[1] + 2;
                    $data = '';
                    while (strlen($data) < $need && !feof($fp)) {
                        $data .= fread($fp, $need - strlen($data));
                    }
                    preg_match('/\bf(\d+)/', $m[2], $f);
                    preg_match('/\bt(-?\d+)/', $m[2], $t);
                    $out[$k] = ['value' => substr($data, 0, -2), 'flags' => (int)$f[1], 'ttl' => (int)$t[1]];
                } else {
                    self::assertSame("EN\r\n", $head, "mg $k on $server");
                    $out[$k] = null;
                }
            }
            self::assertSame("MN\r\n", fgets($fp));
        }
        fclose($fp);
        return $out;
    }

    private static function serverStats(string $server): array
    {
        $out = [];
        foreach (explode("\r\n", mr_raw($server, 'stats')) as $line) {
            if (preg_match('/^STAT (\S+) (\S+)$/', $line, $m)) {
                $out[$m[1]] = $m[2];
            }
        }
        self::assertArrayHasKey('evictions', $out, "stats of $server");
        return $out;
    }

    private static function same($a, $b): bool
    {
        return serialize($a) === serialize($b);
    }

    /** A ketama pool: removing server 3 of 3 moves only that server's keys. */
    private static function pool(string $name, array $opts = []): MemRehash
    {
        return new MemRehash(mr_servers(3), mr_servers(2), $opts + ['name' => $name, 'distribution' => MemRehash::DIST_KETAMA]);
    }

    /**
     * Writes $n keys with Memcached (ketama) over the three servers: mixed
     * types, compressed values, user flags, TTLs none / relative / > 30 days.
     * Returns key => value.
     */
    private static function writeMixed(string $tag, int $n, int $bigEvery = 50): array
    {
        $peer = mr_peer(mr_servers(3), true);
        $now = time();
        $groups = [];
        $values = [];
        for ($i = 0; $i < $n; $i++) {
            switch ($i % 6) {
                case 0: $v = "s$i"; break;
                case 1: $v = $i; break;
                case 2: $v = $i + 0.25; break;
                case 3: $v = ['i' => $i, 'odd' => (bool)($i & 1)]; break;
                case 4: $v = $i % $bigEvery === 4 ? str_repeat("big $i ", 700) : "v$i"; break;
                default: $v = $i % 7 ? null : true;
            }
            $ttl = [0, 3600, $now + 45 * 86400, 0, 86400 * 3][$i % 5];
            $uf = $i % 9 === 0 ? 1 + $i % 1000 : 0;
            $groups["$ttl/$uf"]["$tag:$i"] = $v;
            $values["$tag:$i"] = $v;
        }
        foreach ($groups as $g => $items) {
            [$ttl, $uf] = array_map('intval', explode('/', $g));
            $peer->setOption(Memcached::OPT_USER_FLAGS, $uf);
            foreach (array_chunk($items, 1000, true) as $chunk) {
                self::assertTrue($peer->setMulti($chunk, $ttl), 'Memcached::setMulti: ' . $peer->getResultMessage());
            }
        }
        return $values;
    }

    /** Returns the keys of $values whose old location (under $mr) is $server. */
    private static function keysAt(MemRehash $mr, array $values, string $server): array
    {
        $out = [];
        foreach (array_keys($values) as $k) {
            if ($mr->locate((string)$k)['old'] === $server) {
                $out[] = (string)$k;
            }
        }
        return $out;
    }

    /** Asserts every key's value through Memcached (ketama) over the new list. */
    private function assertNewListReadsAll(array $values, string $what): void
    {
        $peer = mr_peer(mr_servers(2), true);
        $bad = [];
        foreach (array_chunk(array_keys($values), 1000) as $chunk) {
            $chunk = array_map('strval', $chunk);
            $got = $peer->getMulti($chunk);
            foreach ($chunk as $k) {
                if (!array_key_exists($k, $got) || !self::same($got[$k], $values[$k])) {
                    $bad[] = $k;
                }
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), "$what: " . count($bad) . ' of ' . count($values) . ' keys unreadable over the new list');
    }

    /* ---- the tests ---- */

    /** Tens of thousands of keys: every key of the drained server moves intact; the source ends empty. */
    public function testDrainMovesEveryKeyIntact(): void
    {
        $values = self::writeMixed('dr', 30000);
        $mr = self::pool('core-drain-intact');
        $source = mr_servers(1, 2)[0];
        $onSource = self::keysAt($mr, $values, $source);
        $this->assertGreaterThan(5000, count($onSource), 'a third of the keys live on the drained server (sanity)');
        foreach (array_keys($values) as $k) {
            $loc = $mr->locate((string)$k);
            $this->assertSame($loc['old'] === $source, $loc['moves'], "ketama: only the drained server's keys move ($k)");
        }
        $tb0 = microtime(true);
        $before = self::metaMany($source, $onSource);
        $t0 = microtime(true);
        $this->assertNotContains(null, $before, 'Memcached put them on the drained server');
        $stats0 = $mr->stats();

        $r = $mr->drain($source);
        $this->assertSame('done', $r['stopped']);
        $this->assertSame(count($onSource), $r['moved'], 'every key of the source moved');
        $this->assertSame(0, $r['errors']);
        $this->assertSame(0, $r['raced']);
        $this->assertSame(count($onSource), $r['scanned'], 'the walk (memcached\'s hash table) lists each key once');
        $this->assertSame(array_sum(array_map(static fn($m) => strlen($m['value']), $before)), $r['bytes'], 'bytes: the value bytes moved');
        $this->assertIsFloat($r['seconds']);
        foreach (['scanned', 'moved', 'raced', 'skipped', 'expired', 'gone', 'errors', 'bytes'] as $f) {
            $this->assertIsInt($r[$f], $f);
        }

        // on the targets: the same bytes, flags, and remaining TTL
        $byTarget = [];
        foreach ($onSource as $k) {
            $byTarget[$mr->locate($k)['new']][] = $k;
        }
        $bad = [];
        foreach ($byTarget as $target => $keys) {
            $this->assertNotSame($source, $target);
            $ta0 = microtime(true);
            $now = self::metaMany($target, $keys);
            $ta1 = microtime(true);
            // each key was read before in [tb0, t0] and now in [ta0, ta1];
            // a server's clock ticks once a second, and a TTL over 30 days
            // travels as an absolute time each server maps to its own clock
            $minGone = $ta0 - $t0 - 2.0;
            $maxGone = $ta1 - $tb0 + 2.0;
            foreach ($keys as $k) {
                $b = $before[$k];
                $a = $now[$k];
                if ($a === null || $a['value'] !== $b['value'] || $a['flags'] !== $b['flags']) {
                    $bad[] = "$k: value or flags differ at $target";
                } elseif ($b['ttl'] === -1 ? $a['ttl'] !== -1 : ($b['ttl'] - $a['ttl'] < $minGone || $b['ttl'] - $a['ttl'] > $maxGone)) {
                    $bad[] = sprintf('%s: ttl %d became %d (%.1f to %.1f s later)', $k, $b['ttl'], $a['ttl'], $ta0 - $t0, $ta1 - $tb0);
                }
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), count($bad) . ' keys changed in the drain');

        // the source is left without them
        $left = array_filter(self::metaMany($source, $onSource));
        $this->assertSame([], array_slice(array_keys($left), 0, 10), count($left) . ' keys left on the source');
        $this->assertNewListReadsAll($values, 'after the drain');

        // counters, as it goes
        $s = $mr->stats();
        $this->assertSame(count($onSource), $s['drained'] - $stats0['drained']);
        $this->assertSame(count($onSource), $s['servers'][$source]['moved_out'] - ($stats0['servers'][$source]['moved_out'] ?? 0));
        $in = 0;
        foreach (mr_servers(2) as $t) {
            $in += $s['servers'][$t]['moved_in'] - ($stats0['servers'][$t]['moved_in'] ?? 0);
        }
        $this->assertSame(count($onSource), $in);
        $this->assertSame($r['bytes'], $s['bytes_moved'] - $stats0['bytes_moved']);

        // a second drain finds nothing more to do
        $r2 = $mr->drain($source);
        $this->assertSame('done', $r2['stopped']);
        $this->assertSame(0, $r2['moved']);
    }

    /**
     * Stopped twice (progress returning false, then throwing) while the app
     * reads the keys, then run again: the drain that says 'done' has left
     * nothing behind, round after round.
     */
    public function testDrainStoppedAndRunAgainLeavesNothing(): void
    {
        $source = mr_servers(1, 2)[0];
        $mr = self::pool('core-drain-again');
        $peer = mr_peer([$source]);
        $report = [];
        $bad = 0;
        for ($round = 0; $round < 5; $round++) {
            mr_flush_all();
            $items = [];
            for ($i = 0; $i < 3000; $i++) {
                $items["ag$round:$i"] = "v$i";
            }
            foreach (array_chunk($items, 1000, true) as $chunk) {
                $this->assertTrue($peer->setMulti($chunk));
            }
            $r1 = $mr->drain($source, ['batch' => 100, 'progress' => static fn(array $p) => $p['moved'] < 1000]);
            $this->assertSame('callback', $r1['stopped']);
            foreach (array_keys($items) as $k) {                   // the app reads meanwhile
                $peer->get($k);
            }
            $thrown = null;
            try {
                $mr->drain($source, ['batch' => 50, 'progress' => static function () {
                    throw new RuntimeException('stop');
                }]);
            } catch (RuntimeException $e) {
                $thrown = $e->getMessage();
            }
            $this->assertSame('stop', $thrown, 'the callable\'s exception reaches the caller');
            foreach (array_keys($items) as $k) {
                $peer->get($k);
            }
            $leftBefore = count(array_filter(self::metaMany($source, array_keys($items))));
            $r = $mr->drain($source);
            $this->assertSame('done', $r['stopped']);
            $left = count(array_filter(self::metaMany($source, array_keys($items))));
            $report[] = sprintf('round %d: %d keys on the source, the last drain moved %d (scanned %d) and left %d', $round, $leftBefore, $r['moved'], $r['scanned'], $left);
            $bad += $left > 0;
        }
        $this->assertNewListReadsAll($items, 'after the last round');
        $this->assertSame(0, $bad, "a drain that says done leaves nothing on the source:\n" . implode("\n", $report));
    }

    /**
     * Keys the app moves by reading them while a drain walks are "gone" (not
     * at the source when the drain fetches them), not "expired": nothing
     * expired here (no TTL), as the servers' own reads say.
     */
    public function testKeysTheAppMovedAreGoneNotExpired(): void
    {
        $source = mr_servers(1, 2)[0];
        $mr = self::pool('core-drain-gone');
        mr_flush_all();
        $items = [];
        for ($i = 0; $i < 600; $i++) {
            $items["gone:$i"] = "v$i";
        }
        $this->assertTrue(mr_peer([$source])->setMulti($items));
        $read = false;
        $r = $mr->drain($source, ['batch' => 20, 'progress' => function (array $p) use (&$read, $mr, $items): bool {
            if (!$read) {
                $read = true;
                foreach (array_keys($items) as $k) {
                    $mr->get($k); /* the app reads everything: what the drain has not reached yet moves now */
                }
            }
            return true;
        }]);
        $this->assertSame('done', $r['stopped']);
        $this->assertSame(0, $r['expired'], json_encode($r));
        $this->assertSame(0, $r['errors']);
        $this->assertGreaterThan(0, $r['gone'], 'keys listed by the walk and moved by reads before the drain reached them');
        $this->assertSame($r['scanned'], $r['moved'] + $r['gone'] + $r['raced'] + $r['skipped'] + $r['expired'], json_encode($r));
        $this->assertSame([], array_filter(self::metaMany($source, array_keys($items))), 'the source holds none of them');
        $this->assertNewListReadsAll($items, 'after the drain and the reads');
    }

    /** drain(null) walks every old server; modula 3 -> 2 moves keys off all of them. */
    public function testDrainEveryOldServer(): void
    {
        $old = mr_servers(3);
        $new = mr_servers(2);
        $peer = mr_peer($old);
        $values = [];
        for ($i = 0; $i < 6000; $i++) {
            $values["all:$i"] = $i % 3 ? "v$i" : ['i' => $i];
        }
        foreach (array_chunk($values, 1000, true) as $chunk) {
            $this->assertTrue($peer->setMulti($chunk, 3600));
        }
        $mr = new MemRehash($old, $new, ['name' => 'core-drain-all']);
        $moving = 0;
        foreach (array_keys($values) as $k) {
            $moving += $mr->locate($k)['moves'];
        }
        $r = $mr->drain(null, ['batch' => 250]);
        $this->assertSame('done', $r['stopped']);
        $this->assertSame($moving, $r['moved']);
        // keys moved to a server walked later are seen twice; the pool's own
        // reserved keys on the new servers are seen and skipped too
        $this->assertGreaterThanOrEqual(count($values), $r['scanned'], 'every item of every old server was looked at');
        $this->assertSame(0, $r['errors']);
        $this->assertSame($r['scanned'] - $r['moved'] - $r['expired'] - $r['gone'] - $r['raced'], $r['skipped'], 'what does not move is skipped');
        $got = [];
        $peerNew = mr_peer($new);
        foreach (array_chunk(array_keys($values), 1000) as $chunk) {
            $got += $peerNew->getMulti($chunk);
        }
        $this->assertEquals($values, array_intersect_key($got, $values));
        $this->assertCount(count($values), array_intersect_key($got, $values));
        $this->assertSame([], mr_peer([$old[2]])->getMulti(array_keys($values)), 'the removed server is empty');
    }

    /**
     * rate (keys/s) paces the drain: it never runs faster than the rate
     * (less one batch of slack). How much slower a loaded machine makes it
     * is not asserted; the upper bound only proves it does not hang.
     */
    public function testRateIsHonoured(): void
    {
        $mr = self::pool('core-drain-rate');
        $source = mr_servers(1, 2)[0];
        $peer = mr_peer([$source]);
        $n = 12000;
        $items = [];
        for ($i = 0; $i < $n; $i++) {
            $items["rt:$i"] = "value $i";
            if (count($items) === 1000) {
                $this->assertTrue($peer->setMulti($items));
                $items = [];
            }
        }
        $rate = 4000;
        $t = microtime(true);
        $r = $mr->drain($source, ['rate' => $rate]);
        $wall = microtime(true) - $t;
        $this->assertSame('done', $r['stopped']);
        $this->assertSame($n, $r['moved']);
        $paced = ($n - 0.1 * $rate) / $rate;    // a batch is about 0.1 s of the rate
        $this->assertGreaterThanOrEqual($paced, $wall, "moved/wall = {$r['moved']}/$wall: faster than the rate");
        $this->assertGreaterThanOrEqual($paced, $r['seconds'], "moved/seconds = {$r['moved']}/{$r['seconds']}: faster than the rate");
        $this->assertLessThanOrEqual($wall, $r['seconds'], 'seconds is within the call');
        $this->assertLessThan(120, $wall, 'the drain does not hang');
    }

    /** bytes_rate paces the drain too, and smoothly: never faster than the rate, no burst at any point. */
    public function testBytesRateIsHonoured(): void
    {
        $mr = self::pool('core-drain-bytes');
        $source = mr_servers(1, 2)[0];
        $peer = mr_peer([$source]);
        $peer->setOption(Memcached::OPT_COMPRESSION, false);
        mt_srand(5);
        $items = [];
        for ($i = 0; $i < 3000; $i++) {
            $items["br:$i"] = str_repeat(chr(65 + $i % 26), 1500 + mt_rand(0, 1000));
        }
        foreach (array_chunk($items, 500, true) as $chunk) {
            $this->assertTrue($peer->setMulti($chunk));
        }
        $total = array_sum(array_map('strlen', $items));
        $bytesRate = (int)($total / 3);          // about three seconds
        $samples = [];
        $t = microtime(true);
        $r = $mr->drain($source, ['bytes_rate' => $bytesRate, 'batch' => 50, 'progress' => static function (array $p) use (&$samples, $t) {
            $samples[] = [microtime(true) - $t, $p['bytes']];
        }]);
        $wall = microtime(true) - $t;
        $this->assertSame('done', $r['stopped']);
        $this->assertSame(count($items), $r['moved']);
        $this->assertSame($total, $r['bytes']);
        $this->assertLessThanOrEqual(1.1 * $bytesRate, $r['bytes'] / $wall, "bytes/wall = {$r['bytes']}/$wall: faster than the rate");
        $this->assertLessThan(120, $wall, 'the drain does not hang');
        // smooth: in the middle of the drain, no second moved more than 1.5x the rate
        $this->assertGreaterThan(10, count($samples));
        foreach ($samples as [$at, $bytes]) {
            if ($at > 1.0) {
                $this->assertLessThan(1.5 * $bytesRate * $at, $bytes, "at {$at}s: $bytes bytes, a burst");
            }
        }
    }

    /**
     * A target with little memory (the sixth server, -m 8): with fill_limit the
     * drain stops at 'fill_limit' and the target evicts nothing; without it,
     * the same drain makes the target evict.
     */
    public function testFillLimitPreventsEvictions(): void
    {
        $this->assertNotNull(MR_SMALL, 'the sixth test server (little memory) is configured');
        $source = mr_servers(1)[0];
        $small = MR_SMALL;
        $limit = (int)self::serverStats($small)['limit_maxbytes'];
        $this->assertLessThanOrEqual(16 << 20, $limit, 'the small server has little memory (sanity)');
        $peer = mr_peer([$source]);
        $peer->setOption(Memcached::OPT_COMPRESSION, false);
        $values = [];
        $n = (int)(2 * $limit / 1000);           // twice what the target can hold
        for ($i = 0; $i < $n; $i++) {
            $values["fl:$i"] = str_repeat('f', 900) . $i;
        }
        foreach (array_chunk($values, 1000, true) as $chunk) {
            $this->assertTrue($peer->setMulti($chunk));
        }
        $mr = new MemRehash([$source], [$small], ['name' => 'core-drain-fill']);
        $ev0 = (int)self::serverStats($small)['evictions'];
        $r = $mr->drain($source, ['fill_limit' => 0.8, 'batch' => 100]);
        $st = self::serverStats($small);
        $this->assertSame('fill_limit', $r['stopped']);
        $this->assertSame(0, (int)$st['evictions'] - $ev0, 'no evictions with fill_limit');
        $this->assertLessThanOrEqual(0.8, $st['bytes'] / $limit, 'the target stays under the limit');
        $this->assertLessThan($n, $r['moved']);
        // nothing lost: every key is at its old or its new location
        $atSource = self::metaMany($source, array_keys($values));
        $atTarget = self::metaMany($small, array_keys($values));
        $lost = [];
        foreach ($values as $k => $v) {
            $a = $atSource[$k]['value'] ?? $atTarget[$k]['value'] ?? null;
            if ($a !== $v) {
                $lost[] = $k;
            }
        }
        $this->assertSame([], array_slice($lost, 0, 10), count($lost) . ' keys lost');
        $this->assertSame($r['moved'], count(array_filter($atTarget)));

        // the same drain without the limit: the target evicts
        $r2 = $mr->drain($source, ['batch' => 100]);
        $this->assertSame('done', $r2['stopped']);
        $this->assertGreaterThan(0.9 * ($n - $r['moved']), $r2['moved'], 'the rest moved: ' . json_encode($r2));
        $this->assertGreaterThan(0, (int)self::serverStats($small)['evictions'] - $ev0, 'without fill_limit the target evicts');
    }

        /** Interrupted halfway by the progress callable and run again: every key moved once, nothing lost. */
    public function testInterruptedDrainResumes(): void
    {
        $values = self::writeMixed('ir', 9000);
        $mr = self::pool('core-drain-resume');
        $source = mr_servers(1, 2)[0];
        $onSource = self::keysAt($mr, $values, $source);
        $calls = 0;
        $seen = [];
        $r1 = $mr->drain($source, ['batch' => 100, 'progress' => static function (array $p) use (&$calls, &$seen) {
            $calls++;
            $seen[] = $p;
            return $p['moved'] < 1000;       // false: stop
        }]);
        $this->assertSame('callback', $r1['stopped']);
        $this->assertGreaterThanOrEqual(1000, $r1['moved']);
        $this->assertLessThan(count($onSource), $r1['moved'], 'stopped before the end');
        $this->assertSame(count($seen), $calls);
        $last = end($seen);
        foreach (['scanned', 'moved', 'raced', 'skipped', 'expired', 'errors', 'bytes', 'seconds'] as $f) {
            $this->assertArrayHasKey($f, $last, "progress gets $f");
        }
        $this->assertSame($r1['moved'], $last['moved']);
        for ($i = 1; $i < count($seen); $i++) {
            $this->assertGreaterThanOrEqual($seen[$i - 1]['moved'], $seen[$i]['moved'], 'progress grows');
        }

        // halfway: every key is at its old or its new location, none at both
        $atSource = self::metaMany($source, $onSource);
        $byTarget = [];
        foreach ($onSource as $k) {
            $byTarget[$mr->locate($k)['new']][] = $k;
        }
        $atTarget = [];
        foreach ($byTarget as $t => $keys) {
            $atTarget += self::metaMany($t, $keys);
        }
        $where = ['source' => 0, 'target' => 0, 'both' => 0, 'none' => 0];
        foreach ($onSource as $k) {
            $where[$atSource[$k] && $atTarget[$k] ? 'both' : ($atSource[$k] ? 'source' : ($atTarget[$k] ? 'target' : 'none'))]++;
        }
        $this->assertSame(['source' => count($onSource) - $r1['moved'], 'target' => $r1['moved'], 'both' => 0, 'none' => 0], $where);

        // a progress callable that throws stops the drain too, and the exception reaches the caller
        try {
            $mr->drain($source, ['batch' => 50, 'progress' => static function () {
                throw new RuntimeException('stop here');
            }]);
            $this->fail('the exception of the callable is thrown');
        } catch (RuntimeException $e) {
            $this->assertSame('stop here', $e->getMessage());
        }
        $afterThrow = count(array_filter(self::metaMany($source, $onSource)));

        $r2 = $mr->drain($source, ['batch' => 100]);
        $this->assertSame('done', $r2['stopped']);
        $this->assertSame($afterThrow, $r2['moved'], 'the second run moves exactly what was left');
        $this->assertSame(count($onSource), $mr->stats()['drained'], 'every key moved once');
        $this->assertSame([], array_keys(array_filter(self::metaMany($source, $onSource))));
        $this->assertNewListReadsAll($values, 'after resuming');
    }

    /** copy twice: the source is untouched, the second run moves nothing new. */
    public function testCopyTwice(): void
    {
        $values = self::writeMixed('cp', 6000);
        $mr = self::pool('core-drain-copy');
        $source = mr_servers(1, 2)[0];
        $onSource = self::keysAt($mr, $values, $source);
        $before = self::metaMany($source, $onSource);

        $r1 = $mr->drain($source, ['copy' => true]);
        $this->assertSame('done', $r1['stopped']);
        $this->assertSame(count($onSource), $r1['moved']);
        $this->assertNewListReadsAll($values, 'after a copy');
        $after = self::metaMany($source, $onSource);
        $bad = [];
        foreach ($onSource as $k) {
            if ($after[$k] === null || $after[$k]['value'] !== $before[$k]['value'] || $after[$k]['flags'] !== $before[$k]['flags']
                || ($before[$k]['ttl'] === -1) !== ($after[$k]['ttl'] === -1)) {
                $bad[] = $k;
            }
        }
        $this->assertSame([], array_slice($bad, 0, 10), count($bad) . ' source items changed');
        $this->assertCount(count($onSource), array_filter($after), 'every source item is still there');

        $r2 = $mr->drain($source, ['copy' => true]);
        $this->assertSame('done', $r2['stopped']);
        $this->assertSame(0, $r2['moved'], 'the second copy moves nothing new');
        $this->assertSame(count($onSource), $r2['scanned']);
        $again = self::metaMany($source, $onSource);
        $strip = static fn(array $l) => array_map(static fn($m) => $m === null ? null : [$m['value'], $m['flags']], $l);
        $this->assertSame($strip($before), $strip($again), 'source values and flags unchanged after two copies');

        // a refresh copies what is new at the source, and keeps what the target holds
        $peerSource = mr_peer([$source]);
        $fresh = [];
        for ($i = 0; count($fresh) < 100; $i++) {
            if ($mr->locate("cp-new:$i")['old'] === $source) {
                $fresh["cp-new:$i"] = "fresh $i";
            }
        }
        $this->assertTrue($peerSource->setMulti($fresh));
        $this->assertTrue($peerSource->set($onSource[0], 'changed at the source'));
        $r3 = $mr->drain($source, ['copy' => true]);
        $this->assertSame(count($fresh), $r3['moved']);
        $this->assertNewListReadsAll($values + $fresh, 'after the refresh');
        $this->assertSame('changed at the source', $peerSource->get($onSource[0]));
    }

    /**
     * A drain while forked readers and writers work on the same keys leaves
     * nothing stale: each key ends with its writer's last value, or absent.
     */
    public function testDrainWithConcurrentReadersAndWriters(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl extension not loaded');
        }
        $dir = sys_get_temp_dir() . '/mr-core-drain-' . getmypid();
        @mkdir($dir);
        $source = mr_servers(1, 2)[0];
        $writers = 3;
        $readers = 2;
        $perWriter = 1500;
        for ($round = 0; $round < 3; $round++) {
            mr_flush_all();
            array_map('unlink', glob("$dir/*"));
            $probe = self::pool('core-drain-concurrent');
            $initial = [];
            for ($w = 0; $w < $writers; $w++) {
                for ($i = 0, $n = 0; $n < $perWriter; $i++) {
                    $k = "dc$round:$w:$i";
                    if ($probe->locate($k)['old'] === $source) {
                        $initial[$k] = "initial $k";
                        $n++;
                    }
                }
            }
            $this->assertTrue(mr_peer([$source])->setMulti($initial));
            $keysOf = [];
            foreach (array_keys($initial) as $k) {
                $keysOf[(int)explode(':', $k)[1]][] = $k;
            }
            $pids = [];
            for ($c = 0; $c < $writers + $readers; $c++) {
                $pid = pcntl_fork();
                $this->assertNotSame(-1, $pid);
                if ($pid === 0) {
                    self::child($c < $writers ? 'writer' : 'reader', $c, $dir, $c < $writers ? $keysOf[$c] : array_keys($initial));
                }
                $pids[] = $pid;
            }
            touch("$dir/go");
            $r = $probe->drain($source, ['batch' => 20, 'rate' => 5000]);
            $this->assertSame('done', $r['stopped']);
            foreach (array_slice($pids, 0, $writers) as $pid) {
                pcntl_waitpid($pid, $st);
                $this->assertTrue(pcntl_wifexited($st) && pcntl_wexitstatus($st) === 0, 'writer ended well: ' . implode(' ', array_map('file_get_contents', glob("$dir/error-*"))));
            }
            touch("$dir/stop");
            foreach (array_slice($pids, $writers) as $pid) {
                pcntl_waitpid($pid, $st);
                $this->assertTrue(pcntl_wifexited($st) && pcntl_wexitstatus($st) === 0, 'reader ended well');
            }
            $expect = [];
            for ($w = 0; $w < $writers; $w++) {
                $last = json_decode((string)file_get_contents("$dir/writer-$w"), true);
                $this->assertIsArray($last);
                $expect += $last;
            }
            $this->assertCount(count($initial), $expect);
            // finish what the drain may have left (keys a writer had not touched yet are moved by now anyway)
            $mr = self::pool('core-drain-concurrent');
            $peerNew = mr_peer(mr_servers(2), true);
            $atNew = $peerNew->getMulti(array_keys($expect));
            $atSource = self::metaMany($source, array_keys($expect));
            $bad = [];
            foreach ($expect as $k => $v) {
                if ($atSource[$k] !== null) {
                    $bad[] = "$k still at the source";
                }
                if (($atNew[$k] ?? null) !== $v) {
                    $bad[] = "$k: Memcached over the new list " . var_export($atNew[$k] ?? null, true) . ', want ' . var_export($v, true);
                }
                $viaMr = $mr->get($k);
                if ($viaMr !== ($v ?? false)) {
                    $bad[] = "$k: MemRehash " . var_export($viaMr, true) . ', want ' . var_export($v, true);
                }
            }
            $this->assertSame([], array_slice($bad, 0, 10), "round $round: " . count($bad) . ' stale, lost or left keys; drain ' . json_encode($r));
        }
        array_map('unlink', glob("$dir/*"));
        @rmdir($dir);
    }

    /**
     * The drain's races, made certain: the drain has read K at the source and,
     * while that reply is held back, a writer acts. The drained copy must
     * never outlive the write.
     */
    public function testDrainRacesAreResolvedSafely(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl extension not loaded');
        }
        $store = mr_servers(1)[0];
        $target = mr_servers(1, 3)[0];
        $holding = HoldingProxy::start($store, 400);
        $proxy = $holding->name;
        $oldApp = mr_peer([$store]);
        $opts = ['name' => 'core-drain-races', 'timeout' => 3000];
        try {
            foreach (['set at N', 'delete', 'set at O by the old app'] as $i => $case) {
                mr_flush_all();
                $k = "slow:$i";
                $this->assertTrue($oldApp->set($k, 'v0'));
                $this->assertTrue($oldApp->set("calm:$i", 'c0'));
                $pid = pcntl_fork();
                if ($pid === 0) {
                    $ok = false;
                    try {
                        usleep(150000);      // the drain now waits for the held reply
                        if ($case === 'set at O by the old app') {
                            $ok = mr_peer([$store])->set($k, 'v1');
                        } else {
                            $w = new MemRehash([$proxy], [$target], $opts);
                            $ok = $case === 'delete' ? $w->delete($k) : $w->set($k, 'v1');
                        }
                    } catch (Throwable $e) {
                    }
                    pcntl_exec($ok ? '/bin/true' : '/bin/false');
                }
                $mr = new MemRehash([$proxy], [$target], $opts);
                $r = $mr->drain($proxy, ['batch' => 10]);
                pcntl_waitpid($pid, $st);
                $this->assertTrue(pcntl_wifexited($st) && pcntl_wexitstatus($st) === 0, "$case: the writer succeeded");
                $this->assertSame('done', $r['stopped']);
                /* after the race the drain walks again: a value the old app
                 * wrote at O meanwhile is still to move, and moves then */
                $moved = $case === 'set at O by the old app' ? 2 : 1;
                $this->assertSame($moved, $r['moved'], "$case: the calm key moved: " . json_encode($r));
                $this->assertSame(1, $r['raced'], "$case: the race was seen: " . json_encode($r));
                $atN = self::metaMany($target, [$k])[$k];
                $atO = self::metaMany($store, [$k])[$k];
                switch ($case) {
                    case 'set at N':
                        $this->assertSame('v1', $atN['value'] ?? null, "$case: N keeps the writer's value");
                        $this->assertNull($atO);
                        break;
                    case 'delete':
                        $this->assertNull($atN, "$case: the drained copy did not outlive the delete");
                        $this->assertNull($atO);
                        break;
                    default:
                        /* the stale v0 copy was taken back, then the next walk
                         * moved the old app's v1: never v0 at N */
                        $this->assertSame('v1', $atN['value'] ?? null, "$case: N holds the old app's write, not the stale copy");
                        $this->assertNull($atO, "$case: moved by the second walk");
                        $this->assertSame('v1', $mr->get($k));
                }
                $this->assertSame('c0', mr_peer([$target])->get("calm:$i"));
            }
        } finally {
            $holding->stop();
        }
    }

    /** A forked child's work; never returns (exec, so no PHP shutdown runs in the child). */
    private static function child(string $role, int $id, string $dir, array $keys): void
    {
        $ok = false;
        try {
            while (!file_exists("$dir/go")) {
                usleep(200);
            }
            $mr = self::pool('core-drain-concurrent');
            mt_srand($id + 77);
            $n = count($keys);
            if ($role === 'writer') {
                $last = [];
                foreach ($keys as $k) {
                    $last[$k] = "initial $k";
                }
                for ($j = 0; $j < $n; $j++) {
                    $k = $keys[mt_rand(0, $n - 1)];
                    if (mt_rand(0, 3) === 0) {
                        $mr->delete($k);
                        $last[$k] = null;
                    } else {
                        $v = "w$id:$j";
                        if (!$mr->set($k, $v)) {
                            throw new RuntimeException("set $k: " . $mr->getResultMessage());
                        }
                        $last[$k] = $v;
                    }
                    if ($j % 5 === 0) {
                        usleep(1000);   // spread the writes over the drain
                    }
                }
                file_put_contents("$dir/writer-$id", json_encode($last));
            } else {
                while (!file_exists("$dir/stop")) {
                    $mr->get($keys[mt_rand(0, $n - 1)]);
                }
            }
            $ok = true;
        } catch (Throwable $e) {
            file_put_contents("$dir/error-$role-$id", (string)$e);
        }
        mr_child_exit($ok ? 0 : 1);
    }
}
