--TEST--
options: an unknown option, or options not keyed by name, are refused with MemRehashException
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$s = mr_servers(1);
foreach ([['nmae' => 'typo'], ['Name' => 'x'], ['libketama_compatible' => true], [0 => 'x'], ['name' => 'ok', 'bogus' => 1], [Memcached::OPT_PREFIX_KEY => 'p']] as $opts) {
    try {
        new MemRehash($s, $s, $opts);
        echo json_encode($opts), ": accepted\n";
    } catch (MemRehashException $e) {
        echo json_encode($opts), ": refused", $e->getMessage() === '' ? ' (no message)' : '', "\n";
    }
}
?>
--EXPECT--
{"nmae":"typo"}: refused
{"Name":"x"}: refused
{"libketama_compatible":true}: refused
["x"]: refused
{"name":"ok","bogus":1}: refused
{"-1002":"p"}: refused
