#!/usr/bin/env bash
# shellcheck disable=SC2016 # PHP code in single quotes
# Suite: the stampede benchmark's quick mode (bash bench/stampede/run.sh
# --quick), its correctness only, no speed figure asserted:
#   - every scenario ran; every request got a 200 and the page of its item
#     (the text derived from the item's database row); the database holds
#     what it held (CHECKSUM TABLE before and after); memrehash scenarios'
#     pools show in the admin page's Prometheus metrics; the drain ran
#     (report.php's "ok -" lines, counted one by one)
#   - the charts are well-formed SVG and the table has a row per scenario
#   - every process run.sh started (it logs each pid) is gone afterwards
# Uses its own ports (STAMPEDE_PORT_BASE, default 23000) and a temp dir.
# Prints "N passed, N failed" last.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out=$root/tests/output/stampede
mkdir -p "$out"
rm -f "$out"/scenario-*.json "$out"/stampede-*.svg "$out/table.md"
log=$root/tests/output/stampede.log

start=$SECONDS
MR_SKIP_DEPS=1 timeout -k 10 600 bash bench/stampede/run.sh --quick --out "$out" >"$log" 2>&1
rc=$?
took=$((SECONDS - start))
grep -E '^(ok|not ok) - ' "$log" >"$out/checks.txt"
cat "$out/checks.txt"
pass=$((pass + $(grep -c '^ok - ' "$out/checks.txt")))
fail=$((fail + $(grep -c '^not ok - ' "$out/checks.txt")))
if [[ $rc -eq 0 ]]; then
	step "run.sh --quick exited 0 in $took s"
else
	tail -n 30 "$log"
	not_ok "run.sh --quick exited $rc after $took s (log: $log)"
fi

mapfile -t names < <(php -r 'echo implode("\n", array_keys(require $argv[1])), "\n";' bench/stampede/scenarios.php)
ran=$(grep -c '^ok - scenario .* ran' "$out/checks.txt")
if [[ $ran -eq ${#names[@]} ]]; then ok "all ${#names[@]} scenarios ran"; else not_ok "$ran of ${#names[@]} scenarios ran"; fi

rows=$(grep -c '^| [^-s]' "$out/table.md" 2>/dev/null)
if [[ $rows -eq ${#names[@]} ]]; then ok "table.md has a row per scenario"; else not_ok "table.md has $rows rows, not ${#names[@]}"; fi

for g in 3to2 2to3 mod2ket; do
	f=$out/stampede-$g.svg
	if php -r '$d = new DOMDocument(); exit(@$d->load($argv[1]) && $d->documentElement->nodeName === "svg"
		&& $d->getElementsByTagName("polyline")->length >= 6 ? 0 : 1);' "$f"; then
		ok "chart $g: well-formed SVG with its lines"
	else
		not_ok "chart $g: $f missing or not well-formed SVG"
	fi
done

left=()
while read -r pid; do
	kill -0 "$pid" 2>/dev/null && left+=("$pid")
done < <(sed -n 's/^stampede: started .* (pid \([0-9]*\))$/\1/p' "$log")
started=$(grep -c '^stampede: started ' "$log")
if [[ $started -ge 6 && ${#left[@]} -eq 0 ]]; then
	ok "every process run.sh started ($started) is stopped"
else
	not_ok "run.sh started $started processes; still running: ${left[*]}"
fi

finish
