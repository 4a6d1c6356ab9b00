# shellcheck shell=bash disable=SC2317,SC2154 # cleanup runs from the EXIT trap; $tmp is the sourcing script's
# The web stack the benchmarks share (sourced, not run): memcached, PHP-FPM
# with 4 static workers, nginx, each from Debian, in a temp dir, on ports
# from a base, each process logged with its pid and stopped by that pid on
# exit. bench/stampede/run.sh adds MariaDB; bench/web/run.sh uses the rest.
#
# The sourcing script sets $tmp (a fresh temp dir) and may set $log_prefix;
# stack_init installs the EXIT trap. MR_KEEP_TMP=1 keeps the temp dir.

pids=()
log_prefix=${log_prefix:-stampede}
log() { echo "$log_prefix: $*"; }

# stack_cleanup: stops every process started here (TERM, by pid) and waits
# for each, then removes the temp dir unless MR_KEEP_TMP is set.
stack_cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [[ -n ${MR_KEEP_TMP:-} ]]; then
		log "temp dir kept: $tmp"
	else
		rm -rf "$tmp"
	fi
}

# stack_init: installs the traps; sets as_root (non-empty when run as root).
stack_init() {
	trap stack_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	as_root=()
	[[ $(id -u) -eq 0 ]] && as_root=(1)
}

# started NAME: records the last background job's pid.
started() {
	pids+=("$!")
	log "started $1 (pid $!)"
}

# wait_until SECONDS WHAT CMD...: polls CMD every 0.1 s; exits 3 after SECONDS.
wait_until() {
	local n=$(($1 * 10)) what=$2 i
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	log "$what did not come up; logs in $tmp"
	MR_KEEP_TMP=1
	exit 3
}

# start_memcached PORT...: one memcached per port (64 MB, 1 thread); fills
# the array servers with "127.0.0.1:PORT" and waits until each accepts.
start_memcached() {
	local port s
	servers=()
	for port in "$@"; do
		memcached -l 127.0.0.1 -p "$port" -U 0 -m 64 -t 1 -c 1024 ${as_root:+-u root} \
			</dev/null >"$tmp/memcached-$port.log" 2>&1 &
		started "memcached :$port"
		servers+=("127.0.0.1:$port")
	done
	for s in "${servers[@]}"; do
		wait_until 10 "memcached $s" bash -c "exec 3<>/dev/tcp/${s%:*}/${s#*:}"
	done
}

# start_fpm EXTRA_POOL_LINES PHP_ARGS...: PHP-FPM, 4 static workers on
# $tmp/php-fpm.sock; EXTRA_POOL_LINES go into the pool section (env[...]),
# PHP_ARGS (-d ...) onto its command line.
start_fpm() {
	local extra=$1
	shift
	cat >"$tmp/php-fpm.conf" <<CONF
[global]
pid = $tmp/php-fpm.pid
error_log = $tmp/php-fpm.log
daemonize = no
[app]
listen = $tmp/php-fpm.sock
${as_root:+user = root}
${as_root:+group = root}
pm = static
pm.max_children = 4
pm.max_requests = 0
request_terminate_timeout = 60s
clear_env = yes
$extra
php_admin_value[error_log] = $tmp/php-errors.log
php_admin_flag[log_errors] = on
php_admin_flag[display_errors] = off
CONF
	php-fpm8.2 --nodaemonize --fpm-config "$tmp/php-fpm.conf" ${as_root:+--allow-to-run-as-root} \
		"$@" </dev/null >"$tmp/php-fpm.out" 2>&1 &
	started php-fpm
	wait_until 20 PHP-FPM test -S "$tmp/php-fpm.sock"
}

# start_nginx PORT LOCATIONS: nginx (one worker) on 127.0.0.1:PORT with the
# LOCATIONS blocks (nginx syntax) in its server; waits until it answers.
start_nginx() {
	local port=$1 locations=$2
	mkdir -p "$tmp/nginx"
	cat >"$tmp/nginx.conf" <<CONF
${as_root:+user root;}
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    proxy_temp_path $tmp/nginx/proxy;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    server {
        listen 127.0.0.1:$port;
$locations
    }
}
CONF
	nginx -p "$tmp/nginx" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" </dev/null >"$tmp/nginx.out" 2>&1 &
	started nginx
	wait_until 20 nginx curl -s -o /dev/null "http://127.0.0.1:$port/"
}
