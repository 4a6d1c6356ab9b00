#!/usr/bin/env bash
# mr-suite: slow
# Suite: memrehash on a thread-safe (ZTS) PHP, requests in threads.
#
# Slow only the first time on a machine: building the ZTS PHP takes long
# (cached after); with it cached the suite takes about a minute and a half.
# By hand, with the servers up:
#   bash scripts/servers.sh start; bash tests/suites/zts.sh; bash scripts/servers.sh stop
#
#   1. scripts/php-zts.sh: a ZTS PHP 8.2 (CLI, embed SAPI, phpize) from
#      Debian's php8.2 source package, with the PECL memcached peer built
#      for it when its source can be fetched (optional: this machine's
#      mirror answers 404 for it), cached outside the checkout
#      (/var/cache/memrehash/php-zts) and rebuilt only when missing or broken;
#   2. copies the sources to a fresh directory (the checkout keeps its own
#      build) and builds memrehash there with that PHP's phpize: one check,
#      which also fails on a compiler warning or a module that is not ZTS;
#   3. runs every tests/**/*.phpt with the ZTS CLI: a passing test is a
#      rerun (shown apart, not added to N passed; tests/run.sh), a failing
#      one a failure. A
#      SKIP passes over (counted neither way) only when its reason says an
#      extension is missing and that extension is not loaded (igbinary,
#      msgpack and simplexml are not built for this PHP; without the peer,
#      the tests that use it skip as "memcached extension not loaded":
#      tests/skipif.inc); any other SKIP fails;
#   4. the multi-threaded test: tests/zts/threads.c, built against the ZTS
#      libphp, runs MR_ZTS_THREADS threads (default 8) in one process, each
#      running MR_ZTS_REQUESTS requests (default 25) of tests/zts/worker.php
#      at the same time: persistent pools (one per thread) moving keys on
#      read, pools made per request, a refused server (the shared
#      down-server table), a key expiring in 40 days moving (the shared
#      server clock table).
#      One check per thread; then tests/zts/check.php, with PECL memcached
#      (or raw meta commands when the peer is missing) and the servers'
#      stats, checks where every key ended up and that the
#      persistent pools kept their connections per thread.
# The memcached servers are the ones tests/run.sh started for this suite
# (MR_TEST_PORTS).
#
# Environment: MR_ZTS_DIR (see scripts/php-zts.sh), MR_ZTS_TESTS (phpt
# files; default all), MR_ZTS_THREADS, MR_ZTS_REQUESTS, MR_ZTS_KEYS.
# Needs root when the ZTS PHP must be built. Prints "N passed, N failed" last.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out=$root/tests/output
mkdir -p "$out"
log=$out/zts.log
export MR_ZTS_THREADS=${MR_ZTS_THREADS:-8} MR_ZTS_REQUESTS=${MR_ZTS_REQUESTS:-25} MR_ZTS_KEYS=${MR_ZTS_KEYS:-20}

# ---- 1. the ZTS PHP
t0=$SECONDS
if ! prefix=$(bash scripts/php-zts.sh); then
	not_ok "zts: a ZTS PHP (tests/output/php-zts.log)"
	finish
fi
echo "zts: ZTS PHP in $prefix ready in $((SECONDS - t0)) s"
php=$prefix/bin/php
# The PECL memcached peer is optional for this PHP (scripts/php-zts.sh):
# loaded only when it loads; without it, phpt that need it skip as
# "memcached extension not loaded" (passed over below) and check.php reads
# the servers with raw meta commands.
peer=()
if "$php" -n -d extension=memcached -r 'exit(class_exists("Memcached") ? 0 : 1);' >/dev/null 2>&1; then
	peer=(-d extension=memcached)
	echo "zts: the PECL memcached peer loads in the ZTS PHP"
else
	echo "zts: no PECL memcached peer for the ZTS PHP: peer-only phpt are passed over, the threads are judged by raw reads"
fi

dir=$(mktemp -d /tmp/memrehash-zts.XXXXXX)
trap 'rm -rf "$dir"' EXIT

