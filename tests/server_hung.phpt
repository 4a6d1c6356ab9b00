--TEST--
servers: a hung server (accepts, never answers) in the list: 200 gets finish within a few seconds in all, false with a result code
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$hung = stream_socket_server('tcp://127.0.0.1:0');
$name = stream_socket_get_name($hung, false);
$new = [mr_servers(1)[0], $name];
$mr = new MemRehash($new, $new, ['name' => 'core-phpt-server-hung', 'connect_timeout' => 300, 'timeout' => 300]);
$keys = [];
for ($i = 0; count($keys) < 200; $i++) {
    if ($mr->locate("hg:$i")['new'] === $name) {
        $keys[] = "hg:$i";
    }
}
$t = microtime(true);
$vals = $codes = [];
foreach ($keys as $k) {
    $vals[] = $mr->get($k);
    $codes[] = $mr->getResultCode();
}
$elapsed = microtime(true) - $t;
var_dump(array_unique($vals, SORT_REGULAR));
var_dump(array_intersect(array_unique($codes), [MemRehash::RES_SUCCESS, MemRehash::RES_NOTFOUND]));
/* no hang: a timeout per call would take 60 s; the server is skipped once marked down */
echo $elapsed < 20.0 ? "within a few seconds\n" : "took $elapsed s\n";
// the healthy server still answers meanwhile
var_dump($mr->set('hg:ok', 1) || $mr->locate('hg:ok')['new'] === $name);
fclose($hung);
?>
--EXPECT--
array(1) {
  [0]=>
  bool(false)
}
array(0) {
}
within a few seconds
bool(true)
