<?php
/*
 * php load.php CONFIG SCENARIO OUT.json: one scenario's load, open loop.
 *
 * Requests are sent at a fixed rate on a fixed schedule (request i at
 * start + i/rate), whatever the server does: a slow answer does not delay
 * the next request (no coordinated omission), and a request's latency counts
 * from its scheduled time. wrk (Debian's is 4.1, without wrk2's -R) sends
 * as fast as answers come back, and nghttp2's HTTP/2 load tool paces connections, not requests, so
 * this generator is our own: PHP's curl_multi, keep-alive connections.
 *
 * Keys: item ids drawn zipf-like (rank r with weight 1/r^s), the same
 * sequence in every scenario (fixed seed). At `before` seconds it writes the
 * phase file ("SCENARIO after"): the switch; a scenario with a drain starts
 * bin/memrehash drain then, in the background, rate-limited.
 *
 * Per second: requests are counted by the second they were scheduled in
 * (latency, page source) and, as `served`, by the second their answer came
 * back (the throughput). Every second it reads MariaDB's Com_select (the database's own count of
 * SELECTs) and the admin page's Prometheus metrics (the pool's old-hit rate).
 * Every answer is checked: status 200 and <p id="v"> holding the item's text
 * computed from the bulk queries (setup.php). The result, per second and in
 * total, goes to OUT.json.
 */

declare(strict_types=1);

require __DIR__ . '/app/item.php';
require __DIR__ . '/clients.php';

const MAX_IN_FLIGHT = 64;

/** Returns the cumulative zipf weights of ranks 1..$n (exponent $s), normalised to 1. */
function zipf_cdf(int $n, float $s): array
{
    $cdf = [];
    $sum = 0.0;
    for ($r = 1; $r <= $n; $r++) {
        $sum += 1.0 / ($r ** $s);
        $cdf[] = $sum;
    }
    return array_map(static fn(float $c): float => $c / $sum, $cdf);
}

/** Returns the rank (1-based) whose cumulative weight first reaches $u. */
function zipf_pick(array $cdf, float $u): int
{
    [$lo, $hi] = [0, count($cdf) - 1];
    while ($lo < $hi) {
        $mid = ($lo + $hi) >> 1;
        if ($cdf[$mid] < $u) {
            $lo = $mid + 1;
        } else {
            $hi = $mid;
        }
    }
    return $lo + 1;
}

/** Writes the phase file atomically (the page reads it on every request). */
function write_phase(string $file, string $phase): void
{
    file_put_contents("$file.tmp", $phase . "\n");
    rename("$file.tmp", $file);
}

/** Returns MariaDB's Com_select. */
function com_select(mysqli $db): int
{
    return (int)$db->query("SHOW GLOBAL STATUS LIKE 'Com_select'")->fetch_row()[1];
}

/** Returns the pool's samples from Prometheus text: metric name => value. */
function parse_metrics(string $text, string $pool): array
{
    $out = [];
    $label = 'pool="' . str_replace(['\\', '"'], ['\\\\', '\\"'], $pool) . '"';
    foreach (explode("\n", $text) as $line) {
        if (preg_match('/^(memrehash_[a-z_]+)\{' . preg_quote($label, '/') . '\} (\S+)$/', $line, $m)) {
            $out[$m[1]] = (float)$m[2];
        }
    }
    return $out;
}

/** Returns the percentile $p (0..100) of sorted $v, or null when empty. */
function percentile(array $v, float $p): ?float
{
    if (!$v) {
        return null;
    }
    $i = (int)ceil($p / 100 * count($v)) - 1;
    return $v[max(0, min(count($v) - 1, $i))];
}

/** Starts the background drain of a scenario; returns [process, pipes]. */
function start_drain(array $config, string $name, array $sc)
{
    $cmd = array_merge($config['php_cli'], [$config['root'] . '/bin/memrehash', 'drain',
        '--old=' . implode(',', stampede_servers($config, $sc['old'])),
        '--new=' . implode(',', stampede_servers($config, $sc['new'])),
        '--server=' . $config['servers'][$sc['drain']],
        '--old-distribution=' . $sc['old_dist'], '--distribution=' . $sc['dist'],
        '--name=' . stampede_pool_name($name), '--rate=' . $config['drain_rate'], '--interval=1']);
    $log = $config['dir'] . "/drain-$name.log";
    $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'w'], 2 => ['file', "$log.err", 'w']], $pipes);
    return $p;
}

