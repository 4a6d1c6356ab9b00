#!/usr/bin/env bash
# Regenerates memrehash_arginfo.h from memrehash.stub.php with php-src's
# gen_stub.php, offline. Commit both files together.
#
#   bash scripts/gen-arginfo.sh           regenerate if the stub changed
#   bash scripts/gen-arginfo.sh -f        regenerate even if the hash matches
#   bash scripts/gen-arginfo.sh --setup   only make build/ usable offline
#
# gen_stub.php (copied into build/ by phpize) wants PHP-Parser 4.15.1 in
# build/PHP-Parser-4.15.1 and downloads it when that directory is missing.
# Debian's php-parser package (4.15.x, same API) installs the PhpParser
# classes under /usr/share/php/PhpParser, and gen_stub.php autoloads
# build/PHP-Parser-4.15.1/lib/PhpParser/<Class>.php, so a symlink lib ->
# /usr/share/php is all it needs. scripts/build.sh runs --setup after every
# phpize, so make's own "%_arginfo.h: %.stub.php" rule never downloads either.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

setup_parser() {
	local gen=build/gen_stub.php want dir
	if [[ ! -f $gen ]]; then
		mkdir -p build
		local src found=
		for src in /usr/lib/php/*/build/gen_stub.php; do
			[[ -f $src ]] && found=$src
		done
		[[ -n $found ]] || { echo "gen-arginfo: no gen_stub.php (is php8.2-dev installed?)" >&2; return 1; }
		cp "$found" "$gen"
	fi
	# The version gen_stub.php asks for, read from the script itself.
	# shellcheck disable=SC2016 # a literal $version in gen_stub.php
	want=$(sed -n 's/^ *\$version = "\([0-9.]*\)";.*/\1/p' "$gen" | head -n 1)
	want=${want:-4.15.1}
	dir=build/PHP-Parser-$want
	if [[ ! -f /usr/share/php/PhpParser/Parser/Php7.php ]]; then
		echo "gen-arginfo: Debian's php-parser is missing (bash scripts/deps.sh)" >&2
		return 1
	fi
	mkdir -p "$dir"
	ln -sfn /usr/share/php "$dir/lib"
}

if [[ ${1:-} == --setup ]]; then
	setup_parser
	exit 0
fi

setup_parser
force=()
[[ ${1:-} == -f ]] && force=(-f)
for stub in *.stub.php; do
	[[ -e $stub ]] || { echo "gen-arginfo: no *.stub.php here" >&2; exit 1; }
	php build/gen_stub.php "${force[@]}" "$stub"
done
