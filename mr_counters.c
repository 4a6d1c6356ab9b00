/* Shared transition counters: the mapping, pool slots, the old-hit window. */
#include "php.h"
#include "mr_counters.h"
#include "mr_util.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const mr_counter_names[MR_C_COUNT] = {
	"gets", "new_hits", "old_lookups", "old_hits", "migrated", "raced",
	"move_failed", "misses", "sets", "deletes", "drained", "bytes_moved",
	"errors", "sessions_moved", "sessions_new", "sessions_missed",
};

/* The mapping, made once in MINIT and inherited by every forked worker. */
static mr_ctr_header_t *shm;
static size_t shm_size;

static mr_ctr_pool_t *slots(void)
{
	return (mr_ctr_pool_t *) ((char *) shm + sizeof(mr_ctr_header_t));
}

static void lock(void)
{
	if (!shm) {
		return; /* a process-local pool: nobody to race */
	}
	while (__atomic_exchange_n(&shm->lock, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&shm->lock, __ATOMIC_RELAXED)) {
			usleep(10);
		}
	}
}

static void unlock(void)
{
	if (!shm) {
		return;
	}
	__atomic_store_n(&shm->lock, 0, __ATOMIC_RELEASE);
}

/* Writes a fresh header over an empty (all-zero) or outdated mapping. */
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

bool mr_counters_init(const char *path, uint32_t max_pools, char *err, size_t errlen)
{
	if (max_pools < 1) {
		max_pools = 1;
	}
	shm_size = sizeof(mr_ctr_header_t) + (size_t) max_pools * sizeof(mr_ctr_pool_t);
	if (path && *path) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(err, errlen, "cannot open memrehash.counters_file %s: %s", path, strerror(errno));
			return false;
		}
		flock(fd, LOCK_EX);
		struct stat st;
		bool fresh = fstat(fd, &st) != 0 || (size_t) st.st_size < shm_size;
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
		if (shm->magic != MR_SHM_MAGIC || shm->version != MR_SHM_VERSION || shm->max_pools != max_pools) {
			/* a new file, or one written by another layout: start it again */
			init_header(max_pools, make_identity(fd));
		}
		flock(fd, LOCK_UN);
		close(fd);
		return true;
	}
	void *m = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "cannot map shared counters: %s", strerror(errno));
		return false;
	}
	shm = m;
	init_header(max_pools, make_identity(-1));
	return true;
}

void mr_counters_shutdown(void)
{
	if (shm) {
		munmap(shm, shm_size);
		shm = NULL;
	}
}

bool mr_counters_ready(void)
{
	return shm != NULL;
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
	return __atomic_load_n(&p->in_use, __ATOMIC_ACQUIRE) ? p : NULL;
}

/* Returns the claimed slot named name, or NULL. */
static mr_ctr_pool_t *find(const char *name, uint64_t h)
{
	for (uint64_t i = 0; i < shm->max_pools; i++) {
		mr_ctr_pool_t *p = &slots()[i];
		if (__atomic_load_n(&p->in_use, __ATOMIC_ACQUIRE) && p->name_hash == h && strcmp(p->name, name) == 0) {
			return p;
		}
	}
	return NULL;
}

mr_ctr_pool_t *mr_counters_pool(const char *name, uint64_t complete_below_ppm, uint64_t window, bool given)
{
	if (!shm) {
		return NULL;
	}
	if (window < 1) window = 1;
	if (window > MR_WINDOW_MAX) window = MR_WINDOW_MAX;
	uint64_t h = mr_fnv1a64(name, strlen(name));
	mr_ctr_pool_t *p = find(name, h);
	if (!p) {
		lock();
		p = find(name, h);
		for (uint64_t i = 0; !p && i < shm->max_pools; i++) {
			mr_ctr_pool_t *s = &slots()[i];
			if (!s->in_use) {
				memset(s, 0, sizeof(*s));
				strncpy(s->name, name, MR_POOL_NAME_MAX - 1);
				s->name_hash = h;
				s->started = (uint64_t) time(NULL);
				s->complete_below_ppm = complete_below_ppm;
				s->window = window;
				__atomic_store_n(&s->in_use, 1, __ATOMIC_RELEASE);
				p = s;
			}
		}
		unlock();
		if (!p) {
			return NULL;
		}
	}
	if (!given) {
		return p;
	}
	if (p->complete_below_ppm != complete_below_ppm) {
		__atomic_store_n(&p->complete_below_ppm, complete_below_ppm, __ATOMIC_RELAXED);
	}
	if (p->window != window) {
		__atomic_store_n(&p->window, window, __ATOMIC_RELAXED);
	}
	return p;
}

