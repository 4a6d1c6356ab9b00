--TEST--
drain: the progress callable sees growing totals after each batch; returning false stops with 'callback'; run again, it finishes
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$src = mr_servers(1)[0];
$dst = mr_servers(1, 1)[0];
$mr = new MemRehash([$src], [$dst], ['name' => 'core-phpt-drain-progress']);
$items = [];
for ($i = 0; $i < 500; $i++) {
    $items["pg:$i"] = "v$i";
}
mr_peer([$src])->setMulti($items);
/* how many of the keys a server holds, read without bumping them in its LRU */
function held(string $server, array $keys): int {
    $n = 0;
    foreach ($keys as $k) {
        $n += mr_raw($server, "mg $k v u") !== "EN\r\n";
    }
    return $n;
}
$calls = [];
$r = $mr->drain($src, ['batch' => 50, 'progress' => function (array $t) use (&$calls) {
    $calls[] = $t;
    return count($calls) < 3;
}]);
var_dump($r['stopped'], count($calls), $r['moved']);
var_dump(array_column($calls, 'moved'));
var_dump(array_diff(['scanned', 'moved', 'raced', 'skipped', 'expired', 'errors', 'bytes', 'seconds'], array_keys($calls[0])));
$onDst = held($dst, array_keys($items));
$onSrc = held($src, array_keys($items));
echo "at the target $onDst, at the source $onSrc\n";
$r = $mr->drain($src, ['batch' => 50, 'progress' => null]);
var_dump($r['stopped'], $r['moved']);
var_dump(held($dst, array_keys($items)), held($src, array_keys($items)));
var_dump($mr->stats()['drained']);
?>
--EXPECT--
string(8) "callback"
int(3)
int(150)
array(3) {
  [0]=>
  int(50)
  [1]=>
  int(100)
  [2]=>
  int(150)
}
array(0) {
}
at the target 150, at the source 350
string(4) "done"
int(350)
int(500)
int(0)
int(500)
