<?php
/* Crash test of the shared counters (tests/suites/crash.sh runs it).
 *
 *   php -d extension=... [-d memrehash.counters_file=F] crash_counters.php MODE KILLS
 *
 * MODE "file" (the counters file F) or "anon" (the mapping made at MINIT and
 * shared by forked children). Forks workers that create pools (claiming
 * slots and server rows) and read keys, and kills them with SIGKILL at
 * random instants, KILLS times, while other workers read a pool of their own
 * and are never killed. Then a fresh process must create a new pool within a
 * second, and the counters must add up: exactly for the pools nobody was
 * killed in, and at most one call's keys short per kill for the others.
 * Prints "ok - ..." / "not ok - ..." lines and a "figure: ..." line. */
require __DIR__ . '/../config.inc';

[$mode, $kills] = [$argv[1] ?? 'anon', (int)($argv[2] ?? 200)];
$old = mr_servers(2, 0);
$new = mr_servers(2, 2);
$keys_per_call = 4;
$chaos_names = 300;      // distinct pool names the killed workers create
$clean_workers = 3;
$clean_calls = 300;
$clean_pool = "crash-clean-$mode-" . getmypid();

function say(bool $ok, string $what): void
{
    echo ($ok ? 'ok' : 'not ok'), " - $what\n";
}

/* keys at the old list, so reads find old hits and move keys */
$peer = mr_peer($old);
for ($i = 0; $i < 200; $i++) {
    $peer->set("crash:$i", "v$i");
}

/** Returns $n different keys out of 400 (200 of them exist at the old list). */
function distinct_keys(int $n): array
{
    $keys = [];
    while (count($keys) < $n) {
        $keys['crash:' . mt_rand(0, 399)] = true;
    }
    return array_keys($keys);
}

/** Runs in a killed-at-random worker: creates pools and reads, forever. */
function chaos_worker(array $old, array $new, int $names, int $per): void
{
    mt_srand(getmypid());
    for (;;) {
        $name = 'crash-chaos-' . mt_rand(0, $names - 1);
        $m = new MemRehash($old, $new, ['name' => $name, 'complete_below' => 0.0]);
        $m->getMulti(distinct_keys($per)); // half of them exist nowhere
        unset($m);
    }
}

/** Runs in a worker nobody kills: a fixed number of reads on one pool. */
function clean_worker(array $old, array $new, string $pool, int $calls, int $per): void
{
    mt_srand(getmypid());
    $m = new MemRehash($old, $new, ['name' => $pool, 'complete_below' => 0.0]);
    for ($c = 0; $c < $calls; $c++) {
        $m->getMulti(distinct_keys($per));
        usleep(2000);
    }
}

function spawn(callable $fn): int
{
    $pid = pcntl_fork();
    if ($pid < 0) {
        fwrite(STDERR, "fork failed\n");
        exit(2);
    }
    if ($pid === 0) {
        $fn();
        exit(0);
    }
    return $pid;
}

$clean = [];
for ($i = 0; $i < $clean_workers; $i++) {
    $clean[] = spawn(fn() => clean_worker($old, $new, $clean_pool, $clean_calls, $keys_per_call));
}
$chaos = [];
for ($i = 0; $i < 6; $i++) {
    $chaos[] = spawn(fn() => chaos_worker($old, $new, $chaos_names, $keys_per_call));
}
mt_srand(42 + getmypid());
$done = 0;
$t0 = microtime(true);
while ($done < $kills) {
    usleep(mt_rand(0, 15000)); // a random instant in a worker's life
    $i = mt_rand(0, count($chaos) - 1);
    posix_kill($chaos[$i], SIGKILL);
    pcntl_waitpid($chaos[$i], $st);
    $done++;
    $chaos[$i] = spawn(fn() => chaos_worker($old, $new, $chaos_names, $keys_per_call));
}
foreach ($chaos as $pid) {
    posix_kill($pid, SIGKILL);
    pcntl_waitpid($pid, $st);
    $done++;
}
$kill_s = microtime(true) - $t0;
$clean_ok = true;
foreach ($clean as $pid) {
    pcntl_waitpid($pid, $st);
    $clean_ok = $clean_ok && pcntl_wifexited($st) && pcntl_wexitstatus($st) === 0;
}
say($clean_ok, "$clean_workers workers nobody killed finished their $clean_calls reads each while others were killed");
say($done >= $kills, sprintf('%d workers killed with SIGKILL at random instants in %.1f s', $done, $kill_s));

/* a fresh process creates a new pool: a new PHP process for the file, a
 * fresh fork of this one for the anonymous mapping */
