/* Move on read: get, writes during the move, and (below) drain.
 *
 * Per key K with new location N and old location O (DESIGN.md, "Semantics
 * during the transition"): a get asks N; on a miss, while the pool migrates
 * and O differs, it asks O for value, flags, remaining TTL and CAS, then adds
 * the item at N (never sets) and, once N has it, deletes it at O only if O's
 * CAS is still the one read. Any sign that a writer raced the move (add
 * refused, delete found O changed or gone) leaves the writer's data in place.
 *
 * The add must be done before the delete is sent. Sent together, O can let
 * go before the add lands at N; a delete issued meanwhile (O first, then N)
 * finds nothing at either, and the late add resurrects the item for good.
 * tests/phpunit/ConcurrencyTest.php catches that within seconds. So the
 * delete goes out once the add is answered, and the get waits for it: a
 * delete that found O changed or gone takes the copy back at N by its CAS
 * before the get returns. With the deferred_delete option the get does not
 * wait: the delete goes on a connection of its own (p->later) and its reply
 * is read by the next operation, stats(), or the end of the request, which
 * is when a raced copy is taken back.
 *
 * Guards: a write whose old location O cannot be reached (down, hung,
 * refusing) is still done at N, and leaves a guard there: a small item under
 * a reserved key (mr_guard_key) saying "whatever O holds of this key is older
 * than a write made at N". A get that misses at N and finds the guard does
 * not move O's copy: it misses, and once O answers it deletes O's copy (by
 * its CAS), then the guard. The drain deletes a guarded key's copy at its
 * source instead of moving it. The guard is looked up only where O is asked
 * anyway (after a miss at N, in the same round trip as O), so a hit at N and
 * the miss of a key that does not move cost what they did. It is not the
 * key itself, so PECL Memcached clients of the new list never read it. */
#include "php.h"
#include "ext/standard/md5.h"
#include "migrate.h"
#include "mr_fleet.h"

#include <time.h>

#define NO_REQ UINT32_MAX
/* Ask N and O together once this share of recent old lookups found the key. */
#define MR_TOGETHER_RATE 0.5
/* Remaining seconds below which an item is about to expire and is not copied. */
#define MR_EXPIRE_SOON 2
/* memcached reads a TTL above 30 days as an absolute unix time. */
#define MR_RELATIVE_TTL_MAX 2592000
/* Walks of a drained server at most (see mr_migrate_drain). */
#define MR_DRAIN_PASSES 4
/* Longest a drain waits, in all, for a source that stopped answering (hung,
 * restarting) before it leaves the keys it could not reach behind. */
#define MR_DRAIN_STALL_MAX 30.0
/* How often a drain waiting for its source looks again (microseconds). */
#define MR_DRAIN_STALL_POLL_US 100000

enum { ST_DONE = 0, ST_NEED_OLD, ST_MOVING, ST_DELETING, ST_REREAD, ST_UNGUARD_OLD, ST_UNGUARD };

/* A guard never expires: it goes once O has let go of its copy (or when N
 * evicts it; README, "What a write does while an old server is down"). */
#define MR_GUARD_TTL 0

/* A request sent on p->later whose reply is read later. */
typedef struct mr_later {
	char key[MR_KEY_MAX + 1];
	size_t klen;
	uint32_t n, o;             /* connections of the new and the old location */
	uint64_t add_cas;          /* CAS of the copy the move added at N */
	size_t vlen;               /* bytes moved */
	uint32_t req;              /* request index on p->later */
	uint32_t greq;             /* the key's guard at N, looked up with it */
	bool take_back;            /* the md at N after a race (else the md at O) */
} mr_later_t;

enum { LATER_IDLE = 0, LATER_OPEN, LATER_SENT };

int64_t mr_migrate_ttl(int64_t remaining, int64_t fallback_ttl, int64_t now)
{
	if (remaining == MR_TTL_NONE) {
		return 0; /* no expiry is T0: T-1 would expire the copy at once */
	}
	if (remaining == MR_TTL_UNKNOWN) {
		return fallback_ttl;
	}
	if (remaining < MR_EXPIRE_SOON) {
		return -1;
	}
	return remaining > MR_RELATIVE_TTL_MAX ? now + remaining : remaining;
}

static inline void count(mr_pool_t *p, mr_counter_t f, uint64_t n)
{
	mr_count(mr_pool_ctr(p), f, n);
}

/* ---- guards (see the top) ---- */

size_t mr_guard_key(const char *key, size_t klen, char *out)
{
	size_t pl = sizeof(MR_GUARD_PREFIX) - 1;
	memcpy(out, MR_GUARD_PREFIX, pl);
	if (pl + klen <= MR_GUARD_KEY_MAX) {
		memcpy(out + pl, key, klen);
		out[pl + klen] = '\0';
		return pl + klen;
	}
	/* a long key: its digest (a collision only makes a key look guarded,
	 * which costs a miss, never a stale read) */
	PHP_MD5_CTX ctx;
	unsigned char digest[16];
	PHP_MD5Init(&ctx);
	PHP_MD5Update(&ctx, key, klen);
	PHP_MD5Final(digest, &ctx);
	out[pl++] = '#';
	make_digest_ex(out + pl, digest, 16);
	return pl + 32;
}

uint32_t mr_guard_get(mr_wire_t *w, const char *key, size_t klen, uint32_t n)
{
	char gk[MR_GUARD_KEY_MAX + 1];
	size_t gl = mr_guard_key(key, klen, gk);
	return mr_wire_mg(w, n, gk, gl, 0);
}

/* Queues the guard of it's key at N; its value is the key, so that a walk of
 * N's guards can tell which key each one is for. Returns the request index. */
static uint32_t guard_set(mr_wire_t *w, const mr_item_t *it)
{
	char gk[MR_GUARD_KEY_MAX + 1];
	size_t gl = mr_guard_key(it->key, it->klen, gk);
	return mr_wire_ms(w, it->n, gk, gl, MR_MODE_SET, it->key, it->klen, 0, MR_GUARD_TTL, 0, false);
}

/* Queues the removal of it's guard at N (O no longer holds an older copy). */
static uint32_t guard_drop(mr_wire_t *w, const char *key, size_t klen, uint32_t n)
{
	char gk[MR_GUARD_KEY_MAX + 1];
	size_t gl = mr_guard_key(key, klen, gk);
	return mr_wire_md(w, n, gk, gl, 0);
}

/* Returns true when a guard lookup's answer forbids moving O's copy: the
 * guard is there, or N could not say (then nothing moves either). */
static inline bool guard_blocks(mr_rc_t rc)
{
	return rc != MR_MISS;
}

/* Counts an error against the pool and the server on conn. */
static void count_error(mr_pool_t *p, uint32_t conn)
{
	count(p, MR_C_ERRORS, 1);
	if (p->srv[conn]) {
		mr_count_server(&p->srv[conn]->errors, 1);
	}
}

static void count_move(mr_pool_t *p, const mr_item_t *it, size_t bytes)
{
	count(p, MR_C_BYTES_MOVED, bytes);
	if (p->srv[it->o]) mr_count_server(&p->srv[it->o]->moved_out, 1);
	if (p->srv[it->n]) mr_count_server(&p->srv[it->n]->moved_in, 1);
}

/* Returns true when K's old location must be consulted (working out O
 * the first time it is needed). */
static inline bool moving_in(const mr_pool_t *p, mr_item_t *it, bool complete)
{
	if (complete) {
		return false;
	}
	if (it->o == MR_CONN_UNKNOWN) {
		it->o = p->old_conn[mr_place_index(p->place_old, it->ukey, it->uklen)];
	}
	return it->o != it->n;
}
#define moving(it, complete) moving_in(p, (it), (complete))

