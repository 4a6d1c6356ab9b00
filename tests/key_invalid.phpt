--TEST--
keys: empty, over 250 bytes, or with whitespace/control bytes throw ValueError from every method, and nothing is sent
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
/* Every command counter the servers keep (gets, sets, touches, deletes,
 * increments...): a key that reached a server moves one of them. */
function received(): array {
    $out = [];
    foreach (mr_servers(5) as $s) {
        preg_match_all('/^STAT (cmd_\w+|get_\w+|delete_\w+|incr_\w+|decr_\w+|touch_\w+|cas_\w+) (\d+)/m', mr_raw($s, 'stats'), $m);
        $out[$s] = array_combine($m[1], array_map('intval', $m[2]));
        unset($out[$s]['cmd_flush']);
    }
    return $out;
}
mr_flush_all();
$mr = new MemRehash(mr_servers(3), mr_servers(2, 3), ['name' => 'core-phpt-key-invalid']);
$bad = ['' => 'empty', str_repeat('k', 251) => '251 bytes', 'a b' => 'space', "a\tb" => 'tab', "a\rb" => 'CR',
    "a\nb" => 'LF', "a\0b" => 'NUL', "a\x7fb" => 'DEL', "a\x01b" => '0x01', "a\x1fb" => '0x1f', ' lead' => 'leading space',
    'trail ' => 'trailing space', "\x0b" => 'VT', "a\x0cb" => 'FF'];
$calls = [
    'get' => fn($k) => $mr->get($k),
    'set' => fn($k) => $mr->set($k, 1),
    'add' => fn($k) => $mr->add($k, 1),
    'replace' => fn($k) => $mr->replace($k, 1),
    'delete' => fn($k) => $mr->delete($k),
    'increment' => fn($k) => $mr->increment($k),
    'decrement' => fn($k) => $mr->decrement($k),
    'touch' => fn($k) => $mr->touch($k, 10),
    'locate' => fn($k) => $mr->locate($k),
    'getMulti' => fn($k) => $mr->getMulti(['fine', $k]),
    'setMulti' => fn($k) => $mr->setMulti(['fine' => 1, $k => 2]),
    'deleteMulti' => fn($k) => $mr->deleteMulti(['fine', $k]),
];
$before = received();
$thrown = $missed = 0;
foreach ($bad as $key => $what) {
    foreach ($calls as $name => $call) {
        try {
            $call((string)$key);
            echo "$name($what): no ValueError\n";
            $missed++;
        } catch (ValueError $e) {
            $thrown++;
        }
    }
}
$after = received();
echo $thrown === count($bad) * count($calls) ? "every call threw ValueError" : "$thrown ValueErrors, $missed missed", "\n";
echo $after === $before ? "no server saw a command\n" : "commands reached a server: " . json_encode($after) . "\n";
// the limit is 250: a 250-byte key works, and Memcached reads it
$k250 = str_repeat('q', 250);
var_dump($mr->set($k250, 'long'), mr_peer(mr_servers(2, 3))->get($k250));
var_dump($mr->getResultCode() === MemRehash::RES_SUCCESS);
?>
--EXPECT--
every call threw ValueError
no server saw a command
bool(true)
string(4) "long"
bool(true)
