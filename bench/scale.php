<?php
// The scaling grid: how a request's cost grows with the pool's size, the
// keys per call and the value size, MemRehash against PECL Memcached, side
// by side in one run.
//
// A cell is one request as a site runs it, on a fresh object: `new` (plus
// PECL's setOption/addServers), setMulti of K values of V bytes, getMulti of
// the K keys, deleteMulti of them; then the same three calls again on the
// now warm object. Each is timed on its own; the cell's ratio is
// MemRehash / PECL of the whole fresh request (and of each part, in the JSON).
//
// Servers: a list of S entries whose first three are the live servers given,
// the rest closed ports on 127.0.0.1 (ketama up to 100 entries, modula for
// 1,000, as construct.php). The K keys of a cell are chosen (by PECL's
// getServerByKey) among those that land on a live server, so both clients
// touch the same three servers whatever S is: S weighs on construction and
// placement, not on how many servers a call reaches (this machine cannot
// run a thousand memcached).
//
// Values: random bytes (incompressible), compression off in both clients.
// Cells whose K * V exceeds --cap bytes (default 16 MB: the test servers
// have 64 MB each) are not run ("-").
//
// The machine is shared: rounds interleave the two clients (the order
// alternates), every figure is the median of the rounds.
//
// php -d extension=modules/memrehash.so bench/scale.php --ports P1,P2,P3
//     [--quick] [--rounds N] [--cap BYTES] [--json FILE]
declare(strict_types=1);

$o = getopt('', ['ports:', 'quick', 'rounds:', 'cap:', 'json:', 'help']);
if (isset($o['help']) || !isset($o['ports'])) {
    fwrite(STDERR, "usage: php -d extension=modules/memrehash.so bench/scale.php --ports P1,P2,P3 [--quick] [--rounds N] [--cap BYTES] [--json FILE]\n");
    exit(isset($o['help']) ? 0 : 2);
}
$ports = array_map('intval', explode(',', $o['ports']));
$quick = isset($o['quick']);
$rounds = (int) ($o['rounds'] ?? ($quick ? 3 : 5));
$cap = (int) ($o['cap'] ?? 16 << 20);
$SERVERS = $quick ? [3, 1000] : [3, 10, 100, 1000];
$KEYS = $quick ? [1, 100, 10000] : [1, 10, 100, 1000, 10000];
$SIZES = [100, 10000, 1000000];

/** Returns the S-entry list: the live servers first, then closed ports. */
function server_list(array $ports, int $s): array
{
    $list = [];
    foreach (array_slice($ports, 0, 3) as $p) {
        $list[] = ['127.0.0.1', $p];
    }
    for ($i = count($list); $i < $s; $i++) {
        $list[] = ['127.0.0.1', 40000 + $i];   // nothing listens there
    }
    return $list;
}

function pecl(array $list): Memcached
{
    $m = new Memcached();
    if (count($list) <= 100) {
        $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
        $m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
    }
    $m->setOption(Memcached::OPT_COMPRESSION, false);
    $m->setOption(Memcached::OPT_TCP_NODELAY, true);
    $m->addServers($list);
    return $m;
}

function mr(array $specs): MemRehash
{
    $opts = ['compression' => false];
    if (count($specs) <= 100) {
        $opts['distribution'] = MemRehash::DIST_KETAMA;
    }
    return new MemRehash($specs, $specs, $opts);
}

/** Returns $k keys that PECL places on a live server of $list. */
function live_keys(array $list, int $k): array
{
    $m = pecl($list);
    $live = [];
    foreach (array_slice($list, 0, 3) as $s) {
        $live[$s[1]] = true;
    }
    $keys = [];
    for ($i = 0; count($keys) < $k; $i++) {
        $key = "scale:$i";
        if (isset($live[$m->getServerByKey($key)['port']])) {
            $keys[] = $key;
        }
    }
    return $keys;
}

function median(array $a): float
{
    sort($a);
    $n = count($a);
    return $n % 2 ? $a[intdiv($n, 2)] : ($a[$n / 2 - 1] + $a[$n / 2]) / 2;
}

/** Runs one request with client factory $make; returns microseconds per part. */
function request(callable $make, array $items, array $keys): array
{
    $t0 = hrtime(true);
    $c = $make();
    $t1 = hrtime(true);
    $ok = $c->setMulti($items);
    $t2 = hrtime(true);
    $got = $c->getMulti($keys);
    $t3 = hrtime(true);
    $c->deleteMulti($keys);
    $t4 = hrtime(true);
    if ($ok !== true || !is_array($got) || count($got) !== count($keys)) {
        // the servers' own refusal (a full slab class: SERVER_ERROR out of
        // memory) or a timeout: the cell is reported as failed, not timed
        throw new RuntimeException(sprintf('%s: setMulti %s, getMulti %d of %d, result code %d',
            get_class($c), var_export($ok, true), count((array) $got), count($keys), $c->getResultCode()));
    }
    // the same calls again on the warm object
    $c->setMulti($items);
    $t5 = hrtime(true);
    $c->getMulti($keys);
    $t6 = hrtime(true);
    $c->deleteMulti($keys);
    $t7 = hrtime(true);
    $us = fn($a, $b) => ($b - $a) / 1e3;
    return [
        'new' => $us($t0, $t1), 'set' => $us($t1, $t2), 'get' => $us($t2, $t3), 'delete' => $us($t3, $t4),
        'fresh' => $us($t0, $t4),
        'warm_set' => $us($t4, $t5), 'warm_get' => $us($t5, $t6), 'warm_delete' => $us($t6, $t7),
        'warm' => $us($t4, $t7),
    ];
}