$fresh = "crash-fresh-$mode-" . getmypid();
if ($mode === 'file') {
    $cmd = sprintf('timeout 10 %s -n -d extension=%s -d memrehash.counters_file=%s -d memrehash.max_pools=%d -r %s 2>&1',
        escapeshellarg(PHP_BINARY), escapeshellarg(getenv('MR_EXT')), escapeshellarg(ini_get('memrehash.counters_file')),
        (int)ini_get('memrehash.max_pools'),
        escapeshellarg('$t = microtime(true); $m = new MemRehash(["' . $old[0] . '"], ["' . $new[0] . '"], ["name" => "' . $fresh
            . '"]); $m->get("x"); printf("%.6f", microtime(true) - $t);'));
    $out = trim((string)shell_exec($cmd));
    $took = is_numeric($out) ? (float)$out : null;
} else {
    $pipe = tempnam(sys_get_temp_dir(), 'crash');
    $pid = spawn(function () use ($old, $new, $fresh, $pipe) {
        $t = microtime(true);
        $m = new MemRehash([$old[0]], [$new[0]], ['name' => $fresh]);
        $m->get('x');
        file_put_contents($pipe, sprintf('%.6f', microtime(true) - $t));
    });
    $waited = 0;
    while (pcntl_waitpid($pid, $st, WNOHANG) === 0 && $waited < 1000) {
        usleep(10000);
        $waited++;
    }
    if ($waited >= 1000) {
        posix_kill($pid, SIGKILL);
        pcntl_waitpid($pid, $st);
    }
    $out = (string)@file_get_contents($pipe);
    @unlink($pipe);
    $took = is_numeric($out) ? (float)$out : null;
}
say($took !== null && $took < 1.0, sprintf('a fresh process created pool %s after the kills in %s', $fresh,
    $took === null ? "no time (it hung or failed: $out)" : sprintf('%.1f ms', $took * 1000)));
echo sprintf("figure: mode=%s kills=%d fresh_pool_ms=%.2f\n", $mode, $done, ($took ?? -1) * 1000);

$all = MemRehash::allStats();
say(isset($all[$fresh]), 'the fresh pool is in the shared counters (allStats) of this process');
$c = $all[$clean_pool] ?? null;
$want = $clean_workers * $clean_calls * $keys_per_call;
say($c !== null && $c['gets'] === $want, sprintf('the pool nobody was killed in counts every key read: gets %s, %d asked',
    $c['gets'] ?? 'missing', $want));
say($c !== null && $c['gets'] === $c['new_hits'] + $c['old_hits'] + $c['misses'], sprintf(
    'and adds up: gets %d = new_hits %d + old_hits %d + misses %d', $c['gets'] ?? -1, $c['new_hits'] ?? -1,
    $c['old_hits'] ?? -1, $c['misses'] ?? -1));

/* the killed workers' pools: a kill between counting a call's gets and its
 * outcomes (counted key by key) leaves gets ahead of the sum, by at most one
 * call's keys per kill, and never behind it */
$pools = 0;
$short = 0;
$bad = [];
$dups = [];
foreach ($all as $name => $s) {
    if (strncmp($name, 'crash-chaos-', 12) !== 0) {
        continue;
    }
    $pools++;
    $d = $s['gets'] - ($s['new_hits'] + $s['old_hits'] + $s['misses']);
    $short += $d;
    if ($d < 0) { /* outcomes are counted key by key: a kill can stop mid-call */
        $bad[] = "$name: gets $s[gets], outcomes " . ($s['gets'] - $d);
    }
    if (count($s['servers']) !== 4) {
        $bad[] = "$name: " . count($s['servers']) . ' server rows, not 4';
    }
}
say($pools > 0 && $bad === [], sprintf('%d pools claimed by killed workers: every one with its 4 server rows and no more '
    . 'outcomes than gets%s', $pools, $bad ? ': ' . implode('; ', array_slice($bad, 0, 5)) : ''));
say($short <= $done * $keys_per_call, sprintf('their gets run ahead of outcomes by %d keys: at most one %d-key call per kill (%d kills)',
    $short, $keys_per_call, $done));
if ($mode === 'file') {
    /* allStats() is keyed by name, so count the ready slots in the file itself */
    [$h, $sz] = array_map('intval', explode(',', getenv('MR_CTR_LAYOUT')));
    $f = file_get_contents(ini_get('memrehash.counters_file'));
    $ready = 0;
    for ($i = 0; $i < (int)ini_get('memrehash.max_pools'); $i++) {
        $ready += unpack('P', $f, $h + $i * $sz)[1] === 1 ? 1 : 0;
    }
    say($ready === count($all), sprintf('no pool name holds two slots: %d ready slots in the file, %d names', $ready, count($all)));
}
