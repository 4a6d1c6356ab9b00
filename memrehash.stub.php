<?php

/** @generate-class-entries */

/**
 * A pool holds sockets and process state: it can be neither cloned nor
 * serialized (serialize() and unserialize() throw, as for Closure).
 * @not-serializable
 */
final class MemRehash
{
    /**
     * @var int
     * @cvalue MR_DIST_INTVAL
     */
    public const DIST_INTVAL = UNKNOWN;
    /**
     * @var int
     * @cvalue MR_DIST_MODULA
     */
    public const DIST_MODULA = UNKNOWN;
    /**
     * @var int
     * @cvalue MR_DIST_KETAMA
     */
    public const DIST_KETAMA = UNKNOWN;
    /**
     * @var int
     * @cvalue MR_DIST_CONSISTENT_PLAIN
     */
    public const DIST_CONSISTENT = UNKNOWN;

    /**
     * @var int
     * @cvalue MEMCACHED_HASH_DEFAULT
     */
    public const HASH_DEFAULT = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_HASH_MD5
     */
    public const HASH_MD5 = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_HASH_CRC
     */
    public const HASH_CRC = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_HASH_FNV1_64
     */
    public const HASH_FNV1_64 = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_HASH_FNV1A_64
     */
    public const HASH_FNV1A_64 = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_HASH_FNV1_32
     */
    public const HASH_FNV1_32 = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_HASH_FNV1A_32
     */
    public const HASH_FNV1A_32 = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_HASH_MURMUR
     */
    public const HASH_MURMUR = UNKNOWN;

    /**
     * @var int
     * @cvalue MEMCACHED_SUCCESS
     */
    public const RES_SUCCESS = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_FAILURE
     */
    public const RES_FAILURE = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_HOST_LOOKUP_FAILURE
     */
    public const RES_HOST_LOOKUP_FAILURE = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_CONNECTION_FAILURE
     */
    public const RES_CONNECTION_FAILURE = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_WRITE_FAILURE
     */
    public const RES_WRITE_FAILURE = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_UNKNOWN_READ_FAILURE
     */
    public const RES_UNKNOWN_READ_FAILURE = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_PROTOCOL_ERROR
     */
    public const RES_PROTOCOL_ERROR = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_CLIENT_ERROR
     */
    public const RES_CLIENT_ERROR = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_SERVER_ERROR
     */
    public const RES_SERVER_ERROR = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_DATA_EXISTS
     */
    public const RES_DATA_EXISTS = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_NOTSTORED
     */
    public const RES_NOTSTORED = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_NOTFOUND
     */
    public const RES_NOTFOUND = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_SOME_ERRORS
     */
    public const RES_SOME_ERRORS = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_NO_SERVERS
     */
    public const RES_NO_SERVERS = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_TIMEOUT
     */
    public const RES_TIMEOUT = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_BAD_KEY_PROVIDED
     */
    public const RES_BAD_KEY_PROVIDED = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_E2BIG
     */
    public const RES_E2BIG = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_SERVER_MARKED_DEAD
     */
    public const RES_SERVER_MARKED_DEAD = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_SERVER_TEMPORARILY_DISABLED
     */
    public const RES_SERVER_TEMPORARILY_DISABLED = UNKNOWN;
    /**
     * @var int
     * @cvalue MEMCACHED_SERVER_MEMORY_ALLOCATION_FAILURE
     */
    public const RES_SERVER_MEMORY_ALLOCATION_FAILURE = UNKNOWN;
    /**
     * @var int
     * @cvalue MR_RES_PAYLOAD_FAILURE
     */
    public const RES_PAYLOAD_FAILURE = UNKNOWN;

    /**
     * A pool moving keys from the $old server list to the $new one.
     *
     * Servers are "host:port" strings or [host, port(, weight)] arrays, up
     * to 4,096 per list (ketama: 100). Options (a wrong name, type or value
     * is a MemRehashException naming it; docs/DESIGN.md section 11):
     *  - name (string): the pool's slot in the shared counters; default:
     *    derived from both lists, so every process with the same lists shares it
     *  - distribution, hash (int, DIST_MODULA / HASH_DEFAULT): placement of
     *    both lists, as Memcached's OPT_DISTRIBUTION / OPT_HASH
     *  - old_distribution, old_hash (int): placement of the old list when it differed
     *  - prefix (string, none): prepended to every key, as OPT_PREFIX_KEY
     *  - migrate (bool, true): move keys on read; false only counts what would move
     *  - ordered_move (bool, false): a moving get deletes at the old server
     *    only once the new one holds the copy (three round trips) instead of
     *    the lease move (two; docs/DESIGN.md section 4)
     *  - deferred_delete (bool, false): the ordered move, not waiting for the
     *    delete at the old server (two round trips, weaker timing)
     *  - fallback_ttl (int, 0): TTL of a moved item whose old server did not say
     *  - complete_below (float, 0.01), window (int s, 300): the pool cuts
     *    over by itself once fewer than this share of old lookups over the
     *    last window found the key; 0 turns automatic completion off
     *  - connect_timeout, timeout (int ms, 1000 each)
     *  - retry_interval (int s, INI memrehash.retry_interval): how long a
     *    failed server is skipped, host-wide
     *  - persistent (string): an id; the pool and its connections outlive the request
     *  - serializer ("php", "igbinary", "json", "json_array", "msgpack"; "php")
     *  - compression (bool, "fastlz" or "zlib"; fastlz), compression_threshold (int bytes, 2000)
     * @throws MemRehashException on a bad server list or option
     */
    public function __construct(array $old, array $new, array $options = []) {}

