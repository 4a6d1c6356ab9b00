<?php
/* memrehash demo (run by scripts/demo.sh, which starts the servers).
 *
 * A site caches in three memcached servers through PECL Memcached, with
 * consistent hashing. The third server is being retired. MemRehash is given
 * the old list (three) and the new one (two): each key that lived on the
 * retired server is moved, with its value, flags and TTL, the first time it
 * is read; nothing is lost, and after the cut-over plain Memcached over the
 * two servers finds everything. */

$ports = array_map('intval', explode(',', getenv('MR_TEST_PORTS') ?: '21301,21302,21303'));
$old = array_map(fn ($p) => "127.0.0.1:$p", $ports);   // three servers
$new = array_slice($old, 0, 2);                          // the third retires
$n = 1000;

function peer(array $servers): Memcached
{
    $m = new Memcached();
    $m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
    foreach ($servers as $s) {
        [$h, $p] = explode(':', $s);
        $m->addServer($h, (int)$p);
    }
    return $m;
}

function line(string $label, $value): void
{
    if (is_bool($value) || $value === null) {
        $value = var_export($value, true);
    } elseif (is_float($value)) {
        $value = sprintf('%.3f', $value);
    } elseif (!is_scalar($value)) {
        $value = json_encode($value, JSON_UNESCAPED_SLASHES);
    }
    printf("  %-22s %s\n", $label, $value);
}

if (!class_exists('MemRehash', false)) {
    fwrite(STDERR, "demo: the memrehash extension is not loaded\n");
    exit(1);
}

echo "\n1. PECL Memcached writes $n keys over the old list: " . implode(' ', $old) . "\n";
$mc = peer($old);
$mc->flush();
for ($i = 0; $i < $n; $i++) {
    $mc->set("user:$i", ['id' => $i, 'name' => "user $i"], 3600);
}
$per = [];
for ($i = 0; $i < $n; $i++) {
    $s = $mc->getServerByKey("user:$i");
    $per["{$s['host']}:{$s['port']}"] = ($per["{$s['host']}:{$s['port']}"] ?? 0) + 1;
}
ksort($per);
foreach ($per as $s => $c) {
    line($s, "$c keys");
}

try {
    echo "\n2. new MemRehash(old: 3 servers, new: 2 servers), ketama as Memcached\n";
    $mr = new MemRehash($old, $new, [
        'name' => 'demo',
        'distribution' => MemRehash::DIST_KETAMA,
    ]);

    echo "\n3. where some keys live, before and after (locate())\n";
    foreach ([0, 1, 2, 3, 4, 5, 6, 7] as $i) {
        $l = $mr->locate("user:$i");
        printf("  %-8s old %-16s new %-16s %s\n", "user:$i", $l['old'], $l['new'],
            $l['moves'] ? 'MOVES' : 'stays');
    }

    echo "\n4. the application reads every key through MemRehash\n";
    $ok = 0;
    for ($i = 0; $i < $n; $i++) {
        $v = $mr->get("user:$i");
        $ok += (is_array($v) && $v['id'] === $i) ? 1 : 0;
    }
    line('read back intact', "$ok of $n");

    echo "\n5. transition counters (stats())\n";
    $st = $mr->stats();
    foreach (['state', 'gets', 'new_hits', 'old_hits', 'migrated', 'misses', 'bytes_moved', 'old_hit_rate'] as $k) {
        if (array_key_exists($k, $st)) {
            line($k, $st[$k]);
        }
    }
    foreach ($st['servers'] ?? [] as $s => $row) {
        line($s, $row);
    }

    echo "\n6. after the cut-over, plain Memcached over the new list reads everything\n";
    $after = peer($new);
    $found = 0;
    for ($i = 0; $i < $n; $i++) {
        $found += $after->get("user:$i") !== false ? 1 : 0;
    }
    line('found by Memcached', "$found of $n");
    echo "\n";
    exit($ok === $n && $found === $n ? 0 : 1);
} catch (Throwable $e) {
    fwrite(STDERR, "\ndemo: " . get_class($e) . ': ' . $e->getMessage() . "\n");
    exit(1);
}
