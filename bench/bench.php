<?php
/* memrehash benchmark: MemRehash against PECL Memcached and against the
 * userland version of the same scheme, interleaved in one run.
 *
 *   php -d extension=modules/memrehash.so bench/bench.php [options]
 *   (bench/run.sh starts the servers, pins the CPU and calls this.)
 *
 * Options:
 *   --servers A,B,C,D  four memcached "host:port": the old list is A,B,C, the
 *                      new one A,B,D (C is retired, D replaces it), so a key
 *                      on A or B stays (O == N) and a key on C moves to D.
 *                      Default 127.0.0.1:21801..21804 (MR_BENCH_SERVERS).
 *   --rounds N         interleaved rounds (default 7)
 *   --iters N          operations per measurement of a one-key op (default
 *                      1000; getMulti does N/10 calls, a migrating pass N/2 keys)
 *   --sizes 100,10240  value sizes in bytes
 *   --only a,b         only these operations (names as printed)
 *   --mixed N          mixed operations for the RSS check (default 200000)
 *   --long             --mixed 1000000
 *   --no-probe         skip round trip / syscall counting (strace)
 *   --no-rss           skip the RSS check
 *   --json FILE        also write every figure as JSON
 *
 * Internal modes (this script starting itself): --probe OP PEER SIZE N and
 * --rss-child N. See bench/README.md for what each figure means. */

declare(strict_types=1);

const BENCH_TTL = 3600;        /* TTL of every key the bench writes */
const USERLAND_TTL = 3600;     /* the userland scheme cannot read a remaining TTL: fixed */
const MULTI_KEYS = 50;         /* keys per getMulti */
const KEYSET = 64;             /* distinct keys cycled through by one-key ops */
const MARK = '/memrehash-bench-mark-';

/* The operations, in print order. peers: who can do it. ('mc' is Memcached
 * with TCP_NODELAY, 'mcdef' is Memcached as Debian configures it.) */
const OPS = [
    'get_hit_moved'  => ['get hit, key moved (O!=N, at N)', ['mr', 'mc', 'mcdef', 'ul']],
    'get_hit_same'   => ['get hit, key unmoved (O==N)', ['mr', 'mc', 'mcdef', 'ul']],
    'get_miss_same'  => ['get miss, unmoved key (O==N)', ['mr', 'mc', 'mcdef', 'ul']],
    'get_miss_moved' => ['get miss, moving key (O!=N, absent at both)', ['mr', 'mc', 'mcdef', 'ul']],
    'get_migrate'    => ['migrating get (key only at O)', ['mr', 'mro', 'mrd', 'ul']],
    'getmulti'       => ['getMulti 50 keys / 3 servers (all at N)', ['mr', 'mc', 'mcdef', 'ul']],
    'set_moved'      => ['set, moving key (O!=N)', ['mr', 'mc', 'mcdef', 'ul']],
    'set_same'       => ['set, unmoved key (O==N)', ['mr', 'mc', 'mcdef', 'ul']],
];

/* Probe-only variant: a migrating get while the pool's recent old-hit rate is
 * low, so MemRehash asks N first (four round trips then, three with deferred_delete: docs/DESIGN.md). */
const PROBE_ONLY = [
    'get_migrate_nfirst' => ['migrating get, old-hit rate low (N first)', ['mr', 'mro', 'mrd']],
];

const PEER_NAMES = [
    'mr' => 'MemRehash',
    'mro' => 'MemRehash (ordered_move)',
    'mrd' => 'MemRehash (deferred_delete)',
    'mc' => 'Memcached',
    'mcdef' => 'Memcached (Debian defaults)',
    'ul' => 'userland (2x Memcached)',
];

/**
 * The userland scheme, as an application would write it with PECL memcached:
 * two Memcached objects (old and new list) and the move of docs/DESIGN.md by hand.
 * A migrating get is four round trips: get at N (miss), get at O with its CAS
 * (GET_EXTENDED), add at N, delete at O. The text protocol has no CAS-checked
 * delete, so the delete is unconditional (a writer racing the move can lose),
 * and memcached's classic commands cannot tell the remaining TTL, so a moved
 * item gets a fixed TTL (USERLAND_TTL).
 */
final class UserlandRehash
{
    public function __construct(private Memcached $old, private Memcached $new, private int $ttl)
    {
    }

    /** Returns true when $key's old server differs from its new one. */
    private function moves(string $key): bool
    {
        $o = $this->old->getServerByKey($key);
        $n = $this->new->getServerByKey($key);
        return $o['host'] !== $n['host'] || $o['port'] !== $n['port'];
    }

    /** Returns the value, or false on a miss (like Memcached::get). */
    public function get(string $key): mixed
    {
        $v = $this->new->get($key);
        if ($v !== false || $this->new->getResultCode() !== Memcached::RES_NOTFOUND || !$this->moves($key)) {
            return $v;
        }
        $r = $this->old->get($key, null, Memcached::GET_EXTENDED);
        if ($r === false) {
            return false;
        }
        if ($this->new->add($key, $r['value'], $this->ttl)) {
            $this->old->delete($key); /* no CAS-checked delete in the text protocol */
            return $r['value'];
        }
        if ($this->new->getResultCode() === Memcached::RES_NOTSTORED) {
            return $this->new->get($key); /* N got fresher data meanwhile */
        }
        return $r['value'];
    }

