/* mr_lease: the lease a moving get takes at a key's new location N in the
 * round trip that looks at its old location O (docs/DESIGN.md, "The move in
 * two round trips: the lease"). A lease is an empty item under a reserved
 * key on N's server; a memrehash delete of a moving key deletes it right
 * before the key, so a move whose add and delete at O went out together
 * sees, by looking at its lease after the add, whether a delete passed N in
 * between. It is not the key itself: PECL Memcached clients of the new list
 * never read it. */
#ifndef MR_LEASE_H
#define MR_LEASE_H

#include "mr_pool.h"

/* "__memrehash:m:" + the key as sent, or "__memrehash:m:#" + its MD5. */
#define MR_LEASE_PREFIX MR_RESERVED_PREFIX "m:"

/* Returns the TTL (seconds) of a lease for operations bounded by
 * timeout_ms: long enough to outlive a move, short enough that a lease
 * whose holder died stops blocking moves of its key soon. Its expiry is
 * never a safety matter: an expired lease fails the holder's look. */
int64_t mr_lease_ttl(uint32_t timeout_ms);

/* Each queues one request on w about the lease of the sent key
 * key[0..klen) at connection n and returns its index. */

/* Takes it (an add): MR_OK with the lease's CAS in the reply when this
 * caller holds it now, MR_NOTSTORED when another holds it. */
uint32_t mr_lease_take(mr_wire_t *w, const char *key, size_t klen, uint32_t n, int64_t ttl);

/* Looks at it (its CAS), for mr_lease_intact. */
uint32_t mr_lease_look(mr_wire_t *w, const char *key, size_t klen, uint32_t n);

/* Removes it: by its CAS (a holder's release), or whatever lease is there
 * (cas 0: a delete of the key). */
uint32_t mr_lease_drop(mr_wire_t *w, const char *key, size_t klen, uint32_t n, uint64_t cas);

/* Returns true when the look req found the lease still holding cas: no
 * delete of the key passed N since it was taken. */
bool mr_lease_intact(mr_wire_t *w, uint32_t req, uint64_t cas);

#endif
