#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016 # cleanup runs from the EXIT trap; PHP code in single quotes
# The stampede benchmark: a small real web site under load through a
# memcached pool change, once per scenario (scenarios.php), each from the
# same warm state.
#
#   bash bench/stampede/run.sh [--quick] [--out DIR]
#
# Starts, from Debian's packages, in a temp dir and on its own ports
# (STAMPEDE_PORT_BASE, default 23000: memcached +11..+13, nginx +80, MariaDB
# +306 and a socket; bench/stampede/stack.sh starts all but MariaDB):
# MariaDB (mariadb-install-db, the items and 4 reviews per item), three
# memcached servers, PHP-FPM (4 static workers, the page app/index.php and
# the admin page's metrics) behind nginx. Then for each scenario: warm.php
# (flush, prefill the hottest items' keys over the old list), load.php
# (fixed-rate load, the switch at a fixed second, per-second measures). Finally report.php writes the charts (SVG), the table and the
# correctness checks ("ok - ..." lines; exit 1 when one fails), and every
# process started here is stopped by its pid.
#
# Full run: 150 requests/s, 15 s before and 40 s after the switch, 60,000
# items of which the hottest 50,000 are cached, about 12 minutes. --quick
# (CI, its checks only): every scenario still, 100 requests/s, 2 s + 3 s,
# 15,000 items of which 10,000 are cached, 1.5-2.5 minutes on this shared
# 2-core machine (101 s at load 10, 148 s at load 16-28). STAMPEDE_RATE, STAMPEDE_BEFORE, STAMPEDE_AFTER, STAMPEDE_ROWS,
# STAMPEDE_WARM override those;
# STAMPEDE_SCENARIOS="none 3to2-ketama-mr" runs only the scenarios named
# (the control "none" is the baseline of the extra-queries figures).
# Output: --out DIR (default bench/stampede/results; --quick:
# tests/output/stampede). MR_SKIP_DEPS=1 skips scripts/deps.sh; MR_KEEP_TMP=1
# keeps the temp dir (logs of every server).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
quick=0
out=
while [[ $# -gt 0 ]]; do
	case $1 in
	--quick) quick=1 ;;
	--out) out=$2; shift ;;
	--out=*) out=${1#--out=} ;;
	*) echo "usage: bash bench/stampede/run.sh [--quick] [--out DIR]" >&2; exit 2 ;;
	esac
	shift
done
if [[ $quick -eq 1 ]]; then
	rate=${STAMPEDE_RATE:-100} before=${STAMPEDE_BEFORE:-2} after=${STAMPEDE_AFTER:-3}
	rows=${STAMPEDE_ROWS:-15000} warm=${STAMPEDE_WARM:-10000}
	out=${out:-$root/tests/output/stampede}
else
	rate=${STAMPEDE_RATE:-150} before=${STAMPEDE_BEFORE:-15} after=${STAMPEDE_AFTER:-40}
	rows=${STAMPEDE_ROWS:-60000} warm=${STAMPEDE_WARM:-50000}
	out=${out:-$here/results}
fi
if ((warm > rows)); then
	echo "stampede: STAMPEDE_WARM ($warm) is more than STAMPEDE_ROWS ($rows)" >&2
	exit 2
fi
base=${STAMPEDE_PORT_BASE:-23000}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [[ -z ${MR_SKIP_DEPS:-} ]]; then
	bash "$root/scripts/deps.sh" || exit 3
