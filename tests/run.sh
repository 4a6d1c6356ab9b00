#!/usr/bin/env bash
# THE test command: bash tests/run.sh
#
# Installs what is missing (scripts/deps.sh), builds modules/memrehash.so
# (scripts/build.sh), starts the test memcached servers (scripts/servers.sh,
# stopped by pid on exit, whatever happens), runs the suites, counts every
# distinct check, and ends with one line, "N passed, N failed". Exit status:
# 0 only if nothing failed and at least one check ran.
#
# Suites, in this order:
#   phpt      tests/**/*.phpt through php-src's run-tests.php
#   valgrind  the same phpt files under valgrind memcheck (run-tests.php -m)
#   phpunit   tests/phpunit/ (phpunit.xml), counted from its JUnit log
#   NAME      each tests/suites/NAME.sh: an executable script that prints its
#             own "N passed, N failed" as its last line (tests/suites/lib.sh,
#             which the suites source for that line, is not a suite)
#
# Environment:
#   MR_QUICK=1          skip valgrind and suites marked "# mr-suite: slow"
#   MR_SUITES="a b"     run only these suites (names above; comma or space);
#                       a suite named here runs even under MR_QUICK
#   MR_SKIP_DEPS=1      do not run scripts/deps.sh
#   MR_SUITE_TIMEOUT=s  time limit of one suite (default 1800; valgrind 3000)
#   MR_TEST_PORTS, MR_TEST_HOST   see scripts/servers.sh and tests/config.inc
#
# Counting rules:
#   phpt: PASS counts as passed. SKIP counts as passed-over (neither) only
#   when its reason says an extension the test needs is missing AND that
#   extension really is not loaded (e.g. "skip msgpack extension not loaded",
#   or an --EXTENSIONS-- section); memrehash itself is never such an
#   extension. Under valgrind, a reason starting "not under valgrind" is
#   also passed over. Every other SKIP, and FAIL, BORK, WARN, LEAK,
#   LEAK&FAIL, XFAIL and XLEAK, counts as failed, as does a test that
#   printed no result at all (run-tests.php died or timed out).
#   phpunit: each <testcase> in the JUnit log; failure, error, skipped and
#   incomplete count as failed (skipped passes over under the same
#   extension rule); a non-zero exit with no failed test adds one failure.
#   suites: their last line; a missing line or a non-zero exit with
#   "0 failed" adds one failure.
#
# What "N passed" counts: distinct checks only. Reruns of checks counted
# elsewhere (the phpt files under valgrind; under ASan, PHP 8.4 and ZTS PHP
# in the asan, php84 and zts suites; FaultsTest in the
# faults suite)
# and set-up steps (the ASan build, starting php-fpm, building and
# installing the package) are reported on lines of their own, above the
# last, and never added to N passed. Their failures still count: a test
# that fails under valgrind or ASan, a sanitizer report, a set-up step that
# failed, each adds to N failed and makes the run red. A suite reports its
# steps and reruns on its last line: "N passed, N failed (S set-up steps,
# R reruns passed)" (tests/suites/lib.sh: step, rerun_ok). A suite that
# crashes (no last line, or a non-zero exit with 0 failed) is a failure.
#
# Logs: tests/output/ (run.log, build.log, phpt.log, valgrind.log,
# phpunit.log + phpunit-junit.xml, suite-NAME.log, run/ for the servers).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
root=$PWD
out=$root/tests/output
mkdir -p "$out"
export NO_INTERACTION=1 MR_ROOT=$root MR_OUTPUT=$out
export MR_RUN_DIR=${MR_RUN_DIR:-$out/run}
ext=$root/modules/memrehash.so
export MR_EXT=$ext
php_bin=$(command -v php 2>/dev/null || true)
quick=${MR_QUICK:-0}
export MR_QUICK=$quick

total_pass=0
total_fail=0
total_reruns=0
total_steps=0
summary=()
suite_mark=$SECONDS # when the suite being recorded started (record)

# record NAME PASSED FAILED SKIPPED [NOTE [STEPS RERUNS]]: adds a suite's
# counts; its set-up steps and passed reruns go on their own totals.
record() {
	local line
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	total_steps=$((total_steps + ${6:-0}))
	total_reruns=$((total_reruns + ${7:-0}))
	line=$(printf '%-10s %4d passed, %4d failed' "$1:" "$2" "$3")
	[[ ${4:-0} -gt 0 ]] && line+=", $4 passed over (extension missing)"
	[[ ${6:-0} -gt 0 ]] && line+=", $6 set-up steps"
	[[ ${7:-0} -gt 0 ]] && line+=", $7 reruns passed"
	[[ -n ${5:-} ]] && line+="  ($5)"
	line+="  [$((SECONDS - suite_mark)) s]" # the CI budget is per run: see where it goes
	suite_mark=$SECONDS
	summary+=("$line")
}

