/* mr_guard: the guard a write leaves at a key's new location N when the
 * key's old location O cannot be reached (README, "What a write does while
 * an old server is down"). A guard is a small item under a reserved key on
 * N's server saying "whatever O holds of this key is older than a write made
 * at N": reads that miss at N do not move O's copy, and the pending delete
 * at O is finished once O answers (by a read, or the drain). It is not the
 * key itself, so PECL Memcached clients of the new list never read it. */
#ifndef MR_GUARD_H
#define MR_GUARD_H

#include "mr_pool.h"

/* "__memrehash:g:" + the key as sent, or "__memrehash:g:#" + the MD5 (hex)
 * of a key too long for that. */
#define MR_GUARD_PREFIX MR_RESERVED_PREFIX "g:"
#define MR_GUARD_KEY_MAX MR_KEY_MAX

/* Writes the guard key of the sent key key[0..klen) into out (at least
 * MR_GUARD_KEY_MAX + 1 bytes). Returns its length. */
size_t mr_guard_key(const char *key, size_t klen, char *out);

/* The same naming under another reserved prefix (mr_lease.h): prefix + the
 * key, or prefix + "#" + its MD5 when too long. Returns its length. */
size_t mr_marker_key(const char *prefix, const char *key, size_t klen, char *out);

/* Each queues one request on w about the guard of the sent key key[0..klen)
 * at connection n (the key's new location) and returns its index. */

/* A look: its rc is MR_OK when the guard is there (O's copy must not be
 * used), MR_MISS when not. */
uint32_t mr_guard_get(mr_wire_t *w, const char *key, size_t klen, uint32_t n);

/* The guard itself (no expiry; its value is the key, so that a walk of N's
 * guards can tell which key each one is for). */
uint32_t mr_guard_set(mr_wire_t *w, const char *key, size_t klen, uint32_t n);

/* Its removal, once O holds nothing older of the key. */
uint32_t mr_guard_drop(mr_wire_t *w, const char *key, size_t klen, uint32_t n);

/* Returns true when a guard look's answer forbids moving O's copy: the
 * guard is there, or N could not say (then nothing moves either). */
static inline bool mr_guard_blocks(mr_rc_t rc)
{
	return rc != MR_MISS;
}

/* A guard has a second copy on another server of the new list, its peer,
 * so that N restarting (empty) does not take it: one of the new list's
 * connections that are neither n nor o, picked by the key's hash. Returns
 * it, or MR_CONN_UNKNOWN when the new list has no such server. */
uint32_t mr_guard_peer(const mr_pool_t *p, const char *key, size_t klen, uint32_t n, uint32_t o);

/* The three below act on it's guard at it->n and at its peer (o: it's old
 * location), queuing on w; the requests' indices go to it->rg (N) and
 * it->rg2 (the peer, or UINT32_MAX when none). */

/* Looks at both copies. */
void mr_guard_look(mr_wire_t *w, const mr_pool_t *p, mr_item_t *it, uint32_t o);

/* Writes both copies (the one at N is what makes a write done; the peer's
 * is best effort). */
void mr_guard_put(mr_wire_t *w, const mr_pool_t *p, mr_item_t *it, uint32_t o);

/* Removes both copies. */
void mr_guard_clear(mr_wire_t *w, const mr_pool_t *p, mr_item_t *it, uint32_t o);

/* Returns what the look of mr_guard_look found: N's answer when it blocks
 * (the guard, or N could not say), else the peer's (MR_OK: N lost the
 * guard, restarted or evicted it; an error, the peer could not say: that
 * blocks the move too when this process saw N fail in the last 10 minutes,
 * else N's "no guard" stands), else MR_MISS. */
mr_rc_t mr_guard_found(mr_wire_t *w, const mr_item_t *it);

#endif
