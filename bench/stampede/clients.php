<?php
/*
 * The cache clients a scenario uses, built as an application builds them
 * (per request, not persistent): plain PECL Memcached over one list, or a
 * MemRehash over the old and the new list. Shared by the page and warm.php.
 */

declare(strict_types=1);

/** Returns a PECL Memcached over $servers ("host:port") with $dist placement. */
function stampede_pecl(array $servers, string $dist): Memcached
{
    $m = new Memcached();
    $m->setOption(Memcached::OPT_CONNECT_TIMEOUT, 1000);
    $m->setOption(Memcached::OPT_POLL_TIMEOUT, 1000);
    if ($dist === 'ketama') {
        /* what Laravel's MemcachedConnector users set, and what memrehash's DIST_KETAMA matches */
        $m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
    }
    $list = [];
    foreach ($servers as $s) {
        [$host, $port] = explode(':', $s);
        $list[] = [$host, (int)$port];
    }
    $m->addServers($list);
    return $m;
}

/** Returns a MemRehash moving keys from $old (placed with $old_dist) to $new ($dist), counted as pool $name. */
function stampede_memrehash(array $old, array $new, string $old_dist, string $dist, string $name): MemRehash
{
    $d = ['modula' => MemRehash::DIST_MODULA, 'ketama' => MemRehash::DIST_KETAMA];
    return new MemRehash($old, $new, [
        'name' => $name,
        'distribution' => $d[$dist],
        'old_distribution' => $d[$old_dist],
        'timeout' => 1000,
        'connect_timeout' => 1000,
    ]);
}

/** Returns the server names of a scenario's list of indices. */
function stampede_servers(array $config, array $indices): array
{
    return array_map(static fn(int $i): string => $config['servers'][$i], $indices);
}

/** Returns the pool name memrehash counts a scenario under (the drain uses it too). */
function stampede_pool_name(string $scenario): string
{
    return 'stampede-' . $scenario;
}
