<?php
/* What tests/suites/fpm_down.sh's php-fpm workers serve: one get through a
 * non-persistent MemRehash whose old server may be stopped (SIGSTOP), timed.
 * Prints this worker's pid and the get's milliseconds as JSON. */
$m = new MemRehash(explode(',', $_GET['old'] ?? ''), explode(',', $_GET['new'] ?? ''),
    ['name' => $_GET['pool'] ?? 'fpm-down', 'timeout' => 1000, 'connect_timeout' => 1000, 'retry_interval' => 20,
     'complete_below' => 0.0]);
$t = microtime(true);
$m->get('fpm-down:' . ($_GET['key'] ?? 'k')); // not at N: the old server is asked
echo json_encode(['pid' => getmypid(), 'ms' => (int)round((microtime(true) - $t) * 1000), 'rc' => $m->getResultCode()]);
