#!/usr/bin/env bash
# Line coverage of the C sources by the phpt and PHPUnit tests:
#   bash scripts/coverage.sh [phpunit --filter ARG]
#
#   1. copies the sources to a build dir of its own (MR_COVERAGE_DIR, default
#      tests/output/coverage-build of this checkout, so that helpers working
#      in other checkouts never share it; modules/ of the checkout is never
#      touched) and builds there with --coverage (-O0);
#      the copy gets one extra file, mr_gcov_export.c, exporting
#      mr_gcov_dump() (gcc's __gcov_dump is hidden in a shared object), so
#      that forked test children write their counts before they leave
#      (tests/config.inc: mr_child_exit, with MR_COVERAGE=1);
#   2. runs every tests/**/*.phpt (run-tests.php) and the PHPUnit suite with
#      that build (MR_EXT names it, so test-started PHP processes use it too);
#      test failures are reported but do not stop the report;
#   3. prints per-file line coverage (gcovr) of the extension's C files and
#      writes tests/output/coverage.txt.
# Needs the test servers (started here when none answers, stopped after),
# gcc, gcovr (Debian: gcovr). Not part of tests/run.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
root=$PWD
out=$root/tests/output
mkdir -p "$out"
php=${MR_PHP:-$(command -v php)}
dir=${MR_COVERAGE_DIR:-$out/coverage-build}
# the build dir is wiped; inside the checkout only under tests/output/ (which
# git ignores and the phpt search skips), never the checkout itself
case $dir in
"$out"/?*) ;;
"$root" | "$root"/*)
	echo "coverage: MR_COVERAGE_DIR inside the checkout must be under tests/output/" >&2
	exit 2
	;;
esac
command -v gcovr >/dev/null || { echo "coverage: gcovr not installed (apt-get install gcovr)" >&2; exit 2; }

started=0
if ! bash scripts/servers.sh status >/dev/null 2>&1; then
	bash scripts/servers.sh start >/dev/null || exit 1
	started=1
fi
trap '[[ $started == 1 ]] && bash scripts/servers.sh stop >/dev/null 2>&1' EXIT

# ---- build
rm -rf "$dir"
mkdir -p "$dir"
cp -p config.m4 ./*.c ./*.h memrehash.stub.php "$dir"/
cat >"$dir/mr_gcov_export.c" <<'C'
/* coverage builds only (scripts/coverage.sh): lets a forked child flush its
 * line counts before it leaves without exit() */
extern void __gcov_dump(void);
__attribute__((visibility("default"))) void mr_gcov_dump(void)
{
	__gcov_dump();
}
C
# the extra file joins the extension's sources in the copy's config.m4
sed -i 's/\[memrehash\.c /[mr_gcov_export.c memrehash.c /' "$dir/config.m4"
grep -q mr_gcov_export.c "$dir/config.m4" || { echo "coverage: could not add mr_gcov_export.c to config.m4" >&2; exit 1; }
echo "coverage: building in $dir (log: tests/output/coverage-build.log)"
if ! (cd "$dir" && phpize && CFLAGS="-O0 -g --coverage" LDFLAGS="--coverage" ./configure --enable-memrehash &&
	make -j"${MR_JOBS:-2}") >"$out/coverage-build.log" 2>&1; then
	tail -n 20 "$out/coverage-build.log"
	exit 1
fi
so=$dir/modules/memrehash.so
export MR_EXT=$so MR_COVERAGE=1 NO_INTERACTION=1
find "$dir" -name '*.gcda' -delete

# ---- run
rt=$root/run-tests.php
[[ -f $rt ]] || rt=$(ls /usr/lib/php/*/build/run-tests.php | head -n 1)
mapfile -t files < <(find tests -path tests/output -prune -o -name '*.phpt' -print | LC_ALL=C sort)
echo "coverage: ${#files[@]} phpt files"
TEST_PHP_EXECUTABLE=$php "$php" "$rt" -q --no-color --no-progress --set-timeout 300 -d "extension=$so" \
	"${files[@]}" </dev/null >"$out/coverage-phpt.log" 2>&1
grep -E '^(FAIL|BORK|SKIP)' "$out/coverage-phpt.log"
echo "coverage: phpunit"
filter=()
[[ $# -gt 0 ]] && filter=(--filter "$1")
"$php" -d "extension=$so" -d memrehash.max_pools=1024 "$(command -v phpunit)" -c tests/phpunit/phpunit.xml "${filter[@]}" \
	</dev/null >"$out/coverage-phpunit.log" 2>&1
tail -n 3 "$out/coverage-phpunit.log"

# ---- report: the extension's own C files (fuzz/ harnesses excluded)
(cd "$dir" && gcovr --root "$dir" --filter "$dir/[a-z_]+\.c$" --exclude "$dir/mr_gcov_export\.c$" --gcov-exclude ".*conftest.*" 2>/dev/null) | tee "$out/coverage.txt"
grep -q '^TOTAL' "$out/coverage.txt" || { echo "coverage: gcovr printed no table" >&2; exit 1; }
# the files under the 95% every file is held to (issue 18)
awk '$1 ~ /\.c$/ && $4 ~ /%$/ && $4 + 0 < 95 { low = low " " $1 " " $4 } END { print "coverage: under 95%:" (low == "" ? " none" : low) }' "$out/coverage.txt"
