#!/usr/bin/env bash
# One stopped server, four PHP-FPM workers (issue 17 item 4): how many
# requests wait out the full 1 s timeout. The old server is a memcached of
# this suite's own, stopped with SIGSTOP (a hung host: connects queue, no
# reply). Requests come one after another, so whichever worker takes the
# next one, the first timeout has happened: with the down-server table
# shared by the host's processes only the first request waits (the retry interval,
# 20 s, outlasts the sequence); with a table
# per process each worker would wait once. Then a burst of 4 at once (all
# start before anyone learns: each waits, shared table or not) is reported
# as a figure. MR_EXT=other.so measures another build (the "before").
# Prints its own "N passed, N failed" last.
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ext=${MR_EXT:-$root/modules/memrehash.so}
php=${MR_PHP:-php}
fpm=$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)
memcached_bin=${MR_MEMCACHED:-$(command -v memcached || echo /usr/bin/memcached)}
sequential=${MR_DOWN_REQUESTS:-16}

if [[ ! -x $fpm ]]; then
	not_ok "php-fpm8.2 is not installed (scripts/deps.sh installs php8.2-fpm)"
	finish
fi
tmp=$(mktemp -d)
fpm_pid=
victim_pid=
cleanup() {
	if [[ -n $victim_pid ]]; then kill -CONT "$victim_pid" 2>/dev/null; kill "$victim_pid" 2>/dev/null; fi
	if [[ -n $fpm_pid ]] && kill -0 "$fpm_pid" 2>/dev/null; then
		kill -QUIT "$fpm_pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$fpm_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$fpm_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { "$php" -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];'; }
vport=$(free_port)
user=()
[[ $(id -u) -eq 0 ]] && user=(-u root)
"$memcached_bin" "${user[@]}" -l 127.0.0.1 -p "$vport" -U 0 -m 16 >/dev/null 2>&1 &
victim_pid=$!
for _ in $(seq 50); do "$php" -r 'exit(@stream_socket_client("tcp://127.0.0.1:".$argv[1]) ? 0 : 1);' "$vport" && break; sleep 0.1; done
new=$("$php" -r 'require "tests/config.inc"; echo mr_servers(1, 0)[0];')
old="127.0.0.1:$vport"

port=$(free_port)
cat >"$tmp/fpm.conf" <<CONF
[global]
pid = $tmp/fpm.pid
error_log = $tmp/fpm.log
daemonize = no
[down]
user = root
group = root
listen = 127.0.0.1:$port
listen.backlog = 64
pm = static
pm.max_children = 4
catch_workers_output = yes
clear_env = no
CONF
"$fpm" -F -R -y "$tmp/fpm.conf" -d "extension=$ext" >"$tmp/fpm.out" 2>&1 &
fpm_pid=$!
up=0
for _ in $(seq 100); do
	if "$php" -r 'exit(@stream_socket_client("tcp://127.0.0.1:".$argv[1]) ? 0 : 1);' "$port"; then up=1; break; fi
	sleep 0.1
done
if [[ $up == 1 ]]; then ok "php-fpm started with 4 workers"; else not_ok "php-fpm did not start: $(tail -5 "$tmp/fpm.log" "$tmp/fpm.out" 2>/dev/null)"; finish; fi

# request I: one get; prints "pid ms rc" (ms -1 when no answer)
request() {
	local out
	out=$(timeout 20 "$php" tests/fpm/fcgi_get.php "127.0.0.1:$port" "$root/tests/fpm/down_app.php" \
		"pool=fpm-down-$$&old=$old&new=$new&key=$1" 2>/dev/null)
	"$php" -r '$r = json_decode($argv[1], true); echo is_array($r) ? "$r[pid] $r[ms] $r[rc]" : "0 -1 -1";' "$out"
	echo
}

# warm-up: every worker has run the app once, the old server answering
for i in $(seq 8); do request "warm$i" >/dev/null & done
wait_clients() { local p; for p in "$@"; do wait "$p"; done; }
wait_clients $(jobs -p | grep -v "^$fpm_pid$" | grep -v "^$victim_pid$")
fast=$(request warm-check)
read -r _ ms _ <<<"$fast"
if [[ $ms -ge 0 && $ms -lt 500 ]]; then ok "with the old server up a request's get takes ${ms} ms"; else not_ok "warm request: $fast"; fi

kill -STOP "$victim_pid"
seq_started=$SECONDS
# one client sends them one after another (a client per request would space
# them by its start-up, seconds on a loaded machine)
timeout 120 "$php" tests/fpm/fcgi_get.php "127.0.0.1:$port" "$root/tests/fpm/down_app.php" \
	"pool=fpm-down-$$&old=$old&new=$new&key=seq{i}" "$sequential" >"$tmp/seq.json" 2>"$tmp/seq.err"
"$php" -r 'foreach (file($argv[1]) as $l) { $r = json_decode($l, true); echo is_array($r) ? "$r[pid] $r[ms] $r[rc]" : "0 -1 -1", "\n"; }' \
	"$tmp/seq.json" >"$tmp/seq"
slow=$(awk '$2 >= 900' "$tmp/seq" | wc -l)
answered=$(awk '$2 >= 0' "$tmp/seq" | wc -l)
workers=$(awk '$2 >= 0 {print $1}' "$tmp/seq" | sort -u | wc -l)
slow_workers=$(awk '$2 >= 900 {print $1}' "$tmp/seq" | sort -u | wc -l)
echo "figure: sequential requests=$sequential answered=$answered served_by_workers=$workers waited_full_timeout=$slow (in $slow_workers workers)"
if [[ $answered -eq $sequential ]]; then ok "all $sequential requests answered with the old server stopped"; else not_ok "$answered of $sequential answered: $(head -c 600 "$tmp/seq.json") $(head -c 300 "$tmp/seq.err")"; fi
if [[ $workers -ge 2 ]]; then ok "$workers workers served them"; else not_ok "only $workers worker served them: the test shows nothing about sharing"; fi
if [[ $slow -le 1 ]]; then
	ok "only $slow of $sequential requests waited the full timeout: the other workers knew the server was down"
else
	not_ok "$slow of $sequential requests (in $slow_workers workers) waited the full timeout: $(tr '\n' ';' <"$tmp/seq")"
fi

# a burst of 4 at once after the retry interval (20 s) ran out: they all
# ask before any of them learns, so each waits; reported, not judged
left=$((20 - SECONDS + seq_started + 1))
if [[ $left -gt 0 ]]; then sleep "$left"; fi
for i in 1 2 3 4; do request "burst$i" >"$tmp/burst$i" & done
wait_clients $(jobs -p | grep -v "^$fpm_pid$" | grep -v "^$victim_pid$")
burst_slow=$(cat "$tmp"/burst* | awk '$2 >= 900' | wc -l)
after=$(request after-burst)
read -r _ ams _ <<<"$after"
echo "figure: burst of 4 at once waited_full_timeout=$burst_slow; the next request took ${ams} ms"
if [[ $ams -ge 0 && $ams -lt 500 ]]; then ok "after the burst the next request skips the stopped server (${ams} ms)"; else not_ok "after the burst: $after"; fi
kill -CONT "$victim_pid"

kill -QUIT "$fpm_pid"
for _ in $(seq 50); do kill -0 "$fpm_pid" 2>/dev/null || break; sleep 0.1; done
if grep -Eqi "SIGSEGV|signal 11|exited on signal|core dumped" "$tmp/fpm.log" "$tmp/fpm.out" 2>/dev/null; then
	not_ok "a worker crashed: $(grep -Ei 'signal' "$tmp/fpm.log" | head -3)"
else
	ok "no worker crashed"
fi
fpm_pid=
finish
