<?php
/*
 * php report.php OUT_DIR SCENARIO...: from OUT_DIR/scenario-*.json and
 * run.txt (written by run.sh and load.php) writes
 *   OUT_DIR/stampede-GROUP.svg  one chart per transition (3 -> 2 servers,
 *                               2 -> 3, modula -> ketama): a panel per measure,
 *                               a line per scenario (the control in grey), the
 *                               switch marked
 *   OUT_DIR/table.md            per scenario: steady and peak database
 *                               queries/s, the extra queries the change caused
 *                               (against the control run, which sends the same
 *                               requests with no change), p99 steady and after
 *                               the switch
 * and prints the correctness checks as "ok - ..." / "not ok - ..." lines
 * (exit 1 when one fails): every scenario ran, every request got a 200 and
 * the right page, the database holds what it held, the metrics were read.
 */

declare(strict_types=1);

const GROUPS = [
    '3to2' => '3 servers -> 2 (one retired)',
    '2to3' => '2 servers -> 3 (one added)',
    'mod2ket' => 'modula -> ketama (3 servers)',
];
const COLORS = ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b'];
const PANELS = [
    'rps' => ['requests/s served (answers per second)', ''],
    'p50' => ['p50 latency', 'ms, log scale'],
    'p99' => ['p99 latency', 'ms, log scale'],
    'db' => ['database queries/s (MariaDB Com_select)', ''],
    'hit' => ['cache hit rate (pages not from the database)', '%'],
    'old' => ['pool old-hit rate (metrics endpoint)', '%'],
];

$failed = 0;
/** Prints a check's result line and counts a failure. */
function check(bool $ok, string $what): void
{
    global $failed;
    echo ($ok ? 'ok - ' : 'not ok - '), $what, "\n";
    $failed += $ok ? 0 : 1;
}

/** Returns the series of one measure over a scenario's seconds: t => value|null. */
function series(array $r, string $m): array
{
    $out = [];
    foreach ($r['seconds'] as $s) {
        $out[$s['t']] = match ($m) {
            'rps' => $s['served'] ?? $s['requests'],
            'p50' => $s['p50'],
            'p99' => $s['p99'],
            'db' => $s['db_queries'],
            'hit' => $s['requests'] ? 100 * (1 - $s['db_pages'] / $s['requests']) : null,
            'old' => isset($s['metrics']['memrehash_old_hit_rate']) ? 100 * $s['metrics']['memrehash_old_hit_rate'] : null,
        };
    }
    return $out;
}

/** Returns the percentile $p of unsorted $v (null when empty). */
function pctl(array $v, float $p): ?float
{
    if (!$v) {
        return null;
    }
    sort($v);
    return $v[max(0, min(count($v) - 1, (int)ceil($p / 100 * count($v)) - 1))];
}

/** Returns a "nice" upper bound for an axis. */
function nice_max(float $v): float
{
    if ($v <= 0) {
        return 1;
    }
    $e = 10 ** floor(log10($v));
    foreach ([1, 2, 2.5, 5, 10] as $m) {
        if ($v <= $m * $e) {
            return $m * $e;
        }
    }
    return 10 * $e;
}

/** Returns $s escaped for SVG text. */
function x(string $s): string
{
    return htmlspecialchars($s, ENT_QUOTES | ENT_XML1);
}

