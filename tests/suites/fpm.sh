#!/usr/bin/env bash
# PHP-FPM smoke test: Debian's php8.2-fpm with four static workers loads the
# extension, serves requests that move keys through MemRehash, shares one
# counters mapping across its workers (and, by file, with the CLI), and
# shuts down cleanly. Talks FastCGI with tests/fpm/fcgi_get.php.
# Prints its own "N passed, N failed" last.
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ext=${MR_EXT:-$root/modules/memrehash.so}
php=${MR_PHP:-php}
fpm=$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)

if [[ ! -x $fpm ]]; then
	not_ok "php-fpm8.2 is not installed (scripts/deps.sh installs php8.2-fpm)"
	finish
fi
tmp=$(mktemp -d)
fpm_pid=
cleanup() {
	if [[ -n $fpm_pid ]] && kill -0 "$fpm_pid" 2>/dev/null; then
		kill -QUIT "$fpm_pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$fpm_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$fpm_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# the test servers, as tests/config.inc sees them
servers() { "$php" -r 'require "tests/config.inc"; echo implode(",", mr_servers((int)$argv[1], (int)$argv[2]));' "$1" "$2"; }
old=$(servers 3 0)
new=$(servers 2 3)
port=$("$php" -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
counters=$tmp/counters
pool="fpm-smoke-$$"

cat >"$tmp/fpm.conf" <<CONF
[global]
pid = $tmp/fpm.pid
error_log = $tmp/fpm.log
daemonize = no
[smoke]
user = root
group = root
listen = 127.0.0.1:$port
pm = static
pm.max_children = 4
catch_workers_output = yes
clear_env = no
CONF

"$fpm" -F -R -y "$tmp/fpm.conf" -d "extension=$ext" -d "memrehash.counters_file=$counters" >"$tmp/fpm.out" 2>&1 &
fpm_pid=$!
up=0
for _ in $(seq 100); do
	if "$php" -r 'exit(@stream_socket_client("tcp://127.0.0.1:".$argv[1]) ? 0 : 1);' "$port"; then up=1; break; fi
	sleep 0.1
done
if [[ $up == 1 ]]; then step "php-fpm started with 4 workers on 127.0.0.1:$port"; else not_ok "php-fpm did not start: $(tail -5 "$tmp/fpm.log" "$tmp/fpm.out" 2>/dev/null)"; finish; fi

modules=$("$fpm" -n -d "extension=$ext" -m 2>/dev/null)
if grep -qx memrehash <<<"$modules"; then ok "php-fpm8.2 -m lists memrehash"; else not_ok "php-fpm8.2 -m does not list memrehash"; fi

# 30 keys written by PECL Memcached over the old list
"$php" -r 'require "tests/config.inc"; mr_flush_all(); $m = mr_peer(mr_servers(3));
	for ($i = 0; $i < 30; $i++) { $m->set("fpm:$i", "v$i"); }' || not_ok "seeding the old servers"
keys=$(seq -s, -f 'fpm:%g' 0 29)
# delete_hits on the old servers, by their own stats: a move ends with one
# delete at O that found the key, so 30 moves add exactly 30
old_deletes() {
	"$php" -r 'require "tests/config.inc"; $n = 0;
		foreach (mr_servers(3) as $s) { $fp = stream_socket_client("tcp://$s"); fwrite($fp, "stats\r\n");
			while (($l = fgets($fp)) !== false && rtrim($l) !== "END") { if (preg_match("/^STAT delete_hits (\d+)/", $l, $m)) { $n += $m[1]; } } }
		echo $n;'
}
deletes_before=$(old_deletes)

# 40 requests, 8 at a time, each reading the 30 keys
query="pool=$pool&old=$old&new=$new&keys=$keys"
for batch in $(seq 5); do
	clients=()
	for i in $(seq 8); do
		timeout 20 "$php" tests/fpm/fcgi_get.php "127.0.0.1:$port" "$root/tests/fpm/app.php" "$query" >"$tmp/resp-$batch-$i" 2>"$tmp/err-$batch-$i" &
		clients+=($!)
	done
	wait "${clients[@]}" # not a bare wait: php-fpm is a background job too
done
good=0
found_total=0
pids=""
for f in "$tmp"/resp-*; do
	if "$php" -r '$r = json_decode(file_get_contents($argv[1]), true); exit(is_array($r) && isset($r["found"], $r["pid"]) ? 0 : 1);' "$f"; then
		good=$((good + 1))
		found_total=$((found_total + $("$php" -r 'echo json_decode(file_get_contents($argv[1]), true)["found"];' "$f")))
		pids="$pids $("$php" -r 'echo json_decode(file_get_contents($argv[1]), true)["pid"];' "$f")"
	fi
done
if [[ $good == 40 ]]; then ok "40 of 40 requests answered"; else not_ok "$good of 40 requests answered: $(head -c 300 "$tmp"/resp-1-1) $(head -c 300 "$tmp"/err-1-1)"; fi
workers=$(tr ' ' '\n' <<<"$pids" | sort -u | grep -c .)
if (( workers >= 2 )); then ok "served by $workers workers"; else not_ok "served by $workers worker(s)"; fi

# every worker's gets in one mapping, read by the CLI through the same file
stats=$("$php" -d "extension=$ext" -d "memrehash.counters_file=$counters" -r '
	$s = MemRehash::allStats()[$argv[1]] ?? null;
	if (!$s) { echo "no pool"; exit(1); }
	printf("%d %d %d %d", $s["gets"], $s["migrated"], $s["misses"],
		($s["gets"] - $s["new_hits"] - $s["old_hits"] - $s["misses"]) + ($s["old_hits"] - $s["migrated"] - $s["raced"] - $s["move_failed"]));' "$pool")
read -r gets migrated misses rest <<<"$stats"
if [[ $gets == 1200 ]]; then ok "the CLI reads the workers' gets: 1200 (40 requests x 30 keys)"; else not_ok "gets in the shared counters: $stats (want 1200)"; fi
# a worker that found a key mid-move by another counts it raced and reads N;
# one that looked at N just before another moved it, and at O just after,
# looks at N once more and finds it there (migrate.c, take_recheck): every
# client finds every key, and the counters say exactly what they saw
if [[ $migrated == 30 && $rest == 0 && $misses == 0 && $found_total == 1200 ]]; then
	ok "each key moved once (migrated 30); invariants hold; no client missed a key (misses 0, found 1200)"
else
	not_ok "migrated/misses/invariants: $stats, clients found $found_total of 1200"
fi
moved=$("$php" -r 'require "tests/config.inc"; $m = mr_peer(mr_servers(2, 3)); $n = 0;
	for ($i = 0; $i < 30; $i++) { $n += $m->get("fpm:$i") === "v$i"; } echo $n;')
if [[ $moved == 30 ]]; then ok "Memcached over the new list reads all 30 keys"; else not_ok "Memcached over the new list reads $moved of 30"; fi
left=$("$php" -r 'require "tests/config.inc"; $n = 0;
	foreach (mr_servers(3) as $s) { $m = mr_peer([$s]); for ($i = 0; $i < 30; $i++) { $n += $m->get("fpm:$i") !== false; } } echo $n;')
deletes=$(($(old_deletes) - deletes_before))
if [[ $left == 0 && $deletes == 30 ]]; then
	ok "the old servers hold none of the 30 keys and deleted each once (their delete_hits: +$deletes)"
else
	not_ok "the old servers still hold $left keys; their delete_hits grew by $deletes (want 0 and 30)"
fi

kill -QUIT "$fpm_pid"
for _ in $(seq 50); do kill -0 "$fpm_pid" 2>/dev/null || break; sleep 0.1; done
if ! kill -0 "$fpm_pid" 2>/dev/null; then ok "php-fpm stopped on SIGQUIT"; else not_ok "php-fpm still running after SIGQUIT"; fi
if grep -Eqi "SIGSEGV|signal 11|exited on signal|core dumped" "$tmp/fpm.log" "$tmp/fpm.out" 2>/dev/null; then
	not_ok "a worker crashed: $(grep -Ei 'signal' "$tmp/fpm.log" | head -3)"
else
	ok "no worker crashed"
fi
fpm_pid=
finish
