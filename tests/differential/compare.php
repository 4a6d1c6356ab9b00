<?php
/* Compares two records of driver.php, call by call, then the end dumps
 * server by server and key by key. Prints each difference (the call, its
 * arguments, both outcomes) and ends with one line:
 *
 *   differential NAME: N operations, D differences[ (K compressed values
 *   with other bytes, same content)]
 *
 * (an end-dump item compressed by both sides to other bytes that decode to
 * the same value is no difference: payload.php)
 *
 *   php compare.php NAME A.rec B.rec
 *
 * Exits 0 when there is no difference, every \Memcached method the sequence
 * must cover was called, and at least 10,000 calls were compared. */

/** Methods the sequence does not call, and why. */
const DIFF_NOT_COVERED = [
    '__construct' => 'each side is built its own way',
    'addServer' => 'changes the server list (the drop-in documents its own meaning)',
    'addServers' => 'same',
    'resetServerList' => 'same',
    'setBucket' => 'vbucket placement, not a memcached pool feature memrehash offers',
    'setSaslAuthData' => 'needs SASL-enabled servers',
    'setEncodingKey' => 'libmemcached payload encryption, not offered by memrehash',
];
const DIFF_MIN_OPS = 10000;

require __DIR__ . '/payload.php';

/** Returns the decoded lines of a record file. */
function cmp_read(string $file): array
{
    $lines = [];
    foreach (file($file, FILE_IGNORE_NEW_LINES) as $n => $l) {
        $d = json_decode($l, true);
        if (!is_array($d)) {
            fwrite(STDERR, "compare: $file line " . ($n + 1) . " is not JSON (the driver died?)\n");
            exit(2);
        }
        $lines[] = $d;
    }
    return $lines;
}

