<?php
/*
 * A hostile memcached stand-in for tests: it speaks just enough of the meta
 * protocol (mg, ms, md, ma, mn; version, stats) to be talked to, and then
 * misbehaves in the way its MODE says.
 *
 *   php tests/tools/hostile_server.php MODE [PORT] [LIFETIME]
 *
 * Listens on 127.0.0.1:PORT (0 or none: a free port), prints "PORT <n>" on
 * stdout once listening, and exits when its stdin closes (the test is gone),
 * on SIGTERM, or after LIFETIME seconds (default 120): it never outlives a
 * test by much.
 *
 * Modes (every reply is to the request it answers, in order, unless said):
 *   good         a correct server (in-memory store): the control
 *   garbage      answers every request with a line that is no reply at all
 *   binary       answers with random bytes, CRLF-terminated
 *   truncated    sends the first part of a correct reply, then nothing more
 *   hugelen      "VA 999999999999 ..." (more than any item can be)
 *   biglen       "VA 1073741824 ..." (1 GiB, the largest legal item) and
 *                then only a few bytes of it, slowly: the client must not
 *                reserve a gigabyte on the server's word
 *   wrongopaque  correct replies, but for another request (O<n+1000>)
 *   reorder      correct replies, pipelined ones in reverse order
 *   extra        a correct reply followed by one nobody asked for
 *   split        correct replies, one byte per packet, 2 ms apart
 *   trickle      correct replies, one byte per packet, 50 ms apart: slower
 *                than any test timeout, so the deadline must hold
 *   closemid     half of a correct reply, then closes the connection
 *   close        closes the connection as soon as a request arrives
 *   hang         accepts and reads, never answers
 *   endless      answers a get with a 1 MB value header and then an
 *                endless stream of bytes (never the end of the value)
 *   flood        like endless, but the header announces 1 GiB (the largest
 *                legal item): the client may only buffer what its memory
 *                allows, and must stop at its timeout
 *   endlessline  an endless line: bytes without CRLF, forever
 *   noaccept     listens, never accepts (connects complete in the kernel
 *                backlog; nothing is ever read or answered)
 *   reply        answers every mg, ms, md and ma with the line ARG (the
 *                fourth argument; "%O" in it becomes the request's opaque),
 *                say "SERVER_ERROR out of memory storing object"; other
 *                commands (mn, version, stats) correctly. ARG may hold
 *                several lines separated by \x1e: a request for key "rN"
 *                gets line N (from 0), any other key the first
 *   dump         a correct server whose "lru_crawler metadump" answers
 *                BUSY once, then streams the lines of the file ARG (LF-ended,
 *                as memcached's) and END: metadump lines memcached never
 *                prints, for the drain's parser; a key named "ttl1:..."
 *                always reports one second left (about to expire, yet it
 *                never does: no race with the clock)
 *   racedmove    a correct server, except that an mg of a key starting
 *                with "racedmove" first stores "moved-by-another" under that
 *                key at the real server HOSTILE_MOVE_TO names (env), then
 *                answers EN: another process moving the key between a
 *                client's look at its new and its old location
 *
 *   php tests/tools/hostile_server.php MODE [PORT] [LIFETIME] [ARG]
 *
 * Included from a test (require), it only defines the helpers below:
 * hostile_start(MODE) runs it in a child process and returns its handle
 * with the port; hostile_stop() ends it, by its pid.
 */

declare(strict_types=1);