/* Returns true when a moving key's N lookup will probably miss and O will
 * probably hold it: then both are asked in one round trip. Otherwise N is
 * asked alone first, so a hit costs one lookup, not two. */
static bool ask_together(mr_pool_t *p)
{
	if (p->mv_seen >= 32 && p->mv_missed * 2 < p->mv_seen) {
		return false; /* N mostly has moving keys already */
	}
	uint64_t seen;
	double rate = mr_counters_window_rate(mr_pool_ctr(p), &seen);
	/* a migration that just started: nearly every key is still at O */
	return seen < 16 || rate >= MR_TOGETHER_RATE;
}

/* Learns from one get at N of a key (moving or not) whether N tends to miss
 * moving keys. Hits are hashed for the old list only one time in 16, so
 * the hit path stays one hash; a sampled hit counts 16 times. */
static void learn_new_miss(mr_pool_t *p, mr_item_t *it, bool hit, bool complete)
{
	uint32_t weight = 1;
	if (complete) {
		return;
	}
	if (hit && it->o == MR_CONN_UNKNOWN) {
		if ((++p->mv_tick & 15) != 0) {
			return;
		}
		weight = 16;
	}
	if (!moving(it, complete)) {
		return;
	}
	p->mv_seen += weight;
	p->mv_missed += hit ? 0 : weight;
	if (p->mv_seen > 4096) {
		p->mv_seen /= 2;
		p->mv_missed /= 2;
	}
}

void mr_pool_locate_new(mr_pool_t *p, mr_item_t *it)
{
	it->n = p->new_conn[mr_place_index(p->place_new, it->ukey, it->uklen)];
	it->o = MR_CONN_UNKNOWN;
}

void mr_pool_locate(mr_pool_t *p, mr_item_t *it)
{
	mr_pool_locate_new(p, it);
	it->o = p->old_conn[mr_place_index(p->place_old, it->ukey, it->uklen)];
}

/* Takes the answer of a get request at N. Returns true when the key now
 * needs its old location. */
static bool take_new_answer(mr_pool_t *p, mr_item_t *it, mr_req_t *r, bool complete)
{
	if (r->rc == MR_OK) {
		it->rc = MR_OK;
		it->vflags = r->flags;
		count(p, MR_C_NEW_HITS, 1);
		return false;
	}
	if (mr_rc_is_error(r->rc)) {
		it->rc = r->rc;
		count(p, MR_C_MISSES, 1);
		count_error(p, it->n);
		return false;
	}
	if (!moving(it, complete)) {
		it->rc = MR_MISS;
		count(p, MR_C_MISSES, 1);
		return false;
	}
	return true;
}

/* A key N did not have is guarded (or N could not say): whatever O holds is
 * older than a write at N, so the get misses. Once O answers, its copy goes
 * (by the CAS just read), then the guard (take_unguard_old). */
static void take_guarded(mr_pool_t *p, mr_item_t *it, mr_req_t *r, mr_rc_t guard)
{
	mr_wire_t *w = p->wire;

	count(p, MR_C_MISSES, 1);
	it->rc = MR_MISS;
	if (mr_rc_is_error(r->rc)) {
		count_error(p, it->o); /* O still unreachable: the guard stays */
		return;
	}
	if (guard != MR_OK) {
		count_error(p, it->n); /* N could not say: nothing moves, nothing goes */
		return;
	}
	if (r->rc == MR_OK) {
		it->rd = mr_wire_md(w, it->o, it->key, it->klen, r->cas);
		it->stage = ST_UNGUARD_OLD;
	} else {
		it->rg = guard_drop(w, it->key, it->klen, it->n);
		it->stage = ST_UNGUARD;
	}
}

/* Takes the answer to the delete at O of a guarded key's older copy: once O
 * holds nothing of it, the guard goes. A copy that changed since it was read
 * (a client of the old list wrote it) keeps the guard for the next look. */
static void take_unguard_old(mr_pool_t *p, mr_item_t *it)
{
	mr_rc_t rc = mr_wire_req(p->wire, it->rd)->rc;
	it->stage = ST_DONE;
	if (rc == MR_OK || rc == MR_MISS) {
		it->rg = guard_drop(p->wire, it->key, it->klen, it->n);
		it->stage = ST_UNGUARD;
	} else if (mr_rc_is_error(rc)) {
		count_error(p, it->o);
	}
}

/* Takes the answer to a guard's removal (whatever it is: a guard left
 * behind costs the next miss of the key one more look at O). */
static void take_unguard(mr_pool_t *p, mr_item_t *it)
{
	(void) p;
	it->stage = ST_DONE;
}

/* Takes the answer of O for a key N did not have; queues the move. */
static void take_old_answer(mr_pool_t *p, mr_item_t *it, int64_t now)
{
	mr_wire_t *w = p->wire;
	mr_req_t *r = mr_wire_req(w, it->ro);
	mr_ctr_pool_t *ctr = mr_pool_ctr(p);

	it->stage = ST_DONE;
	count(p, MR_C_OLD_LOOKUPS, 1);
	mr_rc_t guard = mr_wire_req(w, it->rg)->rc;
	if (guard_blocks(guard)) {
		take_guarded(p, it, r, guard);
		return;
	}
	if (r->rc != MR_OK) {
		if (mr_rc_is_error(r->rc)) {
			/* O down or hung: a miss, but no evidence that O no longer
			 * matters, so it stays out of the cut-over window */
			count_error(p, it->o);
		} else {
			mr_counters_window_record(ctr, false);
		}
		count(p, MR_C_MISSES, 1);
		it->rc = MR_MISS;
		return;
	}
	mr_counters_window_record(ctr, true);
	count(p, MR_C_OLD_HITS, 1);
	if (!p->migrate) {
		/* report only: the app regenerates the value at N */
		count(p, MR_C_MOVE_FAILED, 1);
		it->rc = MR_MISS;
		return;
	}
	it->rc = MR_OK;
	it->rn = it->ro;
	it->vflags = r->flags;
	it->cas = r->cas;
	if (r->ttl > MR_RELATIVE_TTL_MAX) {
		now = mr_wire_server_time(w, it->n); /* an absolute expiry, on N's clock */
	}
	it->ttl = mr_migrate_ttl(r->ttl, p->fallback_ttl, now);
	if (it->ttl < 0) {
		count(p, MR_C_MOVE_FAILED, 1); /* about to expire: served, not copied */
		return;
	}
	it->ra = mr_wire_ms(w, it->n, it->key, it->klen, MR_MODE_ADD, mr_wire_value(w, it->ro), r->vlen,
		r->flags, it->ttl, 0, true);
	it->stage = ST_MOVING;
}

/* ---- the deletes at O that moves send without waiting ---- */

/* Takes back one count (a move a writer raced after it was counted). */
static inline void uncount(uint64_t *field, uint64_t n)
{
	__atomic_fetch_sub(field, n, __ATOMIC_RELAXED);
}

/* The delete at O found O changed or gone: a writer raced the move, which
 * was counted as migrated when its add went in; it is a race after all. */
static void count_raced_move(mr_pool_t *p, uint32_t n, uint32_t o, size_t vlen)
{
	mr_ctr_pool_t *ctr = mr_pool_ctr(p);
	uncount(&ctr->c[MR_C_MIGRATED], 1);
	uncount(&ctr->c[MR_C_BYTES_MOVED], vlen);
	if (p->srv[o]) uncount(&p->srv[o]->moved_out, 1);
	if (p->srv[n]) uncount(&p->srv[n]->moved_in, 1);
	count(p, MR_C_RACED, 1);
}