    /** Returns the found keys: one getMulti at N, one at O for what missed, then the moves. */
    public function getMulti(array $keys): array
    {
        $found = $this->new->getMulti($keys) ?: [];
        if (count($found) === count($keys)) {
            return $found;
        }
        $missing = [];
        foreach ($keys as $k) {
            if (!array_key_exists($k, $found) && $this->moves($k)) {
                $missing[] = $k;
            }
        }
        if (!$missing) {
            return $found;
        }
        $old = $this->old->getMulti($missing, Memcached::GET_EXTENDED) ?: [];
        $moved = [];
        foreach ($old as $k => $r) {
            if ($this->new->add($k, $r['value'], $this->ttl)) {
                $moved[] = $k;
            }
            $found[$k] = $r['value'];
        }
        if ($moved) {
            $this->old->deleteMulti($moved);
        }
        return $found;
    }

    /** Returns true when N stored it; then deletes the old copy. */
    public function set(string $key, mixed $value, int $ttl = 0): bool
    {
        $ok = $this->new->set($key, $value, $ttl);
        if ($ok && $this->moves($key)) {
            $this->old->delete($key);
        }
        return $ok;
    }
}

/* ---- helpers ---- */

/** Returns the options, parsed from $argv. */
function parse_args(array $argv): array
{
    $o = [
        'servers' => getenv('MR_BENCH_SERVERS') ?: '127.0.0.1:21801,127.0.0.1:21802,127.0.0.1:21803,127.0.0.1:21804',
        'rounds' => 7, 'iters' => 1000, 'sizes' => '100,10240', 'only' => '', 'mixed' => 200000,
        'probe' => true, 'rss' => true, 'json' => null, 'mode' => 'main', 'args' => [],
    ];
    for ($i = 1; $i < count($argv); $i++) {
        $a = $argv[$i];
        $next = function () use ($argv, &$i, $a): string {
            if (!isset($argv[$i + 1])) {
                fwrite(STDERR, "bench: $a needs a value\n");
                exit(2);
            }
            return $argv[++$i];
        };
        switch ($a) {
            case '--servers': $o['servers'] = $next(); break;
            case '--rounds': $o['rounds'] = max(1, (int)$next()); break;
            case '--iters': $o['iters'] = max(10, (int)$next()); break;
            case '--sizes': $o['sizes'] = $next(); break;
            case '--only': $o['only'] = $next(); break;
            case '--mixed': $o['mixed'] = max(1000, (int)$next()); break;
            case '--long': $o['mixed'] = 1000000; break;
            case '--no-probe': $o['probe'] = false; break;
            case '--no-rss': $o['rss'] = false; break;
            case '--json': $o['json'] = $next(); break;
            case '--probe': $o['mode'] = 'probe'; $o['args'] = array_slice($argv, $i + 1, 4); $i += 4; break;
            case '--rss-child': $o['mode'] = 'rss'; $o['args'] = [$next()]; break;
            case '-h': case '--help':
                preg_match('~/\*(.*?)\*/~s', file_get_contents(__FILE__), $doc);
                echo trim(preg_replace('/^ ?\*? ?/m', '', $doc[1])), "\n";
                exit(0);
            default:
                fwrite(STDERR, "bench: unknown option $a (see --help)\n");
                exit(2);
        }
    }
    $o['servers'] = array_values(array_filter(array_map('trim', explode(',', $o['servers']))));
    if (count($o['servers']) !== 4) {
        fwrite(STDERR, "bench: --servers needs exactly four host:port\n");
        exit(2);
    }
    $o['sizes'] = array_map('intval', explode(',', $o['sizes']));
    return $o;
}

/** Returns a Memcached over $servers; $fair: TCP_NODELAY on (text protocol either way). */
function memcached_client(array $servers, bool $fair = true): Memcached
{
    $m = new Memcached();
    $m->addServers(array_map(fn($s) => [explode(':', $s)[0], (int)explode(':', $s)[1]], $servers));
    if ($fair) {
        $m->setOption(Memcached::OPT_BINARY_PROTOCOL, false);
        $m->setOption(Memcached::OPT_TCP_NODELAY, true);
    }
    return $m;
}

/** Returns a value of $size bytes of word-like text (compressible, as real values are). */
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

/** Returns "host:port" stats of a memcached, as name => value. */
function server_stats(string $server): array
{
    [$h, $p] = explode(':', $server);
    $fp = @stream_socket_client("tcp://$h:$p", $errno, $errstr, 2);
    if (!$fp) {
        throw new RuntimeException("cannot reach memcached at $server: $errstr");
    }
    fwrite($fp, "stats\r\n");
    $out = [];
    while (($line = fgets($fp)) !== false && $line !== "END\r\n") {
        $f = explode(' ', trim($line));
        if (count($f) === 3 && $f[0] === 'STAT') {
            $out[$f[1]] = $f[2];
        }
    }
    fclose($fp);
    return $out;
}

