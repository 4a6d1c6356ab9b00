--TEST--
session.save_path: bad syntax is a clear warning and session_start() fails, touching no server
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--INI--
session.save_handler=memrehash
session.use_cookies=0
session.cache_limiter=
--FILE--
<?php
ob_start(); /* warnings are output: keep headers unsent so ini_set() still works */
foreach ([
    '',
    '127.0.0.1:21201,127.0.0.1:21202',          /* a PECL list: which side is it? */
    'old=127.0.0.1:21201',
    'old=127.0.0.1:21201;new=',
    'old=127.0.0.1:21201;new=127.0.0.1:99999',
    'old=127.0.0.1:21201,,127.0.0.1:21202;new=127.0.0.1:21203',
    'old=127.0.0.1:21201;new=127.0.0.1:21202;old=127.0.0.1:21203',
    'olde=127.0.0.1:21201;new=127.0.0.1:21202',
    'old=127.0.0.1:21201;new=127.0.0.1:21202 x y',
] as $path) {
    ini_set('session.save_path', $path);
    var_dump(session_start());
}
/* a good path with a prefix memcached cannot take */
ini_set('session.save_path', 'old=127.0.0.1:1;new=127.0.0.1:2');
ini_set('memrehash.sess_prefix', 'bad prefix.');
var_dump(session_start());
?>
--EXPECTF--
Warning: session_start(): Invalid session.save_path "" for the memrehash save handler: it is empty; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: ) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "127.0.0.1:21201,127.0.0.1:21202" for the memrehash save handler: it names no old= and new= lists; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: 127.0.0.1:21201,127.0.0.1:21202) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "old=127.0.0.1:21201" for the memrehash save handler: the new= list is missing; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=127.0.0.1:21201) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "old=127.0.0.1:21201;new=" for the memrehash save handler: the new= list is empty; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=127.0.0.1:21201;new=) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "old=127.0.0.1:21201;new=127.0.0.1:99999" for the memrehash save handler: server "127.0.0.1:99999": port 99999 is out of range (1..65535); expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=127.0.0.1:21201;new=127.0.0.1:99999) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "old=127.0.0.1:21201,,127.0.0.1:21202;new=127.0.0.1:21203" for the memrehash save handler: the old= list has an empty entry; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=127.0.0.1:21201,,127.0.0.1:21202;new=127.0.0.1:21203) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "old=127.0.0.1:21201;new=127.0.0.1:21202;old=127.0.0.1:21203" for the memrehash save handler: old= is given twice; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=127.0.0.1:21201;new=127.0.0.1:21202;old=127.0.0.1:21203) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "olde=127.0.0.1:21201;new=127.0.0.1:21202" for the memrehash save handler: "olde=127.0.0.1:21201" is neither old=... nor new=...; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: olde=127.0.0.1:21201;new=127.0.0.1:21202) in %s on line %d
bool(false)

Warning: session_start(): Invalid session.save_path "old=127.0.0.1:21201;new=127.0.0.1:21202 x y" for the memrehash save handler: server "127.0.0.1:21202 x y" is not "host:port[:weight]"; expected "old=host:port[,host:port...];new=host:port[,host:port...]" in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=127.0.0.1:21201;new=127.0.0.1:21202 x y) in %s on line %d
bool(false)

Warning: session_start(): memrehash.sess_prefix must be shorter than 128 bytes, without whitespace or control characters in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: old=127.0.0.1:1;new=127.0.0.1:2) in %s on line %d
bool(false)
