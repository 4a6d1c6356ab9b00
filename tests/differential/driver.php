<?php
/* The differential test's driver: runs one seeded random sequence of calls
 * through one client (one "side") and records, per call, the return value,
 * any exception, warning or deprecation, and getResultCode() /
 * getResultMessage() right after it; at the end it records what its servers
 * hold, read with raw meta commands (not through any client). compare.php
 * compares two records. Each side runs in its own process, so the PECL side
 * can run in a PHP without memrehash (php -n ... -d extension=memcached.so).
 *
 *   php driver.php --side=pecl|dropin|dropin-wrap --servers=H:P,H:P
 *                  --seed=N --ops=N --config=text|binary --out=FILE
 *
 * Sides: pecl = \Memcached with addServers; dropin = new
 * MemRehash\Memcached($servers, $servers) (old list = new list);
 * dropin-wrap = the drop-in's named constructor over a configured \Memcached.
 * Every side then gets the same setOption calls (the config), so option
 * mapping is part of what is compared.
 *
 * Nothing here depends on wall-clock time: expirations are 0, one hour
 * (cannot lapse during a run) or an absolute time in the past (already
 * expired when stored), never a few seconds. */

declare(strict_types=0);

require __DIR__ . '/values.php';

const DIFF_PAST = 1000000000;           // absolute unix time in 2001: expired on arrival
const DIFF_HOUR = 3600;

/** Returns the parsed --name=value arguments. */
function diff_args(array $argv): array
{
    $a = [];
    foreach (array_slice($argv, 1) as $arg) {
        if (!preg_match('/^--([a-z-]+)=(.*)$/s', $arg, $m)) {
            fwrite(STDERR, "driver: bad argument $arg\n");
            exit(2);
        }
        $a[$m[1]] = $m[2];
    }
    foreach (['side', 'servers', 'seed', 'ops', 'config', 'out'] as $need) {
        if (!isset($a[$need])) {
            fwrite(STDERR, "driver: --$need= is required\n");
            exit(2);
        }
    }
    return $a;
}

/** A small xorshift64* generator: the sequence must not depend on PHP's
 * mt_rand state, which an extension could touch. */
final class DiffRng
{
    private int $s;

    public function __construct(int $seed)
    {
        $this->s = ($seed * 0x9E3779B9 + 0x7F4A7C15) | 1;
    }

    /** Returns an int in [0, $n). */
    public function below(int $n): int
    {
        $x = $this->s;
        $x ^= ($x << 13);
        $x ^= (($x >> 7) & 0x01FFFFFFFFFFFFFF);
        $x ^= ($x << 17);
        $this->s = $x;
        return (($x >> 1) & PHP_INT_MAX) % $n;
    }

    /** Returns one element of $list. */
    public function pick(array $list)
    {
        return $list[$this->below(count($list))];
    }

    /** Returns true with probability $pct percent. */
    public function chance(int $pct): bool
    {
        return $this->below(100) < $pct;
    }
}

/** Returns the client of $side over $servers (no options yet). */
function diff_client(string $side, array $servers): Memcached
{
    $pairs = array_map(fn($s) => [explode(':', $s)[0], (int)explode(':', $s)[1]], $servers);
    if ($side === 'pecl') {
        $m = new Memcached();
        $m->addServers($pairs);
        return $m;
    }
    if ($side === 'dropin') {
        return new MemRehash\Memcached($servers, $servers);
    }
    if ($side === 'dropin-wrap') {
        $m = new Memcached();
        $m->addServers($pairs);
        return diff_wrap($m, $servers);
    }
    fwrite(STDERR, "driver: unknown side $side\n");
    exit(2);
}

/** Returns the drop-in built by its named constructor from a configured
 * \Memcached and the old list. The name is the dropin branch's; the first
 * static method of MemRehash\Memcached that takes a Memcached is used. */
function diff_wrap(Memcached $m, array $old): Memcached
{
    foreach ((new ReflectionClass('MemRehash\Memcached'))->getMethods(ReflectionMethod::IS_STATIC) as $rm) {
        $p = $rm->getParameters();
        if (isset($p[0]) && (string)$p[0]->getType() === 'Memcached') {
            return $rm->invoke(null, $m, $old);
        }
    }
    fwrite(STDERR, "driver: MemRehash\\Memcached has no named constructor taking a \\Memcached\n");
    exit(2);
}

