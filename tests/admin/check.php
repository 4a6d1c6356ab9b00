<?php
/* Helper of tests/suites/admin.sh: compares what the admin page showed with
 * what the extension says. Prints one "ok - ..." or "not ok - ..." line per
 * check; the suite counts them.
 *
 *   php check.php page DOM_FILE RAW_HTML_FILE JSON_FILE CLI_STATS_FILE COUNTERS_FILE
 *       DOM_FILE: Chromium's --dump-dom of the page; RAW_HTML_FILE: the bytes
 *       the server sent; JSON_FILE: ?format=json; CLI_STATS_FILE: allStats()
 *       from a CLI with the same counters file.
 *   php check.php json-state JSON_FILE POOL STATE
 *       the JSON view says POOL is in STATE. */

const COUNTERS = ['gets', 'new_hits', 'old_lookups', 'old_hits', 'migrated', 'raced', 'move_failed', 'misses',
    'sets', 'deletes', 'drained', 'bytes_moved', 'errors', 'sessions_moved', 'sessions_new', 'sessions_missed'];

function check(bool $ok, string $what, string $detail = ''): void
{
    echo $ok ? 'ok' : 'not ok', ' - ', $what, !$ok && $detail !== '' ? "\n    $detail" : '', "\n";
}

/** Returns the expected progress figures for a stats() row, computed here
 * from the definition in admin/README.md, not taken from the page. */
function expected_progress(array $s): array
{
    $r = (float)$s['old_hit_rate'];
    $cb = (float)$s['complete_below'];
    if ($s['state'] === 'complete') {
        $p = 1.0;
    } elseif ($s['window_seen'] == 0) {
        $p = 0.0;
    } elseif ($cb >= 1.0) {
        $p = 1.0;
    } else {
        $p = max(0.0, min(1.0, (1 - $r) / (1 - $cb)));
    }
    $new = $s['gets'] > 0 ? $s['new_hits'] / $s['gets'] : 0.0;
    return [sprintf('%.1f%%', $p * 100), sprintf('%.1f%%', $new * 100), sprintf('%.1f%%', $r * 100)];
}

/** Returns the JSON file decoded, or null. */
function load_json(string $f): ?array
{
    $j = json_decode((string)@file_get_contents($f), true);
    return is_array($j) ? $j : null;
}

/** Returns the text of the element with data-field=$field inside $ctx, or null. */
/** Returns one figure of memcached's own `stats` on $server ("host:port"), or null. */
function server_stat(string $server, string $name): ?int
{
    $fp = @stream_socket_client("tcp://$server", $errno, $errstr, 2);
    if (!$fp) {
        return null;
    }
    stream_set_timeout($fp, 2);
    fwrite($fp, "stats\r\n");
    $value = null;
    while (($line = fgets($fp)) !== false && rtrim($line) !== 'END') {
        if (preg_match('/^STAT ' . preg_quote($name, '/') . ' (\d+)/', $line, $m)) {
            $value = (int)$m[1];
        }
    }
    fclose($fp);
    return $value;
}

function field(DOMXPath $x, DOMNode $ctx, string $field): ?DOMElement
{
    $n = $x->query('.//*[@data-field="' . $field . '"]', $ctx);
    return $n->length ? $n->item(0) : null;
}

