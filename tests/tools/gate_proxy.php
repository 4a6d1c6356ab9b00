<?php
/**
 * A gate: a forked TCP proxy in front of one memcached server that runs a
 * hook (in the proxy process) before it forwards the first request matching
 * a pattern. A race between a move and a writer is then played in one fixed
 * order, with no sleeps: the move's request waits at the gate while the hook
 * (the "other process") writes, and goes on once the hook has returned.
 *
 *     $g = gate_start('127.0.0.1:22071', ['/^ms key1 /m' => function () { ... }]);
 *     ... a MemRehash whose server list names $g['addr'] ...
 *     gate_stop($g);            // kills and reaps the proxy; returns its hook log
 *
 * A hook runs once, on the first chunk of client bytes that matches its
 * pattern (meta requests of one batch arrive in one write). What a hook
 * prints goes to the gate's log file, which gate_stop returns, so a test can
 * show that the hook ran. Needs pcntl and posix.
 */

/** Starts a gate in front of $upstream ("host:port"); returns ['pid', 'addr', 'log']. */
function gate_start(string $upstream, array $hooks): array
{
    $listener = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
    if ($listener === false) {
        throw new RuntimeException("gate: cannot listen: $errstr");
    }
    $addr = stream_socket_get_name($listener, false);
    $log = tempnam(sys_get_temp_dir(), 'mr-gate');
    $pid = pcntl_fork();
    if ($pid === -1) {
        throw new RuntimeException('gate: fork failed');
    }
    if ($pid === 0) {
        gate_serve($listener, $upstream, $hooks, $log);
        /* no PHP shutdown in the child: the parent's handles are not its own */
        mr_child_exit(0);
    }
    fclose($listener);
    return ['pid' => $pid, 'addr' => $addr, 'log' => $log];
}

/** Stops the gate; returns what its hooks printed. */
function gate_stop(array $g): string
{
    posix_kill($g['pid'], SIGKILL);
    pcntl_waitpid($g['pid'], $status);
    $out = (string)@file_get_contents($g['log']);
    @unlink($g['log']);
    return $out;
}

/** The child's loop: relays both ways; runs each hook before the first chunk it matches. */
function gate_serve($listener, string $upstream, array $hooks, string $log): void
{
    $links = [];
    $fired = [];
    while (true) {
        $readable = [$listener];
        foreach ($links as $l) {
            $readable[] = $l[0];
            $readable[] = $l[1];
        }
        $w = $e = null;
        if (@stream_select($readable, $w, $e, 1) === false) {
            return;
        }
        foreach ($readable as $s) {
            if ($s === $listener) {
                $c = @stream_socket_accept($listener, 0);
                $u = $c ? @stream_socket_client("tcp://$upstream", $errno, $errstr, 2) : false;
                if ($c && $u) {
                    $links[(int)$c] = [$c, $u];
                } elseif ($c) {
                    fclose($c);
                }
                continue;
            }
            foreach ($links as $id => [$c, $u]) {
                if ($s !== $c && $s !== $u) {
                    continue;
                }
                $data = @fread($s, 65536);
                if ($data === false || $data === '') {
                    fclose($c);
                    fclose($u);
                    unset($links[$id]);
                    break;
                }
                if ($s === $c) {
                    foreach ($hooks as $pattern => $hook) {
                        if (empty($fired[$pattern]) && preg_match($pattern, $data)) {
                            $fired[$pattern] = true;
                            ob_start();
                            $hook();
                            file_put_contents($log, ob_get_clean(), FILE_APPEND);
                        }
                    }
                }
                fwrite($s === $c ? $u : $c, $data);
                break;
            }
        }
    }
}
