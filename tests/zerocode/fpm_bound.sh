#!/usr/bin/env bash
# PHP-FPM with everything memrehash.transitions binds, for the sanitizer and
# valgrind runs (issue 13): one static worker serves BEFORE requests of
# tests/zerocode/fpm_bound.php (a bound plain \Memcached, a persistent one
# reused by every request, an unbound one, a bound PECL session), then a
# SIGUSR2 reload, then AFTER more; then the master is stopped (QUIT).
#
#   bash tests/zerocode/fpm_bound.sh WORKDIR EXT BEFORE AFTER [WRAPPER...]
#
# WRAPPER runs php-fpm (e.g. env LD_PRELOAD=... for ASan, or valgrind ...).
# Test servers: tests/config.inc (MR_TEST_PORTS): new = the first two, old =
# the first three. Prints one line "requests OK of N, worker pids P, reused
# R, count C" and exits 0 when every request answered ok, the first BEFORE
# were served by one worker (its persistent object reused by all but the
# first), and the master stopped by itself; 1 otherwise (the reason on stderr).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
work=$1 ext=$2 before=$3 after=$4
shift 4
mkdir -p "$work"
php=${MR_PHP:-$(command -v php)}
fpm=$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)
read -r old new < <("$php" -r 'require "tests/config.inc"; echo implode(",", mr_servers(3)), " ", implode(",", mr_servers(2)), "\n";')
port=$("$php" -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
cat >"$work/fpm.conf" <<CONF
[global]
pid = $work/fpm.pid
error_log = $work/fpm.log
daemonize = no
[bound]
user = root
group = root
listen = 127.0.0.1:$port
pm = static
pm.max_children = 1
catch_workers_output = yes
clear_env = no
request_terminate_timeout = 120
CONF
: >"$work/fpm.log"
"$@" "$fpm" -F -R -y "$work/fpm.conf" -d "extension=$ext" -d "memrehash.counters_file=$work/counters" \
	-d "memrehash.transitions=\"new=$new;old=$old;name=fpm-bound\"" >>"$work/fpm.log" 2>&1 &
master=$!
up() {
	for _ in $(seq 600); do
		"$php" -r 'exit(@stream_socket_client("tcp://127.0.0.1:".$argv[1]) ? 0 : 1);' "$port" && return 0
		kill -0 "$master" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_master() {
	kill -QUIT "$master" 2>/dev/null
	for _ in $(seq 600); do kill -0 "$master" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$master" 2>/dev/null; then
		kill -KILL "$master" 2>/dev/null
		wait "$master" 2>/dev/null
		return 1
	fi
	wait "$master" 2>/dev/null
	return 0
}
if ! up; then
	echo "php-fpm did not start: $(tail -n 5 "$work/fpm.log" | tr '\n' ' ')" >&2
	stop_master
	exit 1
fi
q="new=$new&old=$old&i={i}"
"$php" tests/fpm/fcgi_get.php "127.0.0.1:$port" "$PWD/tests/zerocode/fpm_bound.php" "$q" "$before" >"$work/before.txt" 2>"$work/client.err"
# the listening socket stays open across the reload, so a connect proves
# nothing: wait for the new master to say it is ready (a request accepted by
# the old worker as it is told to stop would be cut off)
ready=$(grep -c 'ready to handle connections' "$work/fpm.log")
kill -USR2 "$master"
for _ in $(seq 600); do
	[[ $(grep -c 'ready to handle connections' "$work/fpm.log") -gt $ready ]] && break
	sleep 0.1
done
up || echo "php-fpm did not come back after SIGUSR2" >&2
"$php" tests/fpm/fcgi_get.php "127.0.0.1:$port" "$PWD/tests/zerocode/fpm_bound.php" "$q" "$after" >"$work/after.txt" 2>>"$work/client.err"
stopped=1
stop_master || stopped=0
good=$(cat "$work/before.txt" "$work/after.txt" | grep -c '^ok ')
pids=$(awk '/^ok / { print $4 }' "$work/before.txt" | sort -u | wc -l)
reused=$(awk '/^ok / { r += $6 } END { print r + 0 }' "$work/before.txt")
count=$(tail -n 1 "$work/after.txt" | awk '{ print $8 }')
echo "requests ok $good of $((before + after)), worker pids before the reload $pids, reused $reused of $before, count ${count:-none}, master stopped $stopped"
[[ $good -eq $((before + after)) && $pids -eq 1 && $reused -eq $((before - 1)) && $stopped -eq 1 ]]
