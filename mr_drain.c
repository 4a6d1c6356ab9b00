/* Drain: walk an old server's keys (lru_crawler metadump on a connection of
 * its own) and move, batch by batch, every key whose location changes.
 * A batch is: mg at the source, add at N, and once N holds the copy the
 * CAS-checked delete at the source (the order migrate.c explains: the
 * source lets go only of what its target holds); a delete that finds the
 * source changed or gone takes the copy back at N. A source that stops
 * answering is waited for; keys an earlier, interrupted walk left at both
 * places are finished; guarded keys' older copies are deleted, not moved
 * (mr_guard.h). */
#include "php.h"
#include "mr_drain.h"
#include "migrate.h"
#include "mr_guard.h"
#include "mr_lease.h"
#include "mr_util.h"

#include <time.h>
#include <unistd.h>

/* Walks of a drained server at most (see mr_drain_server). */
#define MR_DRAIN_PASSES 4
/* Longest a drain waits, in all, for a source that stopped answering (hung,
 * restarting) before it leaves the keys it could not reach behind. */
#define MR_DRAIN_STALL_MAX 30.0
/* How often a drain waiting for its source looks again (microseconds). */
#define MR_DRAIN_STALL_POLL_US 100000

/* Where a batch's item is (mr_item_t.stage): looked up; to add at N; to
 * delete at the source; N's item to compare (the add found one); a guarded
 * key's older copy to delete at the source. */
enum { ST_DONE = 0, ST_MOVING, ST_DELETING, ST_REREAD, ST_UNGUARD_OLD };


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

bool mr_drain_parse_metadump_line(const char *line, size_t len, mr_metadump_t *out)
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
		if (!mr_key_byte_ok(c) || out->klen >= MR_KEY_MAX) {
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
	/* p is always at a space or the end: the key's value and each field
	 * below stop at the next space */
	for (const char *p = v + vlen; p < end; ) {
		p++; /* the space */
		if (field(p, end, "exp", &v, &vlen) && !mr_parse_i64(v, vlen, &out->exp)) {
			return false;
		}
		if (field(p, end, "size", &v, &vlen) && !mr_parse_i64(v, vlen, &out->size)) {
			return false;
		}
		const char *sp = memchr(p, ' ', (size_t) (end - p));
		p = sp ? sp : end;
	}
	/* memcached prints exp=-1 (never expires) or a unix time, and a size of
	 * zero or more; anything else is not its line, and a huge negative exp
	 * would overflow the remaining-TTL arithmetic of the drain */
	return out->exp >= -1 && out->size >= -1;
}

/* What a drain carries from batch to batch. */
typedef struct {
	mr_pool_t *p;
	uint32_t src;
	const mr_drain_opts_t *o;
	uint64_t *totals;
	mr_item_t *items;
	uint32_t n, cap;
	double next_at;           /* pacing: the earliest time the next batch may go */
	mr_drain_stop_t stop;
	double stalled;           /* seconds spent waiting for a source that stopped answering */
	bool rescan;              /* a later walk: its lines are not counted as scanned again */
	uint64_t lines;           /* metadump lines of this walk */
	uint64_t *evictions;      /* per connection: at the start (fill_limit) */
} drain_t;

/* One target's fill, from its `stats`. */
typedef struct {
	uint64_t bytes, limit, evictions;
} fill_t;

static bool fill_line(void *ctx, const char *line, size_t len)
{
	fill_t *f = ctx;
	uint64_t v;
	if (mr_stat_u64(line, len, "bytes", &v)) f->bytes = v;
	else if (mr_stat_u64(line, len, "limit_maxbytes", &v)) f->limit = v;
	else if (mr_stat_u64(line, len, "evictions", &v)) f->evictions = v;
	return true;
}

/* Returns true (and f) when the server on conn answered `stats` with a memory limit. */
static bool read_fill(mr_pool_t *p, uint32_t conn, fill_t *f)
{
	memset(f, 0, sizeof(*f));
	return mr_wire_text(p->wire, conn, "stats", fill_line, f, 2000) == MR_OK && f->limit > 0;
}

/* Returns false when writing the batch's items to some target would pass
 * fill_limit, or a target started evicting since the drain began. */
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
	double t = mr_mono_s();
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
			mr_guard_clear(w, d->p, it, d->src);
		} else {
			d->totals[MR_DRAIN_ERRORS]++;
			mr_pool_count_error(d->p, d->src);
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
		double t = mr_mono_s();
		usleep(MR_DRAIN_STALL_POLL_US);
		d->stalled += mr_mono_s() - t;
		if (d->o->progress && !d->o->progress(d->o->progress_ctx, d->totals)) {
			d->stop = MR_STOP_CALLBACK;
			return false;
		}
	} while (mr_wire_failed_recently(w, d->src, mr_wire_opts(w)->retry_interval_ms));
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
		double t = mr_mono_s();
		mr_wire_run(w);
		if (!unreachable(mr_wire_req(w, r)->rc)) {
			return true;
		}
		if (!wait_for_source(d, mr_mono_s() - t)) {
			return false;
		}
	}
}

/* Looks up the batch at the source (value, flags, TTL, CAS) and each key's
 * guard at N, in one round trip, taking each key's lease at N with it
 * (unless copying) so that a get does not move the key meanwhile (docs/
 * DESIGN.md, "The move in two round trips"); while the source cannot be
 * reached, waits for it (wait_for_source) and asks again. */
