/* migrate: the transition itself. A pool knows an old and a new server
 * list; every operation here acts at a key's new location N and, while the
 * pool is migrating, looks at (and moves from) its old location O, with the
 * add / CAS-checked delete rules of DESIGN.md. Values stay bytes + flags:
 * moving never decodes. Drain (walking an old server) lives here too. */
#ifndef MR_MIGRATE_H
#define MR_MIGRATE_H

#include "mr_wire.h"
#include "mr_place.h"
#include "mr_counters.h"

#define MR_KEY_MAX 250
#define MR_PREFIX_MAX 128
#define MR_RESERVED_PREFIX "__memrehash:"
/* A key's guard (see migrate.c, "guards"): at the key's new location,
 * "__memrehash:g:" + the key as sent, or "__memrehash:g:#" + the MD5 (hex)
 * of a key too long for that. */
#define MR_GUARD_PREFIX MR_RESERVED_PREFIX "g:"
#define MR_GUARD_KEY_MAX MR_KEY_MAX

typedef struct {
	mr_wire_t *wire;           /* one connection per distinct server, old and new */
	mr_place_t *place_old, *place_new;
	uint32_t *old_conn, *new_conn; /* list position -> wire connection */
	uint32_t n_old, n_new;
	uint8_t *role;             /* per connection: MR_ROLE_* */
	char prefix[MR_PREFIX_MAX];
	size_t prefix_len;
	bool migrate;              /* move on read; false: only report */
	bool deferred_delete;      /* a move's delete at O is read later (see p->later) */
	int64_t fallback_ttl;      /* TTL of a moved item whose old server did not say */
	mr_ctr_pool_t *ctr;        /* shared counters slot, or NULL when none was free */
	mr_ctr_pool_t local_ctr;   /* ... then this process counts alone */
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
	uint64_t last_marker_ms;   /* this process's last marker look */
	struct mr_item *items;     /* scratch for single-key calls and small batches */
	uint32_t items_cap;
	/* with deferred_delete, the CAS-checked deletes at O that follow moves
	 * go out on connections of their own once the add is done, and their
	 * replies are read later (mr_migrate_settle): a moving get waits two
	 * round trips, not three */
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
	/* internal */
	uint32_t rn, ro, ra, rd;
	uint32_t rg;               /* the request about the key's guard at N, or none */
	int64_t ttl;
	uint64_t cas, add_cas;
	uint8_t stage;
	bool from_old;
	bool retried;              /* drain: an earlier delete at the source went unanswered */
} mr_item_t;

/* Returns the counters this pool writes to (shared slot or the local one). */
static inline mr_ctr_pool_t *mr_pool_ctr(mr_pool_t *p)
{
	return p->ctr ? p->ctr : &p->local_ctr;
}

/* Returns true when the pool has cut over (no more old lookups). */
bool mr_pool_is_complete(mr_pool_t *p);

/* Cuts the pool over now: shared state and the marker key in the new pool. */
bool mr_pool_complete(mr_pool_t *p);

#define MR_CONN_UNKNOWN UINT32_MAX

/* Fills it->n and it->o for a key whose sent form is already in it->key. */
void mr_pool_locate(mr_pool_t *p, mr_item_t *it);

/* Fills it->n only; it->o is worked out when an operation needs it (a get
 * that hits N never hashes the key for the old list). */
void mr_pool_locate_new(mr_pool_t *p, mr_item_t *it);

/* Each returns the number of items that ended in an error; per-item outcomes
 * are in items[i].rc. */
uint32_t mr_migrate_get(mr_pool_t *p, mr_item_t *items, uint32_t n);
uint32_t mr_migrate_store(mr_pool_t *p, mr_item_t *items, uint32_t n, char mode, int64_t ttl);
uint32_t mr_migrate_delete(mr_pool_t *p, mr_item_t *items, uint32_t n);
uint32_t mr_migrate_arith(mr_pool_t *p, mr_item_t *it, bool incr, uint64_t delta);
uint32_t mr_migrate_touch(mr_pool_t *p, mr_item_t *items, uint32_t n, int64_t ttl);

/* Reads the answers of the deletes at O that moves sent without waiting
 * (waiting for them when wait), and takes back at N the copy of a move a
 * writer raced. Returns true when nothing is left waiting. */
bool mr_migrate_settle(mr_pool_t *p, bool wait);

/* Settles everything, waiting (stats, the end of a request, teardown). */
void mr_migrate_flush(mr_pool_t *p);

/* Call after each operation: settles what an earlier operation sent, when
 * its replies have arrived (no waiting). */
void mr_migrate_after_op(mr_pool_t *p);

/* Settles, then frees the delayed-delete state (pool teardown). */
void mr_migrate_later_free(mr_pool_t *p);

/* Drain: walk old server(s) and move every key whose location changes. */
typedef struct {
	double rate;               /* keys per second, 0: unlimited */
	double bytes_rate;         /* bytes per second, 0: unlimited */
	uint32_t batch;            /* keys per pipelined batch */
	double fill_limit;         /* 0..1, 0: off */
	bool copy;                 /* keep the source */
	/* progress: called after each batch; returns false to stop */
	bool (*progress)(void *ctx, const uint64_t *totals);
	void *progress_ctx;
} mr_drain_opts_t;

typedef enum {
	MR_DRAIN_SCANNED = 0, MR_DRAIN_MOVED, MR_DRAIN_RACED, MR_DRAIN_SKIPPED,
	MR_DRAIN_EXPIRED, MR_DRAIN_ERRORS, MR_DRAIN_BYTES,
	MR_DRAIN_STALE,            /* guarded at N: the source's older copy, deleted there */
	MR_DRAIN_COUNT
} mr_drain_total_t;

typedef enum {
	MR_STOP_DONE = 0, MR_STOP_FILL_LIMIT, MR_STOP_CALLBACK, MR_STOP_ERROR
} mr_drain_stop_t;

/* Drains connection src (an old server). Returns why it stopped; totals are
 * added into totals[MR_DRAIN_COUNT]. err gets a message on MR_STOP_ERROR. */
mr_drain_stop_t mr_migrate_drain(mr_pool_t *p, uint32_t src, const mr_drain_opts_t *o, uint64_t *totals, char *err, size_t errlen);

/* One line of `lru_crawler metadump`. */
typedef struct {
	char key[MR_KEY_MAX + 1];  /* URL-decoded */
	size_t klen;
	int64_t exp;               /* absolute unix time, -1: never */
	int64_t size;              /* item size, -1 when not given */
} mr_metadump_t;

/* Returns true when line is a well-formed metadump line with a usable key
 * (fills out); false for anything else. Never reads past line+len. */
bool mr_migrate_parse_metadump_line(const char *line, size_t len, mr_metadump_t *out);

/* Writes the guard key of the sent key key[0..klen) into out (at least
 * MR_GUARD_KEY_MAX + 1 bytes). Returns its length. */
size_t mr_guard_key(const char *key, size_t klen, char *out);

/* Queues (on w) a look at the guard of the sent key key[0..klen) at
 * connection n, its new location. Returns the request index; its rc is
 * MR_OK when the guard is there (the key's old copy must not be used). */
uint32_t mr_guard_get(mr_wire_t *w, const char *key, size_t klen, uint32_t n);

/* Returns the TTL to send for an item with remaining TTL t (from mg or
 * metadump), or -1 when the item is about to expire and must not be copied. */
int64_t mr_migrate_ttl(int64_t remaining, int64_t fallback_ttl, int64_t now);

#endif
