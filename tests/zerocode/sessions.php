<?php
/* An unmodified app's sessions for the zerocode suite: PECL memcached's own
 * session handler over the one server list the app knows; nothing of
 * memrehash.
 *   php sessions.php write SERVERS N        logs N users in (ids zcsess0..)
 *   php sessions.php read SERVERS FROM N    each user's next request: prints
 *       "sessions N loggedin L wrong W visits V" (L: the session still names
 *       its user; V: the visits its sessions had counted before this one)
 *   php sessions.php hold SERVERS SID MS    one request holding SID's session
 *       MS milliseconds; prints "start T end T" (microtime) and the count of
 *       holds the session had seen
 *   php sessions.php count SERVERS SID      prints SID's holds count
 * SERVERS: host:port,host:port (session.save_path as PECL takes it). */
$mode = $argv[1];
$servers = $argv[2];
ini_set('session.save_handler', 'memcached');
ini_set('session.save_path', $servers);
ini_set('session.use_cookies', '0');
ini_set('session.use_strict_mode', '0');
ini_set('session.cache_limiter', '');
ini_set('session.gc_maxlifetime', '3600');

/** Starts sid's session; returns session_start()'s result. */
function open_session(string $sid): bool
{
    session_id($sid);
    return @session_start();
}

switch ($mode) {
    case 'write':
        for ($i = 0; $i < (int) $argv[3]; $i++) {
            open_session("zcsess$i");
            $_SESSION = ['user' => "user$i", 'cart' => str_repeat('x', $i % 50), 'visits' => 1];
            session_write_close();
        }
        echo "wrote ", (int) $argv[3], "\n";
        break;
    case 'read':
        $from = (int) $argv[3];
        $n = (int) $argv[4];
        $in = $wrong = $visits = 0;
        for ($i = $from; $i < $from + $n; $i++) {
            if (!open_session("zcsess$i")) {
                $wrong++;
                continue;
            }
            if (($_SESSION['user'] ?? null) === "user$i" && ($_SESSION['cart'] ?? null) === str_repeat('x', $i % 50)) {
                $in++;
                $visits += $_SESSION['visits'];
                $_SESSION['visits']++;
            } elseif (isset($_SESSION['user'])) {
                $wrong++;
            }
            session_write_close();
        }
        echo "sessions $n loggedin $in wrong $wrong visits $visits\n";
        break;
    case 'hold':
        $start = microtime(true);
        $ok = open_session($argv[3]);
        $got = microtime(true);
        usleep((int) $argv[4] * 1000);
        $_SESSION['holds'] = ($_SESSION['holds'] ?? 0) + 1;
        session_write_close(); /* the lock goes with the close */
        $end = microtime(true);
        printf("start %.6f end %.6f waited %.3f ok %d\n", $got, $end, $got - $start, $ok);
        break;
    case 'count':
        open_session($argv[3]);
        echo "holds ", $_SESSION['holds'] ?? 0, " user ", $_SESSION['user'] ?? '-', "\n";
        session_write_close();
        break;
}
