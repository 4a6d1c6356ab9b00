--TEST--
memrehash.transitions: each malformed entry is named in a startup warning and dropped, the good ones kept (inline and @file, comments, a missing file); a plain \Memcached over a transition's new list binds (tests/zerocode/binding.php), reads what PECL wrote over the old list and moves it
--SKIPIF--
<?php
require __DIR__.'/skipif.inc';
/* the setting is read at startup: the checks run in child PHP processes,
 * which valgrind (run-tests.php -m) would trace too; the ASan suite runs this test */
if (getenv('ZEND_DONT_UNLOAD_MODULES') && getenv('USE_ZEND_ALLOC') === '0' && !getenv('SKIP_ASAN')) {
    die('skip not under valgrind: child processes; the ASan suite runs this test');
}
?>
--FILE--
<?php
require __DIR__ . '/config.inc';
mr_flush_all();
// the memrehash the test runs with (run-tests.php -d extension=...), for the children
preg_match('~\s(/\S*memrehash\.so)$~m', file_get_contents('/proc/self/maps'), $m);
$so = $m[1];
/** Runs PHP with memrehash and the transitions setting; returns what it printed (stdout and stderr). */
function child(string $setting, array $args): string
{
    global $so;
    // quoted: the INI parser would take ';' and '=' apart
    $cmd = array_merge([PHP_BINARY, '-d', "extension=$so", '-d', 'display_startup_errors=1', '-d', 'display_errors=stderr',
        '-d', 'log_errors=0', '-d', "memrehash.transitions=\"$setting\""], $args);
    $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes);
    $out = stream_get_contents($pipes[1]);
    fclose($pipes[1]);
    proc_close($p);
    return $out;
}
$new = implode(',', mr_servers(2));
$old = implode(',', mr_servers(3));
$other = mr_servers(1, 3)[0];
$long = str_repeat('h', 256);
$bad = [
    "new=$new;old=$old;bogus",
    "new=$new;old=:11211",
    "new=$new;old=127.0.0.1:0",
    "new=$new;old=$long:1",
    "new=$new;old=",
    "new=$new;old=$old;old_distribution=weird",
    "new=$new;new=$new;old=$old",
    "new=$new;old=$old;old=$old",
    "new=$new;old=$old;name=",
    "new=$new;old=$old;name=a\x01b",
    "new=$new;old=$old;complete_below=2",
    "new=$new;old=$old;window=0",
    "new=$new;old=$old;color=red",
    "new=$new",
    "new=$new;old=$new",
];
$good = "new=$new;old=$old;name=tr-good;old_distribution=consistent;complete_below=0.5;window=10";
$dup = "new=$new;old=$other";
$out = child(implode('|', array_merge($bad, [$good, $dup])), ['-r', 'echo "ran\n";']);
preg_match_all('/memrehash\.transitions: entry "(.*)" is not applied: (.*) in Unknown on line 0/', $out, $w, PREG_SET_ORDER);
foreach ($w as $i => [, $entry, $why]) {
    echo $i + 1, ': ', $entry === ($bad[$i] ?? $dup) ? 'named' : "not named ($entry)", ": $why\n";
}
echo str_contains($out, "\nran") || str_starts_with($out, 'ran') ? "PHP ran\n" : "PHP did not run: $out\n";

// a file: comments, blank lines, entries on lines (a bad one named by its line)
$file = tempnam(sys_get_temp_dir(), 'mr-tr-');
file_put_contents($file, "# transitions\n\n  new=$new;old=$old;name=tr-file\nnew=$other;old=nonsense\n");
$info = child("@$file", ['--ri', 'memrehash']);
preg_match_all('/^(Transition \d+ => .*|Entry => .*|.*line \d+: entry [^\n]* is not applied: [^\n]*)$/m', $info, $rows);
echo implode("\n", str_replace([$file, $old, $new, $other], ['FILE', 'OLD', 'NEW', 'OTHER'], $rows[1])), "\n";
unlink($file);
echo preg_match('/cannot read \S+: No such file or directory; no transition is applied/', child('@/nonexistent/transitions', ['-r', ''])) ? "a missing file: warned\n" : "a missing file: no warning\n";