fi
bash "$root/scripts/build.sh" >"$out/build.log" 2>&1 || { tail -n 20 "$out/build.log"; exit 3; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mr-stampede.XXXXXX")
# shellcheck source=stack.sh source-path=SCRIPTDIR
source "$here/stack.sh"
stack_init
ext=$tmp/memrehash.so
cp "$root/modules/memrehash.so" "$ext" # the bytes under test, whatever rebuilds meanwhile

# ---- MariaDB ----------------------------------------------------------------
db_sock=$tmp/mariadb.sock
mariadb-install-db --no-defaults --datadir="$tmp/db" --auth-root-authentication-method=normal \
	--skip-test-db ${as_root:+--user=root} >"$tmp/mariadb-install.log" 2>&1 ||
	{ tail -n 20 "$tmp/mariadb-install.log"; exit 3; }
mariadbd --no-defaults --datadir="$tmp/db" --socket="$db_sock" --port=$((base + 306)) \
	--bind-address=127.0.0.1 --pid-file="$tmp/mariadb.pid" --log-error="$tmp/mariadb.err" \
	--skip-log-bin --performance-schema=OFF --skip-name-resolve --innodb-buffer-pool-size=256M \
	--innodb-flush-log-at-trx-commit=2 --max-connections=200 ${as_root:+--user=root} \
	</dev/null >/dev/null 2>&1 &
started mariadbd
wait_until 60 MariaDB mariadb-admin --no-defaults --socket="$db_sock" -uroot ping

# ---- memcached ---------------------------------------------------------------
start_memcached $((base + 11)) $((base + 12)) $((base + 13))

# ---- the configuration every PHP part reads ---------------------------------
admin_password=pw-$RANDOM$RANDOM
ctr=$tmp/counters.bin
php_cli=(php -d "extension=$ext" -d "memrehash.counters_file=$ctr")
cat >"$tmp/config.php" <<PHP
<?php return [
    'dir' => '$tmp', 'root' => '$root',
    'servers' => ['${servers[0]}', '${servers[1]}', '${servers[2]}'],
    'db_socket' => '$db_sock', 'db_name' => 'shop',
    'rows' => $rows, 'warm' => $warm, 'zipf' => 1.0, 'seed' => 14,
    'rate' => $rate, 'before' => $before, 'after' => $after, 'drain_rate' => 2000,
    'phase_file' => '$tmp/phase',
    'base_url' => 'http://127.0.0.1:$((base + 80))',
    'metrics_url' => 'http://127.0.0.1:$((base + 80))/admin/memrehash.php?format=prometheus',
    'admin_user' => 'bench', 'admin_password' => '$admin_password',
    'php_cli' => ['php', '-d', 'extension=$ext', '-d', 'memrehash.counters_file=$ctr'],
];
PHP
echo "none before" >"$tmp/phase"

# ---- PHP-FPM and nginx ----------------------------------------------------------
start_fpm "env[STAMPEDE_CONFIG] = $tmp/config.php
env[MEMREHASH_ADMIN_USER] = bench
env[MEMREHASH_ADMIN_PASSWORD] = $admin_password" -d "extension=$ext" -d "memrehash.counters_file=$ctr"

start_nginx $((base + 80)) "        location = /item {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $here/app/index.php;
            fastcgi_param SCRIPT_NAME /item;
            fastcgi_pass unix:$tmp/php-fpm.sock;
        }
        location = /admin/memrehash.php {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $root/admin/memrehash.php;
            fastcgi_param HTTP_AUTHORIZATION \$http_authorization;
            fastcgi_pass unix:$tmp/php-fpm.sock;
        }"

# ---- data -----------------------------------------------------------------------
log "servers up after $SECONDS s"
t=$SECONDS
php "$here/setup.php" load "$tmp/config.php" || exit 3
sum_before=$(php "$here/setup.php" checksum "$tmp/config.php") || exit 3
cost=$(php "$here/setup.php" cost "$tmp/config.php") || exit 3
log "data loaded in $((SECONDS - t)) s; the page's query takes $cost ms; $sum_before"

# ---- scenarios --------------------------------------------------------------------
mapfile -t scenarios < <(php -r 'echo implode("\n", array_keys(require $argv[1])), "\n";' "$here/scenarios.php")
if [[ -n ${STAMPEDE_SCENARIOS:-} ]]; then
	read -r -a scenarios <<<"${STAMPEDE_SCENARIOS//,/ }"
fi
{
	echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host $(nproc) cores, $(uname -r)"
	echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "query_ms $cost"
	echo "mode $([[ $quick -eq 1 ]] && echo quick || echo full) rate $rate before $before after $after"
} >"$out/run.txt"
# opcache, connections: a few seconds of the control's traffic, not measured
"${php_cli[@]}" "$here/warm.php" "$tmp/config.php" none || exit 3
for i in $(seq 1 200); do
	printf 'url = "http://127.0.0.1:%d/item?id=%d"\noutput = "/dev/null"\n' $((base + 80)) "$i"
done | curl -s -K -
rm -f "$out"/scenario-*.json
for s in "${scenarios[@]}"; do
	t=$SECONDS
	"${php_cli[@]}" "$here/warm.php" "$tmp/config.php" "$s" || { log "warm-up of $s failed"; continue; }
	t2=$SECONDS
	"${php_cli[@]}" "$here/load.php" "$tmp/config.php" "$s" "$out/scenario-$s.json"
	log "$s: warm-up $((t2 - t)) s, load $((SECONDS - t2)) s"
	echo "load_after_$s $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/run.txt"
done
sum_after=$(php "$here/setup.php" checksum "$tmp/config.php") || exit 3
{
	echo "checksum_before $sum_before"
	echo "checksum_after $sum_after"
	echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$out/run.txt"
for f in php-errors.log php-fpm.log nginx-error.log; do
	[[ -s $tmp/$f ]] && cp "$tmp/$f" "$out/$f"
done
php "$here/report.php" "$out" "${scenarios[@]}"
