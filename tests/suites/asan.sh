#!/usr/bin/env bash
# mr-suite: slow
# Suite: the phpt tests against memrehash built with -fsanitize=address,undefined.
#
#   1. copies the sources to a temporary directory (never the source tree),
#      and builds there: phpize, ./configure --enable-memrehash
#      --enable-memrehash-sanitize (config.m4 adds -fsanitize=address,undefined),
#      make. gcc's ASan/UBSan (libasan8, libubsan1).
#   2. runs every tests/**/*.phpt through run-tests.php --asan
#      (USE_ZEND_ALLOC=0: emalloc is malloc, so ASan sees the extension's
#      request memory) with that build.
#   3. runs PHP-FPM with that build and memrehash.transitions: 1,000
#      requests binding objects and a session, a persistent object reused
#      by all of them, a SIGUSR2 reload, 100 more (tests/zerocode/fpm_bound.sh).
# Counting (tests/run.sh's rule for reruns): the build is a set-up step and
# a passing test a rerun (the phpt suite counts it once); neither is added
# to "N passed". A failing test, a test with no result, a failed build, and
# every distinct sanitizer report (ASan error or UBSan "runtime error") in
# the log each count as a failure.
#
# How ASan runs inside a PHP that was not built with it (Debian 12):
#   - the ASan runtime must be loaded before anything else: LD_PRELOAD of
#     gcc's libasan.so;
#   - PHP opens extensions with dlopen(RTLD_DEEPBIND), which the sanitizer
#     runtime refuses outright ("incompatible with sanitizer runtime"): a
#     10-line preload shim (built here) clears that one flag. It must come
#     before libasan in LD_PRELOAD so it sees PHP's call first, hence
#     verify_asan_link_order=0;
#   - detect_leaks=0: PHP itself frees little at exit and is not ours to
#     leak-check (the valgrind suite checks leaks with --leak-check=full);
#     run-tests.php's LEAK detection still works through USE_TRACKED_ALLOC;
#   - UBSan reports halt the test (halt_on_error), so any report fails it.
#
# Environment: MR_ASAN_DIR (build directory, default a fresh mktemp -d,
# removed afterwards), MR_ASAN_KEEP=1 keeps it, MR_PHP (php binary),
# MR_ASAN_TESTS (phpt files; default all; with it the PHP-FPM check runs
# only when MR_ASAN_FPM is set). Prints "N passed, N failed" last.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out=$root/tests/output
mkdir -p "$out"
log=$out/asan.log
php_bin=${MR_PHP:-$(command -v php)}

for tool in phpize php-config gcc make; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "asan build: $tool not found"
		finish
	fi
done
libasan=$(gcc -print-file-name=libasan.so)
if [[ ! -e $libasan || $libasan == libasan.so ]]; then
	not_ok "asan build: gcc's libasan.so not found (apt-get install libasan8 / gcc)"
	finish
fi

dir=${MR_ASAN_DIR:-}
if [[ -z $dir ]]; then
	dir=$(mktemp -d /tmp/memrehash-asan.XXXXXX)
	[[ ${MR_ASAN_KEEP:-0} == 1 ]] || trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
case $dir in
"$root" | "$root"/*)
	echo "asan: MR_ASAN_DIR must be outside the source tree" >&2
	exit 2
	;;
esac

# ---- build, in the copy
cp -p config.m4 ./*.c ./*.h memrehash.stub.php "$dir"/ 2>/dev/null
echo "asan: building in $dir (log: tests/output/asan-build.log)"
if ! (cd "$dir" && phpize && ./configure --enable-memrehash --enable-memrehash-sanitize && make -j"${MR_JOBS:-2}") \
	>"$out/asan-build.log" 2>&1 || [[ ! -f $dir/modules/memrehash.so ]]; then
	tail -n 30 "$out/asan-build.log"
	not_ok "asan build (tests/output/asan-build.log)"
	finish
fi
if [[ $(nm -D "$dir/modules/memrehash.so" 2>/dev/null | grep -c __asan_init) -eq 0 ]]; then
	not_ok "asan build: modules/memrehash.so is not instrumented"
	finish
fi
step "asan build"

# the RTLD_DEEPBIND shim
cat >"$dir/nodeepbind.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
/* PHP opens extensions with RTLD_DEEPBIND; the sanitizer runtime refuses it. */
void *dlopen(const char *file, int mode)
{
	static void *(*next)(const char *, int);
	if (!next) {
		next = (void *(*)(const char *, int)) dlsym(RTLD_NEXT, "dlopen");
	}
	return next(file, mode & ~RTLD_DEEPBIND);
}
C
if ! gcc -shared -fPIC -O2 -o "$dir/nodeepbind.so" "$dir/nodeepbind.c" -ldl >>"$out/asan-build.log" 2>&1; then
	not_ok "asan: the RTLD_DEEPBIND shim did not build"
	finish
fi

# ---- run
if [[ -f run-tests.php ]]; then
	rt=$root/run-tests.php
