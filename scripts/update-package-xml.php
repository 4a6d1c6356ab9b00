<?php
/* Regenerates the <contents> section of package.xml from the files git
 * knows (tracked, plus new files not ignored by .gitignore), so a release
 * ships every source and test file. Run it after adding or removing a file:
 *
 *   php scripts/update-package-xml.php          rewrite <contents>
 *   php scripts/update-package-xml.php --check  exit 1 and list what differs
 *
 * Roles: top-level sources (.c .h .m4 .stub.php ...) src; tests/, fuzz/ and
 * bench/ test; bin/ script (installed into PEAR's bin_dir); admin/, docs/
 * and the top-level README, LICENSE, CREDITS, memrehash.ini doc. Not shipped:
 * package.xml itself, dot files, .ci/, scripts/, tests/output/,
 * fuzz/corpus/ (the fuzzers' seeds: fuzz/*.c ship, the data does not), backups
 * (config.h.in~ from phpize, *.orig, *.rej, *.swp) and tarballs. */

$root = dirname(__DIR__);
chdir($root);
$check = in_array('--check', $argv, true);

/** Returns the package role of $path, or null if it does not ship. */
function mr_role(string $path): ?string
{
    $top = strtok($path, '/');
    $base = basename($path);
    if ($path === 'package.xml' || $base[0] === '.' || $top[0] === '.'
        || in_array($top, ['scripts', 'build', 'modules', 'autom4te.cache'], true)
        || str_starts_with($path, 'tests/output/')
        || str_starts_with($path, 'fuzz/corpus/')       /* fuzzer data, grows */
        || preg_match('/(\.tgz|~|\.orig|\.rej|\.swp)$/', $path)) {  /* builds, editor and autoconf backups */
        return null;
    }
    /* run-tests.php leaves NAME.php, NAME.sh, NAME.diff... beside a failed
     * NAME.phpt: its own output, never a file of ours. */
    if (preg_match('/^(.*)\.(php|sh|diff|exp|log|out|mem)$/', $path, $m) && is_file("$m[1].phpt")) {
        return null;
    }
    if ($top === $path) { /* top level */
        if (in_array($base, ['README.md', 'LICENSE', 'CREDITS', 'memrehash.ini'], true)
            || preg_match('/\.(md|txt)$/', $base)) {
            return 'doc';
        }
        return 'src';
    }
    return match ($top) {
        'tests', 'fuzz', 'bench' => 'test',
        'bin' => 'script',
        'admin', 'docs' => 'doc',
        default => 'src',
    };
}

/** Returns [path => role] for every file git knows that ships, sorted. */
function mr_wanted(): array
{
    exec('git ls-files -z --cached --others --exclude-standard 2>/dev/null', $out, $rc);
    if ($rc !== 0) {
        fwrite(STDERR, "update-package-xml: not a git work tree\n");
        exit(2);
    }
    $files = [];
    foreach (explode("\0", implode("\n", $out)) as $f) {
        $f = trim($f, "\n");
        if ($f === '' || !is_file($f)) { /* deleted in the work tree */
            continue;
        }
        $role = mr_role($f);
        if ($role !== null) {
            $files[$f] = $role;
        }
    }
    ksort($files, SORT_STRING);
    return $files;
}

$xml = file_get_contents('package.xml');
if ($xml === false || !preg_match('~( *)<contents>.*?</contents>~s', $xml, $m)) {
    fwrite(STDERR, "update-package-xml: package.xml has no <contents> section\n");
    exit(2);
}
$indent = $m[1];
$wanted = mr_wanted();

if ($check) {
    $doc = simplexml_load_string($xml);
    $doc->registerXPathNamespace('p', 'http://pear.php.net/dtd/package-2.0');
    $listed = [];
    foreach ($doc->xpath('//p:contents//p:file') as $f) {
        /* a file's path is its <dir> ancestors' names, then its own */
        $path = (string)$f['name'];
        $f->registerXPathNamespace('p', 'http://pear.php.net/dtd/package-2.0');
        foreach (array_reverse($f->xpath('ancestor::p:dir')) as $d) {  /* innermost first */
            $path = ((string)$d['name'] === '/' ? '' : (string)$d['name'] . '/') . $path;
        }
        $listed[$path] = (string)$f['role'];
    }
    $bad = 0;
    foreach ($wanted as $f => $role) {
        if (!isset($listed[$f])) {
            echo "not in package.xml: $f\n";
            $bad++;
        } elseif ($listed[$f] !== $role) {
            echo "role of $f is {$listed[$f]}, want $role\n";
            $bad++;
        }
    }
    foreach ($listed as $f => $role) {
        if (!isset($wanted[$f])) {
            echo is_file($f) ? "in package.xml but not in git (or not shipped): $f\n"
                             : "in package.xml but missing: $f\n";
            $bad++;
        }
    }
    if ($bad) {
        echo "package.xml <contents> is stale: run php scripts/update-package-xml.php\n";
        exit(1);
    }
    echo "package.xml <contents>: " . count($wanted) . " files, up to date\n";
    exit(0);
}

/* Nested <dir> elements, each <file> by its base name (the usual PECL
 * layout, and what the project's before-stop check looks for). */
$tree = [];
foreach ($wanted as $f => $role) {
    $node = &$tree;
    $parts = explode('/', $f);
    $base = array_pop($parts);
    foreach ($parts as $d) {
        $node = &$node['dirs'][$d];
    }
    $node['files'][$base] = $role;
    unset($node);
}
function mr_emit_dir(array $node, string $pad, array &$lines): void
{
    $dirs = $node['dirs'] ?? [];
    ksort($dirs);
    foreach ($dirs as $name => $sub) {
        $lines[] = "$pad<dir name=\"" . htmlspecialchars($name, ENT_XML1 | ENT_QUOTES) . "\">";
        mr_emit_dir($sub, "$pad ", $lines);
        $lines[] = "$pad</dir>";
    }
    $files = $node['files'] ?? [];
    ksort($files);
    foreach ($files as $name => $role) {
        $lines[] = "$pad<file name=\"" . htmlspecialchars($name, ENT_XML1 | ENT_QUOTES) . "\" role=\"$role\"/>";
    }
}
$lines = ["$indent<contents>", "$indent <dir name=\"/\">"];
mr_emit_dir($tree, "$indent  ", $lines);
$lines[] = "$indent </dir>";
$lines[] = "$indent</contents>";
$new = str_replace($m[0], implode("\n", $lines), $xml);
if ($new !== $xml) {
    file_put_contents('package.xml', $new);
    echo "package.xml: <contents> now lists " . count($wanted) . " files\n";
} else {
    echo "package.xml: <contents> already up to date (" . count($wanted) . " files)\n";
}

/* The version lives in php_memrehash.h; package.xml must agree. */
if (preg_match('/#define\s+PHP_MEMREHASH_VERSION\s+"([^"]+)"/', (string)@file_get_contents('php_memrehash.h'), $v)
    && preg_match('~<release>([^<]+)</release>~', $new, $r) && $v[1] !== $r[1]) {
    fwrite(STDERR, "warning: PHP_MEMREHASH_VERSION is $v[1] but package.xml <release> is $r[1]\n");
}
