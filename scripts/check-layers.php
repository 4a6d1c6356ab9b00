<?php
/* check-layers: derives which source file depends on which from the C
 * sources themselves and fails when two files depend on each other, directly
 * or around a loop.
 *
 *   php scripts/check-layers.php            prints the layers; exit 1 on a cycle
 *   php scripts/check-layers.php --dot      the graph in Graphviz form
 *   php scripts/check-layers.php DIR        the sources in DIR (default: the checkout)
 *
 * A file's unit is its name without .c/.h (mr_pool.c and mr_pool.h are one
 * unit; a generated X_arginfo.h belongs to X). Unit A depends on unit B
 * when a file of A includes a header of B, or names a function (or a
 * function-like macro) that B defines: a call, or a function passed by name.
 * Comments and string literals are ignored. */

$dot = in_array('--dot', $argv, true);
$dirs = array_values(array_filter(array_slice($argv, 1), fn($a) => $a !== '--dot'));
$root = $dirs[0] ?? dirname(__DIR__);

/* the extension's sources: the top directory's .c and .h files, but not
 * configure's config.h */
$files = array_filter(array_merge(glob("$root/*.c"), glob("$root/*.h")), fn($f) => basename($f) !== 'config.h');
sort($files);
if (!$files) {
    fwrite(STDERR, "check-layers: no C sources in $root\n");
    exit(2);
}

/* Returns the unit a file belongs to. */
function unit_of(string $file): string
{
    $base = preg_replace('/\.[ch]$/', '', basename($file));
    return preg_replace('/_arginfo$/', '', $base);
}

/* Returns the source without comments and string / char literals. */
function strip_source(string $src): string
{
    return preg_replace_callback(
        '~/\*.*?\*/|//[^\n]*|"(?:\\\\.|[^"\\\\\n])*"|\'(?:\\\\.|[^\'\\\\\n])*\'~s',
        fn($m) => $m[0][0] === '"' || $m[0][0] === '\'' ? '""' : str_repeat("\n", substr_count($m[0], "\n")),
        $src
    );
}

$units = [];      /* unit => true */
$defined = [];    /* symbol => unit that defines it */
$stripped = [];   /* file => source without comments and strings */
$includes = [];   /* file => headers it includes (project headers only) */

foreach ($files as $f) {
    $src = file_get_contents($f);
    $u = unit_of($f);
    $units[$u] = true;
    preg_match_all('/^\s*#\s*include\s+"([^"]+)"/m', $src, $m);
    $includes[$f] = $m[1];
    $s = strip_source($src);
    $stripped[$f] = $s;
    /* function definitions at file scope: a line starting at column 0 whose
     * parameter list is followed by a body, not a ';' */
    preg_match_all('/^(?!typedef|#|\s)[^;{}()=]*?\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{/m', $s, $m);
    foreach ($m[1] as $name) {
        if (!preg_match('/^(if|for|while|switch|return|sizeof)$/', $name)) {
            $defined[$name] ??= $u;
        }
    }
    /* function-like macros of headers */
    if (str_ends_with($f, '.h')) {
        preg_match_all('/^\s*#\s*define\s+([A-Za-z_]\w*)\(/m', $s, $m);
        foreach ($m[1] as $name) {
            $defined[$name] ??= $u;
        }
    }
}

$edges = [];      /* unit => [unit => why] */
foreach ($files as $f) {
    $u = unit_of($f);
    foreach ($includes[$f] as $h) {
        if (!in_array("$root/$h", $files, true)) {
            continue; /* a PHP, system or configure header */
        }
        $v = unit_of($h);
        if ($v !== $u) {
            $edges[$u][$v] ??= basename($f) . " includes $h";
        }
    }
    preg_match_all('/\b([A-Za-z_]\w*)\b/', $stripped[$f], $m);
    foreach (array_unique($m[1]) as $name) {
        $v = $defined[$name] ?? null;
        if ($v === null || $v === $u || !preg_match('/^(mr_|memrehash_|MR_)/', $name)) {
            continue;
        }
        $edges[$u][$v] ??= basename($f) . " uses $name()";
    }
}

if ($dot) {
    echo "digraph layers {\n";
    foreach ($edges as $u => $to) {
        foreach ($to as $v => $why) {
            echo "  \"$u\" -> \"$v\";\n";
        }
    }
    echo "}\n";
    exit(0);
}

/* Finds a cycle by depth-first search; returns its units, or []. */
function find_cycle(array $units, array $edges): array
{
    $state = [];
    $stack = [];
    $visit = function (string $u) use (&$visit, &$state, &$stack, $edges): array {
        $state[$u] = 1;
        $stack[] = $u;
        foreach (array_keys($edges[$u] ?? []) as $v) {
            if (($state[$v] ?? 0) === 1) {
                return array_merge(array_slice($stack, array_search($v, $stack, true)), [$v]);
            }
            if (($state[$v] ?? 0) === 0 && ($c = $visit($v))) {
                return $c;
            }
        }
        array_pop($stack);
        $state[$u] = 2;
        return [];
    };
    foreach (array_keys($units) as $u) {
        if (($state[$u] ?? 0) === 0 && ($c = $visit($u))) {
            return $c;
        }
    }
    return [];
}

$cycle = find_cycle($units, $edges);
if ($cycle) {
    echo "check-layers: cycle between source files:\n";
    for ($i = 0; $i + 1 < count($cycle); $i++) {
        printf("  %s -> %s (%s)\n", $cycle[$i], $cycle[$i + 1], $edges[$cycle[$i]][$cycle[$i + 1]]);
    }
    exit(1);
}

/* no cycle: print the units layer by layer, lowest first (a unit's layer is
 * one above the highest unit it depends on) */
$layer = [];
$depth = function (string $u) use (&$depth, &$layer, $edges): int {
    if (!isset($layer[$u])) {
        $d = 0;
        foreach (array_keys($edges[$u] ?? []) as $v) {
            $d = max($d, $depth($v) + 1);
        }
        $layer[$u] = $d;
    }
    return $layer[$u];
};
foreach (array_keys($units) as $u) {
    $depth($u);
}
$by = [];
foreach ($layer as $u => $d) {
    $by[$d][] = $u;
}
ksort($by);
foreach ($by as $d => $us) {
    sort($us);
    $parts = [];
    foreach ($us as $u) {
        $deps = array_keys($edges[$u] ?? []);
        sort($deps);
        $parts[] = $deps ? "$u (-> " . implode(', ', $deps) . ")" : $u;
    }
    printf("layer %d: %s\n", $d, implode('; ', $parts));
}
echo "check-layers: no cycle among " . count($units) . " units\n";
exit(0);
