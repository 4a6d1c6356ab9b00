#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2317 # PHP code in single quotes; cleanup runs from the EXIT trap
# mr-suite: slow
# Suite: the PECL package, as a user gets it. Offline.
#   1. scripts/check-package.sh (contents, versions, CREDITS, memrehash.ini)
#   2. pecl package -> memrehash-X.Y.Z.tgz, holding every listed file
#   3. pecl install of that tarball (builds it with phpize, as a user would)
#   4. php -d extension=memrehash.so --ri memrehash reports that version
#   5. pecl uninstall removes it again
# The install goes into PHP's own extension dir and PEAR registry (PEAR
# 1.10's -R/installroot is broken here, and a built .so ignores ext_dir); no
# php.ini is touched, and an EXIT trap uninstalls whatever happens.
# Prints "N passed, N failed" last.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$root/tests/output/package
rm -rf "$work"
mkdir -p "$work"

installed_by_us=0
cleanup() {
	if [[ $installed_by_us -eq 1 ]]; then
		pecl uninstall memrehash </dev/null >>"$work/uninstall.log" 2>&1 || true
	fi
}
trap cleanup EXIT

# 1
if bash scripts/check-package.sh >"$work/check.log" 2>&1; then
	ok "check-package.sh"
else
	sed 's/^/    /' "$work/check.log"
	not_ok "check-package.sh"
fi

version=$(php -r '$x = @simplexml_load_file("package.xml"); echo $x ? $x->version->release : "";')
tgz=$work/memrehash-$version.tgz

# 2
if ! command -v pecl >/dev/null; then
	not_ok "pecl not installed (bash scripts/deps.sh)"
	finish
fi
if (cd "$work" && pecl package "$root/package.xml" </dev/null >"$work/package.log" 2>&1) && [[ -f $tgz ]]; then
	listed=$(php -r '$x = simplexml_load_file("package.xml"); $x->registerXPathNamespace("p", "http://pear.php.net/dtd/package-2.0"); echo count($x->xpath("//p:contents//p:file"));')
	inside=$(tar -tzf "$tgz" | grep -c "^memrehash-$version/.*[^/]$")
	if [[ $listed -eq $inside ]]; then
		ok "pecl package: ${tgz##*/} holds all $listed files"
	else
		not_ok "pecl package: ${tgz##*/} holds $inside files, package.xml lists $listed"
	fi
else
	sed 's/^/    /' "$work/package.log"
	not_ok "pecl package"
	finish
fi

# 3
ext_dir=$(php-config --extension-dir)
if pecl list 2>/dev/null | grep -q '^memrehash '; then
	not_ok "pecl install: memrehash is already installed by pecl here (pecl uninstall memrehash first)"
	finish
fi
if pecl install "$tgz" </dev/null >"$work/install.log" 2>&1; then
	installed_by_us=1
	if [[ -f $ext_dir/memrehash.so ]]; then
		step "pecl install ${tgz##*/} -> $ext_dir/memrehash.so"
	else
		not_ok "pecl install: no $ext_dir/memrehash.so"
	fi
else
	installed_by_us=1
	tail -n 30 "$work/install.log" | sed 's/^/    /'
	not_ok "pecl install ${tgz##*/} (log: tests/output/package/install.log)"
fi

# 4
if [[ -f $ext_dir/memrehash.so ]]; then
	ri=$(php -d extension=memrehash.so --ri memrehash 2>&1)
	got=$(php -d extension=memrehash.so -r 'echo phpversion("memrehash");' 2>/dev/null)
	echo "$ri" >"$work/ri.txt"
	if [[ $got == "$version" && $ri == *memrehash* ]]; then
		ok "php -d extension=memrehash.so --ri memrehash: version $got"
	else
		echo "$ri" | head -n 20 | sed 's/^/    /'
		not_ok "php --ri memrehash of the installed module (version '$got', want '$version')"
	fi
else
	not_ok "php --ri memrehash: nothing installed"
fi

# 5
if [[ $installed_by_us -eq 1 ]]; then
	pecl uninstall memrehash </dev/null >"$work/uninstall.log" 2>&1
	installed_by_us=0
	if [[ ! -f $ext_dir/memrehash.so ]] && ! pecl list 2>/dev/null | grep -q '^memrehash '; then
		step "pecl uninstall memrehash"
	else
		not_ok "pecl uninstall memrehash left it installed"
	fi
else
	not_ok "pecl uninstall: nothing was installed"
fi

finish