/** Starts a hostile server in MODE; returns ['proc', 'pipes', 'pid', 'port', 'addr']. */
function hostile_start(string $mode, float $lifetime = 120, string $arg = ''): array
{
    $cmd = [PHP_BINARY, '-n', '-d', 'display_errors=stderr', __FILE__, $mode, '0', (string)$lifetime, $arg];
    $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
    if (!is_resource($proc)) {
        throw new RuntimeException("cannot start the hostile server ($mode)");
    }
    stream_set_timeout($pipes[1], 10);
    $line = fgets($pipes[1]);
    if (!is_string($line) || !preg_match('/^PORT (\d+)/', $line, $m)) {
        proc_terminate($proc, 9);
        throw new RuntimeException("the hostile server ($mode) did not start: " . var_export($line, true));
    }
    $pid = proc_get_status($proc)['pid'];
    return ['proc' => $proc, 'pipes' => $pipes, 'pid' => $pid, 'port' => (int)$m[1], 'addr' => '127.0.0.1:' . $m[1], 'mode' => $mode];
}

/** Stops a server hostile_start() started (closing its stdin ends it; SIGKILL if it lingers). */
function hostile_stop(array $h): void
{
    @fclose($h['pipes'][0]);
    for ($i = 0; $i < 50 && proc_get_status($h['proc'])['running']; $i++) {
        usleep(20000);
    }
    if (proc_get_status($h['proc'])['running']) {
        proc_terminate($h['proc'], 9);
    }
    @fclose($h['pipes'][1]);
    proc_close($h['proc']);
}

/** MemRehash::RES_* names by value, for messages. */
function hostile_res_name(int $code): string
{
    static $names = null;
    if ($names === null) {
        $names = [];
        foreach ((new ReflectionClass('MemRehash'))->getConstants() as $n => $v) {
            if (str_starts_with($n, 'RES_')) {
                $names[$v] = $n;
            }
        }
    }
    return $names[$code] ?? "RES_$code";
}

/**
 * Runs MemRehash against a hostile server and prints what went wrong, or
 * "MODE: ok". Checks, with the server as every key's new location:
 *   - the first get, set, getMulti, delete and increment each return false
 *     (getMulti: false or no keys) with a result code from $first (a code
 *     MemRehash::RES_SERVER_TEMPORARILY_DISABLED may follow a server marked
 *     down), or throw MemRehashException;
 *   - no call takes longer than the timeout (300 ms) plus scheduling slack;
 *   - 200 more calls do not grow memory_get_usage();
 *   - with the server as every key's old location, a get is a miss, and a
 *     set either works or fails whole with a result code (the old server
 *     is only asked, never trusted);
 *   - a next call on a healthy server works (a new object, and a persistent one).
 * $o: 'ok' => true when the mode answers correctly (split): calls must then
 * succeed and read back what they wrote.
 */
