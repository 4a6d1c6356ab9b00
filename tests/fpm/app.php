<?php
/* What the smoke test's php-fpm workers serve: a few gets and a set through
 * MemRehash, and this worker's pid, as JSON. */
$old = explode(',', getenv('MR_FPM_OLD') ?: ($_GET['old'] ?? ''));
$new = explode(',', $_GET['new'] ?? '');
$m = new MemRehash($old, $new, ['name' => $_GET['pool'] ?? 'fpm-smoke', 'timeout' => 2000]);
$found = 0;
foreach (explode(',', $_GET['keys'] ?? '') as $k) {
    if ($k !== '' && $m->get($k) !== false) {
        $found++;
    }
}
$m->set('fpm:last', getmypid());
echo json_encode(['pid' => getmypid(), 'found' => $found, 'complete' => $m->isComplete()]);
