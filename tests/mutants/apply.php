<?php
/*
 * tests/mutants/apply.php DIR list          prints "id<TAB>quick|full<TAB>tests (space separated)<TAB>what" per mutant
 * tests/mutants/apply.php DIR apply ID      applies mutant ID to the *.c files in DIR (a copy of the sources);
 *                                           prints the files it changed; exit 3 when an edit does not match
 *                                           exactly once across all of them (the mutant no longer applies)
 * Mutants: tests/mutants/mutants.php (found by content, see there).
 */
$mutants = require __DIR__ . '/mutants.php';
[$dir, $cmd] = [$argv[1] ?? '', $argv[2] ?? ''];
if ($cmd === 'list') {
    foreach ($mutants as $id => $m) {
        echo $id, "\t", empty($m['full']) ? 'quick' : 'full', "\t", implode(' ', $m['tests']), "\t", $m['what'], "\n";
    }
    exit(0);
}
$id = $argv[3] ?? '';
if ($cmd !== 'apply' || !isset($mutants[$id]) || !is_dir($dir)) {
    fwrite(STDERR, "usage: apply.php DIR list | apply.php DIR apply ID\n");
    exit(2);
}
$files = glob("$dir/*.c");
$text = [];
foreach ($files as $f) {
    $text[$f] = file_get_contents($f);
}
$changed = [];
foreach ($mutants[$id]['edits'] as $i => [$find, $replace]) {
    $where = [];
    foreach ($text as $f => $t) {
        $n = preg_match_all($find, $t);
        if ($n === false) {
            fwrite(STDERR, "mutant $id, edit $i: bad pattern $find\n");
            exit(3);
        }
        if ($n) {
            $where[$f] = $n;
        }
    }
    if (array_sum($where) !== 1) {
        fwrite(STDERR, "mutant $id, edit $i: the pattern matches " . array_sum($where) . " times in *.c (must be once): $find\n");
        exit(3);
    }
    $f = array_key_first($where);
    $text[$f] = preg_replace($find, $replace, $text[$f], 1);
    $changed[$f] = true;
}
foreach (array_keys($changed) as $f) {
    file_put_contents($f, $text[$f]);
    echo basename($f), "\n";
}
