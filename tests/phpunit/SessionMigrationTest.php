<?php
use PHPUnit\Framework\TestCase;

/**
 * session.save_handler = memrehash against PECL memcached's own handler, the
 * way a site lives through a server move: sessions written by PECL memcached
 * over the old servers, the site switched to memrehash (old three, new two),
 * then back to PECL memcached over the new two. Every request is a child PHP
 * process (tests/session/child.php), as a web request would be.
 */
final class SessionMigrationTest extends TestCase
{
    /** PECL memcached 3.2.0's memcached.sess_prefix default, and memrehash.sess_prefix's. */
    private const PREFIX = 'memc.sess.key.';
    private const SESSIONS = 400;

    private array $old;
    private array $new;

    protected function setUp(): void
    {
        $this->old = mr_servers(3, 0);
        $this->new = mr_servers(2, 3);
        mr_flush_all();
    }

    // ---- the placement and lock facts the handler is built on ----------

    /** PECL's session handler places with non-weighted ketama, not libketama. */
    public function testPeclSessionPlacementIsConsistentNotLibketama(): void
    {
        $sessions = self::sessions(300);
        $this->child($this->pecl($this->old), 'put', ['sessions' => $sessions]);

        $where = $this->copies(array_keys($sessions));
        $consistent = self::sessionPeer($this->old);
        $libketama = mr_peer($this->old, true);
        $agree = 0;
        foreach ($sessions as $sid => $_) {
            $this->assertCount(1, $where[$sid] ?? [], "$sid is stored once");
            $this->assertSame(self::serverOf($consistent, $sid), $where[$sid][0], "$sid: DISTRIBUTION_CONSISTENT");
            $agree += self::serverOf($libketama, $sid) === $where[$sid][0];
        }
        /* OPT_LIBKETAMA_COMPATIBLE (MemRehash::DIST_KETAMA) would miss most of them */
        $this->assertLessThan(200, $agree);
    }

    /** The lock key, value, flags and TTL of both handlers are the same. */
    public function testLockKeyMatchesPecl(): void
    {
        $sid = self::sid();
        $ini = ['max_execution_time' => '30'];
        $lockKey = self::PREFIX . 'lock.' . $sid;

        $h = $this->spawn($this->pecl($this->old, $ini), 'hold', ['sid' => $sid, 'hold' => 0.5]);
        $this->waitFor($h, 'LOCKED');
        $oldAt = self::serverOf(self::sessionPeer($this->old), 'lock.' . $sid);
        $pecl = mr_raw($oldAt, "mg $lockKey v f t");
        $this->finish($h);

        $h = $this->spawn($this->memrehash($ini), 'hold', ['sid' => $sid, 'hold' => 0.5]);
        $this->waitFor($h, 'LOCKED');
        $newAt = self::serverOf(self::sessionPeer($this->new), 'lock.' . $sid);
        $ours = mr_raw($newAt, "mg $lockKey v f t");
        $oursOld = mr_raw($oldAt, "mg $lockKey v f t");
        $this->finish($h);

        $this->assertMatchesRegularExpression('/^VA 1 f0 t(29|30)\r\n1\r\n$/', $pecl, 'PECL: "1", flags 0, max_execution_time');
        $this->assertMatchesRegularExpression('/^VA 1 f0 t(29|30)\r\n1\r\n$/', $ours, 'memrehash at the new location');
        $this->assertMatchesRegularExpression('/^VA 1 f0 t(29|30)\r\n1\r\n$/', $oursOld, 'memrehash at the old location too');
        $this->assertSame([], $this->copies([$sid], 'lock.'), 'released everywhere');
    }

    // ---- (a) the move: PECL -> memrehash -> PECL -----------------------

