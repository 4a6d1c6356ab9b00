/* Shared transition counters: the mapping, lock-free slot claims, the
 * old-hit rate by period, snapshots. */
#include "php.h"
#include "mr_counters.h"
#include "mr_util.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const mr_counter_names[MR_C_COUNT] = {
	"gets", "new_hits", "old_lookups", "old_hits", "migrated", "raced",
	"move_failed", "misses", "sets", "deletes", "drained", "bytes_moved",
	"errors", "sessions_moved", "sessions_new", "sessions_missed",
};

/* The mapping, made once in MINIT and inherited by every forked worker. */
static mr_ctr_header_t *shm;
static size_t shm_size;
static bool file_backed;  /* the mapping is memrehash.counters_file's */

static mr_ctr_pool_t *slots(void)
{
	return (mr_ctr_pool_t *) ((char *) shm + sizeof(mr_ctr_header_t));
}


static uint64_t str_hash(const char *s)
{
	return mr_fnv1a64(s, strlen(s));
}

/* ---- the mapping ---- */

/* Writes a fresh header for an empty, outdated or damaged mapping. */
static void init_header(uint32_t max_pools, uint64_t identity)
{
	memset(shm, 0, shm_size);
	shm->version = MR_SHM_VERSION;
	shm->size = shm_size;
	shm->max_pools = max_pools;
	shm->created = (uint64_t) time(NULL);
	shm->identity = identity;
	__atomic_store_n(&shm->magic, MR_SHM_MAGIC, __ATOMIC_RELEASE);
}

/* Takes the mapping made by mr_counters_init into use. Returns true. */
static bool mapped(void)
{
	mr_down_attach(shm->down);
	return true;
}

/* Returns true when the mapped header is one this build wrote for this
 * size: anything else (a new file, another layout, a torn first write) is
 * started again. Nothing in a valid header can be left mid-operation. */
static bool header_valid(uint32_t max_pools)
{
	return shm->magic == MR_SHM_MAGIC && shm->version == MR_SHM_VERSION
		&& shm->max_pools == max_pools && shm->size == shm_size;
}

/* Returns an identity for a mapping: the file's device and inode, or this
 * process (the FPM master) and the time, for an anonymous one. */
static uint64_t make_identity(int fd)
{
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0) {
		return ((uint64_t) st.st_dev << 40) ^ (uint64_t) st.st_ino;
	}
	return ((uint64_t) getpid() << 32) ^ (uint64_t) time(NULL);
}

/* Opens (creating with mode and group) the counters file. Returns the fd,
 * or -1 with a message that says what to change. */
static int open_file(const char *path, uint32_t mode, long gid, char *err, size_t errlen)
{
	mode_t old_mask = umask(0); /* the mode the INI asks for, not the umask's */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, (mode_t) mode);
	umask(old_mask);
	if (fd < 0) {
		int e = errno;
		struct stat st;
		if (e == EACCES && stat(path, &st) == 0) {
			snprintf(err, errlen, "cannot open memrehash.counters_file %s: %s (it is mode %04o, owner uid %u gid %u; "
				"this process runs as uid %u gid %u: give every user of it a shared group with memrehash.counters_file_group "
				"and memrehash.counters_file_mode=0660)", path, strerror(e), (unsigned) (st.st_mode & 07777),
				(unsigned) st.st_uid, (unsigned) st.st_gid, (unsigned) geteuid(), (unsigned) getegid());
		} else {
			snprintf(err, errlen, "cannot open memrehash.counters_file %s: %s", path, strerror(e));
		}
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid()) {
		/* the owner keeps the mode and group the INI asks for */
		if (gid >= 0 && st.st_gid != (gid_t) gid && fchown(fd, (uid_t) -1, (gid_t) gid) != 0) {
			snprintf(err, errlen, "cannot give memrehash.counters_file %s the group %ld: %s", path, gid, strerror(errno));
			close(fd);
			return -1;
		}
		if ((st.st_mode & 07777) != mode) {
			(void) fchmod(fd, (mode_t) mode);
		}
	}
	return fd;
}

