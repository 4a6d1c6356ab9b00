#!/usr/bin/env bash
# Crash safety of the shared counters (issue 15): processes killed with
# SIGKILL at random instants while they claim counter slots and create pools
# must never block another process, with and without memrehash.counters_file,
# and wedges written by hand into a counters file (the old lock word, claims
# left by dead or stopped processes, an old layout, garbage) must not either.
# Needs the test servers (tests/run.sh starts them). About 20 s.
# Prints its own "N passed, N failed" last.
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ext=${MR_EXT:-$root/modules/memrehash.so}
php=${MR_PHP:-php}
kills=${MR_CRASH_KILLS:-220}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MR_EXT=$ext

# the layout, measured rather than written down: file size = H + slots * S
size_of() {
	rm -f "$tmp/layout"
	"$php" -n -d "extension=$ext" -d "memrehash.counters_file=$tmp/layout" -d "memrehash.max_pools=$1" -r '' >/dev/null 2>&1
	stat -c %s "$tmp/layout"
}
s1=$(size_of 1)
s2=$(size_of 2)
slot=$((s2 - s1))
head=$((s1 - slot))
if [[ $slot -gt 0 && $head -gt 0 ]]; then ok "counters layout: a ${head}-byte header, ${slot}-byte pool slots"; else not_ok "cannot measure the counters layout ($s1, $s2)"; finish; fi
export MR_CTR_LAYOUT="$head,$slot"

# run_tool NAME CMD...: runs a tool under a time limit and counts its ok / not ok lines
run_tool() {
	local name=$1
	shift
	timeout 120 "$@" >"$tmp/$name.out" 2>&1
	local rc=$?
	cat "$tmp/$name.out"
	pass=$((pass + $(grep -c '^ok - ' "$tmp/$name.out")))
	fail=$((fail + $(grep -c '^not ok - ' "$tmp/$name.out")))
	if [[ $rc -ne 0 ]]; then not_ok "$name exited $rc (124: it hung)"; fi
	if ! grep -q '^ok - ' "$tmp/$name.out"; then not_ok "$name reported nothing"; fi
}

run_tool wedge "$php" tests/tools/crash_wedge.php "$ext" "$tmp/wedge" "$head" "$slot"
run_tool kill-file "$php" -d "extension=$ext" -d "memrehash.counters_file=$tmp/counters" -d memrehash.max_pools=512 \
	tests/tools/crash_counters.php file "$kills"
run_tool kill-anon "$php" -d "extension=$ext" -d memrehash.max_pools=512 tests/tools/crash_counters.php anon "$kills"
finish