function hostile_check(string $mode, array $first, array $o = []): void
{
    $healthy = mr_servers(1)[0];
    $timeout = 300;
    // valgrind and ASan runs set USE_ZEND_ALLOC=0 and are slower by a factor
    $slack = getenv('USE_ZEND_ALLOC') === '0' ? 2500 : 250;
    $bound = $timeout + $slack;
    $allowed = array_merge($first, [MemRehash::RES_SERVER_TEMPORARILY_DISABLED]);
    $h = hostile_start($mode);
    $bad = [];
    $opts = ['timeout' => $timeout, 'connect_timeout' => $timeout, 'retry_interval' => 1,
        'complete_below' => 0.0, 'name' => "hostile-$mode-" . getmypid()];
    $ok_mode = !empty($o['ok']);

    // ---- hostile = N
    $m = new MemRehash([$healthy], [$h['addr']], $opts);
    $mp = new MemRehash([$healthy], [$h['addr']], $opts + ['persistent' => "hostile-$mode"]);
    $ops = [
        'set' => fn($m, $i) => $m->set("hk$i", "value-$i"),
        'get' => fn($m, $i) => $m->get("hk$i"),
        'getMulti' => fn($m, $i) => $m->getMulti(["hk$i", "hk" . ($i + 1), "hk" . ($i + 2)]),
        'increment' => fn($m, $i) => $m->increment("hk$i"),
        'delete' => fn($m, $i) => $m->delete("hk$i"),
    ];
    $call = function (MemRehash $m, string $op, int $i, bool $first_round) use ($ops, $bound, $first, $allowed, $mode, $ok_mode, &$bad) {
        $t = hrtime(true);
        try {
            $r = $ops[$op]($m, $i);
            $code = $m->getResultCode();
        } catch (MemRehashException $e) {
            $r = false;
            $code = null;
        }
        $ms = (hrtime(true) - $t) / 1e6;
        if ($ms > $bound) {
            $bad[] = sprintf("%s: %s #%d took %.0f ms (bound %d ms)", $mode, $op, $i, $ms, $bound);
        }
        if ($ok_mode) {
            return $r;
        }
        $failed = $r === false || ($op === 'getMulti' && $r === []);
        $want = $first_round ? $first : $allowed;
        if (!$failed) {
            $bad[] = "$mode: $op #$i returned " . var_export($r, true) . " from a hostile server";
        } elseif ($code !== null && !in_array($code, $want, true)) {
            $bad[] = "$mode: $op #$i result code " . hostile_res_name($code) . ", expected " .
                implode('|', array_map('hostile_res_name', $want));
        }
        return $r;
    };
    $strict = true;   // the very first call meets a fresh server: its own code, not "marked down"
    foreach ([$m, $mp] as $obj) {
        foreach (array_keys($ops) as $op) {
            $r = $call($obj, $op, 1, $strict);
            $strict = false;
            if ($ok_mode) {
                $want = ['set' => true, 'get' => 'value-1', 'getMulti' => ['hk1' => 'value-1'], 'increment' => false, 'delete' => true][$op];
                if ($r !== $want) {
                    $bad[] = "$mode: $op returned " . var_export($r, true) . ", expected " . var_export($want, true);
                }
            }
        }
    }
    // 200 calls: bounded, and no memory growth once warm
    $names = array_keys($ops);
    for ($i = 0; $i < 20; $i++) {
        $call($m, $names[$i % 5], $i, false);
    }
    gc_collect_cycles();
    $before = memory_get_usage();
    for ($i = 0; $i < 200; $i++) {
        $call($i % 2 ? $m : $mp, $names[$i % 5], 100 + $i % 7, false);
    }
    gc_collect_cycles();
    $grew = memory_get_usage() - $before;
    if ($grew > 65536) {
        $bad[] = "$mode: memory grew by $grew bytes over 200 calls";
    }

    // ---- hostile = O: only ever asked, a miss when it misbehaves
    $mo = new MemRehash([$h['addr']], [$healthy], $opts + ['name' => "hostile-old-$mode-" . getmypid()]);
    $k = "hostile-old-" . getmypid() . "-$mode";
    $t = hrtime(true);
    $r = $mo->get($k);
    $ms = (hrtime(true) - $t) / 1e6;
    if ($r !== false || $mo->getResultCode() !== MemRehash::RES_NOTFOUND) {
        $bad[] = "$mode as old server: get returned " . var_export($r, true) . " with " . hostile_res_name($mo->getResultCode()) . ", expected a miss";
    }
    if ($ms > $bound) {
        $bad[] = sprintf("%s as old server: get took %.0f ms", $mode, $ms);
    }
    /* a set is done at the healthy new server, then deleted at the old one:
     * it either succeeds whole, or (the old copy could not be deleted)
     * fails with a result code and leaves nothing new behind */
    $r = $mo->set($k, 'v');
    $code = $mo->getResultCode();
    if ($r === true) {
        if ($mo->get($k) !== 'v') {
            $bad[] = "$mode as old server: set succeeded but get does not read it back";
        }
    } elseif ($r !== false || $code === MemRehash::RES_SUCCESS) {
        $bad[] = "$mode as old server: set returned " . var_export($r, true) . " with " . hostile_res_name($code);
    } elseif ($mo->get($k) === 'v') {
        $bad[] = "$mode as old server: a failed set left its value readable";
    }
    $mo->delete($k);

    // ---- the healthy server still works, with and without persistence
    foreach ([[], ['persistent' => 'hostile-healthy']] as $extra) {
        $g = new MemRehash([$healthy], [$healthy], ['timeout' => 1000] + $extra);
        $k = "hostile-after-" . getmypid() . "-$mode";
        if ($g->set($k, 'fine') !== true || $g->get($k) !== 'fine' || $g->delete($k) !== true) {
            $bad[] = "$mode: the healthy server failed afterwards (" . hostile_res_name($g->getResultCode()) . ")";
        }
    }
    hostile_stop($h);
    echo $bad ? implode("\n", array_unique($bad)) . "\n" : "$mode: ok\n";
}

