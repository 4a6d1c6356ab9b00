/* A lock for the few process-wide tables (the wire engine's server clock
 * table; the down-server table is mr_down's, atomics only, no lock). Under
 * a thread-safe PHP (ZTS: FrankenPHP, Apache's worker MPM) requests run at
 * once in threads of one process and share them; under a PHP without
 * threads (NTS) a process runs one request at a time, and the lock
 * compiles away. Held only for a few loads and stores:
 * never across network I/O or anything else that can wait.
 * Include after php.h (which says whether ZTS is on). */
#ifndef MR_LOCK_H
#define MR_LOCK_H

#ifdef ZTS
# include <pthread.h>
typedef pthread_mutex_t mr_lock_t;
# define MR_LOCK_INITIALIZER PTHREAD_MUTEX_INITIALIZER

/* Takes l; returns once held. */
static inline void mr_lock(mr_lock_t *l)
{
	pthread_mutex_lock(l);
}

/* Releases l. */
static inline void mr_unlock(mr_lock_t *l)
{
	pthread_mutex_unlock(l);
}
#else
typedef char mr_lock_t;
# define MR_LOCK_INITIALIZER 0

static inline void mr_lock(mr_lock_t *l)
{
	(void) l;
}

static inline void mr_unlock(mr_lock_t *l)
{
	(void) l;
}
#endif

#endif
