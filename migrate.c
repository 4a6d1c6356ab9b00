/* Move on read: get, and the writes during the move.
 *
 * Per key K with new location N and old location O (docs/DESIGN.md, "How a
 * key moves, and why in that order"): a get asks N; on a miss, while the pool
 * migrates and O differs, it asks O for value, flags, remaining TTL and CAS,
 * then adds the item at N (never sets) and, once N has it, deletes it at O
 * only if O's CAS is still the one read. Any sign that a writer raced the
 * move (add refused, delete found O changed or gone) leaves the writer's data
 * in place.
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
 * its CAS), then the guard (mr_guard.h). The drain deletes a guarded key's
 * copy at its source instead of moving it. The guard is looked up only where O is asked
 * anyway (after a miss at N, in the same round trip as O), so a hit at N and
 * the miss of a key that does not move cost what they did. It is not the
 * key itself, so PECL Memcached clients of the new list never read it. */
#include "php.h"
#include "migrate.h"
#include "mr_guard.h"
#include "mr_lease.h"
#include "mr_util.h"

#include <time.h>

/* Ask N and O together once this share of recent old lookups found the key. */
#define MR_TOGETHER_RATE 0.5
/* An item of key + value + this many bytes fits any memcached (the smallest
 * -I it accepts is 1 KB): its delete at O can go with the add at N without
 * asking N's item size limit first. */
#define MR_ITEM_OVERHEAD 100
#define MR_ITEM_MAX_FLOOR 1024
/* How long a get looks at N for a key whose move another process is
 * finishing (take_recheck): that mover's add is on its way, and on a loaded
 * host its server thread may take milliseconds to run; past this, a miss
 * (the mover died, or is stuck) */
#define MR_RECHECK_WAIT_MS 50

enum { ST_DONE = 0, ST_NEED_OLD, ST_RECHECK, ST_MOVING, ST_DELETING, ST_REREAD, ST_UNGUARD_OLD, ST_UNGUARD };

/* A request sent on p->later whose reply is read later. */
typedef struct mr_later {
	char key[MR_KEY_MAX + 1];
	size_t klen;
	uint32_t n, o;             /* connections of the new and the old location */
	uint64_t add_cas;          /* CAS of the copy the move added at N */
	size_t vlen;               /* bytes moved */
	uint32_t req;              /* request index on p->later */
	uint32_t greq;             /* the key's guard at N, looked up with it */
	uint64_t lease_cas;        /* the move's lease at N, released once O answered */
	uint8_t kind;              /* LATER_DELETE_OLD, LATER_TAKE_BACK, LATER_RELEASE */
} mr_later_t;

/* What a delayed request is: the CAS-checked md at O of a move
 * (deferred_delete), the md at N of a raced copy, or a lease's release. */
enum { LATER_DELETE_OLD = 0, LATER_TAKE_BACK, LATER_RELEASE };

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

/* Returns true when K's old location must be consulted (working out O
 * the first time it is needed). */
static inline bool moving(const mr_pool_t *p, mr_item_t *it, bool complete)
{
	return !complete && mr_pool_old_conn(p, it) != it->n;
}

/* Returns true when a moving key's N lookup will probably miss and O will
 * probably hold it: then both are asked in one round trip. Otherwise N is
 * asked alone first, so a hit costs one lookup, not two. */
