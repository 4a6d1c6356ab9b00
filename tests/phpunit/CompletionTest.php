<?php
/* When a move completes by itself (issue 17 item 2), judged by reading the
 * old server directly with PECL Memcached:
 *
 * - S2: a drain empties the retiring server; the app's reads afterwards
 *   find everything at N and the pool completes on its own within a window;
 * - S3: no drain: cache-aside reads move keys until old lookups stop finding
 *   anything, and the pool completes on its own;
 * - not while the old server still holds a large share of its keys, also
 *   when a new-list server restarts (a real memcached, killed and started
 *   again, empty) and its lost keys miss at O;
 * - the defaults: complete_below 0.01 and a window of 300 s;
 * - the rate ages: old hits of a window ago no longer count. */

use PHPUnit\Framework\TestCase;

final class CompletionTest extends TestCase
{
    private const WINDOW = 2; // seconds: short, so the timelines take a few seconds

    /** @var resource|null the memcached this test starts (a new-list server it restarts) */
    private $own = null;
    private int $ownPort = 0;

    protected function setUp(): void
    {
        mr_flush_all();
    }

    protected function tearDown(): void
    {
        $this->stopOwn();
    }

    private function poolName(string $what): string
    {
        return "done-$what-" . getmypid() . '-' . bin2hex(random_bytes(4));
    }

