<?php
/*
 * memrehash admin page: one self-contained file, no external assets.
 *
 * For every pool in this host's shared counters (MemRehash::allStats()): its
 * state, progress toward cut-over, counters, rates, a trend graph, each
 * server with memcached's own `stats`, the fleet view and the INI settings.
 * ?format=json returns the same data. "Complete this pool" is a POST with a
 * CSRF token. Above the pools: each transition of memrehash.transitions (zero
 * code change), whether it is bound in this page's own PHP process, and the
 * counters of its pool and of its sessions pool.
 *
 * Serve it with the SAME memrehash.counters_file as the application: pools
 * are only visible to processes that share the counters mapping.
 *
 * Access: HTTP basic auth against MEMREHASH_ADMIN_USER and
 * MEMREHASH_ADMIN_PASSWORD, from the environment or from memrehash-admin.php
 * (or memrehash-admin.ini) beside this file. With none set it answers 403.
 * See admin/README.md.
 */

declare(strict_types=1);

const MRA_CSRF_COOKIE = 'memrehash_csrf';
const MRA_SOCKET_TIMEOUT = 0.5;      /* seconds, per memcached `stats` */
const MRA_POOL_TIMEOUT_MS = 500;     /* the MemRehash objects built for the fleet view */

/** Returns $v escaped for HTML text and attribute values. */
function h($v): string
{
    return htmlspecialchars((string)$v, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

/** Returns an integer with thousands separators. */
function num($n): string
{
    return number_format((float)$n, 0, '.', ',');
}

/** Returns a ratio (0..1) as a percentage with one decimal. */
function pct(float $r): string
{
    return sprintf('%.1f%%', $r * 100);
}

/** Returns a unix time as UTC text, or a dash for 0. */
function when(int $t): string
{
    return $t > 0 ? gmdate('Y-m-d H:i:s', $t) . ' UTC' : '—';
}

/* ---- configuration and access ---------------------------------------- */

/** Returns the config file's array (memrehash-admin.php, else .ini), or []. */
function admin_config(): array
{
    $php = __DIR__ . '/memrehash-admin.php';
    if (is_file($php)) {
        $c = (static fn() => include $php)();
        return is_array($c) ? $c : [];
    }
    $ini = __DIR__ . '/memrehash-admin.ini';
    if (is_file($ini)) {
        $c = parse_ini_file($ini, false, INI_SCANNER_RAW);
        return is_array($c) ? $c : [];
    }
    return [];
}

/** Returns [user, password] when both are configured, else null. */
function admin_credentials(array $config): ?array
{
    $user = getenv('MEMREHASH_ADMIN_USER');
    $pass = getenv('MEMREHASH_ADMIN_PASSWORD');
    if (is_string($user) && $user !== '' && is_string($pass) && $pass !== '') {
        return [$user, $pass];
    }
    $user = $config['user'] ?? null;
    $pass = $config['password'] ?? null;
    if (is_string($user) && $user !== '' && is_string($pass) && $pass !== '') {
        return [$user, $pass];
    }
    return null;
}

/** Returns the basic-auth [user, password] the client sent, or null. */
function request_credentials(): ?array
{
    if (isset($_SERVER['PHP_AUTH_USER'])) {
        return [(string)$_SERVER['PHP_AUTH_USER'], (string)($_SERVER['PHP_AUTH_PW'] ?? '')];
    }
    /* FastCGI setups that pass the header but do not decode it */
    $hdr = $_SERVER['HTTP_AUTHORIZATION'] ?? $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ?? '';
    if (is_string($hdr) && strncasecmp($hdr, 'Basic ', 6) === 0) {
        $pair = base64_decode(substr($hdr, 6), true);
        if (is_string($pair) && str_contains($pair, ':')) {
            return explode(':', $pair, 2);
        }
    }
    return null;
}

/** Sends headers every answer carries: no caching, no framing, no scripts. */
function common_headers(): void
{
    header('Cache-Control: no-store');
    header('X-Content-Type-Options: nosniff');
    header('Referrer-Policy: no-referrer');
    header('X-Frame-Options: DENY');
    header("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
}

/** Ends the request with a small HTML page. */
function stop_page(int $status, string $title, string $body_html): never
{
    http_response_code($status);
    header('Content-Type: text/html; charset=utf-8');
    echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>', h($title),
        '</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:46em;margin:3em auto;padding:0 1em;color:#222}'
        . 'code,pre{background:#f3f3f3;padding:0 .2em}pre{padding:.6em}</style></head><body><h1>', h($title), '</h1>',
        $body_html, '</body></html>';
    exit;
}

/** Answers 403 with instructions: no credentials are configured. */
function refuse_unconfigured(): never
{
    stop_page(403, 'memrehash admin: access is not configured', <<<'HTML'
<p>This page has no default password. Set both a user and a password, then reload:</p>
<ul>
<li>in the environment of the PHP process: <code>MEMREHASH_ADMIN_USER</code> and
<code>MEMREHASH_ADMIN_PASSWORD</code> (PHP-FPM: <code>env[MEMREHASH_ADMIN_USER] = ops</code> and
<code>env[MEMREHASH_ADMIN_PASSWORD] = …</code> in the pool file);</li>
<li>or in <code>memrehash-admin.php</code> beside this page:
<pre>&lt;?php return ['user' =&gt; 'ops', 'password' =&gt; 'a long random secret'];</pre>
(<code>memrehash-admin.ini</code> with <code>user = …</code> and <code>password = …</code> works too;
make sure the web server does not serve it).</li>
</ul>
<p>Serve this page with the same <code>memrehash.counters_file</code> as the application, or it sees no pools.</p>
HTML);
}

/** Returns after checking basic auth; answers 403 or 401 otherwise. */
function require_auth(?array $expected): void
{
    if ($expected === null) {
        refuse_unconfigured();
    }
    $given = request_credentials();
    if ($given !== null) {
        /* both compared, always: no early exit that tells which was wrong */
        $u = hash_equals($expected[0], $given[0]);
        $p = hash_equals($expected[1], $given[1]);
        if ($u && $p) {
            return;
        }
    }
    header('WWW-Authenticate: Basic realm="memrehash admin", charset="UTF-8"');
    stop_page(401, 'memrehash admin: authentication required', '<p>Wrong or missing user name or password.</p>');
}

/** Returns this browser's CSRF nonce, setting the cookie when it has none. */
function csrf_nonce(): string
{
    $c = $_COOKIE[MRA_CSRF_COOKIE] ?? '';
    if (is_string($c) && preg_match('/^[0-9a-f]{64}$/', $c)) {
        return $c;
    }
    $c = bin2hex(random_bytes(32));
    $https = !empty($_SERVER['HTTPS']) && $_SERVER['HTTPS'] !== 'off';
    setcookie(MRA_CSRF_COOKIE, $c, [
        'path' => $_SERVER['SCRIPT_NAME'] ?? '/',
        'httponly' => true,
        'samesite' => 'Strict',
        'secure' => $https,
    ]);
    $_COOKIE[MRA_CSRF_COOKIE] = $c;
    return $c;
}

/** Returns the form token for a nonce: keyed by the credentials, so a planted
 * cookie alone does not make a valid token. */
function csrf_token(string $nonce, array $cred): string
{
    return hash_hmac('sha256', 'memrehash-admin|' . $nonce, $cred[0] . "\0" . $cred[1]);
}

/* ---- data ------------------------------------------------------------ */

/** Returns memcached's own `stats` for a server name ("host:port",
 * "[v6]:port" or a socket path), with reachable = false when it did not answer. */
function memcached_stats(string $server): array
{
    if ($server !== '' && $server[0] === '/') {
        $addr = 'unix://' . $server;
    } else {
        $addr = 'tcp://' . $server;
    }
    $out = ['reachable' => false];
    $errno = 0;
    $errstr = '';
    $fp = @stream_socket_client($addr, $errno, $errstr, MRA_SOCKET_TIMEOUT);
    if (!$fp) {
        $out['error'] = $errstr !== '' ? $errstr : 'cannot connect';
        return $out;
    }
    stream_set_timeout($fp, 0, (int)(MRA_SOCKET_TIMEOUT * 1e6));
    $stat = [];
    if (@fwrite($fp, "stats\r\n") !== false) {
        while (($line = fgets($fp, 4096)) !== false) {
            $line = rtrim($line, "\r\n");
            if ($line === 'END') {
                $out['reachable'] = true;
                break;
            }
            if (strncmp($line, 'STAT ', 5) === 0) {
                $parts = explode(' ', $line, 3);
                $stat[$parts[1]] = $parts[2] ?? '';
            } else {
                break; /* ERROR or garbage: not a memcached we understand */
            }
        }
    }
    fclose($fp);
    if (!$out['reachable']) {
        $out['error'] = 'no complete answer to `stats` within ' . MRA_SOCKET_TIMEOUT . ' s';
        return $out;
    }
    foreach (['version' => false, 'uptime' => true, 'curr_items' => true, 'bytes' => true,
        'limit_maxbytes' => true, 'evictions' => true, 'curr_connections' => true,
        'get_hits' => true, 'get_misses' => true] as $k => $int) {
        if (isset($stat[$k])) {
            $out[$k] = $int ? (int)$stat[$k] : $stat[$k];
        }
    }
    $out['fill'] = !empty($out['limit_maxbytes']) ? ($out['bytes'] ?? 0) / $out['limit_maxbytes'] : null;
    return $out;
}

/** Returns the cut-over progress figures of one pool's stats(). */
function progress(array $s): array
{
    $rate = (float)$s['old_hit_rate'];
    $below = (float)$s['complete_below'];
    if ($s['state'] === 'complete') {
        $p = 1.0;
    } elseif ((int)$s['window_seen'] === 0) {
        $p = 0.0;   /* no old lookup yet: nothing known */
    } elseif ($below >= 1.0) {
        $p = 1.0;
    } else {
        /* 0 when every recent old lookup still finds its key, 1 at the threshold */
        $p = max(0.0, min(1.0, (1.0 - $rate) / (1.0 - $below)));
    }
    $gets = (int)$s['gets'];
    $hits = (int)$s['new_hits'] + (int)$s['old_hits'];
    return [
        'cutover' => $p,
        'served_by_new' => $gets > 0 ? (int)$s['new_hits'] / $gets : 0.0,
        'hits_from_new' => $hits > 0 ? (int)$s['new_hits'] / $hits : 0.0,
        'old_hit_rate' => $rate,
        'complete_below' => $below,
        'window' => (int)$s['window'],
        'window_seen' => (int)$s['window_seen'],
        'auto' => $below > 0.0,
    ];
}

/** Returns per-second rates: over the last trend interval (up to now) and
 * since the pool started. */
function rates(array $s, int $now): array
{
    $out = ['interval' => null, 'since_start' => null];
    $age = $now - (int)$s['started'];
    if ($age > 0) {
        $out['since_start'] = [
            'seconds' => $age,
            'gets' => (int)$s['gets'] / $age,
            'old_hits' => (int)$s['old_hits'] / $age,
            'misses' => (int)$s['misses'] / $age,
        ];
    }
    $last = $s['trend'] ? $s['trend'][count($s['trend']) - 1] : null;
    if ($last && $now > (int)$last['at']) {
        $dt = $now - (int)$last['at'];
        $out['interval'] = [
            'seconds' => $dt,
            'gets' => ((int)$s['gets'] - (int)$last['gets']) / $dt,
            'old_hits' => ((int)$s['old_hits'] - (int)$last['old_hits']) / $dt,
            'misses' => ((int)$s['misses'] - (int)$last['misses']) / $dt,
        ];
    }
    return $out;
}

/** Returns [old, new, options] to rebuild a MemRehash for pool $name: the
 * config file's 'pools' entry when there is one, else its server rows in
 * stats() order with the library's default placement; null (and $why) when
 * that is impossible. complete_below and window are always the pool's own:
 * a constructor stores its values for every process of the host. */
function pool_spec(string $name, array $s, array $config, ?string &$why): ?array
{
    $opts = [
        'complete_below' => (float)$s['complete_below'],
        'window' => max(1, (int)$s['window']),
        'connect_timeout' => MRA_POOL_TIMEOUT_MS,
        'timeout' => MRA_POOL_TIMEOUT_MS,
    ];
    $o = $config['pools'][$name] ?? null;
    if (is_array($o) && !empty($o['old']) && !empty($o['new'])) {
        $given = is_array($o['options'] ?? null) ? $o['options'] : [];
        return [$o['old'], $o['new'], ['name' => $name] + $given + $opts];
    }
    $old = $new = [];
    foreach ($s['servers'] as $server => $row) {
        if ($row['role'] === 'old' || $row['role'] === 'both') {
            $old[] = (string)$server;
        }
        if ($row['role'] === 'new' || $row['role'] === 'both') {
            $new[] = (string)$server;
        }
    }
    if (!$old || !$new) {
        $why = 'the pool lists no ' . (!$old ? 'old' : 'new') . ' servers in its counters';
        return null;
    }
    return [$old, $new, ['name' => $name] + $opts];
}

/** Returns a MemRehash for the pool, or null with the reason in $why. */
function pool_object(string $name, array $s, array $config, ?string &$why): ?MemRehash
{
    $spec = pool_spec($name, $s, $config, $why);
    if ($spec === null) {
        return null;
    }
    try {
        return new MemRehash($spec[0], $spec[1], $spec[2]);
    } catch (Throwable $e) {
        $why = 'cannot build the pool: ' . $e->getMessage();
        return null;
    }
}

/** Returns the counters the transitions table shows of pool $name, or null
 * when no process has used the pool yet. */
function transition_pool(array $all, string $name): ?array
{
    $s = $all[$name] ?? null;
    if ($s === null) {
        return null;
    }
    return array_intersect_key($s, array_flip(['name', 'state', 'gets', 'new_hits', 'old_hits', 'migrated', 'misses',
        'sessions_moved', 'sessions_new', 'old_hit_rate', 'complete_below']));
}

/** Returns each configured transition (MemRehash::transitions()) with its
 * pool's and its sessions pool's counters from $all (MemRehash::allStats()). */
function transitions_of(array $all): array
{
    if (!method_exists('MemRehash', 'transitions')) {
        return [];
    }
    $out = [];
    foreach (MemRehash::transitions() as $t) {
        $t['pool'] = transition_pool($all, $t['name']);
        $t['sessions'] = transition_pool($all, $t['sessions_pool']);
        $out[] = $t;
    }
    return $out;
}

/** Returns everything the page shows, as plain arrays (the JSON view). */
function collect(array $config): array
{
    $now = time();
    $data = [
        'generated' => $now,
        'host' => (string)gethostname(),
        'extension' => extension_loaded('memrehash') ? (string)phpversion('memrehash') : null,
        'ini' => extension_loaded('memrehash') ? ini_get_all('memrehash') : [],
        'pools' => [],
        'transitions' => [],
    ];
    if (!extension_loaded('memrehash')) {
        return $data;
    }
    $all = MemRehash::allStats();
    $data['transitions'] = transitions_of($all);
    $memcached = [];
    foreach ($all as $name => $s) {
        $name = (string)$name;
        $servers = [];
        foreach ($s['servers'] as $server => $row) {
            $server = (string)$server;
            $memcached[$server] ??= memcached_stats($server);
            $servers[$server] = $row + ['memcached' => $memcached[$server]];
        }
        $why = null;
        $fleet = null;
        $obj = pool_object($name, $s, $config, $why);
        if ($obj !== null) {
            $fleet = $obj->fleetStats();
            if ($obj->getResultCode() !== MemRehash::RES_SUCCESS) {
                $why = 'the new servers did not answer: ' . $obj->getResultMessage();
            }
        }
        $data['pools'][$name] = [
            'stats' => $s,
            'progress' => progress($s),
            'rates' => rates($s, $now),
            'servers' => $servers,
            'fleet' => $fleet,
            'fleet_note' => $why,
            /* where the server lists for the fleet view and "complete" came from */
            'pool_source' => isset($config['pools'][$name]) ? 'memrehash-admin.php' : 'counters',
        ];
    }
    return $data;
}

/* ---- actions ----------------------------------------------------------- */

/** Handles POST action=complete; always ends the request. */
function handle_post(array $cred, array $config): never
{
    $nonce = $_COOKIE[MRA_CSRF_COOKIE] ?? '';
    $token = $_POST['csrf'] ?? '';
    $origin = $_SERVER['HTTP_ORIGIN'] ?? null;
    if (is_string($origin) && $origin !== 'null'
        && strcasecmp((string)parse_url($origin, PHP_URL_HOST) . (($p = parse_url($origin, PHP_URL_PORT)) ? ":$p" : ''),
            (string)($_SERVER['HTTP_HOST'] ?? '')) !== 0) {
        stop_page(403, 'memrehash admin: refused', '<p>The form was sent from another origin.</p>');
    }
    if (!is_string($nonce) || !preg_match('/^[0-9a-f]{64}$/', $nonce) || !is_string($token)
        || !hash_equals(csrf_token($nonce, $cred), $token)) {
        stop_page(403, 'memrehash admin: refused', '<p>The form token is missing or wrong. Reload the page and try again.</p>');
    }
    if (($_POST['action'] ?? '') !== 'complete') {
        stop_page(400, 'memrehash admin: unknown action', '<p>The only action is <code>complete</code>.</p>');
    }
    if (($_POST['confirm'] ?? '') !== 'yes') {
        stop_page(400, 'memrehash admin: not confirmed', '<p>Tick the box to confirm: completing a pool cannot be undone.</p>');
    }
    $name = $_POST['pool'] ?? null;
    if (!extension_loaded('memrehash')) {
        stop_page(500, 'memrehash admin', '<p>The memrehash extension is not loaded.</p>');
    }
    $all = MemRehash::allStats();
    if (!is_string($name) || !isset($all[$name])) {
        stop_page(404, 'memrehash admin: no such pool', '<p>No pool of that name in this host\'s counters.</p>');
    }
    $why = null;
    $obj = pool_object($name, $all[$name], $config, $why);
    if ($obj === null) {
        stop_page(500, 'memrehash admin: cannot complete', '<p>' . h($why) . '</p>');
    }
    $obj->complete();
    $marker = $obj->getResultCode() === MemRehash::RES_SUCCESS ? '1' : '0';
    $self = $_SERVER['SCRIPT_NAME'] ?? '';
    header('Location: ' . $self . '?completed=' . rawurlencode($name) . '&marker=' . $marker, true, 303);
    exit;
}

/* ---- HTML -------------------------------------------------------------- */

/** Returns an inline SVG of per-second gets, old hits and misses over the trend samples. */
function trend_svg(array $s, int $now): string
{
    $pts = $s['trend'];
    $pts[] = ['at' => $now, 'gets' => $s['gets'], 'old_hits' => $s['old_hits'], 'misses' => $s['misses']];
    $series = ['gets' => [], 'old_hits' => [], 'misses' => []];
    $times = [];
    for ($i = 1; $i < count($pts); $i++) {
        $dt = (int)$pts[$i]['at'] - (int)$pts[$i - 1]['at'];
        if ($dt <= 0) {
            continue;
        }
        $times[] = (int)$pts[$i]['at'];
        foreach ($series as $k => $_) {
            $series[$k][] = max(0, (int)$pts[$i][$k] - (int)$pts[$i - 1][$k]) / $dt;
        }
    }
    $w = 600;
    $hgt = 140;
    $pad = 34;
    if (!$times) {
        return '<p class="muted">No trend yet: a sample is taken every 10 seconds while the pool is in use.</p>';
    }
    $max = max(1e-9, ...$series['gets'], ...$series['old_hits'], ...$series['misses']);
    $t0 = (int)$pts[0]['at'];
    $span = max(1, $now - $t0);
    $colors = ['gets' => '#2563eb', 'old_hits' => '#d97706', 'misses' => '#dc2626'];
    $svg = '<svg class="trend" role="img" viewBox="0 0 ' . $w . ' ' . $hgt . '" width="' . $w . '" height="' . $hgt
        . '" xmlns="http://www.w3.org/2000/svg"><title>per-second gets, old hits and misses</title>'
        . '<rect x="0" y="0" width="' . $w . '" height="' . $hgt . '" fill="#fafafa" stroke="#ddd"/>'
        . '<text x="4" y="12" font-size="10" fill="#666">' . h(sprintf('%.1f/s', $max)) . '</text>'
        . '<text x="4" y="' . ($hgt - 4) . '" font-size="10" fill="#666">0</text>';
    foreach ($series as $k => $vals) {
        $coords = [];
        foreach ($vals as $i => $v) {
            $x = $pad + ($times[$i] - $t0) / $span * ($w - $pad - 6);
            $y = $hgt - 14 - $v / $max * ($hgt - 30);
            $coords[] = sprintf('%.1f,%.1f', $x, $y);
        }
        if (count($coords) === 1) {
            /* one interval: a level line from the first sample */
            array_unshift($coords, sprintf('%.1f,%s', $pad, explode(',', $coords[0])[1]));
        }
        $svg .= '<polyline fill="none" stroke-width="2" stroke="' . $colors[$k] . '" points="' . implode(' ', $coords) . '"/>';
    }
    $lx = $pad + 10;
    foreach ($colors as $k => $c) {
        $svg .= '<rect x="' . $lx . '" y="5" width="10" height="3" fill="' . $c . '"/><text x="' . ($lx + 14)
            . '" y="11" font-size="10" fill="#333">' . h($k) . '/s</text>';
        $lx += 90;
    }
    return $svg . '</svg>';
}

/** Returns one pool's section. */
function pool_html(string $name, array $p, int $idx, string $token, int $now): string
{
    $s = $p['stats'];
    $pr = $p['progress'];
    $complete = $s['state'] === 'complete';
    $o = '<section class="pool" id="pool-' . $idx . '" data-pool="' . h($name) . '">';
    $o .= '<h2><span class="name" data-field="name">' . h($name) . '</span> <span class="state ' . ($complete ? 'done' : 'moving')
        . '" data-field="state">' . h($s['state']) . '</span></h2>';
    $o .= '<p class="muted">started ' . h(when((int)$s['started'])) . ($complete ? ' · completed ' . h(when((int)$s['completed'])) : '') . '</p>';

    /* progress */
    $o .= '<div class="progress"><div class="figure"><span data-field="cutover_progress">' . h(pct($pr['cutover'])) . '</span>'
        . '<small>toward cut-over</small></div><div class="bar"><div style="width:' . h(sprintf('%.1f', $pr['cutover'] * 100)) . '%"></div></div><p>';
    if ($complete) {
        $o .= 'Complete: no more old lookups on any worker of this host; other hosts follow through the marker key.';
    } else {
        $o .= 'Old-hit rate <b data-field="old_hit_rate">' . h(pct($pr['old_hit_rate'])) . '</b> over the '
            . h(num($pr['window_seen'])) . ' old lookups of the last ' . h(num($pr['window'])) . ' s; ';
        $o .= $pr['auto']
            ? 'completes by itself below <b data-field="complete_below">' . h(pct($pr['complete_below'])) . '</b> after a window of gets.'
            : 'no <code>complete_below</code> set: complete it by hand.';
    }
    $o .= ' Served by new: <b data-field="served_by_new">' . h(pct($pr['served_by_new'])) . '</b> of gets ('
        . h(pct($pr['hits_from_new'])) . ' of hits).</p>';
    if (!$complete && (int)$s['errors'] > 0) {
        $o .= '<p class="warn" data-field="errors_warning">' . h(num($s['errors'])) . ' errors: an old lookup that failed counts as'
            . ' "not found" in the old-hit rate, so while a server is unreachable this figure is too optimistic.</p>';
    }
    $o .= '</div>';

    /* counters */
    $fields = ['gets', 'new_hits', 'old_lookups', 'old_hits', 'migrated', 'raced', 'move_failed', 'misses',
        'sets', 'deletes', 'drained', 'bytes_moved', 'errors', 'sessions_moved', 'sessions_new', 'sessions_missed'];
    $o .= '<h3>Counters</h3><table class="counters"><tr>';
    foreach ($fields as $i => $f) {
        if ($i && $i % 8 === 0) {
            $o .= '</tr><tr>';
        }
        $o .= '<th>' . h($f) . '</th><td class="n" data-field="' . h($f) . '" data-value="' . h((int)($s[$f] ?? 0)) . '">'
            . h(num($s[$f] ?? 0)) . '</td>';
    }
    $o .= '</tr></table>';

    /* rates and trend */
    $o .= '<h3>Rates</h3><table class="rates"><tr><th></th><th>gets/s</th><th>old hits/s</th><th>misses/s</th></tr>';
    foreach (['interval' => 'last %d s', 'since_start' => 'since start (%d s)'] as $k => $label) {
        $r = $p['rates'][$k];
        if ($r === null) {
            continue;
        }
        $o .= '<tr><th>' . h(sprintf($label, $r['seconds'])) . '</th>';
        foreach (['gets', 'old_hits', 'misses'] as $f) {
            $o .= '<td class="n">' . h(sprintf('%.2f', $r[$f])) . '</td>';
        }
        $o .= '</tr>';
    }
    $o .= '</table>' . trend_svg($s, $now);

    /* servers */
    $o .= '<h3>Servers</h3><table class="servers"><tr><th>server</th><th>role</th><th>moved out</th><th>moved in</th><th>errors</th>'
        . '<th>reachable</th><th>items</th><th>bytes / limit</th><th>evictions</th><th>version</th></tr>';
    foreach ($p['servers'] as $server => $row) {
        $m = $row['memcached'];
        $o .= '<tr data-server="' . h($server) . '"><td>' . h($server) . '</td><td>' . h($row['role']) . '</td><td class="n">'
            . h(num($row['moved_out'])) . '</td><td class="n">' . h(num($row['moved_in'])) . '</td><td class="n">' . h(num($row['errors'])) . '</td>';
        if ($m['reachable']) {
            $fill = $m['fill'] ?? null;
            $o .= '<td class="ok" data-field="reachable">yes</td><td class="n" data-field="curr_items">' . h(num($m['curr_items'] ?? 0)) . '</td>'
                . '<td class="n">' . h(num($m['bytes'] ?? 0)) . ' / ' . h(num($m['limit_maxbytes'] ?? 0))
                . ($fill !== null ? ' (' . h(pct($fill)) . ')' : '') . '</td><td class="n">' . h(num($m['evictions'] ?? 0)) . '</td><td>'
                . h($m['version'] ?? '') . '</td>';
        } else {
            $o .= '<td class="bad" data-field="reachable">no</td><td colspan="4" class="muted">' . h($m['error'] ?? '') . '</td>';
        }
        $o .= '</tr>';
    }
    $o .= '</table>';

    /* fleet */
    $o .= '<h3>Fleet</h3><p class="muted small">' . ($p['pool_source'] === 'counters'
        ? 'Read from the new servers as the counters list them, with the default placement (modula). If the application'
            . ' sets <code>distribution</code> or <code>hash</code>, or lists the new servers in another order, give the pool in'
            . ' <code>memrehash-admin.php</code> (<code>pools</code>), or this view and "complete" miss the other hosts.'
        : 'Pool as given in <code>memrehash-admin.php</code>.') . '</p>';
    if ($p['fleet'] === null) {
        $o .= '<p class="muted">Fleet view unavailable: ' . h($p['fleet_note']) . '</p>';
    } else {
        if ($p['fleet_note'] !== null) {
            $o .= '<p class="muted">' . h($p['fleet_note']) . '</p>';
        }
        $o .= '<table class="fleet"><tr><th>host</th><th>state</th><th>published</th><th>gets</th><th>new hits</th><th>old hits</th><th>misses</th><th>migrated</th><th>errors</th></tr>';
        foreach ($p['fleet'] as $host => $row) {
            $total = $host === 'total';
            $o .= '<tr' . ($total ? ' class="total"' : '') . ' data-host="' . h($host) . '"><td>' . ($total ? 'total (' . h(num($row['hosts'])) . ($row['hosts'] == 1 ? ' host, ' : ' hosts, ')
                . h(num($row['complete_hosts'])) . ' complete)' : h($host)) . '</td><td>' . ($total ? '' : h($row['state'])) . '</td><td>'
                . ($total ? '' : h(when((int)$row['published']))) . '</td>';
            foreach (['gets', 'new_hits', 'old_hits', 'misses', 'migrated', 'errors'] as $f) {
                $o .= '<td class="n">' . h(num($row[$f] ?? 0)) . '</td>';
            }
            $o .= '</tr>';
        }
        $o .= '</table>';
    }

    /* action */
    if (!$complete) {
        $o .= '<form class="complete" method="post" action=""><input type="hidden" name="action" value="complete">'
            . '<input type="hidden" name="pool" value="' . h($name) . '"><input type="hidden" name="csrf" value="' . h($token) . '">'
            . '<label><input type="checkbox" name="confirm" value="yes" required> the old servers may go: stop all old lookups, on every host</label> '
            . '<button type="submit">Complete this pool</button></form>';
    }
    return $o . '</section>';
}

/** Returns a transition pool's cell: its state and main counters, or "not used yet". */
function transition_pool_html(?array $p, string $field, bool $sessions): string
{
    if ($p === null) {
        return '<td data-field="' . $field . '" class="muted">not used yet</td>';
    }
    $complete = $p['state'] === 'complete';
    $o = '<td data-field="' . $field . '"><span class="state ' . ($complete ? 'done' : 'moving') . '" data-field="' . $field . '_state">'
        . h($p['state']) . '</span> gets <span data-field="' . $field . '_gets">' . h(num($p['gets'])) . '</span>'
        . ' · old hits <span data-field="' . $field . '_old_hits">' . h(num($p['old_hits'])) . '</span>'
        . ' · moved <span data-field="' . $field . '_migrated">' . h(num($p['migrated'])) . '</span>';
    if ($sessions) {
        $o .= ' · sessions moved <span data-field="' . $field . '_sessions_moved">' . h(num($p['sessions_moved'])) . '</span>';
    }
    return $o . '</td>';
}

/** Returns the transitions section (memrehash.transitions). */
function transitions_html(array $transitions): string
{
    $o = '<section class="pool" id="transitions"><h2>Transitions <small class="muted">memrehash.transitions</small></h2>'
        . '<p class="small muted">"Bound in this process" is about the PHP process serving this page (its own '
        . '<code>\Memcached</code> objects and sessions), not the application\'s workers: each process binds its own. '
        . 'The counters are the pools\' shared ones, which every worker using this counters file adds to.</p>'
        . '<table class="transitions"><tr><th>transition</th><th>old → new</th><th>bound in this process</th><th>pool</th><th>sessions pool</th></tr>';
    foreach ($transitions as $t) {
        $bound = ($t['bound'] ? 'yes' : 'no') . ' (' . $t['bound_objects'] . ' objects now, ' . $t['binds'] . ' binds, '
            . $t['session_opens'] . ' sessions opened; this page\'s own process)';
        if (!$t['objects_bindable']) {
            $bound .= ' · objects cannot bind here: PECL memcached is not loaded';
        }
        $o .= '<tr data-transition="' . h($t['name']) . '"><td><span class="name" data-field="name">' . h($t['name']) . '</span></td>'
            . '<td class="name small"><span data-field="old">' . h(implode(', ', $t['old'])) . '</span> → <span data-field="new">'
            . h(implode(', ', $t['new'])) . '</span></td>'
            . '<td data-field="bound">' . h($bound) . '</td>'
            . transition_pool_html($t['pool'], 'pool', false)
            . transition_pool_html($t['sessions'], 'sessions', true) . '</tr>';
    }
    return $o . '</table></section>';
}

/** Prints the whole page. */
function render_html(array $data, string $token): void
{
    header('Content-Type: text/html; charset=utf-8');
    $title = 'memrehash · ' . $data['host'];
    echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
        '<title>', h($title), '</title><style>',
        'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2937;background:#f4f5f7}',
        'header{background:#1f2937;color:#f9fafb;padding:.8em 1.5em}header h1{margin:0;font-size:1.3em}header p{margin:.2em 0 0;color:#cbd5e1}',
        'main{padding:1em 1.5em;max-width:1200px}.pool{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:.6em 1.2em 1em;margin:0 0 1.2em}',
        'h2{font-size:1.15em;margin:.4em 0}h3{font-size:.95em;margin:1em 0 .3em;color:#374151}',
        '.name{font-family:ui-monospace,monospace;word-break:break-all}.state{font-size:.75em;padding:.1em .6em;border-radius:1em;vertical-align:middle}',
        '.moving{background:#fef3c7;color:#92400e}.done{background:#d1fae5;color:#065f46}',
        '.progress{display:flex;flex-wrap:wrap;align-items:center;gap:.4em 1.2em}.progress p{flex-basis:100%;margin:.2em 0}',
        '.figure span{font-size:2em;font-weight:600}.figure small{margin-left:.4em;color:#6b7280}',
        '.bar{flex:1;min-width:200px;height:12px;background:#e5e7eb;border-radius:6px;overflow:hidden}.bar div{height:100%;background:#10b981}',
        'table{border-collapse:collapse;font-size:.92em}th,td{padding:.2em .6em;border-bottom:1px solid #eef0f3;text-align:left}',
        'th{color:#4b5563;font-weight:600}.n{text-align:right;font-variant-numeric:tabular-nums}.counters th{font-weight:500}',
        '.ok{color:#047857}.bad{color:#b91c1c;font-weight:600}.warn{color:#92400e;background:#fffbeb;padding:.2em .5em}.muted{color:#6b7280}.small{font-size:.85em;margin:.2em 0}.total td{font-weight:600}',
        'svg.trend{display:block;margin:.6em 0;max-width:100%;height:auto}',
        'form.complete{margin-top:1em;padding:.6em;background:#fff7ed;border:1px solid #fed7aa;border-radius:4px}',
        'button{margin-left:.6em}.notice{background:#ecfdf5;border:1px solid #a7f3d0;padding:.5em 1em;border-radius:4px}',
        '</style></head><body><header><h1>', h($title), '</h1><p>extension ', h($data['extension'] ?? 'not loaded'),
        ' · counters file <code>', h(ini_get('memrehash.counters_file') ?: '(none: this server\'s own mapping)'), '</code> · ',
        h(when($data['generated'])), ' · <a style="color:#93c5fd" href="?format=json">JSON</a></p></header><main>';

    if (isset($_GET['completed']) && is_string($_GET['completed'])) {
        echo '<p class="notice">Pool <b>', h($_GET['completed']), '</b> completed',
            ($_GET['marker'] ?? '') === '0' ? ' here; the marker key could not be written, other hosts will not follow until it is.' : '.', '</p>';
    }
    if ($data['extension'] === null) {
        echo '<p class="bad">The memrehash extension is not loaded in this PHP.</p>';
    } elseif (!$data['pools']) {
        echo '<p>No pools in these counters. Serve this page with the application\'s <code>memrehash.counters_file</code>',
            ' (a SYSTEM setting: php.ini or the FPM master), or no pool it uses is visible here.</p>';
    }
    if ($data['transitions']) {
        echo transitions_html($data['transitions']);
    }
    $i = 0;
    foreach ($data['pools'] as $name => $p) {
        echo pool_html((string)$name, $p, $i++, $token, $data['generated']);
    }
    echo '<section class="pool"><h2>INI settings</h2><table class="ini"><tr><th>name</th><th>value</th><th>global value</th><th>changeable</th></tr>';
    foreach ($data['ini'] as $k => $v) {
        $access = (int)$v['access'] === INI_SYSTEM ? 'system' : ((int)$v['access'] === INI_ALL ? 'all' : (string)$v['access']);
        echo '<tr><td><code>', h($k), '</code></td><td>', h($v['local_value'] ?? ''), '</td><td>', h($v['global_value'] ?? ''),
            '</td><td>', h($access), '</td></tr>';
    }
    echo '</table></section></main></body></html>';
}

/* ---- Prometheus / OpenMetrics --------------------------------------------
 * The page's ?format=prometheus and bin/memrehash status --prometheus print
 * this same text: the CLI includes this file with MEMREHASH_ADMIN_LIBRARY
 * defined (then the page's main part below does not run), so the page stays
 * one self-contained file. Read from allStats() only: no network, cheap
 * enough to scrape every second. */

/* counter name (without _total) => [stats() key, HELP text] */
const MRA_PROM_COUNTERS = [
    'memrehash_gets' => ['gets', 'Gets asked of the pool.'],
    'memrehash_new_hits' => ['new_hits', 'Gets found at the key\'s new server.'],
    'memrehash_old_lookups' => ['old_lookups', 'Gets that missed at the new server and asked the old one.'],
    'memrehash_old_hits' => ['old_hits', 'Old lookups that found the key at its old server.'],
    'memrehash_migrated' => ['migrated', 'Keys moved to their new server by a get.'],
    'memrehash_raced' => ['raced', 'Moves that found the key already written at the new server.'],
    'memrehash_move_failed' => ['move_failed', 'Moves that could not complete (the key stays at its old server).'],
    'memrehash_misses' => ['misses', 'Gets found at neither server.'],
    'memrehash_sets' => ['sets', 'Sets.'],
    'memrehash_deletes' => ['deletes', 'Deletes.'],
    'memrehash_drained' => ['drained', 'Keys moved by drain().'],
    'memrehash_moved_bytes' => ['bytes_moved', 'Value bytes moved, by gets and drains.'],
    'memrehash_errors' => ['errors', 'Server errors seen by the pool (timeouts, refused connections, bad replies).'],
    'memrehash_sessions_moved' => ['sessions_moved', 'Sessions moved by the session handler.'],
    'memrehash_sessions_new' => ['sessions_new', 'Sessions the session handler found at neither server.'],
    'memrehash_sessions_missed' => ['sessions_missed', 'Session reads that failed.'],
];
/* gauge name => [stats() key, HELP text] */
const MRA_PROM_GAUGES = [
    'memrehash_old_hit_rate' => ['old_hit_rate', 'Share of the recent old lookups that found their key (0..1); the pool completes below complete_below.'],
    'memrehash_old_hit_window_seen' => ['window_seen', 'Old lookups the old-hit rate is computed over.'],
    'memrehash_old_hit_window' => ['window', 'Size of the old-hit rate window.'],
    'memrehash_complete_below' => ['complete_below', 'Old-hit rate below which the pool completes by itself (0: never).'],
    'memrehash_started_timestamp_seconds' => ['started', 'When the pool started migrating (unix time).'],
    'memrehash_completed_timestamp_seconds' => ['completed', 'When the pool completed (unix time; 0 while migrating).'],
];
/* per-server counter name (without _total) => [servers row key, HELP text] */
const MRA_PROM_SERVER_COUNTERS = [
    'memrehash_server_moved_out' => ['moved_out', 'Keys moved off this server.'],
    'memrehash_server_moved_in' => ['moved_in', 'Keys moved onto this server.'],
    'memrehash_server_errors' => ['errors', 'Errors talking to this server.'],
];
const MRA_PROM_STATES = ['migrating', 'complete'];

/** Returns a label value escaped for the exposition formats (\\, " and newline). */
function mra_prom_label(string $v): string
{
    return str_replace(['\\', '"', "\n"], ['\\\\', '\\"', '\\n'], $v);
}

/** Returns a sample value as text: integers as such, floats with full precision. */
function mra_prom_value(int|float $v): string
{
    if (is_int($v)) {
        return (string)$v;
    }
    if (is_nan($v)) {
        return 'NaN';
    }
    return is_infinite($v) ? ($v > 0 ? '+Inf' : '-Inf') : var_export($v, true);
}

/** Returns true when an Accept header asks for OpenMetrics (as Prometheus's scraper does). */
function mra_prom_wants_openmetrics(string $accept): bool
{
    return stripos($accept, 'application/openmetrics-text') !== false;
}

/** Returns the Content-Type of mra_prom_text()'s output. */
function mra_prom_content_type(bool $openmetrics): string
{
    return $openmetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8';
}

/** Returns one metric family: HELP and TYPE lines, then its samples
 * ([labels, value] pairs). Counters are named NAME_total in the text format
 * 0.0.4 throughout; in OpenMetrics the family is NAME and its samples NAME_total. */
function mra_prom_family(string $name, string $type, string $help, array $samples, bool $om): string
{
    $sample_name = $type === 'counter' ? $name . '_total' : $name;
    $family = $om ? $name : $sample_name;
    $o = "# HELP $family " . str_replace(['\\', "\n"], ['\\\\', '\\n'], $help) . "\n# TYPE $family $type\n";
    foreach ($samples as [$labels, $value]) {
        $l = [];
        foreach ($labels as $k => $v) {
            $l[] = $k . '="' . mra_prom_label((string)$v) . '"';
        }
        $o .= $sample_name . ($l ? '{' . implode(',', $l) . '}' : '') . ' ' . mra_prom_value($value) . "\n";
    }
    return $o;
}

/** Returns the metrics of every pool in $all (MemRehash::allStats()) as
 * Prometheus text format 0.0.4, or OpenMetrics 1.0 when $openmetrics
 * (which ends with "# EOF"). $loaded: whether the extension is loaded. */
function mra_prom_text(array $all, bool $openmetrics, bool $loaded = true, array $transitions = []): string
{
    $o = mra_prom_family('memrehash_extension_loaded', 'gauge', 'Whether the memrehash extension is loaded in this PHP (1) or not (0).',
        [[[], $loaded ? 1 : 0]], $openmetrics);
    $o .= mra_prom_family('memrehash_pools', 'gauge', 'Pools in this host\'s shared counters.', [[[], count($all)]], $openmetrics);
    $state = [];
    foreach ($all as $name => $s) {
        foreach (MRA_PROM_STATES as $st) {
            $state[] = [['pool' => (string)$name, 'state' => $st], ($s['state'] ?? '') === $st ? 1 : 0];
        }
    }
    $o .= mra_prom_family('memrehash_state', 'gauge', 'The pool\'s state: 1 for the current one (migrating or complete).', $state, $openmetrics);
    foreach ([[MRA_PROM_COUNTERS, 'counter'], [MRA_PROM_GAUGES, 'gauge']] as [$defs, $type]) {
        foreach ($defs as $metric => [$key, $help]) {
            $samples = [];
            foreach ($all as $name => $s) {
                $v = $s[$key] ?? 0;
                $samples[] = [['pool' => (string)$name], $type === 'counter' || is_int($v) ? (int)$v : (float)$v];
            }
            $o .= mra_prom_family($metric, $type, $help, $samples, $openmetrics);
        }
    }
    foreach (MRA_PROM_SERVER_COUNTERS as $metric => [$key, $help]) {
        $samples = [];
        foreach ($all as $name => $s) {
            foreach ($s['servers'] ?? [] as $server => $row) {
                $samples[] = [['pool' => (string)$name, 'server' => (string)$server, 'role' => (string)$row['role']], (int)$row[$key]];
            }
        }
        $o .= mra_prom_family($metric, 'counter', $help, $samples, $openmetrics);
    }
    if ($transitions) {
        $samples = [];
        foreach ($transitions as $t) {
            $samples[] = [['transition' => $t['name'], 'pool' => $t['name'], 'sessions_pool' => $t['sessions_pool']], 1];
        }
        $o .= mra_prom_family('memrehash_transition_info', 'gauge',
            'A transition of memrehash.transitions, its pool and its sessions pool (join on pool).', $samples, $openmetrics);
    }
    return $openmetrics ? $o . "# EOF\n" : $o;
}

/** Returns MemRehash::transitions(), or [] where the extension lacks it. */
function mra_transitions(): array
{
    return extension_loaded('memrehash') && method_exists('MemRehash', 'transitions') ? MemRehash::transitions() : [];
}

/* ---- main -------------------------------------------------------------- */

if (defined('MEMREHASH_ADMIN_LIBRARY')) {
    return; /* included for its functions (bin/memrehash status --prometheus) */
}

common_headers();
$config = admin_config();
$cred = admin_credentials($config);
require_auth($cred);

$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';
if ($method === 'POST') {
    handle_post($cred, $config);
}
if ($method !== 'GET' && $method !== 'HEAD') {
    header('Allow: GET, HEAD, POST');
    stop_page(405, 'memrehash admin', '<p>Method not allowed.</p>');
}

$format = $_GET['format'] ?? '';
if ($format === 'prometheus' || $format === 'openmetrics') {
    /* prometheus: text format 0.0.4, or OpenMetrics when the scraper's Accept asks for it */
    $om = $format === 'openmetrics' || mra_prom_wants_openmetrics((string)($_SERVER['HTTP_ACCEPT'] ?? ''));
    header('Content-Type: ' . mra_prom_content_type($om));
    $loaded = extension_loaded('memrehash');
    echo mra_prom_text($loaded ? MemRehash::allStats() : [], $om, $loaded, mra_transitions());
    exit;
}
$data = collect($config);
if ($format === 'json') {
    header('Content-Type: application/json; charset=utf-8');
    $data['pools'] = (object)$data['pools']; /* a pool named "0" must not make a list */
    echo json_encode($data, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_HEX_TAG | JSON_HEX_AMP
        | JSON_PARTIAL_OUTPUT_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    exit;
}
render_html($data, csrf_token(csrf_nonce(), $cred));
