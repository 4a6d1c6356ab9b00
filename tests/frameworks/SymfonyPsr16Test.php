<?php
/* Debian's php-cache-integration-tests PSR-16 suite, unmodified, through
 * Symfony's Psr16Cache over MemcachedAdapter over the drop-in on the
 * migrating pool (old-list data written first by PECL). Nothing is skipped. */

use Cache\IntegrationTests\SimpleCacheTest;
use Symfony\Component\Cache\Adapter\MemcachedAdapter;
use Symfony\Component\Cache\Psr16Cache;

final class SymfonyPsr16Test extends SimpleCacheTest
{
    public function createSimpleCache()
    {
        return new Psr16Cache(new MemcachedAdapter(FwPool::dropin(), 'psr16'));
    }

    /** @before */
    public function seedOldList(): void
    {
        FwPool::reset();
        $before = new Psr16Cache(new MemcachedAdapter(FwPool::before(), 'psr16'));
        foreach (FwPool::keysThatMove('legacy', 20) as $k) {
            $before->set($k, "old value of $k");
        }
    }
}
