#!/usr/bin/env bash
# THE benchmark command: bash bench/run.sh [options]
#
# Builds the extension if a source is newer than modules/memrehash.so (plain
# `make`; never reconfigures), copies the .so aside (a rebuild during the run
# cannot pull it from under the bench), starts its own memcached servers on
# 127.0.0.1:21801-21806 (stopped by pid on exit, whatever happens), pins them
# and the client to CPU 0 with `taskset -c 0` when it exists, and runs
# bench.php (get/getMulti/set against Memcached and the userland scheme,
# round trips, RSS), drain_bench.php (drain throughput) and callgrind.sh
# (instructions and syscalls per get hit).
#
# Options:
#   --json FILE      also write every figure as one JSON document
#   --quick          3 rounds, 300 ops per measurement, smaller drain, no callgrind
#   --long           the RSS check does 1,000,000 operations (default 200,000)
#   --no-pin         do not pin (client and servers float over all CPUs)
#   --no-callgrind   skip callgrind.sh
#   --no-drain       skip drain_bench.php
#   --wait-quiet S   first wait up to S seconds for the 1-minute load average
#                    to drop below 1.0 (the machine is shared)
#   --bench ARGS     extra arguments for bench.php (one quoted string)
#   --drain ARGS     extra arguments for drain_bench.php (one quoted string)
#   --ports P1,..,P6 the servers' ports (default 21801-21806)
#   --latency LIST   the latency mode, instead of the runs above: for each
#                    delay in LIST (microseconds each way, e.g. 0,100,250)
#                    a delaying relay (bench/relay.c, built here with cc)
#                    in front of each of A,B,C,D on 127.0.0.2 (same ports;
#                    MR_BENCH_RELAY_HOST for another loopback address),
#                    pinned to CPU 1 while client and servers stay on CPU 0,
#                    and bench.php over it: migrating get, get hits, getMulti
#                    (--latency-ops to change), no probe, no RSS check; as
#                    root the relay runs SCHED_FIFO (MR_BENCH_RELAY_RT=0: not)
#
# Servers: 21801-21804 are the bench's A,B,C,D (old list A,B,C; new A,B,D),
# reused and flushed by the drain bench; 21805-21806 are callgrind.sh's.
# shellcheck disable=SC2016 # $0/$1 expand in the inner bash -c and php -r scripts
# shellcheck disable=SC2317 # cleanup functions run from the EXIT trap
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
root=$PWD
json=""
quick=0
long=0
pin_on=1
do_cg=1
do_drain=1
wait_quiet=0
bench_args=""
drain_args=""
latency=""
latency_ops="get_migrate,get_hit_moved,get_hit_same,getmulti"
ports_arg=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--json) json=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--long) long=1; shift ;;
	--no-pin) pin_on=0; shift ;;
	--no-callgrind) do_cg=0; shift ;;
	--no-drain) do_drain=0; shift ;;
	--wait-quiet) wait_quiet=$2; shift 2 ;;
	--latency) latency=$2; shift 2 ;;
	--latency-ops) latency_ops=$2; shift 2 ;;
	--ports) ports_arg=$2; shift 2 ;;
	--bench) bench_args=$2; shift 2 ;;
	--drain) drain_args=$2; shift 2 ;;
	-h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
