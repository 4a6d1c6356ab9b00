<?php
/* Debian's php-cache-integration-tests PSR-6 suite, unmodified, through
 * Symfony's own MemcachedAdapter over the drop-in on the migrating pool
 * (old-list data written first by PECL, see setUp). Nothing is skipped. */

use Cache\IntegrationTests\CachePoolTest;
use Symfony\Component\Cache\Adapter\MemcachedAdapter;

final class SymfonyPsr6Test extends CachePoolTest
{
    public function createCachePool()
    {
        return new MemcachedAdapter(FwPool::dropin(), 'psr6');
    }

    /** @before */
    public function seedOldList(): void
    {
        FwPool::reset();
        // The app's data before the move, written by plain PECL over the old
        // list, among them items of this very namespace the suite never names.
        $before = new MemcachedAdapter(FwPool::before(), 'psr6');
        foreach (FwPool::keysThatMove('legacy', 20) as $k) {
            $before->save($before->getItem($k)->set("old value of $k"));
        }
    }
}
