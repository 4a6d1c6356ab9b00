--TEST--
servers on unix sockets: a memcached listening on a socket path works as old and as new server (a move from a TCP server to the socket and back, read by PECL over the socket); a socket path nobody listens on, and one too long for sockaddr_un, fail with RES_CONNECTION_FAILURE, as does a host name that does not resolve
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
$sock = sys_get_temp_dir() . '/mr-unix-' . getmypid() . '.sock';
$bin = getenv('MR_MEMCACHED') ?: 'memcached';
$cmd = [$bin, '-s', $sock, '-U', '0', '-m', '8'];
if (function_exists('posix_getuid') && posix_getuid() === 0) {
    $cmd = array_merge($cmd, ['-u', 'root']);
}
$proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
for ($i = 0; $i < 100 && !file_exists($sock); $i++) {
    usleep(20000);
}
$tcp = mr_servers(1)[0];
$peer_sock = new Memcached();
$peer_sock->addServer($sock, 0);

// TCP (old) -> socket (new): a read moves the key onto the socket's server
mr_peer([$tcp])->set('u1', 'from tcp');
$m = new MemRehash([$tcp], [$sock], ['name' => 'unix-' . getmypid()]);
var_dump($m->locate('u1')['new'] === $sock, $m->get('u1'), $peer_sock->get('u1'), mr_peer([$tcp])->get('u1'));
// socket (old) -> TCP (new)
$back = new MemRehash([$sock], [$tcp], ['name' => 'unix-back-' . getmypid()]);
var_dump($back->get('u1'), mr_peer([$tcp])->get('u1'), $peer_sock->get('u1'));

// nobody listens there; a path longer than sockaddr_un holds
foreach (['/tmp/mr-nobody-' . getmypid() . '.sock', '/tmp/' . str_repeat('s', 120) . '.sock', 'no-such-host.invalid:11211'] as $path) {
    $x = new MemRehash([$path], [$path], ['name' => 'unix-none-' . strlen($path) . '-' . getmypid(), 'retry_interval' => 0]);
    var_dump($x->set('k', 'v'), $x->getResultCode() === MemRehash::RES_CONNECTION_FAILURE);
}
proc_terminate($proc);
proc_close($proc);
@unlink($sock);
?>
--EXPECT--
bool(true)
string(8) "from tcp"
string(8) "from tcp"
bool(false)
string(8) "from tcp"
string(8) "from tcp"
bool(false)
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(true)