if (PHP_SAPI !== 'cli' || !isset($argv[0]) || realpath($argv[0]) !== __FILE__) {
    return; // included: helpers only
}

$mode = $argv[1] ?? '';
$port = (int)($argv[2] ?? 0);
$lifetime = (float)($argv[3] ?? 120);
$mode_arg = $argv[4] ?? '';
$modes = ['good', 'garbage', 'binary', 'truncated', 'hugelen', 'biglen', 'wrongopaque', 'reorder', 'extra',
    'split', 'trickle', 'closemid', 'close', 'hang', 'endless', 'flood', 'endlessline', 'noaccept', 'reply', 'dump', 'racedmove'];
if (!in_array($mode, $modes, true)) {
    fwrite(STDERR, "usage: php hostile_server.php MODE [PORT] [LIFETIME]\nmodes: " . implode(' ', $modes) . "\n");
    exit(2);
}

$srv = @stream_socket_server("tcp://127.0.0.1:$port", $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN,
    stream_context_create(['socket' => ['backlog' => 4]]));
if (!$srv) {
    fwrite(STDERR, "hostile_server: cannot listen on 127.0.0.1:$port: $errstr\n");
    exit(1);
}
$name = stream_socket_get_name($srv, false);
$port = (int)substr($name, strrpos($name, ':') + 1);
stream_set_blocking($srv, false);
echo "PORT $port\n";
flush();

$stop = false;
if (function_exists('pcntl_async_signals')) {
    pcntl_async_signals(true);
    pcntl_signal(SIGTERM, function () use (&$stop) { $stop = true; });
    pcntl_signal(SIGPIPE, SIG_IGN);
}
stream_set_blocking(STDIN, false);

/** The store of the modes that answer correctly: key => [value, flags, exptime, cas]. */
$store = [];
$cas_seq = 1;

/** Per connection: in (unparsed bytes), out (list of [bytes, not_before]), dead, streaming. */
$clients = [];
$started = microtime(true);

/** Stores $value under $key at the real memcached $addr ("host:port") and
 * waits for its answer: the move another process makes (mode racedmove). */
function move_elsewhere(string $addr, string $key, string $value): void
{
    $s = @stream_socket_client("tcp://$addr", $errno, $errstr, 2);
    if (!$s) {
        fwrite(STDERR, "racedmove: cannot reach $addr: $errstr\n");
        return;
    }
    stream_set_timeout($s, 2);
    fwrite($s, "ms $key " . strlen($value) . " T0 F0\r\n$value\r\n");
    fgets($s);
    fclose($s);
}