    /** Starts (or restarts, on the same port) a memcached of this test's own. Returns "host:port". */
    private function startOwn(): string
    {
        if ($this->ownPort === 0) {
            $s = stream_socket_server('tcp://127.0.0.1:0');
            $this->ownPort = (int)explode(':', stream_socket_get_name($s, false))[1];
            fclose($s);
        }
        $bin = trim((string)shell_exec('command -v memcached')) ?: '/usr/bin/memcached';
        $this->own = proc_open([$bin, '-l', '127.0.0.1', '-p', (string)$this->ownPort, '-U', '0', '-m', '16', '-u', 'root'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        $addr = "127.0.0.1:{$this->ownPort}";
        for ($i = 0; $i < 100; $i++) {
            $fp = @stream_socket_client("tcp://$addr", $e, $es, 0.2);
            if ($fp) {
                fclose($fp);
                return $addr;
            }
            usleep(20000);
        }
        $this->fail("memcached on $addr did not start");
    }

    /** Stops this test's memcached by its pid (SIGKILL: a crash, not a clean exit). */
    private function stopOwn(): void
    {
        if ($this->own) {
            $pid = proc_get_status($this->own)['pid'];
            posix_kill($pid, SIGKILL);
            proc_close($this->own);
            $this->own = null;
        }
    }

    /** Writes $n keys "$p$i" at the old list with PECL. Returns their names. */
    private function seed(array $old, string $p, int $n): array
    {
        $vals = [];
        for ($i = 0; $i < $n; $i++) {
            $vals["$p$i"] = "value-$i";
        }
        $this->assertTrue(mr_peer($old)->setMulti($vals));
        return array_keys($vals);
    }

    /** Returns how many of $keys the old list still holds, read with PECL. */
    private function heldAtOld(array $old, array $keys): int
    {
        $got = mr_peer($old)->getMulti($keys);
        return is_array($got) ? count($got) : 0;
    }

    /** Reads $key through $m as a cache-aside app does: a miss is stored at N. */
    private function appRead(MemRehash $m, string $key): void
    {
        if ($m->get($key) === false) {
            $m->set($key, 'regenerated');
        }
    }

    public function testDefaultsCompleteByThemselves(): void
    {
        $m = new MemRehash(mr_servers(1), mr_servers(1, 1), ['name' => $this->poolName('defaults')]);
        $s = $m->stats();
        $this->assertEqualsWithDelta(0.01, $s['complete_below'], 1e-9, 'a move completes by itself by default');
        $this->assertSame(300, $s['window'], 'over a window of 300 seconds');
    }

    public function testS2DrainThenReadsCompleteThePool(): void
    {
        [$old, $new] = [mr_servers(1), mr_servers(2, 1)];
        $keys = $this->seed($old, 's2:', 300);
        $name = $this->poolName('s2');
        $opts = ['name' => $name, 'window' => self::WINDOW, 'complete_below' => 0.01];
        $m = new MemRehash($old, $new, $opts);
        foreach (array_slice($keys, 0, 50) as $k) {
            $this->appRead($m, $k); // the app reads a little first: old hits
        }
        $this->assertSame('migrating', $m->stats()['state']);
        $m->drain();
        $this->assertSame(0, $this->heldAtOld($old, $keys), 'the drain emptied the old server');
        $t0 = microtime(true);
        $state = 'migrating';
        while (microtime(true) - $t0 < 4 * self::WINDOW + 2 && $state !== 'complete') {
            foreach (array_rand(array_flip($keys), 20) as $k) {
                $this->appRead($m, $k);
            }
            $this->appRead($m, 's2:never-' . mt_rand()); // an uncached key: an old lookup that misses
            usleep(100000);
            $state = $m->stats()['state'];
        }
        $took = microtime(true) - $t0;
        $this->assertSame('complete', $state, 'the pool completed on its own after the drain');
        $this->assertGreaterThanOrEqual(self::WINDOW - 1, $took, 'not before a window of evidence');
        $this->assertTrue((new MemRehash($old, $new, ['name' => $name]))->isComplete(), 'for every object of the pool');
    }

    public function testS3OrganicReadsCompleteThePool(): void
    {
        [$old, $new] = [mr_servers(1), mr_servers(2, 1)];
        $keys = $this->seed($old, 's3:', 200);
        $m = new MemRehash($old, $new, ['name' => $this->poolName('s3'), 'window' => self::WINDOW, 'complete_below' => 0.05]);
        mt_srand(3);
        $t0 = microtime(true);
        $state = 'migrating';
        $heldWhenComplete = null;
        while (microtime(true) - $t0 < 30 && $state !== 'complete') {
            for ($i = 0; $i < 25; $i++) {
                $this->appRead($m, $keys[mt_rand(0, count($keys) - 1)]);
            }
            usleep(50000);
            $state = $m->stats()['state'];
            $held = $this->heldAtOld($old, $keys);
            if ($state !== 'complete') {
                continue;
            }
            $heldWhenComplete = $held;
        }
        $this->assertSame('complete', $state, 'organic reads completed the pool on their own');
        $this->assertLessThanOrEqual(count($keys) * 0.05, $heldWhenComplete,
            "when it completed the old server held $heldWhenComplete of " . count($keys) . ' keys');
    }

    public function testNotCompleteWhileTheOldServerHoldsMuchAndANewServerRestarts(): void
    {
        $newAddr = $this->startOwn();
        [$old, $new] = [mr_servers(1), [$newAddr]];
        $keys = $this->seed($old, 'rs:', 1000);
        $opts = ['name' => $this->poolName('restart'), 'window' => self::WINDOW, 'complete_below' => 0.2,
            'persistent' => 'done-restart-' . getmypid(), 'retry_interval' => 1];
        $m = new MemRehash($old, $new, $opts);
        foreach (array_slice($keys, 0, 300) as $k) {
            $this->appRead($m, $k);
        }
        $this->assertSame(700, $this->heldAtOld($old, $keys), 'reading 300 keys moved them');

        /* the new server crashes and comes back empty: the 300 moved keys are gone */
        $this->stopOwn();
        $this->startOwn();
        mt_srand(17);
        $t0 = microtime(true);
        $checks = 0;
        while (microtime(true) - $t0 < 3 * self::WINDOW) {
            for ($i = 0; $i < 15; $i++) {
                $this->appRead($m, $keys[mt_rand(0, count($keys) - 1)]);
            }
            usleep(100000);
            $held = $this->heldAtOld($old, $keys);
            $s = $m->stats();
            if ($held >= 400) {
                $checks++;
                $this->assertSame('migrating', $s['state'], sprintf('complete while the old server holds %d of 1000 keys '
                    . '(old-hit rate %.2f over %d lookups)', $held, $s['old_hit_rate'], $s['window_seen']));
            }
        }
        $this->assertGreaterThan(10, $checks, 'the old server held a large share through most of the run');
    }

    public function testNoCompletionWhileTheNewServerIsDown(): void
    {
        /* every get fails at N (nothing listens there): no get says where
         * keys are, so windows of such gets are no evidence that the old
         * list stopped mattering, however many pass */
        $newAddr = $this->startOwn();
        $this->stopOwn();
        [$old, $new] = [mr_servers(1), [$newAddr]];
        $keys = $this->seed($old, 'nd:', 50);
        $m = new MemRehash($old, $new, ['name' => $this->poolName('newdown'), 'window' => self::WINDOW,
            'complete_below' => 0.2, 'timeout' => 200, 'connect_timeout' => 200, 'retry_interval' => 1]);
        $t0 = microtime(true);
        $gets = 0;
        while (microtime(true) - $t0 < 3 * self::WINDOW + 1) {
            foreach (array_slice($keys, 0, 10) as $k) {
                $this->assertFalse($m->get($k));
                $gets++;
            }
            usleep(100000);
        }
        $s = $m->stats();
        $this->assertSame($gets, $s['gets']);
        $this->assertSame(0, $s['old_lookups'], 'N failed: O was never asked');
        $this->assertSame('migrating', $s['state'], 'complete after windows of gets that all failed at N');
        $this->assertSame(50, $this->heldAtOld($old, $keys), 'the old server still holds every key');
    }

    public function testTheRateAgesWithTime(): void
    {
        [$old, $new] = [mr_servers(1), mr_servers(1, 1)];
        $keys = $this->seed($old, 'age:', 20);
        $m = new MemRehash($old, $new, ['name' => $this->poolName('age'), 'window' => self::WINDOW, 'complete_below' => 0.0]);
        foreach ($keys as $k) {
            $m->get($k);
        }
        $s = $m->stats();
        $this->assertEqualsWithDelta(1.0, $s['old_hit_rate'], 1e-9);
        $this->assertSame(20, $s['window_seen']);
        sleep(self::WINDOW + 1);
        $s = $m->stats();
        $this->assertSame(0, $s['window_seen'], 'a window later, those lookups no longer count');
        $this->assertSame('migrating', $s['state'], 'complete_below 0: never by itself');
    }
}