# ---- 2. copy and build
cp -p config.m4 ./*.c ./*.h memrehash.stub.php "$dir"/
t0=$SECONDS
if (cd "$dir" && "$prefix/bin/phpize" && ./configure --with-php-config="$prefix/bin/php-config" --enable-memrehash &&
	make -j"${MR_JOBS:-2}") </dev/null >"$out/zts-build.log" 2>&1 && [[ -f $dir/modules/memrehash.so ]]; then
	warnings=$(grep -cE '\.[ch]:[0-9]+:([0-9]+:)? warning: ' "$out/zts-build.log")
	zts=$("$php" -n "${peer[@]}" -d "extension=$dir/modules/memrehash.so" \
		-r 'echo ZEND_THREAD_SAFE && extension_loaded("memrehash") ? "yes" : "no";' 2>&1)
	if [[ $warnings -eq 0 && $zts == yes ]]; then
		ok "zts: builds on $("$php" -n -r 'echo PHP_VERSION;') ZTS with no warnings, and loads ($((SECONDS - t0)) s)"
	else
		grep -E '\.[ch]:[0-9]+:([0-9]+:)? warning: ' "$out/zts-build.log" | sort -u | head -n 20
		not_ok "zts: build: $warnings warning(s); loads in the ZTS PHP: $zts"
	fi
else
	tail -n 30 "$out/zts-build.log"
	not_ok "zts: build (tests/output/zts-build.log)"
	finish
fi
ext=$dir/modules/memrehash.so

# ---- 3. the phpt tests
if [[ -n ${MR_ZTS_TESTS:-} ]]; then
	read -r -a files <<<"$MR_ZTS_TESTS"
else
	mapfile -t files < <(find tests -path tests/output -prune -o -name '*.phpt' -print | LC_ALL=C sort)
fi
t0=$SECONDS
# DISABLE_SKIP_CACHE: run-tests.php reuses one SKIPIF result for every test
# of a directory with the same SKIPIF code, but without the peer
# tests/skipif.inc's answer depends on the test (only those using the peer skip)
TEST_PHP_EXECUTABLE=$php NO_INTERACTION=1 DISABLE_SKIP_CACHE=1 timeout -k 30 1500 "$php" -n "$prefix/lib/php/build/run-tests.php" \
	-q --no-color --no-progress --show-diff --set-timeout 120 -n "${peer[@]}" -d "extension=$ext" \
	"${files[@]}" </dev/null >"$log" 2>&1
echo "zts: phpt run took $((SECONDS - t0)) s (log: tests/output/zts.log)"

passed_over=0
for f in "${files[@]}"; do
	line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^(PASS|FAIL|SKIP|BORK|WARN|LEAK|LEAK&FAIL|XFAIL|XLEAK) .*\[$f\]" | head -n 1)
	case $line in
	PASS*) rerun_ok "zts: $f" ;;
	SKIP*)
		reason=${line##*\]}
		missing=$(sed -nE 's/.*(skip|reason:) *([a-z0-9_]+) extension (not loaded|missing).*/\2/p' <<<"$reason")
		if [[ -n $missing && $missing != memrehash ]] &&
			! "$php" -n "${peer[@]}" -r "exit(extension_loaded('$missing') ? 0 : 1);" 2>/dev/null; then
			echo "# passed over: $f ($missing is not built for this PHP)"
			passed_over=$((passed_over + 1))
		else
			not_ok "zts: $f: SKIP ($reason)"
		fi
		;;
	"") not_ok "zts: $f gave no result" ;;
	*)
		not_ok "zts: $f: ${line%% *}"
		[[ -f ${f%.phpt}.diff ]] && head -n 30 "${f%.phpt}.diff" | sed 's/^/    /'
		;;
	esac
done
echo "zts: $passed_over test(s) passed over (extension not built for this PHP)"

# ---- 4. requests in threads
read -r -a includes < <("$prefix/bin/php-config" --includes)
if ! cc -std=gnu11 -Wall -Wextra -Wno-unused-parameter -O1 "${includes[@]}" \
	-o "$dir/threads" tests/zts/threads.c -L"$prefix/lib" -lphp -Wl,-rpath,"$prefix/lib" -pthread \
	>"$out/zts-threads-build.log" 2>&1 || grep -q 'warning:' "$out/zts-threads-build.log"; then
	sed 's/^/    /' "$out/zts-threads-build.log" | head -n 30
	not_ok "zts: tests/zts/threads.c builds against libphp with no warnings"
	finish
fi
mkdir -p "$dir/ini"
{
	[[ ${#peer[@]} -gt 0 ]] && echo extension=memcached
	echo "extension=$ext"
} >"$dir/ini/php.ini"

check() {
	"$php" -n "${peer[@]}" -d "extension=$ext" tests/zts/check.php "$@"
}
seed_out=$(check seed 2>&1)
before=$(sed -n 's/^connections //p' <<<"$seed_out")
grep -E '^(not )?ok - ' <<<"$seed_out" >"$dir/seed.txt"
grep -vE '^(not )?ok - |^connections ' <<<"$seed_out" | head -n 10
t0=$SECONDS
PHPRC=$dir/ini timeout -k 10 600 "$dir/threads" "$root/tests/zts/worker.php" "$MR_ZTS_THREADS" "$MR_ZTS_REQUESTS" \
	</dev/null >"$out/zts-threads.log" 2>&1
rc=$?
echo "zts: $MR_ZTS_THREADS threads x $MR_ZTS_REQUESTS requests took $((SECONDS - t0)) s, exit $rc (log: tests/output/zts-threads.log)"
check verify "${before:--1}" >>"$out/zts-threads.log" 2>&1
grep -vE '^(not )?ok - ' "$out/zts-threads.log" | head -n 20 | sed 's/^/    /'
threads_seen=0
while read -r l; do
	case $l in
	"ok - "*) ok "zts: ${l#ok - }" ;;
	"not ok - "*) not_ok "zts: ${l#not ok - }" ;;
	esac
	[[ $l =~ ^(not\ )?ok\ -\ thread\  ]] && threads_seen=$((threads_seen + 1))
done < <(cat "$dir/seed.txt" "$out/zts-threads.log")
if [[ $threads_seen -ne $MR_ZTS_THREADS ]]; then
	not_ok "zts: the threads program reported $threads_seen of $MR_ZTS_THREADS threads (exit $rc)"
elif [[ $rc -ne 0 ]]; then
	not_ok "zts: the threads program exited $rc"
fi
finish
