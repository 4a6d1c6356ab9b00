<?php
/* Counters as a web server sees them: PHP's built-in server with four worker
 * processes (PHP_CLI_SERVER_WORKERS=4) and a memrehash.counters_file serves a
 * tiny script that reads keys through MemRehash. Many parallel requests later,
 * one request's stats() counts every get of every worker, and a CLI process
 * with the same counters file reads the same numbers.
 *
 * The requests go out in parallel over plain non-blocking sockets
 * (stream_select): PHP's curl extension is not among the test dependencies. */

use PHPUnit\Framework\TestCase;

final class ServedCountersTest extends TestCase
{
    private const WORKERS = 4;
    private const REQUESTS = 240;
    private const PARALLEL = 32;
    private const SEEDED = 400;      /* keys s0..s399 at their old location */
    private const HITS_PER_REQUEST = 4;
    private const MISSES_PER_REQUEST = 1;

    private string $tmp = '';
    private $server = null;
    private int $serverPid = 0;
    private int $port = 0;

    protected function setUp(): void
    {
        if (!function_exists('posix_kill')) {
            $this->fail('posix is required');
        }
        mr_flush_all();
        $this->tmp = sys_get_temp_dir() . '/mr-served-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->tmp);
        mkdir("$this->tmp/www");
        /* the server loads a copy: the bytes under test even if modules/ is rebuilt meanwhile */
        copy(getenv('MR_EXT') ?: __DIR__ . '/../../modules/memrehash.so', "$this->tmp/memrehash.so");
    }

    protected function tearDown(): void
    {
        if ($this->server !== null) {
            /* the server runs in its own process group (setsid): its workers go with it */
            posix_kill(-$this->serverPid, SIGTERM);
            $deadline = microtime(true) + 5;
            while (proc_get_status($this->server)['running'] && microtime(true) < $deadline) {
                usleep(20000);
            }
            if (proc_get_status($this->server)['running']) {
                posix_kill(-$this->serverPid, SIGKILL);
            }
            proc_close($this->server);
            $this->server = null;
        }
        foreach (array_merge(glob("$this->tmp/www/*"), glob("$this->tmp/*")) as $f) {
            is_dir($f) ? rmdir($f) : unlink($f);
        }
        @rmdir($this->tmp);
    }

    /** Returns the php command line with the extension and the counters file. */
    private function php(): array
    {
        return [PHP_BINARY, '-d', "extension=$this->tmp/memrehash.so", '-d', "memrehash.counters_file=$this->tmp/counters.bin"];
    }