/** Returns requests per round: about 1 MB of values, 1 to 20. */
function iterations(int $k, int $v): int
{
    return max(1, min(20, intdiv(1 << 20, $k * ($v + 64))));
}

$cells = [];
foreach ($SERVERS as $s) {
    $list = server_list($ports, $s);
    $specs = array_map(fn($e) => "$e[0]:$e[1]", $list);
    $all_keys = live_keys($list, max($KEYS));
    mr($specs);   // the first object of the process with this configuration: not timed
    foreach ($SIZES as $v) {
        foreach ($KEYS as $k) {
            if ($k * $v > $cap) {
                $cells[] = ['servers' => $s, 'keys' => $k, 'size' => $v, 'skipped' => "K*V above --cap ($cap bytes)"];
                continue;
            }
            $keys = array_slice($all_keys, 0, $k);
            $items = [];
            foreach ($keys as $i => $key) {
                $items[$key] = random_bytes($v);
            }
            $n = iterations($k, $v);
            $runs = ['memrehash' => [], 'pecl' => []];
            $make = ['memrehash' => fn() => mr($specs), 'pecl' => fn() => pecl($list)];
            try {
                for ($r = 0; $r < $rounds; $r++) {
                    $order = $r % 2 ? ['pecl', 'memrehash'] : ['memrehash', 'pecl'];
                    foreach ($order as $who) {
                        $sum = [];
                        for ($i = 0; $i < $n; $i++) {
                            foreach (request($make[$who], $items, $keys) as $part => $us) {
                                $sum[$part] = ($sum[$part] ?? 0) + $us / $n;
                            }
                        }
                        $runs[$who][] = $sum;
                    }
                }
            } catch (RuntimeException $e) {
                $cells[] = ['servers' => $s, 'keys' => $k, 'size' => $v, 'failed' => $e->getMessage()];
                fprintf(STDERR, "  %4d servers %5d keys %7d B: failed: %s\n", $s, $k, $v, $e->getMessage());
                pecl($list)->deleteMulti($keys);
                continue;
            }
            $cell = ['servers' => $s, 'keys' => $k, 'size' => $v, 'iterations' => $n, 'rounds' => $rounds];
            foreach (['memrehash', 'pecl'] as $who) {
                foreach (array_keys($runs[$who][0]) as $part) {
                    $cell[$who][$part] = round(median(array_column($runs[$who], $part)), 1);
                }
            }
            foreach (array_keys($cell['pecl']) as $part) {
                $cell['ratio'][$part] = $cell['pecl'][$part] > 0 ? round($cell['memrehash'][$part] / $cell['pecl'][$part], 2) : null;
            }
            $cells[] = $cell;
            fprintf(STDERR, "  %4d servers %5d keys %7d B: fresh %.2fx warm %.2fx\n", $s, $k, $v, $cell['ratio']['fresh'], $cell['ratio']['warm']);
        }
    }
}

/** Prints one table of ratios: rows servers x size, columns keys. */
function table(array $cells, array $keys, string $part, string $title): void
{
    echo "\n$title (MemRehash / PECL; below 1.00 MemRehash is faster)\n";
    printf("%-8s %-9s", 'servers', 'value');
    foreach ($keys as $k) {
        printf(" %8s", "$k keys");
    }
    echo "\n";
    $rows = [];
    foreach ($cells as $c) {
        $rows["$c[servers]|$c[size]"][$c['keys']] = isset($c['ratio']) ? sprintf('%.2fx', $c['ratio'][$part]) : (isset($c['failed']) ? 'failed' : '-');
    }
    foreach ($rows as $rk => $row) {
        [$s, $v] = explode('|', $rk);
        $label = $v >= 1000000 ? ($v / 1000000) . ' MB' : ($v >= 1000 ? ($v / 1000) . ' KB' : "$v B");
        printf("%-8s %-9s", $s, $label);
        foreach ($keys as $k) {
            printf(" %8s", $row[$k] ?? '-');
        }
        echo "\n";
    }
}

printf("scale grid: %d rounds, load average at the end %.2f (the machine is shared)\n", $rounds, sys_getloadavg()[0]);
table($cells, $KEYS, 'fresh', 'fresh object: new + setMulti + getMulti + deleteMulti');
table($cells, $KEYS, 'warm', 'warm object: setMulti + getMulti + deleteMulti again');
if (isset($o['json'])) {
    file_put_contents($o['json'], json_encode([
        'when' => gmdate('c'), 'php' => PHP_VERSION, 'rounds' => $rounds, 'quick' => $quick,
        'load_average' => sys_getloadavg(), 'cells' => $cells,
    ], JSON_PRETTY_PRINT) . "\n");
}
