<?php
/*
 * The database side of the benchmark.
 *
 *   php setup.php load CONFIG       creates the schema and the rows (MariaDB's
 *                                   Sequence engine: deterministic, fast), then
 *                                   writes, from bulk queries (not the page's
 *                                   query), every item's value (values.ser, for
 *                                   warm.php) and page text (expected.ser, for
 *                                   load.php's check)
 *   php setup.php checksum CONFIG   prints CHECKSUM TABLE of both tables and
 *                                   their row counts: run before and after the
 *                                   scenarios, they must be equal
 *   php setup.php cost CONFIG       prints the page query's mean time, ms
 */

declare(strict_types=1);

require __DIR__ . '/app/item.php';

const STAMPEDE_CATEGORIES = 37;
const STAMPEDE_REVIEWS_PER_ITEM = 4;

/** Returns a connection to the benchmark's MariaDB (no database chosen when $db is null). */
function db(array $config, ?string $db): mysqli
{
    mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
    return new mysqli(null, 'root', '', $db, 0, $config['db_socket']);
}

/** Creates the schema and fills it. */
function load(array $config): void
{
    $db = db($config, null);
    $name = $config['db_name'];
    $rows = (int)$config['rows'];
    $db->query("DROP DATABASE IF EXISTS `$name`");
    $db->query("CREATE DATABASE `$name`");
    $db->select_db($name);
    $db->query('CREATE TABLE items (id INT PRIMARY KEY, category INT NOT NULL, name VARCHAR(40) NOT NULL,
        price INT NOT NULL, KEY (category)) ENGINE=InnoDB');
    $db->query('CREATE TABLE reviews (id INT PRIMARY KEY, item_id INT NOT NULL, stars TINYINT NOT NULL,
        KEY (item_id)) ENGINE=InnoDB');
    $cat = STAMPEDE_CATEGORIES;
    $db->query("INSERT INTO items SELECT seq, seq % $cat, CONCAT('item-', LPAD(CONV((seq * 2654435761) % 4294967296, 10, 36), 7, '0')),
        (seq * 7919) % 99991 FROM seq_1_to_$rows");
    $reviews = $rows * STAMPEDE_REVIEWS_PER_ITEM;
    $db->query("INSERT INTO reviews SELECT seq, 1 + (seq * 7) % $rows, 1 + (seq * 13) % 5 FROM seq_1_to_$reviews");
    $db->query('ANALYZE TABLE items, reviews');
}

/** Returns every item's value, id => value, computed from bulk queries. */
function bulk_values(array $config): array
{
    $db = db($config, $config['db_name']);
    $items = $db->query('SELECT id, category, name, price FROM items')->fetch_all(MYSQLI_ASSOC);
    $rev = [];
    foreach ($db->query('SELECT item_id, COUNT(*) AS n, SUM(stars) AS s FROM reviews GROUP BY item_id') as $r) {
        $rev[(int)$r['item_id']] = [(int)$r['n'], (int)$r['s']];
    }
    /* rank = how many items of the same category cost strictly more */
    $by_cat = [];
    foreach ($items as $it) {
        $by_cat[(int)$it['category']][] = (int)$it['price'];
    }
    foreach ($by_cat as &$prices) {
        rsort($prices);
    }
    unset($prices);
    $out = [];
    foreach ($items as $it) {
        $prices = $by_cat[(int)$it['category']];
        $p = (int)$it['price'];
        /* binary search: the first index whose price is <= p */
        [$lo, $hi] = [0, count($prices)];
        while ($lo < $hi) {
            $mid = ($lo + $hi) >> 1;
            if ($prices[$mid] > $p) {
                $lo = $mid + 1;
            } else {
                $hi = $mid;
            }
        }
        $id = (int)$it['id'];
        $out[$id] = stampede_item_value(['id' => $id, 'name' => $it['name'], 'price' => $p, 'rank_in_category' => $lo,
            'reviews' => $rev[$id][0] ?? 0, 'stars' => $rev[$id][1] ?? 0]);
    }
    ksort($out);
    return $out;
}

/** Returns "items CHECKSUM COUNT reviews CHECKSUM COUNT". */
function checksum(array $config): string
{
    $db = db($config, $config['db_name']);
    $parts = [];
    foreach (['items', 'reviews'] as $t) {
        $c = $db->query("CHECKSUM TABLE $t EXTENDED")->fetch_assoc()['Checksum'];
        $n = $db->query("SELECT COUNT(*) AS n FROM $t")->fetch_assoc()['n'];
        $parts[] = "$t $c $n";
    }
    return implode(' ', $parts);
}

/** Returns the page query's mean time in ms over $n ids spread over the table. */
function cost(array $config, int $n): float
{
    $db = db($config, $config['db_name']);
    $st = $db->prepare(STAMPEDE_ITEM_SQL);
    $t = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $id = 1 + ($i * 7919) % (int)$config['rows'];
        $st->bind_param('i', $id);
        $st->execute();
        $st->get_result()->fetch_assoc();
    }
    return (hrtime(true) - $t) / 1e6 / $n;
}

[$cmd, $cfg] = [$argv[1] ?? '', $argv[2] ?? ''];
$config = is_file($cfg) ? require $cfg : null;
if (!is_array($config)) {
    fwrite(STDERR, "usage: php setup.php load|checksum|cost CONFIG\n");
    exit(2);
}
switch ($cmd) {
    case 'load':
        load($config);
        $values = bulk_values($config);
        if (count($values) !== (int)$config['rows']) {
            fwrite(STDERR, 'setup: ' . count($values) . " items, expected {$config['rows']}\n");
            exit(1);
        }
        file_put_contents($config['dir'] . '/values.ser', serialize($values));
        file_put_contents($config['dir'] . '/expected.ser', serialize(array_map('stampede_item_text', $values)));
        printf("setup: %d items, %d reviews\n", count($values), count($values) * STAMPEDE_REVIEWS_PER_ITEM);
        break;
    case 'checksum':
        echo checksum($config), "\n";
        break;
    case 'cost':
        printf("%.3f\n", cost($config, 300));
        break;
    default:
        fwrite(STDERR, "usage: php setup.php load|checksum|cost CONFIG\n");
        exit(2);
}
