<?php
/* The independent view around tests/zts/threads.c, through the PECL
 * memcached peer and the servers' own stats (never MemRehash's counters).
 * On a ZTS PHP without the peer (scripts/php-zts.sh may not get its source)
 * the same checks read and write the servers with raw meta commands, placing
 * keys with libmemcached's default modula placement computed here (Jenkins
 * one-at-a-time hash modulo the server count): a wrong placement would find
 * no key, so it cannot pass by mistake.
 *
 *   php check.php seed     empties the servers; writes every key the threads
 *                          will read, with PECL Memcached over the old list
 *                          (servers 0-1); prints server 2's total_connections
 *   php check.php verify N after the threads: every seeded key is at its new
 *                          location (servers 0-2) with its value and gone from
 *                          an old location that differs; each request's key
 *                          expiring in 40 days is at its new location with that
 *                          TTL (raw mg, also with PECL); every request's own
 *                          keys are at servers 3-4; server 2 (reached only by
 *                          the threads' persistent pools) took few new
 *                          connections since N
 * Prints "ok - ..." / "not ok - ..." lines. MR_ZTS_THREADS, MR_ZTS_REQUESTS,
 * MR_ZTS_KEYS: as for the threads. */
require __DIR__ . '/../config.inc';

$threads = (int)getenv('MR_ZTS_THREADS');
$requests = (int)getenv('MR_ZTS_REQUESTS');
$keys = (int)(getenv('MR_ZTS_KEYS') ?: 20);
$s = mr_servers(5);

/** Returns server $srv's total_connections, read with a stats command. */
function total_connections(string $srv): int
{
    preg_match('/STAT total_connections (\d+)/', mr_raw($srv, 'stats'), $m);
    return (int)($m[1] ?? -1);
}

/** Returns [key => value] of every seeded key. */
function seeds(int $threads, int $requests, int $keys): array
{
    $all = [];
    for ($t = 0; $t < $threads; $t++) {
        for ($r = 0; $r < $requests; $r++) {
            for ($i = 0; $i < $keys; $i++) {
                $all["zts:seed:$t:$r:$i"] = "seed $t $r $i";
            }
        }
    }
    return $all;
}

function report(bool $ok, string $what): void
{
    echo ($ok ? 'ok' : 'not ok'), " - $what\n";
}

/** Returns libmemcached's one-at-a-time hash of $key (its default hash). */
function oaat(string $key): int
{
    $h = 0;
    for ($i = 0, $n = strlen($key); $i < $n; $i++) {
        $h = ($h + ord($key[$i])) & 0xffffffff;
        $h = ($h + ($h << 10)) & 0xffffffff;
        $h ^= $h >> 6;
    }
    $h = ($h + ($h << 3)) & 0xffffffff;
    $h ^= $h >> 11;
    return ($h + ($h << 15)) & 0xffffffff;
}

/** Returns the server of $servers that modula placement gives $key. */
function raw_at(array $servers, string $key): string
{
    return count($servers) === 1 ? $servers[0] : $servers[oaat($key) % count($servers)];
}

/** Sends $cmds (meta commands, data included) to $server on one connection,
 * then "mn"; returns the reply lines and data blocks up to MN, in order. */
function raw_batch(string $server, array $cmds): array
{
    [$h, $p] = explode(':', $server);
    $fp = stream_socket_client("tcp://$h:$p", $errno, $errstr, 2);
    if (!$fp) {
        throw new RuntimeException("cannot reach $server: $errstr");
    }
    stream_set_timeout($fp, 10);
    fwrite($fp, implode('', $cmds) . "mn\r\n");
    $out = [];
    while (($line = fgets($fp)) !== false && $line !== "MN\r\n") {
        $line = rtrim($line, "\r\n");
        if (preg_match('/^VA (\d+)/', $line, $m)) {
            $data = $m[1] > 0 ? stream_get_contents($fp, (int)$m[1]) : '';
            fread($fp, 2);
            $out[] = [$line, $data];
        } else {
            $out[] = [$line, null];
        }
    }
    fclose($fp);
    return $out;
}

/** Returns [key => value] of those of $keys that $server holds, decoded as
 * PECL memcached stores values (flags: 0 string, 1 long, 4 serialized). */
function raw_get(string $server, array $keys): array
{
    $got = [];
    if (!$keys) {
        return $got;
    }
    $cmds = array_map(fn ($k) => "mg $k v f k\r\n", $keys);
    foreach (raw_batch($server, $cmds) as [$line, $data]) {
        if ($data === null || !preg_match('/ k(\S+)/', $line, $k) || !preg_match('/ f(\d+)/', $line, $f)) {
            continue;
        }
        $type = (int)$f[1] & 0xf;
        $got[$k[1]] = match ($type) {
            0 => $data,
            1 => (int)$data,
            4 => unserialize($data),
            default => ['unknown flags' => (int)$f[1]],
        };
    }
    return $got;
}

