<?php
/*
 * The web benchmark's page: /page?c=CLIENT builds its cache client the way
 * the CLIENT variant says (per request, or persistent), then renders a small
 * cache-aside page from 5 gets. Every key is a hit (run.sh writes them all
 * at their place in the new list first, and checks the servers' own
 * get_misses afterwards); a miss still does what a site does (build the
 * value, set it) so the page stays right, and says so in X-Misses.
 *
 * Variants (CLIENT):
 *   pecl       new Memcached, setOption(LIBKETAMA_COMPATIBLE), addServers(new)
 *   mr         new MemRehash(old, new, ketama)
 *   dropin     new MemRehash\Memcached(old, new, ketama)
 *   pecl-p, mr-p, dropin-p: the same with a persistent id (PECL: servers
 *              added only when the persistent object has none yet)
 */

declare(strict_types=1);

$config = require getenv('WEB_BENCH_CONFIG');
$old = $config['old'];
$new = $config['new'];

/** Returns the "host", port pairs of "host:port" specs, as addServers takes them. */
function pairs(array $specs): array
{
    return array_map(static function (string $s): array {
        [$h, $p] = explode(':', $s);
        return [$h, (int)$p];
    }, $specs);
}

/** Returns the page's client for variant $c (null for an unknown one). */
function client(string $c, array $old, array $new): ?object
{
    $mr = ['distribution' => MemRehash::DIST_KETAMA, 'old_distribution' => MemRehash::DIST_KETAMA];
    switch ($c) {
        case 'pecl':
        case 'pecl-p':
            $m = $c === 'pecl' ? new Memcached() : new Memcached('web-bench');
            if (!$m->getServerList()) {
                $m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
                $m->addServers(pairs($new));
            }
            return $m;
        case 'mr':
            return new MemRehash($old, $new, $mr);
        case 'mr-p':
            return new MemRehash($old, $new, $mr + ['persistent' => 'web-bench']);
        case 'dropin':
            return new MemRehash\Memcached($old, $new, $mr);
        case 'dropin-p':
            return new MemRehash\Memcached($old, $new, $mr + ['persistent' => 'web-bench-dropin']);
    }
    return null;
}

$cache = client((string)($_GET['c'] ?? ''), $old, $new);
if ($cache === null) {
    http_response_code(404);
    exit;
}
$misses = 0;
$parts = [];
foreach ($config['keys'] as $i => $key) {
    $v = $cache->get($key);
    if ($v === false) {
        $misses++;
        $v = ['id' => $i, 'title' => "block $i", 'body' => str_repeat("text of block $i ", 8)];
        $cache->set($key, $v, 3600);
    }
    $parts[] = '<h2>' . htmlspecialchars($v['title']) . '</h2><p>' . htmlspecialchars($v['body']) . '</p>';
}
header('X-Misses: ' . $misses);
echo "<!DOCTYPE html><html><body>\n", implode("\n", $parts), "\n</body></html>\n";
