--TEST--
session handler error paths: each error reply of the new server named in the lock warning (out of memory, too large, server/client error, protocol error, timeout, connection failure, marked down); save paths with too many servers or too many for a consistent list; an empty part; ids reserved at the old list are never handed out; bad ids given to SessionHandler's write/destroy and to strict mode
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--INI--
session.save_handler=memrehash
session.use_cookies=0
session.cache_limiter=
memrehash.sess_lock_retries=0
memrehash.retry_interval=0
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/hostile_server.php';
ob_start(); // session_start() must come before any output is sent
mr_flush_all();
[$old, $new] = mr_servers(2);
$s = stream_socket_server('tcp://127.0.0.1:0');
$dead = stream_socket_get_name($s, false);
fclose($s);

/** Runs $f; returns its result and every warning it raised, the save path left out. */
function warned(callable $f): string
{
    $msgs = [];
    set_error_handler(function (int $no, string $msg) use (&$msgs) {
        $msgs[] = preg_replace(['/ \(path: [^)]*\)$/', '/"old=[^"]{60,}"/'], ['', '"(long)"'], $msg);
        return true;
    });
    try {
        $r = var_export($f(), true);
    } catch (Error $e) {
        $r = get_class($e) . ' ' . preg_replace('/ \(path: [^)]*\)$/', '', $e->getMessage());
    }
    restore_error_handler();
    return $r . ($msgs ? ': ' . implode(' | ', $msgs) : '');
}

function try_start(string $path, ?string $sid = 'errs0123456789abcdefghij'): void
{
    ini_set('session.save_path', $path);
    if ($sid !== null) {
        session_id($sid);
    }
    echo warned('session_start'), "\n";
    if (session_status() === PHP_SESSION_ACTIVE) {
        session_write_close();
    }
}

echo "-- the new server's error replies, as the lock warning names them\n";
$lines = [
    'SERVER_ERROR out of memory storing object',
    'SERVER_ERROR object too large for cache',
    'SERVER_ERROR busy',
    'CLIENT_ERROR bad data chunk',
    'CLIENT_ERROR cannot increment or decrement non-numeric value',
    'WAT',
];
foreach ($lines as $line) {
    $h = hostile_start('reply', 30, $line);
    echo "$line => ";
    try_start("old=$old;new={$h['addr']}");
    hostile_stop($h);
}
$h = hostile_start('hang', 30);
echo "hang => ";
$t = microtime(true);
try_start("old=$old;new={$h['addr']}");
echo "within 5 s: ", var_export(microtime(true) - $t < 5, true), "\n";
hostile_stop($h);
ini_set('memrehash.retry_interval', '30');
echo "refused => ";
try_start("old=$old;new=$dead");
echo "refused again => ";
try_start("old=$old;new=$dead");
ini_set('memrehash.retry_interval', '0');

echo "-- save paths\n";
try_start('old=' . implode(',', array_fill(0, 4097, '127.0.0.1:1')) . ";new=$new");
try_start('old=' . implode(',', array_map(fn($i) => "127.0.0.1:" . (30000 + $i), range(1, 101))) . ";new=$new");
// an empty part between the lists is no part
ini_set('session.save_path', "old=$old;;new=$new");
session_id('errsempty0123456789abcdefg');
var_dump(session_start());
$_SESSION['n'] = 7;
var_dump(session_write_close());
$peer = mr_peer([$new]);
$peer->setOption(Memcached::OPT_PREFIX_KEY, 'memc.sess.key.');
var_dump($peer->get('errsempty0123456789abcdefg'));

echo "-- ids the old list holds are never handed out\n";
// the old server answers every lookup with a hit: each new id is taken back at N
$h = hostile_start('reply', 30, 'HD O%O');
$fresh = mr_servers(1, 2)[0];
ini_set('session.save_path', "old={$h['addr']};new=$fresh");
session_id('');
$before = array_values(mr_peer([$fresh])->getStats())[0];
echo warned('session_start'), "\n";
$st = array_values(mr_peer([$fresh])->getStats())[0];
echo "reservations left at the new server: ", $st['curr_items'], ", made and taken back: ",
    $st['cmd_set'] - $before['cmd_set'], ' and ', $st['delete_hits'] - $before['delete_hits'], "\n";
