# shellcheck shell=bash
# The preamble every suite shares; not a suite itself (tests/run.sh skips it).
# A suite sources it first thing after `set -uo pipefail`:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Afterwards the current directory is the checkout's root, named by $root;
# pass and fail count results from 0;
#   ok TEXT       prints "ok - TEXT" and counts a pass
#   not_ok TEXT   prints "not ok - TEXT" and counts a failure
#   finish        prints "N passed, N failed" and exits: 0 when nothing
#                 failed, 1 otherwise. tests/run.sh takes a suite's last line
#                 as its result, so nothing may be printed after it.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	echo "tests/suites/lib.sh is sourced by the suites, not run" >&2
	exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
# shellcheck disable=SC2034 # root is for the suites
root=$PWD
pass=0
fail=0

ok() {
	echo "ok - $*"
	pass=$((pass + 1))
}

not_ok() {
	echo "not ok - $*"
	fail=$((fail + 1))
}

finish() {
	echo "$pass passed, $fail failed"
	if [[ $fail -eq 0 ]]; then
		exit 0
	fi
	exit 1
}
