<?php
/* The judge of the zerocode suite's sessions, run by PHP without memrehash:
 * where PECL memcached puts each session now, read from the raw servers.
 *   php sessions_judge.php NEW REMOVED N
 * For sessions zcsess0..N-1 (key memc.sess.key.<id>): "placed P elsewhere E
 * removed R locks L": P at the server a PECL client with the session
 * handler's placement (consistent, prefix not hashed) names by
 * getServerByKey, E on another server of NEW, R on REMOVED, L lock keys
 * left anywhere. */
[$_, $new, $removed, $n] = $argv;
$n = (int) $n;
$split = fn (string $s) => [explode(':', $s)[0], (int) explode(':', $s)[1]];

$place = new Memcached();
$place->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
$place->addServers(array_map($split, explode(',', $new)));

/** Returns a client of the one server $s ("host:port") that reads raw values. */
function raw(string $s): Memcached
{
    $m = new Memcached();
    $m->setOption(Memcached::OPT_COMPRESSION, false);
    [$h, $p] = explode(':', $s);
    $m->addServer($h, (int) $p);
    return $m;
}
$raws = [];
foreach (array_merge(explode(',', $new), [$removed]) as $s) {
    $raws[$s] = raw($s);
}
$placed = $elsewhere = $gone = $locks = 0;
for ($i = 0; $i < $n; $i++) {
    $at = $place->getServerByKey("zcsess$i");
    $want = $at['host'] . ':' . $at['port'];
    foreach ($raws as $s => $m) {
        $locks += $m->get("memc.sess.key.lock.zcsess$i") !== false;
        if ($m->get("memc.sess.key.zcsess$i") === false) {
            continue;
        }
        if ($s === $removed) {
            $gone++;
        } elseif ($s === $want) {
            $placed++;
        } else {
            $elsewhere++;
        }
    }
}
echo "placed $placed elsewhere $elsewhere removed $gone locks $locks\n";
