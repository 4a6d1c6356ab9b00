/* mr_sess_bind: zero code change for sessions. PECL memcached's session
 * handler, with a save_path that is a transition's new list, runs
 * memrehash's handler over the transition (mr_session.c). */
#ifndef MR_SESS_BIND_H
#define MR_SESS_BIND_H

#include "php.h"
#include "mr_transition.h"
#include "mr_counters.h"

/* Swaps the functions of PECL's registered "memcached" save handler for
 * dispatchers (MINIT, after mr_transitions_load). Does nothing when no
 * transition is configured or PECL registered no session handler. */
void mr_sess_bind_init(void);

/* Puts PECL's functions back (MSHUTDOWN). */
void mr_sess_bind_shutdown(void);

/* Returns true when PECL's session handler is wrapped in this process. */
bool mr_sess_bind_active(void);

/* Writes the name of transition tr's sessions pool into out:
 * "<transition name>:sessions", or "sessions-" and a hash of the name when
 * that does not fit a counters slot. */
void mr_sess_bind_pool_name(const mr_transition_t *tr, char out[MR_POOL_NAME_MAX]);

/* Returns how many sessions were opened bound to transition i in this
 * process since it started. */
uint64_t mr_sess_bind_opens(uint32_t i);

#endif
