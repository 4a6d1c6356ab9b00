#!/usr/bin/env bash
# Suite: libFuzzer on memrehash's parsers (targets and how they are built: fuzz/build.sh).
#
#   1. builds the harnesses (fuzz/build.sh: clang, ASan + UBSan + libFuzzer);
#   2. replays every file in fuzz/regressions/TARGET/ (past findings): one
#      test each, passing when the harness neither crashes nor leaks;
#   3. fuzzes each target for FUZZ_SECONDS (default 30; 20 with MR_QUICK=1; longer runs: FUZZ_SECONDS=600),
#      starting from fuzz/corpus/TARGET/ plus what earlier runs on this
#      machine found (tests/output/fuzz/corpus/TARGET/): one test each,
#      passing when nothing was found. Prints executions and coverage (cov:
#      edges, ft: features) from libFuzzer's final stats.
#
# A crash, leak, timeout or failed check leaves its input in
# tests/output/fuzz/artifacts/TARGET/ and a copy in fuzz/regressions/TARGET/
# (commit it with the fix: from then on it is replayed every run).
#
# Environment: FUZZ_SECONDS, FUZZ_TARGETS="reply spec" (default all),
# MR_QUICK. Prints "N passed, N failed" last.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$root/tests/output/fuzz
mkdir -p "$work"

targets=(reply metadump spec decode)
if [[ -n ${FUZZ_TARGETS:-} ]]; then
	read -r -a targets <<<"${FUZZ_TARGETS//,/ }"
fi
if [[ -n ${FUZZ_SECONDS:-} ]]; then
	secs=$FUZZ_SECONDS
elif [[ ${MR_QUICK:-0} == 1 ]]; then
	secs=20
else
	secs=30
fi

# ---- toolchain: what fuzz/build.sh needs, installed when missing (as root)
need=()
command -v clang >/dev/null || need+=(clang)
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null || need+=(libclang-rt-14-dev)
[[ -f /usr/lib/libphp8.2.so ]] || compgen -G '/usr/lib/*/libphp8.2.so' >/dev/null || need+=(libphp8.2-embed)
if [[ ${#need[@]} -gt 0 ]]; then
	if [[ $(id -u) -eq 0 ]]; then
		echo "fuzz: installing ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		{ apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; } \
			</dev/null >"$work/deps.log" 2>&1 || { tail -n 20 "$work/deps.log"; }
	else
		echo "fuzz: missing ${need[*]} (install them as root)"
	fi
fi

# ---- build
if ! bash fuzz/build.sh "${targets[@]}" >"$work/build.log" 2>&1; then
	tail -n 30 "$work/build.log"
fi
bin=$root/fuzz/out

# PHP's engine is not ours to leak-check (fuzz/lsan.supp). fuzz_decode runs
# inside libphp, built without frame pointers: only slow unwinding gives the
# full stacks the suppressions match. UBSan reports abort.
export LSAN_OPTIONS=suppressions=$root/fuzz/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
asan_opts() {
	local o=detect_leaks=1:allocator_may_return_null=1
	[[ $1 == decode ]] && o+=:fast_unwind_on_malloc=0
	echo "$o"
}

for t in "${targets[@]}"; do
	if [[ ! -x $bin/fuzz_$t ]]; then
		not_ok "fuzz $t: harness did not build (tests/output/fuzz/build.log)"
		continue
	fi
	# ---- past findings
	if [[ -d fuzz/regressions/$t ]]; then
		for f in fuzz/regressions/"$t"/*; do
			[[ -f $f ]] || continue
			if (cd "$work" && ASAN_OPTIONS=$(asan_opts "$t") timeout 120 "$bin/fuzz_$t" -runs=1 "$root/$f") >"$work/regression-$t.log" 2>&1; then
				ok "fuzz $t regression ${f##*/}"
			else
				not_ok "fuzz $t regression ${f##*/} (tests/output/fuzz/regression-$t.log)"
				grep -m 3 -E 'ERROR|check failed|runtime error' "$work/regression-$t.log" | sed 's/^/    /'
			fi
		done
	fi
	# ---- fuzzing
	corpus=$work/corpus/$t
	arts=$work/artifacts/$t
	mkdir -p "$corpus" "$arts"
	rm -f "$arts"/*
	log=$work/fuzz-$t.log
	(cd "$work" && ASAN_OPTIONS=$(asan_opts "$t") timeout -k 10 $((secs + 120)) "$bin/fuzz_$t" \
		-max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2560 \
		-max_len=8192 -artifact_prefix="$arts/" "$corpus" "$root/fuzz/corpus/$t") >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov: \1, ft: \2, corpus: \3/p')
	found=("$arts"/*)
	if [[ $rc -eq 0 && ! -e ${found[0]} ]]; then
		ok "fuzz $t: ${execs:-?} executions in ${secs} s, ${cov:-cov: ?}"
	else
		not_ok "fuzz $t: exit $rc after ${execs:-?} executions, ${cov:-cov: ?} (log: tests/output/fuzz/fuzz-$t.log)"
		grep -m 5 -E 'ERROR|check failed|runtime error|SUMMARY' "$log" | sed 's/^/    /'
		mkdir -p "fuzz/regressions/$t"
		for a in "${found[@]}"; do
			[[ -f $a ]] || continue
			cp "$a" "fuzz/regressions/$t/"
			echo "    kept as fuzz/regressions/$t/${a##*/}"
		done
	fi
done
finish
