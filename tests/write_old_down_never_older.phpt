--TEST--
writes with the old location down: whatever a write returns, once it returned true no later read gives an older value, and O's old copy never comes back (read through the servers)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
/* The rule of issue 18/19 that holds whether such a write is refused (O's
 * error) or done at N with a guard: a write the call reported done is never
 * undone by O's older copy. O is "down" by naming a port nobody listens on;
 * then the same pool (same name, the real O) reads again. One server per
 * list: every key moves, whatever the addresses do to placement. */
require __DIR__ . '/config.inc';
mr_flush_all();
$s = stream_socket_server('tcp://127.0.0.1:0');
$dead = stream_socket_get_name($s, false);
fclose($s);
[$o, $n] = mr_servers(2);
$opts = ['name' => 'core-phpt-write-old-down', 'connect_timeout' => 200, 'timeout' => 500,
    'retry_interval' => 0, 'complete_below' => 0.0];
$down = new MemRehash([$dead], [$n], $opts);
$peerO = mr_peer([$o]);
$peerN = mr_peer([$n]);
$bad = [];

/* check KEY NEWVALUE-or-null RESULT WHEN: a read through the real O after the write */
$check = function (string $k, ?string $written, bool $ok, string $when) use ($o, $n, $opts, &$bad) {
    $up = new MemRehash([$o], [$n], $opts);
    $got = $up->get($k);
    if ($ok && $got === "old $k") {
        $bad[] = "$k: the write returned true, then a read ($when) gave O's older value";
    }
    if ($ok && $written !== null && $got !== $written && $got !== false) {
        $bad[] = "$k: the write returned true, then a read ($when) gave " . var_export($got, true);
    }
};

foreach (['set', 'replace', 'delete', 'setMulti', 'deleteMulti'] as $op) {
    $k = "wod-$op";
    $peerO->set($k, "old $k");
    $peerN->delete($k);
    $new = str_starts_with($op, 'delete') ? null : "new $k";
    $r = match ($op) {
        'set' => $down->set($k, $new),
        'replace' => $down->replace($k, $new),
        'delete' => $down->delete($k),
        'setMulti' => $down->setMulti([$k => $new]),
        'deleteMulti' => $down->deleteMulti([$k])[$k] === true,
    };
    $r = $r === true;
    $check($k, $new, $r, 'right after, O back');
    /* N loses its copy (evicted): O's old one must still not come back */
    if ($r && $new !== null) {
        $peerN->delete($k);
        $check($k, null, $r, 'after N lost the new value');
    }
    echo "$op: ", $r ? 'done' : 'refused', "\n";
}
/* the same for a key N already holds (a write that replaces a moved value) */
$peerO->set('wod-both', 'old wod-both');
$peerN->set('wod-both', 'moved wod-both');
$r = $down->delete('wod-both') === true;
$check('wod-both', null, $r, 'after a delete');
echo $bad ? implode("\n", $bad) . "\n" : "no write that returned true was undone by O\n";
?>
--EXPECTF--
set: %r(done|refused)%r
replace: %r(done|refused)%r
delete: %r(done|refused)%r
setMulti: %r(done|refused)%r
deleteMulti: %r(done|refused)%r
no write that returned true was undone by O