/** Returns the [option => value] list every side gets for $config. */
function diff_config(string $config): array
{
    $common = [
        Memcached::OPT_SERIALIZER => Memcached::SERIALIZER_PHP,
        Memcached::OPT_COMPRESSION => true,
    ];
    switch ($config) {
        case 'text':
            return $common;
        case 'binary':
            return $common + [Memcached::OPT_BINARY_PROTOCOL => true, Memcached::OPT_PREFIX_KEY => 'app:'];
    }
    fwrite(STDERR, "driver: unknown config $config\n");
    exit(2);
}

/** Runs the sequence; the record goes to --out. */
function diff_main(array $argv): void
{
    $a = diff_args($argv);
    $servers = explode(',', $a['servers']);
    $out = fopen($a['out'], 'wb');
    $rec = new DiffRecorder($out, $servers);
    // Start from empty servers: this side's own, and only them.
    foreach ($servers as $s) {
        diff_raw_flush($s);
    }
    $m = diff_client($a['side'], $servers);
    foreach (diff_config($a['config']) as $opt => $val) {
        $rec->call($m, 'setOption', [$opt, $val]);
    }
    $seq = new DiffSequence(new DiffRng((int)$a['seed']), $m, $rec, $a['config']);
    $n = (int)$a['ops'];
    for ($i = 0; $i < $n; $i++) {
        $rec->step = $i + 1;
        $seq->step();
    }
    $rec->step = $n + 1;
    $seq->closing();
    $rec->step = $n + 2;
    $rec->raw('coverage', array_keys($rec->methods));
    $rec->raw('dump', diff_dump($servers, $seq->universe()));
    fclose($out);
}

/** Calls methods, normalizes what they return and writes one JSON line per call. */
final class DiffRecorder
{
    /** @var array<string,int> methods called (name => count) */
    public array $methods = [];
    /** @var resource */
    private $out;
    private array $servers;
    private int $n = 0;
    private ?array $held = null;
    /** the sequence step the next lines belong to (compare.php aligns by it) */
    public int $step = 0;

    public function __construct($out, array $servers)
    {
        $this->out = $out;
        $this->servers = $servers;
    }

    /** Calls $m->$method(...$args); returns [return value, threw]. Records
     * the call, its outcome, warnings and the result code and message. */
    public function call(Memcached $m, string $method, array $args, array $extra = []): array
    {
        $this->methods[$method] = ($this->methods[$method] ?? 0) + 1;
        if (in_array($method, explode(',', (string)getenv('DIFF_SKIPOP')), true)) {
            return [null, false];
        }
        $errors = [];
        set_error_handler(function (int $no, string $msg) use (&$errors) {
            $errors[] = [$no, diff_norm_message($msg)];
            return true;
        });
        $threw = null;
        $ret = null;
        if (getenv('DIFF_TRACE')) {
            fwrite(STDERR, "call $method " . json_encode(diff_canon($args), JSON_UNESCAPED_SLASHES) . "\n");
        }
        $callArgs = array_map(fn($a) => $a instanceof DiffToken ? $a->value : $a, $args);
        try {
            $ret = $m->$method(...$callArgs);
        } catch (Throwable $e) {
            $threw = [get_class($e), diff_norm_message($e->getMessage())];
        } finally {
            restore_error_handler();
        }
        $line = [
            'i' => 0,
            'op' => $method,
            'args' => diff_canon($args),
            'ret' => $threw ? ['threw' => $threw] : diff_canon($this->norm($method, $args, $ret)),
            'errors' => $errors,
            'code' => $m->getResultCode(),
            'msg' => $m->getResultMessage(),
        ];
        if ($extra) {
            $line['extra'] = diff_canon($extra);
        }
        if ($this->held !== null) {
            $this->held[] = [$ret, $line];
        } else {
            $this->write($line);
        }
        return [$ret, $threw !== null];
    }

    /** Holds the lines of the next calls back until release(). */
    public function hold(): void
    {
        $this->held = [];
    }

    /** Writes the held lines: those whose call returned an item (fetch)
     * sorted by the item's key, the others after them in call order. The
     * order in which servers answer a getDelayed is not PECL's contract. */
    public function release(): void
    {
        $items = array_values(array_filter($this->held, fn($h) => is_array($h[0])));
        $rest = array_values(array_filter($this->held, fn($h) => !is_array($h[0])));
        usort($items, fn($a, $b) => strcmp((string)($a[0]['key'] ?? ''), (string)($b[0]['key'] ?? '')));
        $this->held = null;
        foreach (array_merge($items, $rest) as [, $line]) {
            $this->write($line);
        }
    }

    /** Writes one line, numbered in writing order. */
    private function write(array $line): void
    {
        $line['i'] = $this->n++;
        $line['step'] = $this->step;
        fwrite($this->out, json_encode($line, JSON_UNESCAPED_SLASHES) . "\n");
    }

