--TEST--
get with deferred_delete: the move returns before O's delete is answered; the next call, stats() or the object's end reads it, and O's copy is gone
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$peerOld = mr_peer($old);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-deferred', 'deferred_delete' => true]);

/* keys that move, written at their old location only */
$keys = [];
for ($i = 0; count($keys) < 6; $i++) {
    if ($mr->locate("dd:$i")['moves']) {
        $keys[] = "dd:$i";
    }
}
foreach ($keys as $k) {
    var_dump($peerOld->set($k, "value of $k", 600));
}
$s0 = $mr->stats();

// a move, then a plain hit (the next call reads the first move's delete)
var_dump($mr->get($keys[0]) === "value of {$keys[0]}");
var_dump($mr->get($keys[0]) === "value of {$keys[0]}");
// stats() reads what is still unanswered
var_dump($mr->get($keys[1]) === "value of {$keys[1]}");
$s1 = $mr->stats();
foreach ([$keys[0], $keys[1]] as $k) {
    $loc = $mr->locate($k);
    echo "$k at O: ", mr_raw($loc['old'], "mg $k"), "$k at N: ", mr_raw($loc['new'], "mg $k s");
}
foreach (['old_hits', 'migrated', 'raced', 'errors'] as $c) {
    echo "$c +", $s1[$c] - $s0[$c], "\n";
}

// getMulti moves several at once; freeing the object reads their deletes
$got = $mr->getMulti([$keys[2], $keys[3], $keys[4]]);
var_dump(count($got), $got[$keys[3]] === "value of {$keys[3]}");
unset($mr);
foreach ([$keys[2], $keys[3], $keys[4]] as $k) {
    echo "$k at O: ", mr_raw((new MemRehash($old, $new))->locate($k)['old'], "mg $k");
}

// a writer who deletes between the move and its delete at O: nothing comes back
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-get-deferred', 'deferred_delete' => true]);
var_dump($mr->get($keys[5]) === "value of {$keys[5]}");
$writer = new MemRehash($old, $new, ['name' => 'core-phpt-get-deferred']);
var_dump($writer->delete($keys[5]));
var_dump($mr->get($keys[5]), $writer->get($keys[5]));
$s = $mr->stats();
var_dump($s['old_hits'] === $s['migrated'] + $s['raced'] + $s['move_failed']);
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
dd:%d at O: EN
dd:%d at N: HD s%d
dd:%d at O: EN
dd:%d at N: HD s%d
old_hits +2
migrated +2
raced +0
errors +0
int(3)
bool(true)
dd:%d at O: EN
dd:%d at O: EN
dd:%d at O: EN
bool(true)
bool(true)
bool(false)
bool(false)
bool(true)
