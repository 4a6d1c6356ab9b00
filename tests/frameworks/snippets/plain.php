$memcached = new Memcached();
$memcached->addServers([['10.0.0.1', 11211], ['10.0.0.2', 11211]]);   // the NEW list, as before
$memcached->setOption(Memcached::OPT_LIBKETAMA_COMPATIBLE, true);      // your options, as before
// + the one added line: the same object, now moving keys from the OLD list
$memcached = MemRehash\Memcached::fromMemcached($memcached, ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211']);