else
	rt=$(ls /usr/lib/php/*/build/run-tests.php 2>/dev/null | head -n 1)
fi
if [[ -z $rt ]]; then
	not_ok "asan: run-tests.php not found"
	finish
fi
if [[ -n ${MR_ASAN_TESTS:-} ]]; then
	read -r -a files <<<"$MR_ASAN_TESTS"
else
	mapfile -t files < <(find tests -path tests/output -prune -o -name '*.phpt' -print | LC_ALL=C sort)
fi

# A quick look first: the extension loads under the sanitizers at all.
export LD_PRELOAD="$dir/nodeepbind.so $libasan"
export ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0:abort_on_error=0:halt_on_error=1:print_summary=1:strict_string_checks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if ! USE_ZEND_ALLOC=0 "$php_bin" -d "extension=$dir/modules/memrehash.so" -r 'exit(extension_loaded("memrehash") ? 0 : 1);' >"$out/asan-load.log" 2>&1; then
	head -n 20 "$out/asan-load.log"
	not_ok "asan: php with the sanitized extension does not start (tests/output/asan-load.log)"
	finish
fi

TEST_PHP_EXECUTABLE=$php_bin NO_INTERACTION=1 timeout -k 30 "${MR_ASAN_TIMEOUT:-2400}" \
	"$php_bin" "$rt" -q --no-color --no-progress --show-diff --asan --set-timeout 300 \
	-d "extension=$dir/modules/memrehash.so" "${files[@]}" </dev/null >"$log" 2>&1
unset LD_PRELOAD

# ---- PHP-FPM with bound objects (issue 13): one worker serves 1,000 requests
# that bind a plain \Memcached, reuse one persistent \Memcached (bound),
# use an unbound one and a bound PECL session; then a SIGUSR2 reload and 100
# more (tests/zerocode/fpm_bound.sh). The master and its workers run the
# sanitized build with the same preloads; each process writes its reports to
# its own file (log_path), and any report fails the suite.
if [[ -z ${MR_ASAN_TESTS:-} || -n ${MR_ASAN_FPM:-} ]]; then
	fpm_dir=$dir/fpm
	rm -rf "$fpm_dir"
	mkdir -p "$fpm_dir"
	fpm_env=(env "LD_PRELOAD=$dir/nodeepbind.so $libasan" USE_ZEND_ALLOC=0
		"ASAN_OPTIONS=${ASAN_OPTIONS}:log_path=$fpm_dir/asan" "UBSAN_OPTIONS=${UBSAN_OPTIONS}:log_path=$fpm_dir/asan")
	fpm_out=$(MR_PHP=$php_bin timeout -k 10 300 bash tests/zerocode/fpm_bound.sh "$fpm_dir" "$dir/modules/memrehash.so" 1000 100 "${fpm_env[@]}" 2>&1)
	fpm_rc=$?
	cp "$fpm_dir/fpm.log" "$out/asan-fpm.log" 2>/dev/null
	cat "$fpm_dir"/asan.* >>"$out/asan-fpm.log" 2>/dev/null
	if [[ $fpm_rc -eq 0 ]]; then
		ok "PHP-FPM under ASan/UBSan, bound objects and session, a persistent object reused, SIGUSR2 reload: $fpm_out"
	else
		not_ok "PHP-FPM under ASan/UBSan with bound objects: $fpm_out (tests/output/asan-fpm.log)"
	fi
	while IFS= read -r report; do
		not_ok "sanitizer report under PHP-FPM: $report (tests/output/asan-fpm.log)"
	done < <(cat "$fpm_dir"/asan.* 2>/dev/null | grep -oE 'ERROR: AddressSanitizer: [^ ]+.*|[^ ]*runtime error: .*' | sed 's/ on address 0x[0-9a-f]*.*//; s/0x[0-9a-f]\+/0x?/g' | sort -u | head -n 50)
fi

# ---- count: PASS passes; a SKIP passes over only a missing extension
declare -A seen=()
while IFS= read -r line; do
	[[ $line =~ ^(PASS|FAIL|SKIP|BORK|WARN|LEAK|LEAK\&FAIL|XFAIL|XLEAK)\ (.*)\[([^]]+\.phpt)\] ]] || continue
	res=${BASH_REMATCH[1]}
	file=${BASH_REMATCH[3]}
	seen[$file]=1
	if [[ $res == PASS ]]; then
		rerun_ok "$file"
	elif [[ $res == SKIP && $line =~ (extension|ext/)[^]]*(missing|not loaded|not available) && ! $line =~ memrehash ]]; then
		echo "skip - $file (${line##*]})"
	elif [[ $res == SKIP && $line =~ USE_ZEND_ALLOC=0 ]]; then
		# a check of PHP's own memory accounting, which needs Zend's
		# allocator (turned off here, so ASan sees every allocation): passed
		# over, not passed; the plain phpt run checks it
		echo "skip - $file (${line##*]})"
	else
		not_ok "$res $file"
	fi
done <"$log"
for f in "${files[@]}"; do
	if [[ -z ${seen[$f]:-} ]]; then
		not_ok "$f gave no result (tests/output/asan.log)"
	fi
done
# a report fails the run even when its test passed (a report in a child,
# or one run-tests.php did not see)
while IFS= read -r report; do
	not_ok "sanitizer report: $report (tests/output/asan.log)"
done < <(grep -oE 'ERROR: AddressSanitizer: [^ ]+.*|[^ ]*runtime error: .*' "$log" | sed 's/ on address 0x[0-9a-f]*.*//; s/0x[0-9a-f]\+/0x?/g' | sort -u | head -n 50)
finish
