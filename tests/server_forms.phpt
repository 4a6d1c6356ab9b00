--TEST--
servers: "host:port", "host:port:weight", [host, port], [host, port, weight], "/path.sock" and "[::1]:port" are accepted, as Memcached::addServers takes them
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
[$h, $p] = explode(':', mr_servers(1)[0]);
$forms = [
    "$h:$p",
    "$h:$p:3",
    [$h, (int)$p],
    [$h, (int)$p, 5],
    '/tmp/core-no-such.sock',
    '[::1]:11211',
    'localhost:11211',
];
foreach ($forms as $f) {
    try {
        $mr = new MemRehash([$f], [$f], ['name' => 'core-phpt-server-forms']);
        $s = $mr->getOldServers()[0];
        echo json_encode($f), " -> ", $s['host'], " ", $s['port'], " ", $s['weight'], "\n";
    } catch (Throwable $e) {
        echo json_encode($f), ": ", get_class($e), ": ", $e->getMessage(), "\n";
    }
}
// a working pool from the array form
$mr = new MemRehash([[$h, (int)$p, 1]], [[$h, (int)$p, 1]], ['name' => 'core-phpt-server-forms']);
var_dump($mr->set('sf', 'ok'), mr_peer(["$h:$p"])->get('sf'));
?>
--EXPECTF--
"%s:%d" -> %s %d 0
"%s:%d:3" -> %s %d 3
["%s",%d] -> %s %d 0
["%s",%d,5] -> %s %d 5
"\/tmp\/core-no-such.sock" -> /tmp/core-no-such.sock 0 0
"[::1]:11211" -> ::1 11211 0
"localhost:11211" -> localhost 11211 0
bool(true)
string(2) "ok"
