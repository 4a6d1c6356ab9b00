<?php
// Construction before and after a change, in one run: bench/construct.php
// run alternately with two builds of the extension (each run measures its
// build against PECL in the same process), and the medians of the runs
// side by side. The machine may be shared: alternating the builds spreads
// the load over both.
//
// php bench/construct_compare.php BEFORE.so AFTER.so PORT,PORT,PORT [runs] [rounds] [iters]
declare(strict_types=1);

if ($argc < 4) {
    fwrite(STDERR, "usage: php bench/construct_compare.php BEFORE.so AFTER.so PORT,PORT,PORT [runs] [rounds] [iters]\n");
    exit(2);
}
[, $before, $after, $ports] = $argv;
$runs = (int) ($argv[4] ?? 3);
$rounds = (int) ($argv[5] ?? 5);
$iters = (int) ($argv[6] ?? 200);
$script = __DIR__ . '/construct.php';

/** Runs construct.php with one build; returns rows by server label. */
function run(string $so, string $script, string $ports, int $rounds, int $iters): array
{
    $cmd = sprintf('%s -d extension=%s %s %s %d %d 2>&1', escapeshellarg(PHP_BINARY), escapeshellarg($so),
        escapeshellarg($script), escapeshellarg($ports), $rounds, $iters);
    $rows = [];
    foreach (explode("\n", (string) shell_exec($cmd)) as $line) {
        if (preg_match('/^(\d+ \w+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)x\s+([\d.]+)(?:\s+([\d.]+)\s+([\d.]+))?/', $line, $m)) {
            $rows[$m[1]] = ['mr' => (float) $m[2], 'pecl' => (float) $m[3], 'ratio' => (float) $m[4], 'first' => (float) $m[5],
                'mr_new' => isset($m[6]) ? (float) $m[6] : null, 'pecl_new' => isset($m[7]) ? (float) $m[7] : null];
        } elseif (preg_match('/^(\d+)\s+refused/', $line, $m)) {
            $rows[$m[1] . ' refused'] = null;
        }
    }
    return $rows;
}

function median(array $a): float
{
    sort($a);
    $n = count($a);
    return $n % 2 ? $a[intdiv($n, 2)] : ($a[$n / 2 - 1] + $a[$n / 2]) / 2;
}

$all = ['before' => [], 'after' => []];
for ($r = 0; $r < $runs; $r++) {
    foreach ($r % 2 ? ['after', 'before'] : ['before', 'after'] as $which) {
        $all[$which][] = run($which === 'before' ? $before : $after, $script, $ports, $rounds, $iters);
    }
}
printf("%d runs per build, alternating; each run %d rounds of %d (1,000 servers: a tenth); medians; load average %.2f\n",
    $runs, $rounds, $iters, sys_getloadavg()[0]);
printf("%-12s | %10s %10s %7s | %10s %10s %7s | %12s %12s | %10s %10s %10s\n", 'servers', 'before us', 'pecl us', 'ratio', 'after us', 'pecl us', 'ratio',
    'first before', 'first after', 'new before', 'new after', 'pecl new');
$labels = array_keys($all['after'][0]);
foreach ($labels as $label) {
    $col = function (string $which, string $f) use ($all, $label): ?float {
        $v = array_filter(array_map(fn($run) => $run[$label][$f] ?? null, $all[$which]), fn($x) => $x !== null);
        return $v ? median($v) : null;
    };
    $fmt = fn(?float $x, string $f) => $x === null ? str_pad('-', strlen(sprintf($f, 0))) : sprintf($f, $x);
    printf("%-12s | %10s %10s %7s | %10s %10s %7s | %12s %12s | %10s %10s %10s\n", $label,
        $fmt($col('before', 'mr'), '%10.1f'), $fmt($col('before', 'pecl'), '%10.1f'), $fmt($col('before', 'ratio'), '%6.2fx'),
        $fmt($col('after', 'mr'), '%10.1f'), $fmt($col('after', 'pecl'), '%10.1f'), $fmt($col('after', 'ratio'), '%6.2fx'),
        $fmt($col('before', 'first'), '%12.0f'), $fmt($col('after', 'first'), '%12.0f'),
        $fmt($col('before', 'mr_new'), '%10.1f'), $fmt($col('after', 'mr_new'), '%10.1f'), $fmt($col('after', 'pecl_new'), '%10.1f'));
}
