/* mr_session: session.save_handler = memrehash. Reads sessions where PECL
 * memcached's handler put them and moves them to the new servers as users
 * come back.
 *
 * session.save_path = "old=host:port[,host:port...];new=host:port[,host:port...]"
 * (quoted in php.ini and FPM pool files: an unquoted ';' starts a comment).
 * Each list takes what PECL memcached's save_path takes: "host" (port
 * 11211), "host:port", "host:port:weight", "host:port weight",
 * "[v6addr]:port", "/path/to.sock". Keys, placement, value format and lock
 * keys are PECL memcached 3.x's session defaults (see mr_session.c). */
#ifndef MR_SESSION_H
#define MR_SESSION_H

/* Registers the save handler (MINIT). */
void mr_session_register(void);

#endif
