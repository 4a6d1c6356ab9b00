#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2317 # PHP code in single quotes; cleanup runs from the EXIT trap
# Suite: the admin page (admin/memrehash.php), served by PHP's built-in server
# on loopback and read by Debian's real headless Chromium.
#
#   - 403 (with instructions) when no credentials are configured, whatever is sent
#   - 401 with WWW-Authenticate for missing or wrong credentials (curl, Chromium)
#   - with the right ones, Chromium's DOM shows every pool, the exact counters a
#     CLI with the same memrehash.counters_file reads from stats(), the progress
#     figures, per-server rows, the trend SVG, the fleet and the INI settings;
#     the pool named <script>alert(1)</script> appears escaped, no script runs
#   - ?format=json parses and carries the same numbers
#   - ?format=prometheus (text 0.0.4; OpenMetrics when Accept asks) and
#     ?format=openmetrics, and bin/memrehash status --prometheus/--openmetrics:
#     promtool check metrics passes, the Prometheus Python client parses them,
#     every sample equals allStats(); 401 without credentials
#   - "complete this pool": refused without a valid CSRF token (403), done with
#     one (303), after which stats() says 'complete'
#   - credentials from memrehash-admin.php beside the page (a copy in a temp dir)
#   - a transition (memrehash.transitions) bound and read by a CLI: the page
#     lists it (bound in its own process "no", said so; its pool's counters as
#     the CLI reads them), memrehash_transition_info, bin/memrehash status
#   - a screenshot, tests/output/admin.png
# Test servers: tests/config.inc (MR_TEST_PORTS). Every process it starts is
# stopped by pid on exit (MR_KEEP_TMP=1 keeps its temp dir: DOM dumps, logs).
# Prints "N passed, N failed" last.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
php=${MR_PHP:-$(command -v php)}
out=$root/tests/output
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mr-admin.XXXXXX")
pids=()

# check COND_STATUS TEXT: ok when the previous test command succeeded.
check() {
	if [[ $1 -eq 0 ]]; then ok "$2"; else not_ok "$2"; fi
}
# count_lines FILE STATUS: adds check.php's "ok -"/"not ok -" lines to the
# totals; check.php exiting non-zero (a crash, an uncaught error: its later
# checks never ran) or printing no check at all is one more failure.
count_lines() {
	local p f
	cat "$1"
	p=$(grep -c '^ok - ' "$1")
	f=$(grep -c '^not ok - ' "$1")
	pass=$((pass + p))
	fail=$((fail + f))
	if [[ $2 -ne 0 ]]; then
		not_ok "tests/admin/check.php exited $2 (see above)"
	elif [[ $((p + f)) -eq 0 ]]; then
		not_ok "tests/admin/check.php printed no check"
	fi
}

cleanup() {
	local p
	for p in "${pids[@]}"; do
		# negative: the process group setsid gave it (chromium's helpers too)
		kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	[[ -n ${MR_KEEP_TMP:-} ]] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# stop PID: stops one process group this suite started.
stop() {
	kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	local keep=() p
	for p in "${pids[@]}"; do
		[[ $p == "$1" ]] || keep+=("$p")
	done
	pids=("${keep[@]}")
}

# free_port: prints a TCP port nobody listens on at this moment.
free_port() {
	"$php" -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];'
}

# The build under test, copied once: every process of the suite loads the
# same bytes even if modules/ is rebuilt meanwhile.
src_ext=${MR_EXT:-$root/modules/memrehash.so}
if [[ ! -f $src_ext ]]; then
	not_ok "no $src_ext: build first (bash scripts/build.sh)"
	finish
fi
ext=$tmp/memrehash.so
cp "$src_ext" "$ext"
ctr=$tmp/counters.bin
phpx=("$php" -d "extension=$ext" -d "memrehash.counters_file=$ctr")

chromium_bin=${MR_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium_bin ]]; then
	not_ok "no Chromium at $chromium_bin (bash scripts/deps.sh installs it)"
	finish
fi