/* Queues a delayed request (the md at O, or the take-back at N) on p->later,
 * opening a new batch when none is open. */
static void later_queue(mr_pool_t *p, const mr_item_t *it, uint64_t add_cas, size_t vlen, bool take_back)
{
	if (p->later_state == LATER_SENT) {
		mr_migrate_flush(p);
	}
	if (!p->later) {
		p->later = mr_wire_clone(p->wire);
	}
	if (p->later_state == LATER_IDLE) {
		mr_wire_reset(p->later);
		p->npend = 0;
		p->later_state = LATER_OPEN;
	}
	if (p->npend == p->pendcap) {
		p->pendcap = p->pendcap ? p->pendcap * 2 : 8;
		p->pend = perealloc(p->pend, p->pendcap * sizeof(mr_later_t), p->persistent);
	}
	mr_later_t *l = &p->pend[p->npend++];
	memcpy(l->key, it->key, it->klen);
	l->klen = it->klen;
	l->n = it->n;
	l->o = it->o;
	l->add_cas = add_cas;
	l->vlen = vlen;
	l->take_back = take_back;
	l->req = take_back
		? mr_wire_md(p->later, it->n, it->key, it->klen, add_cas)
		: mr_wire_md(p->later, it->o, it->key, it->klen, it->cas);
	/* a writer that could not reach O may have guarded the key since the
	 * move looked: then the moved copy is older than its write */
	l->greq = take_back ? NO_REQ : mr_guard_get(p->later, it->key, it->klen, it->n);
}

/* Sends the open batch of p->later; its replies are read by mr_migrate_settle. */
static void later_send(mr_pool_t *p)
{
	if (p->later_state != LATER_OPEN) {
		return;
	}
	mr_wire_set_opts(p->later, mr_wire_opts(p->wire));
	mr_wire_send(p->later);
	p->later_state = LATER_SENT;
	p->later_seq = p->op_seq;
}

/* Takes the answer to one delayed request. Returns true when the copy at N
 * must be taken back. */
static bool later_answer(mr_pool_t *p, const mr_later_t *l)
{
	mr_rc_t rc = mr_wire_req(p->later, l->req)->rc;
	if (l->take_back) {
		if (mr_rc_is_error(rc)) {
			count_error(p, l->n);
		}
		return false;
	}
	if (rc == MR_MISS || rc == MR_EXISTS || mr_wire_req(p->later, l->greq)->rc == MR_OK) {
		count_raced_move(p, l->n, l->o, l->vlen);
		return true;
	}
	if (rc != MR_OK) {
		count_error(p, l->o); /* copied; O keeps the same bytes until a write removes them */
	}
	return false;
}

bool mr_migrate_settle(mr_pool_t *p, bool wait)
{
	if (p->later_state == LATER_OPEN) {
		later_send(p);
	}
	if (p->later_state != LATER_SENT) {
		return true;
	}
	if (!mr_wire_collect(p->later, wait)) {
		return false;
	}
	/* the take-backs go out as a batch of their own, read the same way */
	uint32_t n = p->npend, back = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (later_answer(p, &p->pend[i])) {
			p->pend[back++] = p->pend[i];
		}
	}
	p->npend = 0;
	p->later_state = LATER_IDLE;
	for (uint32_t i = 0; i < back; i++) {
		mr_later_t l = p->pend[i]; /* later_queue reuses the slots from 0 */
		mr_item_t it = { .klen = l.klen, .n = l.n, .o = l.o };
		memcpy(it.key, l.key, l.klen);
		later_queue(p, &it, l.add_cas, 0, true);
	}
	later_send(p);
	return back == 0;
}

void mr_migrate_flush(mr_pool_t *p)
{
	while (!mr_migrate_settle(p, true)) {
		/* a race's take-back is one more batch, read the same way */
	}
}

void mr_migrate_after_op(mr_pool_t *p)
{
	if (p->later_state == LATER_SENT && p->later_seq != p->op_seq) {
		mr_migrate_settle(p, false);
	}
	p->op_seq++;
}

void mr_migrate_later_free(mr_pool_t *p)
{
	if (p->later) {
		mr_migrate_flush(p);
		mr_wire_free(p->later);
		p->later = NULL;
	}
	if (p->pend) {
		pefree(p->pend, p->persistent);
		p->pend = NULL;
	}
	p->npend = p->pendcap = 0;
}

/* Takes the answer to a move's add at N: once N holds the copy, the move is
 * counted and the CAS-checked delete at O goes out (read later); when N had
 * fresher data, N is read again. */
static void take_add_answer(mr_pool_t *p, mr_item_t *it)
{
	mr_wire_t *w = p->wire;
	mr_req_t *a = mr_wire_req(w, it->ra);

	it->stage = ST_DONE;
	if (a->rc == MR_OK) {
		size_t vlen = mr_wire_req(w, it->ro)->vlen;
		count(p, MR_C_MIGRATED, 1);
		count_move(p, it, vlen);
		it->add_cas = a->cas;
		if (p->deferred_delete) {
			later_queue(p, it, a->cas, vlen, false);
		} else {
			it->rd = mr_wire_md(w, it->o, it->key, it->klen, it->cas);
			it->rg = mr_guard_get(w, it->key, it->klen, it->n); /* see later_queue */
			it->stage = ST_DELETING;
		}
		return;
	}
	if (a->rc == MR_NOTSTORED) {
		/* N got fresher data meanwhile: that is what the get returns */
		count(p, MR_C_RACED, 1);
		it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS);
		it->stage = ST_REREAD;
		return;
	}
	/* N refused or failed: the value is served from O, and O keeps it */
	count(p, MR_C_MOVE_FAILED, 1);
	count_error(p, it->n);
}

/* Takes the answer to the CAS-checked delete at O after a done add. */
static void take_delete_answer(mr_pool_t *p, mr_item_t *it)
{
	mr_wire_t *w = p->wire;
	mr_req_t *d = mr_wire_req(w, it->rd);

	it->stage = ST_DONE;
	if (d->rc == MR_MISS || d->rc == MR_EXISTS || mr_wire_req(w, it->rg)->rc == MR_OK) {
		/* a writer changed or deleted O while we moved, or guarded the key
		 * (it could not reach O): take our copy back */
		count_raced_move(p, it->n, it->o, mr_wire_req(w, it->ro)->vlen);
		mr_wire_md(w, it->n, it->key, it->klen, it->add_cas);
		it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS);
		it->stage = ST_REREAD;
		return;
	}
	if (d->rc != MR_OK) {
		count_error(p, it->o); /* copied; O keeps the same bytes until a write removes them */
	}
}

/* Takes the re-read of N after a race. */
static void take_reread(mr_pool_t *p, mr_item_t *it)
{
	mr_req_t *r = mr_wire_req(p->wire, it->rn);
	it->stage = ST_DONE;
	it->rc = r->rc;
	it->vflags = r->flags;
	if (mr_rc_is_error(r->rc)) {
		count_error(p, it->n);
	}
}

/* Points each found item at its value (buffers are final now). */
static void resolve_values(mr_pool_t *p, mr_item_t *items, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		if (it->rc == MR_OK) {
			it->val = mr_wire_value(p->wire, it->rn);
			it->vlen = mr_wire_req(p->wire, it->rn)->vlen;
		} else {
			it->val = NULL;
			it->vlen = 0;
		}
	}
}

