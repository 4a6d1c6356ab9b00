/* mr_counters: transition counters in shared memory.
 *
 * One mapping per host (or per PHP-FPM master), created at MINIT before the
 * workers fork, optionally backed by memrehash.counters_file so CLI scripts
 * and other masters see it too. Fixed-size, versioned, no pointers: a header,
 * then max_pools pool slots found by name. Counters are 64-bit fields updated
 * with __atomic builtins; the header lock is taken only to claim a pool slot
 * or a server row. See docs/DESIGN.md, "Shared counters". */
#ifndef MR_COUNTERS_H
#define MR_COUNTERS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define MR_SHM_MAGIC   0x314d48534552524dULL  /* "MRREHSM1" */
#define MR_SHM_VERSION 1
#define MR_POOL_NAME_MAX 128
#define MR_POOL_SERVERS_MAX 64
#define MR_SERVER_NAME_MAX 264
#define MR_WINDOW_MAX 4096
#define MR_TREND_SAMPLES 60
#define MR_TREND_EVERY_S 10

typedef enum {
	MR_C_GETS = 0,
	MR_C_NEW_HITS,
	MR_C_OLD_LOOKUPS,
	MR_C_OLD_HITS,
	MR_C_MIGRATED,
	MR_C_RACED,
	MR_C_MOVE_FAILED,
	MR_C_MISSES,
	MR_C_SETS,
	MR_C_DELETES,
	MR_C_DRAINED,
	MR_C_BYTES_MOVED,
	MR_C_ERRORS,
	MR_C_SESS_MOVED,
	MR_C_SESS_NEW,
	MR_C_SESS_MISSED,
	MR_C_COUNT
} mr_counter_t;

/* Field names, in mr_counter_t order, as stats() reports them. */
extern const char *const mr_counter_names[MR_C_COUNT];

#define MR_ROLE_OLD  1
#define MR_ROLE_NEW  2
#define MR_ROLE_BOTH 3

typedef struct {
	char name[MR_SERVER_NAME_MAX];
	uint64_t role;
	uint64_t moved_out, moved_in, errors;
} mr_ctr_server_t;

typedef struct {
	uint64_t at;          /* unix seconds */
	uint64_t gets, old_hits, misses;
} mr_trend_t;

#define MR_STATE_MIGRATING 0
#define MR_STATE_COMPLETE  1

/* One pool's slot. Written by every worker at once: only atomics. */
typedef struct {
	uint64_t in_use;                 /* 0 free, 1 claimed */
	uint64_t name_hash;
	char name[MR_POOL_NAME_MAX];
	uint64_t state;                  /* MR_STATE_* */
	uint64_t started, completed;     /* unix seconds */
	uint64_t c[MR_C_COUNT];
	uint64_t complete_below_ppm;     /* cut-over threshold, parts per million; 0: never by itself */
	uint64_t window;                 /* old lookups the rate is taken over */
	uint64_t win_pos;                /* old lookups recorded in the window ring so far */
	uint64_t win_hits;               /* hits among the last `window` of them */
	uint64_t win_bits[MR_WINDOW_MAX / 64];
	uint64_t last_publish;           /* unix ms of the last fleet publish (any worker) */
	uint64_t last_marker_check;      /* unix ms of the last completion-marker check */
	uint64_t trend_pos;
	mr_trend_t trend[MR_TREND_SAMPLES];
	uint64_t nservers;
	mr_ctr_server_t servers[MR_POOL_SERVERS_MAX];
} mr_ctr_pool_t;

typedef struct {
	uint64_t magic;
	uint64_t version;
	uint64_t size;            /* bytes of the whole mapping */
	uint64_t max_pools;
	uint64_t lock;            /* spin lock: claiming a slot */
	uint64_t created;         /* unix seconds */
	uint64_t identity;        /* tells two mappings (two FPM masters) apart */
	uint64_t full_warned;
} mr_ctr_header_t;

/* Maps the counters (file-backed when path is non-empty). Returns true, or
 * false with a message in err (the extension then keeps a private mapping). */
bool mr_counters_init(const char *path, uint32_t max_pools, char *err, size_t errlen);
void mr_counters_shutdown(void);
bool mr_counters_ready(void);

/* Returns the identity of this mapping (stable for a file, per master otherwise). */
uint64_t mr_counters_identity(void);

/* Returns the slot for name, claiming a free one when needed, or NULL when
 * every slot is taken. complete_below_ppm / window are stored on claim, and
 * replace a claimed slot's only when given (a worker built without them
 * must not switch off another's automatic cut-over). */
mr_ctr_pool_t *mr_counters_pool(const char *name, uint64_t complete_below_ppm, uint64_t window, bool given);

/* Returns slot i (0..max_pools-1) when in use, else NULL. */
mr_ctr_pool_t *mr_counters_slot(uint32_t i);
uint32_t mr_counters_max_pools(void);

/* Returns the row for server name in pool p, adding it with role when new. */
mr_ctr_server_t *mr_counters_server(mr_ctr_pool_t *p, const char *name, uint64_t role);

static inline void mr_count(mr_ctr_pool_t *p, mr_counter_t f, uint64_t n)
{
	__atomic_fetch_add(&p->c[f], n, __ATOMIC_RELAXED);
}

static inline uint64_t mr_read(const uint64_t *field)
{
	return __atomic_load_n(field, __ATOMIC_RELAXED);
}

static inline void mr_count_server(uint64_t *field, uint64_t n)
{
	__atomic_fetch_add(field, n, __ATOMIC_RELAXED);
}

/* Records one old lookup (hit or not) in the pool's window. */
void mr_counters_window_record(mr_ctr_pool_t *p, bool hit);

/* Returns the old-hit rate over the last window old lookups (0..1), and how
 * many lookups it is taken over in *seen. */
double mr_counters_window_rate(const mr_ctr_pool_t *p, uint64_t *seen);

/* Marks the pool complete (idempotent). Returns true when this call did it. */
bool mr_counters_complete(mr_ctr_pool_t *p, uint64_t when);

static inline bool mr_counters_is_complete(const mr_ctr_pool_t *p)
{
	return __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == MR_STATE_COMPLETE;
}

/* Takes a trend sample when the last one is older than MR_TREND_EVERY_S. */
void mr_counters_trend_tick(mr_ctr_pool_t *p, uint64_t now_s);

#endif
