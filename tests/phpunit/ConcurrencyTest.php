<?php
/* Writers and readers race on keys that start only at their old location.
 * Whatever the interleaving, each key must end with its writer's last value,
 * or absent after a delete: a move may never resurrect data a write replaced
 * or removed. A mover that used set instead of add, or deleted at O without
 * checking CAS (and so never took its copy back), fails this. Each test runs
 * with every move: the lease move (the default: the delete at O goes with
 * the add), the ordered move, and the ordered move with deferred_delete. */

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
    private function client(string $name, string $mode = 'lease'): MemRehash
    {
        return new MemRehash(mr_servers(3), mr_servers(2, 3), ['name' => $name, 'timeout' => 2000,
            'ordered_move' => $mode === 'ordered', 'deferred_delete' => $mode === 'deferred']);
    }

    public static function deleteModes(): array
    {
        return ['lease move (default)' => ['lease'], 'ordered move' => ['ordered'], 'deferred_delete' => ['deferred']];
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
    public function testMovesNeverOutliveWrites(string $mode): void
    {
        $old = mr_peer(mr_servers(3));
        $newPeer = mr_peer(mr_servers(2, 3));
        $dir = sys_get_temp_dir() . '/mr-conc-' . getmypid();
        @mkdir($dir);
        $checked = 0;
        for ($round = 0; $round < self::ROUNDS; $round++) {
            mr_flush_all();
            $name = "conc-" . getmypid() . '-' . $mode; // one pool: rounds share its counters
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
                $readers[] = $this->spawn(function () use ($keys, $name, $stopFile, $r, $mode) {
                    mt_srand(1000 + $r);
                    $m = $this->client($name, $mode);
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
                $writers[] = $this->spawn(function () use ($mine, $name, $dir, $round, $w, $mode) {
                    mt_srand(77 * $round + $w);
                    $m = $this->client($name, $mode);
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

    /**
     * PECL Memcached clients of both lists alongside the moves: MemRehash
     * readers move every key while, on keys of their own, a MemRehash
     * writer sets and deletes, a Memcached over the OLD list writes at O
     * only, and a Memcached over the NEW list writes at N only; Memcached
     * readers of the new list read every key all along. Judged by PECL reads
     * of both lists afterwards and by what the readers saw:
     * - a new-list reader only ever saw false or a value some client wrote
     *   (the seed, or a writer's): never '' or anything else (a placeholder);
     * - MemRehash keys end with their last write (no resurrection);
     * - an old-list write is never lost: it ends at N (moved) or stays at O
     *   (it came after the move, as any later write of an old-list client);
     *   a move that deleted O without its CAS would lose it;
     * - a new-list write ends at N (a move never overwrites it).
     *
     * @dataProvider deleteModes
     */
    public function testPeclClientsOfBothListsAlongside(string $mode): void
    {
        $oldPeer = mr_peer(mr_servers(3));
        $newPeer = mr_peer(mr_servers(2, 3));
        $dir = sys_get_temp_dir() . '/mr-conc-pecl-' . getmypid();
        @mkdir($dir);
        $rounds = 30;
        $checked = 0;
        for ($round = 0; $round < $rounds; $round++) {
            mr_flush_all();
            $name = "conc-pecl-" . getmypid() . '-' . $mode;
            $groups = [];
            foreach (['mr', 'old', 'new'] as $g) {
                for ($i = 0; $i < 8; $i++) {
                    $groups[$g][] = "p{$round}{$g}{$i}";
                }
            }
            $all = array_merge(...array_values($groups));
            $seed = [];
            foreach ($all as $k) {
                $seed[$k] = "seed-$k";
            }
            $this->assertTrue($oldPeer->setMulti($seed, 300));
            $stopFile = "$dir/stop-$round";
            @unlink($stopFile);

            $readers = [];
            for ($r = 0; $r < 2; $r++) {
                $readers[] = $this->spawn(function () use ($all, $name, $stopFile, $mode) {
                    $m = $this->client($name, $mode);
                    for ($n = 0; !file_exists($stopFile); $n++) {
                        if ($n % 4 === 3) {
                            $m->getMulti($all);
                        } else {
                            foreach ($all as $k) {
                                $m->get($k);
                            }
                        }
                    }
                    unset($m);
                });
            }
            /* Memcached readers of the new list: every distinct value seen, per key */
            $peclReaders = [];
            for ($r = 0; $r < 2; $r++) {
                $peclReaders[] = $this->spawn(function () use ($all, $stopFile, $dir, $round, $r) {
                    $c = mr_peer(mr_servers(2, 3));
                    $seen = [];
                    while (!file_exists($stopFile)) {
                        foreach ($all as $k) {
                            $v = $c->get($k);
                            $seen[$k][var_export($v, true)] = true;
                        }
                    }
                    file_put_contents("$dir/seen-$round-$r", serialize($seen));
                });
            }
            $writers = [];
            $writers[] = $this->spawn(function () use ($groups, $name, $dir, $round, $mode) {
                mt_srand(91 * $round);
                $m = $this->client($name, $mode);
                $last = [];
                usleep(mt_rand(0, 3000));
                foreach ($groups['mr'] as $k) {
                    usleep(mt_rand(0, 300));
                    if (mt_rand(0, 2) === 0) {
                        $m->delete($k);
                        $last[$k] = null;
                    } else {
                        $v = "mr-" . mt_rand();
                        if (!$m->set($k, $v, 300)) {
                            throw new RuntimeException("set $k failed: " . $m->getResultMessage());
                        }
                        $last[$k] = $v;
                    }
                }
                file_put_contents("$dir/last-$round-mr", serialize($last));
            });
            foreach (['old' => mr_servers(3), 'new' => mr_servers(2, 3)] as $g => $list) {
                $writers[] = $this->spawn(function () use ($groups, $g, $list, $dir, $round) {
                    mt_srand(57 * $round + strlen($g));
                    $c = mr_peer($list);
                    $last = [];
                    usleep(mt_rand(0, 3000));
                    foreach ($groups[$g] as $k) {
                        usleep(mt_rand(0, 300));
                        $v = "$g-" . mt_rand();
                        if (!$c->set($k, $v, 300)) {
                            throw new RuntimeException("Memcached ($g list) set $k failed");
                        }
                        $last[$k] = $v;
                    }
                    file_put_contents("$dir/last-$round-$g", serialize($last));
                });
            }
            foreach ($writers as $pid) {
                $this->assertChildSucceeded($pid, "round $round: a writer");
            }
            touch($stopFile);
            foreach (array_merge($readers, $peclReaders) as $pid) {
                $this->assertChildSucceeded($pid, "round $round: a reader");
            }
            $last = [];
            foreach (['mr', 'old', 'new'] as $g) {
                $last[$g] = unserialize(file_get_contents("$dir/last-$round-$g"));
                unlink("$dir/last-$round-$g");
            }
            /* what the new-list readers saw: false, the seed, or a write */
            for ($r = 0; $r < 2; $r++) {
                $seen = unserialize(file_get_contents("$dir/seen-$round-$r"));
                unlink("$dir/seen-$round-$r");
                foreach ($seen as $k => $values) {
                    $g = array_key_first(array_filter($groups, fn($ks) => in_array($k, $ks, true)));
                    $allowed = ['false', var_export("seed-$k", true)];
                    if (($last[$g][$k] ?? null) !== null) {
                        $allowed[] = var_export($last[$g][$k], true);
                    }
                    foreach (array_keys($values) as $v) {
                        $this->assertContains($v, $allowed, "round $round: a Memcached reader of the new list read $v for $k");
                    }
                }
            }
            foreach ($groups['mr'] as $k) {
                $this->assertSame($last['mr'][$k] ?? false, $newPeer->get($k), "round $round key $k (MemRehash writes) at N");
                $checked++;
            }
            foreach ($groups['old'] as $k) {
                $atN = $newPeer->get($k);
                $atO = $oldPeer->get($k);
                $this->assertTrue($atO === $last['old'][$k] || $atN === $last['old'][$k],
                    "round $round key $k: the old-list write was lost (N " . var_export($atN, true) . ', O ' . var_export($atO, true) . ')');
                $this->assertContains($atN, [false, "seed-$k", $last['old'][$k]], "round $round key $k at N");
                $checked++;
            }
            foreach ($groups['new'] as $k) {
                $this->assertSame($last['new'][$k], $newPeer->get($k), "round $round key $k (new-list writes) at N");
                $checked++;
            }
            $m = $this->client($name, $mode);
            $s = $m->stats();
            $this->assertSame($s['gets'], $s['new_hits'] + $s['old_hits'] + $s['misses']);
            $this->assertSame($s['old_hits'], $s['migrated'] + $s['raced'] + $s['move_failed']);
            @unlink($stopFile);
        }
        @rmdir($dir);
        $this->assertSame($rounds * 24, $checked);
    }
}