/** Returns $n keys named $prefix<i> whose location moves (or stays), per $loc. */
function pick_keys(MemRehash $loc, string $prefix, bool $moves, int $n): array
{
    $keys = [];
    for ($i = 0; count($keys) < $n; $i++) {
        $k = $prefix . $i;
        if ($loc->locate($k)['moves'] === $moves) {
            $keys[] = $k;
        }
    }
    return $keys;
}

/** Returns user+system CPU seconds of this process so far. */
function cpu_seconds(): float
{
    $r = getrusage();
    return $r['ru_utime.tv_sec'] + $r['ru_utime.tv_usec'] / 1e6 + $r['ru_stime.tv_sec'] + $r['ru_stime.tv_usec'] / 1e6;
}

/** Returns the value of a "Name: value kB" line of /proc/self/status in kB, or -1. */
function proc_status_kb(string $name): int
{
    $s = @file_get_contents('/proc/self/status');
    return ($s !== false && preg_match('/^' . $name . ':\s+(\d+)/m', $s, $m)) ? (int)$m[1] : -1;
}

/** Shows a progress line on a terminal; '' clears it. Silent in logs. */
function progress(string $msg): void
{
    static $tty = null;
    $tty ??= function_exists('stream_isatty') && stream_isatty(STDERR);
    if ($tty) {
        fwrite(STDERR, "\r\033[K" . $msg);
    }
}

function median(array $a): float
{
    sort($a);
    $n = count($a);
    return $n % 2 ? (float)$a[intdiv($n, 2)] : ($a[$n / 2 - 1] + $a[$n / 2]) / 2;
}

/* ---- the scenario: clients, keys, one measurement ---- */

/**
 * Everything one benchmark process needs: the clients, the key sets and the
 * value of each size. MemRehash gets one pool per operation (option name), so
 * each operation's recent old-hit rate, which steers whether N and O are asked
 * together, is that operation's own steady state.
 */
final class Scenario
{
    public array $old, $new;
    public Memcached $mc, $mcdef, $mcOld;
    public UserlandRehash $ul;
    public MemRehash $loc;
    /** @var MemRehash[] op => pool */
    public array $mr = [];
    public array $values = [];
    /** op => size => keys */
    public array $keys = [];
    private int $seq = 0;

    public function __construct(array $servers, public int $iters)
    {
        $this->old = [$servers[0], $servers[1], $servers[2]];
        $this->new = [$servers[0], $servers[1], $servers[3]];
        $this->mc = memcached_client($this->new);
        $this->mcdef = memcached_client($this->new, false);
        $this->mcOld = memcached_client($this->old);
        $this->ul = new UserlandRehash(memcached_client($this->old), memcached_client($this->new), USERLAND_TTL);
        $this->loc = new MemRehash($this->old, $this->new, ['name' => 'bench-locate']);
    }

    /** Returns the MemRehash pool of operation $op. */
    public function pool(string $op, bool $deferred = false, bool $ordered = false): MemRehash
    {
        $id = $deferred ? "$op-deferred" : ($ordered ? "$op-ordered" : $op);
        return $this->mr[$id] ??= new MemRehash($this->old, $this->new,
            ['name' => "bench-$id", 'deferred_delete' => $deferred, 'ordered_move' => $ordered]);
    }

    public function client(string $peer, string $op): object
    {
        return match ($peer) {
            'mr' => $this->pool($op),
            'mro' => $this->pool($op, false, true),
            'mrd' => $this->pool($op, true),
            'mc' => $this->mc,
            'mcdef' => $this->mcdef,
            'ul' => $this->ul,
        };
    }

    /** Writes the keys every steady-state operation reads (at N). */
    public function prepare(string $op, int $size): void
    {
        $this->values[$size] ??= make_value($size);
        $p = "b:$op:$size:";
        $keys = match ($op) {
            'get_hit_moved', 'get_miss_moved', 'set_moved' => pick_keys($this->loc, $p, true, KEYSET),
            'get_hit_same', 'get_miss_same', 'set_same' => pick_keys($this->loc, $p, false, KEYSET),
            'getmulti' => array_map(fn($i) => $p . $i, range(0, MULTI_KEYS - 1)),
            default => [],
        };
        if (in_array($op, ['get_hit_moved', 'get_hit_same', 'getmulti'], true)) {
            $this->mc->setMulti(array_fill_keys($keys, $this->values[$size]), BENCH_TTL);
        }
        if (in_array($op, ['get_miss_same', 'get_miss_moved'], true)) {
            $this->mc->deleteMulti($keys);
            $this->mcOld->deleteMulti($keys);
        }
        $this->keys[$op][$size] = $keys;
    }

    /** Returns $n fresh moving keys written only at their old location. */
    public function seedMigrating(int $size, int $n): array
    {
        $keys = pick_keys($this->loc, 'b:mig:' . getmypid() . ':' . ($this->seq++) . ':', true, $n);
        foreach (array_chunk($keys, 500) as $chunk) {
            $this->mcOld->setMulti(array_fill_keys($chunk, $this->values[$size]), BENCH_TTL);
        }
        return $keys;
    }