    public function testSessionsMoveToNewServersAndReadBackWithPecl(): void
    {
        $sessions = self::sessions(self::SESSIONS);
        $sids = array_keys($sessions);
        $this->child($this->pecl($this->old), 'put', ['sessions' => $sessions]);
        $before = $this->copies($sids);
        foreach ($sids as $sid) {
            $this->assertCount(1, $before[$sid] ?? [], "PECL stored $sid once");
            $this->assertContains($before[$sid][0], $this->old);
        }

        /* the site switches to memrehash; every other user changes their session */
        $bump = array_values(array_filter($sids, fn($s) => $sessions[$s]['n'] % 2 === 0));
        $r = $this->child($this->memrehash(), 'get', ['sids' => $sids, 'bump' => $bump]);
        foreach ($sessions as $sid => $data) {
            $this->assertSame($data, $r['sessions'][$sid] ?? null, "memrehash read $sid intact");
        }
        $this->assertSame(self::SESSIONS, $r['stats']['sessions_moved']);
        $this->assertSame(0, $r['stats']['sessions_new']);
        $this->assertSame(0, $r['stats']['sessions_missed']);

        /* each session is now at its new location only, and no lock is left */
        $peer = self::sessionPeer($this->new);
        $after = $this->copies($sids);
        foreach ($sids as $sid) {
            $this->assertSame([self::serverOf($peer, $sid)], $after[$sid] ?? [], "$sid: one copy, at its new location");
        }
        $this->assertSame([], $this->copies($sids, 'lock.'), 'no lock key left');
        $this->assertEqualsCanonicalizing($sids, array_keys($peer->getMulti($sids) ?: []), 'a plain Memcached over the new servers finds all');

        /* a second visit finds them at home */
        $r = $this->child($this->memrehash(), 'get', ['sids' => $sids]);
        $this->assertSame(self::SESSIONS, $r['stats']['sessions_new']);
        $this->assertSame(0, $r['stats']['sessions_moved']);

        /* the move is over: back to PECL memcached, over the new servers only */
        $r = $this->child($this->pecl($this->new), 'get', ['sids' => $sids]);
        $bumped = array_flip($bump);
        foreach ($sessions as $sid => $data) {
            if (isset($bumped[$sid])) {
                $data['n']++;
            }
            $this->assertSame($data, $r['sessions'][$sid] ?? null, "PECL over the new servers reads $sid");
        }
        $final = $this->copies($sids);
        foreach ($sids as $sid) {
            $this->assertCount(1, $final[$sid] ?? [], "$sid is not duplicated");
            $this->assertContains($final[$sid][0], $this->new);
        }
    }

    // ---- (b) two requests on one session during the move ----------------

    public static function lockPairs(): array
    {
        return [
            'memrehash, then memrehash' => ['memrehash', 'memrehash', true],
            'old PECL request in flight, then memrehash' => ['old', 'memrehash', true],
            'memrehash, then a PECL request still on the old list' => ['memrehash', 'old', false],
            'memrehash, then PECL over the new list' => ['memrehash', 'new', true],
        ];
    }

    /**
     * @dataProvider lockPairs
     * The second request starts while the first holds the session and gets
     * it only once the first let go, as with PECL memcached's locking. The
     * order is fixed, not timed: the first holds the lock until the second
     * has started (a file the test creates), then 0.4 s more.
     */
    public function testConcurrentRequestsOnOneSessionWait(string $first, string $second, bool $sameData): void
    {
        $sid = self::sid();
        $this->child($this->pecl($this->old), 'put', ['sessions' => [$sid => ['count' => 10]]]);
        $hold = 0.4;
        $go = tempnam(sys_get_temp_dir(), 'mr-sess-go');
        unlink($go);

        $a = $this->spawn($this->handler($first), 'hold', ['sid' => $sid, 'hold' => $hold, 'until_file' => $go]);
        $aLocked = $this->waitFor($a, 'LOCKED');
        $b = $this->spawn($this->handler($second), 'hold', ['sid' => $sid, 'hold' => 0.0]);
        $this->waitFor($b, 'START');
        touch($go);
        $ta = $this->finish($a);
        unlink($go);
        $tb = $this->finish($b);

        $this->assertLessThan($ta['RELEASING'], $tb['START'], 'the second request started while the first held the session');
        $this->assertGreaterThanOrEqual($ta['RELEASING'], $tb['LOCKED'], 'the second got the session only after the first let go');
        $this->assertGreaterThan(0.3, $tb['LOCKED'] - $tb['START'], 'the second request waited');
        $this->assertGreaterThan($hold - 0.05, $ta['RELEASING'] - $aLocked);
        $this->assertSame(11, $ta['DATA']['count']);
        if ($sameData) {
            $this->assertSame(12, $tb['DATA']['count'], 'the second request saw the first one\'s write');
            $r = $this->child($this->pecl($this->new), 'get', ['sids' => [$sid]]);
            $this->assertSame(12, $r['sessions'][$sid]['count']);
        }
    }

    // ---- (c) a served site switches handlers -----------------------------