/** The independent view: PECL Memcached when loaded, raw reads otherwise.
 * at() returns where $servers place $key; get() reads keys from their
 * place in $servers; set() writes them there. */
final class View
{
    public function __construct(private array $servers)
    {
    }

    public function at(string $key): string
    {
        if (class_exists('Memcached', false)) {
            $s = mr_peer($this->servers)->getServerByKey($key);
            return $s['host'] . ':' . $s['port'];
        }
        return raw_at($this->servers, $key);
    }

    public function get(array $keys): array
    {
        if (class_exists('Memcached', false)) {
            return mr_peer($this->servers)->getMulti($keys) ?: [];
        }
        $by = [];
        foreach ($keys as $k) {
            $by[raw_at($this->servers, $k)][] = $k;
        }
        $got = [];
        foreach ($by as $srv => $ks) {
            $got += raw_get($srv, $ks);
        }
        return $got;
    }

    /** Writes string values; returns true if every write was stored. */
    public function set(array $items): bool
    {
        if (class_exists('Memcached', false)) {
            return mr_peer($this->servers)->setMulti($items);
        }
        $by = [];
        foreach ($items as $k => $v) {
            $by[raw_at($this->servers, $k)][] = "ms $k " . strlen($v) . " F0\r\n$v\r\n";
        }
        foreach ($by as $srv => $cmds) {
            foreach (raw_batch($srv, $cmds) as [$line]) {
                if ($line !== 'HD') {
                    return false;
                }
            }
        }
        return true;
    }

    public function name(): string
    {
        return class_exists('Memcached', false) ? 'PECL Memcached' : 'raw meta commands';
    }
}

$seeds = seeds($threads, $requests, $keys);
if (($argv[1] ?? '') === 'seed') {
    mr_flush_all();
    $old = new View([$s[0], $s[1]]);
    report($old->set($seeds), 'seeded ' . count($seeds) . ' keys with ' . $old->name() . ' over the old list');
    echo 'connections ', total_connections($s[2]), "\n";
    exit;
}

$before = (int)($argv[2] ?? -1);
/* read first: the reads below open connections to server 2 of their own */
$after = total_connections($s[2]);
$oldView = new View([$s[0], $s[1]]);
$newView = new View([$s[0], $s[1], $s[2]]);
$got = $newView->get(array_keys($seeds));
$oldGot = $oldView->get(array_keys($seeds));
$at = 0;
$left = 0;
$moving = 0;
foreach ($seeds as $k => $v) {
    if (($got[$k] ?? null) === $v) {
        $at++;
    }
    if ($oldView->at($k) !== $newView->at($k)) {
        $moving++;
        if (array_key_exists($k, $oldGot)) {
            $left++;
        }
    }
}
report($at === count($seeds), "seeded keys at their new location with their value ({$newView->name()}): $at of " . count($seeds));
report($moving > 0 && $left === 0, "keys whose location changed still at the old one: $left of $moving");

/* each request's 40-day key (worker.php) at its new location with a
 * remaining TTL of about 40 days: read raw (mg t), PECL shows no TTL */
$long = 0;
$longWant = 0;
for ($t = 0; $t < $threads; $t++) {
    for ($r = 0; $r < $requests; $r++) {
        $k = "zts:long:$t:$r";
        $longWant++;
        $reply = mr_raw($newView->at($k), "mg $k v t");
        if (preg_match('/^VA \d+ t(\d+)\r\n(.*)\r\n/', $reply, $m) && $m[2] === "long $t $r" &&
            abs((int)$m[1] - 40 * 86400) < 600) {
            $long++;
        }
    }
}
report($long === $longWant, "keys expiring in 40 days at their new location with a TTL of 40 days (raw mg): $long of $longWant");

$ownView = new View([$s[3], $s[4]]);
$own = 0;
$want = 0;
for ($t = 0; $t < $threads; $t++) {
    for ($r = 0; $r < $requests; $r++) {
        $names = [];
        for ($i = 0; $i < $keys; $i++) {
            $names[] = "zts:own:$t:$r:$i";
        }
        $want += $keys;
        foreach ($ownView->get($names) as $k => $v) {
            [, , $vt, $vr, $vi] = explode(':', $k);
            if (is_array($v) && $v['t'] === (int)$vt && $v['r'] === (int)$vr && $v['i'] === (int)$vi) {
                $own++;
            }
        }
    }
}
report($own === $want, "each request's own keys read back with {$ownView->name()}: $own of $want");

/* the threads' persistent pools are the only clients of server 2: one
 * connection per thread (its pool's), plus at most one per thread for a
 * server clock reading, plus one per thread for the item size limit the
 * lease move asks a server for (cached process-wide, so usually one in
 * all); a pool rebuilt every request would take one per request (200).
 * The stats command below is one more. */
$new = $after - $before - 1;
report($before >= 0 && $new >= 1 && $new <= 3 * $threads,
    "server 2 took $new connections for $threads threads x $requests requests (persistent pools kept per thread; at most " . 3 * $threads . ')');