    /** Records a line that is not a call (coverage, dump). */
    public function raw(string $what, $data): void
    {
        $this->write(['i' => 0, 'op' => "#$what", 'ret' => diff_canon($data)]);
    }

    /** Returns $ret with what legitimately differs between two server sets
     * replaced: CAS tokens (each server numbers its own), server addresses
     * (each side has its own ports), stats figures (pids, uptimes), and the
     * order of unordered multi-key replies. */
    private function norm(string $method, array $args, $ret)
    {
        switch ($method) {
            case 'getMulti':
            case 'getMultiByKey':
                $flags = (int)($args[$method === 'getMulti' ? 1 : 2] ?? 0);
                if (is_array($ret) && !($flags & Memcached::GET_PRESERVE_ORDER)) {
                    ksort($ret, SORT_STRING);
                }
                return diff_strip_cas($ret);
            case 'fetchAll':
                if (is_array($ret)) {
                    usort($ret, fn($a, $b) => strcmp((string)($a['key'] ?? ''), (string)($b['key'] ?? '')));
                }
                return diff_strip_cas($ret);
            case 'getServerByKey':
                return is_array($ret) ? $this->serverIndex($ret) : $ret;
            case 'getServerList':
                return is_array($ret) ? array_map(fn($s) => $this->serverIndex($s), $ret) : $ret;
            case 'getStats':
                // The general stats have a fixed set of names; "items" and
                // "slabs" list the slab classes in use, which depends on what
                // the server held before the run: their shape only.
                $general = ($args[0] ?? null) === null;
                return is_array($ret) ? $this->byServer($ret, fn($v) => is_array($v) ? ($general ? diff_sorted(array_keys($v)) : 'an array') : $v) : $ret;
            case 'getLastErrorMessage':
                // libmemcached's text names a pointer, a source line and the server.
                return is_string($ret) ? $this->serverNames(preg_replace(['/\(0x[0-9a-f]+\) /', '/ -> \S+:\d+$/'], '', $ret)) : $ret;
            case 'getVersion':
                return is_array($ret) ? $this->byServer($ret, fn($v) => $v) : $ret;
            case 'getAllKeys':
                // What "stats cachedump" lists is best-effort (flushed and
                // expired items too, up to a size): the kind of reply only.
                return is_array($ret) ? 'an array' : $ret;
            case 'getLastDisconnectedServer':
                return is_array($ret) ? $this->serverIndex($ret) : $ret;
        }
        return diff_strip_cas($ret);
    }

    /** Returns $text with each of this side's "host:port" turned into its index. */
    private function serverNames(string $text): string
    {
        foreach ($this->servers as $idx => $hp) {
            $text = str_replace($hp, "server $idx", $text);
        }
        return $text;
    }

    /** Returns a server description with host and port turned into the
     * server's index in this side's list. */
    private function serverIndex(array $s): array
    {
        if (isset($s['host'], $s['port'])) {
            $idx = array_search($s['host'] . ':' . $s['port'], $this->servers, true);
            unset($s['host'], $s['port']);
            $s = ['server' => $idx === false ? 'unknown' : $idx] + $s;
        }
        return $s;
    }

    /** Returns a "host:port" => X map re-keyed by server index, X mapped by $f. */
    private function byServer(array $r, callable $f): array
    {
        $out = [];
        foreach ($r as $hp => $v) {
            $idx = array_search($hp, $this->servers, true);
            $out[$idx === false ? "unknown $hp" : "server $idx"] = $f($v);
        }
        ksort($out);
        return $out;
    }
}

/** Returns $msg with the class name of the side taken out, so PECL's
 * "Memcached::get()" and the drop-in's "MemRehash\Memcached::get()" compare. */
function diff_norm_message(string $msg): string
{
    return preg_replace('/\b(MemRehash\\\\)?Memcached::/', 'CLASS::', $msg);
}

/** Returns a copy of $v where every 'cas' entry (GET_EXTENDED, getDelayed
 * with_cas) is "token" if it is a non-zero integer: the tokens themselves are
 * each server's own counter. */
function diff_strip_cas($v)
{
    if (!is_array($v)) {
        return $v;
    }
    foreach ($v as $k => $x) {
        if ($k === 'cas' && is_int($x)) {
            $v[$k] = $x !== 0 ? 'token' : 0;
        } elseif (is_array($x)) {
            $v[$k] = diff_strip_cas($x);
        }
    }
    return $v;
}

/** Returns $list sorted (a set compared as a list). */
function diff_sorted(array $list): array
{
    sort($list, SORT_STRING);
    return $list;
}

