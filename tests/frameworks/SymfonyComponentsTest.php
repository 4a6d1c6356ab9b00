<?php
/* Symfony components (Debian 5.4 packages, unmodified) over the drop-in on
 * the migrating pool, the app's data first written by the same component
 * over plain PECL on the old list: the cache adapter as Symfony's own
 * createConnection() configures its client (binary protocol, ketama), the
 * session handler and the Lock store. */

use PHPUnit\Framework\TestCase;
use Symfony\Component\Cache\Adapter\MemcachedAdapter;
use Symfony\Component\HttpFoundation\Session\Storage\Handler\MemcachedSessionHandler;
use Symfony\Component\Lock\Key;
use Symfony\Component\Lock\LockFactory;
use Symfony\Component\Lock\Store\MemcachedStore;

final class SymfonyComponentsTest extends TestCase
{
    protected function setUp(): void
    {
        FwPool::reset();
    }

    /** Returns Symfony's own client over $servers (createConnection). */
    private static function connection(array $servers): Memcached
    {
        return MemcachedAdapter::createConnection(array_map(fn($s) => "memcached://$s", $servers));
    }

    public function testAdapterOverCreateConnectionReadsTheOldData(): void
    {
        $before = new MemcachedAdapter(self::connection(FwPool::old()), 'app');
        $keys = [];
        for ($i = 0; $i < 60; $i++) {
            $keys[] = "item$i";
            $before->save($before->getItem("item$i")->set(['n' => $i])->expiresAfter(3600));
        }
        $pool = new MemcachedAdapter(FwPool::wrap(self::connection(FwPool::new())), 'app');
        foreach ($pool->getItems($keys) as $k => $item) {
            $this->assertTrue($item->isHit(), "$k read through the drop-in");
            $this->assertSame(['n' => (int)substr($k, 4)], $item->get());
        }
        // Symfony's own PECL client over the new list now finds every item.
        $after = new MemcachedAdapter(self::connection(FwPool::new()), 'app');
        foreach ($after->getItems($keys) as $k => $item) {
            $this->assertTrue($item->isHit(), "$k at its new home");
        }
        $this->assertTrue($pool->deleteItem('item0'));
        $this->assertFalse($before->getItem('item0')->isHit(), 'a delete reaches the old list too');
        // With a namespace Symfony clears by bumping the namespace's version
        // key, not by flushing: what matters is that no reader of the moving
        // pool sees an item any more.
        $this->assertTrue($pool->clear());
        $fresh = new MemcachedAdapter(FwPool::wrap(self::connection(FwPool::new())), 'app');
        foreach (['item1', 'item30', 'item59'] as $k) {
            $this->assertFalse($pool->getItem($k)->isHit(), "$k cleared");
            $this->assertFalse($fresh->getItem($k)->isHit(), "$k cleared for a new reader too");
        }
    }

    public function testSessionHandler(): void
    {
        $opts = ['prefix' => 'sf_s', 'expiretime' => 3600];
        $ids = array_map(fn($k) => substr($k, 4), FwPool::keysThatMove('sf_ssess', 8));
        $before = new MemcachedSessionHandler(FwPool::before(), $opts);
        foreach ($ids as $id) {
            $this->assertTrue($before->write($id, "data of $id"));
        }
        $h = new MemcachedSessionHandler(FwPool::dropin(), $opts);
        foreach ($ids as $id) {
            $this->assertTrue($h->open('', 'PHPSESSID'));
            $this->assertTrue($h->validateId($id));
            $this->assertSame("data of $id", $h->read($id), "session $id written before the move");
            $this->assertTrue($h->updateTimestamp($id, "data of $id"));
            $this->assertTrue($h->write($id, "new data of $id"));
            $this->assertTrue($h->close());
        }
        $after = new MemcachedSessionHandler(FwPool::after(), $opts);
        foreach ($ids as $id) {
            $this->assertSame("new data of $id", $after->read($id), "session $id at its new home");
        }
        $this->assertFalse($h->validateId('never-written'));
        $this->assertNotFalse($h->gc(3600));
        foreach ($ids as $id) {
            $this->assertTrue($h->destroy($id));
            $this->assertSame('', $after->read($id));
            $this->assertSame('', (new MemcachedSessionHandler(FwPool::before(), $opts))->read($id), "session $id gone under the old list");
        }
        $this->assertTrue($h->destroy('never-written'), 'destroying a missing session succeeds (RES_NOTFOUND)');
    }

    public function testLockStore(): void
    {
        $factory = new LockFactory(new MemcachedStore(FwPool::dropin()));
        $other = new LockFactory(new MemcachedStore(FwPool::dropin()));
        $lock = $factory->createLock('invoice', 30);
        $this->assertTrue($lock->acquire());
        $this->assertTrue($lock->isAcquired());
        $this->assertFalse($other->createLock('invoice', 30)->acquire(), 'another owner is refused');
        $lock->refresh(60);
        $this->assertTrue($lock->isAcquired());
        $this->assertGreaterThan(30, $lock->getRemainingLifetime());
        $lock->release();
        $this->assertFalse($lock->isAcquired());
        $this->assertTrue($other->createLock('invoice', 30)->acquire(), 'free again after release');

        // Locks taken before the move (PECL on the old list) still exclude,
        // and their owner, once on the moving pool too, releases them. (An
        // owner still on plain PECL over the old list could not: a refused
        // acquire reads the lock, which moves it to its new home.)
        $peclStore = new MemcachedStore(FwPool::before());
        $store = new MemcachedStore(FwPool::dropin());
        foreach (FwPool::keysThatMove('resource', 4) as $name) {
            $held = new Key($name);
            $peclStore->save($held);
            $this->assertFalse($factory->createLock($name, 30)->acquire(), "$name is held under the old list");
            $this->assertTrue($store->exists($held), "its owner still holds $name");
            $store->delete($held);
            $this->assertTrue($factory->createLock($name, 30)->acquire(), "$name free once its owner released it");
        }
    }
}
