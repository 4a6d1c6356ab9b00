/* mr_counters: transition counters in shared memory.
 *
 * One mapping per host (or per PHP-FPM master), created at MINIT before the
 * workers fork, optionally backed by memrehash.counters_file so CLI scripts
 * and other masters see it too. Fixed-size, versioned, no pointers: a header
 * (with the host's down-server table, mr_down.h), then max_pools pool slots found by
 * name. Counters are 64-bit fields updated with __atomic builtins.
 *
 * Nothing in the mapping is a lock. A pool slot (and a server row inside it)
 * is claimed by a compare-and-swap on its claim word: free -> claiming (the
 * claimer's pid and a hash of the name) -> ready. A claim whose pid is gone,
 * or that another process has watched for MR_CLAIM_STALE_MS, is taken over,
 * so a process killed at any instant delays another by at most that bound,
 * and a file left by a crash is usable at the next start. See docs/DESIGN.md,
 * "Shared counters". */
#ifndef MR_COUNTERS_H
#define MR_COUNTERS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#include "mr_down.h"

#define MR_SHM_MAGIC   0x314d48534552524dULL  /* "MRREHSM1" */
#define MR_SHM_VERSION 3
#define MR_POOL_NAME_MAX 128
/* Server rows per pool slot: the first servers of a pool to claim one get
 * a row each; a pool of more servers (lists may hold MR_LIST_SERVERS_MAX)
 * counts the rest together in its `others` row, so a slot stays small. */
#define MR_POOL_SERVERS_MAX 64
#define MR_OTHERS_NAME "(other servers)"
#define MR_SERVER_NAME_MAX 264
#define MR_WINDOW_MAX 86400      /* seconds */
#define MR_WINDOW_DEFAULT 300    /* seconds: long enough to see a site's working set, not only a burst */
#define MR_COMPLETE_BELOW_DEFAULT 0.01 /* see the README's "When is a move complete" */
#define MR_RATE_BUCKETS 64       /* a window is cut into at most 60 of them */
#define MR_TREND_SAMPLES 60
#define MR_TREND_EVERY_S 10
#define MR_CLAIM_STALE_MS 500    /* a claim this old is abandoned: claiming takes microseconds */

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

/* The claim word of a slot or row: 0 free, 1 ready, else claiming. */
#define MR_CLAIM_FREE  0ULL
#define MR_CLAIM_READY 1ULL

typedef struct {
	uint64_t claim;
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
	uint64_t claim;                  /* MR_CLAIM_* or a claim under way */
	uint64_t name_hash;
	char name[MR_POOL_NAME_MAX];
	uint64_t state;                  /* MR_STATE_* */
	uint64_t started, completed;     /* unix seconds */
	uint64_t c[MR_C_COUNT];
	uint64_t complete_below_ppm;     /* cut-over threshold, parts per million; 0: never by itself */
	uint64_t window;                 /* seconds the old-hit rate is taken over */
	uint64_t rate[MR_RATE_BUCKETS];  /* per period: period number, old lookups, old hits (packed) */
	uint64_t last_publish;           /* unix ms of the last fleet publish (any worker) */
	uint64_t last_marker_check;      /* unix ms of the last completion-marker check */
	uint64_t trend_pos;
	mr_trend_t trend[MR_TREND_SAMPLES];
	mr_ctr_server_t servers[MR_POOL_SERVERS_MAX];
	mr_ctr_server_t others;          /* every server beyond the rows, added up */
} mr_ctr_pool_t;

typedef struct {
	uint64_t magic;
	uint64_t version;
	uint64_t size;            /* bytes of the whole mapping */
	uint64_t max_pools;
	uint64_t retired_lock;    /* version 1's claim lock: never read, so a stale one is harmless */
	uint64_t created;         /* unix seconds */
	uint64_t identity;        /* tells two mappings (two FPM masters) apart */
	uint64_t full_warned;
	mr_down_row_t down[MR_DOWN_SLOTS];
} mr_ctr_header_t;

/* A consistent-enough copy of one slot, for reporting: every field read
 * once, atomically; the rate worked out at the time of the copy. */
typedef struct {
	char name[MR_SERVER_NAME_MAX];
	uint64_t role, moved_out, moved_in, errors;
} mr_ctr_server_snap_t;