/** Returns the correct meta reply to one request (no opaque flag; the caller adds it). */
function answer(array $t, string $data, array &$store, int &$cas_seq): array
{
    $cmd = $t[0];
    $key = $t[1] ?? '';
    $flags = array_slice($t, $cmd === 'ms' ? 3 : 2);
    $has = fn(string $f) => in_array($f, $flags, true);
    $arg = function (string $f) use ($flags): ?string {
        foreach ($flags as $x) {
            if ($x !== '' && $x[0] === $f && strlen($x) > 1) {
                return substr($x, 1);
            }
        }
        return null;
    };
    $now = time();
    if (isset($store[$key]) && $store[$key][2] !== 0 && $store[$key][2] <= $now) {
        unset($store[$key]);
    }
    switch ($cmd) {
        case 'mg':
            if (!isset($store[$key])) {
                return ['EN', null];
            }
            [$v, $f, $exp, $cas] = $store[$key];
            if (($ttl = $arg('T')) !== null) {
                $store[$key][2] = (int)$ttl === 0 ? 0 : $now + (int)$ttl;
            }
            $ret = [];
            if ($has('f')) $ret[] = "f$f";
            if ($has('t')) $ret[] = 't' . (str_starts_with($key, 'ttl1:') && $GLOBALS['mode'] === 'dump' ? 1 : ($exp === 0 ? -1 : $exp - $now));
            if ($has('c')) $ret[] = "c$cas";
            if ($has('v')) {
                return ['VA ' . strlen($v) . ($ret ? ' ' . implode(' ', $ret) : ''), $v];
            }
            return ['HD' . ($ret ? ' ' . implode(' ', $ret) : ''), null];
        case 'ms':
            $mode = $arg('M') ?? 'S';
            $exists = isset($store[$key]);
            if (($mode === 'E' && $exists) || ($mode === 'R' && !$exists)) {
                return ['NS', null];
            }
            if (($c = $arg('C')) !== null && (!$exists || (string)$store[$key][3] !== $c)) {
                return [$exists ? 'EX' : 'NF', null];
            }
            $ttl = (int)($arg('T') ?? 0);
            $store[$key] = [$data, (int)($arg('F') ?? 0), $ttl === 0 ? 0 : ($ttl < 0 ? $now - 1 : $now + $ttl), ++$cas_seq];
            return ['HD' . ($has('c') ? " c$cas_seq" : ''), null];
        case 'md':
            if (!isset($store[$key])) {
                return ['NF', null];
            }
            if (($c = $arg('C')) !== null && (string)$store[$key][3] !== $c) {
                return ['EX', null];
            }
            unset($store[$key]);
            return ['HD', null];
        case 'ma':
            if (!isset($store[$key])) {
                return ['NF', null];
            }
            if (!preg_match("/^[0-9]+$/", $store[$key][0])) {
                return ['CLIENT_ERROR cannot increment or decrement non-numeric value', null, true];
            }
            $d = (int)($arg('D') ?? 1);
            $n = (int)$store[$key][0];
            $n = ($arg('M') ?? 'I') === 'D' || ($arg('M') ?? '') === '-' ? max(0, $n - $d) : $n + $d;
            $store[$key][0] = (string)$n;
            $store[$key][3] = ++$cas_seq;
            return $has('v') ? ['VA ' . strlen((string)$n), (string)$n] : ['HD', null];
        case 'mn':
            return ['MN', null, true];
        case 'version':
            return ['VERSION 1.6.18-hostile', null, true];
        case 'stats':
            return ["STAT pid " . getmypid() . "\r\nSTAT limit_maxbytes 67108864\r\nSTAT bytes 0\r\nSTAT evictions 0\r\nEND", null, true];
        case 'lru_crawler':
            return ['END', null, true];
        default:
            return ['ERROR', null, true];
    }
}

/** Returns the bytes of a reply: head line (with opaque), then the value block. */
function reply_bytes(array $a, ?string $opaque): string
{
    $head = $a[0];
    if ($opaque !== null && empty($a[2])) {
        $head .= " O$opaque";
    }
    return $head . "\r\n" . ($a[1] !== null ? $a[1] . "\r\n" : '');
}

/** Queues bytes on a client, one byte per packet with $gap seconds between them when $gap > 0. */
function queue(array &$c, string $bytes, float $gap = 0.0): void
{
    if ($gap <= 0) {
        $c['out'][] = [$bytes, 0.0];
        return;
    }
    $at = max(microtime(true), $c['next_at'] ?? 0.0);
    for ($i = 0, $n = strlen($bytes); $i < $n; $i++) {
        $at += $gap;
        $c['out'][] = [$bytes[$i], $at];
    }
    $c['next_at'] = $at;
}