// the binding checks of the zerocode suite (old_distribution given: the
// default, modula; a threshold and window the pool takes), and a move on read
echo child("new=$new;old=$old;old_distribution=modula;complete_below=0.02;window=60", [__DIR__ . '/zerocode/binding.php', $new, $other]);
// an old list the object cannot be bound to (101 servers, consistent: more
// than libmemcached's continuum holds): a warning, and the object stays PECL's
$many = implode(',', array_map(fn($i) => '127.0.0.1:' . (30000 + $i), range(1, 101)));
echo str_replace([$many, $other], ['MANY', 'OTHER'], child("new=$other;old=$many;old_distribution=consistent", ['-r', '
    $m = new Memcached(); $m->addServer("' . explode(':', $other)[0] . '", ' . explode(':', $other)[1] . ');
    ob_start(); phpinfo(INFO_MODULES); preg_match("/Bound in this process => (.*)/", ob_get_clean(), $b);
    echo "bound: $b[1]; PECL set/get: ", var_export($m->set("tr-unbound", 1) && $m->get("tr-unbound") === 1, true), "\n";']));
$peer_old = mr_peer(mr_servers(3));
$moving = [];
for ($i = 0; count($moving) < 20; $i++) {
    $l = mr_locate_peer(mr_servers(3), mr_servers(2), "tr$i");
    if ($l['moves']) {
        $moving[] = "tr$i";
        $peer_old->set("tr$i", "v$i");
    }
}
file_put_contents($script = tempnam(sys_get_temp_dir(), 'mr-tr-') . '.php', '<?php
$m = new Memcached();
foreach (explode(",", $argv[1]) as $s) { $m->addServer(explode(":", $s)[0], (int)explode(":", $s)[1]); }
$got = $m->getMulti(explode(",", $argv[2]));
echo count($got), " of ", count(explode(",", $argv[2])), " read\n";');
echo child("new=$new;old=$old", [$script, $new, implode(',', $moving)]);
unlink($script);
// judged by PECL over the new list alone: every key is at its new place now
echo count(mr_peer(mr_servers(2))->getMulti($moving)), " at the new list (PECL)\n";
?>
--EXPECT--
1: named: a field must be key=value
2: named: a server must be host:port
3: named: a port must be a number from 1 to 65535
4: named: a host name is longer than 255 bytes
5: named: a server list is empty
6: named: old_distribution must be modula, consistent, consistent_plain or intval
7: named: new is given twice
8: named: old is given twice
9: named: name must be 1 to 127 bytes
10: named: name must be printable without spaces
11: named: complete_below must be a number from 0 to 1
12: named: window must be 1 to 86400 seconds
13: named: unknown field (known: new, old, name, old_distribution, complete_below, window)
14: named: both new= and old= are required
15: named: new and old are the same list
16: named: another transition has the same new list
PHP ran
Warning: PHP Startup: memrehash.transitions: FILE line 4: entry "new=OTHER;old=nonsense" is not applied: a server must be host:port in Unknown on line 0
Transition 1 => tr-file
Entry => new=NEW;old=OLD;name=tr-file
a missing file: warned
start: no (0 objects now, 0 binds)
unmatched list: no (0 objects now, 0 binds) get 'u'
new list: yes (1 objects now, 1 binds)
after resetServerList: no (0 objects now, 1 binds) get false code 20
added again: yes (1 objects now, 2 binds)
one more server: no (0 objects now, 2 binds)
subclass: yes (1 objects now, 3 binds) instanceof true
after setOption: yes (1 objects now, 4 binds) prefix p:
clone: Trying to clone an uncloneable object of class AppCache
persistent, 1000 reuses: yes (1 objects now, 1004 binds) persistent true
end: no (0 objects now, 1004 binds)
Warning: Memcached::addServer(): memrehash.transitions: "new=OTHER;old=MANY;old_distribution=consistent" not bound, this \Memcached stays PECL's: cannot place keys: a consistent (ketama) list has 101 servers, at most 100 are supported (libmemcached's continuum); use modula for more in Command line code on line 2
bound: no (0 objects now, 0 binds); PECL set/get: true
20 of 20 read
20 at the new list (PECL)