--TEST--
session handler INI: sess_consistent_hash off places sessions by modula and sess_hash picks the hash, both where PECL memcached (getServerByKey) puts them; sess_lock_expire is the lock's TTL; a bad sess_hash is refused with a warning
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
$old = mr_servers(2);
$new = mr_servers(3, 2);
ini_set('session.save_path', 'old=' . implode(',', $old) . ';new=' . implode(',', $new));

/* where PECL memcached's session handler would put a session: its own client with the same behaviour */
function pecl_server(array $servers, bool $consistent, int $hash, string $sid): string
{
    $m = mr_peer($servers);
    if ($consistent) {
        $m->setOption(Memcached::OPT_DISTRIBUTION, Memcached::DISTRIBUTION_CONSISTENT);
    }
    $m->setOption(Memcached::OPT_HASH, $hash);
    $s = $m->getServerByKey($sid);
    return "{$s['host']}:{$s['port']}";
}
/* which servers hold the session's key, read directly */
function holders(array $servers, string $sid): array
{
    $out = [];
    foreach ($servers as $s) {
        if (mr_peer([$s])->get("memc.sess.key.$sid") !== false) {
            $out[] = $s;
        }
    }
    return $out;
}

$cases = [
    'ketama, default hash' => [1, MemRehash::HASH_DEFAULT],
    'modula, default hash' => [0, MemRehash::HASH_DEFAULT],
    'modula, md5' => [0, MemRehash::HASH_MD5],
    'ketama, fnv1a_32' => [1, MemRehash::HASH_FNV1A_32],
];
$case = 0;
foreach ($cases as $what => [$consistent, $hash]) {
    $case++;
    ini_set('memrehash.sess_consistent_hash', (string)$consistent);
    ini_set('memrehash.sess_hash', (string)$hash);
    $bad = 0;
    for ($i = 0; $i < 12; $i++) {
        $sid = sprintf('sessini%02d%02d%s', $i, $case, str_repeat('x', 12));
        session_id($sid);
        session_start();
        $_SESSION['i'] = $i;
        session_write_close();
        $want = pecl_server($new, (bool)$consistent, $hash, $sid);
        $bad += holders($new, $sid) !== [$want];
    }
    echo "$what: ", $bad ? "$bad of 12 sessions elsewhere than PECL puts them" : 'every session where PECL puts it', "\n";
}

echo "-- sess_lock_expire is the lock's TTL\n";
ini_set('memrehash.sess_consistent_hash', '1');
ini_set('memrehash.sess_hash', '0');
ini_set('memrehash.sess_lock_expire', '45');
$sid = 'sesslockttl0123456789abcd';
session_id($sid);
session_start();
$at = pecl_server($new, true, 0, "lock.$sid");
preg_match('/ t(-?\d+)/', mr_raw($at, "mg memc.sess.key.lock.$sid t"), $m);
var_dump(isset($m[1]) && $m[1] >= 43 && $m[1] <= 45);
session_write_close();

echo "-- a bad sess_hash\n";
ini_set('memrehash.sess_hash', '99');
session_id($sid);
var_dump(session_start());
?>
--EXPECTF--
ketama, default hash: every session where PECL puts it
modula, default hash: every session where PECL puts it
modula, md5: every session where PECL puts it
ketama, fnv1a_32: every session where PECL puts it
-- sess_lock_expire is the lock's TTL
bool(true)
-- a bad sess_hash

Warning: session_start(): memrehash.sess_hash must be one of the MemRehash::HASH_* values, 99 given in %s on line %d

Warning: session_start(): Failed to initialize storage module: memrehash (path: %s) in %s on line %d
bool(false)
