/* mr_lists: a constructor's server lists recognised again. A site builds
 * its client per request from the same two PHP arrays; parsing them, naming
 * the pool and finding its layout grow with the lists (1,000 servers: about
 * a millisecond). An entry remembers, per process, what the raw arrays held
 * (every string, host, port and weight, byte for byte), the layout built
 * for them and the names derived from them; the next constructor given
 * arrays with the same contents compares them (one pass, no parsing, no
 * allocation) and takes the entry's layout. Entries are immutable and live
 * until MSHUTDOWN; at most MR_LISTS_CACHE_MAX of them (beyond that a
 * constructor parses as if there were none). */
#ifndef MR_LISTS_H
#define MR_LISTS_H

#include "php.h"
#include "mr_layout.h"

#define MR_LISTS_CACHE_MAX 32

typedef struct mr_lists mr_lists_t;

/* The placement options a layout is built with. */
typedef struct {
	int dist, hash, old_dist, old_hash;
} mr_lists_place_t;

/* Returns the entry whose arrays held what old_ht and new_ht hold now, or
 * NULL. */
const mr_lists_t *mr_lists_find(HashTable *old_ht, HashTable *new_ht);

/* Returns a new reference to the entry's layout when it was built with
 * these placement options, else NULL. */
mr_layout_t *mr_lists_layout(const mr_lists_t *e, const mr_lists_place_t *pl);

/* Returns the default pool name for the entry's lists (mr_pool_default_name). */
const char *mr_lists_name(const mr_lists_t *e);

/* Returns the lists' part of a persistent pool's signature, and its length. */
const char *mr_lists_signature(const mr_lists_t *e, size_t *len);

/* Remembers old_ht and new_ht (already parsed without error into layout l,
 * built with pl), with their default name and signature part; takes its
 * own reference on l. A full cache, or arrays holding anything but what a
 * parse accepts, leave nothing remembered. */
void mr_lists_add(HashTable *old_ht, HashTable *new_ht, mr_layout_t *l, const mr_lists_place_t *pl,
	const char *name, const char *sig, size_t siglen);

/* Frees every entry (MSHUTDOWN). */
void mr_lists_shutdown(void);

#endif
