/* Leases: see mr_lease.h. */
#include "php.h"
#include "mr_lease.h"
#include "mr_guard.h"

/* A lease lives at least this long (memcached's clock moves in whole
 * seconds: a TTL of 1 can end at once). */
#define MR_LEASE_TTL_MIN 3

int64_t mr_lease_ttl(uint32_t timeout_ms)
{
	/* a move is two or three round trips, each bounded by the timeout */
	return MR_LEASE_TTL_MIN + 2 * (int64_t) ((timeout_ms + 999) / 1000);
}

uint32_t mr_lease_take(mr_wire_t *w, const char *key, size_t klen, uint32_t n, int64_t ttl)
{
	char lk[MR_GUARD_KEY_MAX + 1];
	size_t ll = mr_marker_key(MR_LEASE_PREFIX, key, klen, lk);
	return mr_wire_ms(w, n, lk, ll, MR_MODE_ADD, "", 0, 0, ttl, 0, true);
}

uint32_t mr_lease_look(mr_wire_t *w, const char *key, size_t klen, uint32_t n)
{
	char lk[MR_GUARD_KEY_MAX + 1];
	size_t ll = mr_marker_key(MR_LEASE_PREFIX, key, klen, lk);
	return mr_wire_mg(w, n, lk, ll, MR_WANT_CAS);
}

uint32_t mr_lease_drop(mr_wire_t *w, const char *key, size_t klen, uint32_t n, uint64_t cas)
{
	char lk[MR_GUARD_KEY_MAX + 1];
	size_t ll = mr_marker_key(MR_LEASE_PREFIX, key, klen, lk);
	return mr_wire_md(w, n, lk, ll, cas);
}

bool mr_lease_intact(mr_wire_t *w, uint32_t req, uint64_t cas)
{
	const mr_req_t *r = mr_wire_req(w, req);
	return r->rc == MR_OK && r->cas == cas;
}
