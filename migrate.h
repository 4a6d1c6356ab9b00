/* migrate: move on read. Every operation here acts at a key's new location
 * N and, while the pool is migrating, looks at (and moves from) its old
 * location O, with the add / CAS-checked delete rules of docs/DESIGN.md.
 * Values stay bytes + flags: moving never decodes. */
#ifndef MR_MIGRATE_H
#define MR_MIGRATE_H

#include "mr_pool.h"

/* Remaining seconds below which an item is about to expire and is not copied. */
#define MR_EXPIRE_SOON 2

/* Each returns the number of items that ended in an error; per-item outcomes
 * are in items[i].rc. */
uint32_t mr_migrate_get(mr_pool_t *p, mr_item_t *items, uint32_t n);
uint32_t mr_migrate_store(mr_pool_t *p, mr_item_t *items, uint32_t n, char mode, int64_t ttl);
uint32_t mr_migrate_delete(mr_pool_t *p, mr_item_t *items, uint32_t n);
uint32_t mr_migrate_arith(mr_pool_t *p, mr_item_t *it, bool incr, uint64_t delta);
uint32_t mr_migrate_touch(mr_pool_t *p, mr_item_t *items, uint32_t n, int64_t ttl);

/* A write of one key at N that needs the key's current item there: a
 * compare-and-swap (cas_check != 0, mode set), a replace ('R'), an append
 * ('A') or a prepend ('P'). A key still at O is moved first (as a get moves
 * it), then written at N; O is then cleared as after a set. Returns 1 on an
 * error, else 0. */
uint32_t mr_migrate_write_existing(mr_pool_t *p, mr_item_t *it, char mode, int64_t ttl, uint64_t cas_check);

/* add of one key that fails when the key exists at N or, while it moves,
 * at O (it is moved then). Returns 1 on an error, else 0. */
uint32_t mr_migrate_add(mr_pool_t *p, mr_item_t *it, int64_t ttl);

/* increment/decrement that creates a missing key with initial and ttl
 * (the binary protocol's semantics, meta's N and J flags). A key still at O
 * is moved first. Returns 1 on an error, else 0. */
uint32_t mr_migrate_arith_init(mr_pool_t *p, mr_item_t *it, bool incr, uint64_t delta, uint64_t initial, int64_t ttl);

/* Settles everything, waiting (stats, drain, the end of a request). */
void mr_migrate_flush(mr_pool_t *p);

/* Call after each operation: settles what an earlier operation sent, when
 * its replies have arrived (no waiting). */
void mr_migrate_after_op(mr_pool_t *p);

/* Settles the delayed deletes, waiting, then frees the pool (NULL: nothing). */
void mr_migrate_close(mr_pool_t *p);

/* Returns the TTL to send for an item whose remaining TTL (from mg) is
 * remaining (MR_TTL_NONE, MR_TTL_UNKNOWN or seconds), taking fallback_ttl
 * when it is unknown and now (on N's clock) for an absolute expiry; or -1
 * when the item is about to expire and must not be copied. */
int64_t mr_migrate_ttl(int64_t remaining, int64_t fallback_ttl, int64_t now);

#endif
