--TEST--
drain: a source whose metadump is BUSY once, then has lines memcached never prints (bad escapes, bytes no key may hold, no key, bad exp/size): those are skipped, the good keys move; a stop request is seen during a long stretch of lines that move nothing
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/hostile_server.php';
mr_flush_all();
$dump = tempnam(sys_get_temp_dir(), 'mr-dump-');
$h = hostile_start('dump', 60, $dump);
$src = $h['addr'];
$dst = mr_servers(1)[0];
// the source's own items: ten that move, one about to expire
for ($i = 0; $i < 10; $i++) {
    mr_raw($src, "ms dm$i 3 T0 F7\r\nv-$i");
}
mr_raw($src, "ms ttl1:short 1 T0\r\ns");   // reports one second left (see the mode)
$mr = new MemRehash([$src], [$dst], ['name' => 'core-phpt-drain-odd-' . getmypid(), 'timeout' => 2000]);

// 1. 4,200 lines that name no key, then the good ones: the stop request
//    (progress returns false) is seen at line 4,096, before anything moves
$good = '';
for ($i = 0; $i < 10; $i++) {
    $good .= "key=dm$i exp=-1 la=1 cas=1 fetch=no cls=1 size=70\n";
}
file_put_contents($dump, str_repeat("mystery line\n", 4200) . $good);
$calls = 0;
$r = $mr->drain($src, ['progress' => function (array $t) use (&$calls) { $calls++; return false; }]);
var_dump($r['stopped'], $calls, $r['moved'], $r['skipped'] >= 4095);
echo "source still holds dm0: ", mr_raw($src, 'mg dm0 v') === "VA 3\r\nv-0\r\n" ? 'yes' : 'no', "\n";

// 2. lines memcached never prints, one of each kind, among the good ones
$odd = [
    'key=a%2 exp=-1',          // an escape cut short
    'key=a%zzb exp=-1',        // not hex
    'key=a%20b exp=-1',        // decodes to a space: no key may hold it
    'key= exp=-1',             // no key
    'nokey=x exp=-1',          // not a key= line
    'key=x exp=abc',           // exp not a number
    'key=x size=abc',          // size not a number
];
$soon = 'key=soon exp=' . (time() + 1) . ' size=1';   // expires within a second: not moved
file_put_contents($dump, implode("\n", $odd) . "\n$soon\nkey=ttl1:short exp=-1 size=1\nkey=gone1 exp=-1 size=1\n" . $good);
$r = $mr->drain($src);
/* a second walk (it moved keys) sees the same dump again: soon and ttl1:short
 * are counted expired again, and gone1 and the ten moved ones gone */
printf("stopped %s moved %d skipped %d expired %d gone %d errors %d scanned %d\n",
    $r['stopped'], $r['moved'], $r['skipped'], $r['expired'], $r['gone'], $r['errors'], $r['scanned']);
// judged by the servers: the target holds the ten with their flags, the source none
$peer = mr_peer([$dst]);
$ok = 0;
for ($i = 0; $i < 10; $i++) {
    $ok += mr_raw($dst, "mg dm$i v f") === "VA 3 f7\r\nv-$i\r\n";
}
echo "at the target: $ok of 10 with their flags\n";
$left = 0;
for ($i = 0; $i < 10; $i++) {
    $left += mr_raw($src, "mg dm$i v") !== "EN\r\n";
}
echo "left at the source: $left\n";
var_dump($peer->get('ttl1:short'), $peer->get('soon'));
hostile_stop($h);
unlink($dump);
?>
--EXPECT--
string(8) "callback"
int(1)
int(0)
bool(true)
source still holds dm0: yes
stopped done moved 10 skipped 7 expired 4 gone 12 errors 0 scanned 33
at the target: 10 of 10 with their flags
left at the source: 0
bool(false)
bool(false)