/* Returns how many items are in stage st. */
static uint32_t in_stage(const mr_item_t *items, uint32_t n, uint8_t st)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		k += items[i].stage == st;
	}
	return k;
}

uint32_t mr_migrate_get(mr_pool_t *p, mr_item_t *items, uint32_t n)
{
	mr_wire_t *w = p->wire;
	bool complete = mr_pool_is_complete(p);
	bool together = !complete && ask_together(p);
	int64_t now = (int64_t) time(NULL);

	mr_wire_reset(w);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->stage = ST_DONE;
		it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS);
		it->ro = it->rg = NO_REQ;
		if (together && moving(it, complete)) {
			it->ro = mr_wire_mg(w, it->o, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | MR_WANT_TTL | MR_WANT_CAS);
			it->rg = mr_guard_get(w, it->key, it->klen, it->n);
		}
	}
	mr_wire_run(w);
	count(p, MR_C_GETS, n);

	bool ask_old = false;
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		mr_rc_t nrc = mr_wire_req(w, it->rn)->rc;
		if (nrc == MR_OK || nrc == MR_MISS) {
			learn_new_miss(p, it, nrc == MR_OK, complete);
		}
		if (take_new_answer(p, it, mr_wire_req(w, it->rn), complete)) {
			it->stage = ST_NEED_OLD;
			if (it->ro == NO_REQ) {
				/* the guard at N is looked at in the same round trip */
				it->ro = mr_wire_mg(w, it->o, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | MR_WANT_TTL | MR_WANT_CAS);
				it->rg = mr_guard_get(w, it->key, it->klen, it->n);
				ask_old = true;
			}
		}
	}
	if (ask_old) {
		mr_wire_run(w);
	}
	bool any_old = false;
	for (uint32_t i = 0; i < n; i++) {
		if (items[i].stage == ST_NEED_OLD) {
			take_old_answer(p, &items[i], now);
			any_old = true;
		}
	}
	/* add at N; then, where it went in, the CAS-checked delete at O (or,
	 * with deferred_delete, it goes out at the end, unread); then the
	 * re-reads that races call for; guarded keys: O's copy goes, then the
	 * guard */
	static const struct { uint8_t stage; void (*take)(mr_pool_t *, mr_item_t *); } steps[] = {
		{ST_MOVING, take_add_answer}, {ST_DELETING, take_delete_answer}, {ST_REREAD, take_reread},
		{ST_UNGUARD_OLD, take_unguard_old}, {ST_UNGUARD, take_unguard},
	};
	/* only a key that went to O has more steps: a hit at N, or the miss of
	 * a key that does not move, skips them all */
	for (size_t s = 0; any_old && s < sizeof(steps) / sizeof(steps[0]); s++) {
		if (!in_stage(items, n, steps[s].stage)) {
			continue;
		}
		mr_wire_run(w);
		for (uint32_t i = 0; i < n; i++) {
			if (items[i].stage == steps[s].stage) {
				steps[s].take(p, &items[i]);
			}
		}
	}
	later_send(p);
	resolve_values(p, items, n);
	if (any_old) {
		mr_fleet_check_cutover(p);
	}
	uint32_t errors = 0;
	for (uint32_t i = 0; i < n; i++) {
		errors += mr_rc_is_error(items[i].rc);
	}
	return errors;
}

/* Queues a delete at O for every item whose write at N went through. */
static bool queue_old_deletes(mr_pool_t *p, mr_item_t *items, uint32_t n, bool complete)
{
	bool any = false;
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->rd = NO_REQ;
		if (moving(it, complete) && !mr_rc_is_error(it->rc)) {
			it->rd = mr_wire_md(p->wire, it->o, it->key, it->klen, 0);
			any = true;
		}
	}
	return any;
}

/* Runs the deletes at O queued by queue_old_deletes. Where O could not
 * delete (down, hung, refusing), O keeps the old value, which a get would
 * move back once N loses the new one: the write leaves a guard at N, and is
 * done. Returns how many items it failed: those whose guard did not go in
 * either take O's error, and the caller reports false. */
static uint32_t finish_old_deletes(mr_pool_t *p, mr_item_t *items, uint32_t n)
{
	mr_wire_t *w = p->wire;
	uint32_t failed = 0;
	bool any = false;
	mr_wire_run(w);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		mr_rc_t rc = it->rd != NO_REQ ? mr_wire_req(w, it->rd)->rc : MR_OK;
		it->rg = NO_REQ;
		if (mr_rc_is_error(rc)) {
			count_error(p, it->o);
			if (!mr_rc_is_error(it->rc)) {
				it->rg = guard_set(w, it);
				any = true;
			}
		}
	}
	if (!any) {
		return 0;
	}
	mr_wire_run(w);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		if (it->rg != NO_REQ && mr_wire_req(w, it->rg)->rc != MR_OK) {
			count_error(p, it->n);
			it->rc = mr_wire_req(w, it->rd)->rc;
			failed++;
		}
	}
	return failed;
}

/* Takes back at N, by its CAS, each write whose delete at O failed and
 * whose guard did not go in (finish_old_deletes gave it O's error): O still
 * holds the old value, so the new one must not be seen now and lost later
 * while the old one comes back. A newer write at N has another CAS and
 * stays. */
static void undo_at_new(mr_pool_t *p, mr_item_t *items, uint32_t n)
{
	mr_wire_t *w = p->wire;
	bool any = false;
	mr_wire_reset(w);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		if (it->rd != NO_REQ && mr_rc_is_error(it->rc) && it->add_cas) {
			mr_wire_md(w, it->n, it->key, it->klen, it->add_cas);
			any = true;
		}
	}
	if (any) {
		mr_wire_run(w);
	}
}

/* Returns the error count of items, counting each against its N server. */
static uint32_t count_write_errors(mr_pool_t *p, mr_item_t *items, uint32_t n)
{
	uint32_t errors = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (mr_rc_is_error(items[i].rc)) {
			count_error(p, items[i].n);
			errors++;
		}
	}
	return errors;
}

uint32_t mr_migrate_store(mr_pool_t *p, mr_item_t *items, uint32_t n, char mode, int64_t ttl)
{
	mr_wire_t *w = p->wire;
	bool complete = mr_pool_is_complete(p);

	mr_wire_reset(w);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->ra = mr_wire_ms(w, it->n, it->key, it->klen, mode, it->data, it->dlen, it->flags, ttl, 0, moving(it, complete));
	}
	mr_wire_run(w);
	count(p, MR_C_SETS, n);
	for (uint32_t i = 0; i < n; i++) {
		items[i].rc = mr_wire_req(w, items[i].ra)->rc;
		items[i].add_cas = mr_wire_req(w, items[i].ra)->cas;
	}
	uint32_t errors = count_write_errors(p, items, n);
	/* N first, then O: a write that fails at N leaves O untouched */
	if (queue_old_deletes(p, items, n, complete)) {
		uint32_t failed = finish_old_deletes(p, items, n);
		if (failed) {
			undo_at_new(p, items, n);
			errors += failed;
		}
	}
	return errors;
}