/** Returns $v as one short line for the log. */
function cmp_show($v): string
{
    $s = json_encode($v, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    return strlen($s) > 600 ? substr($s, 0, 600) . '...(' . strlen($s) . ' bytes)' : $s;
}

/** Returns true when two dump items (canonical [flags, value, ttl kind])
 * are the same compressed value stored with other compressed bytes: the
 * same flags and ttl kind, and payloads that decode to the same bytes
 * (payload.php says why that is no difference). */
function cmp_same_content($va, $vb): bool
{
    $fa = cmp_item($va);
    $fb = cmp_item($vb);
    if ($fa === null || $fb === null || $fa[0] !== $fb[0] || $fa[2] !== $fb[2]) {
        return false;
    }
    $ca = diff_payload_content($fa[0], $fa[1]);
    return $ca !== null && $ca === diff_payload_content($fb[0], $fb[1]);
}

/** Returns a canonical dump item as [flags, payload bytes, ttl kind], or null. */
function cmp_item($v): ?array
{
    $parts = [];
    foreach ($v['array'] ?? [] as [, $x]) {
        $parts[] = $x;
    }
    if (count($parts) !== 3 || !is_string($parts[0]) || !is_string($parts[1]) || !str_starts_with($parts[0], 'i:')) {
        return null;
    }
    $bytes = str_starts_with($parts[1], 'x:') ? hex2bin(substr($parts[1], 2)) : (str_starts_with($parts[1], 's:') ? substr($parts[1], 2) : null);
    return $bytes === null || $bytes === false ? null : [(int)substr($parts[0], 2), $bytes, $parts[2]];
}

/** The count of items cmp_dumps took as equal by their content only. */
$GLOBALS['cmp_recompressed'] = 0;

/** Returns the differences of two end dumps, one line each. */
function cmp_dumps(array $a, array $b): array
{
    $out = [];
    foreach (array_unique(array_merge(array_keys($a), array_keys($b))) as $server) {
        $ia = $a[$server] ?? [];
        $ib = $b[$server] ?? [];
        $keys = array_unique(array_merge(array_keys($ia), array_keys($ib)));
        sort($keys, SORT_STRING);
        foreach ($keys as $k) {
            $va = $ia[$k] ?? 'absent';
            $vb = $ib[$k] ?? 'absent';
            if ($va !== $vb) {
                if (cmp_same_content($va, $vb)) {
                    echo "SAME CONTENT $server key " . cmp_show($k) . ": a compressed value stored with other compressed bytes\n";
                    $GLOBALS['cmp_recompressed']++;
                    continue;
                }
                $out[] = "contents $server key " . cmp_show($k) . ': A ' . cmp_show($va) . ' | B ' . cmp_show($vb);
            }
        }
    }
    return $out;
}

/** Returns the \Memcached methods the record never called (coverage). */
function cmp_uncovered(array $called): array
{
    $missing = [];
    foreach ((new ReflectionClass('Memcached'))->getMethods(ReflectionMethod::IS_PUBLIC) as $m) {
        $name = $m->getName();
        if (!isset(DIFF_NOT_COVERED[$name]) && !in_array($name, $called, true)) {
            $missing[] = $name;
        }
    }
    return $missing;
}

/** Returns the lines of a record grouped by sequence step (a step is one
 * random action: one call, or a getDelayed and its fetches). */
function cmp_steps(array $lines): array
{
    $steps = [];
    foreach ($lines as $l) {
        $steps[$l['step'] ?? -1][] = $l;
    }
    return $steps;
}

/** Prints one differing line pair; returns 1. */
function cmp_report_line(?array $la, ?array $lb, int $step): int
{
    if ($la === null || $lb === null) {
        $one = $la ?? $lb;
        echo "DIFF step $step {$one['op']}: only " . ($la ? 'A' : 'B') . ' made this call; args ' . cmp_show($one['args'] ?? null) . "\n";
        echo '    ' . ($la ? 'A' : 'B') . ': ret ' . cmp_show($one['ret'] ?? null) . ' code ' . cmp_show($one['code'] ?? null) . "\n";
        return 1;
    }
    echo "DIFF step $step {$la['op']}" . (($la['op'] !== $lb['op']) ? " / {$lb['op']}" : '') . ' args ' . cmp_show($la['args'] ?? null) . "\n";
    foreach (['ret', 'errors', 'code', 'msg', 'extra'] as $f) {
        if (($la[$f] ?? null) !== ($lb[$f] ?? null)) {
            echo "    $f: A " . cmp_show($la[$f] ?? null) . "\n    $f: B " . cmp_show($lb[$f] ?? null) . "\n";
        }
    }
    return 1;
}

function cmp_main(array $argv): int
{
    if (count($argv) !== 4) {
        fwrite(STDERR, "usage: php compare.php NAME A.rec B.rec\n");
        return 2;
    }
    [, $name, $fa, $fb] = $argv;
    $a = cmp_steps(cmp_read($fa));
    $b = cmp_steps(cmp_read($fb));
    $ops = 0;
    $diffs = 0;
    $problems = [];
    $steps = array_unique(array_merge(array_keys($a), array_keys($b)));
    sort($steps);
    foreach ($steps as $step) {
        $sa = $a[$step] ?? [];
        $sb = $b[$step] ?? [];
        $n = max(count($sa), count($sb));
        for ($i = 0; $i < $n; $i++) {
            $la = $sa[$i] ?? null;
            $lb = $sb[$i] ?? null;
            $op = ($la ?? $lb)['op'];
            if ($op === '#dump' && $la && $lb) {
                foreach (cmp_dumps(cmp_unpack($la['ret']), cmp_unpack($lb['ret'])) as $line) {
                    echo "DIFF $line\n";
                    $diffs++;
                }
                continue;
            }
            if ($op === '#coverage') {
                foreach (['A' => $la, 'B' => $lb] as $side => $l) {
                    $missing = cmp_uncovered(array_map(fn($c) => substr($c[1], 2), $l['ret']['array'] ?? []));
                    if ($missing) {
                        $problems[] = "side $side never called: " . implode(', ', $missing);
                    }
                }
            }
            if ($op[0] !== '#') {
                $ops++;
            }
            if ($la !== null && $lb !== null) {
                unset($la['i'], $lb['i']);
                if ($la === $lb) {
                    continue;
                }
            }
            $diffs += cmp_report_line($la, $lb, $step);
        }
    }
    if ($ops < DIFF_MIN_OPS) {
        $problems[] = "only $ops operations (at least " . DIFF_MIN_OPS . ' expected)';
    }
    foreach ($problems as $p) {
        echo "PROBLEM $p\n";
    }
    $same = $GLOBALS['cmp_recompressed'] ? " ({$GLOBALS['cmp_recompressed']} compressed values with other bytes, same content)" : '';
    echo "differential $name: $ops operations, $diffs differences$same\n";
    return ($diffs === 0 && !$problems) ? 0 : 1;
}

/** Returns a dump line's canonical form turned back into server => key => item. */
function cmp_unpack($canon): array
{
    $out = [];
    foreach ($canon['array'] as [$server, $items]) {
        $s = [];
        foreach ($items['array'] ?? [] as [$k, $it]) {
            $s[is_string($k) ? $k : json_encode($k)] = $it;
        }
        $out[$server] = $s;
    }
    return $out;
}

exit(cmp_main($argv));
