<?php
// Construction cost, per request as a site pays it: `new` + the first get
// (a hit), MemRehash against PECL Memcached (new + setOption + addServers +
// get), for 3 live servers and for 1,000 servers (3 live, the rest closed
// ports on 127.0.0.1: nothing connects to a server a request does not touch).
// Rounds interleave the two clients; each figure is the median of the rounds'
// per-iteration means, in microseconds. The last two columns time the
// construction alone (no request: nothing connects).
//
// php -d extension=modules/memrehash.so bench/construct.php PORT,PORT,PORT [rounds] [iters]
declare(strict_types=1);

$ports = array_map('intval', explode(',', $argv[1] ?? '22091,22092,22093'));
$rounds = (int) ($argv[2] ?? 7);
$iters = (int) ($argv[3] ?? 300);

/** Returns a list of $n server specs: the live ones first, then closed ports. */
function servers(array $ports, int $n): array
{
    $list = [];
    foreach (array_slice($ports, 0, 3) as $p) {
        $list[] = ['127.0.0.1', $p];
    }
    for ($i = count($list); $i < $n; $i++) {
        $list[] = ['127.0.0.1', 40000 + $i];   // nothing listens there
    }
    return $list;
}

/** Returns a key whose server (by PECL's ketama) is one of the live ones. */
function live_key(array $list): string
{
    $m = pecl($list);
    for ($i = 0;; $i++) {
        $k = "construct:$i";
        if ($m->getServerByKey($k)['port'] < 40000) {
            $m->set($k, str_repeat('v', 100));
            return $k;
        }
    }
}

/** Returns a PECL client as a site builds one per request. */
function pecl(array $list): Memcached
{
    $m = new Memcached();
    if (count($list) <= 100) {
        $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
        $m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
    }
    $m->addServers($list);
    return $m;
}

function mr_opts(array $list): array
{
    return count($list) <= 100 ? ['distribution' => MemRehash::DIST_KETAMA] : [];
}

function mr_round(array $list, string $key, int $iters): float
{
    $specs = array_map(fn($s) => "$s[0]:$s[1]", $list);
    $opts = mr_opts($list);
    $t = hrtime(true);
    for ($i = 0; $i < $iters; $i++) {
        $m = new MemRehash($specs, $specs, $opts);
        if ($m->get($key) === false) {
            throw new RuntimeException("MemRehash missed $key");
        }
        unset($m);
    }
    return (hrtime(true) - $t) / 1e3 / $iters;
}

/** Returns microseconds per `new MemRehash` alone (no request sent). */
function mr_new_round(array $list, int $iters): float
{
    $specs = array_map(fn($s) => "$s[0]:$s[1]", $list);
    $opts = mr_opts($list);
    $t = hrtime(true);
    for ($i = 0; $i < $iters; $i++) {
        $m = new MemRehash($specs, $specs, $opts);
        unset($m);
    }
    return (hrtime(true) - $t) / 1e3 / $iters;
}

/** Returns microseconds per PECL construction alone (new, setOption, addServers). */
function pecl_new_round(array $list, int $iters): float
{
    $t = hrtime(true);
    for ($i = 0; $i < $iters; $i++) {
        $m = pecl($list);
        unset($m);
    }
    return (hrtime(true) - $t) / 1e3 / $iters;
}

function pecl_round(array $list, string $key, int $iters): float
{
    $t = hrtime(true);
    for ($i = 0; $i < $iters; $i++) {
        $m = pecl($list);
        if ($m->get($key) === false) {
            throw new RuntimeException("Memcached missed $key");
        }
        unset($m);
    }
    return (hrtime(true) - $t) / 1e3 / $iters;
}

function median(array $a): float
{
    sort($a);
    $n = count($a);
    return $n % 2 ? $a[intdiv($n, 2)] : ($a[$n / 2 - 1] + $a[$n / 2]) / 2;
}

printf("%-14s %14s %14s %7s %16s %12s %12s\n", 'servers', 'memrehash us', 'pecl us', 'ratio', 'memrehash first', 'mr new us', 'pecl new us');
foreach ([3, 10, 100, 1000] as $n) {
    $list = servers($ports, $n);
    $key = live_key($list);
    $specs = array_map(fn($s) => "$s[0]:$s[1]", $list);
    // the first object in the process with this configuration, alone
    $t = hrtime(true);
    try {
        $first = new MemRehash($specs, $specs, mr_opts($list));
    } catch (MemRehashException $e) {
        printf("%-14s refused: %s\n", $n, $e->getMessage());   // a build from before big pools
        continue;
    }
    $first->get($key);
    $first_us = (hrtime(true) - $t) / 1e3;
    unset($first);
    $it = $n >= 1000 ? max(10, intdiv($iters, 10)) : $iters;
    $a = $b = $an = $bn = [];
    for ($r = 0; $r < $rounds; $r++) {
        $a[] = mr_round($list, $key, $it);
        $b[] = pecl_round($list, $key, $it);
        $an[] = mr_new_round($list, $it);
        $bn[] = pecl_new_round($list, $it);
    }
    printf("%-14s %14.1f %14.1f %6.2fx %16.1f %12.1f %12.1f\n", $n . ($n <= 100 ? ' ketama' : ' modula'), median($a), median($b),
        median($a) / median($b), $first_us, median($an), median($bn));
}