/** A CAS token argument: passed as its value, recorded as its label. */
final class DiffToken
{
    public $value;
    public string $label;

    public function __construct($value, string $label)
    {
        $this->value = $value;
        $this->label = $label;
    }
}

/** The random calls. One step draws everything it needs from the RNG before
 * calling, so both sides draw the same numbers whatever the replies. */
final class DiffSequence
{
    private DiffRng $r;
    private Memcached $m;
    private DiffRecorder $rec;
    private string $prefix;
    /** @var array<string,int> last CAS token seen per key on THIS side */
    private array $tokens = [];
    private array $plainKeys = [];
    private array $numKeys = [];
    private array $serverKeys = [];
    /** keys that only ever hold short strings: append/prepend's targets */
    private array $appendKeys = [];
    private array $badKeys;
    private bool $binary;

    public function __construct(DiffRng $r, Memcached $m, DiffRecorder $rec, string $config)
    {
        $this->r = $r;
        $this->m = $m;
        $this->rec = $rec;
        $this->binary = $config === 'binary';
        $this->prefix = $config === 'binary' ? 'app:' : '';
        for ($i = 0; $i < 120; $i++) {
            $this->plainKeys[] = "k$i";
        }
        $this->plainKeys[] = 'user:42:profile';
        $this->plainKeys[] = "utf8-\u{00e9}t\u{00e9}";
        $this->plainKeys[] = str_repeat('L', 250 - strlen($this->prefix));   // the longest valid key
        for ($i = 0; $i < 20; $i++) {
            $this->numKeys[] = "n$i";
        }
        for ($i = 0; $i < 8; $i++) {
            $this->serverKeys[] = "sk$i";
        }
        for ($i = 0; $i < 15; $i++) {
            $this->appendKeys[] = "a$i";
        }
        $this->badKeys = $this->binary ? [
            // Over the binary protocol PECL sends a too-long key (length
            // checked without the prefix, or not at all) and the server
            // closes the connection: which failure is then reported depends
            // on timing, so no too-long key in this config.
            '',
            'has space',
            "ctl\x01byte",
            "new\nline",
            "tab\tkey",
            "del\x7f",
        ] : [
            '',                                      // empty
            str_repeat('x', 251 - strlen($this->prefix)),   // one byte too long (with the prefix)
            str_repeat('y', 400),
            'has space',
            "ctl\x01byte",
            "new\nline",
            "tab\tkey",
            "del\x7f",
        ];
    }

    /** Returns every valid key the sequence can store (for the end dump). */
    public function universe(): array
    {
        $u = [];
        foreach (array_merge($this->plainKeys, $this->numKeys, $this->appendKeys, ['42', '1.5', '1']) as $k) {
            $u[] = $this->prefix . $k;
        }
        return $u;
    }

    /** Returns a key: mostly valid, sometimes bad or not a string. */
    private function key(bool $allowNonString = true)
    {
        $p = $this->r->below(100);
        if ($p < 70) {
            return $this->r->pick($this->plainKeys);
        }
        if ($p < 85) {
            return $this->r->pick($this->numKeys);
        }
        if ($p < 95 || !$allowNonString) {
            return $this->r->pick($this->badKeys);
        }
        return $this->r->pick([42, 1.5, true, null, ['arr'], new stdClass()]);
    }

    /** Returns a key for a multi-key call: valid, or bad only by its length.
     * PECL 3.2.0 checks no key of getMulti, getDelayed, deleteMulti or
     * setMulti for spaces and control bytes: such a key reaches the wire raw,
     * the replies fall out of step and libmemcached 1.1.4 later aborts
     * (assertion in memcached_send_ascii) or crashes. Found by this test;
     * single-key calls get every kind of bad key. */
    private function multiKey()
    {
        $p = $this->r->below(100);
        if ($p < 45) {
            return $this->r->pick($this->numKeys);
        }
        if ($p < 60) {
            return $this->r->pick($this->appendKeys);
        }
        if ($p < 85) {
            // Over the binary protocol a too-long key in a multi-key call makes
            // the server close the connection, and which failure PECL then
            // reports depends on timing: only the empty key there.
            return $this->binary ? '' : $this->r->pick(['', $this->badKeys[1], $this->badKeys[2]]);
        }
        return $this->r->pick([42, 1.5, true]);
    }

    /** Returns a key for append/prepend: one that holds a short string or
     * nothing, sometimes a bad one. Never a key that may hold a serialized or
     * compressed value: after a prepend PECL 3.2.0 takes the prepended bytes
     * for the compressed value's length header (alone: "tried to allocate
     * 1970040832 bytes"; within this sequence: segfaults later on). */
    private function appendKey()
    {
        if ($this->r->chance(88)) {
            return $this->r->pick($this->appendKeys);
        }
        // Over the binary protocol "has space" and the like are valid keys
        // that other calls fill with any value: only the empty key there.
        return $this->binary ? '' : $this->r->pick($this->badKeys);
    }