/** Handles every complete request in the client's buffer. */
function serve(array &$c, string $mode, array &$store, int &$cas_seq): void
{
    $batch = [];   // for reorder: replies of this read, sent reversed
    while (($nl = strpos($c['in'], "\r\n")) !== false) {
        $line = substr($c['in'], 0, $nl);
        $t = explode(' ', $line);
        $data = '';
        $need = $nl + 2;
        if ($t[0] === 'ms') {
            $dlen = (int)($t[2] ?? 0);
            if (strlen($c['in']) < $need + $dlen + 2) {
                return; // the data block is not all here yet
            }
            $data = substr($c['in'], $need, $dlen);
            $need += $dlen + 2;
        }
        $c['in'] = (string)substr($c['in'], $need);
        $c['requests']++;
        $opaque = null;
        foreach ($t as $x) {
            if (strlen($x) > 1 && $x[0] === 'O' && preg_match("/^[0-9]+$/", substr($x, 1))) {
                $opaque = substr($x, 1);
            }
        }
        if ($mode === 'racedmove' && ($t[0] ?? '') === 'mg' && str_starts_with($t[1] ?? '', 'racedmove')) {
            move_elsewhere((string)getenv('HOSTILE_MOVE_TO'), $t[1], 'moved-by-another');
        }
        $a = answer($t, $data, $store, $cas_seq);
        $good = reply_bytes($a, $opaque);
        switch ($mode) {
            case 'good':
            case 'racedmove':
                queue($c, $good);
                break;
            case 'garbage':
                queue($c, ($c['requests'] % 2 ? "I AM NOT MEMCACHED" : "HD_WHAT? O$opaque x=\x01") . "\r\n");
                break;
            case 'binary':
                queue($c, random_bytes(1 + $c['requests'] % 40) . "\r\n");
                break;
            case 'truncated':
                queue($c, substr($t[0] === 'mg' ? "VA 10 f0 t-1 c1 O$opaque\r\nabc" : $good, 0, max(1, intdiv(strlen($good), 2))));
                $c['mute'] = true;
                return;
            case 'hugelen':
                queue($c, "VA 999999999999 f0 O$opaque\r\n");
                break;
            case 'biglen':
                queue($c, "VA 1073741824 f0 t-1 O$opaque\r\n");
                queue($c, 'xxxxxxxx', 0.02);
                $c['mute'] = true;
                return;
            case 'wrongopaque':
                queue($c, reply_bytes($a, $opaque === null ? '7' : (string)((int)$opaque + 1000)));
                break;
            case 'reorder':
                $batch[] = $good;
                break;
            case 'extra':
                queue($c, $good . "HD O4242\r\n");
                break;
            case 'split':
                queue($c, $good, 0.002);
                break;
            case 'trickle':
                queue($c, $good, 0.05);
                break;
            case 'closemid':
                queue($c, substr($good, 0, max(1, intdiv(strlen($good), 2))));
                $c['close_after'] = true;
                return;
            case 'close':
                $c['close_after'] = true;
                return;
            case 'hang':
                $c['mute'] = true;
                return;
            case 'endless':
                queue($c, "VA 1048576 f0 O$opaque\r\n");
                $c['stream'] = 'x';
                return;
            case 'flood':
                queue($c, "VA 1073741824 f0 O$opaque\r\n");
                $c['stream'] = 'x';
                return;
            case 'endlessline':
                queue($c, "VA");
                $c['stream'] = 'y';
                return;
            case 'reply':
                if (in_array($t[0], ['mg', 'ms', 'md', 'ma'], true)) {
                    $lines = explode("\x1e", $GLOBALS['mode_arg']);
                    $n = preg_match('/^r(\d+)$/', $t[1] ?? '', $km) ? (int)$km[1] : 0;
                    queue($c, str_replace('%O', (string)$opaque, $lines[$n] ?? $lines[0]) . "\r\n");
                } else {
                    queue($c, $good);
                }
                break;
            case 'dump':
                if ($t[0] === 'lru_crawler' && ($t[1] ?? '') === 'metadump') {
                    static $busy_told = false;
                    if (!$busy_told) {
                        $busy_told = true;
                        queue($c, "BUSY currently processing crawler request\r\n");
                    } else {
                        queue($c, (string)file_get_contents($GLOBALS['mode_arg']) . "END\r\n");
                    }
                } else {
                    queue($c, $good);
                }
                break;
        }
    }
    if ($batch) {
        foreach (array_reverse($batch) as $r) {
            queue($c, $r);
        }
    }
}