static bool ask_together(mr_pool_t *p, int64_t now)
{
	if (p->mv_seen >= 32 && p->mv_missed * 2 < p->mv_seen) {
		return false; /* N mostly has moving keys already */
	}
	if (p->together_at != now) {
		uint64_t seen;
		uint32_t active;
		double rate = mr_counters_rate(mr_pool_ctr(p), &seen, &active);
		/* a migration in its first period with few old lookups yet has just
		 * started: nearly every key is still at O. Later, few old lookups
		 * mean N holds the moving keys (every worker's gets miss N rarely),
		 * and asking O too would cost every hit of a moving key three
		 * lookups: a process whose objects live one request (mv_seen never
		 * fills) must not take that for a start. */
		p->together_rate = (seen < 16 && active <= 1) || rate >= MR_TOGETHER_RATE;
		p->together_at = now;
	}
	return p->together_rate;
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
	if (!moving(p, it, complete)) {
		return;
	}
	p->mv_seen += weight;
	p->mv_missed += hit ? 0 : weight;
	if (p->mv_seen > 4096) {
		p->mv_seen /= 2;
		p->mv_missed /= 2;
	}
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
		mr_pool_count_error(p, it->n);
		return false;
	}
	if (!moving(p, it, complete)) {
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
		mr_pool_count_error(p, it->o); /* O still unreachable: the guard stays */
		return;
	}
	if (guard != MR_OK) {
		return; /* N or the guard's peer could not say: nothing moves, nothing goes */
	}
	if (r->rc == MR_OK) {
		it->rd = mr_wire_md(w, it->o, it->key, it->klen, r->cas);
		it->stage = ST_UNGUARD_OLD;
	} else {
		mr_guard_clear(w, p, it, it->o);
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
		mr_guard_clear(p->wire, p, it, it->o);
		it->stage = ST_UNGUARD;
	} else if (mr_rc_is_error(rc)) {
		mr_pool_count_error(p, it->o);
	}
}

/* Takes the answer to a guard's removal (whatever it is: a guard left
 * behind costs the next miss of the key one more look at O). */
static void take_unguard(mr_pool_t *p, mr_item_t *it)
{
	(void) p;
	it->stage = ST_DONE;
}

/* Returns how long ago (ms) a failure of N still makes O's misses for
 * its keys no evidence of a finished move: one cut-over window. */
static uint32_t new_failure_ms(const mr_ctr_pool_t *ctr)
{
	uint64_t window = __atomic_load_n(&ctr->window, __ATOMIC_RELAXED);
	return (uint32_t) (window > MR_WINDOW_MAX ? MR_WINDOW_MAX : window) * 1000;
}

/* Queues the lease of a moving key at N with the look at O (mr_lease.h):
 * only a get that may move takes one. */
static void take_lease(mr_pool_t *p, mr_item_t *it)
{
	it->rlook = it->rd = MR_NO_REQ;
	it->lease_cas = 0;
	it->rl = p->migrate
		? mr_lease_take(p->wire, it->key, it->klen, it->n, mr_lease_ttl(mr_wire_opts(p->wire)->timeout_ms))
		: MR_NO_REQ;
}

/* Takes the answer to the lease of a key O had. Returns true when this get
 * holds it (and may move the key); else the value is served from O and
 * counted: raced when another mover holds it, move_failed when N failed. */
static bool take_lease_answer(mr_pool_t *p, mr_item_t *it)
{
	mr_req_t *l = mr_wire_req(p->wire, it->rl);
	if (l->rc == MR_OK) {
		it->lease_cas = l->cas;
		return true;
	}
	if (l->rc == MR_NOTSTORED) {
		count(p, MR_C_RACED, 1);
	} else {
		count(p, MR_C_MOVE_FAILED, 1);
		mr_pool_count_error(p, it->n);
	}
	return false;
}

/* Returns true when N surely stores the item of a moving key (value vlen
 * bytes), so that the delete at O may go with the add: an item over N's
 * item size limit would be refused after O let go of it. */
static bool fits_at_new(mr_pool_t *p, const mr_item_t *it, size_t vlen)
{
	uint64_t size = (uint64_t) it->klen + vlen + MR_ITEM_OVERHEAD;
	if (size <= MR_ITEM_MAX_FLOOR) {
		return true;
	}
	uint64_t max = mr_wire_item_max(p->wire, it->n);
	return max > 0 && size <= max;
}

/* The lease move (docs/DESIGN.md, "The move in two round trips"): at O, in
 * the same round trip as the add at N, the CAS-checked delete; behind the
 * add, a look at the key's guard and at the lease (N answers them after
 * the add).
 * take_add_answer then has every answer at once. */
static void queue_with_add(mr_pool_t *p, mr_item_t *it)
{
	mr_wire_t *w = p->wire;
	it->rd = mr_wire_md(w, it->o, it->key, it->klen, it->cas);
	it->rg = mr_guard_get(w, it->key, it->klen, it->n);
	it->rlook = mr_lease_look(w, it->key, it->klen, it->n);
}

