--TEST--
php --ri memrehash: version (package.xml's), libmemcached versions, serializers as loaded, the host id, and every INI setting of memrehash.ini with its value
--SKIPIF--
<?php require __DIR__.'/skipif.inc';
/* it reads package.xml; the zts suite's PHP is built without libxml */
if (!extension_loaded('simplexml')) die('skip simplexml extension not loaded'); ?>
--INI--
memrehash.host_id=phpt-info-host
memrehash.sess_lock_expire=17
--FILE--
<?php
/* What `php --ri memrehash` prints is the module's MINFO section, which
 * ReflectionExtension::info() prints the same way in the CLI; checked here
 * against sources of its own: package.xml, memrehash.ini, the --INI-- above,
 * extension_loaded(). */
ob_start();
(new ReflectionExtension('memrehash'))->info();
$info = ob_get_clean();
$rows = [];
foreach (explode("\n", $info) as $line) {
    $p = explode(' => ', $line);
    if (count($p) >= 2) {
        $rows[trim($p[0])] = array_map('trim', array_slice($p, 1));
    }
}
$bad = [];
$want = function (string $row, string $value) use (&$rows, &$bad) {
    if (($rows[$row][0] ?? null) !== $value) {
        $bad[] = "$row: " . json_encode($rows[$row] ?? null) . ", want $value";
    }
};
$xml = simplexml_load_file(__DIR__ . '/../package.xml');
$want('memrehash support', 'enabled');
$want('Version', (string)$xml->version->release);
$want('Version', phpversion('memrehash'));
$lib = $rows['libmemcached library version'][0] ?? '';
if (!preg_match('/^\d+\.\d+\.\d+$/', $lib)) {
    $bad[] = "libmemcached library version: $lib";
}
$want('libmemcached headers version', $lib);
$want('igbinary', extension_loaded('igbinary') ? 'yes' : 'no');
$want('msgpack', extension_loaded('msgpack') ? 'yes' : 'no');
$want('Host id', 'phpt-info-host');
$want('Session handler', 'memrehash');
/* every setting memrehash.ini documents, local value as set, master as its default */
$ini = parse_ini_file(__DIR__ . '/../memrehash.ini', true, INI_SCANNER_RAW)['memrehash'];
foreach ($ini as $name => $default) {
    $local = ini_get($name);
    $shown = static fn(string $v) => $v === '' ? 'no value' : $v;
    $row = $rows[$name] ?? null;
    if ($row === null) {
        $bad[] = "$name: not shown";
        continue;
    }
    $bool = in_array($default, ['0', '1'], true) && in_array($row[0], ['On', 'Off'], true);
    $fmt = static fn(string $v) => $bool ? ($v === '1' ? 'On' : 'Off') : $shown($v);
    if ($row[0] !== $fmt((string)$local)) {
        $bad[] = "$name: local " . $row[0] . ', ini_get says ' . var_export($local, true);
    }
}
/* memrehash.ini documents exactly the settings the extension registers */
$registered = array_keys(ini_get_all('memrehash'));
$documented = array_keys($ini);
sort($registered);
sort($documented);
echo $registered === $documented ? "memrehash.ini documents every registered setting\n"
    : "memrehash.ini: " . json_encode(array_values(array_diff($registered, $documented))) . " undocumented, "
      . json_encode(array_values(array_diff($documented, $registered))) . " unknown\n";
echo $rows['memrehash.sess_lock_expire'][0] ?? '-', ' ', $rows['memrehash.sess_lock_expire'][1] ?? '-', "\n";
echo $bad ? implode("\n", $bad) . "\n" : "php --ri matches\n";
?>
--EXPECT--
memrehash.ini documents every registered setting
17 17
php --ri matches