$chunk = str_repeat('x', 65536);
$chunk_line = str_repeat('Z', 65536);
while (!$stop) {
    if (microtime(true) - $started > $lifetime) {
        break;
    }
    $r = [STDIN];
    if ($mode !== 'noaccept') {
        $r[] = $srv;
    }
    $w = [];
    $now = microtime(true);
    $wake = 0.2;
    foreach ($clients as $id => $c) {
        if (empty($c['mute'])) {
            $r[] = $c['sock'];
        }
        if ($c['out']) {
            $due = $c['out'][0][1] - $now;
            if ($due <= 0) {
                $w[] = $c['sock'];
            } else {
                $wake = min($wake, $due);
            }
        } elseif (!empty($c['stream'])) {
            $w[] = $c['sock'];
        }
    }
    $e = null;
    $n = @stream_select($r, $w, $e, 0, (int)max(1000, $wake * 1e6));
    if ($n === false) {
        continue; // a signal
    }
    foreach ($r as $s) {
        if ($s === STDIN) {
            if (fread(STDIN, 8192) === '' && feof(STDIN)) {
                $stop = true;
            }
            continue;
        }
        if ($s === $srv) {
            $cs = @stream_socket_accept($srv, 0);
            if ($cs) {
                stream_set_blocking($cs, false);
                stream_set_write_buffer($cs, 0);
                $clients[(int)$cs] = ['sock' => $cs, 'in' => '', 'out' => [], 'requests' => 0];
            }
            continue;
        }
        $id = (int)$s;
        $buf = @fread($s, 65536);
        if ($buf === '' || $buf === false) {
            if (feof($s)) {
                fclose($s);
                unset($clients[$id]);
            }
            continue;
        }
        $clients[$id]['in'] .= $buf;
        serve($clients[$id], $mode, $store, $cas_seq);
    }
    $now = microtime(true);
    foreach ($w as $s) {
        $id = (int)$s;
        if (!isset($clients[$id])) {
            continue;
        }
        $c = &$clients[$id];
        if ($c['out']) {
            // everything due, in one write (or one byte when the bytes are spaced)
            $bytes = '';
            while ($c['out'] && $c['out'][0][1] <= $now) {
                $bytes .= array_shift($c['out'])[0];
                if ($c['out'] && $c['out'][0][1] > 0) {
                    break; // spaced bytes: one per packet
                }
            }
            $sent = @fwrite($s, $bytes);
            if ($sent === false) {
                fclose($s);
                unset($clients[$id]);
                unset($c);
                continue;
            }
            if ($sent < strlen($bytes)) {
                array_unshift($c['out'], [substr($bytes, $sent), 0.0]);
            }
        } elseif (!empty($c['stream'])) {
            if (@fwrite($s, $c['stream'] === 'x' ? $chunk : $chunk_line) === false) {
                fclose($s);
                unset($clients[$id]);
                unset($c);
                continue;
            }
        }
        if (!$c['out'] && !empty($c['close_after'])) {
            fclose($s);
            unset($clients[$id]);
        }
        unset($c);
    }
    // a close requested before any byte was due
    foreach ($clients as $id => $c) {
        if (!$c['out'] && !empty($c['close_after'])) {
            fclose($c['sock']);
            unset($clients[$id]);
        }
    }
}
foreach ($clients as $c) {
    @fclose($c['sock']);
}
fclose($srv);