/* Takes the answer of O for a key N did not have; queues the move. */
static void take_old_answer(mr_pool_t *p, mr_item_t *it, int64_t now)
{
	mr_wire_t *w = p->wire;
	mr_req_t *r = mr_wire_req(w, it->ro);
	mr_ctr_pool_t *ctr = mr_pool_ctr(p);

	it->stage = ST_DONE;
	count(p, MR_C_OLD_LOOKUPS, 1);
	mr_rc_t guard = mr_guard_found(w, it);
	if (mr_guard_blocks(guard)) {
		take_guarded(p, it, r, guard);
		return;
	}
	if (r->rc != MR_OK) {
		if (mr_rc_is_error(r->rc)) {
			/* O down or hung: a miss, but no evidence that O no longer
			 * matters, so it stays out of the cut-over window */
			mr_pool_count_error(p, it->o);
		} else if (!mr_wire_failed_recently(w, it->n, new_failure_ms(ctr))) {
			mr_counters_rate_record(ctr, false);
		}
		/* else N failed within the window (a restart empties it): O's
		 * miss may be a key N lost, not one that moved, so it is no
		 * evidence either */
		it->rc = MR_MISS;
		if (mr_rc_is_error(r->rc)) {
			count(p, MR_C_MISSES, 1);
			return;
		}
		/* missing at both: another process may have moved the key between
		 * the look at N and the look at O, so N is asked once more
		 * (take_recheck). When that mover's lease stopped ours, its add
		 * at N may still be on its way (the lease move sends it with the
		 * delete at O): the lease is looked at first, on N's connection */
		it->rlook = it->rl != MR_NO_REQ && mr_wire_req(w, it->rl)->rc == MR_NOTSTORED
			? mr_lease_look(w, it->key, it->klen, it->n) : MR_NO_REQ;
		it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | (it->want_cas ? MR_WANT_CAS : 0));
		it->stage = ST_RECHECK;
		return;
	}
	mr_counters_rate_record(ctr, true);
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
	if (!take_lease_answer(p, it)) {
		return; /* another mover holds the key's lease: served from O, not moved */
	}
	if (r->ttl > MR_RELATIVE_TTL_MAX) {
		now = mr_wire_server_time(w, it->n); /* an absolute expiry, on N's clock */
	}
	it->ttl = mr_migrate_ttl(r->ttl, p->fallback_ttl, now);
	if (it->ttl < 0) {
		count(p, MR_C_MOVE_FAILED, 1); /* about to expire: served, not copied */
		return;
	}
	/* queuing may move the request array: r is not read after this */
	size_t vlen = r->vlen;
	it->ra = mr_wire_ms(w, it->n, it->key, it->klen, MR_MODE_ADD, mr_wire_value(w, it->ro), vlen,
		r->flags, it->ttl, 0, true);
	it->stage = ST_MOVING;
	if (!p->ordered_move && fits_at_new(p, it, vlen)) {
		queue_with_add(p, it);
	}
}

/* ---- the deletes at O that moves send without waiting ---- */

/* The delete at O found O changed or gone: a writer raced the move, which
 * was counted as migrated when its add went in; it is a race after all. */
static void count_raced_move(mr_pool_t *p, uint32_t n, uint32_t o, size_t vlen)
{
	mr_ctr_pool_t *ctr = mr_pool_ctr(p);
	mr_uncount(&ctr->c[MR_C_MIGRATED], 1);
	mr_uncount(&ctr->c[MR_C_BYTES_MOVED], vlen);
	if (p->srv[o]) mr_uncount(&p->srv[o]->moved_out, 1);
	if (p->srv[n]) mr_uncount(&p->srv[n]->moved_in, 1);
	count(p, MR_C_RACED, 1);
}

static bool settle(mr_pool_t *p, bool wait);

/* Queues a delayed request of kind (LATER_*) on p->later, opening a new
 * batch when none is open. */
