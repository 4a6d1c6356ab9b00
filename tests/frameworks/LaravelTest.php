<?php
/* Laravel's cache (Debian php-illuminate-cache 8.83, unmodified): Repository
 * + MemcachedStore + MemcachedLock over the drop-in AND over the MemRehash
 * class, on the migrating pool, with the app's data first written by the
 * same Repository over plain PECL on the old list. Where a key lives
 * afterwards is checked with plain PECL over the new list. */

use Illuminate\Cache\MemcachedStore;
use Illuminate\Cache\Repository;
use Illuminate\Contracts\Cache\LockTimeoutException;
use PHPUnit\Framework\TestCase;

final class LaravelTest extends TestCase
{
    private const PREFIX = 'laravel_cache:';

    protected function setUp(): void
    {
        FwPool::reset();
    }

    /** The two clients every test runs over. */
    public function clients(): array
    {
        return [
            'MemRehash\Memcached' => ['dropin'],
            'MemRehash' => ['memrehash'],
        ];
    }

    /** Returns a Repository over the client named $which. */
    private function repo(string $which): Repository
    {
        $client = $which === 'dropin' ? FwPool::dropin() : FwPool::memrehash();
        return new Repository(new MemcachedStore($client, self::PREFIX));
    }

    /** Returns the same Repository over plain PECL on $servers. */
    private function pecl(array $servers): Repository
    {
        return new Repository(new MemcachedStore(FwPool::pecl($servers), self::PREFIX));
    }

    /** Writes $items as the app did before the move; returns them. */
    private function seed(array $items): array
    {
        $this->pecl(FwPool::old())->putMany($items, 3600);
        return $items;
    }

    /** Returns items whose keys include one on the retiring server. */
    private function legacyItems(string $prefix, int $n = 12): array
    {
        $items = [];
        foreach (FwPool::keysThatMove(self::PREFIX . $prefix, $n) as $k) {
            $short = substr($k, strlen(self::PREFIX));
            $items[$short] = ['id' => $short, 'list' => [1, 2, 3]];
        }
        return $items;
    }

    /** Asserts every key of $items lives at its new home with its value. */
    private function assertAtNewHome(array $items): void
    {
        $after = $this->pecl(FwPool::new());
        foreach ($items as $k => $v) {
            $this->assertEquals($v, $after->get($k), "$k at its new home (PECL over the new list)");
        }
    }

    /** @dataProvider clients */
    public function testGetReadsAndMovesTheOldData(string $which): void
    {
        $items = $this->seed($this->legacyItems('get'));
        $repo = $this->repo($which);
        foreach ($items as $k => $v) {
            $this->assertEquals($v, $repo->get($k));
            $this->assertTrue($repo->has($k));
        }
        $this->assertNull($repo->get('never-written'));
        $this->assertSame('dflt', $repo->get('never-written', 'dflt'));
        $this->assertAtNewHome($items);
    }

    /** @dataProvider clients */
    public function testMany(string $which): void
    {
        $items = $this->seed($this->legacyItems('many'));
        $keys = array_keys($items);
        $keys[] = 'missing-1';
        $got = $this->repo($which)->many($keys);
        $this->assertSame($keys, array_keys($got), 'one entry per key, in order');
        foreach ($items as $k => $v) {
            $this->assertEquals($v, $got[$k]);
        }
        $this->assertNull($got['missing-1']);
        $this->assertEquals(['missing-2' => 'dflt'], $this->repo($which)->many(['missing-2' => 'dflt']));
    }

    /** @dataProvider clients */
    public function testPutAndPutMany(string $which): void
    {
        $old = $this->seed($this->legacyItems('put'));
        $repo = $this->repo($which);
        $new = [];
        foreach (array_keys($old) as $k) {
            $new[$k] = "new value of $k";
        }
        $first = array_key_first($new);
        $this->assertTrue($repo->put($first, $new[$first], 600));
        $this->assertTrue($repo->putMany(array_slice($new, 1, null, true), 600));
        $this->assertTrue($repo->forever('forever-key', 'for ever'));
        foreach ($new as $k => $v) {
            $this->assertSame($v, $repo->get($k));
        }
        $this->assertSame('for ever', $repo->get('forever-key'));
        $this->assertAtNewHome($new + ['forever-key' => 'for ever']);
        // nothing stale left behind at the old place of a moved key
        $before = $this->pecl(FwPool::old());
        foreach ($new as $k => $v) {
            $this->assertContains($before->get($k), [null, $v], "$k under the old list");
        }
    }

