/* mr_layout: the immutable part of a pool, shared by every pool of a
 * process built from the same server lists and placement options: both
 * placements (libmemcached handles with their ketama continua, the parsed
 * specs), the distinct-server table, the list-position -> connection maps,
 * each connection's role, and the counters rows of one shared slot.
 * Building it grows with the pool (a continuum holds 160 points per
 * server); looking it up again does not grow with anything but the lists'
 * comparison. Refcounted; a process keeps at most MR_LAYOUT_CACHE_MAX of
 * them cached (beyond that a pool builds a private one) until MSHUTDOWN. */
#ifndef MR_LAYOUT_H
#define MR_LAYOUT_H

#include "mr_place.h"
#include "mr_counters.h"

#define MR_LAYOUT_CACHE_MAX 32

typedef struct mr_layout {
	uint64_t hash;             /* of the lists and placement options */
	uint32_t refs;             /* the cache's own reference counts too */
	int dist, hash_fn, old_dist, old_hash;
	mr_place_t *place_old, *place_new;
	uint32_t n_old, n_new;
	uint32_t *old_conn, *new_conn; /* list position -> connection */
	uint32_t nconn;            /* distinct servers of both lists */
	const mr_server_spec_t **conn_spec; /* per connection: its spec (inside a placement) */
	/* per connection: host, port and name, as mr_wire_new borrows them */
	const char **conn_host, **conn_name;
	uint16_t *conn_port;
	uint8_t *role;             /* per connection: MR_ROLE_* */
	mr_ctr_pool_t *rows_slot;  /* the shared slot rows[] belongs to, or NULL */
	mr_ctr_server_t **rows;    /* per connection: its row in rows_slot */
} mr_layout_t;

/* Returns the layout for these lists and options (a new reference), from
 * the cache when one was built before in this process, or NULL with a
 * message in err. */
mr_layout_t *mr_layout_get(const mr_server_spec_t *old_list, uint32_t n_old, int old_dist, int old_hash,
	const mr_server_spec_t *new_list, uint32_t n_new, int dist, int hash, char *err, size_t errlen);

/* Returns l with one more reference (for the caller). */
mr_layout_t *mr_layout_ref(mr_layout_t *l);

/* Drops a reference; the last one frees the layout. */
void mr_layout_release(mr_layout_t *l);

/* Fills out[0..nconn) with each connection's counters row in slot, looked
 * up once per shared slot and layout (shared is false for a process-local
 * slot, whose rows are never cached). */
void mr_layout_rows(mr_layout_t *l, mr_ctr_pool_t *slot, bool shared, mr_ctr_server_t **out);

/* Drops the cache's references (MSHUTDOWN). */
void mr_layout_shutdown(void);

#endif