    /** Removes migrated keys from both locations (memory stays bounded). */
    public function unseed(array $keys): void
    {
        foreach (array_chunk($keys, 500) as $chunk) {
            $this->mc->deleteMulti($chunk);
            $this->mcOld->deleteMulti($chunk);
        }
    }

    /** Returns how many operations one measurement of $op does. */
    public function count(string $op): int
    {
        return match ($op) {
            'getmulti' => max(10, intdiv($this->iters, 10)),
            'get_migrate', 'get_migrate_nfirst' => max(10, intdiv($this->iters, 2)),
            default => $this->iters,
        };
    }

    /**
     * Returns a closure doing $n operations of $op through $c, and the number
     * of results that were not what the operation expects (a miss on a hit
     * test...). The loop bodies are the same for every peer.
     */
    public function body(string $op, int $size, object $c, array $keys): Closure
    {
        $v = $this->values[$size];
        return match ($op) {
            'get_hit_moved', 'get_hit_same' => function (int $n) use ($c, $keys): int {
                $bad = 0;
                for ($i = 0; $i < $n; $i++) {
                    if ($c->get($keys[$i & (KEYSET - 1)]) === false) $bad++;
                }
                return $bad;
            },
            'get_miss_same', 'get_miss_moved' => function (int $n) use ($c, $keys): int {
                $bad = 0;
                for ($i = 0; $i < $n; $i++) {
                    if ($c->get($keys[$i & (KEYSET - 1)]) !== false) $bad++;
                }
                return $bad;
            },
            'get_migrate', 'get_migrate_nfirst' => function (int $n) use ($c, $keys): int {
                $bad = 0;
                for ($i = 0; $i < $n; $i++) {
                    if ($c->get($keys[$i]) === false) $bad++;
                }
                return $bad;
            },
            'getmulti' => function (int $n) use ($c, $keys): int {
                $bad = 0;
                for ($i = 0; $i < $n; $i++) {
                    if (count($c->getMulti($keys)) !== MULTI_KEYS) $bad++;
                }
                return $bad;
            },
            'set_moved', 'set_same' => function (int $n) use ($c, $keys, $v): int {
                $bad = 0;
                for ($i = 0; $i < $n; $i++) {
                    if (!$c->set($keys[$i & (KEYSET - 1)], $v, BENCH_TTL)) $bad++;
                }
                return $bad;
            },
        };
    }

    /** Runs one measurement: returns [wall us/op, cpu us/op, bad results]. */
    public function measure(string $op, int $size, string $peer): array
    {
        $n = $this->count($op);
        $c = $this->client($peer, $op);
        $migrating = $op === 'get_migrate';
        $keys = $migrating ? $this->seedMigrating($size, $n) : $this->keys[$op][$size];
        $fn = $this->body($op, $size, $c, $keys);
        $cpu0 = cpu_seconds();
        $t0 = hrtime(true);
        $bad = $fn($n);
        $t1 = hrtime(true);
        $cpu1 = cpu_seconds();
        if ($migrating) {
            $this->unseed($keys);
        }
        return [($t1 - $t0) / 1e3 / $n, ($cpu1 - $cpu0) * 1e6 / $n, $bad];
    }
}

/* ---- main: the interleaved timing run ---- */

function machine_info(array $servers): array
{
    $cpuinfo = @file_get_contents('/proc/cpuinfo') ?: '';
    preg_match('/^model name\s*:\s*(.+)$/m', $cpuinfo, $m);
    $st = @file_get_contents('/proc/self/status') ?: '';
    preg_match('/^Cpus_allowed_list:\s*(\S+)/m', $st, $aff);
    $srv = server_stats($servers[0]);
    return [
        'cpus' => preg_match_all('/^processor\s*:/m', $cpuinfo),
        'load_start' => trim(implode(' ', array_slice(explode(' ', (string)@file_get_contents('/proc/loadavg')), 0, 3))),
        'cpu_model' => $m[1] ?? 'unknown',
        'client_cpus_allowed' => $aff[1] ?? 'unknown',
        'pinned' => getenv('MR_BENCH_PINNED') ?: 'no',
        'php' => PHP_VERSION,
        'memrehash' => phpversion('memrehash'),
        'memcached_ext' => phpversion('memcached'),
        'libmemcached' => Memcached::LIBMEMCACHED_VERSION_HEX ?? null,
        'memcached_server' => $srv['version'] ?? 'unknown',
        'kernel' => php_uname('r'),
    ];
}

