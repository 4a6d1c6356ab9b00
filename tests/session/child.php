<?php
/* A child PHP process of the session tests: it plays one web request (or
 * many) with whatever session.save_handler / save_path the parent passed
 * with -d. Reads its work as JSON on stdin, writes results on stdout.
 *
 *   put   {"sessions": {sid: data, ...}}       start, set $_SESSION = data, close
 *   get   {"sids": [...], "bump": [...]}       start, report $_SESSION, n++ for sids in bump, close
 *   hold  {"sid": s, "hold": seconds[, "until_file": path]}
 *                                              one request that keeps the lock a while
 *                                              (first until until_file exists, if given, then hold s):
 *         prints "START t", "LOCKED t", "RELEASING t", "DONE t" (microtime) and "DATA json"
 *
 * get prints {"sessions": {...}, "stats": {...}} where stats are the
 * memrehash session pool's counters when memrehash is the handler. */

$mode = $argv[1] ?? '';
$in = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);

function start_session(string $sid): void
{
    session_id($sid);
    if (!session_start()) {
        fwrite(STDERR, "session_start failed for $sid\n");
        exit(3);
    }
}

function pool_stats(): array
{
    if (!class_exists('MemRehash', false)) {
        return [];
    }
    foreach (MemRehash::allStats() as $name => $s) {
        if (str_starts_with($name, 'sessions:')) {
            return $s;
        }
    }
    return [];
}

switch ($mode) {
    case 'put':
        foreach ($in['sessions'] as $sid => $data) {
            start_session((string)$sid);
            $_SESSION = $data;
            session_write_close();
        }
        echo json_encode(['written' => count($in['sessions'])]), "\n";
        break;

    case 'get':
        $bump = array_flip($in['bump'] ?? []);
        $out = [];
        foreach ($in['sids'] as $sid) {
            start_session($sid);
            $out[$sid] = $_SESSION;
            if (isset($bump[$sid])) {
                $_SESSION['n']++;
            }
            session_write_close();
        }
        echo json_encode(['sessions' => $out, 'stats' => pool_stats()]), "\n";
        break;

    case 'hold':
        echo 'START ', microtime(true), "\n";
        start_session($in['sid']);
        echo 'LOCKED ', microtime(true), "\n";
        if (isset($in['until_file'])) {
            /* the test creates it once the second request has started */
            for ($deadline = microtime(true) + 60; !file_exists($in['until_file']) && microtime(true) < $deadline;) {
                usleep(10000);
            }
        }
        usleep((int)($in['hold'] * 1e6));
        $_SESSION['count'] = ($_SESSION['count'] ?? 0) + 1;
        $_SESSION['by'][] = ini_get('session.save_handler');
        echo 'RELEASING ', microtime(true), "\n";
        session_write_close();
        echo 'DONE ', microtime(true), "\n";
        echo 'DATA ', json_encode($_SESSION), "\n";
        break;

    default:
        fwrite(STDERR, "usage: child.php put|get|hold < json\n");
        exit(2);
}
