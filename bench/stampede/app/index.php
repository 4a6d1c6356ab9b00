<?php
/*
 * The benchmark's web page: /item?id=N shows item N, read cache-aside
 * through Laravel's cache Repository::remember (Debian php-illuminate-cache)
 * over a Memcached store; a miss runs the item's query on MariaDB and caches
 * the result for an hour.
 *
 * The client behind the store depends on the phase file (one line, written
 * by load.php, read on every request): "SCENARIO before" is plain PECL over
 * the scenario's old list; "SCENARIO after" is the scenario's client over
 * the new list (scenarios.php). The response says where the value came from
 * (X-Source: cache or db) and embeds the item's text in <p id="v">.
 */

declare(strict_types=1);

require_once 'Illuminate/Cache/autoload.php';
require_once __DIR__ . '/item.php';
require_once __DIR__ . '/../clients.php';

use Illuminate\Cache\MemcachedStore;
use Illuminate\Cache\Repository;

/** Ends the request with a plain-text error. */
function fail(int $status, string $why): never
{
    http_response_code($status);
    header('Content-Type: text/plain');
    echo $why, "\n";
    exit;
}

/** Returns the cache client of the current phase. */
function phase_client(array $config, array $scenarios): object
{
    $phase = explode(' ', trim((string)@file_get_contents($config['phase_file'])));
    $sc = $scenarios[$phase[0]] ?? null;
    if ($sc === null || count($phase) !== 2) {
        fail(500, 'bad phase file');
    }
    $old = stampede_servers($config, $sc['old']);
    if ($phase[1] === 'before') {
        return stampede_pecl($old, $sc['old_dist']);
    }
    $new = stampede_servers($config, $sc['new']);
    return $sc['client'] === 'mr'
        ? stampede_memrehash($old, $new, $sc['old_dist'], $sc['dist'], stampede_pool_name($phase[0]))
        : stampede_pecl($new, $sc['dist']);
}

/** Returns the item's row from the database (a new connection: only misses pay it). */
function load_item(array $config, int $id): array
{
    $db = new mysqli(null, 'root', '', $config['db_name'], 0, $config['db_socket']);
    $st = $db->prepare(STAMPEDE_ITEM_SQL);
    $st->bind_param('i', $id);
    $st->execute();
    $row = $st->get_result()->fetch_assoc();
    $db->close();
    if (!$row) {
        fail(404, 'no such item');
    }
    return stampede_item_value($row);
}

$config = require getenv('STAMPEDE_CONFIG') ?: ($_SERVER['STAMPEDE_CONFIG'] ?? '');
$scenarios = require __DIR__ . '/../scenarios.php';
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

$id = filter_var($_GET['id'] ?? '', FILTER_VALIDATE_INT, ['options' => ['min_range' => 1, 'max_range' => $config['rows']]]);
if ($id === false) {
    fail(404, 'no such item');
}
/* MemcachedStore takes its client untyped: a MemRehash goes in as it is */
$cache = new Repository(new MemcachedStore(phase_client($config, $scenarios), 'app'));
$source = 'cache';
$item = $cache->remember(stampede_item_key($id), 3600, static function () use ($config, $id, &$source): array {
    $source = 'db';
    return load_item($config, $id);
});

header('Content-Type: text/html; charset=utf-8');
header('X-Source: ' . $source);
echo '<!DOCTYPE html><html><head><title>item ', (int)$item['id'], '</title></head><body><h1>',
    htmlspecialchars($item['name']), '</h1><p>price ', (int)$item['price'], ', rank ', (int)$item['rank'] + 1,
    ' in its category, ', (int)$item['reviews'], ' reviews</p><p id="v">',
    htmlspecialchars(stampede_item_text($item)), "</p></body></html>\n";
