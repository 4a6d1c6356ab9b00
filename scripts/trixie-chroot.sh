#!/usr/bin/env bash
# Makes sure a Debian 13 (trixie) chroot with PHP 8.4 and everything
# memrehash's build and phpt tests need exists, outside the checkout (CI
# clones afresh; the chroot survives between runs on the same machine).
#
#   bash scripts/trixie-chroot.sh          build it if missing or broken; print its path
#   bash scripts/trixie-chroot.sh --check  exit 0 if it is usable, 1 otherwise
#
# Usable means: the marker file (which records the package list it was built
# with) matches PACKAGES below, and php8.4 runs inside it. A chroot whose
# php8.4 runs but whose list is older gets the missing packages with apt-get.
# Anything else is removed and rebuilt: debootstrap --variant=minbase from Debian's archive
# (the mirror this machine's apt uses), then apt-get install in the chroot,
# all under `nice -n 10`, into a temporary directory renamed into place only
# once complete, so a run killed half-way leaves nothing that looks usable.
#
# Environment: MR_TRIXIE_DIR (default /var/cache/memrehash/trixie-chroot),
# MR_DEBIAN_MIRROR (default http://deb.debian.org/debian). Needs root.
# Log: tests/output/trixie-chroot.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${MR_TRIXIE_DIR:-/var/cache/memrehash/trixie-chroot}
mirror=${MR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
log=$PWD/tests/output/trixie-chroot.log
marker=.memrehash-chroot

# What the chroot holds, inside: build tools, PHP 8.4 with the extensions the
# phpt tests use, libmemcached, zlib, the PECL memcached peer and the
# serializers it and memrehash speak, and a memcached server.
PACKAGES=(
	build-essential pkg-config php8.4-dev php8.4-cli php8.4-xml php8.4-mbstring
	libmemcached-dev zlib1g-dev php-memcached php-igbinary php-msgpack memcached
	# composer validate --strict of composer.json (trixie's Composer knows
	# the php-ext section PIE reads; bookworm's 2.5 does not)
	composer
)
want="packages: ${PACKAGES[*]}"

# php_runs DIR: true if DIR holds a finished chroot whose php8.4 runs.
php_runs() {
	[[ -f $1/$marker ]] &&
		chroot "$1" /usr/bin/php8.4 -n -r 'exit(PHP_VERSION_ID >= 80400 ? 0 : 1);' >/dev/null 2>&1
}

# usable DIR: true if DIR holds a finished chroot with these packages whose
# php8.4 runs.
usable() {
	php_runs "$1" && [[ $(cat "$1/$marker") == "$want" ]]
}

if [[ ${1:-} == --check ]]; then
	usable "$dir"
	exit
fi

if usable "$dir"; then
	echo "$dir"
	exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
	echo "trixie-chroot: $dir is missing or broken and rebuilding needs root" >&2
	exit 1
fi
if ! command -v debootstrap >/dev/null; then
	echo "trixie-chroot: debootstrap not installed (bash scripts/deps.sh)" >&2
	exit 1
fi

mkdir -p "$(dirname "$log")" "$(dirname "$dir")"
: >"$log"
step() {
	echo "+ $*" >>"$log"
	"$@" </dev/null >>"$log" 2>&1
}

# A working chroot from an older package list: add what is missing.
if php_runs "$dir"; then
	echo "trixie-chroot: adding packages to $dir (log: $log)" >&2
	mount -t proc proc "$dir/proc"
	topup() {
		step nice -n 10 chroot "$dir" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
	}
	if topup apt-get update -q &&
		topup apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "${PACKAGES[@]}"; then
		topup apt-get clean || true
		echo "$want" >"$dir/$marker"
	fi
	umount "$dir/proc" || umount -l "$dir/proc"
	if usable "$dir"; then
		echo "$dir"
		exit 0
	fi
	echo "trixie-chroot: adding packages failed; rebuilding" >&2
fi

tmp=$dir.new
# umount_under DIR: unmounts whatever is mounted below DIR (a killed build
# can leave its /proc mounted), deepest first.
umount_under() {
	local m
	while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
}
cleanup() {
	umount_under "$tmp"
	[[ -d $tmp ]] && rm -rf --one-file-system "$tmp"
	return 0
}
trap cleanup EXIT
cleanup

start=$SECONDS
echo "trixie-chroot: building $dir (debootstrap trixie from $mirror; log: $log)" >&2
if ! step nice -n 10 debootstrap --variant=minbase trixie "$tmp" "$mirror"; then
	tail -n 25 "$log" >&2
	echo "trixie-chroot: debootstrap failed" >&2
	exit 1
fi
echo "deb $mirror trixie main" >"$tmp/etc/apt/sources.list"
# Services must not start inside the chroot (memcached's postinst would).
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
chmod 755 "$tmp/usr/sbin/policy-rc.d"
mount -t proc proc "$tmp/proc"
in_chroot() {
	step nice -n 10 chroot "$tmp" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}
if ! in_chroot apt-get update -q ||
	! in_chroot apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "${PACKAGES[@]}"; then
	tail -n 25 "$log" >&2
	echo "trixie-chroot: apt-get in the chroot failed" >&2
	exit 1
fi
in_chroot apt-get clean || true
umount_under "$tmp"
echo "$want" >"$tmp/$marker"
if ! usable "$tmp"; then
	echo "trixie-chroot: built, but php8.4 does not run in it" >&2
	exit 1
fi
umount_under "$dir"
rm -rf --one-file-system "$dir"
mv "$tmp" "$dir"
echo "trixie-chroot: built in $((SECONDS - start)) s" >&2
echo "$dir"
