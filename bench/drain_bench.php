<?php
/* memrehash drain benchmark: MemRehash::drain() of a retired server against
 * the userland copy loop an operator would write with PECL Memcached.
 *
 *   php -d extension=modules/memrehash.so bench/drain_bench.php [options]
 *   (bench/run.sh starts the servers, pins the CPU and calls this.)
 *
 * Options:
 *   --servers A,B,C,D   four memcached "host:port"; the old list is A,B,C and
 *                       the new one A,B,D: C is drained, its keys go to D.
 *                       Default 127.0.0.1:21801..21804 (MR_BENCH_SERVERS).
 *                       The bench flushes all four servers (flush_all).
 *   --keys-small N      100-byte keys written over A,B,C (default 60000)
 *   --keys-big N        10 KB keys written over A,B,C (default 24000)
 *   --rounds N          interleaved rounds per size (default 3)
 *   --batch N           keys per batch of the userland loop (default 100)
 *   --json FILE         also write every figure as JSON
 *
 * Every run starts from the same state: D empty, C holding its share of the
 * keys (written by Memcached over the old list, TTL 3600). Timed: from the
 * start of the walk (lru_crawler metadump) to the last key moved. */

declare(strict_types=1);

const DRAIN_TTL = 3600;

const DRAIN_PEERS = [
    'mr' => 'MemRehash::drain (rate unlimited)',
    'ul_add' => 'userland: getMulti + add + deleteMulti',
    'ul_setmulti' => 'userland: getMulti + setMulti + deleteMulti',
];

function parse_args(array $argv): array
{
    $o = [
        'servers' => getenv('MR_BENCH_SERVERS') ?: '127.0.0.1:21801,127.0.0.1:21802,127.0.0.1:21803,127.0.0.1:21804',
        'small' => 60000, 'big' => 24000, 'rounds' => 3, 'batch' => 100, 'json' => null,
    ];
    for ($i = 1; $i < count($argv); $i++) {
        $a = $argv[$i];
        $v = $argv[$i + 1] ?? null;
        if ($a === '-h' || $a === '--help') {
            preg_match('~/\*(.*?)\*/~s', file_get_contents(__FILE__), $doc);
            echo trim(preg_replace('/^ ?\*? ?/m', '', $doc[1])), "\n";
            exit(0);
        }
        if ($v === null) {
            fwrite(STDERR, "drain_bench: unknown option or missing value: $a\n");
            exit(2);
        }
        $i++;
        switch ($a) {
            case '--servers': $o['servers'] = $v; break;
            case '--keys-small': $o['small'] = max(100, (int)$v); break;
            case '--keys-big': $o['big'] = max(100, (int)$v); break;
            case '--rounds': $o['rounds'] = max(1, (int)$v); break;
            case '--batch': $o['batch'] = max(1, (int)$v); break;
            case '--json': $o['json'] = $v; break;
            default:
                fwrite(STDERR, "drain_bench: unknown option $a\n");
                exit(2);
        }
    }
    $o['servers'] = array_values(array_filter(array_map('trim', explode(',', $o['servers']))));
    if (count($o['servers']) !== 4) {
        fwrite(STDERR, "drain_bench: --servers needs exactly four host:port\n");
        exit(2);
    }
    return $o;
}

/** Returns a Memcached over $servers: text protocol, TCP_NODELAY (the fair peer). */
function memcached_client(array $servers): Memcached
{
    $m = new Memcached();
    $m->addServers(array_map(fn($s) => [explode(':', $s)[0], (int)explode(':', $s)[1]], $servers));
    $m->setOption(Memcached::OPT_BINARY_PROTOCOL, false);
    $m->setOption(Memcached::OPT_TCP_NODELAY, true);
    return $m;
}

