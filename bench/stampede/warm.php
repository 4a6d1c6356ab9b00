<?php
/*
 * php warm.php CONFIG SCENARIO: the warm state every scenario starts from.
 * Flushes the three memcached servers, then writes items 1..warm (the
 * hottest; the rest of the rows start uncached) through Laravel's store over
 * plain PECL Memcached on the scenario's OLD list, as the site would have
 * cached them, and reads them all back to check. Prints one line; exits 1
 * when a key is missing.
 */

declare(strict_types=1);

require_once 'Illuminate/Cache/autoload.php';
require __DIR__ . '/app/item.php';
require __DIR__ . '/clients.php';

use Illuminate\Cache\MemcachedStore;
use Illuminate\Cache\Repository;

$config = require $argv[1];
$scenarios = require __DIR__ . '/scenarios.php';
$sc = $scenarios[$argv[2] ?? ''] ?? null;
if ($sc === null) {
    fwrite(STDERR, "usage: php warm.php CONFIG SCENARIO\n");
    exit(2);
}

$all = stampede_pecl($config['servers'], 'modula');
if (!$all->flush()) {
    fwrite(STDERR, 'warm: flush failed: ' . $all->getResultMessage() . "\n");
    exit(1);
}
/* flush_all invalidates items up to the current second: write after it */
usleep(1100000);

$values = unserialize(file_get_contents($config['dir'] . '/values.ser'));
$old = stampede_pecl(stampede_servers($config, $sc['old']), $sc['old_dist']);
$repo = new Repository(new MemcachedStore($old, 'app'));
$warm = (int)$config['warm'];
$chunk = [];
for ($id = 1; $id <= $warm; $id++) {
    $chunk[stampede_item_key($id)] = $values[$id];
    if (count($chunk) === 1000 || $id === $warm) {
        if (!$repo->putMany($chunk, 3600)) {
            fwrite(STDERR, 'warm: putMany failed: ' . $old->getResultMessage() . "\n");
            exit(1);
        }
        $chunk = [];
    }
}

/* read back through plain PECL (Laravel's store prefixes "app:"): every key present, per server counts */
$found = 0;
$per = [];
for ($id = 1; $id <= $warm; $id += 1000) {
    $keys = [];
    for ($i = $id; $i < min($id + 1000, $warm + 1); $i++) {
        $keys[] = 'app:' . stampede_item_key($i);
    }
    $got = $old->getMulti($keys) ?: [];
    foreach ($got as $k => $v) {
        if ($v === $values[(int)substr($k, 9)]) {
            $found++;
            $per[$old->getServerByKey($k)['port']] = ($per[$old->getServerByKey($k)['port']] ?? 0) + 1;
        }
    }
}
ksort($per);
$spread = implode(', ', array_map(static fn($p, $n) => "$p: $n", array_keys($per), $per));
echo "warm: $found of $warm keys over {$sc['old_dist']} [" . $spread . "]\n";
exit($found === $warm ? 0 : 1);