/** Runs every round; returns rows (op, size, peer, figures). */
function run_timing(Scenario $s, array $ops, array $sizes, int $rounds): array
{
    foreach ($ops as $op) {
        foreach ($sizes as $size) {
            $s->prepare($op, $size);
            foreach (OPS[$op][1] as $peer) {
                $s->measure($op, $size, $peer); /* warm-up: connections, pools, caches */
            }
        }
    }
    $samples = [];
    for ($r = 0; $r < $rounds; $r++) {
        progress(sprintf('round %d/%d', $r + 1, $rounds));
        foreach ($ops as $op) {
            foreach ($sizes as $size) {
                $peers = OPS[$op][1];
                $k = count($peers);
                for ($j = 0; $j < $k; $j++) {
                    $peer = $peers[($j + $r) % $k]; /* rotate who goes first */
                    $samples[$op][$size][$peer][] = $s->measure($op, $size, $peer);
                }
            }
        }
    }
    progress('');

    $rows = [];
    foreach ($samples as $op => $bySize) {
        foreach ($bySize as $size => $byPeer) {
            foreach ($byPeer as $peer => $list) {
                $wall = array_column($list, 0);
                $cpu = array_column($list, 1);
                $row = [
                    'op' => $op, 'size' => $size, 'peer' => $peer,
                    'wall_us' => median($wall), 'wall_min' => min($wall), 'wall_max' => max($wall),
                    'cpu_us' => median($cpu), 'cpu_min' => min($cpu), 'cpu_max' => max($cpu),
                    'bad' => array_sum(array_column($list, 2)), 'rounds' => $wall,
                ];
                /* ratios: median of the per-round ratios (same round, same conditions) */
                foreach (['mc', 'ul'] as $ref) {
                    if (isset($byPeer[$ref])) {
                        $per = [];
                        $cper = [];
                        foreach ($list as $i => $m) {
                            $per[] = $m[0] / $byPeer[$ref][$i][0];
                            $cper[] = $byPeer[$ref][$i][1] > 0 ? $m[1] / $byPeer[$ref][$i][1] : INF;
                        }
                        $row["vs_$ref"] = median($per);
                        $row["vs_{$ref}_min"] = min($per);
                        $row["vs_{$ref}_max"] = max($per);
                        $row["cpu_vs_$ref"] = median($cper);
                    }
                }
                $rows[] = $row;
            }
        }
    }
    return $rows;
}

function fmt_ratio(array $row, string $ref): string
{
    if (!isset($row["vs_$ref"]) || $row['peer'] === $ref) {
        return '-';
    }
    return sprintf('%.2f [%.2f-%.2f]', $row["vs_$ref"], $row["vs_{$ref}_min"], $row["vs_{$ref}_max"]);
}

function print_timing(array $rows, int $rounds): void
{
    printf("\n== Time per operation (median of %d interleaved rounds [min-max]; ratios: median of per-round ratios [min-max], < 1 is faster) ==\n", $rounds);
    $fmt = "%-44s %6s  %-27s %23s  %-18s %-18s %7s %7s\n";
    printf($fmt, 'operation', 'value', 'client', 'wall us/op', 'wall x Memcached', 'wall x userland', 'CPU us', 'CPU xMc');
    $last = '';
    foreach ($rows as $r) {
        $label = OPS[$r['op']][0];
        $key = $r['op'] . $r['size'];
        if ($key !== $last && $last !== '') {
            echo "\n";
        }
        printf($fmt, $key === $last ? '' : $label, $key === $last ? '' : size_label($r['size']), PEER_NAMES[$r['peer']],
            sprintf('%.1f [%.1f-%.1f]', $r['wall_us'], $r['wall_min'], $r['wall_max']),
            fmt_ratio($r, 'mc'), fmt_ratio($r, 'ul'), sprintf('%.1f', $r['cpu_us']),
            isset($r['cpu_vs_mc']) && $r['peer'] !== 'mc' ? sprintf('%.2f', $r['cpu_vs_mc']) : '-');
        if ($r['bad'] > 0) {
            printf("   !! %d results were not what this operation expects (see README: 'bad')\n", $r['bad']);
        }
        $last = $key;
    }
}

function size_label(int $size): string
{
    return $size >= 1024 && $size % 1024 === 0 ? ($size / 1024) . ' KB' : "$size B";
}

/* ---- round trips: server stats deltas and strace, in a child process ---- */

/** Returns the server stats that count commands, summed per server. */
function command_counters(array $servers): array
{
    $names = ['cmd_get', 'get_hits', 'get_misses', 'cmd_set', 'delete_hits', 'delete_misses', 'cmd_touch',
        'incr_hits', 'incr_misses', 'cas_hits', 'cas_misses', 'bytes_read', 'bytes_written'];
    $out = [];
    foreach ($servers as $srv) {
        $st = server_stats($srv);
        foreach ($names as $n) {
            $out[$srv][$n] = (int)($st[$n] ?? 0);
        }
    }
    return $out;
}

