#!/usr/bin/env bash
# The demo: bash scripts/demo.sh
#
# Installs what is missing, builds the extension, starts three memcached
# servers of its own on loopback (ports MR_DEMO_PORTS, default
# 21301,21302,21303; not the test ports), writes keys there with PECL
# Memcached, then retires the third server with MemRehash: reads move each
# key that lived on it to the two that stay (scripts/demo.php). The servers
# are stopped by pid at the end, whatever happens.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
root=$PWD
export MR_TEST_PORTS=${MR_DEMO_PORTS:-21301,21302,21303}
export MR_RUN_DIR=$root/tests/output/demo-run

bash scripts/deps.sh </dev/null || exit 1
if ! bash scripts/build.sh </dev/null >/dev/null 2>&1; then
	echo "demo: the build failed; see tests/output/build.log" >&2
	tail -n 20 tests/output/build.log >&2
	exit 1
fi
echo "demo: built modules/memrehash.so"

trap 'bash scripts/servers.sh stop' EXIT
trap 'exit 130' INT TERM HUP
bash scripts/servers.sh start </dev/null || exit 1

php -d "extension=$root/modules/memrehash.so" scripts/demo.php </dev/null
