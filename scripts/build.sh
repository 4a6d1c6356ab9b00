#!/usr/bin/env bash
# Builds modules/memrehash.so: phpize && ./configure --enable-memrehash &&
# make -j2. Reconfigures only when config.m4, the configure arguments or the
# PHP version changed since the last configure; plain `make` otherwise.
#
#   bash scripts/build.sh                       build
#   bash scripts/build.sh --enable-memrehash-sanitize   extra configure args
#   MR_CLEAN=1 bash scripts/build.sh            phpize --clean first
#   MR_JOBS=N                                   make -jN (default 2)
#   MR_ALLOW_WARNINGS=1                         do not fail on compiler warnings
#
# Output goes to the terminal and to tests/output/build.log. Exits non-zero
# if the build fails, modules/memrehash.so is not there afterwards, or the
# compiler warned (config.m4 compiles with -Wall -Wextra: the build must be
# warning-free, and CI shows every warning at the end of its build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
log=$root/tests/output/build.log
mkdir -p "$(dirname "$log")"
: >"$log"

for tool in phpize php-config make cc; do
	if ! command -v "$tool" >/dev/null; then
		echo "build: $tool not found (run: bash scripts/deps.sh)" >&2
		exit 1
	fi
done

run() {
	echo "+ $*" | tee -a "$log"
	"$@" 2>&1 | tee -a "$log"
	return "${PIPESTATUS[0]}"
}

if [[ ${MR_CLEAN:-0} == 1 && -f configure ]]; then
	run phpize --clean
fi

configure_args=(--enable-memrehash "$@")
# What the configured tree depends on: stored in build/ (phpize's own,
# gitignored directory), so phpize --clean also forgets it.
stamp_file=build/memrehash-configure.stamp
stamp=$(
	sha256sum config.m4 | cut -d' ' -f1
	php-config --version
	printf '%s\n' "${configure_args[@]}"
)

if [[ ! -f Makefile || ! -f config.status || ! -f $stamp_file ]] ||
	[[ $(cat "$stamp_file") != "$stamp" ]]; then
	if [[ -f Makefile ]]; then
		# New flags or sources: objects built with the old ones must go.
		run make clean >/dev/null || true
	fi
	rm -f "$stamp_file"
	run phpize
	bash scripts/gen-arginfo.sh --setup
	run ./configure "${configure_args[@]}"
	printf '%s\n' "$stamp" >"$stamp_file"
else
	echo "build: config.m4 unchanged, not reconfiguring" | tee -a "$log"
	# build/ may have been emptied by hand; make's arginfo rule needs it.
	bash scripts/gen-arginfo.sh --setup
fi

# The committed *_arginfo.h must match its stub; gen_stub.php compares the
# stub hash recorded in the header and rewrites it only when they differ.
for stub in *.stub.php; do
	[[ -f $stub ]] || continue
	if ! run bash scripts/gen-arginfo.sh; then
		if [[ ! -f ${stub%.stub.php}_arginfo.h ]]; then
			echo "build: FAILED: cannot generate ${stub%.stub.php}_arginfo.h" >&2
			exit 1
		fi
		echo "build: WARNING: gen_stub.php failed; using the committed arginfo" | tee -a "$log"
	fi
	break
done

run make -j"${MR_JOBS:-2}"

if [[ ! -f modules/memrehash.so ]]; then
	echo "build: FAILED: modules/memrehash.so was not built (log: $log)" >&2
	exit 1
fi

# Compiler warnings (of the files make compiled this time), listed once each.
# autoconf's own notes ("configure.ac: warning: The macro ...") carry no
# [-W...] option and are not ours.
warnings=$(grep -E ': warning: .*\[-W[^]]+\]$' "$log" | sort -u || true)
if [[ -n $warnings ]]; then
	echo "build: $(wc -l <<<"$warnings") compiler warning(s):" | tee -a "$log"
	echo "$warnings" | tee -a "$log"
	if [[ ${MR_ALLOW_WARNINGS:-0} != 1 ]]; then
		echo "build: FAILED: the build must be free of warnings (MR_ALLOW_WARNINGS=1 builds anyway)" >&2
		exit 1
	fi
fi
echo "build: modules/memrehash.so ok"