    /** @dataProvider clients */
    public function testAdd(string $which): void
    {
        $items = $this->seed($this->legacyItems('add'));
        $repo = $this->repo($which);
        foreach ($items as $k => $v) {
            $this->assertFalse($repo->add($k, 'other', 600), "add of $k, which exists (maybe only under the old list)");
            $this->assertEquals($v, $repo->get($k));
        }
        $this->assertTrue($repo->add('fresh', 'value', 600));
        $this->assertFalse($repo->add('fresh', 'again', 600));
        $this->assertSame('value', $repo->get('fresh'));
    }

    /** @dataProvider clients */
    public function testIncrementAndDecrement(string $which): void
    {
        $keys = array_map(fn($k) => substr($k, strlen(self::PREFIX)), FwPool::keysThatMove(self::PREFIX . 'counter', 6));
        $this->seed(array_fill_keys($keys, 10));
        $repo = $this->repo($which);
        foreach ($keys as $k) {
            $this->assertSame(11, $repo->increment($k));
            $this->assertSame(16, $repo->increment($k, 5));
            $this->assertSame(14, $repo->decrement($k, 2));
            $this->assertEquals(14, $repo->get($k));
        }
        $this->assertAtNewHome(array_fill_keys($keys, 14));
        $this->assertFalse($repo->increment('no-such-counter'));
    }

    /** @dataProvider clients */
    public function testRemember(string $which): void
    {
        $items = $this->seed($this->legacyItems('remember', 4));
        $repo = $this->repo($which);
        $calls = 0;
        foreach ($items as $k => $v) {
            $this->assertEquals($v, $repo->remember($k, 600, function () use (&$calls) {
                $calls++;
                return 'computed';
            }));
        }
        $this->assertSame(0, $calls, 'old data is found, nothing recomputed');
        $this->assertSame('computed', $repo->remember('not-there', 600, function () use (&$calls) {
            $calls++;
            return 'computed';
        }));
        $this->assertSame('computed', $repo->rememberForever('not-there', fn() => 'again'));
        $this->assertSame(1, $calls);
        $this->assertSame('pulled', $repo->pull('pull-me', 'pulled'));
    }

    /** @dataProvider clients */
    public function testForget(string $which): void
    {
        $items = $this->seed($this->legacyItems('forget'));
        $repo = $this->repo($which);
        foreach (array_keys($items) as $k) {
            $this->assertTrue($repo->forget($k));
            $this->assertNull($repo->get($k));
        }
        $before = $this->pecl(FwPool::old());
        $after = $this->pecl(FwPool::new());
        foreach (array_keys($items) as $k) {
            $this->assertNull($before->get($k), "$k gone under the old list");
            $this->assertNull($after->get($k), "$k gone under the new list");
        }
    }

    /** @dataProvider clients */
    public function testFlush(string $which): void
    {
        $items = $this->seed($this->legacyItems('flush'));
        $repo = $this->repo($which);
        $repo->put('written-after', 1, 600);
        $this->assertTrue($repo->flush());
        foreach (array_keys($items) + ['written-after'] as $k) {
            $this->assertNull($repo->get($k));
        }
        foreach ([FwPool::old(), FwPool::new()] as $list) {
            foreach (array_keys($items) as $k) {
                $this->assertNull($this->pecl($list)->get($k), "$k flushed everywhere");
            }
        }
    }

    /** @dataProvider clients */
    public function testLocks(string $which): void
    {
        $repo = $this->repo($which);
        $store = $repo->getStore();
        $lock = $store->lock('report', 10);
        $this->assertTrue($lock->get());
        $this->assertFalse($store->lock('report', 10)->get(), 'held: a second owner waits');
        $this->assertSame($lock->owner(), $store->lock('report', 10, $lock->owner())->owner());
        $this->assertSame('ran', $store->lock('other', 10)->get(fn() => 'ran'));
        $this->assertTrue($lock->release());
        $this->assertTrue($store->lock('report', 10)->get());
        $store->lock('report')->forceRelease();
        $this->assertTrue($store->lock('report', 10)->get());
        // A lock taken before the move, by PECL on the old list, still holds.
        $held = FwPool::keysThatMove(self::PREFIX . 'lock', 3);
        $peclStore = new MemcachedStore(FwPool::pecl(FwPool::old()), self::PREFIX);
        foreach ($held as $k) {
            $name = substr($k, strlen(self::PREFIX));
            $this->assertTrue($peclStore->lock($name, 30)->get());
            $this->assertFalse($store->lock($name, 30)->get(), "$name held under the old list");
        }
        $this->expectException(LockTimeoutException::class);
        $store->lock(substr($held[0], strlen(self::PREFIX)), 30)->block(1);
    }
}
