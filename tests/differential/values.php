<?php
/* Values for the differential test: what the sequence stores, and the
 * canonical form a record keeps of any PHP value (JSON-safe, typed, binary
 * safe, so 1, 1.0, "1" and true stay apart). */

/** A userland object: stored with the PHP serializer, read back as itself. */
final class DiffValue
{
    public int $n;
    public array $tags;

    public function __construct(int $n)
    {
        $this->n = $n;
        $this->tags = ['t' . ($n % 5), 'x'];
    }
}

/** Returns a random value of one of the types PECL stores in its own way
 * (string, long, double, bool, serialized array/object, null), now and then
 * one big enough to be compressed. */
function diff_value(DiffRng $r)
{
    switch ($r->below(14)) {
        case 0:
        case 1:
        case 2:
            return diff_string($r);
        case 3:
            return $r->pick([0, 1, -1, 42, PHP_INT_MAX, PHP_INT_MIN, 123456789]);
        case 4:
            return $r->pick([0.0, 1.5, -2.25, 1e100, 3.0]);
        case 5:
            return $r->pick([true, false]);
        case 6:
            return null;
        case 7:
            return ['a' => 1, 'b' => [1, 2, $r->below(1000)], 'c' => 'str'];
        case 8:
            return new DiffValue($r->below(1000));
        case 9:
            // Compressible and above the 2000-byte threshold: stored compressed.
            return str_repeat('compress me ' . $r->below(10), 300);
        case 10:
            // Above the threshold but random bytes: compression does not pay, stored raw.
            $s = '';
            for ($i = 0; $i < 2600; $i++) {
                $s .= chr($r->below(256));
            }
            return $s;
        case 11:
            return "bin\x00ary\r\nEND\r\n" . $r->below(100);
        case 12:
            return '';
        default:
            return (string)$r->below(100000);
    }
}

/** Returns a short random string (append/prepend material, plain values). */
function diff_string(DiffRng $r): string
{
    return $r->pick(['v', 'value-', 'héllo', "a\r\nb", '12', 'xyz']) . $r->below(1000);
}

/** Returns $v in canonical, JSON-safe form. */
function diff_canon($v)
{
    if ($v === null) {
        return 'null';
    }
    if (is_bool($v)) {
        return $v ? 'true' : 'false';
    }
    if (is_int($v)) {
        return "i:$v";
    }
    if (is_float($v)) {
        return 'd:' . var_export($v, true);
    }
    if (is_string($v)) {
        // memcached rewrites a decremented counter in place, padded with
        // spaces ("10" -> "9 "), only while no other thread holds the item
        // (its LRU crawler may): padded or not is the server's timing
        if (preg_match('/^(\d+) +$/', $v, $m)) {
            return "s:$m[1]";
        }
        return preg_match('/^[\x20-\x7e]*$/', $v) ? "s:$v" : 'x:' . bin2hex($v);
    }
    if (is_array($v)) {
        $out = [];
        foreach ($v as $k => $x) {
            $out[] = [is_int($k) ? "i:$k" : diff_canon($k), diff_canon($x)];
        }
        return ['array' => $out];
    }
    if ($v instanceof DiffToken) {
        return $v->label;
    }
    if ($v instanceof Closure) {
        return 'closure';
    }
    if (is_object($v)) {
        $cls = get_class($v);
        if ($v instanceof Memcached) {
            $cls = 'the client';
        }
        return ['object' => $cls, 'props' => $v instanceof Memcached ? [] : diff_canon(get_object_vars($v))];
    }
    return 'type:' . gettype($v);
}