/** Child: runs N operations of OP by PEER between two marker syscalls; prints JSON deltas. */
function probe_child(array $o): void
{
    [$op, $peer, $size, $n] = $o['args'];
    $size = (int)$size;
    $n = (int)$n;
    $s = new Scenario($o['servers'], $n);
    $s->values[$size] = make_value($size);
    $realOp = $op === 'get_migrate_nfirst' ? 'get_migrate' : $op;
    $c = $s->client($peer, $op);
    if ($realOp === 'get_migrate') {
        if ($op === 'get_migrate_nfirst') {
            /* fill the pool's window with old misses: the old-hit rate drops to 0 */
            $miss = pick_keys($s->loc, 'b:nf:' . getmypid() . ':', true, 1000);
            foreach ($miss as $k) {
                $c->get($k);
            }
        }
        $warm = $s->seedMigrating($size, 50);
        $s->body($realOp, $size, $c, $warm)(count($warm));
        $keys = $s->seedMigrating($size, $n);
    } else {
        $s->prepare($op, $size);
        $keys = $s->keys[$op][$size];
        $s->body($op, $size, $c, $keys)(100); /* warm-up: connections and the pool's window */
    }
    $fn = $s->body($realOp, $size, $c, $keys);
    $before = command_counters(array_unique(array_merge($s->old, $s->new)));
    @stat(MARK . 'start');
    $bad = $fn($n);
    @stat(MARK . 'end');
    $after = command_counters(array_unique(array_merge($s->old, $s->new)));
    $delta = [];
    foreach ($after as $srv => $c2) {
        foreach ($c2 as $k => $v) {
            $delta[$srv][$k] = $v - $before[$srv][$k];
        }
    }
    if ($realOp === 'get_migrate') {
        $s->unseed($keys);
    }
    echo json_encode(['n' => $n, 'bad' => $bad, 'delta' => $delta]), "\n";
}

/**
 * Returns [round trips, syscalls, per-syscall counts] between the markers of
 * an strace -f log. A round trip is a burst of sends (to one or more
 * servers) ended by the first wait or receive: the sequential exchanges a
 * caller waits for, whatever the number of servers in each.
 */
function parse_strace(string $file): array
{
    $in = false;
    $rt = 0;
    $sending = false;
    $calls = [];
    $total = 0;
    foreach (file($file) as $line) {
        if (str_contains($line, MARK . 'start')) {
            $in = true;
            continue;
        }
        if (str_contains($line, MARK . 'end')) {
            break;
        }
        if (!$in || !preg_match('/^(?:\d+\s+)?(?:<\.\.\. )?([a-z_0-9]+)[( ]/', $line, $m) || str_contains($line, ' resumed>')) {
            continue;
        }
        $name = $m[1];
        if (preg_match('/^(write|writev)\(([12]),/', $line)) {
            continue; /* our own output, not the network */
        }
        $total++;
        $calls[$name] = ($calls[$name] ?? 0) + 1;
        if (in_array($name, ['sendto', 'sendmsg', 'sendmmsg', 'write', 'writev'], true)) {
            if (!$sending) {
                $rt++;
                $sending = true;
            }
        } elseif (in_array($name, ['recvfrom', 'recvmsg', 'read', 'readv', 'poll', 'ppoll', 'select', 'pselect6', 'epoll_wait', 'epoll_pwait'], true)) {
            $sending = false;
        }
    }
    return [$rt, $total, $calls];
}

/** Returns the php -d argument that loads memrehash in a child ('' when php.ini loads it). */
function child_ext_arg(): string
{
    static $arg = null;
    if ($arg === null) {
        $inIni = trim((string)shell_exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg('echo (int)extension_loaded("memrehash");') . ' 2>/dev/null')) === '1';
        $so = getenv('MR_BENCH_EXT') ?: dirname(__DIR__) . '/modules/memrehash.so';
        $arg = $inIni ? '' : '-d extension=' . escapeshellarg($so);
    }
    return $arg;
}

/** Parent: runs one probe child (under strace when there is one); returns its figures. */
function probe(array $o, string $op, string $peer, int $size, int $n, bool $strace): ?array
{
    $php = escapeshellarg(PHP_BINARY);
    $self = escapeshellarg(__FILE__);
    $extArg = child_ext_arg();
    $servers = escapeshellarg(implode(',', $o['servers']));
    $cmd = "$php $extArg $self --servers $servers --probe $op $peer $size $n";
    $log = tempnam(sys_get_temp_dir(), 'mrbench-strace');
    if ($strace) {
        $cmd = 'strace -f -qq -o ' . escapeshellarg($log) . " $cmd";
    }
    $out = shell_exec($cmd . ' 2>&1');
    $res = null;
    foreach (explode("\n", (string)$out) as $line) {
        if (str_starts_with($line, '{')) {
            $res = json_decode($line, true);
        }
    }
    if (!$res) {
        fwrite(STDERR, "probe $op $peer $size failed: " . trim((string)$out) . "\n");
        @unlink($log);
        return null;
    }
    $sum = [];
    foreach ($res['delta'] as $srv => $d) {
        foreach ($d as $k => $v) {
            $sum[$k] = ($sum[$k] ?? 0) + $v;
        }
    }
    $touched = count(array_filter($res['delta'], fn($d) => $d['cmd_get'] + $d['cmd_set'] + $d['delete_hits'] + $d['delete_misses'] > 0));
    $fig = [
        'op' => $op, 'peer' => $peer, 'size' => $size, 'n' => $n, 'bad' => $res['bad'],
        'gets' => $sum['cmd_get'] / $n, 'get_hits' => $sum['get_hits'] / $n,
        'sets' => $sum['cmd_set'] / $n, 'deletes' => ($sum['delete_hits'] + $sum['delete_misses']) / $n,
        'servers_touched' => $touched, 'bytes_to_servers' => $sum['bytes_read'] / $n,
        'per_server' => $res['delta'],
    ];
    if ($strace) {
        [$rt, $total, $calls] = parse_strace($log);
        $fig['round_trips'] = $rt / $n;
        $fig['syscalls'] = $total / $n;
        $fig['syscall_mix'] = array_map(fn($c) => round($c / $n, 2), $calls);
    }
    @unlink($log);
    return $fig;
}

