#!/usr/bin/env bash
# Zero code change (issue 13): unmodified app code (tests/zerocode/app.php:
# a plain new Memcached + addServers, a persistent id, Symfony's
# MemcachedAdapter::createConnection, Laravel's CacheManager through its
# MemcachedConnector) first writes through PECL over the OLD list in a PHP
# without memrehash; then the app's configuration names the NEW list and
# memrehash.transitions names (new, old). Four processes read at once,
# sharing counters through memrehash.counters_file. Judged by PECL alone
# (no memrehash): the removed server holds none of the keys, the app's own
# code over the new list finds every value, and php --ri memrehash (same
# counters file) reports the pool complete by its threshold. Then which
# objects bind (tests/zerocode/binding.php), and a bad setting.
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ext=${MR_EXT:-$root/modules/memrehash.so}
out=${MR_OUTPUT:-$root/tests/output}
work=$out/zerocode
rm -rf "$work"
mkdir -p "$work"
host=${MR_TEST_HOST:-127.0.0.1}
IFS=',' read -r -a ports <<<"${MR_TEST_PORTS:-21201,21202,21203,21204,21205,21206}"
old="$host:${ports[0]},$host:${ports[1]},$host:${ports[2]}"
new="$host:${ports[0]},$host:${ports[1]}"
removed="$host:${ports[2]}"
n=300
app=$root/tests/zerocode/app.php
# PHP without memrehash (the app before, and the judge), and with it
bare=(php -n -d extension=igbinary.so -d extension=msgpack.so -d extension=memcached.so -d extension=mbstring.so)

flush_all() {
	"${bare[@]}" -r '$m = new Memcached(); foreach (explode(",", $argv[1]) as $s) { $m->addServer(explode(":", $s)[0], (int) explode(":", $s)[1]); } $m->flush();' "$old"
}

for path in plain persistent symfony laravel; do
	flush_all
	if ! "${bare[@]}" "$app" "$path" write "$old" "$n" >"$work/$path-write.log" 2>&1; then
		not_ok "$path: PECL could not write over the old list ($(tail -n 2 "$work/$path-write.log" | tr '\n' ' '))"
		continue
	fi
	counters=$work/counters-$path
	with=("${bare[@]}" -d "extension=$ext" -d "memrehash.counters_file=$counters"
		-d "memrehash.transitions=\"new=$new;old=$old;name=zc-$path;complete_below=0.02\"")
	# the first request moves what it reads; then four at once (a key read
	# by two processes while one moves it can miss once: the engine counts
	# that as raced, see docs/DESIGN.md)
	first=$("${with[@]}" "$app" "$path" read "$new" "$n" 2>&1)
	if [[ $first == "hits $n misses 0 wrong 0" ]]; then
		ok "$path: the first request on the new list reads all $n values written over the old list"
	else
		not_ok "$path: the first request on the new list: $first"
	fi
	pids=()
	for w in 1 2 3 4; do
		"${with[@]}" "$app" "$path" read "$new" "$n" >"$work/$path-read$w.log" 2>&1 &
		pids+=($!)
	done
	good=0
	for w in 1 2 3 4; do
		wait "${pids[$((w - 1))]}"
		grep -qx "hits $n misses 0 wrong 0" "$work/$path-read$w.log" && good=$((good + 1))
	done
	if [[ $good -eq 4 ]]; then
		ok "$path: then 4 processes at once read all $n values"
	else
		not_ok "$path: $good of 4 processes read every value ($(cat "$work/$path-read"*.log | tr '\n' ' '))"
	fi
	left=$("${bare[@]}" "$app" "$path" read "$removed" "$n")
	if [[ $left == "hits 0 misses $n wrong 0" ]]; then
		ok "$path: the removed server holds none of the keys (read by PECL directly)"
	else
		not_ok "$path: the removed server, read by PECL: $left"
	fi
	placed=$("${bare[@]}" "$app" "$path" read "$new" "$n")
	if [[ $placed == "hits $n misses 0 wrong 0" ]]; then
		ok "$path: the app's code over the new list without memrehash finds every value (PECL's placement)"
	else
		not_ok "$path: the app over the new list without memrehash: $placed"
	fi
	state=$("${with[@]}" --ri memrehash | awk -v name="zc-$path" '$0 ~ "=> " name "$" { t = 1 } t && /^State =>/ { print $3; exit }')
	if [[ $state == complete ]]; then
		ok "$path: php --ri memrehash reports the transition complete (threshold 0.02, counters shared by the 4 processes)"
		if [[ $path == plain ]]; then
			# done is done: keys written at their old place only are not
			# looked for there any more (only those placed alike are read)
			ac=$root/tests/zerocode/after_complete.php
			"${bare[@]}" "$ac" write "$old" "$new" >/dev/null
			want=$("${bare[@]}" "$ac" expect "$old" "$new")
			got=$("${with[@]}" "$ac" read "$old" "$new")
			if [[ $got == "$want" && $want -lt 100 ]]; then
				ok "$path: after the cut-over the old list is not read ($got of 100 old-only keys found: the $want placed alike by PECL)"
			else
				not_ok "$path: after the cut-over a bound object found $got of 100 keys written at their old place; $want are placed alike"
			fi
		fi
	else
		not_ok "$path: php --ri memrehash reports state '${state:-none}', not complete"
	fi
done

# Which objects bind.
binding=$("${bare[@]}" -d "extension=$ext" -d "memrehash.transitions=\"new=$new;old=$old\"" \
	"$root/tests/zerocode/binding.php" "$new" "$host:${ports[3]}" 2>&1)
echo "$binding" >"$work/binding.log"
expect() {
	if grep -qx -- "$1" <<<"$binding"; then ok "binding: $1"; else not_ok "binding: expected '$1' (see $work/binding.log)"; fi
}
expect "start: no (0 objects now, 0 binds)"
expect "unmatched list: no (0 objects now, 0 binds) get 'u'"
expect "new list: yes (1 objects now, 1 binds)"
expect "after resetServerList: no (0 objects now, 1 binds) get false code 20"
expect "added again: yes (1 objects now, 2 binds)"
expect "one more server: no (0 objects now, 2 binds)"
expect "subclass: yes (1 objects now, 3 binds) instanceof true"
expect "after setOption: yes (1 objects now, 4 binds) prefix p:"
expect "clone: Trying to clone an uncloneable object of class AppCache"
expect "persistent, 1000 reuses: yes (1 objects now, 1004 binds) persistent true"
expect "end: no (0 objects now, 1004 binds)"

# A bad setting: a warning naming the entry, the good entry kept, PHP runs.
bad=$("${bare[@]}" -d "extension=$ext" -d "memrehash.transitions=\"new=$new;old=nonsense|new=$new;old=$old\"" \
	-r 'echo "ran\n";' 2>&1)
if grep -q 'entry "new=.*;old=nonsense" is not applied: a server must be host:port' <<<"$bad" && grep -qx ran <<<"$bad"; then
	ok "a bad entry: a startup warning naming it, PHP runs"
else
	not_ok "a bad entry: $bad"
fi
info=$("${bare[@]}" -d "extension=$ext" -d "memrehash.transitions=\"new=$new;old=nonsense|new=$new;old=$old\"" --ri memrehash 2>/dev/null)
if grep -q '^Transition 1 => ' <<<"$info" && ! grep -q '^Transition 2 => ' <<<"$info"; then
	ok "a bad entry: the good one is kept"
else
	not_ok "a bad entry: the good one was not kept"
fi
finish
