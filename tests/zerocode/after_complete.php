<?php
/* php after_complete.php write|expect|read OLD NEW: 100 keys written by PECL
 * over OLD after the cut-over (write); how many of them sit where NEW places
 * them too, by PECL's getServerByKey (expect); how many a \Memcached on NEW
 * reads (read: run with memrehash and the completed transition). */
[$_, $mode, $old, $new] = $argv;
$mk = function (string $s): Memcached {
    $m = new Memcached();
    $m->addServers(array_map(fn ($x) => [explode(':', $x)[0], (int) explode(':', $x)[1]], explode(',', $s)));
    return $m;
};
$n = 0;
for ($i = 0; $i < 100; $i++) {
    $k = "zc-after-$i";
    if ($mode === 'write') {
        $n += $mk($old)->set($k, "after $i") ? 1 : 0;
    } elseif ($mode === 'expect') {
        $a = $mk($old)->getServerByKey($k);
        $b = $mk($new)->getServerByKey($k);
        $n += $a['host'] === $b['host'] && $a['port'] === $b['port'] ? 1 : 0;
    } else {
        $n += $mk($new)->get($k) === "after $i" ? 1 : 0;
    }
}
echo "$n\n";