function run_probes(array $o, array $ops, array $sizes): array
{
    $strace = trim((string)shell_exec('command -v strace 2>/dev/null')) !== '';
    $n = 200;
    $out = [];
    $all = $ops;
    if (in_array('get_migrate', $ops, true)) {
        $all[] = 'get_migrate_nfirst';
    }
    foreach ($all as $op) {
        $peers = (OPS[$op] ?? PROBE_ONLY[$op])[1];
        foreach ($sizes as $size) {
            foreach ($peers as $peer) {
                progress(sprintf('probe %-20s %-6s %-6s', $op, $peer, $size));
                $f = probe($o, $op, $peer, $size, $n, $strace);
                if ($f) {
                    $out[] = $f;
                }
            }
        }
    }
    progress('');
    return ['strace' => $strace, 'n' => $n, 'rows' => $out];
}

function print_probes(array $p): void
{
    printf("\n== Round trips and server commands per operation (%d ops in a child process; commands from the servers' own stats deltas%s) ==\n",
        $p['n'], $p['strace'] ? '; round trips and syscalls from strace -f' : '; strace not found: no round trip count');
    $fmt = "%-44s %6s  %-27s %6s %6s %6s %6s %5s %7s %8s  %s\n";
    printf($fmt, 'operation', 'value', 'client', 'gets', 'hits', 'sets', 'dels', 'srvs', 'rtrips', 'syscalls', 'syscall mix per op');
    foreach ($p['rows'] as $r) {
        $mix = [];
        foreach ($r['syscall_mix'] ?? [] as $k => $v) {
            $mix[] = "$k $v";
        }
        printf($fmt, (OPS[$r['op']] ?? PROBE_ONLY[$r['op']])[0], size_label($r['size']), PEER_NAMES[$r['peer']],
            sprintf('%.2f', $r['gets']), sprintf('%.2f', $r['get_hits']), sprintf('%.2f', $r['sets']),
            sprintf('%.2f', $r['deletes']), $r['servers_touched'],
            isset($r['round_trips']) ? sprintf('%.2f', $r['round_trips']) : '-',
            isset($r['syscalls']) ? sprintf('%.1f', $r['syscalls']) : '-', implode(', ', $mix));
    }
    echo "(per operation; getMulti rows per call of 50 keys. gets/hits/sets/dels: commands the servers counted (mg/get, ms/set/add, md/delete);\n";
    echo " srvs: servers that saw a command over the whole probe (a one-key op cycles 64 keys); rtrips: bursts of sends the client waited on)\n";
}

/* ---- memory: a long-running worker ---- */

/** Child: N mixed MemRehash operations; prints JSON checkpoints. */
function rss_child(array $o): void
{
    $n = (int)$o['args'][0];
    $s = new Scenario($o['servers'], 100);
    $mr = $s->pool('mixed');
    $val = make_value(100);
    $big = make_value(10240);
    $moved = pick_keys($s->loc, 'b:rss:m:', true, 32);
    $same = pick_keys($s->loc, 'b:rss:s:', false, 32);
    $s->mc->setMulti(array_fill_keys(array_merge($moved, $same), $val), BENCH_TTL);
    $multi = array_merge(array_slice($moved, 0, 5), array_slice($same, 0, 5));
    $mig = pick_keys($s->loc, 'b:rss:g:', true, 64);
    /* checkpoints go into a preallocated flat int array, so recording them
     * allocates nothing that would read as growth */
    $cp = 10;
    $flat = array_fill(0, $cp * 5, 0);
    $at = 0;
    $ops = 0;
    $check = max(1, intdiv($n, $cp));
    for ($i = 0; $ops < $n; $i++) {
        $k = $i & 31;
        switch ($i % 10) {
            case 0: $mr->get($moved[$k]); break;
            case 1: $mr->get($same[$k]); break;
            case 2: $mr->get('b:rss:none:' . $k); break;
            case 3: $mr->set($moved[$k], $val, BENCH_TTL); break;
            case 4: $mr->set($same[$k], $i & 1 ? $val : $big, BENCH_TTL); break;
            case 5: $mr->getMulti($multi); break;
            case 6: $mr->delete('b:rss:none:' . $k); break;
            case 7: /* a migrating get: seed at O with Memcached (its cost counts in the process too) */
                $s->mcOld->set($mig[$i & 63], $val, BENCH_TTL);
                $mr->get($mig[$i & 63]);
                break;
            case 8: $mr->increment('b:rss:ctr'); break;
            case 9: $mr->stats(); break;
        }
        $ops++;
        if ($ops % $check === 0 && $at < $cp * 5) {
            gc_collect_cycles();
            $flat[$at++] = $ops;
            $flat[$at++] = memory_get_usage();
            $flat[$at++] = memory_get_usage(true);
            $flat[$at++] = proc_status_kb('VmRSS');
            $flat[$at++] = proc_status_kb('VmHWM');
        }
    }
    $points = [];
    foreach (array_chunk(array_slice($flat, 0, $at), 5) as [$a, $b, $c, $d, $e]) {
        $points[] = ['ops' => $a, 'php_mem' => $b, 'php_mem_real' => $c, 'vmrss_kb' => $d, 'vmhwm_kb' => $e];
    }
    echo json_encode(['n' => $n, 'points' => $points]), "\n";
}

