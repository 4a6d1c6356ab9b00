<?php
/* A minimal FastCGI client: sends one GET for $argv[2] (script path) with
 * query $argv[3] to php-fpm at $argv[1] (host:port) and prints the body
 * (or $argv[4] of them in a row, below). Exit 1 when a request fails.
 * Enough for the FPM suites, nothing more. */

/** Returns one FastCGI record. */
function fcgi_record(int $type, string $content, int $id = 1): string
{
    $len = strlen($content);
    return pack('CCnnCx', 1, $type, $id, $len, 0) . $content;
}

/** Returns a name-value length: one byte under 128, else four with the top bit set. */
function fcgi_len(string $s): string
{
    return strlen($s) < 128 ? chr(strlen($s)) : pack('N', strlen($s) | 0x80000000);
}

/** Returns FastCGI name-value pairs. */
function fcgi_params(array $params): string
{
    $out = '';
    foreach ($params as $k => $v) {
        $out .= fcgi_len($k) . fcgi_len($v) . $k . $v;
    }
    return $out;
}

/** Sends one GET for $script with $query to php-fpm at $addr; returns the
 * response body, or null (with a message on stderr) when the request failed. */
function fcgi_get(string $addr, string $script, string $query): ?string
{
    $fp = stream_socket_client("tcp://$addr", $errno, $errstr, 3);
    if (!$fp) {
        fwrite(STDERR, "connect $addr: $errstr\n");
        return null;
    }
    stream_set_timeout($fp, 10);
    $params = fcgi_params([
        'GATEWAY_INTERFACE' => 'FastCGI/1.0',
        'REQUEST_METHOD' => 'GET',
        'SCRIPT_FILENAME' => $script,
        'SCRIPT_NAME' => '/' . basename($script),
        'QUERY_STRING' => $query,
        'SERVER_PROTOCOL' => 'HTTP/1.1',
        'REMOTE_ADDR' => '127.0.0.1',
    ]);
    fwrite($fp, fcgi_record(1, pack('nCx5', 1, 0)) . fcgi_record(4, $params) . fcgi_record(4, '') . fcgi_record(5, ''));
    $stdout = '';
    $ended = false;
    while (!$ended && !feof($fp)) {
        $head = fread($fp, 8);
        if ($head === false || strlen($head) < 8) {
            break;
        }
        $h = unpack('Cversion/Ctype/nid/nlen/Cpad/x', $head);
        $body = '';
        while (strlen($body) < $h['len'] + $h['pad']) {
            $chunk = fread($fp, $h['len'] + $h['pad'] - strlen($body));
            if ($chunk === false || $chunk === '') {
                break 2;
            }
            $body .= $chunk;
        }
        $body = substr($body, 0, $h['len']);
        if ($h['type'] === 6) {
            $stdout .= $body;
        } elseif ($h['type'] === 7) {
            fwrite(STDERR, $body);
        } elseif ($h['type'] === 3) {
            $ended = true;
        }
    }
    fclose($fp);
    if (!$ended) {
        fwrite(STDERR, "no end of request\n");
        return null;
    }
    $parts = explode("\r\n\r\n", $stdout, 2);
    return $parts[1] ?? '';
}

/* php fcgi_get.php ADDR SCRIPT QUERY [N]: one request, printing its body;
 * with N, N requests one after another ("{i}" in QUERY numbered 1..N), one
 * body per line, so that a client's start-up does not space them out. */
[$_, $addr, $script, $query, $n] = $argv + [3 => '', 4 => null];
if ($n === null) {
    $body = fcgi_get($addr, $script, $query);
    if ($body === null) {
        exit(1);
    }
    echo $body;
    exit(0);
}
$failed = 0;
for ($i = 1; $i <= (int)$n; $i++) {
    $body = fcgi_get($addr, $script, str_replace('{i}', (string)$i, $query));
    $failed += $body === null;
    echo str_replace("\n", ' ', (string)$body), "\n";
}
exit($failed ? 1 : 0);
