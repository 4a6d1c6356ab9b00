<?php
/* Counters that every process shares, and a cut-over that reaches them all.
 *
 * - forked children's gets add up exactly in the parent's stats(), with the
 *   invariants gets = new_hits + old_hits + misses and
 *   old_hits = migrated + raced + move_failed;
 * - complete() in one process is isComplete() in the others at once (shared
 *   memory), and another "host" (its own counters file and host id) sees it
 *   within about two seconds through the marker key;
 * - complete_below completes a pool by itself once, over a window of time,
 *   old lookups stop finding;
 * - fleetStats() shows two hosts and their exact total. */

use PHPUnit\Framework\TestCase;

final class FleetCountersTest extends TestCase
{
    private const CHILDREN = 4;
    private const GETS_PER_CHILD = 150;
    private const SEEDED = 120;

    private static string $tmp;
    private static string $ext;

    public static function setUpBeforeClass(): void
    {
        self::$tmp = sys_get_temp_dir() . '/mr-fleet-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir(self::$tmp);
        /* child PHPs load a copy: the bytes under test even if modules/ is rebuilt meanwhile */
        $src = getenv('MR_EXT') ?: __DIR__ . '/../../modules/memrehash.so';
        self::$ext = self::$tmp . '/memrehash.so';
        copy($src, self::$ext);
    }

    public static function tearDownAfterClass(): void
    {
        foreach (glob(self::$tmp . '/*') as $f) {
            unlink($f);
        }
        rmdir(self::$tmp);
    }