    /** Returns a server key for the *ByKey calls (sometimes a bad one). */
    private function serverKey()
    {
        $p = $this->r->below(100);
        if ($p < 85) {
            return $this->r->pick($this->serverKeys);
        }
        if ($p < 95) {
            return $this->r->pick($this->plainKeys);
        }
        return $this->r->pick(['', 'a b', "c\x02"]);
    }

    /** Returns a list of 0 to 12 keys, duplicates possible. */
    private function keys(): array
    {
        $n = $this->r->below(13);
        $out = [];
        for ($i = 0; $i < $n; $i++) {
            $out[] = $this->r->chance(90) ? $this->r->pick($this->plainKeys) : $this->multiKey();
        }
        return $out;
    }

    /** Returns an expiration: none, an hour, or already past. */
    private function ttl(): int
    {
        $p = $this->r->below(100);
        if ($p < 55) {
            return 0;
        }
        if ($p < 85) {
            return DIFF_HOUR;
        }
        return $this->r->chance(80) ? DIFF_PAST : -1;
    }

    /** Returns a get flags value. */
    private function getFlags(): int
    {
        return $this->r->pick([0, 0, Memcached::GET_EXTENDED, Memcached::GET_PRESERVE_ORDER,
            Memcached::GET_PRESERVE_ORDER | Memcached::GET_EXTENDED]);
    }

    /** Returns a CAS token for $key: the one this side last saw, or a wrong
     * one. The record shows the label, not the number (each server set counts
     * its own tokens). */
    private function token($key, bool $right): DiffToken
    {
        return new DiffToken($this->tokenValue($key, $right), $right ? 'right token' : 'wrong token');
    }

    /** Returns the number token() labels. */
    private function tokenValue($key, bool $right)
    {
        $k = is_scalar($key) ? (string)$key : '';
        $t = $this->tokens[$k] ?? null;
        if ($t === null) {
            return $right ? 1 : 987654321;
        }
        return $right ? $t : $t + 7777777;
    }

    /** Remembers CAS tokens found in a reply (GET_EXTENDED, with_cas). */
    private function learn($key, $ret): void
    {
        if (is_array($ret) && isset($ret['cas']) && is_scalar($key)) {
            $this->tokens[(string)$key] = $ret['cas'];
        }
    }

    /** Remembers the tokens of a multi-key reply keyed by key. */
    private function learnMany($ret): void
    {
        if (!is_array($ret)) {
            return;
        }
        foreach ($ret as $k => $v) {
            if (is_array($v) && isset($v['cas'])) {
                $this->tokens[(string)$k] = $v['cas'];
            } elseif (is_array($v) && isset($v['key'], $v['cas'])) {
                $this->tokens[(string)$v['key']] = $v['cas'];
            }
        }
    }

    /** Returns a read-through callback whose behaviour was drawn already. */
    private function cacheCallback(array &$calls)
    {
        $store = $this->r->chance(60);
        $value = diff_value($this->r);
        $ttl = $this->r->pick([0, DIFF_HOUR, DIFF_PAST]);
        $self = $this->m;
        if (getenv('DIFF_TRACE')) {
            fwrite(STDERR, 'callback ' . json_encode(diff_canon([$store, $value, $ttl]), JSON_UNESCAPED_SLASHES) . "\n");
        }
        return function ($memc, $key, &$val, &$expiration = null) use ($store, $value, $ttl, $self, &$calls) {
            $calls[] = ['same_object' => $memc === $self, 'key' => $key, 'args' => func_num_args()];
            if ($store) {
                $val = $value;
                $expiration = $ttl;
            }
            return $store;
        };
    }