hostile_stop($h);

echo "-- strict mode: an id too long for a key is not valid, a new one is made\n";
ini_set('session.use_strict_mode', '1');
$long = str_repeat('S', 240);
session_id($long);
echo warned('session_start'), "\n";
var_dump(session_id() !== $long, strlen(session_id()) < 100);
session_write_close();
echo "-- through SessionHandler\n";
class Handler extends SessionHandler
{
    public string $path = '';
    public ?string $sid = null;
    public function open(string $path, string $name): bool
    {
        $r = parent::open($this->path, $name);
        return $this->path === 'nonsense' ? true : $r; // go on to create_sid and read
    }
    public function create_sid(): string
    {
        return $this->sid = parent::create_sid();
    }
    public function write(string $id, string $data): bool
    {
        $long = str_repeat('L', 240);
        echo "write of a too long id: ", warned(fn() => parent::write($long, 'x|i:1;')), "\n";
        echo "destroy of an id with a space: ", warned(fn() => parent::destroy('a b')), "\n";
        return parent::write($id, $data);
    }
}
$hd = new Handler();
$hd->path = 'nonsense';
session_set_save_handler($hd, false);
session_id('');
echo warned('session_start'), "\n";
// the module never opened: the id came from PHP's generator alone
echo "an id without an open module: ", var_export(strlen((string)$hd->sid) === (int)ini_get('session.sid_length'), true), "\n";
$hd->path = "old=$old;new=$new";
session_id('errshandler0123456789abcd');
var_dump(session_start());
$_SESSION['h'] = 'yes';
var_dump(session_write_close());
var_dump($peer->get('errshandler0123456789abcd'));

?>
--EXPECT--
-- the new server's error replies, as the lock warning names them
SERVER_ERROR out of memory storing object => false: session_start(): Failed to write session lock: server out of memory | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
SERVER_ERROR object too large for cache => false: session_start(): Failed to write session lock: item too large | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
SERVER_ERROR busy => false: session_start(): Failed to write session lock: server error | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
CLIENT_ERROR bad data chunk => false: session_start(): Failed to write session lock: client error | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
CLIENT_ERROR cannot increment or decrement non-numeric value => false: session_start(): Failed to write session lock: failure | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
WAT => false: session_start(): Failed to write session lock: protocol error | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
hang => false: session_start(): Failed to write session lock: timed out | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
within 5 s: true
refused => false: session_start(): Failed to write session lock: connection failure | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
refused again => false: session_start(): Failed to write session lock: server marked down after a recent failure | session_start(): Unable to clear session lock record | session_start(): Failed to read session data: memrehash
-- save paths
false: session_start(): Invalid session.save_path "(long)" for the memrehash save handler: the old= list has 4097 servers, at most 4096 are supported; expected "old=host:port[,host:port...];new=host:port[,host:port...]" | session_start(): Failed to initialize storage module: memrehash
false: session_start(): Cannot place session keys: a consistent (ketama) list has 101 servers, at most 100 are supported (libmemcached's continuum); use modula for more | session_start(): Failed to initialize storage module: memrehash
bool(true)
bool(true)
string(6) "n|i:7;"
-- ids the old list holds are never handed out
Error Failed to create session ID: memrehash
reservations left at the new server: 0, made and taken back: 3 and 3
-- strict mode: an id too long for a key is not valid, a new one is made
true: session_start(): The session id is too long or contains illegal characters
bool(true)
bool(true)
-- through SessionHandler
false: SessionHandler::open(): Invalid session.save_path "nonsense" for the memrehash save handler: it names no old= and new= lists; expected "old=host:port[,host:port...];new=host:port[,host:port...]" | SessionHandler::read(): Parent session handler is not open | SessionHandler::close(): Parent session handler is not open | session_start(): Failed to read session data: user
an id without an open module: true
bool(true)
write of a too long id: false: SessionHandler::write(): The session id is too long or contains illegal characters
destroy of an id with a space: false: SessionHandler::destroy(): The session id is too long or contains illegal characters
bool(true)
string(12) "h|s:3:"yes";"