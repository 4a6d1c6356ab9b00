/* mr_pool: a pool in transition and its keys. A pool knows an old and a new
 * server list (one wire connection per distinct server), where each key lives
 * in both, its counters slot, and whether it has cut over. It is built from a
 * plain configuration (no PHP values), so the MemRehash class and the
 * session handler build it the same way. Moving keys is migrate.c's work,
 * walking an old server mr_drain.c's; this file only holds the state. */
#ifndef MR_POOL_H
#define MR_POOL_H

#include "mr_wire.h"
#include "mr_place.h"
#include "mr_counters.h"
#include "mr_layout.h"

#define MR_KEY_MAX 250
#define MR_PREFIX_MAX 128
/* Keys of our own in the new pool (completion marker, fleet counters):
 * never moved, never drained. */
#define MR_RESERVED_PREFIX "__memrehash:"

/* A connection index not worked out yet (mr_item_t.o). */
#define MR_CONN_UNKNOWN UINT32_MAX

struct mr_later;               /* migrate.c's delayed deletes */
struct _zend_string;

typedef struct {
	mr_wire_t *wire;           /* one connection per distinct server, old and new */
	mr_layout_t *layout;       /* shared, immutable: the next four point into it */
	mr_place_t *place_old, *place_new;
	uint32_t *old_conn, *new_conn; /* list position -> wire connection */
	uint32_t n_old, n_new;
	uint8_t *role;             /* per connection: MR_ROLE_* */
	char prefix[MR_PREFIX_MAX];
	size_t prefix_len;
	bool migrate;              /* move on read; false: only report */
	bool deferred_delete;      /* a move's delete at O is read later (see p->later) */
	bool ordered_move;         /* a move's delete at O waits for its add at N (no two-round-trip move) */
	int64_t fallback_ttl;      /* TTL of a moved item whose old server did not say */
	mr_ctr_pool_t *ctr;        /* shared counters slot, or NULL when none was free */
	/* ... then this process counts alone, here: allocated only then (a
	 * slot is 20 KB, and zeroing it cost every constructor) */
	mr_ctr_pool_t *local_ctr;
	mr_ctr_server_t **srv;     /* per connection: its counters row (may be NULL) */
	char name[MR_POOL_NAME_MAX];
	char marker_key[64];       /* completion marker in the new pool */
	bool persistent;
	uint32_t refs;             /* persistent pools: live objects using it */
	bool orphan;               /* persistent pool replaced while in use: free at refs 0 */
	struct _zend_string *signature; /* persistent pools: the configuration it was built for */
	bool marker_pending;       /* cut over here; the marker is not yet written */
	/* how often N misses a moving key, seen by this process (decaying):
	 * asking N and O together only pays while N usually misses */
	uint32_t mv_seen, mv_missed, mv_tick;
	/* the shared old-hit rate's verdict for asking N and O together, read
	 * at most once a second (summing its periods costs more than a hit) */
	int64_t together_at;
	bool together_rate;
	/* the second this process last marked the shared rate's period as one
	 * with gets: periods are whole seconds, so once a second is enough */
	int64_t touched_at;
	uint64_t last_marker_ms;   /* this process's last marker look */
	struct mr_item *items;     /* scratch for single-key calls and small batches */
	uint32_t items_cap;
	/* with deferred_delete, the CAS-checked deletes at O that follow moves
	 * go out on connections of their own once the add is done, and their
	 * replies are read later (migrate.c): a moving get waits two
	 * round trips, not three. Owned by migrate.c (mr_migrate_close). */
	mr_wire_t *later;
	struct mr_later *pend;
	uint32_t npend, pendcap;
	uint8_t later_state;
	uint32_t op_seq, later_seq;  /* operation counter; the one that sent the deletes */
} mr_pool_t;

/* One key of an operation: inputs, then what happened. */
typedef struct mr_item {
	char key[MR_KEY_MAX + 1];  /* prefix + user key, as sent */
	size_t klen;
	const char *ukey;          /* the user's key (placement hashes it without prefix) */
	size_t uklen;
	uint32_t n, o;             /* connections of the new and the old location */
	/* store inputs */
	const char *data;
	size_t dlen;
	uint32_t flags;
	/* outcome */
	mr_rc_t rc;                /* MR_OK (found/done), MR_MISS, MR_NOTSTORED, MR_EXISTS, or an error */
	const char *val;           /* get: value bytes, valid until the next operation */
	size_t vlen;
	uint32_t vflags;
	uint64_t number;           /* increment/decrement result */
	bool want_cas;             /* get: also report the item's CAS in out_cas */
	uint64_t out_cas;          /* get: the CAS of the copy returned (at N once moved) */
	/* internal */
	uint32_t rn, ro, ra, rd;
	uint32_t rg, rg2;          /* requests about the key's guard at N and at its peer (mr_guard.h) */
	uint32_t rl, rlook;        /* a move's lease at N: its taking, the look after the add (mr_lease.h) */
	uint64_t lease_cas;        /* the lease this get holds (0: none) */
	int64_t ttl;
	uint64_t cas, add_cas;
	uint8_t stage;
	bool from_old;
	bool retried;              /* drain: an earlier delete at the source went unanswered */
} mr_item_t;

