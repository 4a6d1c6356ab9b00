<?php
/* PHPUnit bootstrap for memrehash. Fails the whole run, loudly, when the
 * extension is not loaded: a run must never pass by skipping everything. */

if (!extension_loaded('memrehash')) {
    fwrite(STDERR, <<<MSG

    memrehash PHPUnit bootstrap: the memrehash extension is NOT loaded.
    Run the tests with:  bash tests/run.sh
    or:  php -d extension=\$PWD/modules/memrehash.so /usr/bin/phpunit -c tests/phpunit/phpunit.xml

    MSG);
    exit(1);
}
if (!extension_loaded('memcached')) {
    fwrite(STDERR, "memrehash PHPUnit bootstrap: PECL memcached (the peer) is not loaded: bash scripts/deps.sh\n");
    exit(1);
}

require __DIR__ . '/../config.inc';
require __DIR__ . '/HoldingProxy.php';
require __DIR__ . '/OwnServers.php';
