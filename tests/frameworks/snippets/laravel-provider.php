// app/Providers/AppServiceProvider.php, in boot()
Cache::extend('memrehash', function ($app, array $config) {
    $memcached = $app['memcached.connector']->connect(
        $config['servers'], $config['persistent_id'] ?? null,
        $config['options'] ?? [], array_filter($config['sasl'] ?? [])
    );
    $client = MemRehash\Memcached::fromMemcached($memcached, $config['old_servers']);
    return $this->repository(new Illuminate\Cache\MemcachedStore($client, $app['config']['cache.prefix']));
});
