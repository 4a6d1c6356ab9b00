# shellcheck shell=bash
# The preamble every suite shares; not a suite itself (tests/run.sh skips it).
# A suite sources it first thing after `set -uo pipefail`:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Afterwards the current directory is the checkout's root, named by $root;
# pass and fail count results from 0;
#   ok TEXT       prints "ok - TEXT" and counts a pass: one distinct check
#   not_ok TEXT   prints "not ok - TEXT" and counts a failure (a failed
#                 check, set-up step or rerun: each makes the run red)
#   step TEXT     prints "step ok - TEXT": a set-up step that worked (a build,
#                 a server start, an install); not a check, not counted
#   rerun_ok TEXT prints "rerun ok - TEXT": a check that passed again in
#                 another setting (the same phpt under ASan); not counted
#                 as a pass (its failure is a not_ok, and counts)
#   finish        prints "N passed, N failed" and exits: 0 when nothing
#                 failed, 1 otherwise; when there were steps or reruns the
#                 line goes on "(S set-up steps, R reruns passed)".
#                 tests/run.sh takes a suite's last line as its result, so
#                 nothing may be printed after it.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	echo "tests/suites/lib.sh is sourced by the suites, not run" >&2
	exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
# shellcheck disable=SC2034 # root is for the suites
root=$PWD
pass=0
fail=0
steps=0
reruns=0

ok() {
	echo "ok - $*"
	pass=$((pass + 1))
}

not_ok() {
	echo "not ok - $*"
	fail=$((fail + 1))
}

step() {
	echo "step ok - $*"
	steps=$((steps + 1))
}

rerun_ok() {
	echo "rerun ok - $*"
	reruns=$((reruns + 1))
}

finish() {
	if [[ $steps -gt 0 || $reruns -gt 0 ]]; then
		echo "$pass passed, $fail failed ($steps set-up steps, $reruns reruns passed)"
	else
		echo "$pass passed, $fail failed"
	fi
	if [[ $fail -eq 0 ]]; then
		exit 0
	fi
	exit 1
}
