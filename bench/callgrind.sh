#!/usr/bin/env bash
# Instructions and syscalls per get hit: MemRehash::get against Memcached::get.
#
#   bash bench/callgrind.sh [--ports P1,P2] [--n N] [--json FILE]
#
# Each client runs a tiny script doing N get hits of one 100-byte key (same
# server, warm connection), under `valgrind --tool=callgrind` and then under
# `strace -c -f`, once with N and once with 2N gets: (run(2N) - run(N)) / N
# cancels PHP's start-up, the extension's load and the connection set-up.
# Callgrind counts instructions exactly (client process only; the server's
# work is not in it); strace -c counts syscalls.
#
# Clients (all read $MR_BENCH_HOST (127.0.0.1):P1):
#   memcached        Memcached, text protocol, TCP_NODELAY on
#   memcached-deb    Memcached as Debian configures it (new Memcached())
#   mr-same          MemRehash, old list [P1], new list [P1]: O == N
#   mr-moved         MemRehash, old list [P2], new list [P1]: the key moved,
#                    it is already at N (a migrating pool's steady state)
#   dropin-same      MemRehash\Memcached (the \Memcached subclass), as mr-same
#   dropin-moved     MemRehash\Memcached, as mr-moved
#   zc-unbound       memcached-deb with memrehash.transitions set for other
#                    servers: \Memcached's handlers swapped, the object not
#                    bound (issue 13: at most 2% over memcached-deb)
#   zc-bound         memcached-deb's code with a transition new [P1], old
#                    [P2]: the plain \Memcached is bound, as dropin-moved
#
# Servers: --ports P1,P2 uses memcached servers already listening there
# (bench/run.sh passes its own; on $MR_BENCH_HOST, default 127.0.0.1);
# without it this script starts two on
# 127.0.0.1:21805,21806 and stops them, by pid, on exit.
# The extension: $MR_BENCH_EXT, else modules/memrehash.so (copied first, so a
# rebuild during the run cannot pull it from under valgrind).
# shellcheck disable=SC2016 # $0/$1 expand in the inner bash -c scripts
# shellcheck disable=SC2317 # cleanup runs from the EXIT trap
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
ports=""
n=2000
json=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--ports) ports=$2; shift 2 ;;
	--n) n=$2; shift 2 ;;
	--json) json=$2; shift 2 ;;
	-h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "callgrind: unknown option $1" >&2; exit 2 ;;
	esac
done

for tool in valgrind strace php; do
	if ! command -v "$tool" >/dev/null; then
		echo "callgrind: $tool not found; skipping" >&2
		exit 0
	fi
done

work=$(mktemp -d /tmp/mrbench-cg.XXXXXX)
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

pin=()
if command -v taskset >/dev/null && [[ ${MR_BENCH_NO_PIN:-0} != 1 ]]; then
	pin=(taskset -c 0)
fi

ext=${MR_BENCH_EXT:-$root/modules/memrehash.so}
if [[ ! -f $ext ]]; then
	echo "callgrind: $ext not found (build first: make)" >&2
	exit 1
fi
if [[ -z ${MR_BENCH_EXT:-} ]]; then
	cp "$ext" "$work/memrehash.so"
	ext=$work/memrehash.so
fi

# answers PORT: true when a memcached answers "version" on 127.0.0.1:PORT.
answers() {
	timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "version\r\n" >&3 && IFS= read -r -t 2 l <&3 && [[ $l == VERSION* ]]' "$1" 2>/dev/null
}

if [[ -z $ports ]]; then
	ports=21805,21806
	user=()
	[[ $(id -u) -eq 0 ]] && user=(-u root)
	for p in 21805 21806; do
		if timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$p" 2>/dev/null; then
			echo "callgrind: port $p is in use; pass --ports of two running memcached servers" >&2
			exit 1
		fi
		"${pin[@]}" memcached "${user[@]}" -l 127.0.0.1 -p "$p" -U 0 -m 64 </dev/null >"$work/memcached-$p.log" 2>&1 &
		pids+=("$!")
	done
	for p in 21805 21806; do
		for _ in $(seq 50); do answers "$p" && break; sleep 0.1; done
		answers "$p" || { echo "callgrind: memcached on $p did not start" >&2; exit 1; }
	done
