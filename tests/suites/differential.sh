#!/usr/bin/env bash
# The differential test (issue 12 item 4, issue 13's "without memrehash"):
# one seeded random sequence of calls (tests/differential/driver.php, every
# \Memcached method but the server-list mutators, SASL, buckets and
# encryption) runs through PECL Memcached in a PHP process WITHOUT memrehash
# (php -n, only igbinary, msgpack and memcached loaded, as Debian's conf.d
# loads them, with its memcached.* settings) and through each other client in
# its own process; compare.php diffs the records call by call (return value,
# exception, warnings, getResultCode/getResultMessage) and the servers' end
# contents (raw meta reads of every key, server by server). One test per
# comparison; each prints "differential NAME: N operations, D differences"
# and its differences go to tests/output/differential-NAME.log.
#
#   PECL (no memrehash) on servers 1-2  vs
#     pecl-with-memrehash   PECL in a process with memrehash loaded (no transition)
#     pecl-with-transition  the same with memrehash.transitions set for other
#                           servers (5-6): \Memcached's handlers swapped, no
#                           object bound (issue 13)
#     dropin-text           new MemRehash\Memcached($s, $s), text protocol
#     dropin-binary         the same, binary protocol and OPT_PREFIX_KEY
#     dropin-wrap           MemRehash\Memcached::fromMemcached($configured, $s)
#   each on servers 3-4, old list = new list.
# Plus a check that compare.php does report differences (two seeds differ).
#
# MR_DIFF_SEED (default 20261207) and MR_DIFF_OPS (default 10000) pick the
# sequence; the servers are the run's (MR_TEST_PORTS).
#
# Every comparison is a test. A compressed value both sides stored with
# other compressed bytes that decode to the same value counts as equal and
# is listed in the log (tests/differential/payload.php says why).
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ext=${MR_EXT:-$root/modules/memrehash.so}
out=${MR_OUTPUT:-$root/tests/output}
work=$out/differential
mkdir -p "$work"
seed=${MR_DIFF_SEED:-20261207}
ops=${MR_DIFF_OPS:-10000}
host=${MR_TEST_HOST:-127.0.0.1}
IFS=',' read -r -a ports <<<"${MR_TEST_PORTS:-21201,21202,21203,21204,21205,21206}"
pecl_servers="$host:${ports[0]},$host:${ports[1]}"
other_servers="$host:${ports[2]},$host:${ports[3]}"
driver=$root/tests/differential/driver.php
compare=$root/tests/differential/compare.php

# PHP without php.ini or conf.d: PECL memcached and the serializers it was
# built with, loaded in Debian's order, and Debian's memcached.* settings
# (read from the ordinary PHP, sessions' aside).
bare=(php -n -d extension=igbinary.so -d extension=msgpack.so -d extension=memcached.so)
# shellcheck disable=SC2016 # the single quotes hold PHP code
while IFS= read -r setting; do
	[[ -n $setting ]] && bare+=(-d "$setting")
done < <(php -r 'foreach (ini_get_all("memcached", false) as $k => $v) { if (strpos($k, ".sess_") === false) echo "$k=$v\n"; }')
with_ext=(php -d "extension=$ext")
# a transition that matches none of the servers the sides use
with_transition=("${with_ext[@]}" -d "memrehash.transitions=\"new=$host:${ports[4]};old=$host:${ports[4]},$host:${ports[5]};name=differential-unmatched\"")

if "${bare[@]}" -m | grep -qx memrehash; then
	not_ok "the PECL side's PHP (php -n ...) has memrehash loaded"
	finish
fi

# record NAME PHP... -- DRIVER-ARGS: runs one side; true if it completed.
record() {
	local name=$1
	shift
	local php=()
	while [[ $1 != -- ]]; do
		php+=("$1")
		shift
	done
	shift
	if ! "${php[@]}" "$driver" "$@" --seed="$seed" --ops="$ops" --out="$work/$name.rec" 2>"$work/$name.err"; then
		not_ok "$name: the driver did not finish ($(tail -n 3 "$work/$name.err" | tr '\n' ' '))"
		return 1
	fi
	return 0
}

# compare NAME A B: one test; the differences go to the log.
compare() {
	local name=$1 log=$out/differential-$1.log
	php "$compare" "$name" "$work/$2.rec" "$work/$3.rec" >"$log" 2>&1
	local rc=$? summary
	summary=$(tail -n 1 "$log")
	if [[ $rc -eq 0 ]]; then
		ok "$summary"
	else
		grep '^PROBLEM' "$log" | head -n 3
		not_ok "$summary (each difference: $log)"
	fi
}

for config in text binary; do
	record "pecl-$config" "${bare[@]}" -- --side=pecl --servers="$pecl_servers" --config="$config" || continue
	if [[ $config == text ]]; then
		record pecl-with-memrehash "${with_ext[@]}" -- --side=pecl --servers="$other_servers" --config=text &&
			compare pecl-with-memrehash pecl-text pecl-with-memrehash
		if grep -q 'Transitions => configured' <<<"$("${with_transition[@]}" --ri memrehash)"; then
			record pecl-with-transition "${with_transition[@]}" -- --side=pecl --servers="$other_servers" --config=text &&
				compare pecl-with-transition pecl-text pecl-with-transition
		else
			not_ok "pecl-with-transition: memrehash did not take the transition (php --ri memrehash)"
		fi
		record dropin-wrap "${with_ext[@]}" -- --side=dropin-wrap --servers="$other_servers" --config=text &&
			compare dropin-wrap pecl-text dropin-wrap
	fi
	record "dropin-$config" "${with_ext[@]}" -- --side=dropin --servers="$other_servers" --config="$config" &&
		compare "dropin-$config" "pecl-$config" "dropin-$config"
done

# The comparison can fail: the same client under another seed differs.
if record pecl-other-seed "${bare[@]}" -- --side=pecl --servers="$pecl_servers" --config=text; then
	seed_saved=$seed
	seed=$((seed + 1))
	record pecl-next-seed "${bare[@]}" -- --side=pecl --servers="$pecl_servers" --config=text
	seed=$seed_saved
	if php "$compare" control "$work/pecl-other-seed.rec" "$work/pecl-next-seed.rec" >"$out/differential-control.log" 2>&1; then
		not_ok "compare.php found no difference between two different seeds"
	else
		ok "compare.php reports differences between two seeds: $(tail -n 1 "$out/differential-control.log")"
	fi
fi

finish
