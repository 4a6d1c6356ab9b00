<?php
use PHPUnit\Framework\TestCase;

/**
 * bin/memrehash, the command-line tool: run as a separate PHP process (the
 * same PHP binary, with the memrehash.so this run loaded), against the test
 * memcached servers of tests/config.inc.
 */
final class CliTest extends TestCase
{
    private static string $so;
    private static string $bin;
    private string $counters;

    public static function setUpBeforeClass(): void
    {
        self::$bin = realpath(__DIR__ . '/../../bin/memrehash') ?: __DIR__ . '/../../bin/memrehash';
        self::$so = self::loadedSo();
    }

    /** Returns the path of the memrehash.so this process loaded. */
    private static function loadedSo(): string
    {
        /* the mapping of this very process says which file it loaded */
        $maps = @file_get_contents('/proc/self/maps');
        if (is_string($maps) && preg_match('~\s(/\S*memrehash\.so)$~m', $maps, $m)) {
            return $m[1];
        }
        foreach ([getenv('MR_EXT'), getenv('MEMREHASH_SO'), __DIR__ . '/../../modules/memrehash.so'] as $p) {
            if (is_string($p) && $p !== '' && is_file($p)) {
                return realpath($p);
            }
        }
        throw new RuntimeException('cannot tell where memrehash.so was loaded from');
    }

    protected function setUp(): void
    {
        mr_flush_all();
        $this->counters = tempnam(sys_get_temp_dir(), 'mrcli-counters-');
        unlink($this->counters); /* the extension makes it, with its own layout */
    }

    protected function tearDown(): void
    {
        if (is_file($this->counters)) {
            unlink($this->counters);
        }
    }