    /** Runs one random call. */
    public function step(): void
    {
        $m = $this->m;
        $rec = $this->rec;
        $op = $this->r->below(1000);
        // Weighted by how often apps use them; every branch runs many times in 10,000 steps.
        if ($op < 140) {
            $k = $this->key();
            $f = $this->getFlags() & Memcached::GET_EXTENDED;
            [$ret] = $rec->call($m, 'get', $f ? [$k, null, $f] : [$k]);
            $this->learn($k, $ret);
        } elseif ($op < 170) {
            $k = $this->key();
            $calls = [];
            $cb = $this->cacheCallback($calls);
            $f = $this->r->chance(50) ? Memcached::GET_EXTENDED : 0;
            $rec->call($m, 'get', [$k, $cb, $f], ['callback' => &$calls]);
        } elseif ($op < 230) {
            $ks = $this->keys();
            $f = $this->getFlags();
            [$ret] = $rec->call($m, 'getMulti', [$ks, $f]);
            $this->learnMany($ret);
        } elseif ($op < 255) {
            $this->delayed(false);
        } elseif ($op < 265) {
            $this->delayed(true);
        } elseif ($op < 385) {
            $rec->call($m, 'set', [$this->key(), diff_value($this->r), $this->ttl()]);
        } elseif ($op < 420) {
            $rec->call($m, 'setMulti', [$this->items(), $this->ttl()]);
        } elseif ($op < 460) {
            $rec->call($m, 'add', [$this->key(), diff_value($this->r), $this->ttl()]);
        } elseif ($op < 500) {
            $rec->call($m, 'replace', [$this->key(), diff_value($this->r), $this->ttl()]);
        } elseif ($op < 520) {
            $rec->call($m, 'append', [$this->appendKey(), diff_string($this->r)]);
        } elseif ($op < 535) {
            $rec->call($m, 'prepend', [$this->appendKey(), diff_string($this->r)]);
        } elseif ($op < 545) {
            $rec->call($m, 'set', [$this->r->pick($this->appendKeys), diff_string($this->r), $this->r->chance(80) ? 0 : DIFF_HOUR]);
        } elseif ($op < 600) {
            $k = $this->key();
            $right = $this->r->chance(60);
            if ($this->r->chance(70)) {
                // A fresh token most of the time: a read-modify-write as apps do it.
                [$ret] = $rec->call($m, 'get', [$k, null, Memcached::GET_EXTENDED]);
                $this->learn($k, $ret);
            }
            $rec->call($m, 'cas', [$this->token($k, $right), $k, diff_value($this->r), $this->ttl()]);
        } elseif ($op < 650) {
            $rec->call($m, 'delete', $this->r->chance(92) ? [$this->key()] : [$this->key(), $this->r->pick([0, 5])]);
        } elseif ($op < 670) {
            $rec->call($m, 'deleteMulti', $this->r->chance(92) ? [$this->keys()] : [$this->keys(), $this->r->pick([0, 5])]);
        } elseif ($op < 740) {
            $this->counter($this->r->chance(55) ? 'increment' : 'decrement', false);
        } elseif ($op < 770) {
            $k = $this->key();
            $rec->call($m, 'touch', [$k, $this->ttl()]);
        } elseif ($op < 900) {
            $this->byKey();
        } elseif ($op < 915) {
            $this->seedCounter();
        } else {
            $this->misc();
        }
    }

    /** Returns items for setMulti: 0 to 10 pairs, sometimes with a bad or int key. */
    private function items(): array
    {
        $n = $this->r->below(11);
        $items = [];
        for ($i = 0; $i < $n; $i++) {
            // Bad keys only of the kinds PECL's setMulti survives: it checks no
            // item key, and a key with a space or control byte reaches the wire
            // raw, desyncs the connection and libmemcached 1.1.4 aborts later.
            $k = $this->r->chance(92) ? $this->r->pick($this->plainKeys) : ($this->binary ? $this->r->pick(['', '42']) : $this->r->pick(['', $this->badKeys[1], $this->badKeys[2], '42']));
            $items[$k] = diff_value($this->r);
        }
        return $items;
    }

    /** Stores a small integer under a counter key, so increments hit. */
    private function seedCounter(): void
    {
        $k = $this->r->pick($this->numKeys);
        // Not PHP_INT_MAX: a counter past 2^63 made one PECL-vs-PECL run differ
        // once (a decrement answered CLIENT ERROR on one side only); not understood.
        $v = $this->r->pick([0, 1, 5, 100, '7', 2147483647, -3, 'abc']);
        $this->rec->call($this->m, 'set', [$k, $v, $this->r->chance(80) ? 0 : DIFF_HOUR]);
    }

    /** increment / decrement (or their ByKey forms), with every optional parameter now and then. */
    private function counter(string $op, bool $byKey): void
    {
        $k = $this->r->chance(80) ? $this->r->pick($this->numKeys) : $this->key();
        $args = [$k];
        $p = $this->r->below(100);
        if ($p >= 20) {
            $args[] = $this->r->pick([1, 1, 2, 10, 0, -1, 1000000]);
        }
        if ($p >= 60) {
            $args[] = $this->r->pick([0, 10, 100]);
        }
        if ($p >= 80) {
            $args[] = $this->r->pick([0, DIFF_HOUR, DIFF_PAST]);
        }
        if ($byKey) {
            array_unshift($args, $this->serverKey());
            $op .= 'ByKey';
        }
        $this->rec->call($this->m, $op, $args);
    }