    public function testBuiltinServerKeepsSessionAcrossTheSwitch(): void
    {
        $jar = tempnam(sys_get_temp_dir(), 'mrjar');
        try {
            $seen = [];
            foreach ([
                [$this->pecl($this->old), 2],
                [$this->memrehash(), 2],
                [$this->pecl($this->new), 2],
            ] as [$ini, $visits]) {
                $server = $this->serve($ini);
                try {
                    for ($i = 0; $i < $visits; $i++) {
                        $seen[] = $this->visit($server['url'], $jar);
                    }
                } finally {
                    $this->stop($server);
                }
            }
            $this->assertSame([1, 2, 3, 4, 5, 6], array_column($seen, 'count'), 'one counter across three servers');
            $this->assertCount(1, array_unique(array_column($seen, 'id')), 'one session id');
            $this->assertSame(['memcached', 'memcached', 'memrehash', 'memrehash', 'memcached', 'memcached'], array_column($seen, 'handler'));
            $sid = $seen[0]['id'];
            $this->assertSame([self::serverOf(self::sessionPeer($this->new), $sid)], $this->copies([$sid])[$sid] ?? []);
        } finally {
            @unlink($jar);
        }
    }

    // ---- helpers -----------------------------------------------------------

    private static function ext(): string
    {
        $so = getenv('MR_EXT') ?: __DIR__ . '/../../modules/memrehash.so';
        $real = realpath($so);
        if ($real === false) {
            throw new RuntimeException("memrehash.so not found at $so");
        }
        return $real;
    }

    /** INI of a request on PECL memcached's handler over $servers. */
    private function pecl(array $servers, array $extra = []): array
    {
        return ['session.save_handler' => 'memcached', 'session.save_path' => implode(',', $servers),
            'memcached.sess_lock_wait_min' => '20', 'memcached.sess_lock_wait_max' => '50',
            'memcached.sess_lock_retries' => '200'] + $extra;
    }

    /** INI of a request on memrehash's handler, old three to new two. */
    private function memrehash(array $extra = []): array
    {
        return ['extension' => self::ext(), 'session.save_handler' => 'memrehash',
            /* quoted: in INI syntax an unquoted ';' starts a comment */
            'session.save_path' => '"old=' . implode(',', $this->old) . ';new=' . implode(',', $this->new) . '"',
            'memrehash.sess_lock_wait_min' => '20', 'memrehash.sess_lock_wait_max' => '50',
            'memrehash.sess_lock_retries' => '200'] + $extra;
    }

    private function handler(string $which): array
    {
        return match ($which) {
            'memrehash' => $this->memrehash(),
            'old' => $this->pecl($this->old),
            'new' => $this->pecl($this->new),
        };
    }

    private static function sid(): string
    {
        return 'mr' . bin2hex(random_bytes(12));
    }

    /** Returns $n sessions (id => data), one of them large. */
    private static function sessions(int $n): array
    {
        $out = [];
        for ($i = 0; $i < $n; $i++) {
            $sid = self::sid();
            $out[$sid] = ['sid' => $sid, 'n' => $i, 'user' => ['id' => $i, 'name' => "user $i"],
                'blob' => str_repeat(md5($sid), $i === 0 ? 8000 : 1 + $i % 61)];
        }
        return $out;
    }

    /** A Memcached client placing session keys as PECL's session handler does. */
    private static function sessionPeer(array $servers): Memcached
    {
        $m = mr_peer($servers);
        $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
        $m->setOption(Memcached::OPT_PREFIX_KEY, self::PREFIX);
        return $m;
    }

    private static function serverOf(Memcached $m, string $key): string
    {
        $s = $m->getServerByKey($key);
        return $s['host'] . ':' . $s['port'];
    }

    /** Returns sid => the servers (old and new) holding PREFIX . $infix . sid. */
    private function copies(array $sids, string $infix = ''): array
    {
        $found = [];
        $keys = array_map(fn($s) => $infix . $s, $sids);
        foreach (array_merge($this->old, $this->new) as $server) {
            $m = mr_peer([$server]);
            $m->setOption(Memcached::OPT_PREFIX_KEY, self::PREFIX);
            foreach (array_chunk($keys, 200) as $chunk) {
                foreach (array_keys($m->getMulti($chunk) ?: []) as $k) {
                    $found[substr($k, strlen($infix))][] = $server;
                }
            }
        }
        return $found;
    }

