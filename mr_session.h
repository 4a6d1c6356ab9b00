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

#include "php.h"
#include "migrate.h"
#include "mr_codec.h"

/* From memrehash.c: the class, and the pool / codec options behind a
 * constructed MemRehash object (NULL when obj is not one, or its constructor
 * did not run). The session handler builds its pools as MemRehash objects. */
zend_class_entry *memrehash_ce(void);
mr_pool_t *memrehash_pool_of(zend_object *obj);
const mr_codec_opts_t *memrehash_codec_of(zend_object *obj);

/* Registers the save handler (MINIT). */
void mr_session_register(void);

#endif