fi
IFS=, read -r p1 p2 <<<"$ports"

cat >"$work/get.php" <<'PHP'
<?php
/* php get.php CLIENT N P1 P2 [trace]: N get hits of one key, warm connection. */
[, $client, $n, $p1, $p2] = $argv;
$trace = ($argv[5] ?? '') === 'trace';
$n = (int)$n;
$host = getenv('MR_BENCH_HOST') ?: '127.0.0.1';
$s1 = "$host:$p1";
$s2 = "$host:$p2";
switch ($client) {
    case 'memcached':
    case 'memcached-deb':
    case 'zc-unbound':
    case 'zc-bound':
        $c = new Memcached();
        $c->addServer($host, (int)$p1);
        if ($client === 'memcached') {
            $c->setOption(Memcached::OPT_TCP_NODELAY, true);
        }
        break;
    case 'mr-same':
        $c = new MemRehash([$s1], [$s1], ['name' => 'cg-same']);
        break;
    case 'mr-moved':
        $c = new MemRehash([$s2], [$s1], ['name' => 'cg-moved']);
        break;
    case 'dropin-same':
        $c = new MemRehash\Memcached([$s1], [$s1], ['name' => 'cg-dsame']);
        break;
    case 'dropin-moved':
        $c = new MemRehash\Memcached([$s2], [$s1], ['name' => 'cg-dmoved']);
        break;
}
$key = 'cg:key';
$c->set($key, str_repeat('v', 100), 3600);
if ($c->get($key) === false) {
    fwrite(STDERR, "get.php: $client: no hit\n");
    exit(1);
}
if ($trace) {
    @stat('/memrehash-bench-mark-start');
    $c->get($key);
    @stat('/memrehash-bench-mark-end');
    exit(0);
}
$bad = 0;
for ($i = 0; $i < $n; $i++) {
    if ($c->get($key) === false) {
        $bad++;
    }
}
if ($bad) {
    fwrite(STDERR, "get.php: $client: $bad misses\n");
    exit(1);
}
PHP

phpargs=(-d "extension=$ext")
if php -r 'exit(extension_loaded("memrehash") ? 0 : 1);' 2>/dev/null; then
	phpargs=() # php.ini loads it already
fi

# args CLIENT: prints the client's own php -d settings, one a line.
declare -A extra=(
	[zc-unbound]="memrehash.transitions=\"new=127.0.0.1:1;old=127.0.0.1:1,127.0.0.1:2;name=cg-unbound\""
	[zc-bound]="memrehash.transitions=\"new=${MR_BENCH_HOST:-127.0.0.1}:$p1;old=${MR_BENCH_HOST:-127.0.0.1}:$p2;name=cg-bound\""
)
cargs() {
	local a=("${phpargs[@]}")
	[[ -n ${extra[$1]:-} ]] && a+=(-d "${extra[$1]}")
	printf '%s\n' "${a[@]}"
}

# instructions CLIENT N: prints the instructions callgrind collected.
instructions() {
	local out a
	mapfile -t a < <(cargs "$1")
	out=$("${pin[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		php "${a[@]}" "$work/get.php" "$1" "$2" "$p1" "$p2" 2>&1) || {
		echo "callgrind: valgrind run of $1 failed: $out" >&2
		return 1
	}
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' <<<"$out" | tail -1
}

