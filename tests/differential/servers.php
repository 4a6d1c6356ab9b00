<?php
/* What the differential test reads from the servers themselves, over raw
 * sockets (no client library, so neither side judges itself): flush before a
 * run, and the end dump (every key a server holds, with its bytes, flags and
 * whether it has an expiry). */

/** Returns an open socket to "host:port"; dies with a message if it cannot. */
function diff_raw_connect(string $server)
{
    $fp = @stream_socket_client("tcp://$server", $errno, $errstr, 3);
    if (!$fp) {
        fwrite(STDERR, "driver: cannot reach $server: $errstr\n");
        exit(2);
    }
    stream_set_timeout($fp, 5);
    return $fp;
}

/** Returns one reply line (without CRLF), dying on a timeout or EOF. */
function diff_raw_line($fp): string
{
    $line = fgets($fp);
    if ($line === false) {
        fwrite(STDERR, "driver: server closed or timed out\n");
        exit(2);
    }
    return rtrim($line, "\r\n");
}

/** Empties $server (flush_all). */
function diff_raw_flush(string $server): void
{
    $fp = diff_raw_connect($server);
    fwrite($fp, "flush_all\r\n");
    $ok = diff_raw_line($fp);
    fclose($fp);
    if ($ok !== 'OK') {
        fwrite(STDERR, "driver: flush_all on $server answered $ok\n");
        exit(2);
    }
}

/** Returns the keys an lru_crawler metadump of $server lists. */
function diff_raw_metadump(string $server): array
{
    $fp = diff_raw_connect($server);
    fwrite($fp, "lru_crawler metadump all\r\n");
    $keys = [];
    for (;;) {
        $line = diff_raw_line($fp);
        if ($line === 'END' || str_starts_with($line, 'ERROR') || str_starts_with($line, 'BUSY')) {
            break;
        }
        if (preg_match('/^key=(\S+)/', $line, $m)) {
            $keys[] = urldecode($m[1]);
        }
    }
    fclose($fp);
    return $keys;
}

/** Returns [flags, value, "ttl"|"no ttl"] of $key on $fp's server, or null on a miss. */
function diff_raw_mg($fp, string $key): ?array
{
    // UTF-8 keys go base64 (the meta protocol's b flag takes any bytes).
    $plain = preg_match('/^[\x21-\x7e]{1,250}$/', $key) === 1;
    fwrite($fp, 'mg ' . ($plain ? $key : base64_encode($key) . ' b') . " v f t\r\n");
    $head = diff_raw_line($fp);
    if ($head === 'EN') {
        return null;
    }
    if (!preg_match('/^VA (\d+)(.*)$/', $head, $m)) {
        fwrite(STDERR, "driver: mg answered $head\n");
        exit(2);
    }
    $data = '';
    $want = (int)$m[1] + 2;
    while (strlen($data) < $want) {
        $chunk = fread($fp, $want - strlen($data));
        if ($chunk === false || $chunk === '') {
            fwrite(STDERR, "driver: short value\n");
            exit(2);
        }
        $data .= $chunk;
    }
    preg_match('/ f(\d+)/', $m[2], $f);
    preg_match('/ t(-?\d+)/', $m[2], $t);
    return [(int)($f[1] ?? -1), substr($data, 0, -2), ((int)($t[1] ?? -1)) === -1 ? 'no ttl' : 'ttl'];
}

/** Returns, per server index, every live item: key => [flags, value, ttl kind].
 * The keys asked are the sequence's universe plus whatever two metadump walks
 * list (a walk is best-effort; the universe is exact). memrehash's reserved
 * keys ("__memrehash:...": the fleet's published counters and host list,
 * written about once a second by whichever process's turn it is, so present
 * or not by timing) are its own bookkeeping, not the app's data: left out. */
function diff_dump(array $servers, array $universe): array
{
    $out = [];
    foreach ($servers as $idx => $server) {
        $keys = array_merge($universe, diff_raw_metadump($server), diff_raw_metadump($server));
        $keys = array_values(array_filter(array_unique($keys), fn($k) => !str_starts_with($k, '__memrehash:')));
        sort($keys, SORT_STRING);
        $fp = diff_raw_connect($server);
        $items = [];
        foreach ($keys as $k) {
            $it = diff_raw_mg($fp, $k);
            if ($it !== null) {
                $items[$k] = $it;
            }
        }
        fclose($fp);
        $out["server $idx"] = $items;
    }
    return $out;
}
