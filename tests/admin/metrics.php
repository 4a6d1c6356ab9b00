<?php
/* Helper of tests/suites/admin.sh: compares parsed metrics (metrics.py's JSON)
 * with allStats() from a CLI with the same counters file. Prints one
 * "ok - ..." or "not ok - ..." line per check; the suite counts them.
 *
 *   php metrics.php SAMPLES_JSON CLI_STATS_JSON LABEL
 *
 * Expected names are written out here from the documentation
 * (admin/README.md), not taken from the renderer. */

const COUNTERS = ['gets' => 'gets', 'new_hits' => 'new_hits', 'old_lookups' => 'old_lookups', 'old_hits' => 'old_hits',
    'migrated' => 'migrated', 'raced' => 'raced', 'move_failed' => 'move_failed', 'misses' => 'misses',
    'sets' => 'sets', 'deletes' => 'deletes', 'drained' => 'drained', 'moved_bytes' => 'bytes_moved',
    'errors' => 'errors', 'sessions_moved' => 'sessions_moved', 'sessions_new' => 'sessions_new',
    'sessions_missed' => 'sessions_missed'];
const GAUGES = ['old_hit_rate' => 'old_hit_rate', 'old_hit_window_seen' => 'window_seen', 'old_hit_window' => 'window',
    'complete_below' => 'complete_below', 'started_timestamp_seconds' => 'started', 'completed_timestamp_seconds' => 'completed'];

function check(bool $ok, string $what, string $detail = ''): void
{
    echo $ok ? 'ok' : 'not ok', ' - ', $what, !$ok && $detail !== '' ? "\n    $detail" : '', "\n";
}

/** Returns the value of the sample $name with exactly $labels, or null. */
function sample(array $samples, string $name, array $labels): ?float
{
    foreach ($samples as $s) {
        if ($s['name'] === $name && $s['labels'] == $labels) {
            return (float)$s['value'];
        }
    }
    return null;
}

[$samplesFile, $cliFile, $label] = array_slice($argv, 1, 3);
$samples = json_decode((string)file_get_contents($samplesFile), true);
$all = json_decode((string)file_get_contents($cliFile), true);
if (!is_array($samples) || !is_array($all) || !$all) {
    check(false, "$label: samples and CLI stats readable");
    exit;
}
check(sample($samples, 'memrehash_pools', []) === (float)count($all), "$label: memrehash_pools is " . count($all));
foreach ($all as $pool => $s) {
    $pool = (string)$pool;
    $l = ['pool' => $pool];
    $bad = [];
    foreach (COUNTERS as $m => $k) {
        $v = sample($samples, "memrehash_{$m}_total", $l);
        if ($v !== (float)$s[$k]) {
            $bad[] = "memrehash_{$m}_total=" . var_export($v, true) . " want {$s[$k]}";
        }
    }
    foreach (GAUGES as $m => $k) {
        $v = sample($samples, "memrehash_$m", $l);
        if ($v === null || abs($v - (float)$s[$k]) > 1e-9) {
            $bad[] = "memrehash_$m=" . var_export($v, true) . " want {$s[$k]}";
        }
    }
    foreach (['migrating', 'complete'] as $st) {
        $v = sample($samples, 'memrehash_state', $l + ['state' => $st]);
        if ($v !== ($s['state'] === $st ? 1.0 : 0.0)) {
            $bad[] = "memrehash_state{state=$st}=" . var_export($v, true);
        }
    }
    foreach ($s['servers'] as $server => $row) {
        $sl = $l + ['server' => (string)$server, 'role' => $row['role']];
        foreach (['moved_out', 'moved_in', 'errors'] as $k) {
            $v = sample($samples, "memrehash_server_{$k}_total", $sl);
            if ($v !== (float)$row[$k]) {
                $bad[] = "memrehash_server_{$k}_total{server=$server}=" . var_export($v, true) . " want {$row[$k]}";
            }
        }
    }
    check(!$bad, "$label: pool " . json_encode($pool) . ': every counter, gauge, state and per-server row equals stats() ('
        . (count(COUNTERS) + count(GAUGES) + 2 + 3 * count($s['servers'])) . ' samples)', implode('; ', $bad));
}
$types = [];
foreach ($samples as $s) {
    $types[$s['family']] = $s['type'];
}
check(($types['memrehash_gets'] ?? $types['memrehash_gets_total'] ?? null) === 'counter'
    && ($types['memrehash_old_hit_rate'] ?? null) === 'gauge' && ($types['memrehash_server_moved_in'] ?? $types['memrehash_server_moved_in_total'] ?? null) === 'counter',
    "$label: TYPE lines: gets and per-server moves are counters, old_hit_rate a gauge");