/** Returns one group's chart: 6 panels in 2 columns, a line per scenario. */
function chart(string $title, array $results, ?array $control, string $subtitle): string
{
    $pw = 440;
    $ph = 170;
    $ml = 50;
    $mt = 30;
    $cols = 2;
    $legendH = 22 * (int)ceil((count($results) + 2) / 3) + 10;
    $W = $cols * ($pw + $ml + 20) + 20;
    $top = 52 + $legendH;
    $H = $top + 3 * ($ph + $mt + 30) + 10;
    $o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$W\" height=\"$H\" viewBox=\"0 0 $W $H\" font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\">\n";
    $o .= "<rect width=\"$W\" height=\"$H\" fill=\"#fff\"/>\n";
    $o .= '<text x="20" y="26" font-size="18" font-weight="bold">' . x($title) . "</text>\n";
    $o .= '<text x="20" y="45" font-size="12" fill="#555">' . x($subtitle) . "</text>\n";
    $lines = [];
    $i = 0;
    foreach ($results as $name => $r) {
        $lines[$name] = ['r' => $r, 'color' => COLORS[$i++ % count(COLORS)], 'dash' => '', 'width' => 2];
    }
    if ($control !== null) {
        $lines['none'] = ['r' => $control, 'color' => '#999', 'dash' => ' stroke-dasharray="4 3"', 'width' => 1.5];
    }
    /* legend */
    $k = 0;
    foreach ($lines as $name => $l) {
        $lx = 20 + ($k % 3) * 330;
        $ly = 62 + 22 * intdiv($k, 3);
        $o .= "<line x1=\"$lx\" y1=\"$ly\" x2=\"" . ($lx + 28) . "\" y2=\"$ly\" stroke=\"{$l['color']}\" stroke-width=\"3\"{$l['dash']}/>";
        $o .= '<text x="' . ($lx + 34) . '" y="' . ($ly + 4) . '" font-size="12">' . x($l['r']['label']) . "</text>\n";
        $k++;
    }
    $any = reset($lines)['r'];
    $t0 = -$any['before'];
    $t1 = $any['after'];
    $p = 0;
    foreach (PANELS as $m => [$label, $unit]) {
        $px = 20 + ($p % $cols) * ($pw + $ml + 20) + $ml;
        $py = $top + intdiv($p, $cols) * ($ph + $mt + 30) + $mt;
        $p++;
        $max = 0.0;
        foreach ($lines as $l) {
            foreach (series($l['r'], $m) as $v) {
                $max = max($max, (float)$v);
            }
        }
        /* latencies on a log scale (1 ms up to a power of ten): a stall of
         * seconds and a steady 5 ms both stay readable */
        $log = in_array($m, ['p50', 'p99'], true);
        $max = in_array($m, ['hit', 'old'], true) ? 100.0 : ($log ? 10 ** max(1, (int)ceil(log10(max(1.0, $max)))) : nice_max($max * 1.05));
        $grid = $log ? (int)log10($max) : 4;
        $scale = static fn(float $v): float => $log ? log10(max(1.0, $v)) / log10($max) : $v / $max;
        $o .= '<text x="' . ($px - $ml + 4) . '" y="' . ($py - 10) . '" font-size="13" font-weight="bold">' . x($label) . ($unit ? ' (' . x($unit) . ')' : '') . "</text>\n";
        $o .= "<rect x=\"$px\" y=\"$py\" width=\"$pw\" height=\"$ph\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n";
        for ($g = 0; $g <= $grid; $g++) {
            $gy = $py + $ph - $g * $ph / $grid;
            $v = $log ? 10 ** $g : $max * $g / $grid;
            $o .= "<line x1=\"$px\" y1=\"$gy\" x2=\"" . ($px + $pw) . "\" y2=\"$gy\" stroke=\"#e5e5e5\"/>";
            $o .= '<text x="' . ($px - 5) . '" y="' . ($gy + 4) . '" font-size="10" text-anchor="end" fill="#555">' . x(rtrim(rtrim(sprintf('%.1f', $v), '0'), '.')) . "</text>\n";
        }
        $sx = static fn(float $t): float => $px + ($t - $t0) / max(1, $t1 - $t0) * $pw;
        for ($t = (int)(ceil($t0 / 5) * 5); $t <= $t1; $t += 5) {
            $o .= '<text x="' . round($sx($t), 1) . '" y="' . ($py + $ph + 13) . '" font-size="10" text-anchor="middle" fill="#555">' . $t . " s</text>";
        }
        $zx = round($sx(0), 1);
        $o .= "<line x1=\"$zx\" y1=\"$py\" x2=\"$zx\" y2=\"" . ($py + $ph) . "\" stroke=\"#000\" stroke-dasharray=\"5 3\"/>";
        $o .= '<text x="' . ($zx + 3) . '" y="' . ($py + 11) . "\" font-size=\"10\">switch</text>\n";
        foreach (array_reverse($lines, true) as $l) {
            $pts = [];
            $segs = [];
            foreach (series($l['r'], $m) as $t => $v) {
                if ($v === null) {
                    if ($pts) {
                        $segs[] = $pts;
                    }
                    $pts = [];
                    continue;
                }
                $vy = $py + $ph - min(1.0, $scale((float)$v)) * $ph;
                $pts[] = round($sx($t + 0.5), 1) . ',' . round($vy, 1);
            }
            if ($pts) {
                $segs[] = $pts;
            }
            foreach ($segs as $sg) {
                $o .= "<polyline fill=\"none\" stroke=\"{$l['color']}\" stroke-width=\"{$l['width']}\"{$l['dash']} points=\"" . implode(' ', $sg) . "\"/>\n";
            }
        }
    }
    return $o . "</svg>\n";
}

