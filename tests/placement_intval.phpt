--TEST--
placement: DIST_INTVAL is ((int)$key % n + n) % n with PHP's own (int) cast; weights and prefix do not matter
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$keys = ['12abc', 'abc', '1e3', '-7', '99999999999999999999', '-99999999999999999999', '12.9', '-12.9', '0x1A',
    '007', '1e100', '-1e100', '1e1000', '-0', '0', '1', '2', '3', '4', '5', '-1', '-2', '-3', '-4', '+5', '.5', '5.',
    '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '1.5e3', '12e',
    '1_000', 'user:42', '42:user', "4\xff", 'NaN', 'INF', '0b11', '  '];
array_pop($keys); // (no whitespace keys: those are bad input)
for ($i = -300; $i < 300; $i += 7) {
    $keys[] = (string)$i;
    $keys[] = "{$i}_suffix";
}
$bad = 0;
foreach ([[3, 2], [2, 3], [4, 1], [5, 4]] as [$no, $nn]) {
    $old = mr_servers($no);
    $new = mr_servers($nn, 5 - $nn);
    $weighted = array_map(fn($s) => "$s:" . (7 + strlen($s) % 5), $new);
    $a = new MemRehash($old, $new, ['name' => 'core-phpt-intval', 'distribution' => MemRehash::DIST_INTVAL]);
    $b = new MemRehash($old, $weighted, ['name' => 'core-phpt-intval', 'distribution' => MemRehash::DIST_INTVAL, 'prefix' => '9']);
    foreach ($keys as $k) {
        $o = $old[(((int)$k % $no) + $no) % $no];
        $n = $new[(((int)$k % $nn) + $nn) % $nn];
        $want = ['old' => $o, 'new' => $n, 'moves' => $o !== $n];
        foreach (['plain' => $a, 'weighted+prefix' => $b] as $what => $mr) {
            if ($mr->locate($k) !== $want) {
                $bad++;
                echo "$what $no->$nn: $k (int ", (int)$k, "): ", json_encode($mr->locate($k)), " want ", json_encode($want), "\n";
            }
        }
    }
}
echo count($keys), " keys, $bad wrong\n";
?>
--EXPECTF--
%d keys, 0 wrong