uint32_t mr_migrate_delete(mr_pool_t *p, mr_item_t *items, uint32_t n)
{
	mr_wire_t *w = p->wire;
	bool complete = mr_pool_is_complete(p);
	bool any_old = false;

	mr_wire_reset(w);
	/* O first, then N: a move in flight cannot put back what N lost */
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->rd = it->rg = NO_REQ;
		if (moving(it, complete)) {
			it->rd = mr_wire_md(w, it->o, it->key, it->klen, 0);
			any_old = true;
		}
	}
	if (any_old) {
		mr_wire_run(w);
	}
	/* O could not delete: it keeps an older value that a get would move
	 * back, so a guard goes in at N first, and N's copy goes only once the
	 * guard is there (else N is left alone and the delete fails) */
	bool any_guard = false;
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		bool o_failed = it->rd != NO_REQ && mr_rc_is_error(mr_wire_req(w, it->rd)->rc);
		it->ra = NO_REQ;
		if (o_failed) {
			it->rg = guard_set(w, it);
			any_guard = true;
		} else {
			it->ra = mr_wire_md(w, it->n, it->key, it->klen, 0);
		}
	}
	mr_wire_run(w);
	if (any_guard) {
		for (uint32_t i = 0; i < n; i++) {
			mr_item_t *it = &items[i];
			if (it->rg != NO_REQ && mr_wire_req(w, it->rg)->rc == MR_OK) {
				it->ra = mr_wire_md(w, it->n, it->key, it->klen, 0);
			}
		}
		mr_wire_run(w);
	}
	count(p, MR_C_DELETES, n);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		mr_rc_t at_n = it->ra != NO_REQ ? mr_wire_req(w, it->ra)->rc : MR_ERR_DOWN;
		mr_rc_t at_o = it->rd != NO_REQ ? mr_wire_req(w, it->rd)->rc : MR_MISS;
		if (mr_rc_is_error(at_o)) {
			count_error(p, it->o);
			/* guarded: N says, as it would to a client of the new list;
			 * unguarded: the delete is not done (whatever N said) */
			it->rc = it->ra != NO_REQ ? at_n : at_o;
			continue;
		}
		it->rc = (at_n == MR_MISS && at_o == MR_OK) ? MR_OK : at_n;
	}
	return count_write_errors(p, items, n);
}

/* Moves one key from O to N the way a get does. Returns true when N now holds it. */
static bool move_first(mr_pool_t *p, mr_item_t *it)
{
	mr_migrate_get(p, it, 1);
	return it->rc == MR_OK;
}

uint32_t mr_migrate_arith(mr_pool_t *p, mr_item_t *it, bool incr, uint64_t delta)
{
	mr_wire_t *w = p->wire;
	bool complete = mr_pool_is_complete(p);
	bool moved = false;

	for (int attempt = 0; attempt < 2; attempt++) {
		mr_wire_reset(w);
		it->ra = mr_wire_ma(w, it->n, it->key, it->klen, incr, delta);
		mr_wire_run(w);
		mr_req_t *r = mr_wire_req(w, it->ra);
		it->rc = r->rc;
		it->number = r->number;
		if (r->rc != MR_MISS || !moving(it, complete) || attempt > 0) {
			break;
		}
		moved = move_first(p, it);
		if (!moved) {
			it->rc = mr_rc_is_error(it->rc) ? it->rc : MR_MISS;
			break;
		}
	}
	count(p, MR_C_SETS, 1);
	uint32_t errors = count_write_errors(p, it, 1);
	if (!moved && queue_old_deletes(p, it, 1, complete)) {
		errors += finish_old_deletes(p, it, 1);
	}
	return errors;
}

uint32_t mr_migrate_touch(mr_pool_t *p, mr_item_t *items, uint32_t n, int64_t ttl)
{
	mr_wire_t *w = p->wire;
	bool complete = mr_pool_is_complete(p);

	mr_wire_reset(w);
	for (uint32_t i = 0; i < n; i++) {
		items[i].ra = mr_wire_touch(w, items[i].n, items[i].key, items[i].klen, ttl);
	}
	mr_wire_run(w);
	count(p, MR_C_SETS, n);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->rc = mr_wire_req(w, it->ra)->rc;
		it->from_old = false;
		if (it->rc == MR_MISS && moving(it, complete) && move_first(p, it)) {
			/* moved from O: touch it again at N */
			it->from_old = true;
			mr_wire_reset(w);
			it->ra = mr_wire_touch(w, it->n, it->key, it->klen, ttl);
			mr_wire_run(w);
			it->rc = mr_wire_req(w, it->ra)->rc;
		}
	}
	uint32_t errors = count_write_errors(p, items, n);
	mr_wire_reset(w);
	bool any = false;
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->rd = NO_REQ;
		if (!it->from_old && moving(it, complete) && !mr_rc_is_error(it->rc)) {
			it->rd = mr_wire_md(w, it->o, it->key, it->klen, 0);
			any = true;
		}
	}
	if (any) {
		errors += finish_old_deletes(p, items, n);
	}
	return errors;
}

/* ---- drain ---- */

/* Returns the value of hex digit c, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Returns true when the token at p (up to end or a space) is "<name>=" and
 * sets *val / *vlen to what follows. */
static bool field(const char *p, const char *end, const char *name, const char **val, size_t *vlen)
{
	size_t nl = strlen(name);
	if ((size_t) (end - p) < nl + 1 || memcmp(p, name, nl) != 0 || p[nl] != '=') {
		return false;
	}
	*val = p + nl + 1;
	const char *sp = memchr(*val, ' ', (size_t) (end - *val));
	*vlen = (size_t) ((sp ? sp : end) - *val);
	return true;
}

/* Returns true and the signed decimal number v[0..len) in *out. */
static bool parse_i64(const char *v, size_t len, int64_t *out)
{
	bool neg = len > 0 && v[0] == '-';
	int64_t n = 0;
	size_t i = neg ? 1 : 0;
	if (len == i || len - i > 18) {
		return false;
	}
	for (; i < len; i++) {
		if (v[i] < '0' || v[i] > '9') {
			return false;
		}
		n = n * 10 + (v[i] - '0');
	}
	*out = neg ? -n : n;
	return true;
}

