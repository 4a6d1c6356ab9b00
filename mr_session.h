/* mr_session: session.save_handler = memrehash. Reads sessions where PECL
 * memcached's handler put them and moves them to the new servers as users
 * come back. */
#ifndef MR_SESSION_H
#define MR_SESSION_H

/* Registers the save handler (MINIT). */
void mr_session_register(void);

#endif
