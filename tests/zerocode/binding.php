<?php
/* Which \Memcached objects memrehash binds, seen through phpinfo's
 * "Bound in this process" row (run with a transition whose new list is
 * argv[1] and which does not name argv[2]). Prints one line per check. */
[$_, $new, $other] = $argv;
$list = fn ($s) => array_map(fn ($x) => [explode(':', $x)[0], (int) explode(':', $x)[1]], explode(',', $s));
function bound(): string
{
    ob_start();
    phpinfo(INFO_MODULES);
    preg_match('/Bound in this process => (.*)/', ob_get_clean(), $m);
    return $m[1] ?? 'row missing';
}
class AppCache extends Memcached {}
echo 'start: ', bound(), "\n";
$u = new Memcached();
$u->addServers($list($other));
$u->set('zc-unbound', 'u');
echo 'unmatched list: ', bound(), ' get ', var_export($u->get('zc-unbound'), true), "\n";
$m = new Memcached();
$m->addServers($list($new));
echo 'new list: ', bound(), "\n";
$m->resetServerList();
echo 'after resetServerList: ', bound(), ' get ', var_export($m->get('x'), true), ' code ', $m->getResultCode(), "\n";
$m->addServers($list($new));
echo 'added again: ', bound(), "\n";
$m->addServers($list($other));
echo 'one more server: ', bound(), "\n";
unset($m);
$s = new AppCache();
$s->addServers($list($new));
echo 'subclass: ', bound(), ' instanceof ', var_export($s instanceof Memcached, true), "\n";
$s->setOption(Memcached::OPT_PREFIX_KEY, 'p:');
echo 'after setOption: ', bound(), ' prefix ', $s->getOption(Memcached::OPT_PREFIX_KEY), "\n";
try {
    $c = clone $s;
    echo "clone: allowed\n";
} catch (Error $e) {
    echo 'clone: ', $e->getMessage(), "\n";
}
unset($s);
for ($i = 0; $i < 1000; $i++) {
    $p = new Memcached('zc-persistent');
    if (!$p->getServerList()) {
        $p->addServers($list($new));
    }
    $p->set("zc-p$i", $i);
    if ($p->get("zc-p$i") !== $i) {
        echo "persistent: request $i read back wrong\n";
    }
}
echo 'persistent, 1000 reuses: ', bound(), ' persistent ', var_export($p->isPersistent(), true), "\n";
unset($p);
echo 'end: ', bound(), "\n";
