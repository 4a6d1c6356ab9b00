#!/usr/bin/env bash
# Builds the libFuzzer harnesses into fuzz/out/ (gitignored):
#
#   bash fuzz/build.sh              every target
#   bash fuzz/build.sh reply spec   only these
#
# Targets (fuzz/fuzz_NAME.c, seeds in fuzz/corpus/NAME/, past findings in
# fuzz/regressions/NAME/):
#   reply     mr_wire_parse_reply, every request kind        (mr_wire.c)
#   metadump  mr_drain_parse_metadump_line                   (mr_drain.c)
#   spec      mr_place_parse_spec / make_spec / index        (mr_place.c)
#   decode    mr_codec_decode, mr_fastlz_decompress, round trips (mr_codec.c, mr_fastlz.c)
#
# The sources under test are compiled straight from the top directory with
# clang -fsanitize=fuzzer,address,undefined (UB aborts). They include php.h
# and call a few Zend helpers, so every target links Debian's embed SAPI
# (libphp8.2-embed: /usr/lib/libphp8.2.so), which also gives fuzz_decode a
# real PHP runtime for zvals, unserialize and json. Needs: clang,
# libclang-rt-14-dev, php8.2-dev, libphp8.2-embed, libmemcached-dev,
# zlib1g-dev (tests/suites/fuzz.sh installs the missing ones as root).
#
# Environment: CC (default clang), FUZZ_OUT (default fuzz/out),
# FUZZ_CFLAGS (extra flags).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
out=${FUZZ_OUT:-$root/fuzz/out}
cc=${CC:-clang}
mkdir -p "$out/obj"

all=(reply metadump spec decode)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

# sources_of TARGET: the extension files a harness is linked with.
sources_of() {
	case $1 in
	reply) echo "mr_wire.c mr_down.c" ;;
	metadump) echo "mr_drain.c migrate.c mr_guard.c mr_lease.c mr_pool.c mr_layout.c mr_wire.c mr_down.c mr_place.c mr_counters.c" ;;
	spec) echo "mr_place.c" ;;
	decode) echo "mr_codec.c mr_fastlz.c" ;;
	*) return 1 ;;
	esac
}

php_libdir=$(dirname "$(ls /usr/lib/libphp8.2.so /usr/lib/*/libphp8.2.so 2>/dev/null | head -n 1)")
if [[ ! -f $php_libdir/libphp8.2.so ]]; then
	echo "fuzz/build.sh: libphp8.2.so not found (apt-get install libphp8.2-embed)" >&2
	exit 1
fi

# shellcheck disable=SC2054 # the commas belong to the flags
san=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
# shellcheck disable=SC2207
includes=(-I"$root" -I"$root/fuzz" $(php-config --includes) $(pkg-config --cflags libmemcached zlib 2>/dev/null || true))
cflags=(-g -O1 "${san[@]}" -fsanitize=fuzzer-no-link -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 -DFUZZ_EXT_DIR="\"$(php-config --extension-dir)\"" -w "${includes[@]}")
# shellcheck disable=SC2206
cflags+=(${FUZZ_CFLAGS:-})
# shellcheck disable=SC2054,SC2207
libs=(-L"$php_libdir" -Wl,-rpath,"$php_libdir" -lphp8.2 $(pkg-config --libs libmemcached zlib 2>/dev/null || echo -lmemcached -lz) -lm)

# compile SRC OBJ: rebuilds OBJ when SRC or a header is newer.
compile() {
	local src=$1 obj=$2 h newer=0
	if [[ -f $obj ]]; then
		[[ $src -nt $obj ]] && newer=1
		for h in "$root"/*.h "$root"/fuzz/*.h; do
			[[ -f $h && $h -nt $obj ]] && newer=1
		done
		[[ $newer -eq 0 ]] && return 0
	fi
	"$cc" "${cflags[@]}" -c "$src" -o "$obj"
}

rc=0
for t in "${targets[@]}"; do
	if ! srcs=$(sources_of "$t"); then
		echo "fuzz/build.sh: unknown target '$t' (known: ${all[*]})" >&2
		exit 2
	fi
	objs=()
	ok=1
	rm -f "$out/fuzz_$t"   # a failed build must not leave an old binary to run
	for s in fuzz/fuzz_$t.c $srcs; do
		o=$out/obj/$(basename "${s%.c}").o
		if ! compile "$root/$s" "$o"; then
			echo "fuzz/build.sh: $t: compiling $s failed" >&2
			ok=0
			break
		fi
		objs+=("$o")
	done
	if [[ $ok -eq 1 ]] && "$cc" "${san[@]}" -fsanitize=fuzzer -o "$out/fuzz_$t" "${objs[@]}" "${libs[@]}"; then
		echo "fuzz/build.sh: built $out/fuzz_$t"
	else
		echo "fuzz/build.sh: $t: FAILED" >&2
		rc=1
	fi
done
exit $rc
