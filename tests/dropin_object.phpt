--TEST--
drop-in: the object is a \Memcached PECL's own code can meet safely (parent methods, reflection, clone, no constructor, subclass, gc, fromMemcached)
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; if (!class_exists('MemRehash\Memcached')) die('skip PECL memcached not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
$old = mr_servers(3);
$new = mr_servers(2);
$m = new MemRehash\Memcached($old, $new);
var_dump($m instanceof Memcached);
// every public method of \Memcached is overridden: none falls through to PECL's code
$missing = [];
foreach ((new ReflectionClass('Memcached'))->getMethods(ReflectionMethod::IS_PUBLIC) as $meth) {
    if ((new ReflectionMethod('MemRehash\Memcached', $meth->getName()))->getDeclaringClass()->getName() !== 'MemRehash\Memcached') {
        $missing[] = $meth->getName();
    }
}
echo "not overridden: ", count($missing), " ", implode(',', $missing), "\n";
// PECL's code reached on our object: a clean Error, never a crash
try { (new ReflectionMethod('Memcached', 'get'))->invoke($m, 'k'); } catch (Error $e) { echo $e->getMessage(), "\n"; }
class Sub extends MemRehash\Memcached {
    public function get(string $key, ?callable $cache_cb = null, int $get_flags = 0): mixed { return ['sub', parent::get($key, $cache_cb, $get_flags)]; }
    public function set(string $key, mixed $value, int $expiration = 0): bool { return Memcached::set($key, $value, $expiration); }
}
$s = new Sub($old, $new);
$s->setMulti(['a' => 1]);
var_dump($s->get('a'));
try { $s->set('x', 1); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
// clone: uncloneable, as \Memcached
try { $c = clone $m; } catch (Error $e) { echo $e->getMessage(), "\n"; }
// no constructor
$r = (new ReflectionClass('MemRehash\Memcached'))->newInstanceWithoutConstructor();
try { $r->get('k'); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $r->getResultCode(); } catch (Error $e) { echo $e->getMessage(), "\n"; }
unset($r);
// a cycle through a getDelayed result is collected
$m->set('obj', 1);
$o = new stdClass; $o->m = $m;
$m->getDelayed(['obj']);
unset($o);
var_dump(gc_collect_cycles() >= 0);
// many objects: handles are reused, each gets its own state
for ($i = 0; $i < 300; $i++) { $t = new MemRehash\Memcached($old, $new, ['prefix' => "p$i:"]); if ($t->getOption(Memcached::OPT_PREFIX_KEY) !== "p$i:") echo "wrong state $i\n"; }
unset($t);
// fromMemcached copies placement and format from the app's configured object
$app = new Memcached();
$app->addServers(array_map(fn($s) => explode(':', $s), $new));
$app->setOptions([Memcached::OPT_DISTRIBUTION => Memcached::DISTRIBUTION_CONSISTENT, Memcached::OPT_HASH => Memcached::HASH_CRC,
    Memcached::OPT_PREFIX_KEY => 'app:', Memcached::OPT_COMPRESSION => false, Memcached::OPT_SERIALIZER => Memcached::SERIALIZER_JSON]);
$d = MemRehash\Memcached::fromMemcached($app, $old);
foreach ([Memcached::OPT_DISTRIBUTION, Memcached::OPT_HASH, Memcached::OPT_PREFIX_KEY, Memcached::OPT_COMPRESSION, Memcached::OPT_SERIALIZER] as $opt) {
    if ($d->getOption($opt) !== $app->getOption($opt)) echo "option $opt differs\n";
}
var_dump($d->getNewServers() === array_map(fn($s) => ['host' => explode(':', $s)[0], 'port' => (int)explode(':', $s)[1], 'weight' => 0], $new));
$d->set('shared', ['a' => 1]);
var_dump($app->get('shared'));           // the app's own object reads what the drop-in wrote
$app->set('shared2', ['b' => 2]);
var_dump($d->get('shared2'));
try { new MemRehash\Memcached([], $new); } catch (MemRehashException $e) { echo $e->getMessage(), "\n"; }
?>
--EXPECTF--
bool(true)
not overridden: 0 
Memcached constructor was not called
array(2) {
  [0]=>
  string(3) "sub"
  [1]=>
  int(1)
}
Error: Memcached constructor was not called
Trying to clone an uncloneable object of class MemRehash\Memcached
MemRehash\Memcached constructor was not called
MemRehash\Memcached constructor was not called
bool(true)
bool(true)
object(stdClass)#%d (1) {
  ["a"]=>
  int(1)
}
object(stdClass)#%d (1) {
  ["b"]=>
  int(2)
}
the old server list is empty
