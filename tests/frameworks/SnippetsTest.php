<?php
/* The README's "Using it from your framework": each snippet is a file in
 * snippets/, shown verbatim in the README (checked here) and run here against
 * the migrating pool with the framework's own, unmodified code where Debian
 * packages it (Laravel's CacheManager + Container + Config, Symfony's
 * DependencyInjection + YAML loader). WordPress's object-cache drop-ins and
 * Drupal's memcache module are not packaged: their snippets run as the plain
 * PECL code those projects contain. */

use Illuminate\Cache\CacheManager;
use Illuminate\Cache\MemcachedConnector;
use Illuminate\Cache\MemcachedStore;
use Illuminate\Cache\Repository;
use Illuminate\Config\Repository as Config;
use Illuminate\Container\Container;
use Illuminate\Support\Facades\Facade;
use PHPUnit\Framework\TestCase;
use Symfony\Component\Cache\Adapter\MemcachedAdapter;
use Symfony\Component\Config\FileLocator;
use Symfony\Component\DependencyInjection\ContainerBuilder;
use Symfony\Component\DependencyInjection\Loader\YamlFileLoader;

final class SnippetsTest extends TestCase
{
    private const SNIPPETS = ['plain.php', 'laravel-provider.php', 'laravel-config.php', 'symfony-services.yaml',
        'wordpress-object-cache.php', 'drupal-connection.php'];

    protected function setUp(): void
    {
        FwPool::reset();
    }

    public function testTheReadmeShowsEverySnippetVerbatim(): void
    {
        $readme = file_get_contents(__DIR__ . '/../../README.md');
        $this->assertStringContainsString('## Using it from your framework', $readme);
        foreach (self::SNIPPETS as $s) {
            $this->assertStringContainsString(FwSnippet::text($s), $readme, "README shows snippets/$s as it is tested");
        }
    }

    /** Writes $n items with $writer (PECL over the old list, configured as
     * the snippet's app); returns them. */
    private function seed(Memcached $before, string $prefix, int $n = 40): array
    {
        $items = [];
        for ($i = 0; $i < $n; $i++) {
            $items["$prefix$i"] = ['v' => $i];
        }
        $this->assertTrue($before->setMulti($items, 3600));
        return $items;
    }

    /** Asserts $client reads every item and PECL ($after) then finds each at its new home. */
    private function assertMoves(Memcached $client, Memcached $after, array $items): void
    {
        $this->assertInstanceOf(MemRehash\Memcached::class, $client);
        foreach ($items as $k => $v) {
            $this->assertSame($v, $client->get($k), "$k read through the snippet's client");
        }
        $this->assertSame($items, $after->getMulti(array_keys($items), Memcached::GET_PRESERVE_ORDER), 'every item at its new home (PECL over the new list)');
    }

    public function testPlainPhp(): void
    {
        $ketama = [Memcached::OPT_LIBKETAMA_COMPATIBLE => true];
        $items = $this->seed(FwPool::before($ketama), 'plain');
        $memcached = FwSnippet::run('plain.php')['memcached'];
        $this->assertMoves($memcached, FwPool::after($ketama), $items);
    }

    public function testWordPressObjectCacheShape(): void
    {
        $items = $this->seed(FwPool::before(), 'wp');
        $mc = FwSnippet::run('wordpress-object-cache.php')['mc'];
        $this->assertMoves($mc, FwPool::after(), $items);
    }

    public function testDrupalConnectionShape(): void
    {
        // Drupal's defaults: consistent distribution WITHOUT libketama compatibility, no compression.
        $drupal = [Memcached::OPT_COMPRESSION => false, Memcached::OPT_DISTRIBUTION => Memcached::DISTRIBUTION_CONSISTENT];
        $items = $this->seed(FwPool::before($drupal), 'drupal');
        $memcache = FwSnippet::run('drupal-connection.php')['memcache'];
        $this->assertMoves($memcache, FwPool::after($drupal), $items);
    }

    public function testLaravelCacheExtend(): void
    {
        $app = new Container();
        Container::setInstance($app);
        $stores = eval('return [' . FwSnippet::forTest('laravel-config.php') . '];');
        $app->instance('config', new Config(['cache' => ['default' => 'memcached', 'prefix' => 'laravel_cache:', 'stores' => $stores]]));
        $app->instance('memcached.connector', new MemcachedConnector());
        $manager = new CacheManager($app);
        $app->instance('cache', $manager);
        Facade::setFacadeApplication($app);
        if (!class_exists('Cache', false)) {
            class_alias(Illuminate\Support\Facades\Cache::class, 'Cache');
        }
        try {
            // The app before: Laravel's own memcached driver, on the old list.
            $before = new Repository(new MemcachedStore(FwPool::before(), 'laravel_cache:'));
            $items = [];
            for ($i = 0; $i < 30; $i++) {
                $items["laravel$i"] = "value $i";
            }
            $before->putMany($items, 3600);
            FwSnippet::run('laravel-provider.php');
            $repo = $manager->store();
            $this->assertInstanceOf(Repository::class, $repo);
            $this->assertInstanceOf(MemRehash\Memcached::class, $repo->getStore()->getMemcached());
            $this->assertSame($items, $repo->many(array_keys($items)));
            $after = new Repository(new MemcachedStore(FwPool::after(), 'laravel_cache:'));
            $this->assertSame($items, $after->many(array_keys($items)), 'moved to the new list');
            $this->assertTrue(Cache::put('via-facade', 'x', 60));
            $this->assertSame('x', $after->get('via-facade'));
        } finally {
            Facade::clearResolvedInstances();
            Facade::setFacadeApplication(null);
            Container::setInstance(null);
        }
    }

    public function testSymfonyServiceDefinition(): void
    {
        $before = new MemcachedAdapter(MemcachedAdapter::createConnection(array_map(fn($s) => "memcached://$s", FwPool::old())), 'app');
        $keys = [];
        for ($i = 0; $i < 30; $i++) {
            $keys[] = "sf$i";
            $before->save($before->getItem("sf$i")->set("value $i"));
        }
        $file = tempnam(sys_get_temp_dir(), 'mr-services-') . '.yaml';
        file_put_contents($file, FwSnippet::forTest('symfony-services.yaml'));
        try {
            $container = new ContainerBuilder();
            (new YamlFileLoader($container, new FileLocator(dirname($file))))->load(basename($file));
            $container->compile();
            $cache = $container->get('app.cache');
        } finally {
            unlink($file);
        }
        $this->assertInstanceOf(MemcachedAdapter::class, $cache);
        foreach ($cache->getItems($keys) as $k => $item) {
            $this->assertTrue($item->isHit(), "$k through the service");
            $this->assertSame('value ' . substr($k, 2), $item->get());
        }
        $after = new MemcachedAdapter(MemcachedAdapter::createConnection(array_map(fn($s) => "memcached://$s", FwPool::new())), 'app');
        foreach ($after->getItems($keys) as $k => $item) {
            $this->assertTrue($item->isHit(), "$k at its new home");
        }
    }
}
