/* Drain: walk an old server's keys (lru_crawler metadump on a connection of
 * its own) and move, batch by batch, every key whose location changes.
 * A batch is: mg at the source, add at N, and once N holds the copy the
 * CAS-checked delete at the source (the order migrate.c explains: the
 * source lets go only of what its target holds); a delete that finds the
 * source changed or gone takes the copy back at N. */
#include "php.h"
#include "mr_drain.h"
#include "migrate.h"
#include "mr_util.h"

#include <time.h>
#include <unistd.h>

/* Walks of a drained server at most (see mr_drain_server). */
#define MR_DRAIN_PASSES 4

/* Where a batch's item is (mr_item_t.stage). */
enum { ST_DONE = 0, ST_MOVING, ST_DELETING };


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
	for (const char *p = v + vlen; p < end; ) {
		if (*p != ' ') {
			return false;
		}
		p++;
		if (field(p, end, "exp", &v, &vlen) && !mr_parse_i64(v, vlen, &out->exp)) {
			return false;
		}
		if (field(p, end, "size", &v, &vlen) && !mr_parse_i64(v, vlen, &out->size)) {
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
	double next_at;           /* pacing: the earliest time the next batch may go */
	mr_drain_stop_t stop;
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
	mr_wire_reset(w);
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		it->ro = mr_wire_mg(w, d->src, it->key, it->klen, MR_WANT_VALUE | MR_WANT_FLAGS | MR_WANT_TTL | MR_WANT_CAS);
		it->stage = ST_DONE;
	}
	mr_wire_run(w);
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		mr_req_t *r = mr_wire_req(w, it->ro);
		if (r->rc == MR_MISS) {
			t[MR_DRAIN_GONE]++; /* gone since the dump: the app moved it, or it was deleted, evicted, expired */
			continue;
		}
		if (r->rc != MR_OK) {
			t[MR_DRAIN_ERRORS]++;
			mr_pool_count_error(p, d->src);
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
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		if (it->stage != ST_MOVING) {
			continue;
		}
		mr_req_t *a = mr_wire_req(w, it->ra);
		it->stage = ST_DONE;
		if (a->rc == MR_OK) {
			it->add_cas = a->cas;
			it->rd = d->o->copy ? MR_NO_REQ : mr_wire_md(w, d->src, it->key, it->klen, mr_wire_req(w, it->ro)->cas);
			it->stage = ST_DELETING;
		} else if (a->rc == MR_NOTSTORED) {
			t[d->o->copy ? MR_DRAIN_SKIPPED : MR_DRAIN_RACED]++; /* N holds its own, newer */
		} else {
			t[MR_DRAIN_ERRORS]++; /* the source keeps it */
			mr_pool_count_error(p, it->n);
		}
	}
	if (!d->o->copy) {
		mr_wire_run(w);
	}
	bool cleanup = false;
	for (uint32_t i = 0; i < d->n; i++) {
		mr_item_t *it = &d->items[i];
		if (it->stage != ST_DELETING) {
			continue;
		}
		mr_rc_t del = it->rd == MR_NO_REQ ? MR_OK : mr_wire_req(w, it->rd)->rc;
		if (del == MR_MISS || del == MR_EXISTS) {
			/* the source changed or went away while we copied: undo */
			t[MR_DRAIN_RACED]++;
			mr_wire_md(w, it->n, it->key, it->klen, it->add_cas);
			cleanup = true;
			continue;
		}
		if (del != MR_OK) {
			t[MR_DRAIN_ERRORS]++; /* copied; the source keeps the same bytes */
			mr_pool_count_error(p, d->src);
		}
		t[MR_DRAIN_MOVED]++;
		t[MR_DRAIN_BYTES] += it->dlen;
		mr_count(mr_pool_ctr(p), MR_C_DRAINED, 1);
		mr_pool_count_move(p, d->src, it->n, it->dlen);
	}
	if (cleanup) {
		mr_wire_run(w);
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

	t[MR_DRAIN_SCANNED]++;
	if (d->n == 0 && t[MR_DRAIN_SCANNED] % 4096 == 0 && d->o->progress
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
	 * still finds keys to move. Later walks count only the keys they move. */
	for (int pass = 1; pass < MR_DRAIN_PASSES && rc == MR_OK && !o->copy && d.stop == MR_STOP_DONE; pass++) {
		uint64_t before[MR_DRAIN_COUNT];
		memcpy(before, totals, sizeof(before));
		uint64_t moved = totals[MR_DRAIN_MOVED];
		rc = drain_pass(&d, dump);
		totals[MR_DRAIN_SCANNED] = before[MR_DRAIN_SCANNED];
		totals[MR_DRAIN_SKIPPED] = before[MR_DRAIN_SKIPPED];
		for (int k = MR_DRAIN_MOVED; k <= MR_DRAIN_ERRORS; k++) {
			if (k != MR_DRAIN_SKIPPED) {
				totals[MR_DRAIN_SCANNED] += totals[k] - before[k];
			}
		}
		if (totals[MR_DRAIN_MOVED] == moved) {
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
