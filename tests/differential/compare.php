<?php
/* Compares two records of driver.php, call by call, then the end dumps
 * server by server and key by key. Prints each difference (the call, its
 * arguments, both outcomes) and ends with one line:
 *
 *   differential NAME: N operations, D differences
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

function cmp_main(array $argv): int
{
    if (count($argv) !== 4) {
        fwrite(STDERR, "usage: php compare.php NAME A.rec B.rec\n");
        return 2;
    }
    [, $name, $fa, $fb] = $argv;
    $a = cmp_read($fa);
    $b = cmp_read($fb);
    $ops = 0;
    $diffs = 0;
    $problems = [];
    $n = max(count($a), count($b));
    for ($i = 0; $i < $n; $i++) {
        $la = $a[$i] ?? null;
        $lb = $b[$i] ?? null;
        $op = $la['op'] ?? $lb['op'];
        if ($op === '#dump' && $la && $lb && $lb['op'] === '#dump') {
            $d = cmp_dumps(cmp_unpack($la['ret']), cmp_unpack($lb['ret']));
            foreach ($d as $line) {
                echo "DIFF $line\n";
            }
            $diffs += count($d);
            continue;
        }
        if ($op === '#coverage') {
            $missing = cmp_uncovered(array_map(fn($c) => substr($c, 2), array_column($la['ret']['array'] ?? [], 1)));
            if ($missing) {
                $problems[] = 'never called: ' . implode(', ', $missing);
            }
        }
        if ($op[0] !== '#') {
            $ops++;
        }
        if ($la === null || $lb === null) {
            echo "DIFF #$i: one record ends here; the other has " . cmp_show($la ?? $lb) . "\n";
            $diffs++;
            continue;
        }
        unset($la['i'], $lb['i']);
        if ($la !== $lb) {
            $diffs++;
            echo "DIFF #$i {$la['op']}" . (($la['op'] !== $lb['op']) ? " / {$lb['op']}" : '') . ' args ' . cmp_show($la['args'] ?? null) . "\n";
            foreach (['ret', 'errors', 'code', 'msg', 'extra'] as $f) {
                if (($la[$f] ?? null) !== ($lb[$f] ?? null)) {
                    echo "    $f: A " . cmp_show($la[$f] ?? null) . "\n    $f: B " . cmp_show($lb[$f] ?? null) . "\n";
                }
            }
        }
    }
    if ($ops < DIFF_MIN_OPS) {
        $problems[] = "only $ops operations (at least " . DIFF_MIN_OPS . ' expected)';
    }
    foreach ($problems as $p) {
        echo "PROBLEM $p\n";
    }
    echo "differential $name: $ops operations, $diffs differences\n";
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