function run_rss(array $o): ?array
{
    $php = escapeshellarg(PHP_BINARY);
    $extArg = child_ext_arg();
    $cmd = "$php $extArg " . escapeshellarg(__FILE__) . ' --servers ' . escapeshellarg(implode(',', $o['servers'])) . ' --rss-child ' . (int)$o['mixed'];
    fprintf(STDERR, "RSS check: %d mixed operations...\n", $o['mixed']);
    $out = (string)shell_exec($cmd . ' 2>&1');
    foreach (explode("\n", $out) as $line) {
        if (str_starts_with($line, '{')) {
            return json_decode($line, true);
        }
    }
    fwrite(STDERR, "RSS check failed: " . trim($out) . "\n");
    return null;
}

function print_rss(array $r): void
{
    $p = $r['points'];
    $first = $p[0];
    $last = $p[count($p) - 1];
    printf("\n== Memory of a long-running worker: %d mixed MemRehash operations (get hit/miss, migrating get, set, getMulti, delete, increment, stats) ==\n", $r['n']);
    printf("%10s %14s %14s %10s %10s\n", 'ops', 'memory_usage', 'usage(true)', 'VmRSS kB', 'VmHWM kB');
    foreach ($p as $x) {
        printf("%10d %14d %14d %10d %10d\n", $x['ops'], $x['php_mem'], $x['php_mem_real'], $x['vmrss_kb'], $x['vmhwm_kb']);
    }
    printf("growth from %d to %d ops: memory_get_usage %+d bytes, VmRSS %+d kB\n", $first['ops'], $last['ops'],
        $last['php_mem'] - $first['php_mem'], $last['vmrss_kb'] - $first['vmrss_kb']);
}

/* ---- entry ---- */

function main(array $argv): int
{
    $o = parse_args($argv);
    if (!extension_loaded('memrehash') || !extension_loaded('memcached')) {
        fwrite(STDERR, "bench: needs the memrehash and memcached extensions (php -d extension=modules/memrehash.so)\n");
        return 1;
    }
    if ($o['mode'] === 'probe') {
        probe_child($o);
        return 0;
    }
    if ($o['mode'] === 'rss') {
        rss_child($o);
        return 0;
    }
    $ops = array_keys(OPS);
    if ($o['only'] !== '') {
        $ops = array_values(array_intersect($ops, explode(',', $o['only'])));
    }
    foreach ($o['servers'] as $srv) {
        server_stats($srv); /* fails loudly when a server is not there */
    }
    $info = machine_info($o['servers']);
    printf("memrehash bench: %d CPUs (%s), client CPUs %s, pinned: %s, load %s; PHP %s, memrehash %s, memcached ext %s, memcached server %s\n",
        $info['cpus'], $info['cpu_model'], $info['client_cpus_allowed'], $info['pinned'], $info['load_start'], $info['php'],
        $info['memrehash'], $info['memcached_ext'], $info['memcached_server']);
    printf("old list %s,%s,%s -> new list %s,%s,%s (modula, default hash); %d rounds, %d ops per measurement\n",
        ...array_merge([$o['servers'][0], $o['servers'][1], $o['servers'][2], $o['servers'][0], $o['servers'][1], $o['servers'][3]],
        [$o['rounds'], $o['iters']]));
    echo "Memcached = PECL memcached, text protocol, TCP_NODELAY on; Debian defaults = new Memcached() untouched (no TCP_NODELAY).\n";
    printf("userland = two Memcached objects doing the move of docs/DESIGN.md by hand: fixed TTL %d s for moved items, unconditional delete at O.\n", USERLAND_TTL);

    $s = new Scenario($o['servers'], $o['iters']);
    $rows = run_timing($s, $ops, $o['sizes'], $o['rounds']);
    print_timing($rows, $o['rounds']);

    $probes = $o['probe'] ? run_probes($o, $ops, $o['sizes']) : null;
    if ($probes) {
        print_probes($probes);
    }
    $rss = $o['rss'] ? run_rss($o) : null;
    if ($rss) {
        print_rss($rss);
    }
    if ($o['json']) {
        $doc = ['machine' => $info, 'rounds' => $o['rounds'], 'iters' => $o['iters'], 'timing' => $rows,
            'round_trips' => $probes, 'rss' => $rss];
        file_put_contents($o['json'], json_encode($doc, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION) . "\n");
    }
    return 0;
}

exit(main($argv));
