<?php
/**
 * memcached servers a test starts for itself (on free ports, stopped by pid
 * in tearDown), for tests that hang (SIGSTOP) or restart them: the standard
 * test servers are never touched. A test using it calls ownServersDown() in
 * its tearDown.
 */
trait OwnServers
{
    /** @var array<int, array{pid:int, proc:resource|null}> by port */
    private array $ownServers = [];

    private static function freePort(): int
    {
        $s = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($s, false);
        fclose($s);
        return (int)substr($name, strrpos($name, ':') + 1);
    }

    private static function port(string $addr): int
    {
        return (int)substr($addr, strrpos($addr, ':') + 1);
    }

    /** Returns the memcached command line for $port (with a restartable memory file when $memfile). */
    private static function serverCommand(int $port, ?string $memfile): array
    {
        $cmd = ['memcached', '-l', '127.0.0.1', '-p', (string)$port, '-U', '0', '-t', '2', '-m', $memfile ? '64' : '32'];
        if ($memfile !== null) {
            array_push($cmd, '-e', $memfile);
        }
        if (posix_geteuid() === 0) {
            array_push($cmd, '-u', 'root');
        }
        return $cmd;
    }

    /** Returns true once something answers on $port (within 5 s). */
    private static function answers(int $port): bool
    {
        for ($i = 0; $i < 250; $i++) {
            $c = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 0.2);
            if ($c) {
                fclose($c);
                return true;
            }
            usleep(20000);
        }
        return false;
    }

    /** Starts memcached on $port (a free one when 0); returns "127.0.0.1:port". */
    private function startServer(int $port = 0, ?string $memfile = null, string $log = '/dev/null'): string
    {
        $port = $port ?: self::freePort();
        $proc = proc_open(self::serverCommand($port, $memfile), [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'a'], 2 => ['file', $log, 'a']], $pipes);
        $this->assertIsResource($proc, "memcached did not start on port $port");
        $this->ownServers[$port] = ['pid' => proc_get_status($proc)['pid'], 'proc' => $proc];
        $this->assertTrue(self::answers($port), "memcached on port $port does not answer");
        return "127.0.0.1:$port";
    }

    /** Takes over a memcached another process started on $port (pid $pid): stopped by this test. */
    private function adoptServer(int $port, int $pid): void
    {
        $this->ownServers[$port] = ['pid' => $pid, 'proc' => null];
    }

    private function serverPid(string $addr): int
    {
        return $this->ownServers[self::port($addr)]['pid'];
    }

    /** Stops the memcached of $port by its pid (SIGUSR1: a graceful stop that saves a restartable memory file). */
    private function stopServer(int $port, int $sig = SIGTERM): void
    {
        if (!isset($this->ownServers[$port])) {
            return;
        }
        $s = $this->ownServers[$port];
        posix_kill($s['pid'], SIGCONT);
        posix_kill($s['pid'], $sig);
        if ($s['proc'] !== null) {
            proc_close($s['proc']);
        } else {
            for ($i = 0; $i < 250 && posix_kill($s['pid'], 0); $i++) {
                usleep(20000);
            }
        }
        unset($this->ownServers[$port]);
    }

    private function ownServersDown(): void
    {
        foreach (array_keys($this->ownServers) as $port) {
            $this->stopServer($port, SIGKILL);
        }
    }

    /** SIGSTOPs $pid and returns once every thread of it is stopped (kill() only queues the signal). */
    private static function stopProcess(int $pid): void
    {
        posix_kill($pid, SIGSTOP);
        for ($i = 0; $i < 200; $i++) {
            $running = false;
            foreach (glob("/proc/$pid/task/*/stat") ?: [] as $f) {
                $st = @file_get_contents($f);
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

    /** Returns the live items of $server (its stats). */
    private static function items(string $server): int
    {
        preg_match('/STAT curr_items (\d+)/', mr_raw($server, 'stats'), $m);
        return (int)$m[1];
    }

    /** Returns true when $server holds $key (a raw meta lookup, no value). */
    private static function holds(string $server, string $key): bool
    {
        return str_starts_with(mr_raw($server, "mg $key"), 'HD');
    }
}
