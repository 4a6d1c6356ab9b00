#!/usr/bin/env bash
# Mutation check of the safety rules: bash tests/mutants/run.sh [--full] [ID...]
#
# For each hand-written mutant of tests/mutants/mutants.php (found by
# content, so it follows code that moves between files):
#   1. a copy of the sources in a temp dir outside the checkout (the working
#      tree is never touched), built once with phpize (-O0: faster rebuilds);
#   2. the killing tests of every mutant run once against that unmutated
#      build: each must pass, or its "kill" would prove nothing;
#   3. per mutant: its edits applied to the copy (a pattern that does not
#      match exactly once is a failure: the mutant no longer applies), make
#      rebuilds only the changed objects, its killing tests run (phpt through
#      run-tests.php, PHPUnit by --filter), then the files are restored.
# A mutant is killed when one of its tests fails (or crashes); one check per
# mutant: "ok - mutant ID killed by TEST", "not ok - mutant ID survived".
# Last line "N passed, N failed" (tests/suites/lib.sh); the table also goes
# to tests/output/mutants.txt.
#
# --full runs every mutant (also those marked full: none today); without it
# (the quick form, tests/suites/mutants.sh in CI) the quick ones. IDs pick
# mutants by name. Needs the test servers up (tests/run.sh starts them; by
# hand this script starts them when none answers, and stops what it started).
# Environment: MR_PHP, MR_JOBS (make -j, default 2), MR_MUTANTS_KEEP=1 keeps
# the temp dir, MR_TEST_PORTS / MR_RUN_DIR as for every test.
set -uo pipefail

# shellcheck source=../suites/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../suites/lib.sh"
php=${MR_PHP:-$(command -v php)}
out=$root/tests/output
mkdir -p "$out"
full=0
ids=()
for a in "$@"; do
	case $a in
	--full) full=1 ;;
	--quick) full=0 ;;
	*) ids+=("$a") ;;
	esac
done

