--TEST--
hostile server: error lines map to their result codes (SERVER_ERROR, CLIENT_ERROR, out of memory, ERROR), and replies malformed in each way the parser checks (flags, sizes, value blocks, a reply of the wrong kind, a counter that is no number) fail the call with RES_PROTOCOL_ERROR (an unknown printable flag is ignored); the healthy server works afterwards
--SKIPIF--
<?php require __DIR__.'/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/config.inc';
require __DIR__ . '/tools/hostile_server.php';
mr_flush_all();
$healthy = mr_servers(1)[0];
$cases = [
    // [reply line (%O: the request's opaque), the call]
    ['SERVER_ERROR busy', 'get'],
    ['CLIENT_ERROR bad command line format', 'get'],
    ['SERVER_ERROR out of memory storing object', 'set'],
    ['ERROR', 'get'],
    ['HD 5 O%O', 'get'],                  // a flag that is no letter
    ['HD fX O%O', 'get'],                 // client flags that are no number
    ["HD k\x01 O%O", 'get'],              // a control byte in a flag
    ['HDX O%O', 'get'],                   // no space after the code
    ['VA 1 O%O', 'set'],                  // a value for a set
    ['VA', 'get'],                        // no size
    ['VA x O%O', 'get'],                  // a size that is no number
    ['VA 1 ? O%O', 'get'],                // a flag that is no letter, after a size
    ["VA 1 O%O\r\nxyz", 'get'],           // the block longer than its size
    ["VA 2 O%O\r\nab", 'increment'],      // a counter that is no number
    ['H', 'get'],                         // a code cut short
    ['HD kabc O%O', 'set'],               // a flag we did not ask for (a key echo): ignored, stored
];
// one server for all: a request for key rN gets the line of case N
$h = hostile_start('reply', 30, implode("\x1e", array_column($cases, 0)));
$m = new MemRehash([$healthy], [$h['addr']], ['name' => 'reply-lines-' . getmypid(), 'timeout' => 1000, 'retry_interval' => 0]);
foreach ($cases as $i => [$line, $op]) {
    $r = match ($op) {
        'get' => $m->get("r$i"),
        'set' => $m->set("r$i", 'v'),
        'increment' => $m->increment("r$i"),
    };
    printf("%-45s %-9s => %s %s\n", json_encode($line), $op, var_export($r, true), hostile_res_name($m->getResultCode()));
}
hostile_stop($h);
$g = new MemRehash([$healthy], [$healthy]);
var_dump($g->set('after', 'fine'), mr_peer([$healthy])->get('after'));
?>
--EXPECT--
"SERVER_ERROR busy"                           get       => false RES_SERVER_ERROR
"CLIENT_ERROR bad command line format"        get       => false RES_CLIENT_ERROR
"SERVER_ERROR out of memory storing object"   set       => false RES_SERVER_MEMORY_ALLOCATION_FAILURE
"ERROR"                                       get       => false RES_CLIENT_ERROR
"HD 5 O%O"                                    get       => false RES_PROTOCOL_ERROR
"HD fX O%O"                                   get       => false RES_PROTOCOL_ERROR
"HD k\u0001 O%O"                              get       => false RES_PROTOCOL_ERROR
"HDX O%O"                                     get       => false RES_PROTOCOL_ERROR
"VA 1 O%O"                                    set       => false RES_PROTOCOL_ERROR
"VA"                                          get       => false RES_PROTOCOL_ERROR
"VA x O%O"                                    get       => false RES_PROTOCOL_ERROR
"VA 1 ? O%O"                                  get       => false RES_PROTOCOL_ERROR
"VA 1 O%O\r\nxyz"                             get       => false RES_PROTOCOL_ERROR
"VA 2 O%O\r\nab"                              increment => false RES_PROTOCOL_ERROR
"H"                                           get       => false RES_PROTOCOL_ERROR
"HD kabc O%O"                                 set       => true RES_SUCCESS
bool(true)
string(4) "fine"