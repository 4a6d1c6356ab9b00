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

    public function __construct(array $old, array $new, array $options = []) {}

    public function get(string $key, ?callable $cache_cb = null, int $get_flags = 0): mixed {}

    public function getMulti(array $keys, int $get_flags = 0): array|false {}

    public function getDelayed(array $keys, bool $with_cas = false, ?callable $value_cb = null): bool {}

    public function fetch(): array|false {}

    public function fetchAll(): array|false {}

    public function set(string $key, mixed $value, int $ttl = 0): bool {}

    public function setMulti(array $items, int $ttl = 0): bool {}

    public function add(string $key, mixed $value, int $ttl = 0): bool {}

    public function replace(string $key, mixed $value, int $ttl = 0): bool {}

    public function delete(string $key, int $time = 0): bool {}

    public function deleteMulti(array $keys): array {}

    public function increment(string $key, int $by = 1, int $initial_value = 0, int $expiry = 0): int|false {}

    public function decrement(string $key, int $by = 1, int $initial_value = 0, int $expiry = 0): int|false {}

    public function cas(string|int $cas_token, string $key, mixed $value, int $ttl = 0): bool {}

    public function append(string $key, string $value): bool {}

    public function prepend(string $key, string $value): bool {}

    public function flush(int $delay = 0): bool {}

    public function touch(string $key, int $ttl): bool {}

    public function getResultCode(): int {}

    public function getResultMessage(): string {}

    public function locate(string $key): array {}

    public function getOldServers(): array {}

    public function getNewServers(): array {}

    public function stats(): array {}

    public function isComplete(): bool {}

    public function complete(): void {}

    public function drain(?string $server = null, array $options = []): array {}

    public function fleetStats(): array {}

    public static function allStats(): array {}

    public static function transitions(): array {}
}

class MemRehashException extends RuntimeException
{
}
