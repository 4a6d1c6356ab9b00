<?php
/* The zerocode app under PHP-FPM: ?path=P&servers=S&n=N runs app.php's read
 * mode and prints its line followed by the worker's pid. */
$argv = ['app.php', (string) $_GET['path'], 'read', (string) $_GET['servers'], (string) $_GET['n']];
require __DIR__ . '/app.php';
echo 'pid ', getmypid(), "\n";