# syscalls CLIENT N: prints "total name=count ..." from strace -c -f.
syscalls() {
	local a
	mapfile -t a < <(cargs "$1")
	"${pin[@]}" strace -c -f -o "$work/strace.txt" php "${a[@]}" "$work/get.php" "$1" "$2" "$p1" "$p2" >/dev/null 2>&1 || {
		echo "callgrind: strace run of $1 failed" >&2
		return 1
	}
	awk '
		/^-/ || /^%/ || NF < 5 { next }
		$NF == "total" { total = $4; next }
		{ calls[$NF] = $4 }
		END { printf "%s", total; for (k in calls) printf " %s=%s", k, calls[k]; printf "\n" }
	' "$work/strace.txt"
}

# one_get CLIENT: prints the syscalls of one warm get hit.
one_get() {
	local a
	mapfile -t a < <(cargs "$1")
	"${pin[@]}" strace -f -qq -o "$work/one.txt" php "${a[@]}" "$work/get.php" "$1" 1 "$p1" "$p2" trace >/dev/null 2>&1 || return 0
	sed -n '/mark-start/,/mark-end/p' "$work/one.txt" | sed '1d;$d' | sed 's/^[0-9]* */      /'
}

clients=(memcached memcached-deb mr-same mr-moved)
if php "${phpargs[@]}" -r 'exit(class_exists("MemRehash\\Memcached") ? 0 : 1);' 2>/dev/null; then
	clients+=(dropin-same dropin-moved zc-unbound zc-bound)
fi
declare -A ins sys mix
echo
echo "== Client cost of one get hit (100-byte value, warm connection; (run with $((2 * n)) gets - run with $n) / $n) =="
[[ ${#pin[@]} -gt 0 ]] && echo "(client and servers pinned to CPU 0 with taskset -c 0)"
for c in "${clients[@]}"; do
	if ! a=$(instructions "$c" "$n") || ! b=$(instructions "$c" $((2 * n))); then
		echo "callgrind: $c failed" >&2
		continue
	fi
	ins[$c]=$(((b - a) / n))
	read -r ta resta <<<"$(syscalls "$c" "$n")"
	read -r tb restb <<<"$(syscalls "$c" $((2 * n)))"
	sys[$c]=$(awk -v a="$ta" -v b="$tb" -v n="$n" 'BEGIN { printf "%.2f", (b - a) / n }')
	# per-syscall difference
	mix[$c]=$(awk -v n="$n" -v A="$resta" -v B="$restb" 'BEGIN {
		split(A, xa, " "); split(B, xb, " ")
		for (i in xa) { split(xa[i], kv, "="); ca[kv[1]] = kv[2] }
		for (i in xb) { split(xb[i], kv, "="); cb[kv[1]] = kv[2] }
		for (k in cb) { d = (cb[k] - ca[k]) / n; if (d >= 0.05) out = out sprintf("%s %.2f, ", k, d) }
		sub(/, $/, "", out); print out }')
done

row() { printf '%-15s %14s %12s %10s  %s\n' "$@"; }
row client "instructions" "x Memcached" "syscalls" "syscall mix per get"
for c in "${clients[@]}"; do
	[[ -n ${ins[$c]:-} ]] || continue
	ratio=$(awk -v a="${ins[$c]}" -v b="${ins[memcached]:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	row "$c" "${ins[$c]}" "$ratio" "${sys[$c]}" "${mix[$c]}"
done

echo
echo "One warm get hit, as strace sees it:"
for c in "${clients[@]}"; do
	echo "  $c:"
	one_get "$c"
done

if [[ -n $json ]]; then
	{
		echo "{"
		echo "  \"n\": $n, \"pinned\": $([[ ${#pin[@]} -gt 0 ]] && echo true || echo false),"
		echo "  \"clients\": {"
		sep=""
		for c in "${clients[@]}"; do
			[[ -n ${ins[$c]:-} ]] || continue
			printf '%s    "%s": {"instructions_per_get": %s, "syscalls_per_get": %s, "syscall_mix": "%s"}' \
				"$sep" "$c" "${ins[$c]}" "${sys[$c]}" "${mix[$c]}"
			sep=$',\n'
		done
		echo
		echo "  }"
		echo "}"
	} >"$json"
fi
