/* The host-wide down-server table: rows keyed by a server name's hash. */
#include "mr_down.h"
#include "mr_util.h"

#include <stddef.h>
#include <time.h>

static mr_down_row_t local_rows[MR_DOWN_SLOTS];
static mr_down_row_t *rows = local_rows;

void mr_down_attach(mr_down_row_t *shared)
{
	rows = shared ? shared : local_rows;
}


static uint64_t rd(const uint64_t *f)
{
	return __atomic_load_n(f, __ATOMIC_ACQUIRE);
}

/* Returns the row of h, or NULL. Rows are probed from h on; a free row ends
 * the search (rows are reused, never freed). */
static mr_down_row_t *find(uint64_t h)
{
	for (uint32_t k = 0; k < MR_DOWN_SLOTS; k++) {
		mr_down_row_t *r = &rows[(h % MR_DOWN_SLOTS + k) % MR_DOWN_SLOTS];
		uint64_t rh = rd(&r->hash);
		if (rh == h) {
			return r;
		}
		if (rh == 0) {
			return NULL;
		}
	}
	return NULL;
}

/* Returns true when time t (a row's) is in the future by at most MR_DOWN_MAX_MS:
 * a file's rows written before a reboot hold times of another clock. */
static bool ahead(uint64_t t, uint64_t now)
{
	return t > now && t - now <= MR_DOWN_MAX_MS;
}

/* Returns true when a row's times are all past: it may be given to another server. */
static bool spent(const mr_down_row_t *r, uint64_t now)
{
	uint64_t f = rd(&r->failed_ms);
	return !ahead(rd(&r->until_ms), now) && (f > now || now - f > MR_DOWN_MAX_MS);
}

/* Returns the row of h, taking a free or spent one (one compare-and-swap)
 * when it has none, or NULL when every row is in use. */
static mr_down_row_t *find_or_take(uint64_t h)
{
	mr_down_row_t *r = find(h);
	uint64_t now = mr_mono_ms();
	for (uint32_t k = 0; !r && k < MR_DOWN_SLOTS; k++) {
		mr_down_row_t *c = &rows[(h % MR_DOWN_SLOTS + k) % MR_DOWN_SLOTS];
		uint64_t ch = rd(&c->hash);
		if (ch != 0 && !spent(c, now)) {
			continue;
		}
		if (__atomic_compare_exchange_n(&c->hash, &ch, h, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&c->until_ms, 0, __ATOMIC_RELEASE);
			__atomic_store_n(&c->failed_ms, 0, __ATOMIC_RELEASE);
			r = c;
		} else if (ch == h) {
			r = c; /* another process took it for the same server */
		}
	}
	return r;
}

static uint64_t key(uint64_t h)
{
	return h ? h : 1; /* 0 marks a free row */
}

bool mr_down_is_down(uint64_t h)
{
	mr_down_row_t *r = find(key(h));
	return r && ahead(rd(&r->until_ms), mr_mono_ms());
}

void mr_down_mark(uint64_t h, uint32_t ms)
{
	mr_down_row_t *r = find_or_take(key(h));
	if (!r) {
		return; /* every row busy: this server costs its own timeouts */
	}
	uint64_t now = mr_mono_ms();
	__atomic_store_n(&r->failed_ms, now, __ATOMIC_RELEASE);
	if (ms) {
		__atomic_store_n(&r->until_ms, now + ms, __ATOMIC_RELEASE);
	}
}

void mr_down_clear(uint64_t h)
{
	mr_down_row_t *r = find(key(h));
	if (r && rd(&r->until_ms) != 0) {
		__atomic_store_n(&r->until_ms, 0, __ATOMIC_RELEASE);
	}
}

bool mr_down_failed_within(uint64_t h, uint32_t ms)
{
	mr_down_row_t *r = find(key(h));
	if (!r) {
		return false;
	}
	uint64_t f = rd(&r->failed_ms), now = mr_mono_ms();
	return f && f <= now && now - f < ms;
}