/** Returns the figures of one scenario for the table. */
function figures(array $r, ?array $control): array
{
    $db = series($r, 'db');
    $before = array_filter($db, static fn($v, $t) => $t < 0 && $t >= -$r['before'] + 2 && $v !== null, ARRAY_FILTER_USE_BOTH);
    $after = array_filter($db, static fn($v, $t) => $t >= 0 && $v !== null, ARRAY_FILTER_USE_BOTH);
    $steady = $before ? array_sum($before) / count($before) : 0.0;
    $total = array_sum($after);
    /* extra: the scenario's whole count against the control's (the same
     * requests, the same warm state, no change); the part before the switch
     * is the same in both */
    $ctl = $control === null ? null : $control['db_queries'];
    $p99 = series($r, 'p99');
    $window = 20;
    $move = [];
    foreach ($r['seconds'] as $s) {
        if ($s['t'] >= 0 && $s['t'] < $window) {
            $move[] = $s['t'];
        }
    }
    $afterLat = $r['latencies']['after'];
    $firstN = array_slice($afterLat, 0, $window * $r['rate']);
    return [
        'steady_db' => $steady,
        'peak_db' => $after ? max($after) : 0,
        'total_db_after' => $total,
        'db_queries' => $r['db_queries'],
        'extra_db' => $ctl === null ? null : $r['db_queries'] - $ctl,
        'p99_steady' => pctl($r['latencies']['before'], 99),
        'p99_move' => pctl($firstN, 99),
        'p99_peak_second' => max(array_filter($p99, static fn($v, $t) => $t >= 0 && $v !== null, ARRAY_FILTER_USE_BOTH) ?: [0]),
        'p50_steady' => pctl($r['latencies']['before'], 50),
        'window' => min($window, $r['after']),
    ];
}

$dir = $argv[1] ?? '';
$names = array_slice($argv, 2);
$scenarios = require __DIR__ . '/scenarios.php';
$run = [];
foreach (file("$dir/run.txt", FILE_IGNORE_NEW_LINES) ?: [] as $line) {
    [$k, $v] = explode(' ', $line, 2) + [1 => ''];
    $run[$k] = $v;
}
$results = [];
foreach ($names as $n) {
    $f = "$dir/scenario-$n.json";
    $r = is_file($f) ? json_decode((string)file_get_contents($f), true) : null;
    check(is_array($r), "scenario $n ran ($f)");
    if (!is_array($r)) {
        continue;
    }
    $r += $scenarios[$n];
    $results[$n] = $r;
    check($r['answered'] === $r['requests'], "$n: every request answered ({$r['answered']} of {$r['requests']})");
    check($r['bad'] === 0, "$n: every answer a 200 with the item's right text ({$r['bad']} not)"
        . ($r['failures'] ? ': first ' . json_encode($r['failures'][0]) : ''));
    $dbq = array_sum(array_map(static fn($s) => (int)$s['db_queries'], $r['seconds']));
    check($dbq > 0 && $r['db_pages'] > 0, "$n: the database counted queries ($dbq) and pages came from it ({$r['db_pages']})");
    if ($r['client'] === 'mr') {
        $m = $r['final_metrics'] ?? [];
        check(isset($m['memrehash_gets_total'], $m['memrehash_old_hit_rate']) && $m['memrehash_gets_total'] > 0,
            "$n: the metrics endpoint shows the pool (gets " . (int)($m['memrehash_gets_total'] ?? 0) . ', old hits '
            . (int)($m['memrehash_old_hits_total'] ?? 0) . ', migrated ' . (int)($m['memrehash_migrated_total'] ?? 0) . ')');
    }
    if ($r['drain'] !== null) {
        $d = $r['drain'];
        check(in_array($d['exit'], [0], true) || !empty($d['stopped_at_end']),
            "$n: the drain ran (exit {$d['exit']}" . (!empty($d['stopped_at_end']) ? ', stopped at the end of the scenario' : '') . '): ' . $d['summary']);
    }
}
check(($run['checksum_before'] ?? 'a') === ($run['checksum_after'] ?? 'b'),
    'the database holds what it held (' . ($run['checksum_after'] ?? '?') . ')');