    /** getDelayed (or getDelayedByKey) then fetch() to the end, fetchAll(),
     * or a value callback. */
    private function delayed(bool $byKey): void
    {
        $ks = $this->keys();
        $withCas = $this->r->chance(40);
        $how = $this->r->pick(['fetch', 'fetchAll', 'callback']);
        $items = [];
        $cb = $how === 'callback' ? function ($memc, $item) use (&$items) {
            $items[] = $item;
        } : null;
        $args = $cb ? [$ks, $withCas, $cb] : [$ks, $withCas];
        if ($byKey) {
            array_unshift($args, $this->serverKey());
        }
        [$ret] = $this->rec->call($this->m, $byKey ? 'getDelayedByKey' : 'getDelayed', $args);
        if ($how === 'callback') {
            // The order in which servers answer is not part of PECL's contract.
            usort($items, fn($a, $b) => strcmp((string)($a['key'] ?? ''), (string)($b['key'] ?? '')));
            $this->rec->raw('delayed-callback-items', diff_strip_cas($items));
            foreach ($items as $it) {
                $this->learnMany([$it]);
            }
            return;
        }
        if ($how === 'fetchAll') {
            [$all] = $this->rec->call($this->m, 'fetchAll', []);
            $this->learnMany(is_array($all) ? $all : []);
            return;
        }
        $this->rec->hold();
        for ($i = 0; $i < 40; $i++) {
            [$it] = $this->rec->call($this->m, 'fetch', []);
            if (!is_array($it)) {
                break;
            }
            $this->learnMany([$it]);
        }
        $this->rec->release();
    }

    /** One of the *ByKey calls. */
    private function byKey(): void
    {
        $m = $this->m;
        $rec = $this->rec;
        $sk = $this->serverKey();
        switch ($this->r->below(16)) {
            case 0:
            case 1:
                $k = $this->key();
                $f = $this->getFlags() & Memcached::GET_EXTENDED;
                [$ret] = $rec->call($m, 'getByKey', $f ? [$sk, $k, null, $f] : [$sk, $k]);
                $this->learn($k, $ret);
                break;
            case 2:
                $calls = [];
                $cb = $this->cacheCallback($calls);
                $rec->call($m, 'getByKey', [$sk, $this->key(), $cb], ['callback' => &$calls]);
                break;
            case 3:
                [$ret] = $rec->call($m, 'getMultiByKey', [$sk, $this->keys(), $this->getFlags()]);
                $this->learnMany($ret);
                break;
            case 4:
                $this->delayed(true);
                break;
            case 5:
            case 6:
                $rec->call($m, 'setByKey', [$sk, $this->key(), diff_value($this->r), $this->ttl()]);
                break;
            case 7:
                $rec->call($m, 'setMultiByKey', [$sk, $this->items(), $this->ttl()]);
                break;
            case 8:
                $rec->call($m, $this->r->chance(50) ? 'addByKey' : 'replaceByKey', [$sk, $this->key(), diff_value($this->r), $this->ttl()]);
                break;
            case 9:
                $rec->call($m, $this->r->chance(50) ? 'appendByKey' : 'prependByKey', [$sk, $this->appendKey(), diff_string($this->r)]);
                break;
            case 10:
                $k = $this->key();
                $right = $this->r->chance(60);
                $rec->call($m, 'casByKey', [$this->token($k, $right), $sk, $k, diff_value($this->r), $this->ttl()]);
                break;
            case 11:
                $rec->call($m, 'deleteByKey', [$sk, $this->key()]);
                break;
            case 12:
                $rec->call($m, 'deleteMultiByKey', [$sk, $this->keys()]);
                break;
            case 13:
                $this->counter($this->r->chance(50) ? 'increment' : 'decrement', true);
                break;
            case 14:
                $rec->call($m, 'touchByKey', [$sk, $this->key(), $this->ttl()]);
                break;
            default:
                $rec->call($m, 'getServerByKey', [$sk]);
                break;
        }
    }

