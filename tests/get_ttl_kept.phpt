--TEST--
get: a moved item keeps its remaining TTL (none stays none; relative; over 30 days as absolute)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
function ttl(string $server, string $key): ?int {
    return preg_match('/ t(-?\d+)/', mr_raw($server, "mg $key t"), $m) ? (int)$m[1] : null;
}
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-ttl']);
$peer = mr_peer($old);
$ttls = ['none' => 0, 'short' => 100, 'day' => 86400, 'almost30d' => 2592000, 'abs40d' => time() + 40 * 86400];
foreach ($ttls as $k => $t) {
    $peer->set("ttl:$k", $k, $t);
}
$before = [];
foreach ($ttls as $k => $t) {
    $before[$k] = ttl(mr_locate_peer($old, $new, "ttl:$k")['old'], "ttl:$k");
}
foreach ($ttls as $k => $t) {
    $v = $mr->get("ttl:$k");
    $after = ttl(mr_locate_peer($old, $new, "ttl:$k")['new'], "ttl:$k");
    if ($before[$k] === -1) {
        echo "$k: ", $after === -1 ? "no expiry kept" : "became $after", "\n";
    } else {
        // one second for the servers' clocks, one more for an absolute (> 30 days) time mapped to another server's clock
        echo "$k: $v ", abs($after - $before[$k]) <= 2 ? "kept" : "was {$before[$k]}, now " . var_export($after, true), "\n";
    }
}
?>
--EXPECT--
none: no expiry kept
short: short kept
day: day kept
almost30d: almost30d kept
abs40d: abs40d kept
