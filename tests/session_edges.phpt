--TEST--
session handler edges: PECL's "host:port weight" and "host:port:weight" forms, a server entry too long, a session id too long for a key, session_reset, session_gc, a long list's pool name, a too-long sess_prefix
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--INI--
session.save_handler=memrehash
session.use_cookies=0
session.cache_limiter=
--FILE--
<?php
require __DIR__ . '/config.inc';
ob_start();
mr_flush_all();
[$a, $b, $c] = mr_servers(3);

echo "-- weights in both PECL forms, a list of many entries (its pool name is hashed)\n";
$many = implode(',', array_fill(0, 12, $c));
ini_set('session.save_path', "old=$a 3,$b:2;new=$many");
session_id('sessedge0123456789abcdefgh');
var_dump(session_start());
$_SESSION['x'] = 1;
var_dump(session_write_close());
$names = array_keys(MemRehash::allStats());
echo "a hashed pool name: ", var_export((bool)preg_grep('/^sessions:~[0-9a-f]{16}$/', $names), true), "\n";
var_dump(mr_peer([$c])->get('memc.sess.key.sessedge0123456789abcdefgh'));

echo "-- a trailing blank (taken), two words as a weight, an entry too long\n";
foreach (["old=$a ;new=$b", "old=$a  x y;new=$b", 'old=' . str_repeat('h', 300) . ";new=$b"] as $path) {
    ini_set('session.save_path', $path);
    session_id('sessedge3123456789abcdefgh');
    $r = session_start();
    var_dump($r);
    if ($r) {
        session_write_close();
    }
}

echo "-- a session id too long for a memcached key\n";
ini_set('session.save_path', "old=$a;new=$b");
session_id(str_repeat('a', 240));
var_dump(session_start());
var_dump(session_status() === PHP_SESSION_ACTIVE);

echo "-- session_reset and session_gc\n";
session_id('sessedge1123456789abcdefgh');
var_dump(session_start());
$_SESSION['y'] = 2;
var_dump(session_reset(), $_SESSION);
var_dump(session_gc()); /* false, as with PECL memcached's handler: memcached expires sessions itself */
session_write_close();

echo "-- a sess_prefix too long\n";
ini_set('memrehash.sess_prefix', str_repeat('p', 200));
session_id('sessedge2123456789abcdefgh');
var_dump(session_start());
?>
--EXPECTF--
-- weights in both PECL forms, a list of many entries (its pool name is hashed)
bool(true)
bool(true)
a hashed pool name: true
string(6) "x|i:1;"
-- a trailing blank (taken), two words as a weight, an entry too long
bool(true)

Warning: session_start(): Invalid session.save_path "old=%s  x y;new=%s" for the memrehash save handler: server "%s  x y" is not "host:port[:weight]"; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=%s  x y;new=%s) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "old=hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh;new=%s" for the memrehash save handler: server "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh..." is too long; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh;new=%s) in %s on line %d
bool(false)
-- a session id too long for a memcached key

Warning: session_start(): The session id is too long or contains illegal characters in %s on line %d

Warning: session_start(): Failed to read session data: memrehash (path: old=%s;new=%s) in %s on line %d
bool(false)
bool(false)
-- session_reset and session_gc
bool(true)
bool(true)
array(0) {
}
bool(false)
-- a sess_prefix too long

Warning: session_start(): memrehash.sess_prefix must be shorter than 128 bytes, without whitespace or control characters in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=%s;new=%s) in %s on line %d
bool(false)
