--TEST--
getMulti/setMulti/deleteMulti: one bad key anywhere throws before anything is sent; keys of the wrong type are a TypeError
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
function traffic(): string {
    $t = '';
    foreach (mr_servers(5) as $s) {
        preg_match_all('/^STAT (cmd_get|cmd_set|cmd_touch|get_misses|delete_misses|delete_hits) (\d+)/m', mr_raw($s, 'stats'), $m);
        $t .= implode(',', $m[2]) . ';';
    }
    return $t;
}
mr_flush_all();
$mr = new MemRehash(mr_servers(3), mr_servers(2, 3), ['name' => 'core-phpt-multi-bad']);
$t0 = traffic();
foreach ([['ok', ''], ['ok', 'a b'], [str_repeat('k', 251), 'ok'], ['ok', "x\n"]] as $keys) {
    foreach (['getMulti' => $keys, 'deleteMulti' => $keys, 'setMulti' => array_fill_keys($keys, 1)] as $m => $arg) {
        try {
            $mr->$m($arg);
            echo "$m: no error\n";
        } catch (ValueError $e) {
            echo "$m: ValueError\n";
        }
    }
}
foreach ([['ok', null], ['ok', [1]], ['ok', new stdClass()], ['ok', 1.5]] as $keys) {
    foreach (['getMulti', 'deleteMulti'] as $m) {
        try {
            $mr->$m($keys);
            echo "$m: no error\n";
        } catch (TypeError $e) {
            echo "$m: TypeError\n";
        } catch (ValueError $e) {
            echo "$m: ValueError\n";
        }
    }
}
var_dump(traffic() === $t0);
?>
--EXPECT--
getMulti: ValueError
deleteMulti: ValueError
setMulti: ValueError
getMulti: ValueError
deleteMulti: ValueError
setMulti: ValueError
getMulti: ValueError
deleteMulti: ValueError
setMulti: ValueError
getMulti: ValueError
deleteMulti: ValueError
setMulti: ValueError
getMulti: TypeError
deleteMulti: TypeError
getMulti: TypeError
deleteMulti: TypeError
getMulti: TypeError
deleteMulti: TypeError
getMulti: TypeError
deleteMulti: TypeError
bool(true)
