#!/usr/bin/env bash
# shellcheck disable=SC2001,SC2016 # sed for indenting; PHP code in single quotes
# Release hygiene (STYLE.md), checked before `pecl package`:
#   1. package.xml <contents> lists every file git knows that ships (every
#      .c .h .m4 .stub.php, tests/, bench/, admin/, bin/, fuzz/, docs) with
#      the right role, and nothing that is gone;
#   2. PHP_MEMREHASH_VERSION (php_memrehash.h) equals package.xml <release>
#      (and the built module's version, when modules/memrehash.so exists);
#   3. CREDITS is two lines: the name, then the authors;
#   4. memrehash.ini documents every memrehash.* INI setting the sources
#      register, and (with a built module) with the right default;
#   5. `pecl package-validate` accepts package.xml (when pecl is installed).
# Prints one line per check; exits 1 if any failed. Fix 1 with:
#   php scripts/update-package-xml.php
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
failed=0
ok() { echo "ok:   $*"; }
bad() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# 1. contents
if msg=$(php scripts/update-package-xml.php --check 2>&1); then
	ok "${msg##*$'\n'}"
else
	echo "$msg" | sed 's/^/      /'
	bad "package.xml <contents> is stale (php scripts/update-package-xml.php)"
fi

# 2. versions
hv=$(sed -n 's/^#define[[:space:]]*PHP_MEMREHASH_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' php_memrehash.h 2>/dev/null)
pv=$(php -r '$x = simplexml_load_file("package.xml"); echo $x ? $x->version->release : "";' 2>/dev/null)
if [[ -z $hv ]]; then
	bad "no PHP_MEMREHASH_VERSION in php_memrehash.h"
elif [[ $hv != "$pv" ]]; then
	bad "PHP_MEMREHASH_VERSION is '$hv' but package.xml <release> is '$pv'"
else
	ok "version $hv in php_memrehash.h and package.xml"
fi
if [[ -f modules/memrehash.so && -n $hv ]]; then
	mv=$(php -d "extension=$PWD/modules/memrehash.so" -r 'echo phpversion("memrehash");' 2>/dev/null)
	if [[ $mv == "$hv" ]]; then
		ok "built module reports version $mv"
	else
		bad "built module reports version '$mv', php_memrehash.h says '$hv'"
	fi
fi

# 3. CREDITS
if [[ -f CREDITS && $(wc -l <CREDITS) -eq 2 && $(head -n 1 CREDITS) == memrehash ]]; then
	ok "CREDITS: $(tail -n 1 CREDITS)"
else
	bad "CREDITS must be two lines: 'memrehash', then the authors"
fi

# 4. memrehash.ini
ini_check='
$doc = @parse_ini_file("memrehash.ini", false, INI_SCANNER_RAW);
if ($doc === false) { echo "FAIL memrehash.ini does not parse\n"; exit(1); }
$src = [];
foreach (glob("*.c") as $f) {
    preg_match_all("/INI_(?:ENTRY|BOOLEAN)[0-9_A-Z]*\(\s*\"(memrehash\.[a-z0-9_]+)\"\s*,\s*\"([^\"]*)\"/", file_get_contents($f), $m, PREG_SET_ORDER);
    foreach ($m as $e) { $src[$e[1]] = $e[2]; }
}
$bad = 0;
foreach ($src as $k => $def) {
    if (!array_key_exists($k, $doc)) { echo "FAIL $k is not in memrehash.ini\n"; $bad++; }
    elseif ((string)$doc[$k] !== $def) { echo "FAIL $k: memrehash.ini says \"{$doc[$k]}\", the source default is \"$def\"\n"; $bad++; }
}
if (extension_loaded("memrehash")) {
    foreach (ini_get_all("memrehash") as $k => $v) {
        if (!array_key_exists($k, $doc)) { echo "FAIL $k (registered by the module) is not in memrehash.ini\n"; $bad++; }
        elseif ((string)$doc[$k] !== (string)$v["global_value"]) {
            echo "FAIL $k: memrehash.ini says \"{$doc[$k]}\", the module default is \"{$v["global_value"]}\"\n"; $bad++;
        }
    }
}
foreach ($doc as $k => $v) {
    if (str_starts_with($k, "memrehash.") && $src && !isset($src[$k])) {
        echo "FAIL $k is in memrehash.ini but no source registers it\n"; $bad++;
    }
}
echo $bad ? "" : "ok memrehash.ini documents " . count($src) . " settings found in the sources\n";
exit($bad ? 1 : 0);
'
ini_php=(php)
[[ -f modules/memrehash.so ]] && ini_php=(php -d "extension=$PWD/modules/memrehash.so")
if msg=$("${ini_php[@]}" -r "$ini_check" 2>&1); then
	ok "${msg#ok }"
else
	echo "$msg" | sed -n 's/^FAIL /      /p'
	bad "memrehash.ini does not match the INI settings"
fi

# 5. pecl package-validate
if command -v pecl >/dev/null; then
	msg=$(pecl package-validate package.xml 2>&1)
	if [[ $msg == *"Validation: 0 error(s)"* ]]; then
		ok "pecl package-validate"
	else
		echo "$msg" | sed 's/^/      /'
		bad "pecl package-validate"
	fi
fi

echo "check-package: $failed check(s) failed"
[[ $failed -eq 0 ]]