# serve PORT DOCROOT [VAR=VALUE...]: starts php -S with the suite's counters
# file (and the PHP options in serve_args) and only the given
# MEMREHASH_ADMIN_* variables; sets $pid.
serve_args=()
serve() {
	local port=$1 docroot=$2
	shift 2
	setsid env -u MEMREHASH_ADMIN_USER -u MEMREHASH_ADMIN_PASSWORD -u PHP_CLI_SERVER_WORKERS "$@" \
		timeout -k 5 600 "${phpx[@]}" "${serve_args[@]}" -S "127.0.0.1:$port" -t "$docroot" \
		>>"$tmp/server-$port.log" 2>&1 </dev/null &
	pid=$!
	pids+=("$pid")
}
# wait_http PORT: true once the server answers.
wait_http() {
	local _
	for _ in $(seq 1 100); do
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0
		sleep 0.05
	done
	return 1
}
# status URL [CURL_ARGS...]: prints the HTTP status; the body goes to $tmp/body.
status() {
	local url=$1
	shift
	curl -s --max-time 20 -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$@" "$url"
}
# chrome OUT_FILE URL [ARGS...]: runs headless Chromium with a fresh profile;
# its stdout (the DOM with --dump-dom) goes to OUT_FILE, its stderr to OUT_FILE.err.
chrome() {
	local outf=$1 url=$2 profile pid rc
	shift 2
	profile=$(mktemp -d "$tmp/chrome.XXXXXX")
	setsid timeout -k 5 90 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" "$@" "$url" >"$outf" 2>"$outf.err" </dev/null &
	pid=$!
	pids+=("$pid")
	wait "$pid"
	rc=$?
	stop "$pid"
	return $rc
}

# ---- the pools, built by a CLI with the same counters file ---------------
dead_port=$(free_port)
export MR_DEAD_PORT=$dead_port
if ! "${phpx[@]}" tests/admin/workload.php setup "$dead_port" >"$tmp/workload.log" 2>&1; then
	cat "$tmp/workload.log"
	not_ok "the CLI workload built its pools (tests/admin/workload.php)"
	finish
fi
step "a CLI built 3 pools in $ctr, one named <script>alert(1)</script>"

# ---- no credentials configured: 403 ---------------------------------------
port=$(free_port)
serve "$port" admin
if ! wait_http "$port"; then
	cat "$tmp/server-$port.log"
	not_ok "php -S started on 127.0.0.1:$port"
	finish
fi
base="http://127.0.0.1:$port/memrehash.php"
code=$(status "$base")
[[ $code == 403 ]] && grep -q MEMREHASH_ADMIN_PASSWORD "$tmp/body"
check $? "no credentials configured: 403 saying how to set MEMREHASH_ADMIN_USER/PASSWORD (got $code)"
code=$(status "$base?format=json" -u admin:admin)
[[ $code == 403 ]]
check $? "no credentials configured: no default password, admin:admin gets 403 (got $code)"
stop "$pid"

# ---- credentials in the environment --------------------------------------
user=ops
password="pw-$RANDOM-$RANDOM-x"
port=$(free_port)
serve "$port" admin MEMREHASH_ADMIN_USER=$user "MEMREHASH_ADMIN_PASSWORD=$password"
wait_http "$port" || { not_ok "php -S started"; finish; }
base="http://127.0.0.1:$port/memrehash.php"

code=$(status "$base")
[[ $code == 401 ]] && grep -qi '^WWW-Authenticate: Basic realm=' "$tmp/headers"
check $? "no credentials sent: 401 with WWW-Authenticate: Basic (got $code)"
code=$(status "$base" -u "$user:wrong-$password")
[[ $code == 401 ]]
check $? "wrong password: 401 (got $code)"
code=$(status "$base?format=json" -u "other:$password")
[[ $code == 401 ]] && ! grep -q '"pools"' "$tmp/body"
check $? "wrong user, JSON view: 401 and no data (got $code)"

chrome "$tmp/dom-wrong.html" "http://$user:bad@127.0.0.1:$port/memrehash.php" --dump-dom
# Chromium either shows the 401 page or gives up with ERR_INVALID_AUTH_CREDENTIALS
{ grep -q 'authentication required' "$tmp/dom-wrong.html" || grep -q ERR_INVALID_AUTH_CREDENTIALS "$tmp/dom-wrong.html.err"; } &&
	! grep -q 'data-pool=' "$tmp/dom-wrong.html"
check $? "Chromium with wrong credentials in the URL: refused, no pool in the DOM"