function page(array $argv): void
{
    [, , $domf, $rawf, $jsonf, $clif, $ctrf] = $argv;
    $dom_html = (string)@file_get_contents($domf);
    $raw = (string)@file_get_contents($rawf);
    $json = load_json($jsonf);
    $cli = load_json($clif);
    if ($cli === null || count($cli) < 3) {
        check(false, 'CLI stats() of the workload are readable', "file $clif");
        return;
    }
    $doc = new DOMDocument();
    $ok = $dom_html !== '' && @$doc->loadHTML('<?xml encoding="UTF-8">' . $dom_html, LIBXML_NONET);
    check((bool)$ok, 'Chromium dumped a DOM', 'empty or unparsable --dump-dom output');
    if (!$ok) {
        return;
    }
    $x = new DOMXPath($doc);

    /* pools by name */
    $sections = [];
    foreach ($x->query('//section[@data-pool]') as $sec) {
        $name = $sec->getAttribute('data-pool');
        $shown = field($x, $sec, 'name');
        $sections[$name] = $sec;
        if ($shown === null || $shown->textContent !== $name) {
            check(false, "pool heading of $name", 'heading text: ' . ($shown ? $shown->textContent : 'none'));
        }
    }
    $want = array_keys($cli);
    sort($want);
    $got = array_keys($sections);
    sort($got);
    check($want === $got, 'the DOM shows every pool by name (' . count($want) . ')',
        'DOM: ' . json_encode($got) . ' CLI: ' . json_encode($want));

    /* escaping: the raw bytes and the live DOM */
    $xss = '<script>alert(1)</script>';
    check(str_contains($raw, '&lt;script&gt;alert(1)&lt;/script&gt;') && stripos($raw, '<script') === false,
        'the served HTML carries the pool name escaped (&lt;script&gt;) and no <script tag');
    check($doc->getElementsByTagName('script')->length === 0 && str_contains($dom_html, '&lt;script&gt;alert(1)&lt;/script&gt;')
        && isset($sections[$xss]) && field($x, $sections[$xss], 'name')?->textContent === $xss,
        'the DOM has no script element and shows <script>alert(1)</script> as text');

    /* counters, progress, servers, fleet per pool */
    foreach ($cli as $name => $s) {
        $sec = $sections[$name] ?? null;
        if ($sec === null) {
            check(false, "counters of pool $name", 'pool not in the DOM');
            continue;
        }
        $bad = [];
        foreach (COUNTERS as $f) {
            $el = field($x, $sec, $f);
            $text = $el ? str_replace(',', '', trim($el->textContent)) : null;
            if ($el === null || $text !== (string)$s[$f] || $el->getAttribute('data-value') !== (string)$s[$f]) {
                $bad[] = "$f: page " . var_export($text, true) . ", stats() $s[$f]";
            }
        }
        check(!$bad && $s['gets'] > 0, "pool $name: all " . count(COUNTERS) . " counters equal stats() from the CLI (gets $s[gets])",
            implode('; ', $bad));

        [$cut, $served, $rate] = expected_progress($s);
        $el_cut = field($x, $sec, 'cutover_progress');
        $el_new = field($x, $sec, 'served_by_new');
        $el_state = field($x, $sec, 'state');
        check($el_cut && trim($el_cut->textContent) === $cut && $el_new && trim($el_new->textContent) === $served
            && $el_state && trim($el_state->textContent) === $s['state'],
            "pool $name: state $s[state], progress $cut toward cut-over, $served served by new",
            'page: ' . ($el_cut ? $el_cut->textContent : '-') . ' / ' . ($el_new ? $el_new->textContent : '-'));
        if ($s['state'] === 'migrating') {
            $el_rate = field($x, $sec, 'old_hit_rate');
            check($el_rate && trim($el_rate->textContent) === $rate, "pool $name: old-hit rate $rate",
                'page: ' . ($el_rate ? $el_rate->textContent : '-'));
        }

        /* per-server rows: every server of the pool, memcached asked */
        $rows_ok = true;
        $detail = [];
        foreach ($s['servers'] as $server => $row) {
            $tr = $x->query('.//tr[@data-server="' . $server . '"]', $sec);
            $reach = $tr->length ? field($x, $tr->item(0), 'reachable') : null;
            $expect_up = !str_ends_with($server, ':' . getenv('MR_DEAD_PORT'));
            if (!$reach || trim($reach->textContent) !== ($expect_up ? 'yes' : 'no')) {
                $rows_ok = false;
                $detail[] = "$server: " . ($reach ? $reach->textContent : 'no row');
            }
            $shown = $tr->length ? trim((string)field($x, $tr->item(0), 'curr_items')?->textContent) : '';
            if ($expect_up && !preg_match('/^[\d,]+$/', $shown)) {
                $rows_ok = false;
                $detail[] = "$server: no item count";
            } elseif ($expect_up) {
                /* the server's own count, asked here: the page's may differ
                 * only by the few reserved keys (fleet counters, markers)
                 * that housekeeping wrote since */
                $own = server_stat($server, 'curr_items');
                if ($own === null || abs((int)str_replace(',', '', $shown) - $own) > 4) {
                    $rows_ok = false;
                    $detail[] = "$server: page shows $shown items, the server's stats say " . var_export($own, true);
                }
            }
        }
        check($rows_ok, "pool $name: a row per server with memcached's stats (reachable yes/no as expected)", implode('; ', $detail));
    }

    /* trend graph: inline SVG with lines */
    $svg = $x->query('//section[@data-pool]//*[local-name()="svg"]//*[local-name()="polyline"]');
    check($svg->length >= 3, 'an inline SVG trend graph with lines', "polylines: {$svg->length}");

    /* fleet: this host and a total equal to it */
    $xsec = $sections[$xss] ?? null;
    $total = $xsec ? $x->query('.//tr[@data-host="total"]/td', $xsec) : null;
    $hosts = $xsec ? $x->query('.//tr[@data-host and @data-host!="total"]', $xsec) : null;
    check($total && $total->length >= 4 && $hosts->length === 1
        && str_replace(',', '', $total->item(3)->textContent) === (string)$cli[$xss]['gets'],
        'fleet view: one host, total gets equal the pool\'s gets');

    /* INI table */
    $ini = $x->query('//table[contains(@class,"ini")]//tr[td/code="memrehash.counters_file"]/td[2]');
    check($ini->length === 1 && $ini->item(0)->textContent === $ctrf, 'INI table shows memrehash.counters_file',
        $ini->length ? $ini->item(0)->textContent : 'no row');

    /* the JSON view */
    if ($json === null || !isset($json['pools']) || !is_array($json['pools'])) {
        check(false, '?format=json parses and lists pools');
        return;
    }
    $jk = array_keys($json['pools']);
    sort($jk);
    check($jk === $want && isset($json['ini']['memrehash.counters_file']), '?format=json parses, lists the same pools and the INI settings');
    $bad = [];
    foreach ($cli as $name => $s) {
        $j = $json['pools'][$name] ?? null;
        foreach (COUNTERS as $f) {
            if (($j['stats'][$f] ?? null) !== $s[$f]) {
                $bad[] = "$name.$f";
            }
        }
        [$cut, $served] = expected_progress($s);
        if (!isset($j['progress']) || sprintf('%.1f%%', $j['progress']['cutover'] * 100) !== $cut
            || sprintf('%.1f%%', $j['progress']['served_by_new'] * 100) !== $served) {
            $bad[] = "$name.progress";
        }
        if (array_keys($j['servers'] ?? []) !== array_keys($s['servers'])) {
            $bad[] = "$name.servers";
        }
    }
    check(!$bad, '?format=json: counters and progress of every pool match stats() and the page', implode(', ', $bad));
}

$mode = $argv[1] ?? '';
if ($mode === 'page' && count($argv) === 7) {
    page($argv);
} elseif ($mode === 'json-state' && count($argv) === 5) {
    $j = load_json($argv[2]);
    check(($j['pools'][$argv[3]]['stats']['state'] ?? null) === $argv[4], "?format=json shows pool {$argv[3]} $argv[4]");
} else {
    fwrite(STDERR, "usage: see the head of this file\n");
    exit(2);
}
