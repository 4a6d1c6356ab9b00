<?php
/* Bootstrap of the third-party suites: the libraries come unmodified from
 * Debian's /usr/share/php (scripts/deps.sh installs them). A run without
 * memrehash, PECL memcached, the libraries or zend.assertions=1 stops here,
 * loudly: it must never pass by skipping. */

$problems = [];
if (!extension_loaded('memrehash')) {
    $problems[] = 'the memrehash extension is not loaded (php -d extension=$PWD/modules/memrehash.so)';
}
if (!extension_loaded('memcached')) {
    $problems[] = 'PECL memcached is not loaded (bash scripts/deps.sh)';
}
if ((int)ini_get('zend.assertions') !== 1) {
    $problems[] = 'zend.assertions is not 1 (php -d zend.assertions=1): Symfony checks keys with assert()';
}
$autoloaders = [
    'Cache/IntegrationTests/autoload.php',          // php-cache-integration-tests
    'Symfony/Component/Cache/autoload.php',         // php-symfony-cache
    'Symfony/Component/HttpFoundation/autoload.php', // php-symfony-http-foundation
    'Symfony/Component/Lock/autoload.php',          // php-symfony-lock
    'Symfony/Component/DependencyInjection/autoload.php', // php-symfony-dependency-injection
    'Symfony/Component/Config/autoload.php',        // php-symfony-config
    'Symfony/Component/Yaml/autoload.php',          // php-symfony-yaml
    'Illuminate/Cache/autoload.php',                // php-illuminate-cache
    'Illuminate/Container/autoload.php',            // php-illuminate-container
    'Illuminate/Config/autoload.php',               // php-illuminate-config
];
foreach ($autoloaders as $a) {
    if (!is_file("/usr/share/php/$a")) {
        $problems[] = "/usr/share/php/$a is missing (bash scripts/deps.sh)";
    }
}
if ($problems) {
    fwrite(STDERR, "\nframeworks bootstrap:\n  " . implode("\n  ", $problems) . "\n");
    exit(1);
}
foreach ($autoloaders as $a) {
    require_once $a;
}
require __DIR__ . '/../config.inc';
require __DIR__ . "/Pool.php";
require __DIR__ . "/Snippet.php";
