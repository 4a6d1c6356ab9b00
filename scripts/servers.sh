#!/usr/bin/env bash
# shellcheck disable=SC2016 # $0/$1 expand in the inner bash -c scripts
# Starts and stops the memcached servers the tests talk to, by pid.
#
#   bash scripts/servers.sh start     start them (a no-op for ones already up)
#   bash scripts/servers.sh stop      stop every server this run dir started
#   bash scripts/servers.sh status    list them; exit 1 if one is not answering
#
# Environment (the same names tests/config.inc reads):
#   MR_TEST_PORTS   comma list of ports (default 21201,...,21206). The sixth
#                   port, when there is one, is the small server (-m 8) for
#                   drain fill_limit tests; the others get 64 MB.
#   MR_TEST_HOST    address to listen on (default 127.0.0.1; loopback only)
#   MR_RUN_DIR      where pid files and logs go (default tests/output/run)
#   MR_MEMCACHED    the memcached binary (default: memcached on PATH)
#
# Every server runs with -U 0 (no UDP), and -u root when started as root.
# Stop only ever signals pids from its own pid files, after checking that the
# pid is still a memcached; calling it twice, or with nothing running, is fine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

host=${MR_TEST_HOST:-127.0.0.1}
run_dir=${MR_RUN_DIR:-tests/output/run}
memcached_bin=${MR_MEMCACHED:-memcached}
IFS=',' read -r -a ports <<<"${MR_TEST_PORTS:-21201,21202,21203,21204,21205,21206}"

die() {
	echo "servers: $*" >&2
	exit 1
}

# is_memcached PID: true if PID is alive and is a memcached process.
is_memcached() {
	local pid=$1 comm
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	[[ $comm == memcached* ]]
}

# answers PORT: true if a memcached answers "version" on host:PORT.
answers() {
	local port=$1 line=
	# The subshell closes the socket; timeout bounds a connect that hangs.
	line=$(timeout 2 bash -c '
		exec 3<>"/dev/tcp/$0/$1" || exit 1
		printf "version\r\n" >&3
		IFS= read -r -t 2 line <&3 || exit 1
		printf "%s" "$line"
	' "$host" "$port" 2>/dev/null) || return 1
	[[ $line == VERSION* ]]
}

# is_ours PID PORT: true if PID is a memcached serving "-p PORT" (so a pid
# file whose pid was reused by something else is never signalled).
is_ours() {
	local args
	is_memcached "$1" || return 1
	args=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	[[ " $args " == *" -p $2 "* ]]
}

# port_taken PORT: true if something listens on host:PORT (memcached or not).
port_taken() {
	timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$1" 2>/dev/null
}

# pid_on_port PORT: prints the pid of a memcached whose command line has
# "-p PORT", if there is one (for the message when a port is taken).
pid_on_port() {
	local port=$1 f pid
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		if is_ours "$pid" "$port"; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

# stop_pid PID: TERM, wait up to 5 s, then KILL; waits until it is gone.
stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		is_memcached "$pid" || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		is_memcached "$pid" || return 0
		sleep 0.1
	done
	echo "servers: pid $pid would not die" >&2
	return 1
}

start() {
	command -v "$memcached_bin" >/dev/null || die "memcached not found (run: bash scripts/deps.sh)"
	case $host in
	127.* | localhost | ::1) ;;
	*) die "MR_TEST_HOST=$host is not loopback: start those servers yourself" ;;
	esac
	mkdir -p "$run_dir"
	local user=() idx=0 port mem pidfile pid started=()
	if [[ $(id -u) -eq 0 ]]; then
		user=(-u root)
	fi
	for port in "${ports[@]}"; do
		port=${port//[[:space:]]/}
		[[ $port =~ ^[0-9]+$ ]] || die "bad port '$port' in MR_TEST_PORTS"
		mem=64
		[[ $idx -eq 5 ]] && mem=8
		idx=$((idx + 1))
		pidfile=$run_dir/memcached-$port.pid
		if [[ -f $pidfile ]] && is_ours "$(cat "$pidfile")" "$port"; then
			if answers "$port"; then
				continue # already ours and up
			fi
			stop_pid "$(cat "$pidfile")"
		fi
		rm -f "$pidfile"
		if answers "$port" || port_taken "$port"; then
			# Not started from this run dir: never ours to stop.
			pid=$(pid_on_port "$port" || echo "unknown")
			die "port $port is already in use (pid $pid), not by a server of $run_dir; stop it or set MR_TEST_PORTS to free ports"
		fi
		"$memcached_bin" "${user[@]}" -l "$host" -p "$port" -U 0 -m "$mem" \
			</dev/null >"$run_dir/memcached-$port.log" 2>&1 &
		echo "$!" >"$pidfile"
		started+=("$port")
	done
	# Wait until each answers (10 s at most each).
	local i
	for port in "${started[@]}"; do
		pidfile=$run_dir/memcached-$port.pid
		for ((i = 0; i < 100; i++)); do
			answers "$port" && break
			if ! is_memcached "$(cat "$pidfile")"; then
				cat "$run_dir/memcached-$port.log" >&2 || true
				die "memcached on port $port exited at start"
			fi
			sleep 0.1
		done
		answers "$port" || die "memcached on port $port does not answer"
	done
	echo "servers: up on $host:${ports[*]} (pids in $run_dir)"
}

stop() {
	local pidfile pid port n=0 rc=0
	[[ -d $run_dir ]] || return 0
	for pidfile in "$run_dir"/memcached-*.pid; do
		[[ -f $pidfile ]] || continue
		pid=$(cat "$pidfile" 2>/dev/null || true)
		port=${pidfile##*/memcached-}
		port=${port%.pid}
		if is_ours "$pid" "$port"; then
			stop_pid "$pid" || rc=1
			n=$((n + 1))
		fi
		rm -f "$pidfile"
	done
	[[ $n -eq 0 ]] || echo "servers: stopped $n memcached"
	return $rc
}

status() {
	local port pidfile pid rc=0
	for port in "${ports[@]}"; do
		pidfile=$run_dir/memcached-$port.pid
		pid=$(cat "$pidfile" 2>/dev/null || echo -)
		if answers "$port"; then
			echo "$host:$port up (pid $pid)"
		else
			echo "$host:$port DOWN (pid $pid)"
			rc=1
		fi
	done
	return $rc
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
*) die "usage: $0 start|stop|status" ;;
esac