/* What a pool is built from: both lists and the options, already checked
 * by the caller (memrehash.c's option parser, the session's save_path). */
typedef struct {
	const mr_server_spec_t *old_list, *new_list;
	uint32_t n_old, n_new;
	int dist, hash, old_dist, old_hash;
	const char *name;          /* 1..MR_POOL_NAME_MAX-1 bytes: the counters slot */
	const char *prefix;        /* may be NULL */
	size_t prefix_len;         /* < MR_PREFIX_MAX */
	bool migrate;
	bool deferred_delete;
	bool ordered_move;
	int64_t fallback_ttl;
	double complete_below;     /* 0..1: automatic cut-over below this old-hit rate */
	bool cutover_set;          /* complete_below or window given: they apply host-wide */
	uint32_t window;
	uint32_t connect_timeout_ms, timeout_ms, retry_interval_s;
	/* the layout for these lists and placement options when the caller
	 * has it (the pool takes its own reference), else NULL: looked up */
	mr_layout_t *layout;
} mr_pool_cfg_t;

/* Writes the default pool name for cfg's lists into out: "old,... > new,...",
 * so every worker with the same lists shares counters; a name too long for a
 * counters slot ends in a hash of the whole. */
void mr_pool_default_name(const mr_pool_cfg_t *cfg, char *out, size_t size);

/* Returns a new pool for cfg, bound to its counters slot, allocated
 * persistently when persistent; or NULL with a message in err. */
mr_pool_t *mr_pool_new(const mr_pool_cfg_t *cfg, bool persistent, char *err, size_t errlen);

/* Binds the pool to its shared counters slot again (a persistent pool
 * reused by a new object: the cut-over settings given now apply). Warns
 * when every slot is taken: the pool then counts in this process only. */
void mr_pool_attach_counters(mr_pool_t *p, const mr_pool_cfg_t *cfg);

/* Frees a pool and everything it owns. migrate.c's delayed deletes must be
 * gone first: callers free a pool through mr_migrate_close. */
void mr_pool_free(mr_pool_t *p);

/* Returns the pool's scratch items, grown to hold n. */
mr_item_t *mr_pool_items(mr_pool_t *p, uint32_t n);

/* Returns the counters this pool writes to (shared slot or the local one). */
static inline mr_ctr_pool_t *mr_pool_ctr(mr_pool_t *p)
{
	return p->ctr ? p->ctr : p->local_ctr;
}

/* Counts an error against the pool and the server on conn. */
void mr_pool_count_error(mr_pool_t *p, uint32_t conn);

/* Counts bytes moved from connection o to connection n. */
void mr_pool_count_move(mr_pool_t *p, uint32_t o, uint32_t n, size_t bytes);

/* Fills it->n for a key whose user part is it->ukey; it->o is left
 * MR_CONN_UNKNOWN, worked out when an operation needs it (a get that hits N
 * never hashes the key for the old list). */
void mr_pool_locate_new(mr_pool_t *p, mr_item_t *it);

/* Fills it->n and it->o. */
void mr_pool_locate(mr_pool_t *p, mr_item_t *it);

/* Returns it->o, working it out the first time it is needed. */
static inline uint32_t mr_pool_old_conn(const mr_pool_t *p, mr_item_t *it)
{
	if (it->o == MR_CONN_UNKNOWN) {
		it->o = p->old_conn[mr_place_index(p->place_old, it->ukey, it->uklen)];
	}
	return it->o;
}

/* Returns true when the pool has cut over (no more old lookups). */
bool mr_pool_is_complete(mr_pool_t *p);

/* Cuts the pool over by itself when the recent old-hit rate fell below
 * complete_below (call after old lookups; no I/O: the marker is left
 * pending for mr_fleet_after_op to write). */
void mr_pool_check_cutover(mr_pool_t *p);

#endif
