#!/usr/bin/env bash
# Zero code change (issue 13): unmodified app code (tests/zerocode/app.php:
# a plain new Memcached + addServers, a persistent id, Symfony's
# MemcachedAdapter::createConnection, Laravel's CacheManager through its
# MemcachedConnector) first writes through PECL over the OLD list in a PHP
# without memrehash; then the app's configuration names the NEW list and
# memrehash.transitions names (new, old). Requests read,
# sharing counters through memrehash.counters_file (one CLI request first,
# then PHP-FPM with 4 workers). Judged by PECL alone
# (no memrehash): the removed server holds none of the keys, the app's own
# code over the new list finds every value, and php --ri memrehash (same
# counters file) reports the pool complete by its threshold. The reads after
# the first request run under PHP-FPM, 4 static workers sharing the counters
# file, with a SIGUSR2 reload midway. Then PECL's own session handler
# (tests/zerocode/sessions.php) the same way: sessions written by PECL over
# the old list, save_path switched to the new list, PHP-FPM with 4 workers;
# judged by raw reads placed by a PECL client's getServerByKey and by PECL's
# handler alone (tests/zerocode/sessions_judge.php), locks by two concurrent
# requests on one session. Then which objects bind
# (tests/zerocode/binding.php), PHP-FPM under valgrind with bound objects and
# a reload, and a bad setting.
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