mr_ctr_server_t *mr_counters_server(mr_ctr_pool_t *p, const char *name, uint64_t role)
{
	uint64_t n = __atomic_load_n(&p->nservers, __ATOMIC_ACQUIRE);
	for (uint64_t i = 0; i < n; i++) {
		if (strcmp(p->servers[i].name, name) == 0) {
			p->servers[i].role |= role;
			return &p->servers[i];
		}
	}
	lock();
	n = p->nservers;
	for (uint64_t i = 0; i < n; i++) {
		if (strcmp(p->servers[i].name, name) == 0) {
			unlock();
			return &p->servers[i];
		}
	}
	mr_ctr_server_t *s = NULL;
	if (n < MR_POOL_SERVERS_MAX) {
		s = &p->servers[n];
		memset(s, 0, sizeof(*s));
		strncpy(s->name, name, MR_SERVER_NAME_MAX - 1);
		s->role = role;
		__atomic_store_n(&p->nservers, n + 1, __ATOMIC_RELEASE);
	}
	unlock();
	return s;
}

void mr_counters_window_record(mr_ctr_pool_t *p, bool hit)
{
	uint64_t window = __atomic_load_n(&p->window, __ATOMIC_RELAXED);
	uint64_t pos = __atomic_fetch_add(&p->win_pos, 1, __ATOMIC_RELAXED) % window;
	uint64_t bit = 1ULL << (pos % 64);
	uint64_t *word = &p->win_bits[pos / 64];
	uint64_t old = hit ? __atomic_fetch_or(word, bit, __ATOMIC_RELAXED)
	                   : __atomic_fetch_and(word, ~bit, __ATOMIC_RELAXED);
	bool was = (old & bit) != 0;
	if (hit && !was) {
		__atomic_fetch_add(&p->win_hits, 1, __ATOMIC_RELAXED);
	} else if (!hit && was) {
		__atomic_fetch_sub(&p->win_hits, 1, __ATOMIC_RELAXED);
	}
}

double mr_counters_window_rate(const mr_ctr_pool_t *p, uint64_t *seen)
{
	uint64_t window = __atomic_load_n(&p->window, __ATOMIC_RELAXED);
	uint64_t pos = __atomic_load_n(&p->win_pos, __ATOMIC_RELAXED);
	uint64_t n = pos < window ? pos : window;
	uint64_t hits = __atomic_load_n(&p->win_hits, __ATOMIC_RELAXED);
	if (seen) {
		*seen = n;
	}
	if (n == 0) {
		return 0.0;
	}
	if (hits > n) {
		hits = n; /* a window shrunk under way */
	}
	return (double) hits / (double) n;
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

void mr_counters_trend_tick(mr_ctr_pool_t *p, uint64_t now_s)
{
	uint64_t pos = __atomic_load_n(&p->trend_pos, __ATOMIC_ACQUIRE);
	mr_trend_t *last = pos ? &p->trend[(pos - 1) % MR_TREND_SAMPLES] : NULL;
	if (last && last->at + MR_TREND_EVERY_S > now_s) {
		return;
	}
	/* one worker takes the sample: the one that moves trend_pos */
	if (!__atomic_compare_exchange_n(&p->trend_pos, &pos, pos + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		return;
	}
	mr_trend_t *t = &p->trend[pos % MR_TREND_SAMPLES];
	t->gets = mr_read(&p->c[MR_C_GETS]);
	t->old_hits = mr_read(&p->c[MR_C_OLD_HITS]);
	t->misses = mr_read(&p->c[MR_C_MISSES]);
	__atomic_store_n(&t->at, now_s, __ATOMIC_RELEASE);
}