    protected function setUp(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->fail('pcntl is required');
        }
        mr_flush_all();
    }

    /** Returns a pool name no other test (or earlier run) used. */
    private function poolName(string $what): string
    {
        return "fleet-$what-" . getmypid() . '-' . bin2hex(random_bytes(4));
    }

    /**
     * Returns the commands the servers themselves counted (memcached's own
     * `stats`: gets, sets, deletes, touches): the independent view of
     * whether a pool asked them anything.
     */
    private static function commandsSeen(array $servers): array
    {
        $out = [];
        foreach ($servers as $s) {
            $fp = stream_socket_client("tcp://$s", $errno, $errstr, 2);
            self::assertNotFalse($fp, "stats of $s: $errstr");
            fwrite($fp, "stats\r\n");
            $n = 0;
            while (($line = fgets($fp)) !== false && rtrim($line) !== 'END') {
                if (preg_match('/^STAT (cmd_get|cmd_set|cmd_touch|delete_hits|delete_misses|incr_hits|incr_misses) (\d+)/', $line, $m)) {
                    $n += (int)$m[2];
                }
            }
            fclose($fp);
            $out[$s] = $n;
        }
        return $out;
    }

    /** Returns [old, new] server lists: no server in both, so every new miss asks old. */
    private function lists(): array
    {
        return [mr_servers(2), mr_servers(2, 2)];
    }

    /** Runs $fn in a forked child that exits with $fn's return code (1 on a
     * throw) through mr_child_exit, so no PHPUnit shutdown code runs twice. Returns its pid. */
    private function fork(callable $fn): int
    {
        $pid = pcntl_fork();
        if ($pid === 0) {
            try {
                $code = (int)$fn();
            } catch (Throwable $e) {
                fwrite(STDERR, 'child: ' . $e->getMessage() . "\n");
                $code = 1;
            }
            mr_child_exit($code);
        }
        $this->assertGreaterThan(0, $pid, 'fork failed');
        return $pid;
    }

    /** Waits for a child; returns its exit code (-1 when it did not exit normally). */
    private function reap(int $pid): int
    {
        pcntl_waitpid($pid, $status);
        return pcntl_wifexited($status) ? pcntl_wexitstatus($status) : -1;
    }

    /** Starts a PHP script as another "host": its own counters file and host id.
     * Returns [process, stdout pipe]. */
    private function host(string $id, string $code, array $args): array
    {
        $script = self::$tmp . "/host-$id.php";
        file_put_contents($script, $code);
        $cmd = [PHP_BINARY, '-d', 'extension=' . self::$ext,
            '-d', 'memrehash.counters_file=' . self::$tmp . "/counters-$id.bin",
            '-d', "memrehash.host_id=$id", '-d', 'display_errors=stderr', $script];
        foreach ($args as $a) {
            $cmd[] = is_string($a) ? $a : json_encode($a);
        }
        $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', self::$tmp . "/host-$id.err", 'a']], $pipes);
        $this->assertIsResource($p, "cannot start host $id");
        return [$p, $pipes[1]];
    }

    /** Returns a host's whole output after it exited, asserting exit code 0. */
    private function finishHost(array $h, string $id): string
    {
        $out = stream_get_contents($h[1]);
        fclose($h[1]);
        $rc = proc_close($h[0]);
        $this->assertSame(0, $rc, "host $id failed: " . @file_get_contents(self::$tmp . "/host-$id.err") . $out);
        return $out;
    }

    private function assertInvariants(array $s): void
    {
        $this->assertSame($s['gets'], $s['new_hits'] + $s['old_hits'] + $s['misses'], 'gets = new_hits + old_hits + misses');
        $this->assertSame($s['old_hits'], $s['migrated'] + $s['raced'] + $s['move_failed'], 'old_hits = migrated + raced + move_failed');
    }

    public function testForkedChildrenAddUpExactly(): void
    {
        [$old, $new] = $this->lists();
        $name = $this->poolName('fork');
        $seed = [];
        for ($i = 0; $i < self::SEEDED; $i++) {
            $seed["f$i"] = "value-$i";
        }
        $this->assertTrue(mr_peer($old)->setMulti($seed));
        $parent = new MemRehash($old, $new, ['name' => $name]);
        $this->assertSame(0, $parent->stats()['gets']);

        /* each child moves its own slice of the seeded keys, reads them again
         * from new, and misses some: every counter's sum is known exactly */
        $slice = intdiv(self::SEEDED, self::CHILDREN);
        $pids = [];
        for ($c = 0; $c < self::CHILDREN; $c++) {
            $pids[] = $this->fork(function () use ($old, $new, $name, $c, $slice) {
                $m = new MemRehash($old, $new, ['name' => $name, 'timeout' => 2000]);
                for ($i = 0; $i < self::GETS_PER_CHILD; $i++) {
                    $k = $i < 2 * $slice ? 'f' . ($c * $slice + $i % $slice) : "absent-$c-$i";
                    $v = $m->get($k);
                    if ($i < 2 * $slice && $v !== 'value-' . ($c * $slice + $i % $slice)) {
                        return 3;
                    }
                }
                return 0;
            });
        }
        foreach ($pids as $pid) {
            $this->assertSame(0, $this->reap($pid), 'a child read a wrong value or failed');
        }

        $s = $parent->stats();
        $absent = self::CHILDREN * (self::GETS_PER_CHILD - 2 * $slice);
        $this->assertSame(self::CHILDREN * self::GETS_PER_CHILD, $s['gets'], 'the children\'s gets add up exactly');
        $this->assertSame(self::SEEDED, $s['old_hits']);
        $this->assertSame(self::SEEDED, $s['migrated']);
        $this->assertSame(self::SEEDED, $s['new_hits']);
        $this->assertSame($absent, $s['misses']);
        $this->assertSame(self::SEEDED + $absent, $s['old_lookups']);
        $this->assertSame(0, $s['raced'] + $s['move_failed'] + $s['errors']);
        $this->assertInvariants($s);
        $moved = 0;
        foreach ($s['servers'] as $row) {
            $moved += $row['moved_in'];
        }
        $this->assertSame(self::SEEDED, $moved, 'per-server moved_in adds up too');
        $this->assertSame($s, MemRehash::allStats()[$name], 'allStats() shows the same pool');
    }

    public function testCompleteInOneProcessReachesTheOthersAtOnce(): void
    {
        [$old, $new] = $this->lists();
        $name = $this->poolName('complete');
        $this->assertTrue(mr_peer($old)->set('only-old', 'here'));
        $parent = new MemRehash($old, $new, ['name' => $name]);
        $this->assertFalse($parent->isComplete());

        $pairs = $pids = [];
        for ($c = 0; $c < 3; $c++) {
            $pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
            $pids[] = $this->fork(function () use ($pair, $old, $new, $name) {
                fclose($pair[0]);
                $m = new MemRehash($old, $new, ['name' => $name]);
                if ($m->isComplete()) {
                    return 4;
                }
                fwrite($pair[1], "ready\n");
                if (fgets($pair[1]) !== "go\n") {
                    return 5;
                }
                /* no sleep, no marker check needed: the state is in shared memory */
                if (!$m->isComplete()) {
                    return 6;
                }
                $before = $m->stats()['old_lookups'];
                if ($m->get('only-old') !== false || $m->stats()['old_lookups'] !== $before) {
                    return 7; /* a complete pool never looks at the old servers */
                }
                return 0;
            });
            fclose($pair[1]);
            $pairs[] = $pair[0];
        }
        foreach ($pairs as $p) {
            $this->assertSame("ready\n", fgets($p));
        }
        $parent->complete();
        $this->assertSame(MemRehash::RES_SUCCESS, $parent->getResultCode(), 'the marker key was written');
        $seen = self::commandsSeen($old);
        foreach ($pairs as $p) {
            fwrite($p, "go\n");
        }
        foreach ($pids as $i => $pid) {
            $this->assertSame(0, $this->reap($pid), "child $i did not see the completion at once");
            fclose($pairs[$i]);
        }
        $this->assertSame($seen, self::commandsSeen($old), 'the old servers themselves saw no command from the complete pool');
        $s = $parent->stats();
        $this->assertSame('complete', $s['state']);
        $this->assertGreaterThan(0, $s['completed']);
    }

    /** Another host (its own counters file) completes by reading the marker, at its next housekeeping (each second). */
    public function testAnotherHostSeesTheCompletionByTheMarker(): void
    {
        [$old, $new] = $this->lists();
        $name = $this->poolName('marker');
        $here = new MemRehash($old, $new, ['name' => $name]);
        $this->assertFalse($here->isComplete());

        /* host B polls isComplete() and reports when it saw the change */
        $code = <<<'PHP'
        <?php
        [, $old, $new, $name] = $argv;
        $m = new MemRehash(json_decode($old), json_decode($new), ['name' => $name]);
        if ($m->isComplete()) { echo "early\n"; exit(1); }
        echo "ready\n";
        $deadline = microtime(true) + 30;
        while (microtime(true) < $deadline) {
            if ($m->isComplete()) {
                printf("seen %.6f %s\n", microtime(true), $m->stats()['state']);
                exit(0);
            }
            usleep(20000);
        }
        echo "never\n";
        PHP;
        $b = $this->host('host-b-' . getmypid(), $code, [$old, $new, $name]);
        $this->assertSame("ready\n", fgets($b[1]));
        usleep(300000); /* B has looked for the marker once already and found none */
        $t0 = microtime(true);
        $here->complete();
        $this->assertSame(MemRehash::RES_SUCCESS, $here->getResultCode());
        $out = $this->finishHost($b, 'host-b-' . getmypid());
        $this->assertMatchesRegularExpression('/^seen ([\d.]+) complete$/', trim($out));
        preg_match('/^seen ([\d.]+)/', $out, $m);
        $lag = (float)$m[1] - $t0;
        $this->assertLessThan(15.0, $lag, sprintf('host B saw the completion %.2f s later (housekeeping runs each second; generous: no hang)', $lag));
        $this->assertSame('complete', MemRehash::allStats()[$name]['state'], 'this host is complete too');
    }

    public function testCompleteBelowCompletesByItself(): void
    {
        [$old, $new] = $this->lists();
        $name = $this->poolName('auto');
        $seed = [];
        for ($i = 0; $i < 30; $i++) {
            $seed["a$i"] = $i;
        }
        $this->assertTrue(mr_peer($old)->setMulti($seed));
        $m = new MemRehash($old, $new, ['name' => $name, 'complete_below' => 0.5, 'window' => 2]);

        for ($i = 0; $i < 30; $i++) {
            $this->assertSame($i, $m->get("a$i"));
        }
        $s = $m->stats();
        $this->assertSame('migrating', $s['state'], 'every old lookup found its key: far from cut-over');
        $this->assertEqualsWithDelta(1.0, $s['old_hit_rate'], 1e-9);

        /* old lookups stop finding anything: within the window the hits still count */
        for ($i = 0; $i < 5; $i++) {
            $m->get("gone$i");
        }
        $this->assertSame('migrating', $m->stats()['state'], '30 of the 35 old lookups of the window hit');
        /* a window later the hits have aged out: only misses are left */
        sleep(3);
        for ($i = 5; $i < 25; $i++) {
            $m->get("gone$i");
        }
        $s = $m->stats();
        $this->assertSame('complete', $s['state'], 'the pool completed by itself');
        $this->assertLessThan(0.5, $s['old_hit_rate']);
        $this->assertGreaterThan(0, $s['completed']);
        $this->assertTrue($m->isComplete());

        /* completion is final and stops old lookups, here and in another process */
        $lookups = $s['old_lookups'];
        $this->assertTrue(mr_peer($old)->set('late-old', 'x'));
        $seen = self::commandsSeen($old);
        $this->assertFalse($m->get('late-old'));
        $this->assertSame($lookups, $m->stats()['old_lookups']);
        $this->assertSame($seen, self::commandsSeen($old), 'the old servers saw no command (their own stats)');
        $pid = $this->fork(function () use ($old, $new, $name) {
            $o = new MemRehash($old, $new, ['name' => $name, 'complete_below' => 0.5, 'window' => 2]);
            return $o->isComplete() && $o->get('late-old') === false ? 0 : 1;
        });
        $this->assertSame(0, $this->reap($pid));
        $this->assertInvariants($m->stats());
    }

    public function testFleetStatsShowsBothHostsAndTheirTotal(): void
    {
        [$old, $new] = $this->lists();
        $name = $this->poolName('fleet');
        $seed = [];
        for ($i = 0; $i < 40; $i++) {
            $seed["h$i"] = "v$i";
        }
        $this->assertTrue(mr_peer($old)->setMulti($seed));

        /* each host does its gets, then publishes through fleetStats() */
        $code = <<<'PHP'
        <?php
        [, $old, $new, $name, $from, $count] = $argv;
        $m = new MemRehash(json_decode($old), json_decode($new), ['name' => $name]);
        for ($i = (int)$from; $i < $from + $count; $i++) {
            $m->get("h$i");
        }
        echo json_encode(['stats' => $m->stats(), 'fleet' => $m->fleetStats(), 'rc' => $m->getResultCode()]);
        PHP;
        $ida = 'host-a-' . getmypid();
        $idb = 'host-b-' . getmypid();
        $a = json_decode($this->finishHost($this->host($ida, $code, [$old, $new, $name, '0', '25']), $ida), true);
        $b = json_decode($this->finishHost($this->host($idb, $code, [$old, $new, $name, '20', '37']), $idb), true);
        $this->assertSame(25, $a['stats']['gets']);
        $this->assertSame(37, $b['stats']['gets']);
        $this->assertSame(0, $b['rc']);

        $fleet = $b['fleet'];
        $this->assertArrayHasKey($ida, $fleet);
        $this->assertArrayHasKey($idb, $fleet);
        $this->assertSame(2, $fleet['total']['hosts']);
        $this->assertSame(62, $fleet['total']['gets']);
        foreach (['gets', 'new_hits', 'old_hits', 'misses', 'migrated', 'raced', 'old_lookups'] as $f) {
            $this->assertSame($a['stats'][$f], $fleet[$ida][$f], "host A's $f as it counted it");
            $this->assertSame($b['stats'][$f], $fleet[$idb][$f], "host B's $f as it counted it");
            $this->assertSame($a['stats'][$f] + $b['stats'][$f], $fleet['total'][$f], "total $f");
        }
        /* keys 20..24 were moved by A: B found them in new */
        $this->assertSame(5, $fleet[$idb]['new_hits']);
        $this->assertSame(40, $fleet['total']['migrated']);

        /* a third reader (this process, its own mapping) adds itself with nothing counted */
        $here = new MemRehash($old, $new, ['name' => $name]);
        $f3 = $here->fleetStats();
        $this->assertSame(3, $f3['total']['hosts']);
        $this->assertSame(62, $f3['total']['gets']);
        $this->assertSame(0, $f3[array_key_last(array_diff_key($f3, [$ida => 1, $idb => 1, 'total' => 1]))]['gets']);
    }
}