[$cfg, $name, $outFile] = [$argv[1] ?? '', $argv[2] ?? '', $argv[3] ?? ''];
$config = require $cfg;
$scenarios = require __DIR__ . '/scenarios.php';
$sc = $scenarios[$name] ?? null;
if ($sc === null || $outFile === '') {
    fwrite(STDERR, "usage: php load.php CONFIG SCENARIO OUT.json\n");
    exit(2);
}
$rate = (int)$config['rate'];
$before = (int)$config['before'];
$after = (int)$config['after'];
$seconds = $before + $after;
$total = $rate * $seconds;
$expected = unserialize(file_get_contents($config['dir'] . '/expected.ser'));
$cdf = zipf_cdf((int)$config['rows'], (float)$config['zipf']);
mt_srand((int)$config['seed']);
$ids = [];
for ($i = 0; $i < $total; $i++) {
    $ids[] = zipf_pick($cdf, mt_rand() / mt_getrandmax());
}
unset($cdf);
$pool = stampede_pool_name($name);
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
$db = new mysqli(null, 'root', '', null, 0, $config['db_socket']);

$mh = curl_multi_init();
curl_multi_setopt($mh, CURLMOPT_MAXCONNECTS, MAX_IN_FLIGHT + 4);
$meta = [];           /* handle id => ['req', i, added] or ['metrics', k] */
$inFlight = 0;
$buckets = array_fill(0, $seconds, ['lat' => [], 'n' => 0, 'bad' => 0, 'db' => 0]);
$done = [];           /* second of completion => answers: the throughput served */
$ticks = [];          /* k => ['at' => offset, 'com_select' => n, 'metrics' => [...]] */
$failures = [];
$drain = null;
$drainInfo = null;

write_phase($config['phase_file'], "$name before");
$t0 = microtime(true) + 0.3;
$next = 0;
$tick = 0;
$switched = false;
$deadline = $t0 + $seconds + 30;   /* generous: answers still in flight after the last send */

/** Adds a GET to the multi handle. */
$add = static function (string $url, array $m) use ($mh, &$meta): void {
    $h = curl_init($url);
    curl_setopt_array($h, [CURLOPT_RETURNTRANSFER => true, CURLOPT_HEADER => true, CURLOPT_TIMEOUT => 30,
        CURLOPT_TCP_NODELAY => true]);
    if ($m[0] === 'metrics') {
        curl_setopt($h, CURLOPT_USERPWD, $GLOBALS['config']['admin_user'] . ':' . $GLOBALS['config']['admin_password']);
    }
    curl_multi_add_handle($mh, $h);
    $meta[spl_object_id($h)] = $m + ['h' => $h];
};