bool mr_counters_init(const char *path, uint32_t max_pools, uint32_t mode, long gid, char *err, size_t errlen)
{
	if (max_pools < 1) {
		max_pools = 1;
	}
	shm_size = sizeof(mr_ctr_header_t) + (size_t) max_pools * sizeof(mr_ctr_pool_t);
	if (path && *path) {
		int fd = open_file(path, mode, gid, err, errlen);
		if (fd < 0) {
			return false;
		}
		/* only against two processes setting up the same new file at once;
		 * flock is dropped by the kernel when its holder dies */
		flock(fd, LOCK_EX);
		struct stat st;
		bool fresh = fstat(fd, &st) != 0 || (size_t) st.st_size != shm_size;
		if (fresh && ftruncate(fd, (off_t) shm_size) != 0) {
			snprintf(err, errlen, "cannot size memrehash.counters_file %s: %s", path, strerror(errno));
			flock(fd, LOCK_UN);
			close(fd);
			return false;
		}
		void *m = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			snprintf(err, errlen, "cannot map memrehash.counters_file %s: %s", path, strerror(errno));
			flock(fd, LOCK_UN);
			close(fd);
			return false;
		}
		shm = m;
		if (!header_valid(max_pools)) {
			init_header(max_pools, make_identity(fd));
		}
		flock(fd, LOCK_UN);
		close(fd);
		file_backed = true;
		return mapped();
	}
	void *m = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "cannot map shared counters: %s", strerror(errno));
		return false;
	}
	shm = m;
	file_backed = false;
	init_header(max_pools, make_identity(-1));
	return mapped();
}

void mr_counters_shutdown(void)
{
	if (shm) {
		mr_down_attach(NULL);
		munmap(shm, shm_size);
		shm = NULL;
	}
}

bool mr_counters_ready(void)
{
	return shm != NULL;
}

bool mr_counters_file_backed(void)
{
	return shm != NULL && file_backed;
}

uint64_t mr_counters_identity(void)
{
	return shm ? shm->identity : 0;
}

uint32_t mr_counters_max_pools(void)
{
	return shm ? (uint32_t) shm->max_pools : 0;
}

mr_ctr_pool_t *mr_counters_slot(uint32_t i)
{
	if (!shm || i >= shm->max_pools) {
		return NULL;
	}
	mr_ctr_pool_t *p = &slots()[i];
	return __atomic_load_n(&p->claim, __ATOMIC_ACQUIRE) == MR_CLAIM_READY ? p : NULL;
}

/* ---- claiming a row of a table without a lock ---- */

/* A table of rows that each start with a claim word and hold a name. */
typedef struct {
	char *base;
	size_t stride;
	uint32_t count;
	size_t name_off, name_max;
	/* fills a claimed row (claim word and name aside) */
	void (*fill)(void *row, void *arg);
	void *arg;
} table_t;

static uint64_t *row_claim(const table_t *t, uint32_t i)
{
	return (uint64_t *) (t->base + (size_t) i * t->stride);
}

static char *row_name(const table_t *t, uint32_t i)
{
	return t->base + (size_t) i * t->stride + t->name_off;
}

/* Returns the claim word this process writes while it fills a row for a
 * name hashed h: never free or ready (the top bit is set). */
static uint64_t claim_word(uint64_t h)
{
	return ((uint64_t) ((uint32_t) (h >> 32) | 0x80000000u) << 32) | (uint32_t) getpid();
}

/* Returns true when the process that made claim word w is gone. A pid in
 * another pid namespace looks gone too: then the claim is taken over
 * early, which costs that claimer its claim (it starts again), never a wait. */
