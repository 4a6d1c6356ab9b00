<?php
/* Helper of tests/suites/admin.sh, run as a CLI with the suite's
 * memrehash.counters_file, so its pools land in the counters the admin page
 * reads.
 *
 *   php workload.php setup DEAD_PORT   flush the test servers, then build three
 *                                      pools with reads that migrate, hit new,
 *                                      miss and (one) fail on a dead server
 *   php workload.php stats             print MemRehash::allStats() as JSON
 *
 * The pools (names the suite checks, escaping included):
 *   <script>alert(1)</script>  old s0,s1 -> new s1,s2; no complete_below
 *   catalog & "prices"         old s2,s3 -> new s3,s4; complete_below 0.05
 *   dead-old                   old s0 + a port nobody listens on -> new s0 */
require __DIR__ . '/../config.inc';

const POOL_XSS = '<script>alert(1)</script>';
const POOL_AMP = 'catalog & "prices"';
const POOL_DEAD = 'dead-old';

/** Stores $n keys "$prefix$i" where the old layout puts them (PECL memcached as the peer). */
function seed(array $old, string $prefix, int $n): void
{
    $peer = mr_peer($old);
    $items = [];
    for ($i = 0; $i < $n; $i++) {
        $items[$prefix . $i] = str_repeat(chr(97 + $i % 26), 10 + $i % 50);
    }
    if (!$peer->setMulti($items)) {
        fwrite(STDERR, "workload: seeding $prefix failed: " . $peer->getResultMessage() . "\n");
        exit(1);
    }
}

/** Gets keys "$prefix$from".."$prefix($to-1)" through $m. */
function read_range(MemRehash $m, string $prefix, int $from, int $to): void
{
    for ($i = $from; $i < $to; $i++) {
        $m->get($prefix . $i);
    }
}

$mode = $argv[1] ?? '';
if ($mode === 'stats') {
    echo json_encode(MemRehash::allStats(), JSON_PRETTY_PRINT | JSON_THROW_ON_ERROR), "\n";
    exit(0);
}
if ($mode !== 'setup' || !isset($argv[2])) {
    fwrite(STDERR, "usage: php workload.php setup DEAD_PORT | stats\n");
    exit(2);
}
$dead = MR_HOST . ':' . (int)$argv[2];
mr_flush_all();
[$s0, $s1, $s2, $s3, $s4] = mr_servers(5);

/* 1: manual cut-over; migrates, then serves the moved keys from new, misses some */
seed([$s0, $s1], 'x:', 200);
$a = new MemRehash([$s0, $s1], [$s1, $s2], ['name' => POOL_XSS]);
read_range($a, 'x:', 0, 150);      /* old hits: moved */
read_range($a, 'x:', 0, 90);       /* now new hits */
read_range($a, 'x:', 500, 530);    /* misses */
$a->set('x:new', 'fresh');

/* 2: completes by itself below 5% over 100 old lookups: still far from it */
seed([$s2, $s3], 'c:', 300);
$b = new MemRehash([$s2, $s3], [$s3, $s4], ['name' => POOL_AMP, 'complete_below' => 0.05, 'window' => 100]);
read_range($b, 'c:', 0, 70);
read_range($b, 'c:', 1000, 1040);
read_range($b, 'c:', 0, 20);
$b->delete('c:299');

/* 3: one old server is down: errors, and the admin page says unreachable */
seed([$s0], 'd:', 10);
$c = new MemRehash([$s0, $dead], [$s0], ['name' => POOL_DEAD, 'connect_timeout' => 200, 'timeout' => 200, 'retry_interval' => 0]);
read_range($c, 'd:', 0, 10);      /* where new has them */
read_range($c, 'd:', 100, 120);    /* not in new: half of the old lookups fail */

foreach ([POOL_XSS, POOL_AMP, POOL_DEAD] as $n) {
    if (!isset(MemRehash::allStats()[$n])) {
        fwrite(STDERR, "workload: pool $n is not in allStats()\n");
        exit(1);
    }
}
echo "workload: 3 pools\n";
