<?php
/*
 * The item a page shows: its database query and the value cached for it.
 * Shared by the page (app/index.php), the warm-up (warm.php) and the load
 * generator's page check (load.php), so all three agree on the format.
 */

declare(strict_types=1);

/* The page's query: the item, its rank by price within its category (a scan
 * of the category's ~1,600 rows through the category index: the cost a page
 * pays on a cache miss) and its reviews. */
const STAMPEDE_ITEM_SQL = <<<'SQL'
SELECT i.id, i.name, i.price,
    (SELECT COUNT(*) FROM items j WHERE j.category = i.category AND j.price > i.price) AS rank_in_category,
    (SELECT COUNT(*) FROM reviews r WHERE r.item_id = i.id) AS reviews,
    (SELECT COALESCE(SUM(r.stars), 0) FROM reviews r WHERE r.item_id = i.id) AS stars
FROM items i WHERE i.id = ?
SQL;

/** Returns the cached value of an item from its query row (ints normalised). */
function stampede_item_value(array $row): array
{
    return [
        'id' => (int)$row['id'],
        'name' => (string)$row['name'],
        'price' => (int)$row['price'],
        'rank' => (int)$row['rank_in_category'],
        'reviews' => (int)$row['reviews'],
        'stars' => (int)$row['stars'],
    ];
}

/** Returns the text a page embeds for an item value (checked by the load generator). */
function stampede_item_text(array $v): string
{
    return sprintf('%d|%s|%d|%d|%d|%d', $v['id'], $v['name'], $v['price'], $v['rank'], $v['reviews'], $v['stars']);
}

/** Returns the item's cache key (Laravel's store adds its prefix). */
function stampede_item_key(int $id): string
{
    return 'item:' . $id;
}
