--TEST--
construction: lists seen before in the process are recognised by their contents (a changed element, a changed reference, a changed weight, another distribution, rebuilt arrays, more configurations than the cache holds): placement always equals PECL's getServerByKey for the lists as they are now, and bad lists are refused every time
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();

/** Returns PECL's client over $list (strings or [host, port, weight]). */
function pecl(array $list, bool $ketama): Memcached {
    $m = new Memcached();
    if ($ketama) {
        $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
        $m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
    }
    $m->addServers(array_map(function ($s) {
        if (is_array($s)) return $s;
        [$h, $p] = explode(':', $s);
        return [$h, (int) $p];
    }, $list));
    return $m;
}

/** Returns how many of 300 keys MemRehash places apart from PECL (new list). */
function differ(array $list, bool $ketama = false): int {
    $mr = new MemRehash($list, $list, $ketama ? ['distribution' => MemRehash::DIST_KETAMA] : []);
    $pe = pecl($list, $ketama);
    $bad = 0;
    for ($i = 0; $i < 300; $i++) {
        $s = $pe->getServerByKey("seen:$i");
        $bad += $mr->locate("seen:$i")['new'] !== $s['host'] . ':' . $s['port'];
    }
    return $bad;
}

$l = mr_servers(3);
echo "first: ", differ($l), "\n";
echo "again: ", differ($l), "\n";
$l[1] = mr_servers(1, 3)[0];
echo "one element changed: ", differ($l), "\n";

$a = mr_servers(4);
$r = &$a[2];
echo "with a reference: ", differ($a), "\n";
$r = mr_servers(1, 4)[0];          // the array itself is not separated
echo "reference changed: ", differ($a), "\n";
unset($r);

$t = array_map(fn($s) => [explode(':', $s)[0], (int) explode(':', $s)[1], 1], mr_servers(4));
echo "tuples, ketama: ", differ($t, true), "\n";
$t[0][2] = 5;
echo "a weight changed: ", differ($t, true), "\n";
echo "the same, modula: ", differ($t), "\n";
echo "the same, ketama again: ", differ($t, true), "\n";

// rebuilt arrays, more distinct configurations than the cache keeps (32)
$bad = 0;
for ($round = 0; $round < 2; $round++) {
    for ($c = 0; $c < 40; $c++) {
        $list = [];
        foreach (mr_servers(3) as $s) {
            $list[] = "$s";
        }
        $list[] = MR_HOST . ':' . (41000 + $c);   // nothing listens: placement only
        $bad += differ($list);
    }
}
echo "80 constructions over 40 configurations: $bad differ\n";

// a store lands where PECL reads it, after a change in place
$l2 = mr_servers(2);
new MemRehash($l2, $l2);
$l2[] = mr_servers(1, 2)[0];
$mr = new MemRehash($l2, $l2);
$pe = pecl($l2, false);
$ok = 0;
for ($i = 0; $i < 100; $i++) {
    $mr->set("landed:$i", "v$i");
    $ok += $pe->get("landed:$i") === "v$i";
}
echo "stores read back through PECL: $ok of 100\n";

// refused every time, not remembered
$bad_list = [[MR_HOST, '11211']];
for ($i = 0; $i < 2; $i++) {
    try {
        new MemRehash($bad_list, $bad_list);
        echo "accepted\n";
    } catch (MemRehashException $e) {
        echo $e->getMessage(), "\n";
    }
}
// a good list seen before, then a bad option: the option's error
try {
    new MemRehash($l2, $l2, ['timeout' => 0]);
} catch (MemRehashException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
first: 0
again: 0
one element changed: 0
with a reference: 0
reference changed: 0
tuples, ketama: 0
a weight changed: 0
the same, modula: 0
the same, ketama again: 0
80 constructions over 40 configurations: 0 differ
stores read back through PECL: 100 of 100
old server #0 is invalid: port and weight must be integers
old server #0 is invalid: port and weight must be integers
option "timeout" must be an int from 1 to 60000