static void later_queue(mr_pool_t *p, const mr_item_t *it, uint64_t add_cas, size_t vlen, uint8_t kind)
{
	if (p->later_state == LATER_SENT) {
		/* the batch in flight is read first (its replies are normally in);
		 * its follow-ups stay open, and this request joins them */
		settle(p, true);
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
	l->kind = kind;
	l->lease_cas = it->lease_cas;
	l->greq = MR_NO_REQ;
	if (kind == LATER_TAKE_BACK) {
		l->req = mr_wire_md(p->later, it->n, it->key, it->klen, add_cas);
	} else if (kind == LATER_RELEASE) {
		l->req = mr_lease_drop(p->later, it->key, it->klen, it->n, it->lease_cas);
	} else {
		l->req = mr_wire_md(p->later, it->o, it->key, it->klen, it->cas);
		/* a writer that could not reach O may have guarded the key since the
		 * move looked: then the moved copy is older than its write */
		l->greq = mr_guard_get(p->later, it->key, it->klen, it->n);
	}
}

/* Sends the open batch of p->later; its replies are read by settle(). */
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
	if (l->kind == LATER_RELEASE) {
		return false; /* a lease left behind expires by itself */
	}
	if (l->kind == LATER_TAKE_BACK) {
		if (mr_rc_is_error(rc)) {
			mr_pool_count_error(p, l->n);
		}
		return false;
	}
	if (rc == MR_MISS || rc == MR_EXISTS || mr_wire_req(p->later, l->greq)->rc == MR_OK) {
		count_raced_move(p, l->n, l->o, l->vlen);
		return true;
	}
	if (rc != MR_OK) {
		mr_pool_count_error(p, l->o); /* copied; O keeps the same bytes until a write removes them */
	}
	return false;
}

/* Reads the answers of the deletes at O that moves sent without waiting
 * (waiting for them when wait), and takes back at N the copy of a move a
 * writer raced. Returns true when nothing is left waiting. */
static bool settle(mr_pool_t *p, bool wait)
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
	/* the follow-ups: the take-backs, and the leases of the moves whose
	 * delete at O is answered now (a lease goes only once its move's
	 * delete at O is done); queued as the next batch, left open for the
	 * caller to send (with its own requests, when it has some) */
	uint32_t n = p->npend, back = 0;
	mr_later_t *next = n ? pemalloc(2 * (size_t) n * sizeof(mr_later_t), p->persistent) : NULL;
	for (uint32_t i = 0; i < n; i++) {
		mr_later_t *l = &p->pend[i];
		bool take_back = later_answer(p, l);
		if (take_back) {
			next[back] = *l;
			next[back++].kind = LATER_TAKE_BACK;
		}
		if ((take_back || l->kind == LATER_DELETE_OLD) && l->lease_cas) {
			next[back] = *l;
			next[back++].kind = LATER_RELEASE;
		}
	}
	p->npend = 0;
	p->later_state = LATER_IDLE;
	for (uint32_t i = 0; i < back; i++) {
		mr_item_t it = { .klen = next[i].klen, .n = next[i].n, .o = next[i].o, .lease_cas = next[i].lease_cas };
		memcpy(it.key, next[i].key, next[i].klen);
		later_queue(p, &it, next[i].add_cas, 0, next[i].kind);
	}
	if (next) {
		pefree(next, p->persistent);
	}
	return back == 0;
}

void mr_migrate_flush(mr_pool_t *p)
{
	while (!settle(p, true)) {
		/* a race's take-back is one more batch, read the same way */
	}
}

void mr_migrate_after_op(mr_pool_t *p)
{
	if (p->later_state == LATER_SENT && p->later_seq != p->op_seq) {
		settle(p, false);
		later_send(p); /* its follow-ups, if any */
	}
	p->op_seq++;
}

void mr_migrate_close(mr_pool_t *p)
{
	if (!p) {
		return;
	}
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
	mr_pool_free(p);
}

static void take_delete_answer(mr_pool_t *p, mr_item_t *it);

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
		mr_pool_count_move(p, it->o, it->n, vlen);
		it->add_cas = a->cas;
		if (it->rlook != MR_NO_REQ) {
			take_delete_answer(p, it); /* the lease move: O answered with N */
		} else if (p->deferred_delete) {
			later_queue(p, it, a->cas, vlen, LATER_DELETE_OLD);
			it->rl = MR_NO_REQ; /* its lease goes once O answered (settle) */
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
		it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | (it->want_cas ? MR_WANT_CAS : 0));
		it->stage = ST_REREAD;
		return;
	}
	/* N refused or failed: the value is served from O, and O keeps it */
	count(p, MR_C_MOVE_FAILED, 1);
	mr_pool_count_error(p, it->n);
}

