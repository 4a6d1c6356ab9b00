<?php
/* The wedges of issue 15, set by hand in a counters file, then a new pool
 * (tests/suites/crash.sh runs it):
 *
 *   php crash_wedge.php EXT FILE H S
 *
 * EXT the extension, FILE a scratch counters file, H the header's size and
 * S a pool slot's size (the suite measures both from file sizes). Each case
 * writes a wedge into FILE, then a new PHP process creates a pool with a
 * 10 s timeout; it must answer within a second. Prints "ok - ..." lines. */
require __DIR__ . '/../config.inc';

[, $ext, $file, $H, $S] = $argv;
[$H, $S] = [(int)$H, (int)$S];
$max = 16;
$old = mr_servers(1, 0)[0];
$new = mr_servers(1, 1)[0];

function say(bool $ok, string $what): void
{
    echo ($ok ? 'ok' : 'not ok'), " - $what\n";
}

/** Creates pool $name in a new PHP process; returns [seconds or null, output]. */
function create_pool(string $ext, string $file, int $max, string $old, string $new, string $name): array
{
    $code = sprintf('$t = microtime(true); $m = new MemRehash([%s], [%s], ["name" => %s]); $m->get("x"); '
        . '$s = $m->stats(); printf("%%.6f %%s", microtime(true) - $t, $s["name"]);',
        var_export($old, true), var_export($new, true), var_export($name, true));
    $cmd = sprintf('timeout 10 %s -n -d extension=%s -d memrehash.counters_file=%s -d memrehash.max_pools=%d -r %s 2>&1',
        escapeshellarg(PHP_BINARY), escapeshellarg($ext), escapeshellarg($file), $max, escapeshellarg($code));
    $out = trim((string)shell_exec($cmd));
    $parts = explode(' ', $out, 2);
    $ok = count($parts) === 2 && is_numeric($parts[0]) && $parts[1] === $name;
    return [$ok ? (float)$parts[0] : null, $out];
}

function check(string $what, array $r): void
{
    [$t, $out] = $r;
    say($t !== null && $t < 1.0, $what . ': ' . ($t === null ? "no pool (hung or failed: $out)" : sprintf('pool created in %.1f ms', $t * 1000)));
}

/** Returns [home slot, name hash] of a new pool $name: where it lands in an
 * empty counters file of $max slots, and the hash the slot records (read
 * from the file, so the test does not restate the extension's hash). */
function probe(string $ext, int $max, string $old, string $new, string $name, int $H, int $S): array
{
    $scratch = tempnam(sys_get_temp_dir(), 'wedge');
    unlink($scratch);
    create_pool($ext, $scratch, $max, $old, $new, $name);
    $f = (string)file_get_contents($scratch);
    unlink($scratch);
    for ($i = 0; $i < $max; $i++) {
        if (rtrim(substr($f, $H + $i * $S + 16, 128), "\0") === $name) {
            return [$i, unpack('P', $f, $H + $i * $S + 8)[1]];
        }
    }
    return [-1, 0];
}

/** Writes 8 bytes at $off of $file. */
function poke(string $file, int $off, string $bytes): void
{
    $f = fopen($file, 'r+b');
    fseek($f, $off);
    fwrite($f, $bytes);
    fclose($f);
}

/** Returns the claim word a process $pid writes while it claims a slot for a name hashed $hash. */
function claim_word(int $hash, int $pid): string
{
    return pack('VV', $pid, (($hash >> 32) & 0xffffffff) | 0x80000000);
}

/** Returns a pid that is certainly gone (a child that exited and was reaped). */
function dead_pid(): int
{
    $p = proc_open(['true'], [], $pipes);
    $pid = proc_get_status($p)['pid'];
    proc_close($p);
    return $pid;
}

@unlink($file);
check('a new counters file', create_pool($ext, $file, $max, $old, $new, 'wedge-seed'));

// 1. issue 15's exact wedge: the header's lock word set by hand
poke($file, 32, pack('P', 1));
check('the header lock word set by hand (issue 15), then a new pool', create_pool($ext, $file, $max, $old, $new, 'wedge-lock'));

// 2. the home slot of a new name claimed for that same name by a killed process
$name = 'wedge-dead-same';
[$home, $hash] = probe($ext, $max, $old, $new, $name, $H, $S);
poke($file, $H + $home * $S, claim_word($hash, dead_pid()));
check('its slot left mid-claim (same name) by a killed process', create_pool($ext, $file, $max, $old, $new, $name));

// 3. the same, by a live process that stopped mid-claim (SIGSTOP): taken over after the stale bound
$name = 'wedge-stopped-same';
$sleeper = proc_open(['sleep', '30'], [], $pipes);
$spid = proc_get_status($sleeper)['pid'];
posix_kill($spid, SIGSTOP);
[$home, $hash] = probe($ext, $max, $old, $new, $name, $H, $S);
poke($file, $H + $home * $S, claim_word($hash, $spid));
$r = create_pool($ext, $file, $max, $old, $new, $name);
check("its slot held mid-claim (same name) by a live, stopped process (pid $spid)", $r);
say($r[0] !== null && $r[0] >= 0.45, sprintf('which it waited for, at most the stale bound (500 ms): %.0f ms', ($r[0] ?? 0) * 1000));
$f = file_get_contents($file);
say(unpack('P', $f, $H + $home * $S)[1] === 1 && rtrim(substr($f, $H + $home * $S + 16, 128), "\0") === $name,
    "and took its home slot $home over: one slot for the name");
posix_kill($spid, SIGKILL);
proc_close($sleeper);

// 4. every free slot left mid-claim by killed processes (other names)
$f = file_get_contents($file);
$dead = dead_pid();
$left = 0;
for ($i = 0; $i < $max; $i++) {
    if (unpack('P', $f, $H + $i * $S)[1] === 0) {
        poke($file, $H + $i * $S, claim_word(0x5eed0000 << 32 | $i, $dead));
        $left++;
    }
}
check("all $left free slots left mid-claim by a killed process", create_pool($ext, $file, $max, $old, $new, 'wedge-all-dead'));

// 5. a file of the old layout (version 1) with its lock set, as a crash under the old build leaves it
$v1 = str_repeat("\0", filesize($file));
$v1 = substr_replace($v1, pack('PPPPP', 0x314d48534552524d, 1, strlen($v1), $max, 1), 0, 40);
file_put_contents($file, $v1);
check('a version-1 file whose lock is set', create_pool($ext, $file, $max, $old, $new, 'wedge-v1'));

// 6. garbage
file_put_contents($file, random_bytes(4096));
check('a file of random bytes', create_pool($ext, $file, $max, $old, $new, 'wedge-garbage'));
@unlink($file);