/** Returns a value of $size bytes of word-like text (as bench.php writes). */
function make_value(int $size): string
{
    static $words = ['alpha', 'bravo', 'user', 'id', 'name', 'email', 'created', 'token', 'session',
        'price', 'count', 'items', 'title', 'body', 'true', 'false', 'null', 'en_US', 'cache', 'page'];
    mt_srand($size);
    $v = '';
    while (strlen($v) < $size) {
        $v .= $words[mt_rand(0, count($words) - 1)] . ':' . mt_rand(0, 99999) . ';';
    }
    return substr($v, 0, $size);
}

/** Returns a connected raw socket to "host:port". */
function raw_connect(string $server)
{
    [$h, $p] = explode(':', $server);
    $fp = @stream_socket_client("tcp://$h:$p", $errno, $errstr, 2);
    if (!$fp) {
        throw new RuntimeException("cannot reach memcached at $server: $errstr");
    }
    stream_set_timeout($fp, 30);
    return $fp;
}

/** Returns the reply lines of one command, up to the line $end. */
function raw_command(string $server, string $cmd, string $end = "END"): array
{
    $fp = raw_connect($server);
    fwrite($fp, "$cmd\r\n");
    $lines = [];
    while (($line = fgets($fp)) !== false) {
        $line = rtrim($line, "\r\n");
        if ($line === $end || str_starts_with($line, 'ERROR') || str_starts_with($line, 'CLIENT_ERROR')) {
            break;
        }
        $lines[] = $line;
    }
    fclose($fp);
    return $lines;
}

function server_stats(string $server): array
{
    $out = [];
    foreach (raw_command($server, 'stats') as $line) {
        $f = explode(' ', $line);
        if (count($f) === 3) {
            $out[$f[1]] = $f[2];
        }
    }
    return $out;
}

/**
 * Returns key => absolute expiry (-1: none) of every live item on $server,
 * from `lru_crawler metadump hash` (what drain walks too; getAllKeys uses
 * `stats cachedump`, which is capped per slab class on 1.6).
 */
function metadump(string $server): array
{
    $fp = raw_connect($server);
    fwrite($fp, "lru_crawler metadump hash\r\n");
    $keys = [];
    while (($line = fgets($fp)) !== false) {
        if ($line === "END\r\n") {
            break;
        }
        if (str_starts_with($line, 'BUSY') || str_starts_with($line, 'ERROR')) {
            throw new RuntimeException("metadump on $server: " . trim($line));
        }
        if (preg_match('/^key=(\S+) exp=(-?\d+)/', $line, $m)) {
            $keys[rawurldecode($m[1])] = (int)$m[2];
        }
    }
    fclose($fp);
    return $keys;
}

/** Returns the number of live items on $server (metadump, as flush_all leaves curr_items stale). */
function live_items(string $server): int
{
    return count(array_filter(array_keys(metadump($server)), fn($k) => !str_starts_with($k, '__memrehash:')));
}

/**
 * The userland copy loop: the key list by metadump over a raw socket, then
 * per batch a getMulti at the old location, an add (or one setMulti per TTL)
 * at the new one, and a deleteMulti of what was stored. It carries the
 * remaining TTL from metadump's exp. Returns [moved, seconds].
 */
function userland_drain(Memcached $old, Memcached $new, string $src, int $batch, bool $setMulti): array
{
    $t0 = hrtime(true);
    $now = time();
    $moved = 0;
    foreach (array_chunk(metadump($src), $batch, true) as $chunk) {
        $moving = [];
        foreach ($chunk as $k => $exp) {
            $o = $old->getServerByKey($k);
            $n = $new->getServerByKey($k);
            if ($o['host'] !== $n['host'] || $o['port'] !== $n['port']) {
                $moving[$k] = $exp;
            }
        }
        $vals = $moving ? $old->getMulti(array_keys($moving)) : [];
        if (!$vals) {
            continue;
        }
        $done = [];
        $byTtl = [];
        foreach ($vals as $k => $v) {
            $exp = $moving[$k];
            $ttl = $exp < 0 ? 0 : $exp - $now;
            if ($exp >= 0 && $ttl < 2) {
                continue; /* about to expire: not worth a copy */
            }
            if ($setMulti) {
                $byTtl[$ttl][$k] = $v;
            } elseif ($new->add($k, $v, $ttl)) {
                $done[] = $k;
            }
        }
        foreach ($byTtl as $ttl => $items) {
            if ($new->setMulti($items, $ttl)) {
                array_push($done, ...array_map('strval', array_keys($items)));
            }
        }
        if ($done) {
            $old->deleteMulti($done);
        }
        $moved += count($done);
    }
    return [$moved, (hrtime(true) - $t0) / 1e9];
}