/* Takes the answer to the CAS-checked delete at O after a done add. */
static void take_delete_answer(mr_pool_t *p, mr_item_t *it)
{
	mr_wire_t *w = p->wire;
	mr_req_t *d = mr_wire_req(w, it->rd);

	it->stage = ST_DONE;
	if (d->rc == MR_MISS || d->rc == MR_EXISTS || mr_wire_req(w, it->rg)->rc == MR_OK
		|| (it->rlook != MR_NO_REQ && !mr_lease_intact(w, it->rlook, it->lease_cas))) {
		/* a writer changed or deleted O while we moved, or guarded the key
		 * (it could not reach O), or a delete passed N after the lease was
		 * taken (the lease move's add may have landed after it): take our
		 * copy back */
		count_raced_move(p, it->n, it->o, mr_wire_req(w, it->ro)->vlen);
		mr_wire_md(w, it->n, it->key, it->klen, it->add_cas);
		it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | (it->want_cas ? MR_WANT_CAS : 0));
		it->stage = ST_REREAD;
		return;
	}
	if (d->rc != MR_OK) {
		mr_pool_count_error(p, it->o); /* copied; O keeps the same bytes until a write removes them */
	}
}

/* Takes the second look at N of a key that neither N nor O had: a hit is a
 * key another process moved meanwhile, found at N after all. While another
 * mover's lease still stands at the look, its add may not have reached N
 * yet (it releases the lease only once the add is answered), so N is asked
 * again, lease first, for MR_RECHECK_WAIT_MS at most: past that a miss is
 * cheaper than waiting. */
static void take_recheck(mr_pool_t *p, mr_item_t *it)
{
	mr_wire_t *w = p->wire;
	mr_req_t *r = mr_wire_req(w, it->rn);
	uint64_t until = it->rlook != MR_NO_REQ ? mr_mono_ms() + MR_RECHECK_WAIT_MS : 0;
	while (r->rc == MR_MISS && it->rlook != MR_NO_REQ && mr_mono_ms() < until) {
		if (mr_wire_req(w, it->rlook)->rc != MR_OK) {
			break; /* no lease: that move is over (or undone) */
		}
		it->rlook = mr_lease_look(w, it->key, it->klen, it->n);
		it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | (it->want_cas ? MR_WANT_CAS : 0));
		mr_wire_run(w);
		r = mr_wire_req(w, it->rn);
	}
	it->rlook = MR_NO_REQ;
	it->stage = ST_DONE;
	if (r->rc == MR_OK) {
		it->rc = MR_OK;
		it->vflags = r->flags;
		count(p, MR_C_NEW_HITS, 1);
		return;
	}
	count(p, MR_C_MISSES, 1);
	if (mr_rc_is_error(r->rc)) {
		mr_pool_count_error(p, it->n); /* N answered a miss just before: still a miss */
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
		mr_pool_count_error(p, it->n);
	}
}

/* Releases, without waiting, the leases this get took and holds: its moves
 * are answered (a deferred delete's lease goes once O answered it). */