[[ -n $json && $json != /* ]] && json=$PWD/$json

for tool in php memcached make; do
	command -v "$tool" >/dev/null || { echo "run: $tool not found" >&2; exit 1; }
done

ports=(21801 21802 21803 21804 21805 21806)
if [[ -n $ports_arg ]]; then
	IFS=, read -r -a ports <<<"$ports_arg"
	[[ ${#ports[@]} -eq 6 ]] || { echo "run: --ports needs six ports" >&2; exit 2; }
fi
relay_pid=""
work=$(mktemp -d /tmp/mrbench.XXXXXX)
pids=()

# stop_servers: TERM (then KILL) each memcached this script started, by pid.
stop_servers() {
	local pid i
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	pids=()
}
cleanup() {
	[[ -n $relay_pid ]] && kill -TERM "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
	stop_servers
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# answers PORT: true when a memcached answers "version" on 127.0.0.1:PORT.
answers() {
	timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "version\r\n" >&3 && IFS= read -r -t 2 l <&3 && [[ $l == VERSION* ]]' "$1" 2>/dev/null
}

# 1. build, if a source changed since the last build
so=$root/modules/memrehash.so
need_build=0
if [[ ! -f $so ]]; then
	need_build=1
elif [[ -n $(find "$root" -maxdepth 1 \( -name '*.c' -o -name '*.h' \) -newer "$so" -print -quit) ]]; then
	need_build=1
fi
if [[ $need_build == 1 ]]; then
	echo "run: building (make)..."
	if ! make -C "$root" >"$work/build.log" 2>&1; then
		tail -20 "$work/build.log" >&2
		if [[ -f $so ]]; then
			echo "run: WARNING: make failed; benchmarking the existing modules/memrehash.so" >&2
		else
			echo "run: make failed and there is no modules/memrehash.so" >&2
			exit 1
		fi
	fi
fi
cp "$so" "$work/memrehash.so"
export MR_BENCH_EXT=$work/memrehash.so
if php -r 'exit(extension_loaded("memrehash") ? 0 : 1);' 2>/dev/null; then
	phpext=() # php.ini loads it already
else
	phpext=(-d "extension=$MR_BENCH_EXT")
fi
php "${phpext[@]}" -r 'exit(extension_loaded("memrehash") && extension_loaded("memcached") ? 0 : 1);' || {
	echo "run: php cannot load memrehash and memcached" >&2
	exit 1
}
so_id="$(date -u -r "$so" '+%Y-%m-%d %H:%M:%S UTC') sha256 $(sha256sum "$so" | cut -c1-12)"

# 2. pinning
pin=()
if [[ $pin_on == 1 ]] && command -v taskset >/dev/null; then
	pin=(taskset -c 0)
	export MR_BENCH_PINNED="yes: client and servers on CPU 0 (taskset -c 0)"
	export MR_BENCH_NO_PIN=0
else
	[[ $pin_on == 1 ]] && echo "run: taskset not found: not pinned"
	export MR_BENCH_PINNED="no"
	export MR_BENCH_NO_PIN=1
fi

if [[ $wait_quiet -gt 0 ]]; then
	end=$((SECONDS + wait_quiet))
	while ((SECONDS < end)); do
		load=$(cut -d' ' -f1 /proc/loadavg)
		awk -v l="$load" 'BEGIN { exit !(l < 1.0) }' && break
		echo "run: load average $load, waiting for < 1.0 ($((end - SECONDS)) s left)"
		sleep 15
	done
fi

# 3. servers
user=()
[[ $(id -u) -eq 0 ]] && user=(-u root)
for p in "${ports[@]}"; do
	if timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$p" 2>/dev/null; then
		echo "run: port $p is already in use (not by this run); stop that process first" >&2
		exit 1
	fi
done
for p in "${ports[@]}"; do
	"${pin[@]}" memcached "${user[@]}" -l 127.0.0.1 -p "$p" -U 0 -m 1024 </dev/null >"$work/memcached-$p.log" 2>&1 &
	pids+=("$!")
done
for p in "${ports[@]}"; do
	for ((i = 0; i < 100; i++)); do
		answers "$p" && break
		sleep 0.1
	done
	answers "$p" || { echo "run: memcached on port $p did not start" >&2; cat "$work/memcached-$p.log" >&2; exit 1; }
done

servers=127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]},127.0.0.1:${ports[3]}
echo "memrehash benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname), $(nproc) CPUs, $(uname -r)"
echo "extension: modules/memrehash.so built $so_id"
echo "servers: memcached $(memcached -V | cut -d' ' -f2) on 127.0.0.1:${ports[0]}-${ports[5]} (pids ${pids[*]}), -m 1024, default threads"
if [[ ${#pin[@]} -gt 0 ]]; then
	echo "pinning: client and servers pinned to CPU 0 with taskset -c 0"
else
	echo "pinning: none (client and servers float)"
fi
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

bargs=(--servers "$servers")
dargs=(--servers "$servers")
if [[ $quick == 1 ]]; then
	bargs+=(--rounds 3 --iters 300 --mixed 50000)
	dargs+=(--rounds 1 --keys-small 15000 --keys-big 3000)
	do_cg=0
fi
[[ $long == 1 ]] && bargs+=(--long)
[[ -n $json ]] && bargs+=(--json "$work/bench.json") && dargs+=(--json "$work/drain.json")
# shellcheck disable=SC2206 # word splitting of the pass-through strings is the point
bargs+=($bench_args)
# shellcheck disable=SC2206
dargs+=($drain_args)

rc=0
if [[ -n $latency ]]; then
	# the latency mode: bench.php through a delaying relay, once per delay
	command -v cc >/dev/null || { echo "run: cc not found (the relay is built here)" >&2; exit 1; }
	cc -O2 -o "$work/relay" bench/relay.c || { echo "run: cannot build bench/relay.c" >&2; exit 1; }
	relay_pin=()
	[[ ${#pin[@]} -gt 0 && $(nproc) -gt 1 ]] && relay_pin=(taskset -c 1)
	# the relay stands for a network, which other processes do not delay:
	# as root it runs real-time (SCHED_FIFO 1; it sleeps in epoll between
	# packets), so that a busy machine's run queue does not add to its delay
	if [[ $(id -u) -eq 0 ]] && command -v chrt >/dev/null && [[ ${MR_BENCH_RELAY_RT:-1} == 1 ]]; then
		relay_pin=(chrt -f 1 "${relay_pin[@]}")
	fi
	rhost=${MR_BENCH_RELAY_HOST:-127.0.0.2}
	rservers=$rhost:${ports[0]},$rhost:${ports[1]},$rhost:${ports[2]},$rhost:${ports[3]}
	IFS=, read -r -a delays <<<"$latency"
	for d in "${delays[@]}"; do
		routes=()
		for p in "${ports[@]:0:4}"; do routes+=("$p:127.0.0.1:$p"); done
		"${relay_pin[@]}" "$work/relay" -d "$d" -l "$rhost" "${routes[@]}" &
		relay_pid=$!
		sleep 0.3
		kill -0 "$relay_pid" 2>/dev/null || { echo "run: the relay did not start" >&2; exit 1; }
		echo
		echo "== latency mode: ${d} us added each way by a relay (pid $relay_pid, ${relay_pin[*]:-not pinned}) in front of A,B,C,D =="
		largs=(--servers "$rservers" --only "$latency_ops" --no-probe --no-rss)
		[[ $quick == 1 ]] && largs+=(--rounds 3 --iters 300)
		[[ -n $json ]] && largs+=(--json "$work/latency-$d.json")
		# shellcheck disable=SC2206
		largs+=($bench_args)
		"${pin[@]}" php "${phpext[@]}" bench/bench.php "${largs[@]}" || rc=1
		kill -TERM "$relay_pid" 2>/dev/null
		wait "$relay_pid" 2>/dev/null
		relay_pid=""
	done
	do_drain=0
	do_cg=0
else
	"${pin[@]}" php "${phpext[@]}" bench/bench.php "${bargs[@]}" || rc=1
fi
if [[ $do_drain == 1 ]]; then
	"${pin[@]}" php "${phpext[@]}" bench/drain_bench.php "${dargs[@]}" || rc=1
fi
if [[ $do_cg == 1 ]]; then
	cgargs=(--ports "${ports[4]},${ports[5]}")
	[[ -n $json ]] && cgargs+=(--json "$work/callgrind.json")
	bash bench/callgrind.sh "${cgargs[@]}" || rc=1
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "load average at end: $load_end"

if [[ -n $json ]]; then
	MR_LOAD_END=$load_end MR_SO_ID=$so_id php -r '
		[$_, $out, $dir] = $argv;
		$doc = ["extension" => getenv("MR_SO_ID"), "pinned" => getenv("MR_BENCH_PINNED"),
			"load_end" => getenv("MR_LOAD_END")];
		foreach (array_merge(["bench", "drain", "callgrind"], array_map(fn($f) => basename($f, ".json"), glob("$dir/latency-*.json"))) as $part) {
			$f = "$dir/$part.json";
			$doc[$part] = is_file($f) ? json_decode(file_get_contents($f), true) : null;
		}
		file_put_contents($out, json_encode($doc, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION) . "\n");
	' "$json" "$work" && echo "figures written to $json"
fi
exit $rc