static bool claimer_gone(uint64_t w)
{
	pid_t pid = (pid_t) (uint32_t) w;
	return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

/* One watched claim: how long this process has seen it unchanged. */
typedef struct {
	uint32_t row;
	uint64_t word, since_ms;
} watch_t;

/* Returns true when claim word w at row i is abandoned: its claimer is gone,
 * or this process has seen it unchanged for MR_CLAIM_STALE_MS. */
static bool claim_abandoned(watch_t *wt, uint32_t i, uint64_t w)
{
	if (claimer_gone(w)) {
		return true;
	}
	uint64_t now = mr_mono_ms();
	if (wt->row != i || wt->word != w) {
		wt->row = i;
		wt->word = w;
		wt->since_ms = now;
		return false;
	}
	return now - wt->since_ms >= MR_CLAIM_STALE_MS;
}

/* Returns the ready row named name (hash h), claiming one when there is
 * none, or NULL when every row is taken. Rows are probed from h on; a row
 * is never freed, so a free row ends the search. A claim under way for the
 * same hash is waited for (at most MR_CLAIM_STALE_MS); an abandoned claim is
 * taken over like a free row. */
static void *claim_row(const table_t *t, const char *name, uint64_t h)
{
	uint64_t mine = claim_word(h);
	watch_t wt = { .row = UINT32_MAX };
	for (;;) {
		int64_t target = -1;
		uint64_t target_word = 0;
		bool wait = false;
		for (uint32_t k = 0; k < t->count; k++) {
			uint32_t i = (uint32_t) ((h % t->count + k) % t->count);
			uint64_t w = __atomic_load_n(row_claim(t, i), __ATOMIC_ACQUIRE);
			if (w == MR_CLAIM_READY) {
				if (strncmp(row_name(t, i), name, t->name_max) == 0) {
					return row_claim(t, i);
				}
				continue;
			}
			if (w == MR_CLAIM_FREE) {
				if (target < 0) {
					target = i;
					target_word = w;
				}
				break;
			}
			/* only a claim for the same hash is waited for (and timed) */
			bool same = (w >> 32) == (mine >> 32);
			if (same ? claim_abandoned(&wt, i, w) : claimer_gone(w)) {
				if (target < 0) {
					target = i;
					target_word = w;
				}
			} else if (same) {
				wait = true; /* perhaps this very name, nearly ready */
				break;
			}
		}
		if (wait) {
			usleep(50);
			continue;
		}
		if (target < 0) {
			return NULL;
		}
		uint64_t *cw = row_claim(t, (uint32_t) target);
		if (!__atomic_compare_exchange_n(cw, &target_word, mine, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			continue; /* someone else got there: look again */
		}
		char *row = (char *) cw;
		memset(row + sizeof(uint64_t), 0, t->stride - sizeof(uint64_t));
		snprintf(row_name(t, (uint32_t) target), t->name_max, "%s", name);
		t->fill(row, t->arg);
		uint64_t expect = mine;
		if (__atomic_compare_exchange_n(cw, &expect, MR_CLAIM_READY, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			return cw;
		}
		/* stopped so long that another process took the row over: look again */
	}
}

/* ---- pool slots ---- */

typedef struct {
	uint64_t hash, ppm, window;
} pool_fill_t;

static void fill_pool(void *row, void *arg)
{
	mr_ctr_pool_t *p = row;
	const pool_fill_t *f = arg;
	p->name_hash = f->hash;
	p->started = (uint64_t) time(NULL);
	p->complete_below_ppm = f->ppm;
	p->window = f->window;
}

static uint64_t clamp_window(uint64_t window)
{
	return window < 1 ? 1 : window > MR_WINDOW_MAX ? MR_WINDOW_MAX : window;
}

static table_t pool_table(pool_fill_t *f)
{
	return (table_t) {
		.base = (char *) slots(), .stride = sizeof(mr_ctr_pool_t), .count = (uint32_t) shm->max_pools,
		.name_off = offsetof(mr_ctr_pool_t, name), .name_max = MR_POOL_NAME_MAX, .fill = fill_pool, .arg = f,
	};
}

mr_ctr_pool_t *mr_counters_pool(const char *name, uint64_t complete_below_ppm, uint64_t window, bool given)
{
	if (!shm) {
		return NULL;
	}
	window = clamp_window(window);
	pool_fill_t f = { .hash = str_hash(name), .ppm = complete_below_ppm, .window = window };
	table_t t = pool_table(&f);
	mr_ctr_pool_t *p = claim_row(&t, name, f.hash);
	if (!p || !given) {
		return p;
	}
	if (__atomic_load_n(&p->complete_below_ppm, __ATOMIC_RELAXED) != complete_below_ppm) {
		__atomic_store_n(&p->complete_below_ppm, complete_below_ppm, __ATOMIC_RELAXED);
	}
	if (__atomic_load_n(&p->window, __ATOMIC_RELAXED) != window) {
		__atomic_store_n(&p->window, window, __ATOMIC_RELAXED);
	}
	return p;
}

bool mr_counters_exists(const char *name)
{
	for (uint32_t i = 0; i < mr_counters_max_pools(); i++) {
		mr_ctr_pool_t *p = mr_counters_slot(i);
		if (p && strncmp(p->name, name, MR_POOL_NAME_MAX) == 0) {
			return true;
		}
	}
	return false;
}

void mr_counters_local(mr_ctr_pool_t *p, const char *name, uint64_t complete_below_ppm, uint64_t window)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	pool_fill_t f = { .hash = str_hash(name), .ppm = complete_below_ppm, .window = clamp_window(window) };
	fill_pool(p, &f);
	p->claim = MR_CLAIM_READY;
}

/* ---- server rows ---- */

static void fill_server(void *row, void *arg)
{
	((mr_ctr_server_t *) row)->role = *(uint64_t *) arg;
}

mr_ctr_server_t *mr_counters_server(mr_ctr_pool_t *p, const char *name, uint64_t role)
{
	table_t t = {
		.base = (char *) p->servers, .stride = sizeof(mr_ctr_server_t), .count = MR_POOL_SERVERS_MAX,
		.name_off = offsetof(mr_ctr_server_t, name), .name_max = MR_SERVER_NAME_MAX, .fill = fill_server, .arg = &role,
	};
	mr_ctr_server_t *s = claim_row(&t, name, str_hash(name));
	if (!s) {
		/* a big pool: its counts stay exact in total, not per server;
		 * the row is part of the slot, so nothing is claimed */
		s = &p->others;
	}
	/* a server in both lists for two workers with different lists */
	__atomic_fetch_or(&s->role, role, __ATOMIC_RELAXED);
	return s;
}

/* ---- the old-hit rate, by period ----
 *
 * The window (seconds) is cut into periods of ceil(window / 60) seconds;
 * each bucket holds one word: the period's number (24 bits), its old
 * lookups (20 bits) and old hits (20 bits), so a bucket is rolled over to a
 * new period and counted in with one compare-and-swap, and a period nobody
 * wrote in simply falls out of the window. */
#define RATE_PERIODS_MAX 60
#define RB_PERIOD_BITS 24
#define RB_COUNT_BITS 20
#define RB_COUNT_MAX ((1ULL << RB_COUNT_BITS) - 1)
#define RB_PERIOD_MASK ((1ULL << RB_PERIOD_BITS) - 1)

static uint64_t rb_period(uint64_t w) { return w >> (2 * RB_COUNT_BITS); }
static uint64_t rb_lookups(uint64_t w) { return (w >> RB_COUNT_BITS) & RB_COUNT_MAX; }
static uint64_t rb_hits(uint64_t w) { return w & RB_COUNT_MAX; }
static uint64_t rb_make(uint64_t period, uint64_t lookups, uint64_t hits)
{
	return ((period & RB_PERIOD_MASK) << (2 * RB_COUNT_BITS)) | (lookups << RB_COUNT_BITS) | hits;
}

/* Returns the period length in seconds for a window. */
static uint64_t period_len(uint64_t window)
{
	return (window + RATE_PERIODS_MAX - 1) / RATE_PERIODS_MAX;
}

/* Adds lookups/hits to the bucket of the current period (rolling it over
 * when it still holds an older one). A bucket about to overflow is halved,
 * which keeps its rate. */
static void rate_add(mr_ctr_pool_t *p, uint64_t lookups, uint64_t hits)
{
	uint64_t len = period_len(clamp_window(__atomic_load_n(&p->window, __ATOMIC_RELAXED)));
	uint64_t period = ((uint64_t) time(NULL) / len) & RB_PERIOD_MASK;
	uint64_t *b = &p->rate[period % MR_RATE_BUCKETS];
	uint64_t w = __atomic_load_n(b, __ATOMIC_RELAXED);
	for (;;) {
		uint64_t l = 0, h = 0;
		if (rb_period(w) == period) {
			l = rb_lookups(w);
			h = rb_hits(w);
		}
		if (l + lookups > RB_COUNT_MAX) {
			l /= 2;
			h /= 2;
		}
		uint64_t nw = rb_make(period, l + lookups, h + hits);
		if (nw == w || __atomic_compare_exchange_n(b, &w, nw, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			return;
		}
	}
}

void mr_counters_rate_record(mr_ctr_pool_t *p, bool hit)
{
	rate_add(p, 1, hit ? 1 : 0);
}

void mr_counters_rate_touch(mr_ctr_pool_t *p)
{
	rate_add(p, 0, 0); /* no write at all once the period is this one */
}

double mr_counters_rate(const mr_ctr_pool_t *p, uint64_t *lookups, uint32_t *active)
{
	uint64_t window = clamp_window(__atomic_load_n(&p->window, __ATOMIC_RELAXED));
	uint64_t len = period_len(window);
	uint64_t now = ((uint64_t) time(NULL) / len) & RB_PERIOD_MASK;
	uint64_t span = (window + len - 1) / len; /* periods in a window, at most 60 */
	uint64_t l = 0, h = 0;
	uint32_t a = 0;
	for (uint32_t i = 0; i < MR_RATE_BUCKETS; i++) {
		uint64_t w = __atomic_load_n(&p->rate[i], __ATOMIC_RELAXED);
		uint64_t age = (now - rb_period(w)) & RB_PERIOD_MASK;
		if (w == 0 || age >= span) {
			continue;
		}
		l += rb_lookups(w);
		h += rb_hits(w);
		a++;
	}
	if (lookups) *lookups = l;
	if (active) *active = a;
	return l ? (double) h / (double) l : 0.0;
}

bool mr_counters_cutover_due(const mr_ctr_pool_t *p)
{
	uint64_t ppm = __atomic_load_n(&p->complete_below_ppm, __ATOMIC_RELAXED);
	if (ppm == 0 || mr_counters_is_complete(p)) {
		return false;
	}
	uint64_t window = clamp_window(__atomic_load_n(&p->window, __ATOMIC_RELAXED));
	uint64_t started = __atomic_load_n(&p->started, __ATOMIC_RELAXED);
	if ((uint64_t) time(NULL) < started + window) {
		return false; /* not yet a whole window of evidence */
	}
	uint64_t lookups;
	uint32_t active;
	double rate = mr_counters_rate(p, &lookups, &active);
	return active > 0 && rate * 1e6 < (double) ppm;
}

bool mr_counters_complete(mr_ctr_pool_t *p, uint64_t when)
{
	uint64_t expected = MR_STATE_MIGRATING;
	if (__atomic_compare_exchange_n(&p->state, &expected, MR_STATE_COMPLETE, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&p->completed, when, __ATOMIC_RELEASE);
		return true;
	}
	return false;
}

uint64_t mr_counters_completed_at(const mr_ctr_pool_t *p)
{
	return __atomic_load_n(&p->completed, __ATOMIC_ACQUIRE);
}

void mr_counters_trend_tick(mr_ctr_pool_t *p, uint64_t now_s)
{
	uint64_t pos = __atomic_load_n(&p->trend_pos, __ATOMIC_ACQUIRE);
	mr_trend_t *last = pos ? &p->trend[(pos - 1) % MR_TREND_SAMPLES] : NULL;
	if (last && __atomic_load_n(&last->at, __ATOMIC_ACQUIRE) + MR_TREND_EVERY_S > now_s) {
		return;
	}
	/* one worker takes the sample: the one that moves trend_pos */
	if (!__atomic_compare_exchange_n(&p->trend_pos, &pos, pos + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		return;
	}
	mr_trend_t *t = &p->trend[pos % MR_TREND_SAMPLES];
	__atomic_store_n(&t->gets, __atomic_load_n(&p->c[MR_C_GETS], __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	__atomic_store_n(&t->old_hits, __atomic_load_n(&p->c[MR_C_OLD_HITS], __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	__atomic_store_n(&t->misses, __atomic_load_n(&p->c[MR_C_MISSES], __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	__atomic_store_n(&t->at, now_s, __ATOMIC_RELEASE);
}

/* ---- snapshots ---- */

static uint64_t rd(const uint64_t *f)
{
	return __atomic_load_n(f, __ATOMIC_RELAXED);
}

void mr_counters_snapshot(const mr_ctr_pool_t *p, mr_ctr_snapshot_t *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->name, p->name, sizeof(out->name)); /* written once, before the slot was ready */
	out->name[MR_POOL_NAME_MAX - 1] = '\0';
	out->state = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
	out->started = rd(&p->started);
	out->completed = rd(&p->completed);
	for (int i = 0; i < MR_C_COUNT; i++) {
		out->c[i] = rd(&p->c[i]);
	}
	out->complete_below_ppm = rd(&p->complete_below_ppm);
	out->window = clamp_window(rd(&p->window));
	out->old_hit_rate = mr_counters_rate(p, &out->window_lookups, NULL);
	for (uint32_t i = 0; i < MR_POOL_SERVERS_MAX; i++) {
		const mr_ctr_server_t *s = &p->servers[i];
		if (__atomic_load_n(&s->claim, __ATOMIC_ACQUIRE) != MR_CLAIM_READY) {
			continue;
		}
		mr_ctr_server_snap_t *o = &out->servers[out->nservers++];
		memcpy(o->name, s->name, sizeof(o->name));
		o->name[MR_SERVER_NAME_MAX - 1] = '\0';
		o->role = rd(&s->role);
		o->moved_out = rd(&s->moved_out);
		o->moved_in = rd(&s->moved_in);
		o->errors = rd(&s->errors);
	}
	uint64_t others_role = rd(&p->others.role);
	if (others_role) {
		mr_ctr_server_snap_t *o = &out->servers[out->nservers++];
		snprintf(o->name, sizeof(o->name), "%s", MR_OTHERS_NAME);
		o->role = others_role;
		o->moved_out = rd(&p->others.moved_out);
		o->moved_in = rd(&p->others.moved_in);
		o->errors = rd(&p->others.errors);
	}
	uint64_t tp = __atomic_load_n(&p->trend_pos, __ATOMIC_ACQUIRE);
	for (uint64_t i = tp > MR_TREND_SAMPLES ? tp - MR_TREND_SAMPLES : 0; i < tp; i++) {
		const mr_trend_t *t = &p->trend[i % MR_TREND_SAMPLES];
		mr_trend_t *o = &out->trend[out->ntrend++];
		o->at = __atomic_load_n(&t->at, __ATOMIC_ACQUIRE);
		o->gets = rd(&t->gets);
		o->old_hits = rd(&t->old_hits);
		o->misses = rd(&t->misses);
	}
}