static void release_leases(mr_pool_t *p, mr_item_t *items, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		if (it->rl == MR_NO_REQ || mr_wire_req(p->wire, it->rl)->rc != MR_OK) {
			continue;
		}
		it->lease_cas = mr_wire_req(p->wire, it->rl)->cas;
		later_queue(p, it, 0, 0, LATER_RELEASE);
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
			/* a moved copy's CAS is the one N gave the add: a cas() with it acts at N */
			it->out_cas = it->rn == it->ro && it->add_cas ? it->add_cas : mr_wire_req(p->wire, it->rn)->cas;
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
	int64_t now = (int64_t) time(NULL);
	bool together = !complete && ask_together(p, now);

	mr_wire_reset(w);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->stage = ST_DONE;
		it->add_cas = 0;
		it->rn = mr_wire_mg(w, it->n, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | (it->want_cas ? MR_WANT_CAS : 0));
		it->ro = it->rg = it->rl = MR_NO_REQ;
		if (together && moving(p, it, complete)) {
			it->ro = mr_wire_mg(w, it->o, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | MR_WANT_TTL | MR_WANT_CAS);
			mr_guard_look(w, p, it, it->o);
			take_lease(p, it);
		}
	}
	mr_wire_run(w);
	count(p, MR_C_GETS, n);

	bool ask_old = false, answered = false;
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		mr_rc_t nrc = mr_wire_req(w, it->rn)->rc;
		if (nrc == MR_OK || nrc == MR_MISS) {
			learn_new_miss(p, it, nrc == MR_OK, complete);
			answered = true;
		}
		if (take_new_answer(p, it, mr_wire_req(w, it->rn), complete)) {
			it->stage = ST_NEED_OLD;
			if (it->ro == MR_NO_REQ) {
				/* the guard at N is looked at in the same round trip */
				it->ro = mr_wire_mg(w, it->o, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | MR_WANT_TTL | MR_WANT_CAS);
				mr_guard_look(w, p, it, it->o);
				take_lease(p, it);
				ask_old = true;
			}
		}
	}
	if (!complete && answered && p->touched_at != now) {
		/* this period saw gets N answered; gets N failed (down, restarting)
		 * say nothing of where keys are, and a window of only those must
		 * not look like one where the old list no longer mattered */
		mr_counters_rate_touch(mr_pool_ctr(p));
		p->touched_at = now;
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
	/* the second look at N of keys both missed, and the adds at N, in one
	 * round trip; then, where an add went in, the CAS-checked delete at O (or,
	 * with deferred_delete, it goes out at the end, unread); then the
	 * re-reads that races call for; guarded keys: O's copy goes, then the
	 * guard */
	static const struct { uint8_t stage; void (*take)(mr_pool_t *, mr_item_t *); } steps[] = {
		{ST_RECHECK, take_recheck}, {ST_MOVING, take_add_answer}, {ST_DELETING, take_delete_answer}, {ST_REREAD, take_reread},
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
	if (together || ask_old) {
		release_leases(p, items, n); /* only a key O was asked for has a lease */
	}
	later_send(p);
	resolve_values(p, items, n);
	if (any_old) {
		mr_pool_check_cutover(p);
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
		it->rd = MR_NO_REQ;
		if (moving(p, it, complete) && !mr_rc_is_error(it->rc)) {
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
		mr_rc_t rc = it->rd != MR_NO_REQ ? mr_wire_req(w, it->rd)->rc : MR_OK;
		it->rg = MR_NO_REQ;
		if (mr_rc_is_error(rc)) {
			mr_pool_count_error(p, it->o);
			if (!mr_rc_is_error(it->rc)) {
				mr_guard_put(w, p, it, it->o);
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
		if (it->rg != MR_NO_REQ && mr_wire_req(w, it->rg)->rc != MR_OK) {
			mr_pool_count_error(p, it->n);
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
		if (it->rd != MR_NO_REQ && mr_rc_is_error(it->rc) && it->add_cas) {
			mr_wire_md(w, it->n, it->key, it->klen, it->add_cas);
			any = true;
		}
	}
	if (any) {
		mr_wire_run(w);
	}
}

/* Returns the error count of items, counting each against its N server. */
/* Counts the writes N took (set, add, replace, cas, arithmetic, touch
 * answered OK): `sets` says what was stored, not what was asked. */
static void count_stored(mr_pool_t *p, const mr_item_t *items, uint32_t n)
{
	uint64_t stored = 0;
	for (uint32_t i = 0; i < n; i++) {
		stored += items[i].rc == MR_OK;
	}
	if (stored) {
		count(p, MR_C_SETS, stored);
	}
}

static uint32_t count_write_errors(mr_pool_t *p, mr_item_t *items, uint32_t n)
{
	uint32_t errors = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (mr_rc_is_error(items[i].rc)) {
			mr_pool_count_error(p, items[i].n);
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
		it->ra = mr_wire_ms(w, it->n, it->key, it->klen, mode, it->data, it->dlen, it->flags, ttl, 0, moving(p, it, complete));
	}
	mr_wire_run(w);
	for (uint32_t i = 0; i < n; i++) {
		items[i].rc = mr_wire_req(w, items[i].ra)->rc;
		items[i].add_cas = mr_wire_req(w, items[i].ra)->cas;
	}
	count_stored(p, items, n);
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

/* Queues a delete's md at N (its request in it->ra). A moving key's lease
 * goes first, on the same connection: a lease move whose add lands after
 * this delete then finds its lease gone and takes its copy back (docs/
 * DESIGN.md, "The move in two round trips"). */
static void delete_at_new(mr_wire_t *w, mr_item_t *it)
{
	if (it->rd != MR_NO_REQ) {
		mr_lease_drop(w, it->key, it->klen, it->n, 0);
	}
	it->ra = mr_wire_md(w, it->n, it->key, it->klen, 0);
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
		it->rd = it->rg = MR_NO_REQ;
		if (moving(p, it, complete)) {
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
		bool o_failed = it->rd != MR_NO_REQ && mr_rc_is_error(mr_wire_req(w, it->rd)->rc);
		it->ra = MR_NO_REQ;
		if (o_failed) {
			mr_guard_put(w, p, it, it->o);
			any_guard = true;
		} else {
			delete_at_new(w, it);
		}
	}
	mr_wire_run(w);
	if (any_guard) {
		for (uint32_t i = 0; i < n; i++) {
			mr_item_t *it = &items[i];
			if (it->rg != MR_NO_REQ && mr_wire_req(w, it->rg)->rc == MR_OK) {
				delete_at_new(w, it);
			}
		}
		mr_wire_run(w);
	}
	count(p, MR_C_DELETES, n);
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		mr_rc_t at_n = it->ra != MR_NO_REQ ? mr_wire_req(w, it->ra)->rc : MR_ERR_DOWN;
		mr_rc_t at_o = it->rd != MR_NO_REQ ? mr_wire_req(w, it->rd)->rc : MR_MISS;
		if (mr_rc_is_error(at_o)) {
			mr_pool_count_error(p, it->o);
			/* guarded: N says, as it would to a client of the new list;
			 * unguarded: the delete is not done (whatever N said) */
			it->rc = it->ra != MR_NO_REQ ? at_n : at_o;
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
		if (r->rc != MR_MISS || !moving(p, it, complete) || attempt > 0) {
			break;
		}
		moved = move_first(p, it);
		if (!moved) {
			it->rc = mr_rc_is_error(it->rc) ? it->rc : MR_MISS;
			break;
		}
	}
	count_stored(p, it, 1);
	uint32_t errors = count_write_errors(p, it, 1);
	if (!moved && queue_old_deletes(p, it, 1, complete)) {
		errors += finish_old_deletes(p, it, 1);
	}
	return errors;
}

/* Returns true when a write that needs the key's item at N missed there
 * (rc) and the key may still live at O. */
static bool missed_moving(mr_pool_t *p, mr_item_t *it, mr_rc_t rc, bool complete)
{
	return (rc == MR_MISS || rc == MR_NOTSTORED) && moving(p, it, complete);
}

uint32_t mr_migrate_write_existing(mr_pool_t *p, mr_item_t *it, char mode, int64_t ttl, uint64_t cas_check)
{
	mr_wire_t *w = p->wire;
	bool complete = mr_pool_is_complete(p);
	bool moved = false;
	const char *data = it->data;
	size_t dlen = it->dlen;
	uint32_t flags = it->flags;

	for (int attempt = 0; attempt < 2; attempt++) {
		mr_wire_reset(w);
		it->ra = mr_wire_ms(w, it->n, it->key, it->klen, mode, data, dlen, flags, ttl, cas_check, moving(p, it, complete));
		mr_wire_run(w);
		mr_req_t *r = mr_wire_req(w, it->ra);
		it->rc = r->rc;
		it->add_cas = r->cas;
		if (attempt > 0 || !missed_moving(p, it, r->rc, complete)) {
			break;
		}
		/* not at N: move it from O the way a get does, then write again at
		 * N (a CAS token from before the move no longer matches: EXISTS,
		 * as when another client wrote in between) */
		bool want = it->want_cas;
		it->want_cas = false;
		moved = move_first(p, it);
		it->want_cas = want;
		if (!moved) {
			it->rc = mr_rc_is_error(it->rc) ? it->rc : r->rc;
			break;
		}
	}
	count(p, MR_C_SETS, 1);
	uint32_t errors = count_write_errors(p, it, 1);
	/* a move cleared O already; otherwise O may hold an older copy that a
	 * get would bring back once N loses this one */
	if (!moved && it->rc == MR_OK && queue_old_deletes(p, it, 1, complete)) {
		uint32_t failed = finish_old_deletes(p, it, 1);
		if (failed) {
			undo_at_new(p, it, 1);
			errors += failed;
		}
	}
	return errors;
}

uint32_t mr_migrate_add(mr_pool_t *p, mr_item_t *it, int64_t ttl)
{
	if (moving(p, it, mr_pool_is_complete(p))) {
		/* the key may live at O only: there it exists, so the add must fail
		 * (and the get moves it, as any read would) */
		bool want = it->want_cas;
		it->want_cas = false;
		mr_migrate_get(p, it, 1);
		it->want_cas = want;
		if (it->rc == MR_OK) {
			it->rc = MR_NOTSTORED;
			return 0;
		}
		if (mr_rc_is_error(it->rc)) {
			return 1;
		}
	}
	return mr_migrate_store(p, it, 1, MR_MODE_ADD, ttl);
}

uint32_t mr_migrate_arith_init(mr_pool_t *p, mr_item_t *it, bool incr, uint64_t delta, uint64_t initial, int64_t ttl)
{
	mr_wire_t *w = p->wire;
	bool complete = mr_pool_is_complete(p);
	bool moved = false;

	/* O first: a counter still at O must move before N would create it anew */
	if (moving(p, it, complete)) {
		mr_wire_reset(w);
		it->ra = mr_wire_ma(w, it->n, it->key, it->klen, incr, delta);
		mr_wire_run(w);
		mr_req_t *r = mr_wire_req(w, it->ra);
		it->rc = r->rc;
		it->number = r->number;
		if (r->rc == MR_MISS) {
			moved = move_first(p, it);
		} else {
			count(p, MR_C_SETS, 1);
			uint32_t errors = count_write_errors(p, it, 1);
			if (!mr_rc_is_error(it->rc) && queue_old_deletes(p, it, 1, complete)) {
				errors += finish_old_deletes(p, it, 1);
			}
			return errors;
		}
	}
	mr_wire_reset(w);
	it->ra = mr_wire_ma_init(w, it->n, it->key, it->klen, incr, delta, initial, ttl);
	mr_wire_run(w);
	mr_req_t *r = mr_wire_req(w, it->ra);
	it->rc = r->rc;
	it->number = r->number;
	count(p, MR_C_SETS, 1);
	(void) moved;
	return count_write_errors(p, it, 1);
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
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->rc = mr_wire_req(w, it->ra)->rc;
		it->from_old = false;
		if (it->rc == MR_MISS && moving(p, it, complete) && move_first(p, it)) {
			/* moved from O: touch it again at N */
			it->from_old = true;
			mr_wire_reset(w);
			it->ra = mr_wire_touch(w, it->n, it->key, it->klen, ttl);
			mr_wire_run(w);
			it->rc = mr_wire_req(w, it->ra)->rc;
		}
	}
	count_stored(p, items, n);
	uint32_t errors = count_write_errors(p, items, n);
	mr_wire_reset(w);
	bool any = false;
	for (uint32_t i = 0; i < n; i++) {
		mr_item_t *it = &items[i];
		it->rd = MR_NO_REQ;
		if (!it->from_old && moving(p, it, complete) && !mr_rc_is_error(it->rc)) {
			it->rd = mr_wire_md(w, it->o, it->key, it->klen, 0);
			any = true;
		}
	}
	if (any) {
		errors += finish_old_deletes(p, items, n);
	}
	return errors;
}