while (true) {
    $now = microtime(true);
    /* the per-second probes, taken at t0 + k */
    while ($tick <= $seconds && $now >= $t0 + $tick) {
        $ticks[$tick] = ['at' => round($now - $t0, 3), 'com_select' => com_select($db), 'metrics' => null];
        $add($config['metrics_url'], ['metrics', $tick]);
        $tick++;
    }
    if (!$switched && $now >= $t0 + $before) {
        write_phase($config['phase_file'], "$name after");
        $switched = true;
        if ($sc['drain'] !== null) {
            $drain = start_drain($config, $name, $sc);
            $drainInfo = ['started' => round($now - $t0, 3)];
        }
    }
    while ($next < $total && $inFlight < MAX_IN_FLIGHT && $t0 + $next / $rate <= $now) {
        $add($config['base_url'] . '/item?id=' . $ids[$next], ['req', $next, $now]);
        $next++;
        $inFlight++;
    }
    curl_multi_exec($mh, $running);
    while (($info = curl_multi_info_read($mh)) !== false) {
        $h = $info['handle'];
        $m = $meta[spl_object_id($h)];
        unset($meta[spl_object_id($h)]);
        $body = (string)curl_multi_getcontent($h);
        $code = (int)curl_getinfo($h, CURLINFO_RESPONSE_CODE);
        if ($m[0] === 'metrics') {
            $ticks[$m[1]]['metrics'] = $code === 200 ? parse_metrics($body, $pool) : ['status' => $code];
        } else {
            $inFlight--;
            $i = $m[1];
            $k = intdiv($i, $rate);
            $lat = ($m[2] - ($t0 + $i / $rate)) + curl_getinfo($h, CURLINFO_TOTAL_TIME);
            $id = $ids[$i];
            $want = '<p id="v">' . htmlspecialchars($expected[$id]) . '</p>';
            $good = $code === 200 && str_contains($body, $want);
            $buckets[$k]['n']++;
            $doneAt = (int)floor($m[2] + curl_getinfo($h, CURLINFO_TOTAL_TIME) - $t0);
            $done[$doneAt] = ($done[$doneAt] ?? 0) + 1;
            $buckets[$k]['lat'][] = round($lat * 1000, 2);
            if (!$good) {
                $buckets[$k]['bad']++;
                if (count($failures) < 10) {
                    $failures[] = ['i' => $i, 'id' => $id, 'status' => $code, 'curl' => $info['result'],
                        'body' => substr($body, 0, 400)];
                }
            } elseif (preg_match('/^X-Source: db\r?$/mi', $body)) {
                $buckets[$k]['db']++;
            }
        }
        curl_multi_remove_handle($mh, $h);
        curl_close($h);
    }
    if ($drain !== null && !isset($drainInfo['exit'])) {
        $st = proc_get_status($drain);
        if (!$st['running']) {
            $drainInfo['exit'] = $st['exitcode'];
            $drainInfo['finished'] = round(microtime(true) - $t0, 3);
        }
    }
    if ($next >= $total && $tick > $seconds && !$meta) {
        break;
    }
    if (microtime(true) > $deadline) {
        fwrite(STDERR, "load: answers still missing 30 s after the last request\n");
        break;
    }
    $wait = $next < $total ? $t0 + $next / $rate - microtime(true) : 0.01;
    curl_multi_select($mh, max(0.0005, min(0.01, $wait)));
}
if ($drain !== null) {
    if (!isset($drainInfo['exit'])) {
        /* still moving at the end of the scenario: stop it (safe: run again continues) */
        proc_terminate($drain, 15);
        $drainInfo['stopped_at_end'] = true;
    }
    $code = proc_close($drain);
    $drainInfo['exit'] ??= $code;
    $drainInfo['summary'] = trim((string)@file_get_contents($config['dir'] . "/drain-$name.log"));
}

/* the database's count once every answer is in: whole-scenario totals do not
 * depend on where a second's boundary fell */
$comEnd = com_select($db);
$perSecond = [];
$all = ['before' => [], 'after' => []];
for ($k = 0; $k < $seconds; $k++) {
    $b = $buckets[$k];
    sort($b['lat']);
    $perSecond[] = [
        't' => $k - $before,
        'requests' => $b['n'],
        'served' => $done[$k] ?? 0,
        'bad' => $b['bad'],
        'db_pages' => $b['db'],
        'p50' => percentile($b['lat'], 50),
        'p99' => percentile($b['lat'], 99),
        'db_queries' => isset($ticks[$k + 1]) ? $ticks[$k + 1]['com_select'] - $ticks[$k]['com_select'] : null,
        'metrics' => $ticks[$k]['metrics'] ?? null,
    ];
    array_push($all[$k < $before ? 'before' : 'after'], ...$b['lat']);
}
$sent = array_sum(array_column($perSecond, 'requests'));
$result = [
    'scenario' => $name,
    'rate' => $rate, 'before' => $before, 'after' => $after,
    'requests' => $total,
    'answered' => $sent,
    'bad' => array_sum(array_column($perSecond, 'bad')),
    'db_pages' => array_sum(array_column($perSecond, 'db_pages')),
    'db_queries' => $comEnd - $ticks[0]['com_select'],
    'seconds' => $perSecond,
    'latencies' => $all,
    'failures' => $failures,
    'drain' => $drainInfo,
    'final_metrics' => $ticks[$seconds]['metrics'] ?? null,
];
file_put_contents($outFile, json_encode($result));
printf("load %s: %d requests, %d answered, %d bad, %d pages from the db\n", $name, $total, $sent, $result['bad'], $result['db_pages']);
exit($sent === $total && $result['bad'] === 0 ? 0 : 1);
