--TEST--
drop-in: every PECL placement (modula, consistent, libketama-compatible; each hash) matches Memcached::getServerByKey on 2,000 keys, new and old list
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$hashes = ['DEFAULT' => Memcached::HASH_DEFAULT, 'MD5' => Memcached::HASH_MD5, 'CRC' => Memcached::HASH_CRC,
    'FNV1_64' => Memcached::HASH_FNV1_64, 'FNV1A_64' => Memcached::HASH_FNV1A_64, 'FNV1_32' => Memcached::HASH_FNV1_32,
    'FNV1A_32' => Memcached::HASH_FNV1A_32, 'MURMUR' => Memcached::HASH_MURMUR];
$dists = [
    'modula' => [Memcached::OPT_DISTRIBUTION => Memcached::DISTRIBUTION_MODULA],
    'consistent' => [Memcached::OPT_DISTRIBUTION => Memcached::DISTRIBUTION_CONSISTENT],
    'libketama' => [Memcached::OPT_LIBKETAMA_COMPATIBLE => true],
    'consistent+libketama' => [Memcached::OPT_DISTRIBUTION => Memcached::DISTRIBUTION_CONSISTENT, Memcached::OPT_LIBKETAMA_COMPATIBLE => true],
];
$list = mr_servers(5);
$keys = [];
mt_srand(12);
for ($i = 0; $i < 2000; $i++) {
    $keys[] = $i % 3 ? "user:$i:" . mt_rand() : substr(sha1((string)$i), 0, mt_rand(1, 40));
}
function at(array $s): string { return $s['host'] . ':' . $s['port']; }
$bad = 0; $cases = 0;
foreach ($dists as $dn => $dopts) {
    foreach ($hashes as $hn => $h) {
        $peer = new Memcached();
        $peer->addServers(array_map(fn($s) => [explode(':', $s)[0], (int)explode(':', $s)[1]], $list));
        foreach ($dopts as $o => $v) $peer->setOption($o, $v);
        $peer->setOption(Memcached::OPT_HASH, $h);
        // both ways in: from the configured object, and by options
        $a = MemRehash\Memcached::fromMemcached($peer, $list);
        $b = new MemRehash\Memcached($list, $list, $dopts + [Memcached::OPT_HASH => $h]);
        $cases++;
        $miss = 0;
        foreach ($keys as $k) {
            $want = at($peer->getServerByKey($k));
            if (at($a->getServerByKey($k)) !== $want || at($b->getServerByKey($k)) !== $want
                || $a->locate($k)['old'] !== $want || $b->locate($k)['new'] !== $want) {
                $miss++;
            }
        }
        if ($miss) { echo "$dn/$hn: $miss of 2000 differ\n"; $bad++; }
        foreach ([Memcached::OPT_DISTRIBUTION, Memcached::OPT_LIBKETAMA_COMPATIBLE, Memcached::OPT_HASH] as $o) {
            if ($a->getOption($o) !== $peer->getOption($o)) { echo "$dn/$hn: getOption($o) ", var_export($a->getOption($o), true), " vs ", var_export($peer->getOption($o), true), "\n"; $bad++; }
        }
    }
}
echo "$cases configurations, $bad with differences\n";
?>
--EXPECT--
32 configurations, 0 with differences
