/* mr_place: server specs and key placement (which server of a list holds a
 * key). libmemcached computes placement for modula and ketama, so a key lands
 * exactly where PECL memcached would put it. */
#ifndef MR_PLACE_H
#define MR_PLACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define MR_DIST_MODULA 0   /* = Memcached::DISTRIBUTION_MODULA */
#define MR_DIST_KETAMA 1   /* = Memcached::DISTRIBUTION_CONSISTENT, libketama compatible */
#define MR_DIST_INTVAL 16  /* ((int)$key % n + n) % n */
/* Memcached::DISTRIBUTION_CONSISTENT without OPT_LIBKETAMA_COMPATIBLE
 * (Drupal's default): libmemcached's plain consistent distribution */
#define MR_DIST_CONSISTENT_PLAIN 2
/* Internal, not a Memcached::DISTRIBUTION_* value and never accepted as an
 * option: plain (non-weighted) ketama, MEMCACHED_BEHAVIOR_KETAMA, as PECL
 * memcached's session handler sets it with memcached.sess_consistent_hash. */
#define MR_DIST_CONSISTENT 1001

/* Internal hash value: MEMCACHED_HASH_DEFAULT set explicitly, after the
 * distribution. It matters with libketama compatibility only, which implies
 * MD5 unless the hash is set again afterwards (as Memcached::setOption(
 * OPT_HASH, HASH_DEFAULT) after OPT_LIBKETAMA_COMPATIBLE does). */
#define MR_HASH_FORCE_DEFAULT 1000

#define MR_HOST_MAX 256
/* Servers a list may hold. Placement, the wire engine (connections opened
 * on first use) and the counters (MR_POOL_SERVERS_MAX rows, the rest
 * added up in one row) take any list up to this size. */
#define MR_LIST_SERVERS_MAX 4096
/* ... except a consistent (ketama) list: libmemcached (PECL's too) holds a
 * continuum for at most MEMCACHED_CONTINUUM_SIZE / MEMCACHED_POINTS_PER_SERVER
 * servers (mr_place.c checks the two agree). */
#define MR_KETAMA_SERVERS_MAX 100

/* One server as given by the user. */
typedef struct {
	char host[MR_HOST_MAX];    /* host name, IP address, or unix socket path */
	uint16_t port;             /* 0 for a unix socket */
	uint32_t weight;
	char name[MR_HOST_MAX + 8];/* "host:port", or the socket path: the server's identity */
} mr_server_spec_t;

typedef struct mr_place mr_place_t;

/* Returns true and fills out when s is "host:port", "host:port:weight",
 * "[v6addr]:port[:weight]" or "/path/to.sock"; false with a message in err. */
bool mr_place_parse_spec(const char *s, size_t len, mr_server_spec_t *out, char *err, size_t errlen);

/* Returns true when host/port/weight are acceptable (fills out), false with a message. */
bool mr_place_make_spec(const char *host, size_t hlen, long port, long weight, mr_server_spec_t *out, char *err, size_t errlen);

/* Returns a placement for n servers (n >= 1), or NULL with a message in err. */
mr_place_t *mr_place_new(const mr_server_spec_t *servers, size_t n, int dist, int hash, char *err, size_t errlen);
void mr_place_free(mr_place_t *p);

/* Returns the index (0..n-1) of the server that holds key. */
uint32_t mr_place_index(const mr_place_t *p, const char *key, size_t klen);

/* Returns server i of the list, as given. */
const mr_server_spec_t *mr_place_spec(const mr_place_t *p, uint32_t i);

/* Returns true when hash is one of libmemcached's MEMCACHED_HASH_* values we accept. */
bool mr_place_hash_valid(long hash);

#endif