    /** Starts child.php in $mode with $ini; returns its process and pipes. */
    private function spawn(array $ini, string $mode, array $input): array
    {
        $cmd = [PHP_BINARY];
        $ini += ['session.use_cookies' => '0', 'session.cache_limiter' => '', 'display_errors' => 'stderr',
            'error_reporting' => (string)E_ALL, 'log_errors' => '0'];
        foreach ($ini as $k => $v) {
            array_push($cmd, '-d', "$k=$v");
        }
        array_push($cmd, __DIR__ . '/../session/child.php', $mode);
        $proc = proc_open($cmd, [['pipe', 'r'], ['pipe', 'w'], ['pipe', 'w']], $pipes);
        $this->assertIsResource($proc);
        fwrite($pipes[0], json_encode($input));
        fclose($pipes[0]);
        return ['proc' => $proc, 'pipes' => $pipes, 'mode' => $mode, 'out' => ''];
    }

    /** Reads the child's stdout up to the line "$word t"; returns t. */
    private function waitFor(array &$h, string $word): float
    {
        while (($line = fgets($h['pipes'][1])) !== false) {
            $h['out'] .= $line;
            if (str_starts_with($line, "$word ")) {
                return (float)substr($line, strlen($word) + 1);
            }
        }
        $this->fail("child ended before $word: " . $h['out'] . stream_get_contents($h['pipes'][2]));
    }

    /** Waits for a hold child; returns its timestamps and final DATA. */
    private function finish(array $h): array
    {
        $out = $h['out'] . stream_get_contents($h['pipes'][1]);
        $err = stream_get_contents($h['pipes'][2]);
        $rc = proc_close($h['proc']);
        $this->assertSame(0, $rc, "child failed: $err");
        $this->assertSame('', $err);
        $t = [];
        foreach (explode("\n", trim($out)) as $line) {
            [$k, $v] = explode(' ', $line, 2);
            $t[$k] = $k === 'DATA' ? json_decode($v, true) : (float)$v;
        }
        return $t;
    }

    /** Runs child.php to the end; returns its decoded output. */
    private function child(array $ini, string $mode, array $input): array
    {
        $h = $this->spawn($ini, $mode, $input);
        $out = stream_get_contents($h['pipes'][1]);
        $err = stream_get_contents($h['pipes'][2]);
        $rc = proc_close($h['proc']);
        $this->assertSame(0, $rc, "child $mode failed: $err");
        $this->assertSame('', $err, "child $mode said something");
        return json_decode(trim($out), true, 512, JSON_THROW_ON_ERROR);
    }

    /** Starts PHP's built-in server with $ini on a free port; returns it once it answers. */
    private function serve(array $ini): array
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int)substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $cmd = [PHP_BINARY];
        foreach ($ini + ['display_errors' => 'stderr', 'log_errors' => '0'] as $k => $v) {
            array_push($cmd, '-d', "$k=$v");
        }
        array_push($cmd, '-S', "127.0.0.1:$port", __DIR__ . '/../session/counter.php');
        $log = tempnam(sys_get_temp_dir(), 'mrsrv');
        $proc = proc_open($cmd, [['file', '/dev/null', 'r'], ['file', $log, 'w'], ['file', $log, 'a']], $pipes);
        $this->assertIsResource($proc);
        $server = ['proc' => $proc, 'url' => "http://127.0.0.1:$port/", 'log' => $log];
        for ($i = 0; $i < 100; $i++) {
            $c = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 0.1);
            if ($c) {
                fclose($c);
                return $server;
            }
            usleep(50000);
        }
        $this->stop($server);
        $this->fail('php -S did not start: ' . file_get_contents($log));
    }

    private function stop(array $server): void
    {
        proc_terminate($server['proc']);
        proc_close($server['proc']);
        $log = (string)@file_get_contents($server['log']);
        @unlink($server['log']);
        /* the server logs requests; anything else is a warning from a request */
        $noise = array_filter(explode("\n", $log), fn($l) => $l !== '' && !preg_match('/(Development Server|Accepted|Closing|\[200\]: GET|Closed without sending)/', $l));
        $this->assertSame([], array_values($noise), 'php -S logged problems');
    }

    /** One request with curl and a cookie jar; returns the decoded reply. */
    private function visit(string $url, string $jar): array
    {
        $proc = proc_open(['curl', '-s', '-S', '--max-time', '20', '-c', $jar, '-b', $jar, $url],
            [['file', '/dev/null', 'r'], ['pipe', 'w'], ['pipe', 'w']], $pipes);
        $this->assertIsResource($proc, 'curl runs');
        $body = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $this->assertSame(0, proc_close($proc), "curl: $err");
        return json_decode($body, true, 512, JSON_THROW_ON_ERROR);
    }
}
