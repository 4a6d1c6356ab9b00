<?php
/* Router script for the served end-to-end test (php -S): one session
 * counter per visitor, whatever session.save_handler the server runs. */
if (!session_start()) {
    http_response_code(500);
    echo json_encode(['error' => error_get_last()['message'] ?? 'session_start failed']);
    return;
}
$_SESSION['count'] = ($_SESSION['count'] ?? 0) + 1;
header('Content-Type: application/json');
echo json_encode([
    'count' => $_SESSION['count'],
    'id' => session_id(),
    'handler' => ini_get('session.save_handler'),
]);
