<?php
// Draws bench/scale.php's JSON as an SVG chart: one panel per pool size,
// value sizes down, keys per call across, each cell coloured by its ratio
// MemRehash / PECL (green below 1.0: MemRehash faster; red above) with the
// ratio written in it; the fresh object's request and the warm object's
// calls side by side.
//
// php bench/scale_chart.php grid.json out.svg
declare(strict_types=1);

if ($argc < 3) {
    fwrite(STDERR, "usage: php bench/scale_chart.php grid.json out.svg\n");
    exit(2);
}
$grid = json_decode((string) file_get_contents($argv[1]), true);
if (!is_array($grid) || !isset($grid['cells'])) {
    fwrite(STDERR, "scale_chart: $argv[1] is not bench/scale.php's JSON\n");
    exit(1);
}
$cells = $grid['cells'];
$servers = array_values(array_unique(array_column($cells, 'servers')));
$keys = array_values(array_unique(array_column($cells, 'keys')));
$sizes = array_values(array_unique(array_column($cells, 'size')));
sort($keys);
sort($sizes);

/** Returns the fill colour for a ratio (log scale, 0.25x .. 4x). */
function colour(?float $r): string
{
    if ($r === null) {
        return '#eeeeee';
    }
    $t = max(-1.0, min(1.0, log($r, 4)));   // -1: 0.25x, 0: 1x, 1: 4x
    [$lo, $mid, $hi] = [[26, 150, 65], [255, 255, 191], [215, 48, 39]];
    $from = $t < 0 ? $mid : $mid;
    $to = $t < 0 ? $lo : $hi;
    $a = abs($t);
    $c = array_map(fn($i) => (int) round($from[$i] + ($to[$i] - $from[$i]) * $a), [0, 1, 2]);
    return sprintf('#%02x%02x%02x', ...$c);
}

function size_label(int $v): string
{
    return $v >= 1000000 ? ($v / 1000000) . ' MB' : ($v >= 1000 ? ($v / 1000) . ' KB' : "$v B");
}

$cw = 58;
$ch = 24;
$left = 70;
$top = 60;
$panel_w = max(360, $left + $cw * count($keys) + 20);
$panel_h = 40 + $ch * count($sizes) + 20;
$parts = ['fresh' => 'fresh object: new + set/get/deleteMulti', 'warm' => 'warm object: the three calls again'];
$width = max(820, $panel_w * count($parts) + 20);
$height = $top + $panel_h * count($servers) + 40;
$svg = [];
$svg[] = sprintf('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">', $width, $height);
$svg[] = sprintf('<rect width="%d" height="%d" fill="white"/>', $width, $height);
$svg[] = sprintf('<text x="10" y="20" font-size="14" font-weight="bold">memrehash scaling grid: MemRehash / PECL Memcached time (below 1.00: MemRehash faster)</text>');
$svg[] = sprintf('<text x="10" y="38">%s, PHP %s, %d rounds interleaved, medians; load average %.1f (shared machine)</text>',
    htmlspecialchars((string) $grid['when']), htmlspecialchars((string) $grid['php']), (int) $grid['rounds'], (float) ($grid['load_average'][0] ?? 0));
foreach (array_keys($parts) as $pi => $part) {
    $x0 = 10 + $pi * $panel_w;
    $svg[] = sprintf('<text x="%d" y="%d" font-weight="bold">%s</text>', $x0, $top - 6, htmlspecialchars($parts[$part]));
    foreach ($servers as $si => $s) {
        $y0 = $top + $si * $panel_h;
        $svg[] = sprintf('<text x="%d" y="%d" font-weight="bold">%d servers</text>', $x0, $y0 + 16, $s);
        foreach ($keys as $ki => $k) {
            $svg[] = sprintf('<text x="%d" y="%d" text-anchor="middle">%d keys</text>', $x0 + $left + $ki * $cw + $cw / 2, $y0 + 34, $k);
        }
        foreach ($sizes as $vi => $v) {
            $y = $y0 + 40 + $vi * $ch;
            $svg[] = sprintf('<text x="%d" y="%d">%s</text>', $x0 + 8, $y + 16, size_label($v));
            foreach ($keys as $ki => $k) {
                $cell = null;
                foreach ($cells as $c) {
                    if ($c['servers'] === $s && $c['keys'] === $k && $c['size'] === $v) {
                        $cell = $c;
                    }
                }
                $r = isset($cell['ratio'][$part]) ? (float) $cell['ratio'][$part] : null;
                $x = $x0 + $left + $ki * $cw;
                $svg[] = sprintf('<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="white"/>', $x, $y, $cw, $ch, colour($r));
                $svg[] = sprintf('<text x="%d" y="%d" text-anchor="middle">%s</text>', $x + $cw / 2, $y + 16, $r === null ? '-' : sprintf('%.2fx', $r));
            }
        }
    }
}
$svg[] = sprintf('<text x="10" y="%d">"-": not run (K x V above the servers\' memory cap). Colours: log scale, green 0.25x .. yellow 1x .. red 4x.</text>', $height - 14);
$svg[] = '</svg>';
file_put_contents($argv[2], implode("\n", $svg) . "\n");
echo "scale_chart: wrote $argv[2]\n";
