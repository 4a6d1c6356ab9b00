#!/usr/bin/env bash
# Third-party code over a migrating pool (issue 12 items 5 and 6), with the
# libraries unmodified from Debian's /usr/share/php: php-cache-integration-
# tests' PSR-6 and PSR-16 suites through Symfony's MemcachedAdapter and
# Psr16Cache over the drop-in; Laravel's Repository, MemcachedStore and
# MemcachedLock over the drop-in and over MemRehash; Symfony's session
# handler, Lock store and DI container; the README's framework snippets.
# PHPUnit config tests/frameworks/phpunit.xml, run with zend.assertions=1
# (Symfony checks keys with assert()). Every test case counts: one "ok" or
# "not ok" line each (skipped and incomplete count as failed), then a line
# per test class, then "N passed, N failed".
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ext=${MR_EXT:-$root/modules/memrehash.so}
out=${MR_OUTPUT:-$root/tests/output}
mkdir -p "$out"
junit=$out/frameworks-junit.xml
log=$out/frameworks-phpunit.log
rm -f "$junit"

phpunit_bin=$(command -v phpunit || true)
if [[ -z $phpunit_bin ]]; then
	not_ok "phpunit is not installed (bash scripts/deps.sh)"
	finish
fi

php -d zend.assertions=1 -d "extension=$ext" "$phpunit_bin" -c tests/frameworks/phpunit.xml \
	--log-junit "$junit" </dev/null >"$log" 2>&1
rc=$?
if [[ ! -s $junit ]]; then
	tail -n 20 "$log"
	not_ok "phpunit exited $rc without a JUnit log (see $log)"
	finish
fi

# One line per test case, then per class: "P passed, F failed" lines the
# loop below counts.
results=$(php -- "$junit" <<'PHP'
<?php
$x = simplexml_load_file($argv[1]);
$classes = [];
foreach ($x->xpath('//testcase') as $tc) {
    $class = (string)$tc['class'];
    $name = $class . '::' . (string)$tc['name'];
    $bad = $tc->failure->count() || $tc->error->count() || $tc->warning->count() || $tc->skipped->count();
    $why = '';
    foreach (['failure', 'error', 'warning', 'skipped'] as $kind) {
        if ($tc->$kind->count()) {
            $lines = preg_split('/\R/', trim((string)$tc->$kind));
            $why = " ($kind: " . substr($lines[1] ?? $lines[0], 0, 200) . ')';
            break;
        }
    }
    echo ($bad ? 'FAIL ' : 'PASS ') . $name . $why . "\n";
    $classes[$class][$bad ? 1 : 0] = ($classes[$class][$bad ? 1 : 0] ?? 0) + 1;
}
foreach ($classes as $class => $c) {
    echo 'CLASS ' . $class . ': ' . ($c[0] ?? 0) . ' passed, ' . ($c[1] ?? 0) . " failed\n";
}
PHP
)
while IFS= read -r line; do
	case $line in
	PASS\ *) ok "${line#PASS }" ;;
	FAIL\ *) not_ok "${line#FAIL }" ;;
	CLASS\ *) echo "# ${line#CLASS }" ;;
	esac
done <<<"$results"
if [[ $rc -ne 0 && $fail -eq 0 ]]; then
	not_ok "phpunit exited $rc with no failed test (see $log)"
fi
finish
