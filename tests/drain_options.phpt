--TEST--
drain: bad options and a server that is not an old one are refused before anything moves
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(2);
$new = mr_servers(1, 2);
mr_peer($old)->set('do:1', 1);
$mr = new MemRehash($old, $new, ['name' => 'core-phpt-drain-opts']);
$cases = [
    [$new[0], []],
    ['127.0.0.1:1', []],
    ['not a server', []],
    [null, ['nope' => 1]],
    [null, ['rate' => -1]],
    [null, ['rate' => 'fast']],
    [null, ['bytes_rate' => -5]],
    [null, ['batch' => 0]],
    [null, ['batch' => 'ten']],
    [null, ['fill_limit' => 1.5]],
    [null, ['fill_limit' => -0.1]],
    [null, ['copy' => 'yes']],
    [null, ['progress' => 'no_such_function_here']],
    [null, ['progress' => 42]],
    [null, [0 => 1]],
];
foreach ($cases as [$server, $opts]) {
    try {
        $r = $mr->drain($server, $opts);
        echo json_encode([$server, $opts]), ": no error, ", json_encode($r['stopped']), "\n";
    } catch (ValueError | TypeError $e) {
        echo json_encode([$server, $opts]), ": refused\n";
    }
}
var_dump(mr_peer($old)->get('do:1'), mr_peer($new)->get('do:1'));
?>
--EXPECTF--
["127.0.0.1:%d",[]]: refused
["127.0.0.1:1",[]]: refused
["not a server",[]]: refused
[null,{"nope":1}]: refused
[null,{"rate":-1}]: refused
[null,{"rate":"fast"}]: refused
[null,{"bytes_rate":-5}]: refused
[null,{"batch":0}]: refused
[null,{"batch":"ten"}]: refused
[null,{"fill_limit":1.5}]: refused
[null,{"fill_limit":-0.1}]: refused
[null,{"copy":"yes"}]: refused
[null,{"progress":"no_such_function_here"}]: refused
[null,{"progress":42}]: refused
[null,[1]]: refused
int(1)
bool(false)
