// wp-content/object-cache.php (a Memcached object-cache drop-in), where it
// builds its client for a bucket:
$mc = new Memcached();
$mc->addServers([['10.0.0.1', 11211], ['10.0.0.2', 11211]]);
// + this line, with the list the bucket used to have:
$mc = MemRehash\Memcached::fromMemcached($mc, ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211']);