# record_rerun NAME PASSED FAILED SKIPPED [NOTE]: a suite that reruns checks
# counted elsewhere: its failures count, its passes go on the rerun total.
record_rerun() {
	record "$1" 0 "$3" "$4" "${5:-}" 0 "$2"
}

finish() {
	echo
	echo "== summary (logs in tests/output/) =="
	local s
	for s in "${summary[@]}"; do
		echo "$s"
	done
	local rc=0
	echo "not counted below: $total_reruns reruns passed (valgrind, ASan, ...), $total_steps set-up steps ok"
	if [[ $total_fail -gt 0 ]]; then
		rc=1
	elif [[ $total_pass -eq 0 ]]; then
		echo "no test ran: that is a failure"
		rc=1
	fi
	echo "$total_pass passed, $total_fail failed"
	exit $rc
}

servers_up=0
cleanup() {
	if [[ $servers_up -eq 1 ]]; then
		bash scripts/servers.sh stop >>"$out/run.log" 2>&1
		servers_up=0
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

: >"$out/run.log"
section() {
	echo
	echo "== $* =="
}

# ---- which suites ------------------------------------------------------
extra_suites=()
for f in tests/suites/*.sh; do
	[[ -f $f ]] || continue
	n=${f##*/}
	[[ $n == lib.sh ]] && continue # the suites' shared preamble, not a suite
	extra_suites+=("${n%.sh}")
done
known=(phpt valgrind phpunit "${extra_suites[@]}")

selected=()
explicit=0
if [[ -n ${MR_SUITES:-} ]]; then
	explicit=1
	read -r -a selected <<<"${MR_SUITES//,/ }"
	for s in "${selected[@]}"; do
		if [[ " ${known[*]} " != *" $s "* ]]; then
			echo "run.sh: unknown suite '$s' (known: ${known[*]})" >&2
			exit 2
		fi
	done
else
	selected=("${known[@]}")
fi

# wanted NAME: true if suite NAME is to run.
wanted() {
	[[ " ${selected[*]} " == *" $1 "* ]] || return 1
	[[ $explicit -eq 1 || $quick != 1 ]] && return 0
	[[ $1 == valgrind ]] && return 1
	if [[ -f tests/suites/$1.sh ]] && grep -q '^# mr-suite: slow' "tests/suites/$1.sh"; then
		return 1
	fi
	return 0
}

# run-tests.php writes tests/NAME.sh for tests/NAME.phpt: a run.phpt would
# overwrite this script.
if [[ -e tests/run.phpt ]]; then
	echo "run.sh: rename tests/run.phpt: run-tests.php would overwrite tests/run.sh with its run.sh" >&2
	record phpt 0 1 0 "tests/run.phpt must be renamed"
	finish
fi

# ---- deps, build, servers ----------------------------------------------
if [[ ${MR_SKIP_DEPS:-0} != 1 ]]; then
	section deps
	if ! bash scripts/deps.sh </dev/null; then
		record deps 0 1 0 "scripts/deps.sh failed"
		finish
	fi
	php_bin=$(command -v php)
fi
if [[ -z $php_bin ]]; then
	record deps 0 1 0 "no php"
	finish
fi

section build
# The whole build log is tests/output/build.log; show compiler diagnostics.
if ! bash scripts/build.sh </dev/null >/dev/null 2>&1; then
	tail -n 40 "$out/build.log"
	record build 0 1 0 "build failed: tests/output/build.log"
	finish
fi
grep -E '\.[ch]:[0-9]+:([0-9]+:)? (warning|error): ' "$out/build.log" | sort -u
echo "build: modules/memrehash.so ok (log: tests/output/build.log)"
suite_mark=$SECONDS

# restart_servers: fresh, empty servers for the next suite.
restart_servers() {
	bash scripts/servers.sh stop >>"$out/run.log" 2>&1
	servers_up=1
	if ! bash scripts/servers.sh start </dev/null >>"$out/run.log" 2>&1; then
		tail -n 20 "$out/run.log"
		return 1
	fi
}

# ---- helpers in PHP (run with the same php as the tests) ---------------

