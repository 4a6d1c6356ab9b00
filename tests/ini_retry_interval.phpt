--TEST--
INI memrehash.retry_interval: the default of the retry_interval option: 0 tries a dead server on every call, N skips it for N seconds (RES_SERVER_TEMPORARILY_DISABLED, nothing sent); the option overrides it
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
$dead = function (): string {
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $n = stream_socket_get_name($s, false);
    fclose($s);
    return $n;
};
$codes = function (MemRehash $m): string {
    $c = [];
    for ($i = 0; $i < 3; $i++) {
        $m->get('k');
        $c[] = $m->getResultCode() === MemRehash::RES_SERVER_TEMPORARILY_DISABLED ? 'skipped' : 'tried';
    }
    return implode(' ', $c);
};
var_dump(ini_get('memrehash.retry_interval'));
ini_set('memrehash.retry_interval', '0');
$d = $dead();
echo "ini 0: ", $codes(new MemRehash([$d], [$d], ['name' => 'core-phpt-ini-retry-0', 'connect_timeout' => 200])), "\n";
ini_set('memrehash.retry_interval', '60');
$d = $dead();
echo "ini 60: ", $codes(new MemRehash([$d], [$d], ['name' => 'core-phpt-ini-retry-60', 'connect_timeout' => 200])), "\n";
$d = $dead();
echo "ini 60, option 0: ", $codes(new MemRehash([$d], [$d], ['name' => 'core-phpt-ini-retry-opt', 'connect_timeout' => 200, 'retry_interval' => 0])), "\n";
var_dump(@ini_set('memrehash.retry_interval', '-1'), ini_get('memrehash.retry_interval'));
?>
--EXPECT--
string(1) "2"
ini 0: tried tried tried
ini 60: tried skipped skipped
ini 60, option 0: tried tried tried
bool(false)
string(2) "60"