tmp=$(mktemp -d /tmp/memrehash-mutants.XXXXXX)
started_servers=0
cleanup() {
	[[ $started_servers == 1 ]] && bash scripts/servers.sh stop >/dev/null 2>&1
	[[ ${MR_MUTANTS_KEEP:-0} == 1 ]] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if ! bash scripts/servers.sh status >/dev/null 2>&1; then
	bash scripts/servers.sh start >/dev/null 2>&1 || { not_ok "mutants: the test servers did not start"; finish; }
	started_servers=1
fi

rt=$root/run-tests.php
[[ -f $rt ]] || rt=$(ls /usr/lib/php/*/build/run-tests.php 2>/dev/null | head -n 1)
phpunit_bin=$(command -v phpunit || true)
if [[ -z $rt || -z $phpunit_bin ]]; then
	not_ok "mutants: run-tests.php or phpunit not found"
	finish
fi

# ---- the mutants to run
declare -A m_tests=() m_what=()
order=()
while IFS=$'\t' read -r id kind tests what; do
	[[ $kind == full && $full == 0 ]] && continue
	if [[ ${#ids[@]} -gt 0 && " ${ids[*]} " != *" $id "* ]]; then
		continue
	fi
	order+=("$id")
	m_tests[$id]=$tests
	m_what[$id]=$what
done < <("$php" tests/mutants/apply.php . list)
if [[ ${#order[@]} -eq 0 ]]; then
	not_ok "mutants: none selected (${ids[*]})"
	finish
fi

# ---- the copy, built once
src=$tmp/src
mkdir -p "$src" "$tmp/orig"
cp -p config.m4 ./*.c ./*.h memrehash.stub.php "$src"/
cp -p ./*.c "$tmp/orig"/
blog=$out/mutants-build.log
echo "mutants: building a copy in $src (log: tests/output/mutants-build.log)"
if ! (cd "$src" && phpize && CFLAGS="-O0 -g0" ./configure --enable-memrehash && make -j"${MR_JOBS:-2}") >"$blog" 2>&1 ||
	[[ ! -f $src/modules/memrehash.so ]]; then
	tail -n 20 "$blog"
	not_ok "mutants: the unmutated copy did not build"
	finish
fi
so=$src/modules/memrehash.so
# tests that start PHP processes of their own load the build MR_EXT names
export MR_EXT=$so

# run_test SPEC: runs one killing test against $so; returns 0 when it passed,
# 1 when it failed (or crashed), 2 when it did not run at all.
run_test() {
	local spec=$1 log=$tmp/test.log rc
	case $spec in
	phpt:*)
		local f=${spec#phpt:}
		[[ -f $f ]] || return 2
		TEST_PHP_EXECUTABLE=$php NO_INTERACTION=1 timeout -k 10 300 "$php" "$rt" -q --no-color --no-progress --set-timeout 120 \
			-d "extension=$so" "$f" </dev/null >"$log" 2>&1
		grep -q "^PASS .*\[$f\]" "$log" && return 0
		grep -qE "^(FAIL|BORK|LEAK|WARN)|Fatal|Segmentation" "$log" && return 1
		# no result line: run-tests.php died with the test (a crash)
		grep -q "^SKIP" "$log" && return 2
		return 1
		;;
	phpunit:*)
		local t=${spec#phpunit:}
		timeout -k 10 600 "$php" -d "extension=$so" "$phpunit_bin" -c tests/phpunit/phpunit.xml \
			--filter "/${t}( with data set .*)?\$/" </dev/null >"$log" 2>&1
		rc=$?
		grep -q 'No tests executed' "$log" && return 2
		[[ $rc -eq 0 ]] && grep -q '^OK (' "$log" && return 0
		grep -qE '^Tests: .*Skipped' "$log" && ! grep -qE 'Failures|Errors' "$log" && return 2
		return 1
		;;
	esac
	return 2
}

# ---- the killing tests pass on the unmutated copy
declare -A baseline_ok=()
bad_base=0
for id in "${order[@]}"; do
	for t in ${m_tests[$id]}; do
		[[ -n ${baseline_ok[$t]:-} ]] && continue
		run_test "$t"
		rc=$?
		baseline_ok[$t]=$rc
		if [[ $rc -ne 0 ]]; then
			cp "$tmp/test.log" "$out/mutants-baseline-fail.log"
			echo "mutants: $t does not pass on the unmutated copy (tests/output/mutants-baseline-fail.log)"
			bad_base=1
		fi
	done
done
if [[ $bad_base == 1 ]]; then
	not_ok "mutants: every killing test passes on the unmutated copy"
	finish
fi
echo "mutants: ${#baseline_ok[@]} killing tests pass on the unmutated copy"

# ---- each mutant
report=$out/mutants.txt
: >"$report"
killed=0
for id in "${order[@]}"; do
	t0=$SECONDS
	if ! changed=$(cd "$src" && "$php" "$root/tests/mutants/apply.php" . apply "$id" 2>"$tmp/apply.err"); then
		not_ok "mutant $id does not apply: $(cat "$tmp/apply.err")"
		printf '%-34s %s\n' "$id" "DOES NOT APPLY" >>"$report"
		continue
	fi
	if ! (cd "$src" && make -j"${MR_JOBS:-2}") >"$tmp/make.log" 2>&1; then
		cat "$tmp/make.log" >>"$blog"
		not_ok "mutant $id did not build (tests/output/mutants-build.log)"
		printf '%-34s %s\n' "$id" "DID NOT BUILD" >>"$report"
	else
		by=
		for t in ${m_tests[$id]}; do
			run_test "$t"
			if [[ $? -eq 1 ]]; then
				by=$t
				break
			fi
		done
		if [[ -n $by ]]; then
			killed=$((killed + 1))
			ok "mutant $id killed by ${by#*:} ($((SECONDS - t0)) s): ${m_what[$id]}"
			printf '%-34s killed by %s\n' "$id" "${by#*:}" >>"$report"
		else
			not_ok "mutant $id survived ${m_tests[$id]}: ${m_what[$id]}"
			printf '%-34s SURVIVED %s\n' "$id" "${m_tests[$id]}" >>"$report"
		fi
	fi
	# restore: a newer mtime, so the next make rebuilds these objects
	for f in $changed; do
		cp "$tmp/orig/$f" "$src/$f"
		touch "$src/$f"
	done
done
echo "mutants: $killed killed of ${#order[@]} (tests/output/mutants.txt)"
finish
