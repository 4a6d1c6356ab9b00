--TEST--
pool: 1,000 servers per list end to end (modula; ketama refused above libmemcached's 100; construction, placement parity with getServerByKey on 2,000 keys, lazy connections, moves, counters rows and the aggregated remainder)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
// half of each list is live (the test servers, each listed many times, as
// PECL allows), the other half closed ports on 127.0.0.1 (refused at once),
// partly shared by both lists: about 800 distinct servers, most of which no
// request touches, and nothing may connect to those
$old = $new = [];
for ($i = 0; $i < 1000; $i++) {
    $old[] = $i < 500 ? mr_servers(1, $i % 3)[0] : MR_HOST . ':' . (40000 + $i);
    $new[] = $i < 500 ? mr_servers(1, $i % 4)[0] : MR_HOST . ':' . (40300 + $i);
}
function peer(array $list): Memcached {
    $m = new Memcached();
    $m->addServers(array_map(fn($s) => [explode(':', $s)[0], (int) explode(':', $s)[1]], $list));
    return $m;
}
function at(Memcached $m, string $k): string {
    $s = $m->getServerByKey($k);
    return $s['host'] . ':' . $s['port'];
}
$po = peer($old);
$pn = peer($new);
$opts = ['name' => 'phpt-1000', 'connect_timeout' => 500, 'timeout' => 500];
$t = microtime(true);
$mr = new MemRehash($old, $new, $opts);
echo "constructed: ", count($mr->getOldServers()), " old, ", count($mr->getNewServers()), " new\n";

$bad = 0;
$moving = [];
for ($i = 0; $i < 2000; $i++) {
    $k = "big-pool:$i";
    $wo = at($po, $k);
    $wn = at($pn, $k);
    $bad += $mr->locate($k) !== ['old' => $wo, 'new' => $wn, 'moves' => $wo !== $wn];
    if ($wo !== $wn && in_array($wo, mr_servers(3), true) && in_array($wn, mr_servers(4), true) && count($moving) < 300) {
        $moving[] = $k;
    }
}
echo "placement: $bad of 2000 differ from getServerByKey\n";
echo "keys moving between live servers: ", count($moving) > 0 ? "some" : "none", "\n";

// the old copies, written by PECL to their old servers
foreach ($moving as $k) {
    $po->set($k, "v:$k");
}
$got = 0;
foreach ($moving as $k) {
    $got += $mr->get($k) === "v:$k";
}
$at_new = 0;
foreach ($moving as $k) {
    $at_new += $pn->get($k) === "v:$k";   // the independent view: the item is at its new server now
}
echo "moved: ", $got === count($moving) ? "all read" : "$got read", ", ", $at_new === count($moving) ? "all at N" : "$at_new at N", "\n";

// a key on a closed port: an error, quickly, not a hang
for ($i = 0;; $i++) {
    $k = "big-pool-closed:$i";
    if (!in_array(at($pn, $k), mr_servers(4), true)) {
        break;
    }
}
$t1 = microtime(true);
var_dump($mr->set($k, 'x'));
echo "closed port answered in time: ", microtime(true) - $t1 < 5 ? "yes" : "no", "\n";

$s = $mr->stats();
$rows = $s['servers'];
echo "counter rows: ", count($rows) <= 65 ? "at most 65" : count($rows), "\n";
echo "remainder row: ", isset($rows['(other servers)']) ? "yes" : "no", "\n";
$in = array_sum(array_column($rows, 'moved_in'));
$out = array_sum(array_column($rows, 'moved_out'));
echo "moved_in = moved_out = moves: ", ($in === count($moving) && $out === count($moving)) ? "yes" : "no ($in, $out, " . count($moving) . ")", "\n";
echo "errors counted (one: no other closed server was tried): ", $s['errors'] === 1 && array_sum(array_column($rows, 'errors')) === $s['errors'] ? "yes" : "no", "\n";

// a second object with the same lists shares the first's tables: same answers
$mr2 = new MemRehash($old, $new, $opts);
$same = 0;
for ($i = 0; $i < 2000; $i++) {
    $same += $mr2->locate("big-pool:$i") === $mr->locate("big-pool:$i");
}
echo "second object: $same of 2000 the same\n";
echo "1001 servers: ";
try {
    new MemRehash(array_merge($old, [MR_HOST . ':39999']), array_merge($new, [MR_HOST . ':39998']), $opts);
    echo "accepted\n";
} catch (MemRehashException $e) {
    echo $e->getMessage(), "\n";
}
echo "4097 servers: ";
$huge = [];
for ($i = 0; $i < 4097; $i++) {
    $huge[] = '127.0.0.2:' . (20000 + $i);
}
try {
    new MemRehash($huge, $new, $opts);
    echo "accepted\n";
} catch (MemRehashException $e) {
    echo $e->getMessage(), "\n";
}
echo "ketama, 101 servers: ";
try {
    new MemRehash(mr_servers(3), array_slice($old, 400, 101), $opts + ['distribution' => MemRehash::DIST_KETAMA]);
    echo "accepted\n";
} catch (MemRehashException $e) {
    echo $e->getMessage(), "\n";
}
echo "ketama, 100 servers: ";
$k100 = array_merge(mr_servers(4), array_slice($old, 500, 96));
$mk = new MemRehash(mr_servers(3), $k100, $opts + ['distribution' => MemRehash::DIST_KETAMA]);
$pk = new Memcached();
$pk->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
$pk->addServers(array_map(fn($s) => [explode(':', $s)[0], (int) explode(':', $s)[1]], $k100));
$bad = 0;
for ($i = 0; $i < 2000; $i++) {
    $bad += $mk->locate("big-pool:$i")['new'] !== at($pk, "big-pool:$i");
}
echo "$bad of 2000 differ\n";
mr_flush_all();
?>
--EXPECT--
constructed: 1000 old, 1000 new
placement: 0 of 2000 differ from getServerByKey
keys moving between live servers: some
moved: all read, all at N
bool(false)
closed port answered in time: yes
counter rows: at most 65
remainder row: yes
moved_in = moved_out = moves: yes
errors counted (one: no other closed server was tried): yes
second object: 2000 of 2000 the same
1001 servers: accepted
4097 servers: the old server list has 4097 servers, at most 4096 are supported
ketama, 101 servers: cannot place keys: a consistent (ketama) list has 101 servers, at most 100 are supported (libmemcached's continuum); use modula for more
ketama, 100 servers: 0 of 2000 differ
