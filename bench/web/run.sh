#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034 # PHP code in single quotes; log_prefix is stack.sh's
# Requests/s of a real web setup whose page builds its cache client per
# request: nginx + PHP-FPM (4 static workers) + 3 memcached, the page
# (page.php) doing a small cache-aside render from 5 gets, all hits; wrk
# (Debian's, flat out, keep-alive) against each client variant:
#   pecl       new Memcached + setOption(LIBKETAMA_COMPATIBLE) + addServers
#              over the new list (2 servers): the reference
#   mr         new MemRehash(old 3, new 2, ketama)
#   dropin     new MemRehash\Memcached(old 3, new 2, ketama)
#   pecl-p, mr-p, dropin-p: the same, persistent
# Rounds interleave the variants (each round runs every variant for
# --secs seconds, the order rotated per round); the table gives each
# variant's median requests/s over the rounds and its ratio to pecl's.
# Afterwards the servers' own counts must show no miss of a page key during
# the rounds (stats detail, per prefix: PECL's text gets) and no get at all
# at the retiring server (stats: memrehash's meta gets, which stats detail
# does not count, would go there to look for a key), and wrk must have seen
# no error and no non-2xx answer. Beside requests/s: the FPM workers' CPU
# time per request, which the load of a shared machine does not inflate.
#
#   bash bench/web/run.sh [--rounds N] [--secs S] [--conns C] [--json FILE]
#
# Ports: WEB_BENCH_PORT_BASE (default 23100): memcached +11..+13, nginx +80.
# MR_SKIP_DEPS=1 skips scripts/deps.sh; MR_KEEP_TMP=1 keeps the temp dir.
# The machine may be shared: the load average is printed with the table.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=7 secs=5 conns=8 json=
while [[ $# -gt 0 ]]; do
	case $1 in
	--rounds) rounds=$2; shift ;;
	--secs) secs=$2; shift ;;
	--conns) conns=$2; shift ;;
	--json) json=$2; shift ;;
	*) echo "usage: bash bench/web/run.sh [--rounds N] [--secs S] [--conns C] [--json FILE]" >&2; exit 2 ;;
	esac
	shift
done
base=${WEB_BENCH_PORT_BASE:-23100}
variants=(pecl mr dropin pecl-p mr-p dropin-p)

if [[ -z ${MR_SKIP_DEPS:-} ]]; then
	bash "$root/scripts/deps.sh" || exit 3
fi
bash "$root/scripts/build.sh" >/dev/null 2>&1 || { echo "web: build failed (bash scripts/build.sh)" >&2; exit 3; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mr-web.XXXXXX")
log_prefix=web # read by stack.sh's log
# shellcheck source=../stampede/stack.sh source-path=SCRIPTDIR
source "$here/../stampede/stack.sh"
stack_init
ext=$tmp/memrehash.so
cp "${MR_BENCH_EXT:-$root/modules/memrehash.so}" "$ext" # the bytes under test, whatever rebuilds meanwhile
ctr=$tmp/counters.bin

start_memcached $((base + 11)) $((base + 12)) $((base + 13))
cat >"$tmp/config.php" <<PHP
<?php return [
    'old' => ['${servers[0]}', '${servers[1]}', '${servers[2]}'],
    'new' => ['${servers[0]}', '${servers[1]}'],
    'keys' => ['web:header', 'web:menu', 'web:article:42', 'web:comments:42', 'web:footer'],
];
PHP
start_fpm "env[WEB_BENCH_CONFIG] = $tmp/config.php" -d "extension=$ext" -d "memrehash.counters_file=$ctr"
fpm_pid=${pids[-1]}
url=http://127.0.0.1:$((base + 80))
start_nginx $((base + 80)) "        location = /page {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $here/page.php;
            fastcgi_param SCRIPT_NAME /page;
            fastcgi_pass unix:$tmp/php-fpm.sock;
        }"

# the keys, at their place in the new list (where every variant reads them)
php -d "extension=$ext" -r '
	$c = require $argv[1];
	$m = new Memcached();
	$m->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);
	foreach ($c["new"] as $s) { [$h, $p] = explode(":", $s); $m->addServer($h, (int)$p); }
	foreach ($c["keys"] as $i => $k) {
		$v = ["id" => $i, "title" => "block $i", "body" => str_repeat("text of block $i ", 8)];
		if (!$m->set($k, $v, 0)) { fwrite(STDERR, "set $k: " . $m->getResultMessage() . "\n"); exit(1); }
	}' "$tmp/config.php" || exit 3