    /** Starts php -S with WORKERS workers on a free port, serving www/. */
    private function startServer(): void
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $this->port = (int)explode(':', stream_socket_get_name($probe, false))[1];
        fclose($probe);
        $env = getenv();
        $env['PHP_CLI_SERVER_WORKERS'] = (string)self::WORKERS;
        $cmd = array_merge(['setsid'], $this->php(), ['-S', "127.0.0.1:$this->port", '-t', "$this->tmp/www"]);
        $this->server = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$this->tmp/server.log", 'a'],
            2 => ['file', "$this->tmp/server.log", 'a']], $pipes, null, $env);
        $this->assertIsResource($this->server);
        $this->serverPid = proc_get_status($this->server)['pid'];
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $s = @stream_socket_client("tcp://127.0.0.1:$this->port", $errno, $errstr, 1);
            if ($s) {
                fclose($s);
                return;
            }
            usleep(50000);
        }
        $this->fail('php -S did not start: ' . @file_get_contents("$this->tmp/server.log"));
    }

    /** Sends every path as a GET, PARALLEL at a time; returns the bodies in order. */
    private function fetchAll(array $paths): array
    {
        $bodies = [];
        $queue = $paths;
        $open = [];   /* id => [socket, buffer] */
        $next = 0;
        $deadline = microtime(true) + 60;
        while (($queue || $open) && microtime(true) < $deadline) {
            while ($queue && count($open) < self::PARALLEL) {
                $path = array_shift($queue);
                $s = stream_socket_client("tcp://127.0.0.1:$this->port", $errno, $errstr, 5);
                $this->assertNotFalse($s, "connect: $errstr");
                fwrite($s, "GET $path HTTP/1.0\r\nHost: 127.0.0.1:$this->port\r\nConnection: close\r\n\r\n");
                stream_set_blocking($s, false);
                $open[$next++] = [$s, ''];
            }
            $read = array_map(fn($o) => $o[0], $open);
            $w = $e = null;
            if (stream_select($read, $w, $e, 1) === false) {
                break;
            }
            foreach ($read as $s) {
                $id = array_search($s, array_map(fn($o) => $o[0], $open), true);
                $chunk = fread($s, 65536);
                if ($chunk !== false && $chunk !== '') {
                    $open[$id][1] .= $chunk;
                }
                if (feof($s)) {
                    fclose($s);
                    [$head, $body] = explode("\r\n\r\n", $open[$id][1], 2) + [1 => ''];
                    $this->assertMatchesRegularExpression('#^HTTP/1\.[01] 200#', $head, "request $id: $head\n$body");
                    $bodies[$id] = $body;
                    unset($open[$id]);
                }
            }
        }
        $this->assertCount(count($paths), $bodies, 'every request answered within 60 s');
        ksort($bodies);
        return array_values($bodies);
    }

    public function testParallelRequestsAreCountedOnceAcrossWorkers(): void
    {
        $old = mr_servers(2);
        $new = mr_servers(2, 2);
        $name = 'served-' . getmypid() . '-' . bin2hex(random_bytes(3));
        $seed = [];
        for ($i = 0; $i < self::SEEDED; $i++) {
            $seed["s$i"] = "v$i";
        }
        $this->assertTrue(mr_peer($old)->setMulti($seed));

        /* ?from=N: reads HITS_PER_REQUEST seeded keys from N on and MISSES_PER_REQUEST
         * absent ones; ?stats=1: this worker's view of the pool's counters */
        $script = sprintf(<<<'PHP'
        <?php
        $m = new MemRehash(%s, %s, ['name' => %s]);
        header('Content-Type: application/json');
        if (isset($_GET['stats'])) {
            echo json_encode(['pid' => getmypid(), 'stats' => $m->stats()]);
            return;
        }
        $from = (int)$_GET['from'];
        $found = 0;
        for ($i = 0; $i < %d; $i++) {
            $found += $m->get('s' . (($from + $i) %% %d)) !== false;
        }
        for ($i = 0; $i < %d; $i++) {
            $found += $m->get('absent-' . $from . '-' . $i) !== false;
        }
        usleep(10000); /* long enough for the other workers to take requests too */
        echo json_encode(['pid' => getmypid(), 'found' => $found]);
        PHP, var_export($old, true), var_export($new, true), var_export($name, true),
            self::HITS_PER_REQUEST, self::SEEDED, self::MISSES_PER_REQUEST);
        file_put_contents("$this->tmp/www/read.php", $script);
        $this->startServer();

        /* request r reads keys from r*3: neighbours overlap, so workers race on moves */
        $paths = [];
        for ($r = 0; $r < self::REQUESTS; $r++) {
            $paths[] = '/read.php?from=' . ($r * 3 % self::SEEDED);
        }
        $pids = [];
        $found = 0;
        foreach ($this->fetchAll($paths) as $i => $body) {
            $j = json_decode($body, true);
            $this->assertIsArray($j, "request $i answered: $body");
            $this->assertLessThanOrEqual(self::HITS_PER_REQUEST, $j['found'], "request $i: an absent key was found");
            $found += $j['found'];
            $pids[$j['pid']] = true;
        }
        $this->assertGreaterThanOrEqual(2, count($pids), 'requests were served by several worker processes');
        /* a get may miss a key that another worker moves between its look at
         * new and its look at old (docs/DESIGN.md, "How a key moves": no re-read): rare */
        $this->assertGreaterThanOrEqual((int)(0.95 * self::REQUESTS * self::HITS_PER_REQUEST), $found);

        $gets = self::REQUESTS * (self::HITS_PER_REQUEST + self::MISSES_PER_REQUEST);
        $served = json_decode($this->fetchAll(['/read.php?stats=1'])[0], true)['stats'];
        $this->assertSame($gets, $served['gets'], 'one request\'s stats() counts the gets of every worker');
        $this->assertSame($found, $served['new_hits'] + $served['old_hits'], 'hits counted = keys the requests found');
        $this->assertSame($gets - $found, $served['misses'], 'misses counted = keys the requests did not find');
        $this->assertSame($served['gets'], $served['new_hits'] + $served['old_hits'] + $served['misses']);
        $this->assertSame($served['old_hits'], $served['migrated'] + $served['raced'] + $served['move_failed']);
        $distinct = count(array_unique(array_map(fn($p) => (int)substr($p, 15), $paths)));
        $this->assertSame(0, $served['errors']);
        $this->assertGreaterThan(0, $served['migrated']);
        $this->assertLessThanOrEqual(min(self::SEEDED, $distinct * self::HITS_PER_REQUEST), $served['migrated']);

        /* a CLI process with the same counters file reads the same numbers */
        $cli = proc_open(array_merge($this->php(), ['-r', 'echo json_encode(MemRehash::allStats()[$argv[1]] ?? null);', '--', $name]),
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $this->assertSame(0, proc_close($cli), $err);
        $fromCli = json_decode($out, true);
        $this->assertIsArray($fromCli, "the CLI sees the pool: $out $err");
        unset($served['trend'], $fromCli['trend']);
        $this->assertSame($served, $fromCli, 'the CLI reads exactly what the server counted');
    }
}
