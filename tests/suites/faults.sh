#!/usr/bin/env bash
# Suite: faults under load, longer than the phpunit suite runs them.
#
# Runs tests/phpunit/FaultsTest.php (several pcntl_fork workers reading,
# writing, deleting and moving keys while the test's own memcached servers
# are SIGKILLed and restarted, and SIGSTOPped/SIGCONTed; see the test's
# header) with MR_FAULTS_SECONDS of load per scenario: 30 by default, 10
# with MR_QUICK=1 (the phpunit suite runs the same tests with 8). The test
# starts and stops its servers itself, on free ports, by pid; the standard
# test servers are left alone.
#
# The phpunit suite counts these test cases already: here each passing one
# is a rerun (tests/run.sh shows it on its own line, not in N passed) and
# each failing one a failure. Prints "N passed, N failed (...)" last.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out=$root/tests/output
mkdir -p "$out"
php_bin=${MR_PHP:-$(command -v php)}
ext=${MR_EXT:-$root/modules/memrehash.so}
junit=$out/faults-junit.xml

if [[ -z ${MR_FAULTS_SECONDS:-} ]]; then
	if [[ ${MR_QUICK:-0} == 1 ]]; then
		export MR_FAULTS_SECONDS=10
	else
		export MR_FAULTS_SECONDS=30
	fi
fi
phpunit_bin=$(command -v phpunit || true)
if [[ -z $phpunit_bin || ! -f $ext ]]; then
	not_ok "faults: ${phpunit_bin:-phpunit not installed}${phpunit_bin:+, $ext not built}"
	finish
fi
command -v memcached >/dev/null || {
	not_ok "faults: memcached not installed"
	finish
}

echo "faults: $MR_FAULTS_SECONDS s of load per scenario"
rm -f "$junit"
timeout -k 30 "${MR_FAULTS_TIMEOUT:-900}" "$php_bin" -d "extension=$ext" "$phpunit_bin" \
	-c tests/phpunit/phpunit.xml --filter FaultsTest --log-junit "$junit" </dev/null 2>&1 | tee "$out/faults.log"
rc=${PIPESTATUS[0]}
echo "faults: phpunit exited $rc"

if [[ ! -s $junit ]]; then
	not_ok "faults: phpunit exited $rc without a JUnit log"
	finish
fi
counts=$("$php_bin" -r '
$x = simplexml_load_file($argv[1]);
$p = $f = 0;
foreach ($x->xpath("//testcase") as $tc) {
    $name = $tc["class"] . "::" . $tc["name"];
    if ($tc->failure->count() || $tc->error->count() || $tc->skipped->count() || $tc->warning->count()) {
        echo "not ok - $name\n";
        $f++;
    } else {
        echo "rerun ok - $name (" . round((float)$tc["time"], 1) . " s)\n";
        $p++;
    }
}
echo "$p $f\n";
' "$junit")
echo "$counts" | sed '$d'
read -r reruns fail <<<"$(echo "$counts" | tail -n 1)"
if [[ $rc -ne 0 && $fail -eq 0 ]]; then
	fail=1
fi
if [[ $((reruns + fail)) -eq 0 ]]; then
	fail=1
fi
finish
