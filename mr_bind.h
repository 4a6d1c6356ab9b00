/* mr_bind: zero code change. Plain \Memcached objects whose server list is
 * a configured transition's new list run on a moving pool (mr_transition). */
#ifndef MR_BIND_H
#define MR_BIND_H

#include "php.h"

/* Swaps the handlers of \Memcached's methods for the dispatchers (MINIT,
 * after mr_memcached_register). Does nothing when no transition is
 * configured or PECL memcached is not loaded: PECL stays untouched. */
void mr_bind_init(void);

/* Puts PECL's handlers back (MSHUTDOWN). */
void mr_bind_shutdown(void);

/* Returns true when \Memcached's methods are wrapped in this process (a
 * transition is configured and PECL memcached is loaded). */
bool mr_bind_active(void);

/* Returns the number of \Memcached objects bound to transition i now, in
 * this process, and how many times one was bound since it started. */
uint64_t mr_bind_live(uint32_t i);
uint64_t mr_bind_total(uint32_t i);

#endif
