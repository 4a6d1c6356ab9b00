<?php
/* The migrating pool every third-party test runs on: the old list is three
 * servers, the new list the first two of them (the third retires), placement
 * PECL's default (modula, one-at-a-time hash) on both. Data is first written
 * by plain PECL Memcached over the OLD list, as the app did before the move;
 * a PECL client over the NEW list is the independent view of where a key
 * lives afterwards. */

final class FwPool
{
    /** Returns the old list, "host:port" strings. */
    public static function old(): array
    {
        return mr_servers(3);
    }

    /** Returns the new list (the old one without its third server). */
    public static function new(): array
    {
        return mr_servers(2);
    }

    /** Empties every test server. */
    public static function reset(): void
    {
        mr_flush_all();
    }

    /** Returns plain PECL Memcached over $servers with $options set. */
    public static function pecl(array $servers, array $options = []): Memcached
    {
        $m = mr_peer($servers);
        if ($options && !$m->setOptions($options)) {
            throw new RuntimeException('PECL setOptions failed: ' . $m->getResultMessage());
        }
        return $m;
    }

    /** Returns PECL over the old list: the app before the move. */
    public static function before(array $options = []): Memcached
    {
        return self::pecl(self::old(), $options);
    }

    /** Returns PECL over the new list: the independent view after it. */
    public static function after(array $options = []): Memcached
    {
        return self::pecl(self::new(), $options);
    }

    /** Returns the drop-in over (old, new), built by its constructor. */
    public static function dropin(): Memcached
    {
        return new MemRehash\Memcached(self::old(), self::new());
    }

    /** Returns the drop-in built from an app's configured \Memcached over
     * the new list (placement and format copied) plus the old list. */
    public static function wrap(Memcached $configured): Memcached
    {
        return MemRehash\Memcached::fromMemcached($configured, self::old());
    }

    /** Returns the MemRehash class (not a \Memcached) over (old, new). */
    public static function memrehash(): MemRehash
    {
        return new MemRehash(self::old(), self::new());
    }

    /** Returns $n keys of which at least one lives on the retiring third
     * server under the old list (so reading them moves something). */
    public static function keysThatMove(string $prefix, int $n): array
    {
        $old = self::before();
        $retiring = self::old()[2];
        $keys = [];
        $moving = 0;
        for ($i = 0; count($keys) < $n || $moving === 0; $i++) {
            $k = "$prefix$i";
            $s = $old->getServerByKey($k);
            $onRetiring = $s['host'] . ':' . $s['port'] === $retiring;
            if ($onRetiring || count($keys) < $n - 1) {
                $keys[] = $k;
                $moving += $onRetiring ? 1 : 0;
            }
            if ($i > 10000) {
                throw new RuntimeException('no key lives on the retiring server');
            }
        }
        return $keys;
    }
}
