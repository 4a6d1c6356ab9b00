// A module of your own overriding the memcache module's connection class
// (DrupalMemcached builds `new \Memcached()` with DISTRIBUTION_CONSISTENT and
// compression off, then adds $settings['memcache']['servers']):
$memcache = new \Memcached();
$memcache->setOption(\Memcached::OPT_COMPRESSION, FALSE);
$memcache->setOption(\Memcached::OPT_DISTRIBUTION, \Memcached::DISTRIBUTION_CONSISTENT);
$memcache->addServer('10.0.0.1', 11211);
$memcache->addServer('10.0.0.2', 11211);
$memcache = \MemRehash\Memcached::fromMemcached($memcache, ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211']);
