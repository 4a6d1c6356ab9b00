<?php
/*
 * Faults under load: several processes (pcntl_fork) read, write, delete,
 * increment and move keys while memcached servers of their pool are killed
 * and restarted (SIGKILL, then a fresh process on the same port) or made to
 * hang (SIGSTOP ... SIGCONT). The servers are this test's own, started on
 * free ports and stopped by pid; the standard test servers are not touched.
 *
 * What must hold:
 *   - every call returns within its time bound (timeouts, not hangs);
 *   - a restarted or resumed server is used again once its retry interval
 *     has passed, through plain and persistent objects alike;
 *   - the shared counters add up (stats() invariants) and count every call
 *     the workers made;
 *   - no read ever returns a value older than the last acknowledged write
 *     of its key, and afterwards every key is at its new location with its
 *     last written value (or one whose write had an unknown outcome), or
 *     absent: never a stale value, neither at the new location nor left at
 *     the old one to be moved back later.
 *
 * MR_FAULTS_SECONDS sets how long the load runs (default 8; the faults
 * suite, tests/suites/faults.sh, runs it longer).
 */

use PHPUnit\Framework\TestCase;

final class FaultsTest extends TestCase
{
    private const TIMEOUT_MS = 250;
    private const RETRY_S = 1;
    private const WORKERS = 3;
    private const KEYS = 120;       // per worker

    /** @var array<int, array{pid:int, port:int, mem:int}> memcached processes of this test, by port */
    private array $servers = [];
    private string $dir;

    protected function setUp(): void
    {
        if (!function_exists('pcntl_fork') || !function_exists('posix_kill')) {
            $this->fail('pcntl and posix are needed (php8.2-cli has both)');
        }
        $this->dir = sys_get_temp_dir() . '/memrehash-faults-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir);
    }

    protected function tearDown(): void
    {
        foreach ($this->servers as $port => $s) {
            $this->stopServer($port);
        }
        foreach (glob($this->dir . '/*') ?: [] as $f) {
            unlink($f);
        }
        @rmdir($this->dir);
    }

    // ---- servers ------------------------------------------------------------

    /** Returns a port nobody listens on (the kernel's pick, then released). */
    private static function freePort(): int
    {
        $s = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        $name = stream_socket_get_name($s, false);
        fclose($s);
        return (int)substr($name, strrpos($name, ':') + 1);
    }