static void drain_lookup(drain_t *d)
{
	mr_wire_t *w = d->p->wire;
	bool first = true;
	for (;;) {
		mr_wire_reset(w);
		for (uint32_t i = 0; i < d->n; i++) {
			mr_item_t *it = &d->items[i];
			it->ro = mr_wire_mg(w, d->src, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | MR_WANT_TTL | MR_WANT_CAS);
			mr_guard_look(w, d->p, it, d->src);
			it->rl = MR_NO_REQ;
			if (first) {
				it->lease_cas = 0;
				if (!d->o->copy) {
					it->rl = mr_lease_take(w, it->key, it->klen, it->n, mr_lease_ttl(mr_wire_opts(w)->timeout_ms));
				}
			}
			it->stage = ST_DONE;
			it->from_old = it->retried = false;
		}
		double t = mr_mono_s();
		mr_wire_run(w);
		for (uint32_t i = 0; first && i < d->n; i++) {
			mr_item_t *it = &d->items[i];
			mr_req_t *l = it->rl != MR_NO_REQ ? mr_wire_req(w, it->rl) : NULL;
			it->lease_cas = l && l->rc == MR_OK ? l->cas : 0;
		}
		first = false;
		bool stuck = false;
		for (uint32_t i = 0; i < d->n && !stuck; i++) {
			stuck = unreachable(mr_wire_req(w, d->items[i].ro)->rc);
		}
		if (!stuck || !wait_for_source(d, mr_mono_s() - t)) {
			return;
		}
	}
}

/* Counts one key as moved: its source copy let go while N holds the item. */
static void drain_count_moved(drain_t *d, const mr_item_t *it)
{
	d->totals[MR_DRAIN_MOVED]++;
	d->totals[MR_DRAIN_BYTES] += it->dlen;
	mr_count(mr_pool_ctr(d->p), MR_C_DRAINED, 1);
	mr_pool_count_move(d->p, d->src, it->n, it->dlen);
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
	mr_pool_count_error(d->p, d->src);
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
				it->rg = it->add_cas ? mr_guard_get(w, it->key, it->klen, it->n) : MR_NO_REQ;
				any = true;
			}
		}
		if (!any) {
			break;
		}
		double t = mr_mono_s();
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
			mr_rc_t guard = it->rg != MR_NO_REQ ? mr_wire_req(w, it->rg)->rc : MR_MISS;
			if (drain_take_delete(d, it, rc, guard)) {
				back[i] = it->add_cas;
			}
		}
		if (stuck && wait_for_source(d, mr_mono_s() - t)) {
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

/* Releases the batch's leases by their CAS, once every delete at the
 * source is answered (a lease released earlier would let a get's delete at
 * the source race the drain's). */
static void drain_release(drain_t *d)
{
	mr_wire_t *w = d->p->wire;
	bool any = false;
	mr_wire_reset(w);
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		if (it->lease_cas) {
			mr_lease_drop(w, it->key, it->klen, it->n, it->lease_cas);
			it->lease_cas = 0;
			any = true;
		}
	}
	if (any) {
		mr_wire_run(w);
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
		drain_release(d);
		return;
	}
	bool stale = false;
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		mr_req_t *r = mr_wire_req(w, it->ro);
		mr_rc_t guard = mr_guard_found(w, it);
		if (r->rc == MR_MISS) {
			t[MR_DRAIN_GONE]++; /* gone since the dump: the app moved it, or it was deleted, evicted, expired */
			continue;
		}
		if (r->rc != MR_OK || mr_rc_is_error(guard)) {
			t[MR_DRAIN_ERRORS]++;
			mr_pool_count_error(p, r->rc != MR_OK ? d->src : it->n);
			continue;
		}
		if (!d->o->copy && !it->lease_cas) {
			t[MR_DRAIN_RACED]++; /* a get is moving it (holds its lease): a later walk looks again */
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
		drain_release(d);
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
			mr_pool_count_error(p, it->n);
		}
	}
	if (present) {
		mr_wire_run(w);
		drain_take_present(d);
	}
	if (!d->o->copy) {
		drain_deletes(d);
	}
	drain_release(d);
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
	if (!mr_drain_parse_metadump_line(line, len, &md)) {
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
		/* "hash" walks the hash table, not the LRUs: the LRU walk ("all")
		 * passes over items whose lock is held or that the LRU maintainer
		 * relinks meanwhile (every item our own reads made active), so it
		 * missed keys; the hash walk waits for each bucket's lock and lists
		 * every item linked when it gets there (memcached >= 1.6.13;
		 * protocol.txt, "lru_crawler metadump") */
		rc = mr_wire_text(dump, 0, "lru_crawler metadump hash", drain_line, d, 5000);
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

mr_drain_stop_t mr_drain_server(mr_pool_t *p, uint32_t src, const mr_drain_opts_t *o, uint64_t *totals, char *err, size_t errlen)
{
	mr_migrate_flush(p); /* the moves a get left unanswered come first */
	drain_t d = { .p = p, .src = src, .o = o, .totals = totals, .stop = MR_STOP_DONE };
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
	/* a walk lists what was linked when it reached each bucket: keys
	 * written meanwhile behind it are not in it, so walk again while a walk
	 * still finds keys to move. Later walks count only the keys they move. A walk
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