bool mr_migrate_parse_metadump_line(const char *line, size_t len, mr_metadump_t *out)
{
	const char *end = line + len, *v;
	size_t vlen;
	if (!field(line, end, "key", &v, &vlen)) {
		return false;
	}
	out->klen = 0;
	for (size_t i = 0; i < vlen; i++) {
		unsigned char c = (unsigned char) v[i];
		if (c == '%') {
			int hi = i + 2 < vlen ? hexval(v[i + 1]) : -1;
			int lo = i + 2 < vlen ? hexval(v[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				return false;
			}
			c = (unsigned char) (hi * 16 + lo);
			i += 2;
		}
		if (c <= 0x20 || c == 0x7f || out->klen >= MR_KEY_MAX) {
			return false; /* not a key we could send back */
		}
		out->key[out->klen++] = (char) c;
	}
	if (out->klen == 0) {
		return false;
	}
	out->key[out->klen] = '\0';
	out->exp = -1;
	out->size = -1;
	for (const char *p = v + vlen; p < end; ) {
		if (*p != ' ') {
			return false;
		}
		p++;
		if (field(p, end, "exp", &v, &vlen) && !parse_i64(v, vlen, &out->exp)) {
			return false;
		}
		if (field(p, end, "size", &v, &vlen) && !parse_i64(v, vlen, &out->size)) {
			return false;
		}
		const char *sp = memchr(p, ' ', (size_t) (end - p));
		p = sp ? sp : end;
	}
	return true;
}

/* What a drain carries from batch to batch. */
typedef struct {
	mr_pool_t *p;
	uint32_t src;
	const mr_drain_opts_t *o;
	uint64_t *totals;
	mr_item_t *items;
	uint32_t n, cap;
	double started, next_at;  /* pacing: the earliest time the next batch may go */
	mr_drain_stop_t stop;
	double stalled;           /* seconds spent waiting for a source that stopped answering */
	bool rescan;              /* a later walk: its lines are not counted as scanned again */
	uint64_t lines;           /* metadump lines of this walk */
	uint64_t *evictions;      /* per connection: at the start (fill_limit) */
	char *err;
	size_t errlen;
} drain_t;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* One target's fill, from its `stats`. */
typedef struct {
	uint64_t bytes, limit, evictions;
} fill_t;

static bool fill_line(void *ctx, const char *line, size_t len)
{
	fill_t *f = ctx;
	char buf[128];
	if (len >= sizeof(buf)) {
		return true;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	unsigned long long v;
	if (sscanf(buf, "STAT bytes %llu", &v) == 1) f->bytes = v;
	else if (sscanf(buf, "STAT limit_maxbytes %llu", &v) == 1) f->limit = v;
	else if (sscanf(buf, "STAT evictions %llu", &v) == 1) f->evictions = v;
	return true;
}

/* Returns true (and f) when the server on conn answered `stats` and `stats slabs`. */
static bool read_fill(mr_pool_t *p, uint32_t conn, fill_t *f)
{
	memset(f, 0, sizeof(*f));
	return mr_wire_text(p->wire, conn, "stats", fill_line, f, 2000) == MR_OK && f->limit > 0;
}

/* Returns false when writing add_bytes more to some target of the batch
 * would pass fill_limit, or a target started evicting. */
static bool fill_ok(drain_t *d)
{
	if (d->o->fill_limit <= 0) {
		return true;
	}
	uint32_t nc = mr_wire_count(d->p->wire);
	for (uint32_t c = 0; c < nc; c++) {
		size_t add = 0;
		for (uint32_t i = 0; i < d->n; i++) {
			if (d->items[i].n == c && d->items[i].stage == ST_MOVING) {
				add += d->items[i].dlen + d->items[i].klen + 64;
			}
		}
		if (!add) {
			continue;
		}
		fill_t f;
		if (!read_fill(d->p, c, &f)) {
			return false;
		}
		if (d->evictions[c] == UINT64_MAX) {
			d->evictions[c] = f.evictions;
		}
		/* total_malloced never shrinks (flush_all, deletes), so it would stop
		 * an empty server: take live bytes, plus a 1 MB slab page of slack */
		uint64_t used = f.bytes + add + (1u << 20);
		if (f.evictions > d->evictions[c] || (double) used > d->o->fill_limit * (double) f.limit) {
			return false;
		}
	}
	return true;
}

/* Sleeps until this batch is allowed by rate and bytes_rate (a paced
 * schedule: smooth, never a burst beyond one batch). */
static void pace(drain_t *d, uint32_t keys, size_t bytes)
{
	double t = now_s();
	if (d->next_at > t) {
		usleep((useconds_t) ((d->next_at - t) * 1e6));
	}
	/* keep to the schedule; only a drain that fell far behind (a slow
	 * server) starts over from now, so it never bursts to catch up */
	double start = d->next_at > t - 1.0 ? d->next_at : t;
	double need = 0;
	if (d->o->rate > 0) {
		need = keys / d->o->rate;
	}
	if (d->o->bytes_rate > 0 && bytes / d->o->bytes_rate > need) {
		need = bytes / d->o->bytes_rate;
	}
	d->next_at = start + need;
}

/* Deletes at the source (by the CAS read) the guarded keys' older copies of
 * the batch, then their guards at N. A copy that changed since it was read
 * keeps its guard (and counts as an error: it stays). */
static void drain_unguard(drain_t *d)
{
	mr_wire_t *w = d->p->wire;
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		if (it->stage == ST_UNGUARD_OLD) {
			it->rd = mr_wire_md(w, d->src, it->key, it->klen, it->cas);
		}
	}
	mr_wire_run(w);
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		if (it->stage != ST_UNGUARD_OLD) {
			continue;
		}
		it->stage = ST_DONE;
		mr_rc_t rc = mr_wire_req(w, it->rd)->rc;
		if (rc == MR_OK || rc == MR_MISS) {
			guard_drop(w, it->key, it->klen, it->n);
		} else {
			d->totals[MR_DRAIN_ERRORS]++;
			count_error(d->p, d->src);
		}
	}
	mr_wire_run(w);
}

/* Returns true when rc says the server could not be reached (rather than an
 * answer, or a refusal of that one request). */
static inline bool unreachable(mr_rc_t rc)
{
	return rc == MR_ERR_TIMEOUT || rc == MR_ERR_CONNECT || rc == MR_ERR_DOWN;
}

/* The source stopped answering (hung, restarting) after spent seconds of a
 * failed attempt: waits until the pool would try it again, within the
 * drain's stall budget. Returns true when the caller should try again;
 * false when the budget is spent or the progress callback asked to stop. */
static bool wait_for_source(drain_t *d, double spent)
{
	mr_wire_t *w = d->p->wire;
	d->stalled += spent;
	do {
		if (d->stalled >= MR_DRAIN_STALL_MAX) {
			return false;
		}
		double t = now_s();
		usleep(MR_DRAIN_STALL_POLL_US);
		d->stalled += now_s() - t;
		if (d->o->progress && !d->o->progress(d->o->progress_ctx, d->totals)) {
			d->stop = MR_STOP_CALLBACK;
			return false;
		}
	} while (mr_wire_is_down(w, d->src));
	return true;
}

/* The source broke off a walk: waits, within the stall budget, until it
 * answers a lookup again. Returns true once it does. */
static bool wait_until_answers(drain_t *d)
{
	mr_wire_t *w = d->p->wire;
	static const char probe[] = MR_RESERVED_PREFIX "probe";
	for (;;) {
		mr_wire_reset(w);
		uint32_t r = mr_wire_mg(w, d->src, probe, sizeof(probe) - 1, 0);
		double t = now_s();
		mr_wire_run(w);
		if (!unreachable(mr_wire_req(w, r)->rc)) {
			return true;
		}
		if (!wait_for_source(d, now_s() - t)) {
			return false;
		}
	}
}

/* Looks up the batch at the source (value, flags, TTL, CAS) and each key's
 * guard at N, in one round trip; while the source cannot be reached, waits
 * for it (wait_for_source) and asks again. */
static void drain_lookup(drain_t *d)
{
	mr_wire_t *w = d->p->wire;
	for (;;) {
		mr_wire_reset(w);
		for (uint32_t i = 0; i < d->n; i++) {
			mr_item_t *it = &d->items[i];
			it->ro = mr_wire_mg(w, d->src, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | MR_WANT_TTL | MR_WANT_CAS);
			it->rg = mr_guard_get(w, it->key, it->klen, it->n);
			it->stage = ST_DONE;
			it->from_old = it->retried = false;
		}
		double t = now_s();
		mr_wire_run(w);
		bool stuck = false;
		for (uint32_t i = 0; i < d->n && !stuck; i++) {
			stuck = unreachable(mr_wire_req(w, d->items[i].ro)->rc);
		}
		if (!stuck || !wait_for_source(d, now_s() - t)) {
			return;
		}
	}
}

/* Counts one key as moved: its source copy let go while N holds the item. */
static void drain_count_moved(drain_t *d, const mr_item_t *it)
{
	d->totals[MR_DRAIN_MOVED]++;
	d->totals[MR_DRAIN_BYTES] += it->dlen;
	count(d->p, MR_C_DRAINED, 1);
	count_move(d->p, &(mr_item_t) { .o = d->src, .n = it->n }, it->dlen);
}

