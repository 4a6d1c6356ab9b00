// config/cache.php, in 'stores': your memcached store, with its driver changed
// and the list it used to have added
'memcached' => [
    'driver' => 'memrehash',
    'servers' => [
        ['host' => '10.0.0.1', 'port' => 11211, 'weight' => 100],
        ['host' => '10.0.0.2', 'port' => 11211, 'weight' => 100],
    ],
    'old_servers' => ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'],
],