/* ---- charts and table ---- */
$control = $results['none'] ?? null;
$sub = sprintf('%d requests/s, fixed rate; nginx + PHP-FPM (4 workers) + MariaDB + 3 memcached; %s; load %s at start',
    $results ? reset($results)['rate'] : 0, $run['date'] ?? '', $run['load_start'] ?? '?');
foreach (GROUPS as $g => $title) {
    $in = array_filter($results, static fn($r) => $r['group'] === $g);
    if ($in) {
        file_put_contents("$dir/stampede-$g.svg", chart("Through a pool change: $title", $in, $control, $sub));
    }
}
$fig = [];
foreach ($results as $n => $r) {
    $fig[$n] = figures($r, $control);
}
$t = "| scenario | DB q/s steady | DB q/s peak after switch | peak / steady | DB queries, whole run | extra vs no change | extra, % of PECL's | p99 steady | p99 first {$fig[array_key_first($fig)]['window']} s | p99 ratio | worst 1-s p99 |\n";
$t .= "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
foreach ($results as $n => $r) {
    $f = $fig[$n];
    /* the PECL scenario of the same transition and placement */
    $peer = $r['client'] === 'mr' ? preg_replace('/-mr(-drain)?$/', '-pecl', $n) : null;
    $pct = '';
    if ($peer !== null && isset($fig[$peer]) && $fig[$peer]['extra_db'] > 0 && $f['extra_db'] !== null) {
        $pct = sprintf('%.1f%%', 100 * $f['extra_db'] / $fig[$peer]['extra_db']);
        $fig[$n]['pct_of_pecl'] = $f['extra_db'] / $fig[$peer]['extra_db'];
    }
    $t .= sprintf("| %s | %.1f | %d | %s | %d | %s | %s | %.1f ms | %.1f ms | %.2fx | %.1f ms |\n",
        $r['group'] === 'control' ? $r['label'] : GROUPS[$r['group']] . ': ' . $r['label'],
        $f['steady_db'], $f['peak_db'], $f['steady_db'] > 0 ? sprintf('%.1fx', $f['peak_db'] / $f['steady_db']) : '-',
        $f['db_queries'], $f['extra_db'] === null ? '-' : sprintf('%+d', $f['extra_db']), $pct,
        $f['p99_steady'], $f['p99_move'], $f['p99_move'] / max(0.001, $f['p99_steady']), $f['p99_peak_second']);
}
file_put_contents("$dir/table.md", $t);
file_put_contents("$dir/figures.json", json_encode($fig, JSON_PRETTY_PRINT));
echo "\n", $t;
echo "\nrun: ", implode('; ', array_map(static fn($k, $v) => "$k $v", array_keys($run), $run)), "\n";
echo "charts: ", implode(' ', glob("$dir/stampede-*.svg") ?: []), "\n";
exit($failed === 0 ? 0 : 1);