# every variant answers 200 with 5 hits before anything is timed (this also
# warms opcache and each worker's persistent objects a little)
for v in "${variants[@]}"; do
	for _ in 1 2 3 4 5 6 7 8; do
		h=$(curl -s -o "$tmp/body" -D - "$url/page?c=$v")
		if ! grep -q '^HTTP/1.1 200' <<<"$h" || ! grep -qi '^X-Misses: 0' <<<"$h" ||
			[[ $(grep -c '<h2>block' "$tmp/body") -ne 5 ]]; then
			echo "web: variant $v did not serve a 5-hit page:" >&2
			echo "$h" >&2
			head -c 500 "$tmp/body" >&2
			exit 1
		fi
	done
done

# A migration in its first period (5 s with the default window) asks the
# retiring server with every moving key, as a move that just started should:
# the rounds measure the steady state after it, so the pool gets gets in a
# later period first.
sleep 6
for v in "${variants[@]}"; do
	curl -s -o /dev/null "$url/page?c=$v"
done

# page_misses: the servers' own count of gets of the page's keys (prefix
# "web:", memcached's `stats detail`) that missed, summed over the three.
# memrehash's own keys (__memrehash:..., e.g. the once-a-second look for a
# completion marker) are another prefix: a miss of theirs is no miss of the
# page. A look at the retiring server for a page key would be one.
page_misses() {
	local s sum=0 m
	for s in "${servers[@]}"; do
		m=$({ printf 'stats detail dump\r\nquit\r\n' |
			timeout 5 bash -c "exec 3<>/dev/tcp/${s%:*}/${s#*:}; cat >&3; cat <&3"; } |
			sed -n 's/^PREFIX web get \([0-9]*\) hit \([0-9]*\) .*/\1 \2/p')
		read -r g h <<<"${m:-0 0}"
		sum=$((sum + g - h))
	done
	echo "$sum"
}
# retired_gets: gets the retiring server (in the old list only) has
# answered, by its own `stats` (memrehash asks with meta commands, which
# stats detail does not count; a move in its steady state asks N alone).
retired_gets() {
	local s=${servers[2]}
	{ printf 'stats\r\nquit\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/${s%:*}/${s#*:}; cat >&3; cat <&3"; } |
		sed -n 's/^STAT cmd_get \([0-9]*\).*/\1/p'
}
for s in "${servers[@]}"; do
	printf 'stats detail on\r\nquit\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/${s%:*}/${s#*:}; cat >&3; cat <&3" |
		grep -q '^OK' || { log "stats detail on refused by $s"; exit 3; }
done

# fpm_ticks: CPU time the FPM workers have used (user + system, in clock
# ticks of 1/$(getconf CLK_TCK) s): what the page costs in CPU, which a
# shared machine's load does not inflate the way it does wall time.
fpm_ticks() {
	local w sum=0 f
	for w in $(pgrep -P "$fpm_pid"); do
		read -r -a f <"/proc/$w/stat" || continue
		sum=$((sum + f[13] + f[14])) # utime, stime (no spaces in the comm "php-fpm")
	done
	echo "$sum"
}
hz=$(getconf CLK_TCK)

misses_before=$(page_misses)
retired_before=$(retired_gets)

log "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
res=$tmp/results.txt
: >"$res"
errors=0
for ((r = 0; r < rounds; r++)); do
	n=${#variants[@]}
	for ((i = 0; i < n; i++)); do
		v=${variants[$(((i + r) % n))]}
		wrk -t1 -c"$conns" -d1s --timeout 30s "$url/page?c=$v" >/dev/null 2>&1 # fresh keep-alive connections, warm workers
		t0=$(fpm_ticks)
		out=$(wrk -t1 -c"$conns" -d"${secs}s" --timeout 30s "$url/page?c=$v" 2>&1)
		t1=$(fpm_ticks)
		rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
		nreq=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' <<<"$out")
		# a timeout (30 s: the machine may be shared) is no wrong answer, but
		# counts as an error all the same: the figure would not be one
		if grep -qE 'Non-2xx|Socket errors' <<<"$out" || [[ -z $rps ]]; then
			log "round $r $v: errors"
			echo "$out" >&2
			errors=$((errors + 1))
		fi
		# CPU microseconds per request in the workers
		echo "$r $v ${rps:-0} $(((t1 - t0) * 1000000 / hz / (${nreq:-0} > 0 ? nreq : 1)))" >>"$res"
	done
	log "round $((r + 1))/$rounds done ($(cut -d' ' -f1-3 /proc/loadavg))"
done

misses_after=$(page_misses)
retired_after=$(retired_gets)
[[ -s $tmp/php-errors.log ]] && { echo "web: PHP errors:" >&2; head -n 20 "$tmp/php-errors.log" >&2; errors=$((errors + 1)); }

php -r '
	[$_, $file, $json, $load, $conns, $secs] = $argv;
	$by = $cpuBy = [];
	foreach (file($file, FILE_IGNORE_NEW_LINES) as $l) {
		[$r, $v, $rps, $cpu] = explode(" ", $l);
		$by[$v][] = (float)$rps;
		$cpuBy[$v][] = (float)$cpu;
	}
	$median = static function (array $a): float {
		sort($a);
		$n = count($a);
		return $n % 2 ? $a[intdiv($n, 2)] : ($a[$n / 2 - 1] + $a[$n / 2]) / 2;
	};
	$label = ["pecl" => "PECL `new Memcached` + setOption + addServers (2 servers)",
		"mr" => "`new MemRehash(old 3, new 2)`", "dropin" => "`new MemRehash\\Memcached(old 3, new 2)`",
		"pecl-p" => "PECL, persistent id", "mr-p" => "MemRehash, persistent", "dropin-p" => "MemRehash\\Memcached, persistent"];
	$ref = ["pecl" => "pecl", "mr" => "pecl", "dropin" => "pecl", "pecl-p" => "pecl-p", "mr-p" => "pecl-p", "dropin-p" => "pecl-p"];
	$med = array_map($median, $by);
	$cmed = array_map($median, $cpuBy);
	printf("\n%d rounds of %d s per variant, wrk -t1 -c%d, load %s\n\n", count($by["pecl"]), $secs, $conns, $load);
	echo "| client, per request | requests/s (median) | min - max | vs PECL | FPM CPU per request (median) | vs PECL |\n|---|---:|---:|---|---:|---|\n";
	$out = [];
	foreach ($label as $v => $l) {
		$ratio = $med[$v] / $med[$ref[$v]];
		$cratio = $cmed[$v] / max(1, $cmed[$ref[$v]]);
		printf("| %s | %.0f | %.0f - %.0f | %s | %.0f us | %s |\n", $l, $med[$v], min($by[$v]), max($by[$v]),
			$v === $ref[$v] ? "1.00 (reference)" : sprintf("%.3f (%+.1f%%) of %s", $ratio, ($ratio - 1) * 100, $ref[$v]),
			$cmed[$v], $v === $ref[$v] ? "1.00" : sprintf("%.2fx", $cratio));
		$out[$v] = ["median" => $med[$v], "rounds" => $by[$v], "ratio" => $ratio, "reference" => $ref[$v],
			"cpu_us_median" => $cmed[$v], "cpu_us_rounds" => $cpuBy[$v], "cpu_ratio" => $cratio];
	}
	if ($json !== "") {
		file_put_contents($json, json_encode(["load" => $load, "conns" => (int)$conns, "secs" => (int)$secs, "variants" => $out], JSON_PRETTY_PRINT) . "\n");
	}' "$res" "$json" "$(cut -d' ' -f1-3 /proc/loadavg)" "$conns" "$secs"

if [[ $misses_after -ne $misses_before ]]; then
	log "the servers counted $((misses_after - misses_before)) misses of the page's keys: not every get was a hit"
	errors=$((errors + 1))
fi
if [[ $retired_after -ne $retired_before ]]; then
	log "the retiring server answered $((retired_after - retired_before)) gets during the rounds: a page key was looked for at its old place"
	errors=$((errors + 1))
fi
[[ $errors -eq 0 ]] || { log "$errors errors"; exit 1; }
log "every answer 200, every get of a page key a hit (the servers' stats detail: $misses_before misses before the rounds, $misses_after after; the retiring server answered no get)"