# classify_phpt LOG MODE: reads run-tests.php output, prints
# "passed failed passed_over", and one line per counted failure to stderr.
classify_phpt() {
	"$php_bin" -- "$@" <<'PHP'
<?php
[$log, $mode] = [$argv[1], $argv[2]];
$err = fopen('php://stderr', 'w');
/* An extension named in a skip reason, if the reason says it is missing. */
function missing_ext(string $reason): ?array {
    $r = strtolower(trim($reason));
    if (preg_match('/required extensions? missing:\s*(.+)$/', $r, $m)) {
        return array_map('trim', explode(',', $m[1]));
    }
    $pats = [
        '/ext\/([a-z0-9_]+)\b.*\b(missing|not loaded|not available|not installed|required|needed)/',
        '/\b([a-z0-9_]+) extension\b.*\b(missing|not loaded|not available|not installed|required|needed)/',
        '/\b(?:needs?|requires?) (?:the )?(?:ext\/)?([a-z0-9_]+) extension/',
        '/\b([a-z0-9_]+) (?:is )?not loaded\b/',
    ];
    foreach ($pats as $p) {
        if (preg_match($p, $r, $m)) {
            return [$m[1]];
        }
    }
    return null;
}
$pass = $fail = $over = 0;
$seen = [];
foreach (preg_split('/\r\n|\r|\n/', file_get_contents($log)) as $line) {
    $line = preg_replace(['/\e\[[0-9;]*m/', '/^TEST \d+\/\d+ \[[^\]]*\]\s*/'], '', $line);
    if (!preg_match('/^(PASS|FAIL|SKIP|BORK|WARN|LEAK|LEAK&FAIL|XFAIL|XLEAK) (.*)\[([^\]]+\.phpt)\]\s*(.*)$/', $line, $m)) {
        continue;
    }
    [, $res, $name, $file, $extra] = $m;
    $seen[$file] = true;
    if ($res === 'PASS') {
        $pass++;
        continue;
    }
    if ($res === 'SKIP') {
        $reason = preg_replace('/^reason:\s*/', '', $extra);
        if ($mode === 'valgrind' && preg_match('/^not under valgrind/i', $reason)) {
            $over++;
            continue;
        }
        $exts = missing_ext($reason);
        $ok = $exts !== null;
        foreach ($exts ?? [] as $e) {
            if ($e === 'memrehash' || $e === '' || extension_loaded($e)) {
                $ok = false;
            }
        }
        if ($ok) {
            $over++;
            continue;
        }
        fwrite($err, "  failed: SKIP $file ($reason): a skip only passes over a missing extension\n");
        $fail++;
        continue;
    }
    fwrite($err, "  failed: $res $file\n");
    $fail++;
}
/* Tests that printed no result: run-tests.php died or ran out of time. */
$expected = array_slice($argv, 3);
foreach ($expected as $f) {
    if (!isset($seen[$f])) {
        fwrite($err, "  failed: $f gave no result\n");
        $fail++;
    }
}
echo "$pass $fail $over\n";
PHP
}

# classify_junit FILE: PHPUnit's JUnit log -> "passed failed passed_over".
classify_junit() {
	"$php_bin" -- "$@" <<'PHP'
<?php
$err = fopen('php://stderr', 'w');
$x = @simplexml_load_file($argv[1]);
if ($x === false) {
    fwrite($err, "  failed: cannot read $argv[1]\n");
    echo "0 1 0\n";
    exit;
}
$pass = $fail = $over = 0;
foreach ($x->xpath('//testcase') as $tc) {
    $name = (string)$tc['class'] . '::' . (string)$tc['name'];
    if ($tc->failure->count() || $tc->error->count() || $tc->warning->count()) {
        fwrite($err, "  failed: $name\n");
        $fail++;
    } elseif ($tc->skipped->count()) {
        $msg = trim((string)$tc->skipped['message'] . ' ' . (string)$tc->skipped);
        if (preg_match('/\b([a-z0-9_]+) extension\b.*\b(missing|not loaded|not available)/i', $msg, $m)
            && strtolower($m[1]) !== 'memrehash' && !extension_loaded($m[1])) {
            $over++;
        } else {
            fwrite($err, "  failed: $name skipped or incomplete ($msg)\n");
            $fail++;
        }
    } else {
        $pass++;
    }
}
echo "$pass $fail $over\n";
PHP
}

# show_failed FILE: prints the "failed: ..." lines a classifier wrote.
show_failed() {
	[[ -s $1 ]] || return 0
	cat "$1"
	cat "$1" >>"$out/run.log"
}

