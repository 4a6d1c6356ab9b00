<?php
/* An unmodified app's cache code for the zerocode suite: it knows one server
 * list and nothing of memrehash.
 *   php app.php PATH MODE SERVERS N
 * PATH: plain | persistent | symfony | laravel; SERVERS: host:port,host:port.
 * MODE write: stores N keys; read: reads them back plus N keys never
 * written (argv[5] per key, default 3), and prints "hits H misses M wrong W" about the
 * N written keys. */
[$_, $path, $mode, $servers, $n] = $argv;
$never = (int) ($argv[5] ?? 3);
$list = array_map(fn ($s) => [explode(':', $s)[0], (int) explode(':', $s)[1]], explode(',', $servers));
$n = (int) $n;

function cache_for(string $path, array $list)
{
    switch ($path) {
        case 'plain':
            $m = new Memcached();
            $m->addServers($list);
            return [fn ($k) => $m->get($k), fn ($k, $v) => $m->set($k, $v)];
        case 'persistent':
            // the usual idiom: a persistent id, servers added once per process
            $get = function ($k) use ($list) {
                $m = new Memcached('zerocode');
                if (!$m->getServerList()) {
                    $m->addServers($list);
                }
                return $m->get($k);
            };
            $set = function ($k, $v) use ($list) {
                $m = new Memcached('zerocode');
                if (!$m->getServerList()) {
                    $m->addServers($list);
                }
                return $m->set($k, $v);
            };
            return [$get, $set];
        case 'symfony':
            require_once '/usr/share/php/Symfony/Component/Cache/autoload.php';
            $client = Symfony\Component\Cache\Adapter\MemcachedAdapter::createConnection(
                array_map(fn ($s) => "memcached://$s[0]:$s[1]", $list));
            $pool = new Symfony\Component\Cache\Adapter\MemcachedAdapter($client, 'zc');
            return [
                function ($k) use ($pool) { $i = $pool->getItem($k); return $i->isHit() ? $i->get() : false; },
                function ($k, $v) use ($pool) { return $pool->save($pool->getItem($k)->set($v)); },
            ];
        case 'laravel':
            foreach (['Illuminate/Cache', 'Illuminate/Container', 'Illuminate/Config'] as $a) {
                require_once "/usr/share/php/$a/autoload.php";
            }
            $app = new Illuminate\Container\Container();
            $app->instance('config', new Illuminate\Config\Repository(['cache' => [
                'default' => 'memcached', 'prefix' => 'laravel_cache:',
                'stores' => ['memcached' => ['driver' => 'memcached',
                    'servers' => array_map(fn ($s) => ['host' => $s[0], 'port' => $s[1], 'weight' => 100], $list)]],
            ]]));
            $app->instance('memcached.connector', new Illuminate\Cache\MemcachedConnector());
            $store = (new Illuminate\Cache\CacheManager($app))->store();
            return [
                function ($k) use ($store) { $v = $store->get($k); return $v === null ? false : $v; },
                function ($k, $v) use ($store) { return $store->put($k, $v, 3600); },
            ];
    }
    fwrite(STDERR, "unknown path $path\n");
    exit(2);
}

[$get, $set] = cache_for($path, $list);
if ($mode === 'write') {
    $ok = 0;
    for ($i = 0; $i < $n; $i++) {
        $ok += $set("zc-$path-$i", "value $i of $path") ? 1 : 0;
    }
    echo "stored $ok\n";
    exit($ok === $n ? 0 : 1);
}
$hits = $misses = $wrong = 0;
for ($i = 0; $i < $n; $i++) {
    $v = $get("zc-$path-$i");
    if ($v === "value $i of $path") {
        $hits++;
    } elseif ($v === false) {
        $misses++;
    } else {
        $wrong++;
    }
    for ($j = 0; $j < $never; $j++) {
        // misses: old lookups that find nothing, which the cut-over counts
        $get("zc-$path-never-$i-$j-" . getmypid());
    }
}
echo "hits $hits misses $misses wrong $wrong\n";
