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

#endif