    /**
     * Runs bin/memrehash; returns [exit code, stdout, stderr].
     * $php: the PHP arguments (default: load this run's memrehash.so and a
     * counters file of this test); $during(resource $proc, float $elapsed,
     * string $stderrSoFar) is called while it runs.
     */
    private function cli(array $args, ?array $php = null, array $env = [], ?callable $during = null, float $timeout = 120): array
    {
        $php ??= ['-d', 'extension=' . self::$so, '-d', 'memrehash.counters_file=' . $this->counters];
        $out = tempnam(sys_get_temp_dir(), 'mrcli-out-');
        $err = tempnam(sys_get_temp_dir(), 'mrcli-err-');
        $environment = array_merge(getenv(), $env);
        unset($environment['MEMREHASH_CLI_REEXEC'], $environment['COLUMNS']);
        $proc = proc_open([PHP_BINARY, ...$php, self::$bin, ...$args],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $out, 'w'], 2 => ['file', $err, 'w']], $pipes, null, $environment);
        $this->assertIsResource($proc);
        $start = microtime(true);
        $code = null;
        while (true) {
            $st = proc_get_status($proc);
            if (!$st['running']) {
                $code = $st['exitcode'];
                break;
            }
            $elapsed = microtime(true) - $start;
            if ($elapsed > $timeout) {
                proc_terminate($proc, SIGKILL);
                proc_close($proc);
                $this->fail('bin/memrehash ' . implode(' ', $args) . " did not finish within $timeout s");
            }
            if ($during) {
                $during($proc, $elapsed, (string)file_get_contents($err));
            }
            usleep(20000);
        }
        proc_close($proc);
        $stdout = file_get_contents($out);
        $stderr = file_get_contents($err);
        unlink($out);
        unlink($err);
        return [$code, $stdout, $stderr];
    }

    /** Runs bin/memrehash with --json; returns [exit code, decoded stdout, stderr]. */
    private function cliJson(array $args, ?callable $during = null): array
    {
        [$code, $out, $err] = $this->cli([...$args, '--json'], null, [], $during);
        $json = json_decode($out, true);
        $this->assertIsArray($json, "--json prints JSON; got:\n$out\nstderr:\n$err");
        return [$code, $json, $err];
    }

    /** Writes $n keys through PECL Memcached over $servers; returns them. */
    private function writeKeys(array $servers, int $n, string $tag = 'cli', int $size = 100, bool $ketama = false): array
    {
        $m = mr_peer($servers, $ketama);
        $items = [];
        for ($i = 0; $i < $n; $i++) {
            $items["$tag:$i"] = match ($i % 4) {
                0 => str_repeat(chr(97 + $i % 26), $size) . $i,
                1 => $i * 7,
                2 => ['i' => $i, 'list' => [1, 2, 3], 'pad' => str_repeat('x', $size % 50)],
                3 => $i / 4,
            };
        }
        foreach (array_chunk($items, 500, true) as $chunk) {
            $this->assertTrue($m->setMulti($chunk), 'Memcached::setMulti: ' . $m->getResultMessage());
        }
        return $items;
    }

    /** Asserts that Memcached over $servers reads every item back as written. */
    private function assertReadsAll(array $servers, array $items): void
    {
        $m = mr_peer($servers);
        $got = [];
        foreach (array_chunk(array_keys($items), 500) as $keys) {
            $got += $m->getMulti($keys) ?: [];
        }
        $missing = array_diff_key($items, $got);
        $this->assertSame([], array_slice(array_keys($missing), 0, 10), count($missing) . ' keys are missing');
        foreach ($items as $k => $v) {
            $this->assertSame($v, $got[$k], "value of $k");
        }
    }

    /** Returns the number of live items on each server. */
    private function items(array $servers): array
    {
        /* live items, from metadump: `curr_items` still counts what an
         * earlier test's flush_all invalidated until memcached reaps it.
         * The hash walk lists every linked item (the LRU walk, "all",
         * passes over items being relinked or locked) */
        $out = [];
        foreach ($servers as $s) {
            for ($try = 0; $try < 50; $try++) {
                $dump = mr_raw($s, 'lru_crawler metadump hash');
                if (!str_starts_with($dump, 'BUSY')) {
                    break;
                }
                usleep(100000); // another crawl is running
            }
            $this->assertStringEndsWith("END\r\n", $dump, "metadump of $s");
            $out[$s] = preg_match_all('/^key=/m', $dump);
        }
        return $out;
    }

    /** Returns a 127.0.0.1 port where nothing listens. */
    private function closedPort(): int
    {
        $srv = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int)substr(strrchr(stream_socket_get_name($srv, false), ':'), 1);
        fclose($srv);
        return $port;
    }

    /* ---- usage ---- */

    public function testHelpPrintsUsageAndExitCodes(): void
    {
        [$code, $out, $err] = $this->cli(['--help']);
        $this->assertSame(0, $code, $err);
        $this->assertSame('', $err);
        foreach (['Usage:', 'memrehash drain', 'memrehash copy', 'memrehash status', '--old=', '--new=', '--server=',
            '--rate=', '--bytes-rate=', '--batch=', '--fill-limit=', '--distribution=', '--hash=', '--json', '--quiet',
            'Exit codes:', 'MEMREHASH_SO'] as $text) {
            $this->assertStringContainsString($text, $out);
        }
        foreach ([0, 1, 2, 3, 4] as $exit) {
            $this->assertMatchesRegularExpression("/^\\s+$exit\\s+\\S/m", $out, "exit code $exit is documented");
        }
        [$code2, $out2] = $this->cli(['help']);
        $this->assertSame(0, $code2);
        $this->assertSame($out, $out2);
        [$code3, $out3] = $this->cli(['drain', '-h']);
        $this->assertSame(0, $code3);
        $this->assertSame($out, $out3);
    }

    public function testHelpNeedsNoExtension(): void
    {
        [$code, $out] = $this->cli(['--help'], ['-n']);
        $this->assertSame(0, $code);
        $this->assertStringContainsString('Usage:', $out);
    }

    public function testVersion(): void
    {
        [$code, $out, $err] = $this->cli(['--version']);
        $this->assertSame(0, $code, $err);
        $this->assertStringContainsString('memrehash ' . phpversion('memrehash'), $out);
        $this->assertStringContainsString(PHP_VERSION, $out);
    }

    public function testReexecsWithMemrehashSoWhenTheExtensionIsNotLoaded(): void
    {
        /* -n: no php.ini, so no memrehash: the tool runs PHP again with -d extension=$MEMREHASH_SO */
        [$code, $out, $err] = $this->cli(['--version'], ['-n'], ['MEMREHASH_SO' => self::$so]);
        $this->assertSame(0, $code, $err);
        $this->assertStringContainsString('memrehash ' . phpversion('memrehash'), $out);
    }

    public function testMissingExtensionExitsThree(): void
    {
        [$code, $out, $err] = $this->cli(['status'], ['-n'], ['MEMREHASH_SO' => '/nonexistent/memrehash.so']);
        $this->assertSame(3, $code);
        $this->assertSame('', $out);
        $this->assertStringContainsString('memrehash extension is not loaded', $err);
        $this->assertStringContainsString('/nonexistent/memrehash.so', $err);

        /* the default name, "memrehash.so" from extension_dir: PHP's warning, then ours */
        [$code, , $err] = $this->cli(['status', '--json'], ['-n'], ['MEMREHASH_SO' => '']);
        if (is_file(ini_get('extension_dir') . '/memrehash.so')) {
            $this->assertSame(0, $code, $err); /* installed: the re-run loads it */
        } else {
            $this->assertSame(3, $code);
            $this->assertStringContainsString('memrehash extension is not loaded', $err);
            $this->assertStringContainsString('MEMREHASH_SO', $err);
        }
    }

    public static function badArguments(): array
    {
        $o = '--old=127.0.0.1:1,127.0.0.1:2';
        $n = '--new=127.0.0.1:3';
        return [
            'no command' => [[], 'no command'],
            'unknown command' => [['frobnicate'], 'unknown command'],
            'two commands' => [['drain', 'copy', $o, $n], 'one command at a time'],
            'unknown flag' => [['status', '--bogus'], 'unknown option --bogus'],
            'unknown short flag' => [['status', '-x'], 'unknown option -x'],
            'flag with a value it does not take' => [['status', '--json=yes'], '--json takes no value'],
            'flag without its value' => [['drain', $o, $n, '--rate'], '--rate needs a value'],
            'drain without lists' => [['drain'], 'needs --old and --new'],
            'copy without new' => [['copy', $o], 'needs --old and --new'],
            'status with one list' => [['status', $o], 'both --old and --new'],
            'malformed server' => [['drain', '--old=localhost', $n], '"localhost" is not'],
            'empty list' => [['drain', '--old=,', $n], 'empty'],
            'port out of range' => [['drain', '--old=127.0.0.1:99999', $n], 'out of range'],
            'server not in old' => [['drain', $o, $n, '--server=127.0.0.1:3'], 'not one of the --old servers'],
            'bad rate' => [['drain', $o, $n, '--rate=fast'], '--rate'],
            'bad bytes rate' => [['drain', $o, $n, '--bytes-rate=10X'], '--bytes-rate'],
            'batch zero' => [['drain', $o, $n, '--batch=0'], '--batch'],
            'batch too big' => [['drain', $o, $n, '--batch=10001'], '--batch'],
            'fill limit above one' => [['drain', $o, $n, '--fill-limit=1.5'], '--fill-limit'],
            'fill limit percent above 100' => [['drain', $o, $n, '--fill-limit=150%'], '--fill-limit'],
            'unknown distribution' => [['drain', $o, $n, '--distribution=roundrobin'], '--distribution'],
            'unknown hash' => [['drain', $o, $n, '--hash=sha1'], '--hash'],
            'unknown old hash' => [['drain', $o, $n, '--old-hash=sha1'], '--old-hash'],
            'bad timeout' => [['drain', $o, $n, '--timeout=0'], '--timeout'],
            'prefix with a space' => [['drain', $o, $n, '--prefix=a b'], 'prefix'],
            'server on status' => [['status', $o, $n, '--server=127.0.0.1:1'], '--server'],
        ];
    }

    /** @dataProvider badArguments */
    public function testBadArgumentsExitTwo(array $args, string $message): void
    {
        [$code, $out, $err] = $this->cli($args);
        $this->assertSame(2, $code, "stdout: $out\nstderr: $err");
        $this->assertStringContainsString($message, $err);
        $this->assertStringContainsString('--help', $err);
        $this->assertSame('', $out);
    }

    /* ---- drain ---- */

    public function testDrainMovesThousandsOfKeysFromThreeServersToTwo(): void
    {
        $old = mr_servers(3, 0);
        $new = mr_servers(2, 3);
        $items = $this->writeKeys($old, 6000);
        $this->assertTrue(mr_peer($old)->set('cli:ttl', 'lives a while', 1000));
        $items['cli:ttl'] = 'lives a while';
        $before = array_sum($this->items($old));
        $this->assertSame(count($items), $before);

        [$code, $r, $err] = $this->cliJson(['drain', '--old=' . implode(',', $old), '--new=' . implode(',', $new)]);
        $this->assertSame(0, $code, $err);
        $this->assertSame('done', $r['stopped']);
        foreach (['scanned', 'moved', 'raced', 'skipped', 'expired', 'errors', 'bytes', 'seconds', 'stopped', 'passes'] as $k) {
            $this->assertArrayHasKey($k, $r);
        }
        $this->assertSame(count($items), $r['moved'], json_encode($r));
        $this->assertSame(0, $r['errors']);
        $this->assertGreaterThan(0, $r['bytes']);
        $this->assertSame(0, array_sum($this->items($old)), 'the old servers are empty');
        $this->assertReadsAll($new, $items);

        /* the remaining TTL came along */
        $target = mr_peer($new)->getServerByKey('cli:ttl');
        $this->assertMatchesRegularExpression('/^HD t(\d+)/', mr_raw($target['host'] . ':' . $target['port'], 'mg cli:ttl t'));
        preg_match('/t(\d+)/', mr_raw($target['host'] . ':' . $target['port'], 'mg cli:ttl t'), $m);
        $this->assertGreaterThan(900, (int)$m[1]);
        $this->assertLessThanOrEqual(1000, (int)$m[1]);

        /* running again finds nothing to do */
        [$code, $r2, $err] = $this->cliJson(['drain', '--old=' . implode(',', $old), '--new=' . implode(',', $new)]);
        $this->assertSame(0, $code, $err);
        $this->assertSame(0, $r2['moved']);
        $this->assertSame('done', $r2['stopped']);
    }

    public function testDrainOneServerKetamaMovesOnlyItsKeys(): void
    {
        $old = mr_servers(3, 0);
        $new = mr_servers(2, 0);
        $items = $this->writeKeys($old, 3000, 'ket', 100, true);
        $before = $this->items($old);
        $gone = $old[2];

        [$code, $r, $err] = $this->cliJson(['drain', '--old=' . implode(',', $old), '--new=' . implode(',', $new),
            '--server=' . $gone, '--distribution=ketama']);
        $this->assertSame(0, $code, $err);
        $this->assertSame('done', $r['stopped']);
        $this->assertSame($before[$gone], $r['moved'], 'every key of the drained server moved');
        $after = $this->items($old);
        $this->assertSame(0, $after[$gone]);
        $this->assertSame($before[$old[0]] + $before[$old[1]] + $before[$gone], $after[$old[0]] + $after[$old[1]]);
        $m2 = mr_peer($new, true);
        $got = $m2->getMulti(array_keys($items));
        $this->assertCount(count($items), $got, 'Memcached (ketama) over the new list reads everything');
    }

    public function testCopyLeavesTheSourceIntact(): void
    {
        $src = mr_servers(1, 0);
        $dst = mr_servers(1, 1);
        $items = $this->writeKeys($src, 2000, 'copy');

        [$code, $r, $err] = $this->cliJson(['copy', '--old=' . $src[0], '--new=' . $dst[0]]);
        $this->assertSame(0, $code, $err);
        $this->assertSame('done', $r['stopped']);
        $this->assertSame(2000, $r['moved']);
        $this->assertSame(1, $r['passes']);
        $this->assertReadsAll($src, $items);
        $this->assertReadsAll($dst, $items);

        /* again: nothing new to copy, the source still untouched; the walk
         * (memcached's hash table) sees all 2000, every one already there */
        [$code, $r, $err] = $this->cliJson(['copy', '--old=' . $src[0], '--new=' . $dst[0]]);
        $this->assertSame(0, $code, $err);
        $this->assertSame(0, $r['moved']);
        $this->assertSame(2000, $r['skipped']);
        $this->assertSame(2000, $r['scanned'], 'everything the walk saw is already at the target');
        $this->assertReadsAll($src, $items);
        $this->assertSame([$src[0] => 2000], $this->items($src));
    }

    public function testPlainOutputWhenNotATerminal(): void
    {
        $old = mr_servers(1, 0);
        $new = mr_servers(1, 1);
        $this->writeKeys($old, 1500, 'plain');
        [$code, $out, $err] = $this->cli(['drain', '--old=' . $old[0], '--new=' . $new[0], '--rate=1500', '--interval=0.2']);
        $this->assertSame(0, $code, $err);
        $this->assertMatchesRegularExpression('/^drain done: scanned 1500, moved 1500, raced 0, .*errors 0, .* keys\/s/m', $out);
        $this->assertStringNotContainsString("\r", $err, 'no bar when not on a terminal');
        /* out of the source's curr_items, which still counts items flush_all invalidated */
        $this->assertMatchesRegularExpression('/^memrehash drain: \d+\.\d% scanned \d+\/\d+, moved \d+, .* keys\/s, .*ETA/m', $err);

        $this->writeKeys($old, 500, 'quiet');
        [$code, $out, $err] = $this->cli(['drain', '--old=' . $old[0], '--new=' . $new[0], '--quiet']);
        $this->assertSame(0, $code, $err);
        $this->assertSame('', $out);
        $this->assertSame('', $err);
    }

    public function testProgressBarOnATerminal(): void
    {
        $old = mr_servers(1, 0);
        $new = mr_servers(1, 1);
        $this->writeKeys($old, 1500, 'bar');
        $proc = proc_open([PHP_BINARY, '-d', 'extension=' . self::$so, self::$bin, 'drain', '--old=' . $old[0],
            '--new=' . $new[0], '--rate=2000'], [0 => ['pty'], 1 => ['pty'], 2 => ['pty']], $pipes, null,
            array_merge(getenv(), ['COLUMNS' => '120']));
        $this->assertIsResource($proc);
        $screen = '';
        $deadline = microtime(true) + 60;
        stream_set_blocking($pipes[1], false);
        $code = null;
        while (microtime(true) < $deadline) {
            $r = [$pipes[1]];
            $w = $e = null;
            if (@stream_select($r, $w, $e, 0, 100000)) {
                $chunk = @fread($pipes[1], 65536);
                if (is_string($chunk)) {
                    $screen .= $chunk;
                }
            }
            $st = proc_get_status($proc);
            if (!$st['running']) {
                $code = $st['exitcode'];
                while (is_string($chunk = @fread($pipes[1], 65536)) && $chunk !== '') {
                    $screen .= $chunk;
                }
                break;
            }
        }
        foreach ($pipes as $p) {
            @fclose($p);
        }
        proc_close($proc);
        $this->assertSame(0, $code, $screen);
        $this->assertGreaterThan(3, substr_count($screen, "\r"), 'the bar is redrawn in place');
        $this->assertMatchesRegularExpression('/\rdrain \[#+-*\]\s+\d+\.\d%\s+\d+\/\S+\s+moved \d+\s+\d+ keys\/s\s+[\d.]+ MB\/s\s+ETA \d+:\d\d/', $screen);
        $this->assertMatchesRegularExpression('/\rdrain \[#{40}\]\s+100%/', $screen);
        $this->assertStringContainsString('drain done: scanned 1500, moved 1500', $screen);
    }

    public function testInterruptedDrainStopsCleanlyAndRunsAgain(): void
    {
        $old = mr_servers(3, 0);
        $new = mr_servers(2, 3);
        $items = $this->writeKeys($old, 4000, 'int');
        $args = ['drain', '--old=' . implode(',', $old), '--new=' . implode(',', $new)];
        $sent = false;
        [$code, $r, $err] = $this->cliJson([...$args, '--rate=1000', '--interval=0.3'], static function ($proc, float $t, string $err) use (&$sent): void {
            /* once a progress line shows the drain under way */
            if (!$sent && str_contains($err, '% scanned')) {
                proc_terminate($proc, SIGINT);
                $sent = true;
            }
        });
        $this->assertTrue($sent);
        $this->assertSame(1, $code, $err);
        $this->assertSame('callback', $r['stopped']);
        $this->assertGreaterThan(0, $r['moved']);
        $this->assertLessThan(4000, $r['moved']);
        $this->assertStringContainsString('interrupted', $err);
        $this->assertStringContainsString('run the same command again', $err);
        /* nothing lost: every key is at its old or new place */
        $this->assertSame(4000, array_sum($this->items($old)) + array_sum($this->items($new)));

        [$code, $r2, $err] = $this->cliJson($args);
        $this->assertSame(0, $code, $err);
        $this->assertSame('done', $r2['stopped']);
        $this->assertSame(4000, $r['moved'] + $r2['moved'], 'every key moved once');
        $this->assertReadsAll($new, $items);
    }

    public function testFillLimitStopsWithExitOne(): void
    {
        $small = MR_SMALL;
        $this->assertNotNull($small, 'tests/config.inc names a small server (the sixth)');
        preg_match('/^STAT limit_maxbytes (\d+)/m', mr_raw($small, 'stats'), $m);
        $limit = (int)$m[1];
        $src = mr_servers(1, 0);
        /* more than half of the small server's memory */
        $n = (int)ceil($limit * 0.7 / 1000);
        $m = mr_peer($src);
        $batch = [];
        for ($i = 0; $i < $n; $i++) {
            $batch["fill:$i"] = str_repeat('f', 1000);
            if (count($batch) === 500) {
                $this->assertTrue($m->setMulti($batch));
                $batch = [];
            }
        }
        if ($batch) {
            $this->assertTrue($m->setMulti($batch));
        }
        preg_match('/^STAT evictions (\d+)/m', mr_raw($small, 'stats'), $ev);
        [$code, $r, $err] = $this->cliJson(['drain', '--old=' . $src[0], '--new=' . $small, '--fill-limit=50%']);
        $this->assertSame(1, $code, $err);
        $this->assertSame('fill_limit', $r['stopped']);
        $this->assertLessThan($n, $r['moved']);
        $this->assertStringContainsString('fill-limit', $err);
        preg_match('/^STAT evictions (\d+)/m', mr_raw($small, 'stats'), $ev2);
        $this->assertSame($ev[1], $ev2[1], 'the small server did not evict');
        $this->assertSame($n, array_sum($this->items([$src[0], $small])), 'nothing lost');
    }

    public function testUnreachableServerExitsThree(): void
    {
        $dead = '127.0.0.1:' . $this->closedPort();
        $live = mr_servers(2, 0);
        [$code, $out, $err] = $this->cli(['drain', '--old=' . $dead . ',' . $live[0], '--new=' . $live[1]]);
        $this->assertSame(3, $code, $out);
        $this->assertStringContainsString("cannot reach $dead", $err);

        [$code, , $err] = $this->cli(['copy', '--old=' . $live[0], '--new=' . $dead]);
        $this->assertSame(3, $code);
        $this->assertStringContainsString("cannot reach $dead", $err);

        /* draining only a live server of the list does not need the dead one */
        [$code, , $err] = $this->cli(['drain', '--old=' . $dead . ',' . $live[0], '--new=' . $live[1], '--server=' . $live[0], '-q']);
        $this->assertSame(0, $code, $err);

        [$code, $out, $err] = $this->cli(['status', '--old=' . $live[0], '--new=' . $dead]);
        $this->assertSame(3, $code);
        $this->assertStringContainsString('drained', $out, 'status still prints what it has');
        $this->assertStringContainsString("cannot reach $dead", $err);
    }

    /* ---- which pool, and who may read the counters ---- */

    /** Creates pool $name over $old -> $new in the shared counters of this test (as an app would). */
    private function appPool(array $old, array $new, string $name): void
    {
        $code = sprintf('new MemRehash(%s, %s, ["name" => %s]);', var_export($old, true), var_export($new, true), var_export($name, true));
        $rc = null;
        passthru(sprintf('%s -d extension=%s -d memrehash.counters_file=%s -r %s', escapeshellarg(PHP_BINARY),
            escapeshellarg(self::$so), escapeshellarg($this->counters), escapeshellarg($code)), $rc);
        $this->assertSame(0, $rc);
    }

    /** Returns the pool names in this test's counters file, as the CLI sees them. */
    private function poolsInCounters(): array
    {
        [$code, $all, $err] = $this->cliJson(['status']);
        $this->assertSame(0, $code, $err);
        $names = array_map('strval', array_keys($all));
        sort($names);
        return $names;
    }

    public function testStatusAndDrainRefuseWhenTwoPoolsCouldBeMeant(): void
    {
        $old = mr_servers(1, 0);
        $new = mr_servers(1, 1);
        $this->appPool($old, $new, 'cli-app-a');
        $this->appPool($old, $new, 'cli-app-b');
        $this->writeKeys($old, 50, 'two');
        $lists = ['--old=' . $old[0], '--new=' . $new[0]];

        [$code, , $err] = $this->cli(['status', ...$lists]);
        $this->assertSame(2, $code, $err);
        $this->assertStringContainsString('2 pools in the shared counters use these servers (cli-app-a, cli-app-b): say which with --name', $err);
        [$code, , $err] = $this->cli(['drain', ...$lists]);
        $this->assertSame(2, $code, $err);
        $this->assertStringContainsString('say which with --name', $err);
        $this->assertSame(50, array_sum($this->items($old)), 'the refused drain moved nothing');
        $this->assertSame(['cli-app-a', 'cli-app-b'], $this->poolsInCounters(), 'and created no pool');

        [$code, $s, $err] = $this->cliJson(['drain', ...$lists, '--name=cli-app-b']);
        $this->assertSame(0, $code, $err);
        $this->assertSame(50, $s['moved']);
        [$code, $s, $err] = $this->cliJson(['status', ...$lists, '--name=cli-app-b']);
        $this->assertSame(0, $code, $err);
        $this->assertSame(50, $s['drained'], 'the drain counted into the pool it was told');
    }

    public function testStatusNeverCreatesAPoolAndFindsTheOneMeant(): void
    {
        $old = mr_servers(1, 0);
        $new = mr_servers(1, 1);
        $lists = ['--old=' . $old[0], '--new=' . $new[0]];
        $this->appPool($old, $new, 'cli-app-only');
        $this->appPool(mr_servers(1, 2), mr_servers(1, 3), 'cli-app-other');

        /* lists no pool uses: refused, and nothing new in the counters */
        [$code, , $err] = $this->cli(['status', '--old=' . $new[0], '--new=' . $old[0]]);
        $this->assertSame(2, $code, $err);
        $this->assertStringContainsString('no pool in the shared counters uses these --old/--new lists (pools there: cli-app-only, cli-app-other)', $err);
        [$code, , $err] = $this->cli(['status', ...$lists, '--name=cli-nonesuch']);
        $this->assertSame(2, $code, $err);
        $this->assertStringContainsString('no pool named "cli-nonesuch"', $err);
        $this->assertSame(['cli-app-only', 'cli-app-other'], $this->poolsInCounters());

        /* the one pool of these lists, found without --name */
        [$code, $s, $err] = $this->cliJson(['status', ...$lists]);
        $this->assertSame(0, $code, $err);
        $this->assertSame('cli-app-only', $s['name']);

        /* a drain of lists no pool uses counts into the name the app derives, and says so */
        $this->writeKeys(mr_servers(1, 4), 10, 'derive');
        [$code, $r, $err] = $this->cliJson(['drain', '--old=' . mr_servers(1, 4)[0], '--new=' . $new[0]]);
        $this->assertSame(0, $code, $err);
        $this->assertSame(10, $r['moved']);
        $this->assertMatchesRegularExpression('/counting into pool ".+", new in the shared counters/', $err);
        $derived = (new MemRehash(mr_servers(1, 4), $new))->stats()['name'];
        $this->assertContains($derived, $this->poolsInCounters(), 'the same name the application derives');
    }

    /** Copies the CLI and the extension where another user can read them; returns [bin, so]. */
    private function readableCopies(string $dir): array
    {
        @mkdir($dir, 0755);
        chmod($dir, 0755);
        copy(self::$bin, "$dir/memrehash");
        copy(self::$so, "$dir/memrehash.so");
        chmod("$dir/memrehash", 0755);
        chmod("$dir/memrehash.so", 0755);
        return ["$dir/memrehash", "$dir/memrehash.so"];
    }

    /** Runs the CLI as user nobody; returns [exit code, stdout, stderr]. */
    private function cliAsNobody(array $args, string $bin, string $so, string $counters): array
    {
        $cmd = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', PHP_BINARY, '-d', "extension=$so",
            '-d', "memrehash.counters_file=$counters", $bin, ...$args];
        $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        return [proc_close($p), $out, $err];
    }

    public function testCountersFileModeAndGroupLetAnotherUserRead(): void
    {
        $this->assertSame(0, posix_geteuid(), 'this test runs the CLI as another user: it needs root (CI runs as root)');
        $dir = sys_get_temp_dir() . '/mrcli-perm-' . getmypid();
        [$bin, $so] = $this->readableCopies($dir);
        $file = "$dir/counters";
        chmod($dir, 0777);

        /* the default: 0600, the owner's only; another user gets a clear error, not "no pools" */
        passthru(sprintf('%s -d extension=%s -d memrehash.counters_file=%s -r %s', escapeshellarg(PHP_BINARY), escapeshellarg($so),
            escapeshellarg($file), escapeshellarg('new MemRehash(["' . mr_servers(1)[0] . '"], ["' . mr_servers(1, 1)[0] . '"], ["name" => "perm-app"]);')));
        $this->assertSame(0600, fileperms($file) & 0777);
        [$code, $out, $err] = $this->cliAsNobody(['status'], $bin, $so, $file);
        $this->assertSame(3, $code, $out . $err);
        $this->assertStringContainsString("memrehash.counters_file $file cannot be read and written as uid 65534", $err);
        $this->assertStringContainsString('memrehash.counters_file_group', $err);
        $this->assertStringNotContainsString('no pools', $out);
        unlink($file);

        /* mode 0660 and a group the other user is in: it reads the application's pools */
        passthru(sprintf('%s -d extension=%s -d memrehash.counters_file=%s -d memrehash.counters_file_mode=0660 '
            . '-d memrehash.counters_file_group=nogroup -r %s', escapeshellarg(PHP_BINARY), escapeshellarg($so),
            escapeshellarg($file), escapeshellarg('new MemRehash(["' . mr_servers(1)[0] . '"], ["' . mr_servers(1, 1)[0] . '"], ["name" => "perm-app"]);')));
        $st = stat($file);
        $this->assertSame(0660, $st['mode'] & 0777);
        $this->assertSame(65534, $st['gid']);
        [$code, $out, $err] = $this->cliAsNobody(['status', '--json'], $bin, $so, $file);
        $this->assertSame(0, $code, $err);
        $this->assertArrayHasKey('perm-app', json_decode($out, true), $out);

        /* bad values are refused with a message, and the process keeps counters of its own */
        $r = shell_exec(sprintf('%s -d extension=%s -d memrehash.counters_file=%s -d memrehash.counters_file_mode=0644x -r "echo 1;" 2>&1',
            escapeshellarg(PHP_BINARY), escapeshellarg($so), escapeshellarg("$dir/other")));
        $this->assertStringContainsString('memrehash.counters_file_mode "0644x" is not an octal file mode', $r);
        $r = shell_exec(sprintf('%s -d extension=%s -d memrehash.counters_file=%s -d memrehash.counters_file_group=no-such-group -r "echo 1;" 2>&1',
            escapeshellarg(PHP_BINARY), escapeshellarg($so), escapeshellarg("$dir/other")));
        $this->assertStringContainsString('memrehash.counters_file_group "no-such-group" is neither a group name nor a group id', $r);
        foreach (glob("$dir/*") as $f) {
            unlink($f);
        }
        rmdir($dir);
    }

    /* ---- status ---- */

    public function testStatusPrintsTheCounters(): void
    {
        $old = mr_servers(2, 0);
        $new = mr_servers(1, 2);
        $name = 'clitest-' . getmypid();
        $this->writeKeys($old, 1200, 'st');
        $lists = ['--old=' . implode(',', $old), '--new=' . implode(',', $new), "--name=$name"];
        [$code, $r, $err] = $this->cliJson(['drain', ...$lists]);
        $this->assertSame(0, $code, $err);
        $this->assertSame(1200, $r['moved']);

        [$code, $out, $err] = $this->cli(['status', ...$lists]);
        $this->assertSame(0, $code, $err);
        $this->assertStringContainsString("pool $name", $out);
        $this->assertMatchesRegularExpression('/^\s+drained\s+1200$/m', $out);
        $this->assertMatchesRegularExpression('/^\s+state\s+migrating$/m', $out);
        $this->assertMatchesRegularExpression('/^\s+server\s+role\s+moved_out\s+moved_in\s+errors\s+up\s+items/m', $out);
        $this->assertMatchesRegularExpression('/^\s+' . preg_quote($new[0], '/') . '\s+new\s+0\s+1200\s+0\s+yes\s+1200\s/m', $out);

        [$code, $s, $err] = $this->cliJson(['status', ...$lists]);
        $this->assertSame(0, $code, $err);
        $this->assertSame($name, $s['name']);
        $this->assertSame(1200, $s['drained']);
        $this->assertSame(1200, $s['servers'][$old[0]]['moved_out'] + $s['servers'][$old[1]]['moved_out']);
        $this->assertSame(1200, $s['servers'][$new[0]]['moved_in']);
        $this->assertTrue($s['memcached'][$new[0]]['reachable']);
        $this->assertSame(1200, $s['memcached'][$new[0]]['curr_items']);

        /* every pool in the shared counters */
        [$code, $all, $err] = $this->cliJson(['status']);
        $this->assertSame(0, $code, $err);
        $this->assertArrayHasKey($name, $all);
        $this->assertSame(1200, $all[$name]['drained']);
        [$code, $out] = $this->cli(['status']);
        $this->assertSame(0, $code);
        $this->assertStringContainsString("pool $name", $out);
    }

    public function testStatusWithoutCountersFileSaysSo(): void
    {
        [$code, $out, $err] = $this->cli(['status'], ['-d', 'extension=' . self::$so, '-d', 'memrehash.counters_file=']);
        $this->assertSame(0, $code, $err);
        $this->assertStringContainsString('no pools', $out);
        $this->assertStringContainsString('memrehash.counters_file is not set', $err);
    }
}
