--TEST--
get: once a migration is past its first period and N holds the moving keys, a client built per request (a fresh object each time, as non-persistent apps build it) asks only N: the retiring server sees no get at all (issue 17: every such request asked O and the guards too)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2);
$retired = $old[2];
$name = 'core-phpt-moved-hits-' . getmypid();
// window 60 s: periods of 1 s, so the move is past its first period soon
$opts = ['name' => $name, 'distribution' => MemRehash::DIST_KETAMA, 'old_distribution' => MemRehash::DIST_KETAMA,
    'window' => 60, 'complete_below' => 0];

// keys that move (PECL's own placement says so), already at their new place
$keys = [];
for ($i = 0; count($keys) < 10; $i++) {
    $at = mr_locate_peer($old, $new, "mh:$i", true);
    if ($at['moves']) {
        $keys["mh:$i"] = "value $i";
    }
}
$peer = mr_peer($new, true);
$peer->setMulti($keys);

/** Returns what the server counted: [cmd_get, get_misses]. */
function gets(string $server): array
{
    preg_match('/STAT cmd_get (\d+)/', mr_raw($server, 'stats'), $g);
    preg_match('/STAT get_misses (\d+)/', mr_raw($server, 'stats'), $m);
    return [(int)$g[1], (int)$m[1]];
}

/** Builds a fresh object per "request" and reads every key; returns the wrong answers. */
function requests(int $n, array $old, array $new, array $opts, array $keys): int
{
    $wrong = 0;
    for ($r = 0; $r < $n; $r++) {
        $m = new MemRehash($old, $new, $opts);
        foreach ($keys as $k => $v) {
            $wrong += $m->get($k) !== $v;
        }
    }
    return $wrong;
}

var_dump(requests(3, $old, $new, $opts, $keys));   // the first period
sleep(2);                                          // a later period with gets and no old lookups
var_dump(requests(1, $old, $new, $opts, $keys));
$before = gets($retired);
$misses = array_map(fn($s) => gets($s)[1], $new);
var_dump(requests(50, $old, $new, $opts, $keys));
$after = gets($retired);
echo "gets at the retiring server: ", $after[0] - $before[0], "\n";
echo "misses at the new servers: ", array_sum(array_map(fn($s, $b) => gets($s)[1] - $b, $new, $misses)), "\n";
$st = (new MemRehash($old, $new, $opts))->stats();
echo "gets {$st['gets']}, new hits {$st['new_hits']}, old lookups {$st['old_lookups']}\n";
?>
--EXPECT--
int(0)
int(0)
int(0)
gets at the retiring server: 0
misses at the new servers: 0
gets 540, new hits 540, old lookups 0
