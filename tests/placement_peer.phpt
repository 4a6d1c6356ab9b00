--TEST--
placement: locate() agrees with Memcached::getServerByKey (modula with several hashes, ketama, weights, old_distribution)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
function peer(array $list, bool $ketama, ?int $hash): Memcached {
    $m = new Memcached();
    $m->addServers(array_map(function ($s) {
        $p = explode(':', $s);
        return [$p[0], (int)$p[1], (int)($p[2] ?? 0)];
    }, $list));
    if ($ketama) $m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
    if ($hash !== null) $m->setOption(Memcached::OPT_HASH, $hash);
    return $m;
}
function at(Memcached $m, string $k): string {
    $s = $m->getServerByKey($k);
    return $s['host'] . ':' . $s['port'];
}
$keys = [];
mt_srand(3);
for ($i = 0; $i < 1000; $i++) {
    $keys[] = $i % 2 ? "key$i" : substr(md5((string)$i), 0, mt_rand(1, 32)) . chr(mt_rand(0x80, 0xff));
}
$old = mr_servers(3);
$new = mr_servers(4, 1);
$wold = ["$old[0]:3", "$old[1]:1", "$old[2]:6"];
$cases = [
    'modula default' => [$old, $new, [], peer($old, false, null), peer($new, false, null)],
    'modula md5' => [$old, $new, ['hash' => MemRehash::HASH_MD5], peer($old, false, Memcached::HASH_MD5), peer($new, false, Memcached::HASH_MD5)],
    'modula crc' => [$old, $new, ['hash' => MemRehash::HASH_CRC], peer($old, false, Memcached::HASH_CRC), peer($new, false, Memcached::HASH_CRC)],
    'modula fnv1a_32' => [$old, $new, ['hash' => MemRehash::HASH_FNV1A_32], peer($old, false, Memcached::HASH_FNV1A_32), peer($new, false, Memcached::HASH_FNV1A_32)],
    'modula murmur' => [$old, $new, ['hash' => MemRehash::HASH_MURMUR], peer($old, false, Memcached::HASH_MURMUR), peer($new, false, Memcached::HASH_MURMUR)],
    'ketama' => [$old, $new, ['distribution' => MemRehash::DIST_KETAMA], peer($old, true, null), peer($new, true, null)],
    'ketama weighted' => [$wold, $new, ['distribution' => MemRehash::DIST_KETAMA], peer($wold, true, null), peer($new, true, null)],
    'old modula crc, new ketama' => [$old, $new, ['distribution' => MemRehash::DIST_KETAMA, 'old_distribution' => MemRehash::DIST_MODULA, 'old_hash' => MemRehash::HASH_CRC], peer($old, false, Memcached::HASH_CRC), peer($new, true, null)],
];
foreach ($cases as $what => [$o, $n, $opts, $po, $pn]) {
    $mr = new MemRehash($o, $n, $opts + ['name' => 'core-phpt-peer']);
    $bad = 0;
    $spread = [];
    foreach ($keys as $k) {
        $wo = at($po, $k);
        $wn = at($pn, $k);
        $bad += $mr->locate($k) !== ['old' => $wo, 'new' => $wn, 'moves' => $wo !== $wn];
        $spread[$wn] = 1;
    }
    echo "$what: $bad wrong, ", count($spread) > 1 ? "spread" : "one server", "\n";
}
?>
--EXPECT--
modula default: 0 wrong, spread
modula md5: 0 wrong, spread
modula crc: 0 wrong, spread
modula fnv1a_32: 0 wrong, spread
modula murmur: 0 wrong, spread
ketama: 0 wrong, spread
ketama weighted: 0 wrong, spread
old modula crc, new ketama: 0 wrong, spread
