#!/usr/bin/env bash
# Makes sure a thread-safe (ZTS) PHP 8.2 built from Debian's own php8.2
# source package exists outside the checkout, with the CLI, the embed SAPI
# (libphp.so, for the multi-threaded test), phpize/php-config, and the PECL
# memcached peer (the tests' independent view) built for it from Debian's
# php-memcached source package.
#
#   bash scripts/php-zts.sh           build it if missing or broken; print its prefix
#   bash scripts/php-zts.sh --check   exit 0 if it is usable, 1 otherwise
#
# Usable means: the marker files record the same configure arguments as
# below, and the installed php runs, reports ZEND_THREAD_SAFE and loads the
# peer (or a try at the peer failed less than a day ago: it is optional,
# see step 3). Otherwise what is missing is rebuilt:
#   1. the source packages are fetched once with `apt-get source
#      --download-only` through a private apt configuration (a deb-src
#      line for the bookworm mirror this machine's apt uses; the
#      system's apt configuration is not touched), which checks the
#      tarball's SHA256 against the signed Sources index; it is kept in
#      src/ and not fetched again while there;
#   2. the upstream tarball (.orig.tar.xz) is configured (once: a build
#      stopped part-way resumes in build/) with a minimal
#      configure (--enable-zts --disable-all plus what the tests need:
#      session, posix, pcntl; --enable-embed) and built with
#      `nice -n 10 make -j2`, then `make install` into install/.
# Debian's own patches are not applied: they concern packaging (paths,
# system libraries), not the engine's thread safety.
#
# Environment: MR_ZTS_DIR (default /var/cache/memrehash/php-zts),
# MR_DEBIAN_MIRROR (default http://deb.debian.org/debian).
# Needs root only to build. Log: tests/output/php-zts.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${MR_ZTS_DIR:-/var/cache/memrehash/php-zts}
mirror=${MR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
log=$PWD/tests/output/php-zts.log
prefix=$dir/install
marker=$prefix/.memrehash-zts
peer_marker=$prefix/.memrehash-zts-peer
peer_gone=$prefix/.memrehash-zts-peer-unavailable

configure_args=(
	--prefix="$prefix" --with-config-file-path="$prefix/etc"
	--enable-zts --disable-all --without-libxml --without-pear
	--disable-cgi --disable-phpdbg --enable-cli --enable-embed
	--enable-session --enable-posix --enable-pcntl
	# Debian's libpcre2 rather than the bundled copy, as Debian's own PHP
	--with-external-pcre
)
# -O0, no debug info: the engine at -O2 takes several times as long to
# compile on two shared cores, and the tests wait on the network, not on
# PHP's own speed.
build_cflags="-O0 -g0"
want="configure: CFLAGS=$build_cflags ${configure_args[*]}"
peer_args=(--disable-memcached-sasl)
peer_want="configure: ${peer_args[*]}"

# php_usable: true if the installed ZTS PHP matches these arguments and runs.
php_usable() {
	[[ -f $marker ]] && [[ $(cat "$marker") == "$want" ]] &&
		[[ -f $prefix/lib/libphp.so && -x $prefix/bin/phpize ]] &&
		"$prefix/bin/php" -n -r 'exit(ZEND_THREAD_SAFE ? 0 : 1);' >/dev/null 2>&1
}

# peer_usable: true if that PHP loads the PECL memcached built for it.
peer_usable() {
	[[ -f $peer_marker ]] && [[ $(cat "$peer_marker") == "$peer_want" ]] &&
		"$prefix/bin/php" -n -d extension=memcached -r 'exit(class_exists("Memcached") ? 0 : 1);' >/dev/null 2>&1
}

# peer_given_up: true if fetching or building the peer failed less than a
# day ago (the marker records why): the PHP is then used without it, and the
# attempt is not repeated every run, yet is on a machine where it may work.
peer_given_up() {
	[[ -n $(find "$peer_gone" -maxdepth 0 -mmin -1440 2>/dev/null) ]]
}

usable() {
	php_usable && { peer_usable || peer_given_up; }
}

if [[ ${1:-} == --check ]]; then
	usable
	exit
fi
if usable; then
	echo "$prefix"
	exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "php-zts: $prefix is missing or broken and rebuilding needs root" >&2
	exit 1
fi

mkdir -p "$(dirname "$log")" "$dir/src"
: >"$log"
step() {
	echo "+ $*" >>"$log"
	"$@" </dev/null >>"$log" 2>&1
}
fail() {
	tail -n 30 "$log" >&2
	echo "php-zts: FAILED: $1 (log: $log)" >&2
	exit 1
}
# peer_fail WHY: the peer is optional: records WHY in the marker, says so
# and goes on with the PHP alone.
peer_fail() {
	echo "$1" >"$peer_gone"
	echo "php-zts: no PECL memcached peer for the ZTS PHP: $1 (log: $log; not retried before $(date -u -d '+1 day' '+%F %H:%M') UTC)" >&2
}
start=$SECONDS

# ---- 1. the source packages, each fetched once
# source_tarball PKG: prints the path of PKG's upstream tarball in src/,
# fetching the source package first when it is not there.
source_tarball() {
	local pkg=$1 tarball apt_dir
	tarball=$(find "$dir/src" -maxdepth 1 -name "${pkg}_*.orig.tar.*" ! -name '*.asc' | sort -V | tail -n 1)
	if [[ -n $tarball ]]; then
		echo "$tarball"
		return
	fi
	apt_dir=$dir/apt
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	# The main archive only: this machine's mirror serves no source from
	# the security archive.
	printf 'deb-src %s bookworm main\n' "$mirror" >"$apt_dir/sources.list"
	apt=(apt-get -q -o Dir::Etc::SourceList="$apt_dir/sources.list"
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$apt_dir/lists"
		-o Dir::Cache="$apt_dir/cache")
	echo "php-zts: fetching Debian's $pkg source package (log: $log)" >&2
	[[ -d $apt_dir/lists ]] && find "$apt_dir/lists" -maxdepth 1 -name '*Sources*' | grep -q . ||
		step "${apt[@]}" update || fail "apt-get update of the deb-src index"
	(cd "$dir/src" && step "${apt[@]}" source --download-only "$pkg") ||
		fail "apt-get source --download-only $pkg"
	tarball=$(find "$dir/src" -maxdepth 1 -name "${pkg}_*.orig.tar.*" ! -name '*.asc' | sort -V | tail -n 1)
	[[ -n $tarball ]] || fail "no ${pkg}_*.orig.tar.* after apt-get source"
	echo "$tarball"
}

build=$dir/build
# ---- 2. PHP: configure, build, install
if ! php_usable; then
	tarball=$(source_tarball php8.2) || exit 1
	rm -rf "$prefix"
	# A build stopped part-way (a session or CI run ended) goes on where it
	# stopped: the tree is kept with a stamp of what it was configured with.
	stamp="$want ${tarball##*/}"
	if [[ ! -f $build/.memrehash-configured || $(cat "$build/.memrehash-configured") != "$stamp" ]]; then
		rm -rf "$build"
		mkdir -p "$build"
		step tar -xJf "$tarball" -C "$build" --strip-components=1 || fail "unpacking $tarball"
		echo "php-zts: configuring ${tarball##*/} with ZTS (log: $log)" >&2
		(cd "$build" && step nice -n 10 env CFLAGS="$build_cflags" ./configure "${configure_args[@]}") || fail "configure"
		echo "$stamp" >"$build/.memrehash-configured"
	fi
	echo "php-zts: building ${tarball##*/} with ZTS (nice -n 10 make -j2; log: $log)" >&2
	(cd "$build" && step nice -n 10 make -j"${MR_JOBS:-2}") || fail "make"
	(cd "$build" && step make install) || fail "make install"
	mkdir -p "$prefix/etc"
	echo "$want" >"$marker"
	php_usable || fail "built, but $prefix/bin/php does not run as a ZTS PHP"
	rm -rf "$build"
	rm -f "$peer_marker" # built against the PHP just replaced
fi

# ---- 3. the PECL memcached peer, for that PHP: optional. Its source may be
# missing from the mirror (this machine's answers 404 for the tarball its
# Sources index names); the tests then use raw reads of the servers instead.
# source_tarball and fail exit, so each try runs in a subshell.
if ! peer_usable && ! peer_given_up; then
	if (
		tarball=$(source_tarball php-memcached) || exit 1
		rm -rf "$build"
		mkdir -p "$build"
		step tar -xf "$tarball" -C "$build" || fail "unpacking $tarball"
		# the tarball holds one directory per upstream version: the newest
		src=$(find "$build" -mindepth 2 -maxdepth 2 -name config.m4 -printf '%h\n' | sort -V | tail -n 1)
		[[ -n $src ]] || fail "no config.m4 in ${tarball##*/}"
		echo "php-zts: building PECL memcached (${src##*/}) for it (log: $log)" >&2
		(cd "$src" && step "$prefix/bin/phpize" &&
			step nice -n 10 ./configure --with-php-config="$prefix/bin/php-config" "${peer_args[@]}" &&
			step nice -n 10 make -j"${MR_JOBS:-2}" && step make install) || fail "PECL memcached build"
		echo "$peer_want" >"$peer_marker"
		rm -rf "$build"
		peer_usable || fail "built, but the ZTS PHP does not load PECL memcached"
	); then
		rm -f "$peer_gone"
	else
		rm -rf "$build"
		peer_fail "fetching or building it failed"
	fi
fi
echo "php-zts: ready in $((SECONDS - start)) s" >&2
echo "$prefix"
