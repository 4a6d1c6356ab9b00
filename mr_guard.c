/* Guards: see mr_guard.h. */
#include "php.h"
#include "ext/standard/md5.h"
#include "mr_guard.h"
#include "mr_util.h"

/* A guard never expires: it goes once O has let go of the key's copy (or
 * when N evicts it). */
#define MR_GUARD_TTL 0
/* How long after a failure of N this process doubts N's "no guard". */
#define MR_GUARD_SUSPECT_MS 600000

size_t mr_guard_key(const char *key, size_t klen, char *out)
{
	return mr_marker_key(MR_GUARD_PREFIX, key, klen, out);
}

size_t mr_marker_key(const char *prefix, const char *key, size_t klen, char *out)
{
	size_t pl = strlen(prefix);
	memcpy(out, prefix, pl);
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

uint32_t mr_guard_set(mr_wire_t *w, const char *key, size_t klen, uint32_t n)
{
	char gk[MR_GUARD_KEY_MAX + 1];
	size_t gl = mr_guard_key(key, klen, gk);
	return mr_wire_ms(w, n, gk, gl, MR_MODE_SET, key, klen, 0, MR_GUARD_TTL, 0, false);
}

uint32_t mr_guard_drop(mr_wire_t *w, const char *key, size_t klen, uint32_t n)
{
	char gk[MR_GUARD_KEY_MAX + 1];
	size_t gl = mr_guard_key(key, klen, gk);
	return mr_wire_md(w, n, gk, gl, 0);
}

uint32_t mr_guard_peer(const mr_pool_t *p, const char *key, size_t klen, uint32_t n, uint32_t o)
{
	uint32_t candidates = 0;
	for (uint32_t i = 0; i < p->n_new; i++) {
		candidates += p->new_conn[i] != n && p->new_conn[i] != o;
	}
	if (candidates == 0) {
		return MR_CONN_UNKNOWN;
	}
	/* spread by key, so that one server's outage touches only its share */
	uint32_t pick = (uint32_t) (mr_fnv1a64(key, klen) % candidates);
	for (uint32_t i = 0; i < p->n_new; i++) {
		if (p->new_conn[i] != n && p->new_conn[i] != o && pick-- == 0) {
			return p->new_conn[i];
		}
	}
	return MR_CONN_UNKNOWN;
}

void mr_guard_look(mr_wire_t *w, const mr_pool_t *p, mr_item_t *it, uint32_t o)
{
	uint32_t peer = mr_guard_peer(p, it->key, it->klen, it->n, o);
	it->rg = mr_guard_get(w, it->key, it->klen, it->n);
	it->rg2 = peer == MR_CONN_UNKNOWN ? UINT32_MAX : mr_guard_get(w, it->key, it->klen, peer);
}

void mr_guard_put(mr_wire_t *w, const mr_pool_t *p, mr_item_t *it, uint32_t o)
{
	uint32_t peer = mr_guard_peer(p, it->key, it->klen, it->n, o);
	it->rg = mr_guard_set(w, it->key, it->klen, it->n);
	it->rg2 = peer == MR_CONN_UNKNOWN ? UINT32_MAX : mr_guard_set(w, it->key, it->klen, peer);
}

void mr_guard_clear(mr_wire_t *w, const mr_pool_t *p, mr_item_t *it, uint32_t o)
{
	uint32_t peer = mr_guard_peer(p, it->key, it->klen, it->n, o);
	it->rg = mr_guard_drop(w, it->key, it->klen, it->n);
	it->rg2 = peer == MR_CONN_UNKNOWN ? UINT32_MAX : mr_guard_drop(w, it->key, it->klen, peer);
}

mr_rc_t mr_guard_found(mr_wire_t *w, const mr_item_t *it)
{
	mr_rc_t rc = mr_wire_req(w, it->rg)->rc;
	if (mr_guard_blocks(rc)) {
		return rc;
	}
	if (it->rg2 == UINT32_MAX) {
		return MR_MISS;
	}
	rc = mr_wire_req(w, it->rg2)->rc;
	/* a peer that cannot say blocks the move only when N failed lately (it
	 * may have restarted and lost its copy); else N's answer stands, so one
	 * server down does not stop the moves of the keys it is the peer of */
	if (mr_rc_is_error(rc) && !mr_wire_failed_recently(w, it->n, MR_GUARD_SUSPECT_MS)) {
		return MR_MISS;
	}
	return rc;
}
