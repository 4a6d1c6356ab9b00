#!/usr/bin/env bash
# layers: the source files depend on each other one way only (no include or
# call cycle, derived from the sources by scripts/check-layers.php), the
# checker itself catches a cycle planted in a copy of the sources, and every
# source file is built (config.m4) and named in the README's architecture
# table. Quick: no build, no servers.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if out=$(php scripts/check-layers.php 2>&1); then
	ok "no cycle between source files ($(tail -n 1 <<<"$out"))"
else
	not_ok "check-layers found a cycle: $out"
fi

# plant_copy NAME: a copy of the sources in $tmp/NAME
plant_copy() {
	mkdir -p "$tmp/$1"
	cp ./*.c ./*.h "$tmp/$1/"
	rm -f "$tmp/$1/config.h"
}

# a call cycle: the pool (below migrate) calls back into migrate
plant_copy call
printf '\nvoid mr_pool_planted(mr_pool_t *p)\n{\n\tmr_migrate_flush(p);\n}\n' >>"$tmp/call/mr_pool.c"
out=$(php scripts/check-layers.php "$tmp/call" 2>&1)
if [[ $? -eq 1 && $out == *"mr_pool -> migrate"* ]]; then
	ok "a planted call cycle (mr_pool.c calls mr_migrate_flush) is caught"
else
	not_ok "a planted call cycle was not reported: $out"
fi

# an include cycle: the wire engine includes the pool's header
plant_copy include
sed -i 's|#include <stddef.h>|#include <stddef.h>\n#include "mr_pool.h"|' "$tmp/include/mr_wire.h"
out=$(php scripts/check-layers.php "$tmp/include" 2>&1)
if [[ $? -eq 1 && $out == *"mr_wire -> mr_pool (mr_wire.h includes mr_pool.h)"* ]]; then
	ok "a planted include cycle (mr_wire.h includes mr_pool.h) is caught"
else
	not_ok "a planted include cycle was not reported: $out"
fi

# a comment naming a function is no dependency
plant_copy comment
printf '\n/* mr_migrate_flush() is not called here */\n' >>"$tmp/comment/mr_pool.c"
if out=$(php scripts/check-layers.php "$tmp/comment" 2>&1); then
	ok "a function named in a comment makes no dependency"
else
	not_ok "a comment was read as a call: $out"
fi

# docs/DESIGN.md's layer table says what check-layers derives: same units, same layers
derived=$(php scripts/check-layers.php | sed -n 's/^layer \([0-9]*\): /\1; /p' | awk -v FS='; ' '
	{ for (i = 2; i <= NF; i++) { u = $i; sub(/ .*/, "", u); print u, $1 } }' | sort)
documented=$(sed -n 's/^| \([0-9]*\) | `\([a-z_]*\)\.[ch]` |.*/\2 \1/p' docs/DESIGN.md | sort)
if [[ -n $derived && $derived == "$documented" ]]; then
	ok "docs/DESIGN.md's layer table matches the sources ($(wc -l <<<"$derived") units)"
else
	not_ok "docs/DESIGN.md's layer table differs from check-layers: $(diff <(echo "$documented") <(echo "$derived") | tr '\n' ' ')"
fi

missing=()
for f in *.c; do
	grep -q "PHP_NEW_EXTENSION(memrehash,[^)]*\b${f}\b" <(tr -d '\n' <config.m4) || missing+=("$f")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	ok "config.m4 builds every .c file"
else
	not_ok "config.m4 does not build: ${missing[*]}"
fi

table=$(sed -n '/^## Architecture/,/^## /p' README.md)
missing=()
for f in *.c *.h; do
	[[ $f == config.h ]] && continue
	grep -q "\`$f\`" <<<"$table" || missing+=("$f")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	ok "the README's architecture table names every source file"
else
	not_ok "the README's architecture table does not name: ${missing[*]}"
fi

finish
