--TEST--
Protocol safety: keys with CR, LF, space, tab, NUL, DEL or over 250 bytes (with the prefix) throw ValueError and send nothing
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$servers = mr_servers(2);

/* Returns the bytes each server has read so far (memcached's bytes_read). */
function bytes_read(array $servers): array
{
    $out = [];
    foreach ($servers as $s) {
        preg_match('/STAT bytes_read (\d+)/', mr_raw($s, 'stats'), $m);
        $out[$s] = (int)$m[1];
    }
    return $out;
}
/* One "stats\r\nmn\r\n" is all a server may have read between two looks. */
const STATS_BYTES = 11;

$m = new MemRehash([$servers[0]], [$servers[1]], ['prefix' => 'pfx:', 'timeout' => 1000, 'complete_below' => 0.0]);
$bad = [
    'CR' => "a\rb", 'LF' => "a\nb", 'CRLF command' => "x\r\nflush_all", 'space' => 'a b', 'tab' => "a\tb",
    'NUL' => "a\0b", 'DEL' => "a\x7fb", 'control' => "a\x01b", 'meta flags' => 'k v f t', 'empty' => '',
    '251 bytes' => str_repeat('k', 251), 'prefix + 247 bytes' => str_repeat('k', 247),
];
$calls = [
    'get' => fn($k) => $m->get($k),
    'set' => fn($k) => $m->set($k, 'v'),
    'add' => fn($k) => $m->add($k, 'v'),
    'replace' => fn($k) => $m->replace($k, 'v'),
    'delete' => fn($k) => $m->delete($k),
    'increment' => fn($k) => $m->increment($k),
    'decrement' => fn($k) => $m->decrement($k),
    'touch' => fn($k) => $m->touch($k, 10),
    'getMulti' => fn($k) => $m->getMulti(['good-key', $k]),
    'setMulti' => fn($k) => $m->setMulti(['good-key' => 1, $k => 2]),
    'deleteMulti' => fn($k) => $m->deleteMulti(['good-key', $k]),
    'locate' => fn($k) => $m->locate($k),
];
$before = bytes_read($servers);
$thrown = $other = 0;
foreach ($bad as $what => $key) {
    foreach ($calls as $name => $call) {
        try {
            $call($key);
            echo "$name($what): no exception\n";
            $other++;
        } catch (ValueError $e) {
            $thrown++;
        } catch (Throwable $e) {
            echo "$name($what): ", get_class($e), ': ', $e->getMessage(), "\n";
            $other++;
        }
    }
}
echo "$thrown ValueErrors, $other other outcomes\n";
$after = bytes_read($servers);
foreach ($servers as $s) {
    $d = $after[$s] - $before[$s];
    echo $d === STATS_BYTES ? "nothing sent to a server\n" : "a server read " . ($d - STATS_BYTES) . " bytes it should not have\n";
}

/* 250 bytes with the prefix is fine, and reaches the server as exactly that key */
$k = str_repeat('k', 246);
var_dump($m->set($k, 'max'), $m->get($k));
var_dump(str_contains(mr_raw($servers[1], 'mg pfx:' . $k . ' v'), "max"));
$m->delete($k);

/* a value can carry any bytes: it is length-prefixed, never a command */
$evil = "x\r\nms injected 1 T0\r\ny\r\nflush_all\r\nmd good-key\r\n\0";
var_dump($m->set('evil', $evil), $m->get('evil') === $evil);
var_dump(mr_raw($servers[1], 'mg injected v'), mr_raw($servers[0], 'mg injected v'));
$m->delete('evil');
?>
--EXPECT--
144 ValueErrors, 0 other outcomes
nothing sent to a server
nothing sent to a server
bool(true)
string(3) "max"
bool(true)
bool(true)
bool(true)
string(4) "EN
"
string(4) "EN
"