    /** Starts memcached on $port (a free one when 0); returns "127.0.0.1:port". */
    private function startServer(int $port = 0, int $mem = 32): string
    {
        $port = $port ?: self::freePort();
        $cmd = ['memcached', '-l', '127.0.0.1', '-p', (string)$port, '-U', '0', '-m', (string)$mem, '-t', '2'];
        if (posix_geteuid() === 0) {
            array_push($cmd, '-u', 'root');
        }
        $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'a'], 2 => ['file', '/dev/null', 'a']], $pipes);
        $this->assertIsResource($proc, "memcached did not start on port $port");
        $pid = proc_get_status($proc)['pid'];
        $this->servers[$port] = ['pid' => $pid, 'port' => $port, 'mem' => $mem, 'proc' => $proc];
        for ($i = 0; $i < 100; $i++) {
            $c = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 0.2);
            if ($c) {
                fclose($c);
                return "127.0.0.1:$port";
            }
            usleep(20000);
        }
        $this->fail("memcached on port $port does not answer");
    }

    /** Stops the memcached this test started on $port, by its pid. */
    private function stopServer(int $port, int $sig = SIGTERM): void
    {
        if (!isset($this->servers[$port])) {
            return;
        }
        $s = $this->servers[$port];
        posix_kill($s['pid'], SIGCONT);
        posix_kill($s['pid'], $sig);
        proc_close($s['proc']);   // waits for it
        unset($this->servers[$port]);
    }

    /** SIGSTOPs $pid and returns once every thread of it is stopped (kill() only queues the signal). */
    private static function stopProcess(int $pid): void
    {
        posix_kill($pid, SIGSTOP);
        for ($i = 0; $i < 200; $i++) {
            $running = false;
            foreach (glob("/proc/$pid/task/*/stat") ?: [] as $f) {
                $st = @file_get_contents($f);
                // state is the field after the ")" that closes the command name
                if ($st !== false && !preg_match('/\) [Tt] /', $st)) {
                    $running = true;
                }
            }
            if (!$running) {
                return;
            }
            usleep(5000);
        }
    }

    private static function port(string $addr): int
    {
        return (int)substr($addr, strrpos($addr, ':') + 1);
    }

    /** Returns the value at $addr for $key, straight from the server, or null. */
    private static function rawGet(string $addr, string $key): ?string
    {
        $r = mr_raw($addr, "mg $key v");
        if (!preg_match('/^VA (\d+)[^\r]*\r\n/', $r, $m)) {
            return null;
        }
        return substr($r, strlen($m[0]), (int)$m[1]);
    }

    // ---- the load -------------------------------------------------------------

    /**
     * One worker: random operations on its own keys until $until (microtime),
     * recording for each key the last acknowledged write and the writes whose
     * outcome is unknown (false: applied or not). Writes its record to a file.
     */
    private static function work(int $w, array $old, array $new, array $opts, float $until, string $file, array $phases): void
    {
        mt_srand(1000 + $w);
        $plain = new MemRehash($old, $new, $opts);
        $pers = new MemRehash($old, $new, $opts + ['persistent' => "faults-$w"]);
        $keys = [];
        for ($i = 0; $i < self::KEYS; $i++) {
            $keys[] = "flt-$w-$i";
        }
        $rec = ['acked' => [], 'unknown' => [], 'calls' => 0, 'slow' => [], 'stale' => [], 'gets' => 0, 'gets_ok' => 0, 'sets' => 0, 'sets_ok' => 0,
            'deletes' => 0, 'touches' => 0, 'ok_after' => [], 'codes' => []];
        foreach ($keys as $k) {
            $rec['acked'][$k] = "init-$k";     // the parent wrote these at the old locations
            $rec['unknown'][$k] = [];
        }
        $seq = 0;
        $bound_ms = 2 * self::TIMEOUT_MS + 250;
        while (($now = microtime(true)) < $until) {
            $m = mt_rand(0, 1) ? $plain : $pers;
            $k = $keys[mt_rand(0, self::KEYS - 1)];
            $dice = mt_rand(0, 99);
            $t = hrtime(true);
            if ($dice < 45) {
                $op = 'get';
                $r = $m->get($k);
                $rec['gets']++;
                if ($r !== false && $r !== $rec['acked'][$k] && !in_array($r, $rec['unknown'][$k], true)) {
                    $rec['stale'][] = "get $k returned " . var_export($r, true) . " after " . var_export($rec['acked'][$k], true) . " was acknowledged";
                }
                if ($r !== false) {
                    // what a read saw is what the key now holds (unknown writes before it are settled)
                    $rec['acked'][$k] = $r;
                    $rec['unknown'][$k] = [];
                }
            } elseif ($dice < 75) {
                $op = 'set';
                $v = "w$w-" . (++$seq) . "-$k";
                $r = $m->set($k, $v);
                $rec['sets']++;
                $rec['sets_ok'] += $r === true ? 1 : 0;
                if ($r === true) {
                    $rec['acked'][$k] = $v;
                    $rec['unknown'][$k] = [];
                } else {
                    $rec['unknown'][$k][] = $v;
                }
            } elseif ($dice < 85) {
                $op = 'delete';
                $r = $m->delete($k);
                $rec['deletes']++;
                if ($r === true || $m->getResultCode() === MemRehash::RES_NOTFOUND) {
                    $rec['acked'][$k] = false;
                    $rec['unknown'][$k] = [];
                } else {
                    $rec['unknown'][$k][] = false;
                }
            } elseif ($dice < 95) {
                $op = 'getMulti';
                $ks = array_unique([$k, $keys[mt_rand(0, self::KEYS - 1)], $keys[mt_rand(0, self::KEYS - 1)]]);
                $r = $m->getMulti($ks);
                $rec['gets'] += count($ks);
                foreach (is_array($r) ? $r : [] as $gk => $gv) {
                    if ($gv !== $rec['acked'][$gk] && !in_array($gv, $rec['unknown'][$gk], true)) {
                        $rec['stale'][] = "getMulti $gk returned " . var_export($gv, true) . " after " . var_export($rec['acked'][$gk], true) . " was acknowledged";
                    }
                    $rec['acked'][$gk] = $gv;
                    $rec['unknown'][$gk] = [];
                }
            } else {
                $op = 'touch';
                $r = $m->touch($k, 0);
                $rec['touches']++;
            }
            $ms = (hrtime(true) - $t) / 1e6;
            $rec['calls']++;
            $code = $m->getResultCode();
            if (($op === 'get' || $op === 'getMulti') && in_array($code, [MemRehash::RES_SUCCESS, MemRehash::RES_NOTFOUND], true)) {
                $rec['gets_ok'] += $op === 'get' ? 1 : count($ks);
            }
            $rec['codes'][$code] = ($rec['codes'][$code] ?? 0) + 1;
            if ($ms > $bound_ms) {
                $rec['slow'][] = sprintf('%s %s took %.0f ms (bound %d)', $op, $k, $ms, $bound_ms);
            }
            // a server back from its fault is used again after the retry interval
            if ($r !== false && in_array($op, ['set', 'delete'], true)) {
                $where = $m->locate($k)['new'];
                foreach ($phases as $name => [$addr, $back_at]) {
                    if ($where === $addr && $now > $back_at + self::RETRY_S + 0.3) {
                        $rec['ok_after'][$name] = ($rec['ok_after'][$name] ?? 0) + 1;
                    }
                }
            }
            usleep(mt_rand(0, 2000));
        }
        file_put_contents($file, serialize($rec));
    }

    /** Runs the workers while $faults (a list of [at_seconds, callable]) happen; returns their records. */
    private function runLoad(array $old, array $new, array $opts, float $seconds, array $faults, array $phases): array
    {
        $start = microtime(true);
        $until = $start + $seconds;
        $pids = [];
        for ($w = 0; $w < self::WORKERS; $w++) {
            $pid = pcntl_fork();
            $this->assertNotSame(-1, $pid, 'fork failed');
            if ($pid === 0) {
                try {
                    self::work($w, $old, $new, $opts, $until, "$this->dir/w$w", $phases);
                } catch (Throwable $e) {
                    file_put_contents("$this->dir/w$w", serialize(['error' => (string)$e]));
                }
                // leave without PHP's (and PHPUnit's) shutdown: nothing of the parent's to flush
                mr_child_exit(0);
            }
            $pids[] = $pid;
        }
        usort($faults, fn($a, $b) => $a[0] <=> $b[0]);
        foreach ($faults as [$at, $fn]) {
            $wait = $start + $at - microtime(true);
            if ($wait > 0) {
                usleep((int)($wait * 1e6));
            }
            $fn();
        }
        foreach ($pids as $pid) {
            pcntl_waitpid($pid, $status);
        }
        $recs = [];
        for ($w = 0; $w < self::WORKERS; $w++) {
            $this->assertFileExists("$this->dir/w$w", "worker $w left no record");
            $rec = unserialize(file_get_contents("$this->dir/w$w"));
            $this->assertArrayNotHasKey('error', $rec, $rec['error'] ?? '');
            $recs[$w] = $rec;
        }
        return $recs;
    }

    private static function seconds(): float
    {
        $s = (float)(getenv('MR_FAULTS_SECONDS') ?: 8);
        return max(6.0, $s);
    }

    /** The scenario: old [A, B], new [B, C, D]; B killed and restarted, A and C hung in turn. */
    public function testKillRestartAndHangUnderLoad(): void
    {
        $A = $this->startServer();
        $B = $this->startServer();
        $C = $this->startServer();
        $D = $this->startServer();
        $old = [$A, $B];
        $new = [$B, $C, $D];
        $name = 'faults-' . getmypid();
        $opts = ['name' => $name, 'timeout' => self::TIMEOUT_MS, 'connect_timeout' => self::TIMEOUT_MS,
            'retry_interval' => self::RETRY_S, 'complete_below' => 0.0, 'distribution' => MemRehash::DIST_KETAMA];

        // every key starts at its old location
        $seed = new MemRehash($old, $old, ['name' => "$name-seed", 'distribution' => MemRehash::DIST_KETAMA]);
        for ($w = 0; $w < self::WORKERS; $w++) {
            for ($i = 0; $i < self::KEYS; $i++) {
                $this->assertTrue($seed->set("flt-$w-$i", "init-flt-$w-$i"));
            }
        }
        $stats0 = (new MemRehash($old, $new, $opts))->stats();

        $T = self::seconds();
        $pidOf = fn(string $addr) => $this->servers[self::port($addr)]['pid'];
        // A (old) hangs early, while most keys still live there; B (old and
        // new) is killed and comes back empty; C (new) hangs
        $stopA = [0.25, 0.25 + 0.17 * $T];
        $kill_at = 0.30 * $T;
        $restart_at = 0.45 * $T;
        $stopC = [0.60 * $T, 0.75 * $T];
        $faults = [
            [$kill_at, fn() => $this->stopServer(self::port($B), SIGKILL)],
            [$restart_at, fn() => $this->startServer(self::port($B))],
            [$stopA[0], fn() => self::stopProcess($pidOf($A))],
            [$stopA[1], fn() => posix_kill($pidOf($A), SIGCONT)],
            [$stopC[0], fn() => self::stopProcess($pidOf($C))],
            [$stopC[1], fn() => posix_kill($pidOf($C), SIGCONT)],
        ];
        $t0 = microtime(true);
        $phases = ['B restarted' => [$B, $t0 + $restart_at], 'C resumed' => [$C, $t0 + $stopC[1]]];
        $recs = $this->runLoad($old, $new, $opts, $T, $faults, $phases);

        // ---- bounded calls, no stale reads
        $calls = $gets = $gets_ok = $sets = $sets_ok = $deletes = $touches = 0;
        $slow = $stale = [];
        $ok_after = [];
        $codes = [];
        foreach ($recs as $r) {
            $calls += $r['calls'];
            $gets += $r['gets'];
            $gets_ok += $r['gets_ok'];
            $sets += $r['sets'];
            $sets_ok += $r['sets_ok'];
            $deletes += $r['deletes'];
            $touches += $r['touches'];
            $slow = array_merge($slow, $r['slow']);
            $stale = array_merge($stale, $r['stale']);
            foreach ($r['ok_after'] as $p => $n) {
                $ok_after[$p] = ($ok_after[$p] ?? 0) + $n;
            }
            foreach ($r['codes'] as $c => $n) {
                $codes[$c] = ($codes[$c] ?? 0) + $n;
            }
        }
        $this->assertGreaterThan(100, $calls, 'the workers hardly ran');
        $this->assertSame([], $slow, "calls past their time bound:\n" . implode("\n", array_slice($slow, 0, 10)));
        $this->assertSame([], $stale, "stale reads:\n" . implode("\n", array_slice($stale, 0, 10)));
        // the faults were felt (else this test proves nothing) ...
        $errors = array_sum(array_intersect_key($codes, array_flip([MemRehash::RES_TIMEOUT, MemRehash::RES_CONNECTION_FAILURE,
            MemRehash::RES_SERVER_TEMPORARILY_DISABLED, MemRehash::RES_SOME_ERRORS])));
        $this->assertGreaterThan(0, $errors, 'no call saw a fault: ' . json_encode($codes));
        // ... and the servers came back into use after their retry interval
        foreach (array_keys($phases) as $p) {
            $this->assertGreaterThan(0, $ok_after[$p] ?? 0, "no write reached the server once it was back ($p)");
        }

        // ---- after the faults: every server is in use again, plain and persistent
        usleep((int)((self::RETRY_S + 0.2) * 1e6));
        foreach ([[], ['persistent' => 'faults-0']] as $extra) {
            $m = new MemRehash($old, $new, $opts + $extra);
            foreach ($new as $addr) {
                for ($i = 0, $k = null; $i < 500 && $k === null; $i++) {
                    if ($m->locate("probe-$i")['new'] === $addr) {
                        $k = "probe-$i";
                    }
                }
                $this->assertNotNull($k);
                $this->assertTrue($m->set($k, 'back'), "$addr is not used again after its retry interval (" . $m->getResultMessage() . ')');
                $this->assertSame('back', $m->get($k));
                $m->delete($k);
            }
        }

        // ---- counters: the invariants, and every call counted once
        $m = new MemRehash($old, $new, $opts);
        $st = $m->stats();
        $this->assertSame($st['new_hits'] + $st['old_hits'] + $st['misses'], $st['gets'], 'gets = new_hits + old_hits + misses: ' . json_encode($st));
        $this->assertSame($st['migrated'] + $st['raced'] + $st['move_failed'], $st['old_hits'], 'old_hits = migrated + raced + move_failed');
        $this->assertLessThanOrEqual($st['old_lookups'], $st['old_hits']);
        $in = $out = 0;
        foreach ($st['servers'] as $row) {
            $in += $row['moved_in'];
            $out += $row['moved_out'];
        }
        $this->assertSame($in, $out, 'every move has a source and a target');
        $this->assertSame($st['migrated'] + $st['drained'], $out, 'moves per server add up to migrated + drained');
        // a get that failed at its new location is an error, not a get (docs/DESIGN.md, "Shared counters": gets = new_hits + old_hits + misses)
        $this->assertGreaterThanOrEqual($gets_ok, $st['gets'] - $stats0['gets'], 'every get that found or missed is counted');
        // a touch that misses at the new location looks at the old one, and is counted as a get too
        $this->assertLessThanOrEqual($gets + $touches + 10, $st['gets'] - $stats0['gets'], 'no get is counted twice');
        // `sets` counts what was stored: every acknowledged set, and no more than were asked (touches count too)
        $this->assertGreaterThanOrEqual($sets_ok, $st['sets'] - $stats0['sets'], 'every stored set is counted');
        $this->assertLessThanOrEqual($sets + $touches, $st['sets'] - $stats0['sets'], 'no more than were asked');

        // ---- the writes made while an old server was down left guards at
        // the new locations, and the older copies at the old server wait
        // for a read that misses or for the drain (README, "What a write
        // does while an old server is down"): drain the old servers, then
        // every key: at its new location with its last written value, or
        // absent; never stale, and no stale copy left behind
        foreach ($old as $o) {
            $this->assertSame('done', $m->drain($o)['stopped']);
        }
        $bad = [];
        foreach ($recs as $w => $r) {
            foreach ($r['acked'] as $k => $acked) {
                $allowed = array_merge([$acked], $r['unknown'][$k]);
                $where = $m->locate($k);
                $atN = self::rawGet($where['new'], $k);
                $atO = $where['old'] !== $where['new'] ? self::rawGet($where['old'], $k) : null;
                if ($atN !== null && !in_array($atN, $allowed, true)) {
                    $bad[] = "$k: its new location holds " . var_export($atN, true) . ', last written ' . var_export($acked, true);
                }
                if ($atO !== null && !in_array($atO, $allowed, true)) {
                    $bad[] = "$k: its old location still holds " . var_export($atO, true) . ' (would move back), last written ' . var_export($acked, true);
                }
                $v = $m->get($k);
                if ($v !== false && !in_array($v, $allowed, true)) {
                    $bad[] = "$k: get returns " . var_export($v, true) . ', last written ' . var_export($acked, true);
                }
            }
        }
        $this->assertSame([], $bad, count($bad) . " keys are stale:\n" . implode("\n", array_slice($bad, 0, 15)));
    }

    /** A persistent pool whose server dies between requests reconnects once the server is back. */
    public function testPersistentConnectionsRecover(): void
    {
        $S = $this->startServer();
        $opts = ['name' => 'faults-pers-' . getmypid(), 'timeout' => self::TIMEOUT_MS, 'connect_timeout' => self::TIMEOUT_MS,
            'retry_interval' => self::RETRY_S, 'persistent' => 'faults-pers'];
        $m = new MemRehash([$S], [$S], $opts);
        $this->assertTrue($m->set('p1', 'one'));
        // the server restarts: the pooled connection is dead, the server empty
        $this->stopServer(self::port($S), SIGKILL);
        $t = hrtime(true);
        $r = (new MemRehash([$S], [$S], $opts))->get('p1');
        $this->assertFalse($r);
        $this->assertLessThan(4 * self::TIMEOUT_MS + 1000, (hrtime(true) - $t) / 1e6, 'bounded by the timeout (generous: a loaded machine), no hang');
        $this->startServer(self::port($S));
        usleep((int)((self::RETRY_S + 0.2) * 1e6));
        $m = new MemRehash([$S], [$S], $opts);
        $this->assertTrue($m->set('p1', 'two'), 'the persistent pool did not reconnect: ' . $m->getResultMessage());
        $this->assertSame('two', $m->get('p1'));
        // a hung server: the persistent connection times out, then works again after SIGCONT
        $pid = $this->servers[self::port($S)]['pid'];
        self::stopProcess($pid);
        $t = hrtime(true);
        $this->assertFalse($m->get('p1'));
        $this->assertLessThan(4 * self::TIMEOUT_MS + 1000, (hrtime(true) - $t) / 1e6, 'bounded by the timeout (generous: a loaded machine), no hang');
        posix_kill($pid, SIGCONT);
        usleep((int)((self::RETRY_S + 0.2) * 1e6));
        $this->assertSame('two', $m->get('p1'), 'no answer after SIGCONT: ' . $m->getResultMessage());
    }

    /**
     * Writes while the old server is skipped (marked down after a timeout,
     * for its retry interval): either the write fails (false with a result
     * code: the application knows it did not happen), or it succeeds and the
     * old server's copy can never come back: a key deleted with success
     * stays deleted (a delete that found nothing, RES_NOTFOUND, counts as
     * success), a key overwritten with success never shows its old value
     * again (here: once the new value has expired at the new location).
     */
    public function testWritesWhileOldServerIsMarkedDown(): void
    {
        $O = $this->startServer();
        $N = $this->startServer();
        $opts = ['name' => 'faults-down-' . getmypid(), 'timeout' => self::TIMEOUT_MS, 'connect_timeout' => self::TIMEOUT_MS,
            'retry_interval' => self::RETRY_S, 'complete_below' => 0.0];
        $m = new MemRehash([$O], [$N], $opts);
        $atO = new MemRehash([$O], [$O], ['name' => 'faults-down-o-' . getmypid()]);
        $pid = $this->servers[self::port($O)]['pid'];
        $bad = [];
        foreach (['delete', 'set'] as $op) {
            $k = "down-$op";
            $this->assertTrue($atO->set($k, 'before'));
            // O hangs for one call: it times out and is skipped for the retry interval
            self::stopProcess($pid);
            $this->assertFalse($m->get('down-probe-' . $op));
            posix_kill($pid, SIGCONT);
            $r = $op === 'delete' ? $m->delete($k) : $m->set($k, 'after', 1);
            $code = $m->getResultCode();
            $msg = $m->getResultMessage();
            usleep((int)((self::RETRY_S + 1.3) * 1e6));
            $acked = $r === true || ($op === 'delete' && $code === MemRehash::RES_NOTFOUND);
            $v = $m->get($k);
            if ($v === 'before' && $acked) {
                $bad[] = sprintf("%s while the old server was marked down returned %s (%s); %.1f s later get returns the value from before it",
                    $op, var_export($r, true), $msg, self::RETRY_S + 1.3);
            }
        }
        $this->assertSame([], $bad, implode("\n", $bad));
    }
}