/* Takes the answer of the source to the CAS-checked delete of a key whose
 * item N holds: the one the drain added there (it->add_cas), or one N
 * already had (it->from_old: the same bytes and flags, a copy an earlier,
 * interrupted drain or get left there; else N's own, newer value). Returns
 * true when the drain's copy at N must be taken back. */
static bool drain_take_delete(drain_t *d, mr_item_t *it, mr_rc_t rc, mr_rc_t guard)
{
	uint64_t *t = d->totals;
	bool ours = it->add_cas != 0;
	it->stage = ST_DONE;
	if (rc == MR_MISS && it->retried) {
		rc = MR_OK; /* an earlier attempt timed out: the source took it then */
	}
	if (rc == MR_OK) {
		if (ours && guard == MR_OK) {
			t[MR_DRAIN_STALE]++; /* a writer that could not reach the source guarded it meanwhile */
			return true;
		}
		if (ours || it->from_old) {
			drain_count_moved(d, it);
		} else {
			t[MR_DRAIN_RACED]++; /* N holds its own: the source's older copy went */
		}
		return false;
	}
	if (rc == MR_MISS || rc == MR_EXISTS) {
		t[MR_DRAIN_RACED]++; /* the source changed or went away while we copied */
		return ours;
	}
	t[MR_DRAIN_ERRORS]++; /* left behind: the source keeps it (a later walk finishes it) */
	count_error(d->p, d->src);
	return false;
}

/* The CAS-checked deletes at the source of the keys N now holds (with, for
 * the drain's own copies, a look at the key's guard). A source that stops
 * answering is waited for and asked again; what it still has not answered
 * when the stall budget is spent is left behind, counted as errors. Then
 * the drain's copies that raced are taken back at N. */
static void drain_deletes(drain_t *d)
{
	mr_wire_t *w = d->p->wire;
	uint64_t *back = ecalloc(d->n, sizeof(uint64_t));
	for (;;) {
		bool any = false;
		mr_wire_reset(w);
		for (uint32_t i = 0; i < d->n; i++) {
			mr_item_t *it = &d->items[i];
			if (it->stage == ST_DELETING) {
				it->rd = mr_wire_md(w, d->src, it->key, it->klen, it->cas);
				it->rg = it->add_cas ? mr_guard_get(w, it->key, it->klen, it->n) : NO_REQ;
				any = true;
			}
		}
		if (!any) {
			break;
		}
		double t = now_s();
		mr_wire_run(w);
		bool stuck = false;
		for (uint32_t i = 0; i < d->n; i++) {
			mr_item_t *it = &d->items[i];
			if (it->stage != ST_DELETING) {
				continue;
			}
			mr_rc_t rc = mr_wire_req(w, it->rd)->rc;
			if (unreachable(rc)) {
				it->retried = true;
				stuck = true;
				continue;
			}
			mr_rc_t guard = it->rg != NO_REQ ? mr_wire_req(w, it->rg)->rc : MR_MISS;
			if (drain_take_delete(d, it, rc, guard)) {
				back[i] = it->add_cas;
			}
		}
		if (stuck && wait_for_source(d, now_s() - t)) {
			continue;
		}
		for (uint32_t i = 0; i < d->n; i++) {
			if (d->items[i].stage == ST_DELETING) {
				drain_take_delete(d, &d->items[i], MR_ERR_TIMEOUT, MR_MISS);
			}
		}
		break;
	}
	mr_wire_reset(w);
	bool any = false;
	for (uint32_t i = 0; i < d->n; i++) {
		if (back[i]) {
			mr_wire_md(w, d->items[i].n, d->items[i].key, d->items[i].klen, back[i]);
			any = true;
		}
	}
	if (any) {
		mr_wire_run(w);
	}
	efree(back);
}

/* Takes N's item for each key whose add N refused: the same bytes and flags
 * as the source's (a copy an interrupted drain or move left) or N's own
 * newer value; either way the source's copy is to go (ST_DELETING, not
 * ours: add_cas 0). */
static void drain_take_present(drain_t *d)
{
	mr_wire_t *w = d->p->wire;
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		if (it->stage != ST_REREAD) {
			continue;
		}
		mr_req_t *src = mr_wire_req(w, it->ro), *at_n = mr_wire_req(w, it->rn);
		it->stage = ST_DELETING;
		it->add_cas = 0;
		it->from_old = at_n->rc == MR_OK && at_n->flags == src->flags && at_n->vlen == src->vlen
			&& memcmp(mr_wire_value(w, it->rn), mr_wire_value(w, it->ro), src->vlen) == 0;
		if (at_n->rc != MR_OK) {
			it->stage = ST_DONE; /* gone from N meanwhile: a writer is at work, leave it */
			d->totals[mr_rc_is_error(at_n->rc) ? MR_DRAIN_ERRORS : MR_DRAIN_RACED]++;
		}
	}
}

/* Moves the batch: mg at the source, add at N (+ CAS-checked delete at the
 * source unless copying), then clears up races. */
static void drain_batch(drain_t *d)
{
	mr_pool_t *p = d->p;
	mr_wire_t *w = p->wire;
	uint64_t *t = d->totals;
	int64_t now = (int64_t) time(NULL);

	if (d->n == 0) {
		return;
	}
	drain_lookup(d);
	if (d->stop != MR_STOP_DONE) {
		return;
	}
	bool stale = false;
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		mr_req_t *r = mr_wire_req(w, it->ro);
		mr_rc_t guard = mr_wire_req(w, it->rg)->rc;
		if (r->rc == MR_MISS) {
			t[MR_DRAIN_EXPIRED]++; /* gone since the dump: expired, evicted or deleted */
			continue;
		}
		if (r->rc != MR_OK || mr_rc_is_error(guard)) {
			t[MR_DRAIN_ERRORS]++;
			count_error(p, r->rc != MR_OK ? d->src : it->n);
			continue;
		}
		it->cas = r->cas;
		if (guard == MR_OK) {
			/* older than a write at N that could not reach the source */
			t[MR_DRAIN_STALE]++;
			it->stage = d->o->copy ? ST_DONE : ST_UNGUARD_OLD;
			stale |= !d->o->copy;
			continue;
		}
		it->ttl = mr_migrate_ttl(r->ttl, p->fallback_ttl,
			r->ttl > MR_RELATIVE_TTL_MAX ? mr_wire_server_time(w, it->n) : now);
		if (it->ttl < 0) {
			t[MR_DRAIN_EXPIRED]++;
			continue;
		}
		it->dlen = r->vlen;
		it->stage = ST_MOVING;
	}
	if (stale) {
		drain_unguard(d);
	}
	/* paced on what really moves: keys looked up, value bytes found */
	size_t value_bytes = 0;
	for (uint32_t i = 0; i < d->n; i++) {
		value_bytes += d->items[i].stage == ST_MOVING ? d->items[i].dlen : 0;
	}
	pace(d, d->n, value_bytes);
	/* checked before anything is written: a refused batch leaves no trace */
	if (!fill_ok(d)) {
		d->stop = MR_STOP_FILL_LIMIT;
		return;
	}
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		if (it->stage != ST_MOVING) {
			continue;
		}
		mr_req_t *r = mr_wire_req(w, it->ro);
		it->ra = mr_wire_ms(w, it->n, it->key, it->klen, MR_MODE_ADD, mr_wire_value(w, it->ro), r->vlen, r->flags, it->ttl, 0, true);
	}
	mr_wire_run(w);
	/* the source lets go only of what its target now holds (see the top) */
	bool present = false;
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		if (it->stage != ST_MOVING) {
			continue;
		}
		mr_req_t *a = mr_wire_req(w, it->ra);
		it->stage = ST_DONE;
		if (a->rc == MR_OK) {
			it->add_cas = a->cas;
			if (d->o->copy) {
				drain_count_moved(d, it);
			} else {
				it->stage = ST_DELETING;
			}
		} else if (a->rc == MR_NOTSTORED) {
			if (d->o->copy) {
				t[MR_DRAIN_SKIPPED]++; /* N holds its own */
			} else {
				it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS);
				it->stage = ST_REREAD;
				present = true;
			}
		} else {
			t[MR_DRAIN_ERRORS]++; /* the source keeps it */
			count_error(p, it->n);
		}
	}
	if (present) {
		mr_wire_run(w);
		drain_take_present(d);
	}
	if (!d->o->copy) {
		drain_deletes(d);
	}
	d->n = 0;
	if (d->o->progress && !d->o->progress(d->o->progress_ctx, d->totals)) {
		d->stop = MR_STOP_CALLBACK;
	}
}