# what the CLI reads, then what the page shows
"${phpx[@]}" tests/admin/workload.php stats >"$tmp/cli.json" 2>"$tmp/cli.err"
code=$(status "$base" -u "$user:$password")
cp "$tmp/body" "$tmp/raw.html"
[[ $code == 200 ]]
check $? "right credentials: 200 (got $code)"
code=$(status "$base?format=json" -u "$user:$password")
cp "$tmp/body" "$tmp/page.json"
[[ $code == 200 ]] && grep -qi '^Content-Type: application/json' "$tmp/headers"
check $? "?format=json: 200, application/json (got $code)"

chrome "$tmp/dom.html" "http://$user:$password@127.0.0.1:$port/memrehash.php" --dump-dom
check $? "Chromium --dump-dom with the right credentials"
"${phpx[@]}" tests/admin/workload.php stats >"$tmp/cli-after.json" 2>>"$tmp/cli.err"
cmp -s "$tmp/cli.json" "$tmp/cli-after.json"
check $? "reading the page changed no counter (stats() before and after are equal)"
"$php" tests/admin/check.php page "$tmp/dom.html" "$tmp/raw.html" "$tmp/page.json" "$tmp/cli.json" "$ctr" >"$tmp/check.txt" 2>&1
check_rc=$?
count_lines "$tmp/check.txt" "$check_rc"