/** The keys of one size: all of them, and those that live on the drained server. */
function key_set(MemRehash $loc, string $drained, int $size, int $n): array
{
    $all = [];
    $onC = [];
    for ($i = 0; $i < $n; $i++) {
        $k = "d:$size:$i";
        $all[] = $k;
        if ($loc->locate($k)['old'] === $drained) {
            $onC[] = $k;
        }
    }
    return [$all, $onC];
}

function seed(Memcached $oldc, array $keys, string $value): void
{
    foreach (array_chunk($keys, 1000) as $chunk) {
        if (!$oldc->setMulti(array_fill_keys($chunk, $value), DRAIN_TTL)) {
            throw new RuntimeException('seeding failed: ' . $oldc->getResultMessage());
        }
    }
}

function median(array $a): float
{
    sort($a);
    $n = count($a);
    return $n % 2 ? (float)$a[intdiv($n, 2)] : ($a[$n / 2 - 1] + $a[$n / 2]) / 2;
}

function main(array $argv): int
{
    $o = parse_args($argv);
    if (!extension_loaded('memrehash') || !extension_loaded('memcached')) {
        fwrite(STDERR, "drain_bench: needs the memrehash and memcached extensions\n");
        return 1;
    }
    [$A, $B, $C, $D] = $o['servers'];
    $old = [$A, $B, $C];
    $new = [$A, $B, $D];
    $oldc = memcached_client($old);
    $newc = memcached_client($new);
    $loc = new MemRehash($old, $new, ['name' => 'drain-bench-locate']);
    $st = @file_get_contents('/proc/self/status') ?: '';
    preg_match('/^Cpus_allowed_list:\s*(\S+)/m', $st, $aff);
    printf("\n== Drain: move every key off %s (old %s,%s,%s -> new %s,%s,%s); %d rounds, userland batch %d; client CPUs %s, pinned: %s ==\n",
        $C, $A, $B, $C, $A, $B, $D, $o['rounds'], $o['batch'], $aff[1] ?? '?', getenv('MR_BENCH_PINNED') ?: 'no');

    $available = true;
    $unavailable = null;
    $results = [];
    foreach ([100 => $o['small'], 10240 => $o['big']] as $size => $n) {
        $value = make_value($size);
        foreach ($o['servers'] as $srv) {
            raw_command($srv, 'flush_all', 'OK');
        }
        [$all, $onC] = key_set($loc, $C, $size, $n);
        fprintf(STDERR, "drain %s: writing %d keys (%d on %s)...\n", $size, $n, count($onC), $C);
        seed($oldc, array_values(array_diff($all, $onC)), $value); /* A and B: written once */
        $samples = [];
        $peers = array_keys(DRAIN_PEERS);
        for ($r = 0; $r < $o['rounds']; $r++) {
            for ($j = 0; $j < count($peers); $j++) {
                $peer = $peers[($j + $r) % count($peers)];
                if ($peer === 'mr' && !$available) {
                    continue;
                }
                /* same start every time: D empty, C holding its keys */
                raw_command($D, 'flush_all', 'OK');
                seed($oldc, $onC, $value);
                $before = live_items($C);
                $extra = [];
                if ($peer === 'mr') {
                    $mr = new MemRehash($old, $new, ['name' => 'drain-bench']);
                    try {
                        $t0 = hrtime(true);
                        $res = $mr->drain($C, ['rate' => 0]);
                        $secs = (hrtime(true) - $t0) / 1e9;
                    } catch (Throwable $e) {
                        $available = false;
                        $unavailable = get_class($e) . ': ' . $e->getMessage();
                        printf("drain not available: %s\n", $unavailable);
                        continue;
                    }
                    $extra = $res;
                    $moved = (int)($res['moved'] ?? $res[1] ?? 0);
                } else {
                    [$moved, $secs] = userland_drain($oldc, $newc, $C, $o['batch'], $peer === 'ul_setmulti');
                }
                $left = live_items($C);
                $atD = live_items($D);
                $samples[$peer][] = [
                    'seconds' => $secs, 'keys' => $before, 'moved' => $moved, 'left_on_source' => $left,
                    'at_target' => $atD, 'keys_per_s' => $before / $secs, 'mb_per_s' => $before * $size / $secs / 1e6,
                    'drain_result' => $extra,
                ];
            }
        }
        foreach ($samples as $peer => $list) {
            $results[] = [
                'size' => $size, 'peer' => $peer, 'keys' => $list[0]['keys'],
                'keys_per_s' => median(array_column($list, 'keys_per_s')),
                'keys_per_s_min' => min(array_column($list, 'keys_per_s')),
                'keys_per_s_max' => max(array_column($list, 'keys_per_s')),
                'mb_per_s' => median(array_column($list, 'mb_per_s')),
                'seconds' => median(array_column($list, 'seconds')),
                'runs' => $list,
            ];
        }
    }

    $fmt = "%-6s %-44s %7s %26s %8s %8s %9s  %s\n";
    printf($fmt, 'value', 'mover', 'keys', 'keys/s median [min-max]', 'MB/s', 'seconds', 'x fastest', 'check (moved / left on C / at D, last run)');
    $byKey = [];
    foreach ($results as $r) {
        $byKey[$r['size']][$r['peer']] = $r;
    }
    foreach ($byKey as $size => $peers) {
        $best = max(array_map(fn($r) => $r['keys_per_s'], array_diff_key($peers, ['mr' => 1])));
        foreach ($peers as $peer => $r) {
            $last = end($r['runs']);
            printf($fmt, $size >= 1024 ? ($size / 1024) . ' KB' : "$size B", DRAIN_PEERS[$peer], $r['keys'],
                sprintf('%.0f [%.0f-%.0f]', $r['keys_per_s'], $r['keys_per_s_min'], $r['keys_per_s_max']),
                sprintf('%.1f', $r['mb_per_s']), sprintf('%.3f', $r['seconds']),
                $peer === 'mr' ? sprintf('%.2f', $r['keys_per_s'] / $best) : '-',
                sprintf('%d / %d / %d', $last['moved'], $last['left_on_source'], $last['at_target']));
            if ($peer === 'mr' && $last['drain_result']) {
                $parts = [];
                foreach ($last['drain_result'] as $k => $v) {
                    $parts[] = "$k=" . (is_float($v) ? sprintf('%.3f', $v) : (is_scalar($v) ? $v : json_encode($v)));
                }
                printf("       drain() returned: %s\n", implode(' ', $parts));
            }
        }
    }
    if (!$available) {
        printf("drain not available (%s): only the userland loop was measured\n", $unavailable);
    }
    echo "MB/s counts the application's value bytes (keys x value size); 'x fastest' = MemRehash keys/s over the faster userland loop.\n";
    if ($o['json']) {
        file_put_contents($o['json'], json_encode(['available' => $available, 'unavailable' => $unavailable,
            'rounds' => $o['rounds'], 'batch' => $o['batch'], 'results' => $results],
            JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION) . "\n");
    }
    return 0;
}

exit(main($argv));
