--TEST--
drop-in: the pool's own methods stay reachable (stats, locate, drain, complete, isComplete, getOldServers, getNewServers), and after complete() reads no longer look at the old list
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$old = mr_servers(3);
$new = mr_servers(2);
$peer = mr_peer($old);
$peer->flush();
$m = new MemRehash\Memcached($old, $new, ['name' => 'dropin-pool-' . getmypid()]);
$moving = [];
for ($i = 0; count($moving) < 60; $i++) if ($m->locate("d$i")['moves']) $moving[] = "d$i";
foreach ($moving as $k) $peer->set($k, "v-$k");
var_dump(count($m->getOldServers()), count($m->getNewServers()), $m->isComplete());
// drain the retired server: every key that lives there and moves is moved
$r = $m->drain($old[2]);
var_dump($r['stopped'], $r['moved'] > 0, $r['errors']);
$left = 0;
foreach ($moving as $k) if (mr_peer([$m->locate($k)['old']])->get($k) !== false) $left++;
echo "left at their old server after draining: ", $left === count(array_filter($moving, fn($k) => $m->locate($k)['old'] !== $old[2])) ? "only keys of other servers" : "wrong", "\n";
// complete: reads stop looking at O
$m->complete();
var_dump($m->isComplete(), $m->stats()['state']);
$still = array_values(array_filter($moving, fn($k) => $m->locate($k)['old'] !== $old[2]));
var_dump($m->get($still[0]), $m->getResultCode() === Memcached::RES_NOTFOUND);
var_dump(mr_peer([$m->locate($still[0])['old']])->get($still[0]) === "v-$still[0]"); // O was not asked, still holds it
?>
--EXPECT--
int(3)
int(2)
bool(false)
string(4) "done"
bool(true)
int(0)
left at their old server after draining: only keys of other servers
bool(true)
string(8) "complete"
bool(false)
bool(true)
bool(true)
