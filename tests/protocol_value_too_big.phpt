--TEST--
Protocol safety: values over the server's item size limit give false with RES_E2BIG, store nothing half, and the connection goes on working
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$s = mr_servers(1)[0];
preg_match('/STAT item_size_max (\d+)/', mr_raw($s, 'stats settings'), $mm);
$limit = (int)$mm[1];
echo "item_size_max: ", $limit === 1048576 ? "1 MB" : $limit, "\n";

$m = new MemRehash([$s], [$s], ['compression' => false, 'timeout' => 2000]);
$key = 'big';

/* under the limit (item headers take a little of it): stored whole */
$fits = str_repeat('a', $limit - 1024);
var_dump($m->set($key, $fits), $m->get($key) === $fits);

foreach (['at the limit' => $limit, 'just over' => $limit + 1, 'twice' => 2 * $limit, 'ten times' => 10 * $limit] as $what => $n) {
    $r = $m->set($key, str_repeat('b', $n));
    printf("%s: %s, %s\n", $what, var_export($r, true), $m->getResultCode() === MemRehash::RES_E2BIG ? 'RES_E2BIG' : $m->getResultMessage());
    /* nothing half stored: the old value is gone too (memcached drops it), and nothing of the new */
    var_dump($m->get($key), $m->getResultCode() === MemRehash::RES_NOTFOUND);
    /* the connection still works */
    var_dump($m->set("$key-next", 'small'), $m->get("$key-next"));
    $m->set($key, 'old');
}
foreach (['add' => fn($v) => $m->add("$key-new", $v), 'replace' => fn($v) => $m->replace($key, $v)] as $op => $f) {
    var_dump($f(str_repeat('c', 2 * $limit)), $m->getResultCode() === MemRehash::RES_E2BIG);
}

/* setMulti: the big one fails, the others are stored */
$r = $m->setMulti(["$key-a" => 'a', "$key-b" => str_repeat('d', 2 * $limit), "$key-c" => 'c']);
var_dump($r, $m->getMulti(["$key-a", "$key-b", "$key-c"]));

/* a big value that compresses below the limit is fine with compression on */
$mc = new MemRehash([$s], [$s], ['compression' => true]);
$big = str_repeat('z', 4 * $limit);
var_dump($mc->set($key, $big), $mc->get($key) === $big);
$mc->deleteMulti([$key, "$key-next", "$key-a", "$key-c", "$key-new"]);
?>
--EXPECT--
item_size_max: 1 MB
bool(true)
bool(true)
at the limit: false, RES_E2BIG
bool(false)
bool(true)
bool(true)
string(5) "small"
just over: false, RES_E2BIG
bool(false)
bool(true)
bool(true)
string(5) "small"
twice: false, RES_E2BIG
bool(false)
bool(true)
bool(true)
string(5) "small"
ten times: false, RES_E2BIG
bool(false)
bool(true)
bool(true)
string(5) "small"
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
array(2) {
  ["big-a"]=>
  string(1) "a"
  ["big-c"]=>
  string(1) "c"
}
bool(true)
bool(true)
