<?php
/* The zerocode sessions app under PHP-FPM: ?mode=M&servers=S&a=..&b=.. runs
 * sessions.php with those arguments and prints its line followed by the
 * worker's pid. */
$argv = ['sessions.php', (string) $_GET['mode'], (string) $_GET['servers'], (string) ($_GET['a'] ?? ''), (string) ($_GET['b'] ?? '')];
require __DIR__ . '/sessions.php';
echo 'pid ', getmypid(), "\n";
