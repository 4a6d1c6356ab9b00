<?php
/*
 * The scenarios, in the order they run. Each starts from the same warm
 * state: the three servers flushed, then the hottest keys written through
 * PECL Memcached over the scenario's OLD list (warm.php). Before the switch
 * every scenario serves through plain PECL over the old list (what the site
 * ran until then); at the switch second it changes to its `client`:
 *   pecl  plain PECL Memcached over the new list (what people do today)
 *   mr    MemRehash(old, new): a get that misses at the new place looks at
 *         the old one and moves the key
 * `drain` names the old server (index) that bin/memrehash drain empties in
 * the background from the switch on, rate-limited. `group` puts scenarios
 * on one chart; 'none' is the control run (no change) whose database
 * queries are the baseline every other scenario is compared with.
 *
 * Servers are indices into the config's three memcached servers.
 */

declare(strict_types=1);

return [
    'none' => ['group' => 'control', 'label' => 'no change (control)', 'client' => 'pecl',
        'old' => [0, 1, 2], 'new' => [0, 1, 2], 'old_dist' => 'ketama', 'dist' => 'ketama', 'drain' => null],
    '3to2-modula-pecl' => ['group' => '3to2', 'label' => 'PECL, modula', 'client' => 'pecl',
        'old' => [0, 1, 2], 'new' => [0, 1], 'old_dist' => 'modula', 'dist' => 'modula', 'drain' => null],
    '3to2-ketama-pecl' => ['group' => '3to2', 'label' => 'PECL, ketama', 'client' => 'pecl',
        'old' => [0, 1, 2], 'new' => [0, 1], 'old_dist' => 'ketama', 'dist' => 'ketama', 'drain' => null],
    '3to2-modula-mr' => ['group' => '3to2', 'label' => 'memrehash, modula', 'client' => 'mr',
        'old' => [0, 1, 2], 'new' => [0, 1], 'old_dist' => 'modula', 'dist' => 'modula', 'drain' => null],
    '3to2-ketama-mr' => ['group' => '3to2', 'label' => 'memrehash, ketama', 'client' => 'mr',
        'old' => [0, 1, 2], 'new' => [0, 1], 'old_dist' => 'ketama', 'dist' => 'ketama', 'drain' => null],
    '3to2-ketama-mr-drain' => ['group' => '3to2', 'label' => 'memrehash + drain, ketama', 'client' => 'mr',
        'old' => [0, 1, 2], 'new' => [0, 1], 'old_dist' => 'ketama', 'dist' => 'ketama', 'drain' => 2],
    '2to3-ketama-pecl' => ['group' => '2to3', 'label' => 'PECL, ketama', 'client' => 'pecl',
        'old' => [0, 1], 'new' => [0, 1, 2], 'old_dist' => 'ketama', 'dist' => 'ketama', 'drain' => null],
    '2to3-ketama-mr' => ['group' => '2to3', 'label' => 'memrehash, ketama', 'client' => 'mr',
        'old' => [0, 1], 'new' => [0, 1, 2], 'old_dist' => 'ketama', 'dist' => 'ketama', 'drain' => null],
    'mod2ket-pecl' => ['group' => 'mod2ket', 'label' => 'PECL', 'client' => 'pecl',
        'old' => [0, 1, 2], 'new' => [0, 1, 2], 'old_dist' => 'modula', 'dist' => 'ketama', 'drain' => null],
    'mod2ket-mr' => ['group' => 'mod2ket', 'label' => 'memrehash', 'client' => 'mr',
        'old' => [0, 1, 2], 'new' => [0, 1, 2], 'old_dist' => 'modula', 'dist' => 'ketama', 'drain' => null],
];