fpm=$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)
fpm_pid=
fport=$(php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
fpm_wait_up() {
	for _ in $(seq 100); do
		php -r 'exit(@stream_socket_client("tcp://127.0.0.1:".$argv[1]) ? 0 : 1);' "$fport" && return 0
		sleep 0.1
	done
	return 1
}
# fpm_start -d SETTING...: php-fpm, 4 static workers, memrehash and the settings
fpm_start() {
	cat >"$work/fpm.conf" <<CONF
[global]
pid = $work/fpm.pid
error_log = $work/fpm.log
daemonize = no
[zerocode]
user = root
group = root
listen = 127.0.0.1:$fport
pm = static
pm.max_children = 4
catch_workers_output = yes
clear_env = no
CONF
	: >"$work/fpm.log"
	"$fpm" -F -R -y "$work/fpm.conf" "$@" >>"$work/fpm.log" 2>&1 &
	fpm_pid=$!
	fpm_wait_up
}
fpm_stop() {
	[[ -n $fpm_pid ]] || return 0
	kill -QUIT "$fpm_pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$fpm_pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$fpm_pid" 2>/dev/null
	wait "$fpm_pid" 2>/dev/null
	fpm_pid=
}
trap fpm_stop EXIT
if [[ ! -x $fpm ]]; then
	not_ok "php-fpm8.2 is not installed (scripts/deps.sh installs php8.2-fpm)"
	finish
fi

flush_all() {
	"${bare[@]}" -r '$m = new Memcached(); foreach (explode(",", $argv[1]) as $s) { $m->addServer(explode(":", $s)[0], (int) explode(":", $s)[1]); } $m->flush();' "$old"
}

for path in ${MR_ZEROCODE_PATHS-plain persistent symfony laravel}; do # (a subset while working on one)
	flush_all
	if ! "${bare[@]}" "$app" "$path" write "$old" "$n" >"$work/$path-write.log" 2>&1; then
		not_ok "$path: PECL could not write over the old list ($(tail -n 2 "$work/$path-write.log" | tr '\n' ' '))"
		continue
	fi
	counters=$work/counters-$path
	settings=(-d "extension=$ext" -d "memrehash.counters_file=$counters"
		-d "memrehash.transitions=\"new=$new;old=$old;name=zc-$path;complete_below=0.02;window=1\"")
	with=("${bare[@]}" "${settings[@]}")
	# the first request moves what it reads; then four at once (a key read
	# by two processes while one moves it can miss once: the engine counts
	# that as raced, see docs/DESIGN.md)
	# (no reads of absent keys: the cut-over cannot come before it has moved them all)
	first=$("${with[@]}" "$app" "$path" read "$new" "$n" 0 2>&1)
	if [[ $first == "hits $n misses 0 wrong 0" ]]; then
		ok "$path: the first request on the new list reads all $n values written over the old list"
	else
		not_ok "$path: the first request on the new list: $first"
	fi
	# then PHP-FPM, 4 workers, same counters file: 16 requests, 4 at a time
	if ! fpm_start "${settings[@]}"; then
		not_ok "$path: php-fpm did not start ($(tail -n 3 "$work/fpm.log" 2>/dev/null | tr '\n' ' '))"
		continue
	fi
	good=0
	for batch in 1 2 3 4; do
		if [[ $batch == 3 ]]; then
			kill -USR2 "$fpm_pid" # a reload with objects bound
			fpm_wait_up
		fi
		cpids=()
		for w in 1 2 3 4; do
			timeout 60 "${bare[@]}" "$root/tests/fpm/fcgi_get.php" "127.0.0.1:$fport" "$root/tests/zerocode/fpm_read.php" \
				"path=$path&servers=$new&n=$n" >"$work/$path-fpm$batch-$w.log" 2>&1 &
			cpids+=($!)
		done
		wait "${cpids[@]}"
		for w in 1 2 3 4; do
			grep -qx "hits $n misses 0 wrong 0" "$work/$path-fpm$batch-$w.log" && good=$((good + 1))
		done
	done
	workers=$(cat "$work/$path-fpm"*.log | sed -n 's/^pid //p' | sort -u | grep -c .)
	if [[ $good -eq 16 && $workers -ge 2 ]]; then
		ok "$path: PHP-FPM (4 workers, $workers served, a SIGUSR2 reload midway): 16 of 16 requests read all $n values"
	else
		not_ok "$path: PHP-FPM: $good of 16 requests read every value, $workers workers served ($(head -c 300 "$work/$path-fpm1-1.log"))"
	fi
	fpm_stop
	if grep -Eqi "SIGSEGV|signal 11|exited on signal|core dumped" "$work/fpm.log" 2>/dev/null; then
		not_ok "$path: a PHP-FPM worker crashed: $(grep -Ei 'signal' "$work/fpm.log" | head -3)"
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
		ok "$path: php --ri memrehash reports the transition complete (threshold 0.02 over 1 s, counters shared by the CLI and the FPM workers)"
		if [[ $path == plain ]]; then
			st=$("${with[@]}" "$root/bin/memrehash" status 2>&1)
			if grep -qx "pool zc-$path" <<<"$st" && grep -Eq '^  state +complete$' <<<"$st" \
				&& grep -qx "transition zc-$path" <<<"$st" && grep -Eq "^  pool +zc-$path: complete, " <<<"$st"; then
				ok "$path: bin/memrehash status lists the transition and its pool, complete"
			else
				not_ok "$path: bin/memrehash status: $(head -n 3 <<<"$st" | tr '\n' ' ')"
			fi
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

# PECL memcached's own session handler (session.save_handler = memcached):
# sessions written by PECL over the old list; the app's save_path then names
# the new list, the transition set; PHP-FPM, 4 workers.
sapp=$root/tests/zerocode/sessions.php
ns=200
flush_all
if ! "${bare[@]}" "$sapp" write "$old" "$ns" >"$work/sessions-write.log" 2>&1; then
	not_ok "sessions: PECL could not write over the old list ($(tail -n 2 "$work/sessions-write.log" | tr '\n' ' '))"
fi
before=$("${bare[@]}" "$root/tests/zerocode/sessions_judge.php" "$new" "$removed" "$ns")
counters=$work/counters-sessions
settings=(-d "extension=$ext" -d "memrehash.counters_file=$counters"
	-d "memrehash.transitions=\"new=$new;old=$old;name=zc-sessions;complete_below=0.02;window=1\"")
with=("${bare[@]}" "${settings[@]}")
sget() { # sget LOG QUERY: one request to the sessions app under PHP-FPM
	timeout 60 "${bare[@]}" "$root/tests/fpm/fcgi_get.php" "127.0.0.1:$fport" "$root/tests/zerocode/fpm_sessions.php" "$2" >"$1" 2>&1
}
if ! fpm_start "${settings[@]}"; then
	not_ok "sessions: php-fpm did not start ($(tail -n 3 "$work/fpm.log" 2>/dev/null | tr '\n' ' '))"
else
	# every user's next requests: 4 batches of 4 requests at once, 50
	# sessions each, a SIGUSR2 reload before the third
	good=0
	for batch in 1 2 3 4; do
		if [[ $batch == 3 ]]; then
			kill -USR2 "$fpm_pid"
			fpm_wait_up
		fi
		[[ $batch -gt 1 ]] && sleep 1.1 # the 1 s window passes between batches
		cpids=()
		for w in 0 1 2 3; do
			sget "$work/sessions-fpm$batch-$w.log" "mode=read&servers=$new&a=$((w * 50))&b=50" &
			cpids+=($!)
		done
		wait "${cpids[@]}"
		for w in 0 1 2 3; do
			grep -q "^sessions 50 loggedin 50 wrong 0 " "$work/sessions-fpm$batch-$w.log" && good=$((good + 1))
		done
		if [[ $batch == 1 ]]; then
			# locks: two requests at once on one session take turns (after the
			# first batch: with a 1 s window, a first second of reads that find
			# nothing at the old list would complete the pool before the others
			# moved; memrehash's handler's tests cover a lock at the old place)
			serial=0
			for sid in zcsess0 zcsess1 zcsess2; do
				sget "$work/hold-$sid-1.log" "mode=hold&servers=$new&a=$sid&b=400" &
				h1=$!
				sget "$work/hold-$sid-2.log" "mode=hold&servers=$new&a=$sid&b=400" &
				h2=$!
				wait "$h1" "$h2"
				read -r s1 e1 < <(awk '/^start/ { print $2, $4 }' "$work/hold-$sid-1.log")
				read -r s2 e2 < <(awk '/^start/ { print $2, $4 }' "$work/hold-$sid-2.log")
				sget "$work/count-$sid.log" "mode=count&servers=$new&a=$sid"
				if [[ -n ${s1:-} && -n ${s2:-} ]] && grep -q 'ok 1$' "$work/hold-$sid-1.log" && grep -q 'ok 1$' "$work/hold-$sid-2.log" \
					&& php -r 'exit($argv[1] >= $argv[4] || $argv[3] >= $argv[2] ? 0 : 1);' "$s1" "$e1" "$s2" "$e2" \
					&& grep -qx "holds 2 user user${sid#zcsess}" "$work/count-$sid.log"; then
					serial=$((serial + 1))
				fi
			done
			if [[ $serial -eq 3 ]]; then
				ok "sessions: two concurrent requests on one session hold it in turn, and both writes count (3 of 3 sessions)"
			else
				not_ok "sessions: locks: $serial of 3 sessions served two concurrent requests in turn ($(head -c 200 "$work/hold-zcsess0-1.log") / $(head -c 200 "$work/hold-zcsess0-2.log") / $(head -c 100 "$work/count-zcsess0.log"))"
			fi
		fi
	done
	workers=$(cat "$work/sessions-fpm"*.log | sed -n 's/^pid //p' | sort -u | grep -c .)
	if [[ $good -eq 16 && $workers -ge 2 ]]; then
		ok "sessions: PHP-FPM (4 workers, $workers served, a SIGUSR2 reload midway): 16 of 16 requests found all 50 users logged in"
	else
		not_ok "sessions: PHP-FPM: $good of 16 requests found every user logged in, $workers workers served ($(head -c 300 "$work/sessions-fpm1-0.log"))"
	fi
	fpm_stop
	if grep -Eqi "SIGSEGV|signal 11|exited on signal|core dumped" "$work/fpm.log" 2>/dev/null; then
		not_ok "sessions: a PHP-FPM worker crashed: $(grep -Ei 'signal' "$work/fpm.log" | head -3)"
	fi
	after=$("${bare[@]}" "$root/tests/zerocode/sessions_judge.php" "$new" "$removed" "$ns")
	# before: some sessions at the removed server (else this proves nothing)
	if [[ $before =~ removed\ ([1-9][0-9]*) && $after == "placed $ns elsewhere 0 removed 0 locks 0" ]]; then
		ok "sessions: every session moved to where PECL places it on the new list, none left on the removed server, no lock left (raw reads: before '$before')"
	else
		not_ok "sessions: raw reads before '$before', after '$after'"
	fi
	# the visits each read added (1 written + 4 reads; the holds do not
	# count visits) are all there, read by PECL alone over the new list
	final=$("${bare[@]}" "$sapp" read "$new" 0 "$ns")
	if [[ $final == "sessions $ns loggedin $ns wrong 0 visits $((ns * 5))" ]]; then
		ok "sessions: PECL without memrehash over the new list: all $ns users logged in, every request's write kept"
	else
		not_ok "sessions: PECL without memrehash over the new list: $final (want visits $((ns * 5)))"
	fi
	sinfo=$("${with[@]}" --ri memrehash)
	sstate=$(awk '/^Sessions pool => zc-sessions:sessions$/ { t = 1 } t && /^Sessions State =>/ { print $4; exit }' <<<"$sinfo")
	if [[ $sstate == complete ]]; then
		ok "sessions: php --ri memrehash reports the sessions pool zc-sessions:sessions complete (threshold 0.02 over 1 s, counters shared)"
	else
		not_ok "sessions: php --ri memrehash reports the sessions pool '${sstate:-absent}', not complete"
	fi
fi
# an unmatched save_path stays PECL's: over the old list it reads every
# session where PECL put it (and moves nothing)
flush_all
"${bare[@]}" "$sapp" write "$old" 30 >/dev/null 2>&1
unmatched=$("${with[@]}" "$sapp" read "$old" 0 30 2>&1)
kept=$("${bare[@]}" "$root/tests/zerocode/sessions_judge.php" "$new" "$removed" 30)
if [[ $unmatched == "sessions 30 loggedin 30 wrong 0 visits 30" && $kept =~ removed\ [1-9] ]]; then
	ok "sessions: a save_path that is no transition's new list stays PECL's (read all 30, moved none: '$kept')"
else
	not_ok "sessions: an unmatched save_path: '$unmatched', raw '$kept'"
fi

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

# PHP-FPM under valgrind with bound objects (tests/zerocode/fpm_bound.sh):
# one worker, 100 requests each binding a plain \Memcached and a session and
# reusing one persistent \Memcached (bound), a SIGUSR2 reload (the master
# re-executes itself, still under valgrind), 20 more. Every process of it
# logs apart; any error (memcheck, no leak check: FPM frees little at exit)
# fails. The sanitizer run of the same with 1,000 requests is in asan.sh.
if command -v valgrind >/dev/null; then
	vg=$work/valgrind
	mkdir -p "$vg"
	vg_out=$(timeout -k 10 300 bash "$root/tests/zerocode/fpm_bound.sh" "$vg" "$ext" 100 20 \
		valgrind --trace-children=yes --leak-check=no --error-limit=no --suppressions="$root/tests/valgrind.supp" \
		--log-file="$vg/vg.%p" 2>&1)
	vg_rc=$?
	logs=$(find "$vg" -name 'vg.*' | grep -c .)
	errors=$(cat "$vg"/vg.* 2>/dev/null | sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	if [[ $vg_rc -eq 0 && $logs -ge 3 && $errors -eq 0 ]]; then
		ok "PHP-FPM under valgrind, bound objects and session, a persistent object reused, SIGUSR2 reload: 0 errors in $logs processes ($vg_out)"
	else
		not_ok "PHP-FPM under valgrind: exit $vg_rc, $errors errors in $logs process logs ($vg_out; $vg/vg.*: $(grep -l 'ERROR SUMMARY: [1-9]' "$vg"/vg.* 2>/dev/null | head -3 | tr '\n' ' '))"
	fi
else
	not_ok "valgrind is not installed (scripts/deps.sh installs it)"
fi

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