# ---- metrics: ?format=prometheus / openmetrics, bin/memrehash status --prometheus
# promtool (Debian's prometheus) lints the text format; the Prometheus
# project's Python parser (strict for OpenMetrics) reads both, and the values
# are compared with the CLI's allStats().
py=/usr/bin/python3 # Debian's, with python3-prometheus-client
# metrics_check LABEL MODE FILE: parses FILE, compares with cli.json, counts the lines.
metrics_check() {
	if "$py" tests/admin/metrics.py "$2" "$3" >"$tmp/samples.json" 2>"$tmp/parse.err"; then
		ok "$1: parses as $2"
		"$php" tests/admin/metrics.php "$tmp/samples.json" "$tmp/cli.json" "$1" >"$tmp/metrics-check.txt" 2>&1
		count_lines "$tmp/metrics-check.txt" $?
	else
		not_ok "$1: does not parse as $2: $(cat "$tmp/parse.err")"
	fi
}
# promtool_check LABEL FILE: promtool check metrics passes and reports no problem.
promtool_check() {
	local out
	out=$(promtool check metrics <"$2" 2>&1)
	local rc=$?
	[[ $rc -eq 0 && -z $out ]]
	check $? "$1: promtool check metrics passes (exit $rc${out:+: $out})"
}
code=$(status "$base?format=prometheus" -u "$user:$password")
cp "$tmp/body" "$tmp/page.prom"
[[ $code == 200 ]] && grep -qi '^Content-Type: text/plain; version=0.0.4' "$tmp/headers" && grep -q '^# TYPE memrehash_gets_total counter' "$tmp/page.prom"
check $? "?format=prometheus: 200, text/plain; version=0.0.4, with HELP/TYPE lines (got $code)"
promtool_check "?format=prometheus" "$tmp/page.prom"
metrics_check "?format=prometheus" text "$tmp/page.prom"
code=$(status "$base?format=openmetrics" -u "$user:$password")
cp "$tmp/body" "$tmp/page.om"
[[ $code == 200 ]] && grep -qi '^Content-Type: application/openmetrics-text; version=1.0.0' "$tmp/headers" && [[ $(tail -n 1 "$tmp/page.om") == '# EOF' ]]
check $? "?format=openmetrics: 200, application/openmetrics-text, ends with # EOF (got $code)"
metrics_check "?format=openmetrics" openmetrics "$tmp/page.om"
code=$(status "$base?format=prometheus" -u "$user:$password" -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5')
[[ $code == 200 ]] && grep -qi '^Content-Type: application/openmetrics-text' "$tmp/headers" && cmp -s "$tmp/body" "$tmp/page.om"
check $? "?format=prometheus with Prometheus's Accept header: the OpenMetrics text (got $code)"
code=$(status "$base?format=prometheus")
[[ $code == 401 ]] && ! grep -q memrehash_gets "$tmp/body"
check $? "?format=prometheus without credentials: 401 and no metrics (got $code)"
code=$(status "$base?format=prometheus" -u "$user:wrong")
[[ $code == 401 ]] && ! grep -q memrehash_gets "$tmp/body"
check $? "?format=prometheus with a wrong password: 401 and no metrics (got $code)"

"${phpx[@]}" bin/memrehash status --prometheus >"$tmp/cli.prom" 2>"$tmp/cli-prom.err"
rc=$?
[[ $rc -eq 0 ]] && cmp -s "$tmp/cli.prom" "$tmp/page.prom"
check $? "bin/memrehash status --prometheus: exit $rc, the same text as the page"
promtool_check "status --prometheus" "$tmp/cli.prom"
metrics_check "status --prometheus" text "$tmp/cli.prom"
"${phpx[@]}" bin/memrehash status --openmetrics >"$tmp/cli.om" 2>>"$tmp/cli-prom.err"
rc=$?
[[ $rc -eq 0 ]] && cmp -s "$tmp/cli.om" "$tmp/page.om"
check $? "bin/memrehash status --openmetrics: exit $rc, the same text as the page"
metrics_check "status --openmetrics" openmetrics "$tmp/cli.om"
"${phpx[@]}" bin/memrehash status --prometheus --json >/dev/null 2>"$tmp/cli-prom.err"
rc=$?
[[ $rc -eq 2 ]] && grep -q exclusive "$tmp/cli-prom.err"
check $? "status --prometheus --json: usage error, exit 2 (got $rc)"
MEMREHASH_ADMIN_PAGE=$tmp/nowhere.php "${phpx[@]}" bin/memrehash status --prometheus >/dev/null 2>"$tmp/cli-prom.err"
rc=$?
[[ $rc -eq 3 ]] && grep -q MEMREHASH_ADMIN_PAGE "$tmp/cli-prom.err"
check $? "status --prometheus with MEMREHASH_ADMIN_PAGE pointing nowhere: exit 3 naming the variable (got $rc)"
cp admin/memrehash.php "$tmp/admin-copy.php"
MEMREHASH_ADMIN_PAGE=$tmp/admin-copy.php "${phpx[@]}" bin/memrehash status --prometheus >"$tmp/cli2.prom" 2>/dev/null
cmp -s "$tmp/cli2.prom" "$tmp/page.prom"
check $? "status --prometheus with MEMREHASH_ADMIN_PAGE set: the page copy's renderer"

rm -f "$out/admin.png"
chrome "$tmp/shot.log" "http://$user:$password@127.0.0.1:$port/memrehash.php" \
	--screenshot="$out/admin.png" --window-size=1280,2000 --hide-scrollbars
[[ -s $out/admin.png && $(head -c 8 "$out/admin.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
check $? "screenshot tests/output/admin.png written ($(stat -c %s "$out/admin.png" 2>/dev/null || echo 0) bytes, PNG)"

# ---- complete this pool: POST with a CSRF token ---------------------------
pool='catalog & "prices"'
jar=$tmp/cookies
code=$(status "$base" -u "$user:$password" -c "$jar")
token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$tmp/body" | head -n 1 | sed 's/.*value="\([0-9a-f]*\)"/\1/')
[[ $code == 200 && ${#token} -eq 64 ]] && grep -q memrehash_csrf "$jar"
check $? "the page sets a CSRF cookie and puts a token in the form"

post() {
	status "$base" -u "$user:$password" --data-urlencode action=complete --data-urlencode "pool=$pool" "$@"
}
state() {
	"${phpx[@]}" -r '$a = MemRehash::allStats(); echo $a[$argv[1]]["state"] ?? "none";' -- "$pool"
}
code=$(post -b "$jar" --data-urlencode confirm=yes)
[[ $code == 403 && $(state) == migrating ]]
check $? "POST complete without a token: 403, pool still migrating (got $code)"
wrong=${token:0:63}$([[ ${token:63} == 0 ]] && echo 1 || echo 0) # differs in the last digit
code=$(post -b "$jar" --data-urlencode confirm=yes --data-urlencode "csrf=$wrong")
[[ $code == 403 && $(state) == migrating ]]
check $? "POST complete with a wrong token: 403 (got $code)"
code=$(post --data-urlencode confirm=yes --data-urlencode "csrf=$token")
[[ $code == 403 && $(state) == migrating ]]
check $? "POST complete with the token but without its cookie: 403 (got $code)"
code=$(status "$base" --data-urlencode action=complete --data-urlencode "pool=$pool" -b "$jar" \
	--data-urlencode confirm=yes --data-urlencode "csrf=$token")
[[ $code == 401 && $(state) == migrating ]]
check $? "POST complete without credentials: 401 (got $code)"
code=$(post -b "$jar" --data-urlencode confirm=yes --data-urlencode "csrf=$token" -H "Origin: http://evil.example")
[[ $code == 403 && $(state) == migrating ]]
check $? "POST complete from another Origin: 403 (got $code)"
code=$(post -b "$jar" --data-urlencode "csrf=$token")
[[ $code == 400 && $(state) == migrating ]]
check $? "POST complete without the confirmation box: 400 (got $code)"
code=$(post -b "$jar" --data-urlencode confirm=yes --data-urlencode "csrf=$token")
location=$(grep -i '^Location:' "$tmp/headers" | tr -d '\r')
[[ $code == 303 && $location == *"memrehash.php?completed=catalog%20%26%20%22prices%22"* ]]
check $? "POST complete with the token: 303 back to the page ($location)"
[[ $(state) == complete ]]
check $? "after the POST, stats() from a CLI says the pool is complete"
code=$(status "$base?format=json" -u "$user:$password")
"$php" tests/admin/check.php json-state "$tmp/body" "$pool" complete >"$tmp/check2.txt" 2>&1
check_rc=$?
count_lines "$tmp/check2.txt" "$check_rc"
"${phpx[@]}" -r '$a = MemRehash::allStats(); echo $a["<script>alert(1)</script>"]["state"];' | grep -qx migrating
check $? "the other pools stay migrating"
stop "$pid"

# ---- credentials from memrehash-admin.php beside the page -----------------
mkdir -p "$tmp/docroot"
cp admin/memrehash.php "$tmp/docroot/"
# credentials, and the first pool given by hand (as an app using ketama would have to)
"$php" -r 'require "tests/config.inc";
	$c = ["user" => "cfg-user", "password" => "cfg-pass", "pools" => ["<script>alert(1)</script>" =>
		["old" => mr_servers(2), "new" => mr_servers(2, 1), "options" => []]]];
	echo "<?php\nreturn ", var_export($c, true), ";\n";' >"$tmp/docroot/memrehash-admin.php"
port=$(free_port)
serve "$port" "$tmp/docroot"
wait_http "$port" || { not_ok "php -S started"; finish; }
code=$(status "http://127.0.0.1:$port/memrehash.php" -u cfg-user:cfg-pass)
[[ $code == 200 ]] && grep -q 'data-pool=' "$tmp/body"
check $? "credentials from memrehash-admin.php: 200 with the pools (got $code)"
code=$(status "http://127.0.0.1:$port/memrehash.php?format=json" -u cfg-user:cfg-pass)
"$php" -r '$j = json_decode(file_get_contents($argv[1]), true)["pools"]["<script>alert(1)</script>"] ?? null;
	exit($j && $j["pool_source"] === "memrehash-admin.php" && $j["fleet"]["total"]["gets"] === $j["stats"]["gets"] ? 0 : 1);' "$tmp/body"
check $? "a pool given in memrehash-admin.php: its fleet view is read through that configuration"
code=$(status "http://127.0.0.1:$port/memrehash.php" -u cfg-user:nope)
[[ $code == 401 ]]
check $? "credentials from memrehash-admin.php: a wrong password gets 401 (got $code)"
code=$(status "http://127.0.0.1:$port/memrehash-admin.php")
[[ ! -s $tmp/body ]]
check $? "memrehash-admin.php requested directly shows nothing (got $code, $(stat -c %s "$tmp/body") bytes)"
stop "$pid"

# ---- transitions (memrehash.transitions): listed with their pools' counters
# A CLI with the transition binds a plain \Memcached over the new list and
# reads 20 keys PECL wrote over the old list; the page, served by a PHP with
# the same transition and counters file, lists it: bound in the page's own
# process "no", and the pool's counters as the CLI reads them.
read -r tr_old tr_new < <("$php" -r 'require "tests/config.inc"; echo implode(",", mr_servers(3)), " ", implode(",", mr_servers(2)), "\n";')
serve_args=(-d "memrehash.transitions=\"new=$tr_new;old=$tr_old;name=adm-transition\"")
"${phpx[@]}" "${serve_args[@]}" -r '
	$split = fn ($l) => array_map(fn ($s) => [explode(":", $s)[0], (int) explode(":", $s)[1]], explode(",", $l));
	$w = new Memcached(); $w->addServers($split($argv[1]));           /* not the new list: PECL alone */
	for ($i = 0; $i < 20; $i++) { $w->set("adm-t-$i", "v$i"); }
	$m = new Memcached(); $m->addServers($split($argv[2]));           /* the new list: bound */
	$found = 0;
	for ($i = 0; $i < 20; $i++) { $found += $m->get("adm-t-$i") === "v$i"; }
	$s = MemRehash::allStats()["adm-transition"] ?? [];
	echo $found, " ", $s["gets"] ?? -1, " ", $s["migrated"] ?? -1, " ", $s["state"] ?? "none", "\n";' -- "$tr_old" "$tr_new" >"$tmp/tr-cli.txt" 2>&1
read -r tr_found tr_gets tr_migrated tr_state <"$tmp/tr-cli.txt"
[[ ${tr_found:-} == 20 && ${tr_gets:-0} -ge 20 && ${tr_migrated:-0} -ge 1 && ${tr_state:-} == migrating ]]
check $? "a CLI with the transition read all 20 keys through a bound \\Memcached ($(cat "$tmp/tr-cli.txt"))"
port=$(free_port)
serve "$port" admin MEMREHASH_ADMIN_USER=$user "MEMREHASH_ADMIN_PASSWORD=$password"
serve_args=()
wait_http "$port" || { not_ok "php -S started"; finish; }
chrome "$tmp/dom-tr.html" "http://$user:$password@127.0.0.1:$port/memrehash.php" --dump-dom
"$php" -r '
	$d = new DOMDocument(); @$d->loadHTML(file_get_contents($argv[1])); $x = new DOMXPath($d);
	$row = $x->query("//tr[@data-transition=\"adm-transition\"]")->item(0);
	if (!$row) { echo "no row\n"; exit(1); }
	$f = fn ($n) => trim($x->query(".//*[@data-field=\"$n\"]", $row)->item(0)?->textContent ?? "");
	$ok = $f("new") === str_replace(",", ", ", $argv[3]) && $f("old") === str_replace(",", ", ", $argv[4])
		&& str_starts_with($f("bound"), "no (0 objects now, 0 binds, 0 sessions opened; this page") && str_contains($f("bound"), "own process")
		&& $f("pool_gets") === $argv[2] && $f("pool_state") === "migrating" && $f("sessions") === "not used yet";
	echo $f("bound"), " | gets ", $f("pool_gets"), " | ", $f("pool_state"), " | ", $f("sessions"), "\n";
	exit($ok ? 0 : 1);' "$tmp/dom-tr.html" "$tr_gets" "$tr_new" "$tr_old" >"$tmp/tr-dom.txt" 2>&1
check $? "Chromium: the page lists the transition, its lists, bound in the page's own process 'no' (said so), its pool's $tr_gets gets and state as the CLI reads them, its sessions pool unused ($(cat "$tmp/tr-dom.txt"))"
code=$(status "http://127.0.0.1:$port/memrehash.php?format=prometheus" -u "$user:$password")
cp "$tmp/body" "$tmp/tr.prom"
[[ $code == 200 ]] && grep -q '^memrehash_transition_info{transition="adm-transition",pool="adm-transition",sessions_pool="adm-transition:sessions"} 1$' "$tmp/tr.prom"
check $? "?format=prometheus with a transition: memrehash_transition_info names it and its pools (got $code)"
promtool_check "?format=prometheus with a transition" "$tmp/tr.prom"
stop "$pid"
"${phpx[@]}" -d "memrehash.transitions=\"new=$tr_new;old=$tr_old;name=adm-transition\"" bin/memrehash status >"$tmp/tr-status.txt" 2>&1
grep -qx 'transition adm-transition' "$tmp/tr-status.txt" && grep -Eq "^  bound +no \(0 objects now, 0 binds, 0 sessions opened: this process" "$tmp/tr-status.txt" &&
	grep -Eq "^  pool +adm-transition: migrating, $tr_gets gets, [0-9]+ old hits, $tr_migrated moved$" "$tmp/tr-status.txt"
check $? "bin/memrehash status lists the transition, bound in its own process 'no', and its pool's counters ($(head -n 6 "$tmp/tr-status.txt" | tr '\n' '|'))"

finish
