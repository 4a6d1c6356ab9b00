<?php
use PHPUnit\Framework\Assert;

/**
 * A forked TCP proxy in front of one memcached server that holds back the
 * reply to any request carrying "mg slow" for a while: the window in which a
 * move (a get or a drain) has read the old location and not yet written the
 * new one, made long enough for a racing writer to act in it.
 *
 *     $proxy = HoldingProxy::start($upstream, 400);
 *     try { ... talk to $proxy->name ... } finally { $proxy->stop(); }
 *
 * Needs pcntl and posix (callers skip without pcntl).
 */
final class HoldingProxy
{
    private function __construct(
        public readonly int $pid,
        /** "127.0.0.1:port", where clients connect */
        public readonly string $name,
    ) {
    }

    /** Starts the proxy to $upstream ("host:port"), holding replies to "mg slow" requests for $holdMs. */
    public static function start(string $upstream, int $holdMs): self
    {
        $listener = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        Assert::assertNotFalse($listener, $errstr);
        $name = stream_socket_get_name($listener, false);
        $pid = pcntl_fork();
        Assert::assertNotSame(-1, $pid);
        if ($pid === 0) {
            self::serve($listener, $upstream, $holdMs / 1000);
            /* no PHP shutdown in the child: the parent's handles are not its own */
            mr_child_exit(0);
        }
        fclose($listener);
        return new self($pid, $name);
    }

    /** Kills the proxy and reaps it. */
    public function stop(): void
    {
        posix_kill($this->pid, SIGKILL);
        pcntl_waitpid($this->pid, $status);
    }

    /** The child's loop: relays both ways, each reply only once its connection's hold has passed. */
    private static function serve($listener, string $upstream, float $holdSeconds): void
    {
        $links = [];   // client socket id => ['client', 'upstream', 'until', 'pending']
        while (true) {
            $readable = [$listener];
            foreach ($links as $link) {
                $readable[] = $link['client'];
                $readable[] = $link['upstream'];
            }
            $none = $never = null;
            if (@stream_select($readable, $none, $never, 0, 5000) === false) {
                return;
            }
            foreach ($readable as $sock) {
                if ($sock === $listener) {
                    $client = @stream_socket_accept($listener, 0);
                    if ($client) {
                        $up = stream_socket_client("tcp://$upstream", $errno, $errstr, 2);
                        $links[(int)$client] = ['client' => $client, 'upstream' => $up, 'until' => 0.0, 'pending' => ''];
                    }
                    continue;
                }
                self::relay($links, $sock, $holdSeconds);
            }
            foreach ($links as $id => $link) {
                if ($link['pending'] !== '' && microtime(true) >= $link['until']) {
                    fwrite($link['client'], $link['pending']);
                    $links[$id]['pending'] = '';
                }
            }
        }
    }

    /** Moves what $sock has to say to the other end of its link (replies wait in 'pending'). */
    private static function relay(array &$links, $sock, float $holdSeconds): void
    {
        foreach ($links as $id => $link) {
            $fromClient = $sock === $link['client'];
            if (!$fromClient && $sock !== $link['upstream']) {
                continue;
            }
            $data = fread($sock, 65536);
            if ($data === '' || $data === false) {
                if (feof($sock)) {
                    fclose($link['client']);
                    fclose($link['upstream']);
                    unset($links[$id]);
                }
            } elseif ($fromClient) {
                if (strpos($data, 'mg slow') !== false) {
                    $links[$id]['until'] = microtime(true) + $holdSeconds;
                }
                fwrite($link['upstream'], $data);
            } else {
                $links[$id]['pending'] .= $data;
            }
            return;
        }
    }
}
