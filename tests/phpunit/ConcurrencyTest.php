<?php
/* Writers and readers race on keys that start only at their old location.
 * Whatever the interleaving, each key must end with its writer's last value,
 * or absent after a delete: a move may never resurrect data a write replaced
 * or removed. A mover that used set instead of add, or deleted at O without
 * checking CAS (and so never took its copy back), fails this. */

use PHPUnit\Framework\TestCase;

final class ConcurrencyTest extends TestCase
{
    /* few keys, many rounds: every key is re-seeded at O each round and the
     * readers hammer all of them, so moves and first writes collide often */
    private const ROUNDS = 120;
    private const KEYS = 12;
    private const WRITERS = 2;
    private const READERS = 3;

    protected function setUp(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->fail('pcntl is required for the concurrency test');
        }
        mr_flush_all();
    }

    /** Returns a MemRehash for the round (fresh connections after fork). */
    private function client(string $name, bool $deferred = false): MemRehash
    {
        return new MemRehash(mr_servers(3), mr_servers(2, 3), ['name' => $name, 'timeout' => 2000, 'deferred_delete' => $deferred]);
    }

    public static function deleteModes(): array
    {
        return ['get waits for the delete at O' => [false], 'deferred_delete' => [true]];
    }

    /** Runs $fn in a child; returns its pid. */
    private function spawn(callable $fn): int
    {
        $pid = pcntl_fork();
        if ($pid === 0) {
            $code = 0;
            try {
                $fn();
            } catch (Throwable $e) {
                fwrite(STDERR, $e->getMessage() . "\n");
                $code = 1;
            }
            mr_child_exit($code); // its exit status: the parent checks it
        }
        $this->assertGreaterThan(0, $pid, 'fork failed');
        return $pid;
    }

    /** Waits for a child; fails unless it exited with status 0 (a throw exits 1, a crash is a signal). */
    private function assertChildSucceeded(int $pid, string $who): void
    {
        $this->assertSame($pid, pcntl_waitpid($pid, $status), "$who: waitpid");
        $this->assertTrue(pcntl_wifexited($status), "$who died of signal " . (pcntl_wifsignaled($status) ? pcntl_wtermsig($status) : '?'));
        $this->assertSame(0, pcntl_wexitstatus($status), "$who failed (its error is on stderr)");
    }

    /**
     * Readers move keys while writers set and delete them; afterwards every
     * key holds its last write. With deferred_delete a reader's pool reads
     * its moves' deletes at its next call, so a raced copy is taken back
     * then: the readers keep reading after the writers stop.
     *
     * @dataProvider deleteModes
     */
    public function testMovesNeverOutliveWrites(bool $deferred): void
    {
        $old = mr_peer(mr_servers(3));
        $newPeer = mr_peer(mr_servers(2, 3));
        $dir = sys_get_temp_dir() . '/mr-conc-' . getmypid();
        @mkdir($dir);
        $checked = 0;
        for ($round = 0; $round < self::ROUNDS; $round++) {
            mr_flush_all();
            $name = "conc-" . getmypid() . '-' . (int)$deferred; // one pool: rounds share its counters
            $keys = [];
            for ($i = 0; $i < self::KEYS; $i++) {
                $keys[] = "c{$round}k{$i}";
            }
            /* every key starts at its old location only */
            $seed = [];
            foreach ($keys as $k) {
                $seed[$k] = "seed-$k";
            }
            $this->assertTrue($old->setMulti($seed, 300));
            $stopFile = "$dir/stop-$round";
            @unlink($stopFile);

            $readers = [];
            for ($r = 0; $r < self::READERS; $r++) {
                $readers[] = $this->spawn(function () use ($keys, $name, $stopFile, $r, $deferred) {
                    mt_srand(1000 + $r);
                    $m = $this->client($name, $deferred);
                    for ($n = 0; !file_exists($stopFile); $n++) {
                        if ($n % 5 === 4) {
                            $m->getMulti($keys);
                        } else {
                            foreach ($keys as $k) {
                                $m->get($k);
                            }
                        }
                    }
                    unset($m); // the end of the request: deferred deletes are read now
                });
            }
            $writers = [];
            for ($w = 0; $w < self::WRITERS; $w++) {
                $mine = array_values(array_filter($keys, fn($k) => crc32($k) % self::WRITERS === $w));
                $writers[] = $this->spawn(function () use ($mine, $name, $dir, $round, $w, $deferred) {
                    mt_srand(77 * $round + $w);
                    $m = $this->client($name, $deferred);
                    $last = [];
                    usleep(mt_rand(0, 3000)); // let the readers get going
                    /* one write per key: a race can only corrupt the key if
                     * the write it collides with is the last one */
                    for ($step = 0; $step < 1; $step++) {
                        foreach ($mine as $k) {
                            usleep(mt_rand(0, 300));
                            if (mt_rand(0, 2) === 0) {
                                $m->delete($k);
                                $last[$k] = null;
                            } else {
                                $v = "w$w-$step-" . mt_rand();
                                if (!$m->set($k, $v, 300)) {
                                    throw new RuntimeException("set $k failed: " . $m->getResultMessage());
                                }
                                $last[$k] = $v;
                            }
                        }
                    }
                    file_put_contents("$dir/last-$round-$w", serialize($last));
                });
            }
            foreach ($writers as $pid) {
                $this->assertChildSucceeded($pid, "round $round: a writer");
            }
            touch($stopFile);
            foreach ($readers as $pid) {
                $this->assertChildSucceeded($pid, "round $round: a reader");
            }
            $expected = [];
            for ($w = 0; $w < self::WRITERS; $w++) {
                $expected += unserialize(file_get_contents("$dir/last-$round-$w"));
                unlink("$dir/last-$round-$w");
            }
            $this->assertCount(self::KEYS, $expected);

            /* what a plain Memcached over the new list sees first (before
             * MemRehash gets could move anything), then MemRehash itself */
            $m = $this->client($name);
            foreach ($expected as $k => $v) {
                $got = $newPeer->get($k);
                $this->assertSame($v ?? false, $got, "round $round key $k at its new location");
            }
            foreach ($expected as $k => $v) {
                $this->assertSame($v ?? false, $m->get($k), "round $round key $k through MemRehash");
                $checked++;
            }
            $s = $m->stats();
            $this->assertSame($s['gets'], $s['new_hits'] + $s['old_hits'] + $s['misses']);
            $this->assertSame($s['old_hits'], $s['migrated'] + $s['raced'] + $s['move_failed']);
            @unlink($stopFile);
        }
        @rmdir($dir);
        $this->assertSame(self::ROUNDS * self::KEYS, $checked);
    }
}