    /**
     * The value at the key's new location; on a miss while the pool
     * migrates, the value at its old location, moved to the new one with
     * its flags and remaining TTL. False on a miss or an error
     * (getResultCode() says which). $cache_cb and $get_flags
     * (Memcached::GET_EXTENDED) as Memcached::get.
     */
    public function get(string $key, ?callable $cache_cb = null, int $get_flags = 0): mixed {}

    /**
     * The found keys and their values (moving those found at their old
     * location), in one round trip per step for the whole batch.
     * GET_PRESERVE_ORDER gives every key, null for a miss; GET_EXTENDED
     * gives value, cas and flags per key.
     */
    public function getMulti(array $keys, int $get_flags = 0): array|false {}

    /**
     * Reads the keys now (moving them as getMulti does); fetch()/fetchAll()
     * then return them one by one or all, or $value_cb gets each.
     */
    public function getDelayed(array $keys, bool $with_cas = false, ?callable $value_cb = null): bool {}

    public function fetch(): array|false {}

    public function fetchAll(): array|false {}

    /**
     * Stores at the new location, then deletes any copy at the old one. An
     * old server that cannot be reached fails the set with its result code
     * (the value is taken back at the new location, and a guard keeps the
     * old copy from moving later).
     */
    public function set(string $key, mixed $value, int $ttl = 0): bool {}

    public function setMulti(array $items, int $ttl = 0): bool {}

    public function add(string $key, mixed $value, int $ttl = 0): bool {}

    public function replace(string $key, mixed $value, int $ttl = 0): bool {}

    /**
     * Deletes at the old location first, then at the new one, so a
     * concurrent move cannot bring the key back.
     */
    public function delete(string $key, int $time = 0): bool {}

    public function deleteMulti(array $keys): array {}

    public function increment(string $key, int $by = 1, int $initial_value = 0, int $expiry = 0): int|false {}

    public function decrement(string $key, int $by = 1, int $initial_value = 0, int $expiry = 0): int|false {}

    public function cas(string|int $cas_token, string $key, mixed $value, int $ttl = 0): bool {}

    public function append(string $key, string $value): bool {}

    public function prepend(string $key, string $value): bool {}

    /** Flushes every server of both lists, as Memcached::flush does one list. */
    public function flush(int $delay = 0): bool {}

    public function touch(string $key, int $ttl): bool {}

    public function getResultCode(): int {}

    public function getResultMessage(): string {}

    /**
     * Where the key lives: ['old' => server, 'new' => server, 'moves' => bool].
     * Nothing is sent.
     */
    public function locate(string $key): array {}

    public function getOldServers(): array {}

    public function getNewServers(): array {}

    /**
     * This pool's shared counters (every process of the host): gets,
     * new_hits, old_lookups, old_hits, migrated, raced, move_failed, misses,
     * sets, deletes, drained, bytes_moved, errors, sessions_*, old_hit_rate
     * over window, state, complete_below, per-server rows and trend.
     */
    public function stats(): array {}

    /** True once the pool has cut over: the old list is no longer asked. */
    public function isComplete(): bool {}

    /** Cuts the pool over now, for every process and host sharing its counters. */
    public function complete(): void {}

    /**
     * Walks an old server's keys (lru_crawler metadump) and moves each to
     * its new location; null drains every server of the old list. Options:
     * rate (keys/s, 0: unlimited), bytes_rate (bytes/s, 0), batch (1-10000,
     * 100), fill_limit (0-1: stop before a new server's memory gets fuller
     * than this share, or once it starts evicting; 0: off), copy (bool:
     * leave the source copy), progress (callable, given the running totals;
     * returning false stops). Returns the totals: scanned, moved, raced,
     * skipped, expired, gone, errors, bytes, stale, seconds, and stopped
     * ("done", "fill_limit", "callback", "error", with error naming it).
     */
    public function drain(?string $server = null, array $options = []): array {}

    /** The pool's counters as every host sharing its counters published them. */
    public function fleetStats(): array {}

    /** Every pool's counters in this host's shared memory, by name. */
    public static function allStats(): array {}

    /**
     * Each transition of memrehash.transitions, in order: name, entry, old
     * and new ("host:port" lists), objects_bindable, bound_objects (bound
     * now in this process), binds (so far), bound (objects bound now),
     * sessions_bindable, sessions_pool, session_opens (bound, so far, in
     * this process). The pools' counters are allStats()[name] and
     * allStats()[sessions_pool].
     */
    public static function transitions(): array {}
}

class MemRehashException extends RuntimeException
{
}