    /** The rarer calls: options, introspection, errors, flush, quit. */
    private function misc(): void
    {
        $m = $this->m;
        $rec = $this->rec;
        $which = $this->r->below(20);
        if (in_array($which, array_map('intval', explode(',', getenv('DIFF_SKIP') ?: '-1')), true)) {
            return;
        }
        switch ($which) {
            case 0:
                // Compression on and off: append/prepend refuse while it is on.
                $rec->call($m, 'setOption', [Memcached::OPT_COMPRESSION, $this->r->chance(50)]);
                break;
            case 1:
                $rec->call($m, 'getOption', [$this->r->pick([Memcached::OPT_COMPRESSION, Memcached::OPT_SERIALIZER,
                    Memcached::OPT_PREFIX_KEY, Memcached::OPT_DISTRIBUTION, Memcached::OPT_HASH,
                    Memcached::OPT_LIBKETAMA_COMPATIBLE, Memcached::OPT_BINARY_PROTOCOL,
                    Memcached::OPT_COMPRESSION_TYPE, Memcached::OPT_TCP_NODELAY, Memcached::OPT_NO_BLOCK,
                    Memcached::OPT_CONNECT_TIMEOUT, Memcached::OPT_POLL_TIMEOUT, Memcached::OPT_SEND_TIMEOUT,
                    Memcached::OPT_RECV_TIMEOUT, Memcached::OPT_RETRY_TIMEOUT, Memcached::OPT_VERIFY_KEY,
                    Memcached::OPT_NOREPLY, Memcached::OPT_BUFFER_WRITES, Memcached::OPT_SERVER_FAILURE_LIMIT])]);
                break;
            case 2:
                $rec->call($m, 'setOptions', [[Memcached::OPT_COMPRESSION => $this->r->chance(50),
                    Memcached::OPT_COMPRESSION_TYPE => $this->r->pick([Memcached::COMPRESSION_FASTLZ, Memcached::COMPRESSION_ZLIB])]]);
                break;
            case 3:
                $rec->call($m, 'setOption', [$this->r->pick([-5, 99999]), 1]);
                break;
            case 4:
                $rec->call($m, 'checkKey', [$this->key()]);
                break;
            case 5:
                $rec->call($m, 'getServerList', []);
                break;
            case 6:
                $rec->call($m, 'getVersion', []);
                break;
            case 7:
                $rec->call($m, 'getStats', $this->r->chance(70) ? [] : [$this->r->pick(['items', 'slabs', 'settings', 'nonsense'])]);
                break;
            case 8:
                $rec->call($m, 'isPersistent', []);
                $rec->call($m, 'isPristine', []);
                break;
            case 9:
                $rec->call($m, 'getLastErrorMessage', []);
                $rec->call($m, 'getLastErrorCode', []);
                $rec->call($m, 'getLastErrorErrno', []);
                $rec->call($m, 'getLastDisconnectedServer', []);
                break;
            case 10:
                $rec->call($m, 'quit', []);
                break;
            case 11:
                $rec->call($m, 'flushBuffers', []);
                break;
            case 12:
                // A flush now and then empties both sides; rare, so most steps meet data.
                if ($this->r->chance(5)) {
                    $rec->call($m, 'flush', [0]);
                } else {
                    $rec->call($m, 'getResultCode', []);
                }
                break;
            case 13:
                $rec->call($m, 'getAllKeys', []);
                break;
            case 14:
                $rec->call($m, 'getResultMessage', []);
                break;
            case 15:
                // Multi-key calls with odd arguments: not lists, non-string members.
                $rec->call($m, 'getMulti', [$this->r->pick([[], [1, 2, 'k1'], ['k1' => 'k2'], [null, 'k3']])]);
                break;
            case 16:
                $rec->call($m, 'setMulti', [$this->r->pick([[], [0 => 'zero', 1 => 'one'], ['k4' => new DiffValue(3)]])]);
                break;
            case 17:
                $rec->call($m, 'deleteMulti', [$this->r->pick([[], ['k5', 'k5'], [7, 'k6', '']])]);
                break;
            case 18:
                $this->delayedThenOther();
                break;
            default:
                $rec->call($m, 'get', [$this->r->pick($this->plainKeys), null, 12345]);
                break;
        }
    }

    /** getDelayed, then another call before fetching: what is left to fetch. */
    private function delayedThenOther(): void
    {
        $ks = [$this->r->pick($this->plainKeys), $this->r->pick($this->plainKeys)];
        $this->rec->call($this->m, 'getDelayed', [$ks]);
        $this->rec->call($this->m, 'get', [$this->r->pick($this->plainKeys)]);
        $this->rec->call($this->m, 'fetchAll', []);
    }

    /** The last calls: read every valid key once, so the record shows
     * the end state through the client too. */
    public function closing(): void
    {
        foreach (array_chunk(array_merge($this->plainKeys, $this->numKeys, $this->appendKeys), 20) as $chunk) {
            $this->rec->call($this->m, 'getMulti', [$chunk, Memcached::GET_PRESERVE_ORDER]);
        }
    }
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    require __DIR__ . '/servers.php';
    diff_main($argv);
}