# find_run_tests: prints the path of php-src's run-tests.php.
find_run_tests() {
	if [[ -f run-tests.php ]]; then
		echo "$root/run-tests.php"
		return
	fi
	local f
	for f in /usr/lib/php/*/build/run-tests.php; do
		[[ -f $f ]] && { echo "$f"; return; }
	done
	return 1
}

# run_phpt MODE (phpt|valgrind)
run_phpt() {
	local mode=$1 log=$out/$1.log rt counts p f o limit
	local -a files args
	mapfile -t files < <(find tests -path tests/output -prune -o -name '*.phpt' -print | LC_ALL=C sort)
	if [[ ${#files[@]} -eq 0 ]]; then
		record "$mode" 0 0 0 "no .phpt files"
		return
	fi
	if ! rt=$(find_run_tests); then
		record "$mode" 0 1 0 "run-tests.php not found"
		return
	fi
	restart_servers || { record "$mode" 0 1 0 "servers did not start"; return; }
	args=(-q --no-color --no-progress --show-diff -d "extension=$ext")
	limit=${MR_SUITE_TIMEOUT:-1800}
	if [[ $mode == phpt ]]; then
		args+=(--set-timeout 120)
	else
		# JIT-compiled code (PCRE's, OPcache's) reads in wide aligned chunks
		# past string ends on purpose; memcheck reports those as invalid reads
		args+=(-m --show-mem --set-timeout 600 -d pcre.jit=0 -d opcache.enable_cli=0 -d opcache.jit=0)
		limit=${MR_SUITE_TIMEOUT:-3000}
		# a memcached a test starts for itself (session_old_down.phpt) is not ours to trace
		export VALGRIND_OPTS="--leak-check=full --suppressions=$root/tests/valgrind.supp --error-exitcode=99 --trace-children-skip=*/memcached"
	fi
	TEST_PHP_EXECUTABLE=$php_bin timeout -k 30 "$limit" \
		"$php_bin" "$rt" "${args[@]}" "${files[@]}" </dev/null 2>&1 | tee "$log"
	unset VALGRIND_OPTS
	counts=$(classify_phpt "$log" "$mode" "${files[@]}" 2>"$out/$mode-failed.txt")
	show_failed "$out/$mode-failed.txt"
	read -r p f o <<<"$counts"
	if [[ $mode == valgrind ]]; then
		record_rerun "$mode" "${p:-0}" "${f:-1}" "${o:-0}"
	else
		record "$mode" "${p:-0}" "${f:-1}" "${o:-0}"
	fi
}

run_phpunit() {
	local log=$out/phpunit.log junit=$out/phpunit-junit.xml rc counts p f o
	local phpunit_bin
	phpunit_bin=$(command -v phpunit || true)
	if [[ -z $phpunit_bin ]]; then
		record phpunit 0 1 0 "phpunit not installed"
		return
	fi
	restart_servers || { record phpunit 0 1 0 "servers did not start"; return; }
	rm -f "$junit"
	# one process runs every test case, and each names pools of its own:
	# more than the 64 counter slots a host gets by default
	timeout -k 30 "${MR_SUITE_TIMEOUT:-1800}" \
		"$php_bin" -d "extension=$ext" -d memrehash.max_pools=1024 "$phpunit_bin" -c tests/phpunit/phpunit.xml \
		--log-junit "$junit" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	if [[ ! -s $junit ]]; then
		record phpunit 0 1 0 "phpunit exited $rc without a JUnit log"
		return
	fi
	counts=$(classify_junit "$junit" 2>"$out/phpunit-failed.txt")
	show_failed "$out/phpunit-failed.txt"
	read -r p f o <<<"$counts"
	if [[ $rc -ne 0 && ${f:-0} -eq 0 ]]; then
		record phpunit "${p:-0}" 1 "${o:-0}" "phpunit exited $rc"
	else
		record phpunit "${p:-0}" "${f:-1}" "${o:-0}"
	fi
}

# run_suite NAME: tests/suites/NAME.sh, counted from its last line.
run_suite() {
	local name=$1 script=tests/suites/$1.sh log=$out/suite-$1.log rc last p f
	restart_servers || { record "$name" 0 1 0 "servers did not start"; return; }
	local -a cmd=(bash "$script")
	[[ -x $script ]] && cmd=("./$script")
	MR_PHP=$php_bin timeout -k 30 "${MR_SUITE_TIMEOUT:-1800}" "${cmd[@]}" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	last=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(\ \(([0-9]+)\ set-up\ steps,\ ([0-9]+)\ reruns\ passed\))?$ ]]; then
		p=${BASH_REMATCH[1]}
		f=${BASH_REMATCH[2]}
		local st=${BASH_REMATCH[4]:-0} re=${BASH_REMATCH[5]:-0}
		if [[ $rc -ne 0 && $f -eq 0 ]]; then
			record "$name" "$p" 1 0 "exited $rc" "$st" "$re"
		else
			record "$name" "$p" "$f" 0 "" "$st" "$re"
		fi
	else
		record "$name" 0 1 0 "exited $rc without a final 'N passed, N failed' line"
	fi
}

# ---- run -----------------------------------------------------------------
if wanted phpt; then
	section phpt
	run_phpt phpt
fi
if wanted valgrind; then
	section "phpt under valgrind"
	if command -v valgrind >/dev/null; then
		run_phpt valgrind
	else
		record valgrind 0 1 0 "valgrind not installed"
	fi
fi
if wanted phpunit; then
	section phpunit
	run_phpunit
fi
for s in "${extra_suites[@]}"; do
	if wanted "$s"; then
		section "suite $s"
		run_suite "$s"
	fi
done

cleanup
finish
