--TEST--
placement: a prefix does not change placement (as Memcached::OPT_PREFIX_KEY) but the stored key is prefix + key
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$old = mr_servers(3);
$new = mr_servers(2, 3);
$with = new MemRehash($old, $new, ['name' => 'core-phpt-prefix', 'prefix' => 'app1:']);
$without = new MemRehash($old, $new, ['name' => 'core-phpt-prefix']);
$peer = mr_peer($new);
$peer->setOption(Memcached::OPT_PREFIX_KEY, 'app1:');
$peerOld = mr_peer($old);
$peerOld->setOption(Memcached::OPT_PREFIX_KEY, 'app1:');
$bad = 0;
for ($i = 0; $i < 500; $i++) {
    $k = "k$i";
    $s = $peer->getServerByKey($k);
    $so = $peerOld->getServerByKey($k);
    $bad += $with->locate($k) !== $without->locate($k);
    $bad += $with->locate($k)['new'] !== $s['host'] . ':' . $s['port'];
    $bad += $with->locate($k)['old'] !== $so['host'] . ':' . $so['port'];
}
echo "placement: $bad wrong\n";

var_dump($with->set('user', 'prefixed'));
$at = $with->locate('user')['new'];
echo mr_raw($at, 'mg app1:user v');
echo mr_raw($at, 'mg user v');
var_dump($peer->get('user'));
var_dump($without->get('user'));

// moved with its prefix: Memcached (prefix) over the old list wrote it
var_dump($peerOld->set('moving', 'from old'));
var_dump($with->get('moving'));
$loc = $with->locate('moving');
echo mr_raw($loc['new'], 'mg app1:moving v');
echo $loc['moves'] ? mr_raw($loc['old'], 'mg app1:moving v') : "EN\r\n";
?>
--EXPECT--
placement: 0 wrong
bool(true)
VA 8
prefixed
EN
string(8) "prefixed"
bool(false)
bool(true)
string(8) "from old"
VA 8
from old
EN
