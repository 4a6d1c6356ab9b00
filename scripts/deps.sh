#!/usr/bin/env bash
# Installs, with apt-get, everything memrehash's build, demo and tests need on
# Debian 12. Idempotent: when every package is already installed it does
# nothing (no apt-get update, no network). Output goes to a log file; on a
# failure the log's tail is printed with the command that failed.
#
#   bash scripts/deps.sh            install what is missing
#   bash scripts/deps.sh --check    exit 1 (and list them) if any is missing
#
# MR_DEPS_LOG overrides the log file (default tests/output/deps.log).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# One package a line, grouped by why it is here. Names checked with
# apt-cache on Debian 12 (bookworm).
PACKAGES=(
	# build: phpize, gcc, make, pkg-config, the libraries config.m4 links
	build-essential php8.2-dev php8.2-cli pkg-config libmemcached-dev zlib1g-dev git
	# stub -> arginfo: gen_stub.php with Debian's PHP-Parser (offline)
	php-parser
	# the peers and PHP extensions tests use (PECL memcached, serializers)
	php8.2-xml php8.2-mbstring php-memcached php-igbinary php-msgpack
	# packaging: pecl package / pecl install
	php-pear
	# test servers and runners
	memcached phpunit valgrind libc6-dbg procps
	# admin page under FPM, screenshots with headless Chromium
	php8.2-fpm chromium fonts-liberation fonts-dejavu-core
	# third-party code run over the drop-in (tests/suites/frameworks.sh):
	# PSR-6/16 conformance, Symfony cache/session/lock/DI, Laravel cache
	php-cache-integration-tests php-symfony-cache php-symfony-http-foundation php-symfony-lock
	php-symfony-dependency-injection php-symfony-config php-symfony-yaml
	php-illuminate-cache php-illuminate-support php-illuminate-container php-illuminate-config
	# sanitizer builds, fuzzing, helper scripts
	clang libclang-rt-14-dev libphp8.2-embed python3
	# the stampede benchmark (bench/stampede/): web server, database, the
	# cache library the page reads through, the load generator's HTTP client
	nginx mariadb-server php8.2-mysql php-illuminate-cache php8.2-curl curl
	# bench/web/run.sh: requests/s of a per-request client, flat out
	wrk
	# metrics checks: promtool (text format), Python's OpenMetrics parser
	prometheus python3-prometheus-client
	# the php84 suite's Debian 13 chroot (scripts/trixie-chroot.sh), the zts
	# suite's PHP from Debian's source package (scripts/php-zts.sh)
	debootstrap xz-utils libpcre2-dev
	# where the time goes in the scaling grid's slow cells (perf stat:
	# page faults, task clock; bench/README.md "Where the time goes")
	linux-perf
)

log=${MR_DEPS_LOG:-tests/output/deps.log}
mkdir -p "$(dirname "$log")"

# missing_packages NAME...: prints the names that are not installed.
missing_packages() {
	local installed
	# dpkg-query exits 1 when it knows one of the names not at all.
	installed=" $({ dpkg-query -W -f='${db:Status-Status}:${Package} ' "$@" 2>/dev/null || true; } |
		tr ' ' '\n' | sed -n 's/^installed://p' | tr '\n' ' ') "
	local p
	for p in "$@"; do
		[[ $installed == *" ${p%%:*} "* ]] || echo "$p"
	done
}

mapfile -t missing < <(missing_packages "${PACKAGES[@]}")

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "deps: all ${#PACKAGES[@]} packages installed"
	exit 0
fi

if [[ ${1:-} == --check ]]; then
	echo "deps: missing: ${missing[*]}" >&2
	exit 1
fi

if [[ $(id -u) -ne 0 ]]; then
	echo "deps: missing ${missing[*]}; run as root (or: sudo bash $0)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 --no-install-recommends)

fail() {
	echo "deps: FAILED: $1 (log: $log); last lines:" >&2
	tail -n 25 "$log" >&2 || true
	exit 1
}

echo "deps: installing ${missing[*]} (log: $log)"
: >"$log"
# retry N CMD...: runs CMD up to N times (a mirror hiccup, a dpkg lock).
retry() {
	local n=$1 i
	shift
	for ((i = 1; i <= n; i++)); do
		echo "+ $* (try $i)" >>"$log"
		"$@" </dev/null >>"$log" 2>&1 && return 0
		sleep $((i * 5))
	done
	return 1
}
retry 3 apt-get update -q -o DPkg::Lock::Timeout=300 || fail "apt-get update"
retry 2 apt-get install "${apt_opts[@]}" "${missing[@]}" || fail "apt-get install ${missing[*]}"

mapfile -t still < <(missing_packages "${missing[@]}")
[[ ${#still[@]} -eq 0 ]] || fail "still not installed: ${still[*]}"
echo "deps: installed ${#missing[@]} package(s)"