/* Takes one metadump line: skips what stays, queues what moves. */
static bool drain_line(void *ctx, const char *line, size_t len)
{
	drain_t *d = ctx;
	mr_pool_t *p = d->p;
	mr_metadump_t md;
	uint64_t *t = d->totals;

	if (!d->rescan) {
		t[MR_DRAIN_SCANNED]++; /* a later walk counts only what it acts on (mr_migrate_drain) */
	}
	if (d->n == 0 && ++d->lines % 4096 == 0 && d->o->progress
		&& !d->o->progress(d->o->progress_ctx, d->totals)) {
		d->stop = MR_STOP_CALLBACK; /* a stop request, seen while nothing moves */
		return false;
	}
	if (!mr_migrate_parse_metadump_line(line, len, &md)) {
		t[MR_DRAIN_SKIPPED]++;
		return true;
	}
	if (md.klen >= sizeof(MR_RESERVED_PREFIX) - 1 && memcmp(md.key, MR_RESERVED_PREFIX, sizeof(MR_RESERVED_PREFIX) - 1) == 0) {
		t[MR_DRAIN_SKIPPED]++; /* our own counters and markers never move */
		return true;
	}
	if (md.klen <= p->prefix_len || memcmp(md.key, p->prefix, p->prefix_len) != 0) {
		t[MR_DRAIN_SKIPPED]++; /* not under this pool's prefix: not ours */
		return true;
	}
	if (md.exp != -1 && md.exp - (int64_t) time(NULL) < MR_EXPIRE_SOON) {
		t[MR_DRAIN_EXPIRED]++;
		return true;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->items = erealloc(d->items, d->cap * sizeof(mr_item_t));
	}
	mr_item_t *it = &d->items[d->n];
	memcpy(it->key, md.key, md.klen + 1);
	it->klen = md.klen;
	it->ukey = it->key + p->prefix_len;
	it->uklen = md.klen - p->prefix_len;
	mr_pool_locate(p, it);
	if (it->n == d->src) {
		t[MR_DRAIN_SKIPPED]++; /* its location does not change */
		return true;
	}
	d->n++;
	if (d->n >= d->o->batch) {
		drain_batch(d);
	}
	return d->stop == MR_STOP_DONE;
}

/* One walk of the source's keys. Returns how the metadump ended. */
static mr_rc_t drain_pass(drain_t *d, mr_wire_t *dump)
{
	mr_rc_t rc = MR_ERR_SERVER;
	for (int attempt = 0; attempt < 500; attempt++) {
		uint64_t scanned = d->totals[MR_DRAIN_SCANNED];
		rc = mr_wire_text(dump, 0, "lru_crawler metadump all", drain_line, d, 5000);
		if (rc != MR_ERR_SERVER || d->totals[MR_DRAIN_SCANNED] > scanned) {
			break;
		}
		usleep(10000); /* BUSY: a crawl (maybe our last walk) is finishing */
	}
	if (d->stop == MR_STOP_DONE) {
		drain_batch(d);
	}
	return rc;
}

mr_drain_stop_t mr_migrate_drain(mr_pool_t *p, uint32_t src, const mr_drain_opts_t *o, uint64_t *totals, char *err, size_t errlen)
{
	mr_migrate_flush(p); /* the moves a get left unanswered come first */
	drain_t d = { .p = p, .src = src, .o = o, .totals = totals, .stop = MR_STOP_DONE, .err = err, .errlen = errlen };
	uint32_t nc = mr_wire_count(p->wire);
	d.evictions = emalloc(nc * sizeof(uint64_t));
	for (uint32_t i = 0; i < nc; i++) {
		d.evictions[i] = UINT64_MAX;
	}
	/* the dump streams on a connection of its own, so that batches can use
	 * the pool's connection to the same server meanwhile */
	const char *name = mr_wire_name(p->wire, src);
	const mr_server_spec_t *spec = NULL;
	for (uint32_t i = 0; i < p->n_old && !spec; i++) {
		if (p->old_conn[i] == src) {
			spec = mr_place_spec(p->place_old, i);
		}
	}
	const char *host = spec->host;
	uint16_t port = spec->port;
	mr_wire_t *dump = mr_wire_new(&host, &port, &name, 1, false);
	mr_wire_opts_t wo = { .timeout_ms = 5000, .connect_timeout_ms = 2000, .retry_interval_ms = 0 };
	mr_wire_set_opts(dump, &wo);
	mr_rc_t rc = drain_pass(&d, dump);
	/* memcached's crawler passes over items that are busy at that moment,
	 * and our own lookups make items busy: walk again while a walk still
	 * finds keys to move. Later walks count only the keys they move. A walk
	 * the source broke off (it restarted) is walked again once it answers. */
	for (int pass = 1; pass < MR_DRAIN_PASSES && !o->copy && d.stop == MR_STOP_DONE; pass++) {
		if (rc != MR_OK && !(unreachable(rc) && wait_until_answers(&d))) {
			break;
		}
		uint64_t before[MR_DRAIN_COUNT];
		memcpy(before, totals, sizeof(before));
		uint64_t moved = totals[MR_DRAIN_MOVED];
		d.rescan = true;
		rc = drain_pass(&d, dump);
		totals[MR_DRAIN_SCANNED] = before[MR_DRAIN_SCANNED];
		totals[MR_DRAIN_SKIPPED] = before[MR_DRAIN_SKIPPED];
		for (int k = MR_DRAIN_MOVED; k <= MR_DRAIN_ERRORS; k++) {
			if (k != MR_DRAIN_SKIPPED) {
				totals[MR_DRAIN_SCANNED] += totals[k] - before[k];
			}
		}
		totals[MR_DRAIN_SCANNED] += totals[MR_DRAIN_STALE] - before[MR_DRAIN_STALE];
		if (rc == MR_OK && totals[MR_DRAIN_MOVED] == moved) {
			break;
		}
	}
	mr_wire_free(dump);
	if (d.items) {
		efree(d.items);
	}
	efree(d.evictions);
	if (rc != MR_OK && d.stop == MR_STOP_DONE) {
		snprintf(err, errlen, "lru_crawler metadump on %s failed (%s)", name,
			rc == MR_ERR_SERVER ? "the LRU crawler stayed busy"
			: rc == MR_ERR_CLIENT ? "the LRU crawler is disabled or not supported: memcached >= 1.4.31 with lru_crawler enabled is needed"
			: "could not read the dump from the server");
		return MR_STOP_ERROR;
	}
	return d.stop;
}
