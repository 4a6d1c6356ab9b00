<?php
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../tools/gate_proxy.php';

/**
 * The move's safety rules, each raced in one fixed order (no timing): a gate
 * (tests/tools/gate_proxy.php) in front of one server holds the move's next
 * request while a hook plays the other process, then lets it through. What
 * happened is judged by reading both servers with PECL Memcached.
 *
 * One server per list, so every key moves (old O = one server, new N = the
 * other) whatever the gate's address does to placement.
 */
final class RaceOrderTest extends TestCase
{
    private array $gates = [];

    protected function setUp(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl extension not loaded');
        }
        mr_flush_all();
    }

    protected function tearDown(): void
    {
        foreach ($this->gates as $g) {
            gate_stop($g);
        }
        $this->gates = [];
    }

    private function gate(string $upstream, array $hooks): string
    {
        $g = gate_start($upstream, $hooks);
        $this->gates[] = $g;
        return $g['addr'];
    }

    private static function pool(string $old, string $new, array $opts = []): MemRehash
    {
        /* a long timeout: the gate's hook runs while the move waits */
        return new MemRehash([$old], [$new], $opts + ['timeout' => 10000, 'complete_below' => 0.0,
            'retry_interval' => 0, 'name' => 'race-order-' . getmypid() . '-' . mt_rand()]);
    }

    /** A write at N between the miss at N and the move's add: the add must not overwrite it. */
    public function testMoveAddsAtNewAndNeverOverwritesAFresherWrite(): void
    {
        [$o, $n] = mr_servers(2);
        mr_peer([$o])->set('race-add', 'old-value');
        $gate = $this->gate($n, ['/^ms race-add /m' => function () use ($n) {
            echo mr_peer([$n])->set('race-add', 'fresh-value') ? "writer stored at N\n" : "writer failed\n";
        }]);
        $got = self::pool($o, $gate)->get('race-add');
        $this->assertSame('fresh-value', $got, 'the get returns what N holds, not the moved copy');
        $this->assertSame('fresh-value', mr_peer([$n])->get('race-add'), 'N keeps the fresher write');
    }

    /**
     * O changed between the move's read and its delete at O: the CAS-checked
     * delete must leave O's new value, and the copy at N must be taken back.
     */
    public function testDeleteAtOldIsCasCheckedAndTheCopyAtNewIsTakenBack(): void
    {
        [$o, $n] = mr_servers(2);
        mr_peer([$o])->set('race-cas', 'v1');
        $gate = $this->gate($o, ['/^md race-cas /m' => function () use ($o) {
            echo mr_peer([$o])->set('race-cas', 'v2') ? "writer stored v2 at O\n" : "writer failed\n";
        }]);
        $pool = self::pool($gate, $n);
        $first = $pool->get('race-cas');
        $this->assertContains($first, [false, 'v1'], 'the first get returns the value it read, or a miss');
        $this->assertSame('v2', mr_peer([$o])->get('race-cas'), 'O keeps the write made during the move');
        $this->assertFalse(mr_peer([$n])->get('race-cas'), 'the stale copy at N was taken back');
        $this->assertSame('v2', $pool->get('race-cas'), 'the next get moves the new value');
        $this->assertSame('v2', mr_peer([$n])->get('race-cas'));
        $this->assertFalse(mr_peer([$o])->get('race-cas'));
    }

    /** The same race with the ordered move (ordered_move): the delete at O goes once the add is answered. */
    public function testOrderedDeleteAtOldIsCasCheckedToo(): void
    {
        [$o, $n] = mr_servers(2);
        mr_peer([$o])->set('race-cas-o', 'v1');
        $gate = $this->gate($o, ['/^md race-cas-o /m' => function () use ($o) {
            echo mr_peer([$o])->set('race-cas-o', 'v2') ? "writer stored v2 at O\n" : "writer failed\n";
        }]);
        $pool = self::pool($gate, $n, ['ordered_move' => true]);
        $this->assertContains($pool->get('race-cas-o'), [false, 'v1']);
        $this->assertSame("writer stored v2 at O\n", gate_stop(array_pop($this->gates)));
        $this->assertSame('v2', mr_peer([$o])->get('race-cas-o'), 'O keeps the write made during the move');
        $this->assertFalse(mr_peer([$n])->get('race-cas-o'), 'the stale copy at N was taken back');
    }

    /** The same race with deferred_delete: the delete's reply is read later, with the same outcome. */
    public function testDeferredDeleteAtOldIsCasCheckedToo(): void
    {
        [$o, $n] = mr_servers(2);
        mr_peer([$o])->set('race-cas-d', 'v1');
        $gate = $this->gate($o, ['/^md race-cas-d /m' => function () use ($o) {
            echo mr_peer([$o])->set('race-cas-d', 'v2') ? "writer stored v2 at O\n" : "writer failed\n";
        }]);
        $pool = self::pool($gate, $n, ['deferred_delete' => true]);
        $this->assertSame('v1', $pool->get('race-cas-d'));
        $pool->stats(); /* reads the delete's reply */
        $this->assertSame('v2', mr_peer([$o])->get('race-cas-d'), 'O keeps the write made during the move');
        $this->assertFalse(mr_peer([$n])->get('race-cas-d'), 'the stale copy at N was taken back');
    }

    /**
     * The ordered move (ordered_move): the delete at O goes out only once N
     * answered the add: while the add waits at the gate, O still holds the
     * key. A writer that then deletes the key (O first, then N) must not see
     * the late add bring it back.
     */
    public function testOldLetsGoOnlyOnceNewHoldsTheCopy(): void
    {
        [$o, $n] = mr_servers(2);
        mr_peer([$o])->set('race-order', 'v1');
        $gate = $this->gate($n, ['/^ms race-order /m' => function () use ($o, $n) {
            /* the move's add waits here; had its delete at O gone out with it, O
             * would lose the key within moments: look for 2 s at most */
            $peer = mr_peer([$o]);
            $deadline = microtime(true) + 2.0;
            while (($v = $peer->get('race-order')) !== false && microtime(true) < $deadline) {
                usleep(10000);
            }
            echo $v === 'v1' ? "O still held it while the add waited\n" : "O had let go before the add was answered\n";
            mr_peer([$o])->delete('race-order');
            mr_peer([$n])->delete('race-order');
        }]);
        $got = self::pool($o, $gate, ['ordered_move' => true])->get('race-order');
        $log = gate_stop(array_pop($this->gates));
        $this->assertSame("O still held it while the add waited\n", $log);
        $this->assertContains($got, [false, 'v1']);
        $this->assertFalse(mr_peer([$n])->get('race-order'), 'the deleted key did not come back at N');
        $this->assertFalse(mr_peer([$o])->get('race-order'));
    }

    /**
     * The lease move (the default): the delete at O goes out with the add at
     * N. While the add waits at the gate, a MemRehash delete runs (O, then
     * the lease and the key at N) and finds nothing at either place; when
     * the late add lands, the move's look at its lease finds it gone and
     * takes the copy back before the get returns: the deleted key does not
     * come back.
     */
    public function testLeaseMoveTakesItsCopyBackWhenADeletePassedNew(): void
    {
        [$o, $n] = mr_servers(2);
        mr_peer([$o])->set('race-lease', 'v1');
        $gate = $this->gate($n, ['/^ms race-lease /m' => function () use ($o, $n) {
            $d = new MemRehash([$o], [$n], ['name' => 'race-order-deleter-' . getmypid(), 'complete_below' => 0.0]);
            $d->delete('race-lease');
            echo "deleted while the add waited: N holds ", var_export(mr_peer([$n])->get('race-lease'), true), "\n";
        }]);
        $pool = self::pool($o, $gate);
        $got = $pool->get('race-lease');
        $log = gate_stop(array_pop($this->gates));
        $this->assertSame("deleted while the add waited: N holds false\n", $log);
        $this->assertContains($got, [false, 'v1']);
        $this->assertFalse(mr_peer([$n])->get('race-lease'), 'the deleted key did not come back at N');
        $this->assertFalse(mr_peer([$o])->get('race-lease'));
        $s = $pool->stats();
        $this->assertSame(1, $s['raced'], 'the move counts as raced');
        $this->assertSame(0, $s['migrated']);
    }

    /**
     * A get that finds another mover's lease at N serves O's value and moves
     * nothing: two movers never write the key at once (the lease is planted
     * here by hand, as the other mover would hold it).
     */
    public function testLeaseHeldByAnotherMoverServesOldWithoutMoving(): void
    {
        [$o, $n] = mr_servers(2);
        mr_peer([$o])->set('race-held', 'v1');
        $this->assertTrue(mr_peer([$n])->add('__memrehash:m:race-held', '', 30));
        $pool = self::pool($o, $n);
        $this->assertSame('v1', $pool->get('race-held'));
        $this->assertFalse(mr_peer([$n])->get('race-held'), 'nothing moved while the lease was held');
        $this->assertSame('v1', mr_peer([$o])->get('race-held'));
        mr_peer([$n])->delete('__memrehash:m:race-held');
        $this->assertSame('v1', $pool->get('race-held'));
        $this->assertSame('v1', mr_peer([$n])->get('race-held'), 'moved once the lease was free');
        $this->assertFalse(mr_peer([$o])->get('race-held'));
        $pool->stats(); /* reads the replies of what the get sent without waiting */
        $this->assertFalse(mr_peer([$n])->get('__memrehash:m:race-held'), 'the move released its lease');
    }
}