typedef struct {
	char name[MR_POOL_NAME_MAX];
	uint64_t state, started, completed;
	uint64_t c[MR_C_COUNT];
	uint64_t complete_below_ppm, window;
	double old_hit_rate;              /* over the last window seconds */
	uint64_t window_lookups;          /* old lookups the rate is taken over */
	uint32_t nservers;
	mr_ctr_server_snap_t servers[MR_POOL_SERVERS_MAX + 1]; /* the rows, then MR_OTHERS_NAME when used */
	uint32_t ntrend;
	mr_trend_t trend[MR_TREND_SAMPLES]; /* oldest first */
} mr_ctr_snapshot_t;

/* Maps the counters (file-backed when path is non-empty, created with mode,
 * and group when gid >= 0). Returns true, or false with a message in err
 * (the extension then keeps a private mapping). */
bool mr_counters_init(const char *path, uint32_t max_pools, uint32_t mode, long gid, char *err, size_t errlen);
void mr_counters_shutdown(void);
bool mr_counters_ready(void);

/* Returns true when the mapping is the counters file's (false: anonymous,
 * also when the file could not be opened and this process fell back). */
bool mr_counters_file_backed(void);

/* Returns the identity of this mapping (stable for a file, per master otherwise). */
uint64_t mr_counters_identity(void);

/* Returns the slot for name, claiming a free one when needed, or NULL when
 * every slot is taken. complete_below_ppm / window are stored on claim, and
 * replace a claimed slot's only when given (a worker built without them
 * must not switch off another's automatic cut-over). */
mr_ctr_pool_t *mr_counters_pool(const char *name, uint64_t complete_below_ppm, uint64_t window, bool given);

/* Returns true when a slot named name is in use (nothing is claimed). */
bool mr_counters_exists(const char *name);

/* Sets up p as a process-local slot (when no shared one is free). */
void mr_counters_local(mr_ctr_pool_t *p, const char *name, uint64_t complete_below_ppm, uint64_t window);

/* Returns slot i (0..max_pools-1) when in use, else NULL. */
mr_ctr_pool_t *mr_counters_slot(uint32_t i);
uint32_t mr_counters_max_pools(void);

/* Returns the row for server name in pool p, adding it with role when new
 * (role is or-ed into an existing row's); when the rows are full, the
 * pool's `others` row, which adds up every server without a row. */
mr_ctr_server_t *mr_counters_server(mr_ctr_pool_t *p, const char *name, uint64_t role);

/* Copies slot p into out. */
void mr_counters_snapshot(const mr_ctr_pool_t *p, mr_ctr_snapshot_t *out);

static inline void mr_count(mr_ctr_pool_t *p, mr_counter_t f, uint64_t n)
{
	__atomic_fetch_add(&p->c[f], n, __ATOMIC_RELAXED);
}

static inline void mr_uncount(uint64_t *field, uint64_t n)
{
	__atomic_fetch_sub(field, n, __ATOMIC_RELAXED);
}

static inline void mr_count_server(uint64_t *field, uint64_t n)
{
	__atomic_fetch_add(field, n, __ATOMIC_RELAXED);
}

/* Records one old lookup that answered (hit or miss) in the current period. */
void mr_counters_rate_record(mr_ctr_pool_t *p, bool hit);

/* Marks the current period as one with gets (so a period with gets but no
 * old lookups is evidence of a finished move, and an idle one is not). */
void mr_counters_rate_touch(mr_ctr_pool_t *p);

/* Returns the old-hit rate over the last window seconds (0..1); *lookups
 * gets how many old lookups it is taken over, *active how many of the
 * window's periods saw gets or lookups. */
double mr_counters_rate(const mr_ctr_pool_t *p, uint64_t *lookups, uint32_t *active);

/* Returns true when the pool's own evidence says the move is over: the slot
 * is at least a window old, the window saw traffic, and its old-hit rate is
 * below complete_below (never when complete_below is 0). */
bool mr_counters_cutover_due(const mr_ctr_pool_t *p);

/* Marks the pool complete (idempotent). Returns true when this call did it. */
bool mr_counters_complete(mr_ctr_pool_t *p, uint64_t when);

static inline bool mr_counters_is_complete(const mr_ctr_pool_t *p)
{
	return __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == MR_STATE_COMPLETE;
}

/* Returns when the pool completed (unix seconds; 0 while migrating). */
uint64_t mr_counters_completed_at(const mr_ctr_pool_t *p);

/* Takes a trend sample when the last one is older than MR_TREND_EVERY_S. */
void mr_counters_trend_tick(mr_ctr_pool_t *p, uint64_t now_s);

#endif
