/* mr_session: session.save_handler = memrehash. Reads sessions where PECL
 * memcached's handler put them and moves them to the new servers as users
 * come back.
 *
 * session.save_path = "old=host:port[,host:port...];new=host:port[,host:port...]"
 * (quoted in php.ini and FPM pool files: an unquoted ';' starts a comment).
 * Each list takes what PECL memcached's save_path takes: "host" (port
 * 11211), "host:port", "host:port:weight", "host:port weight",
 * "[v6addr]:port", "/path/to.sock". Keys, placement, value format and lock
 * keys are PECL memcached 3.x's session defaults (see mr_session.c).
 *
 * The same handler serves PECL's own session handler when its save_path is
 * a transition's new list (mr_sess_bind.c), with PECL's settings. */
#ifndef MR_SESSION_H
#define MR_SESSION_H

#include "php.h"
#include "ext/session/php_session.h"
#include "mr_place.h"

/* The settings one open session module runs with. */
typedef struct {
	const char *ini;            /* the settings' INI prefix, for messages: "memrehash.sess_" */
	const char *prefix;         /* key prefix (not hashed, as libmemcached's namespace) */
	bool locking;
	zend_long lock_wait_min, lock_wait_max, lock_retries, lock_expire;
	int dist;                   /* placement of session keys: MR_DIST_CONSISTENT, MR_DIST_KETAMA or MR_DIST_MODULA */
	int hash;                   /* MR hash of session keys */
	const char *name;           /* the pool's counters name; NULL: "sessions:" and both lists */
	double complete_below;      /* 0: never complete by the old-hit rate */
	zend_long window;           /* seconds of that rate; 0: the default */
} mr_sess_cfg_t;

/* Registers the save handler (MINIT). */
void mr_session_register(void);

/* Returns memrehash's save handler (its functions serve mr_sess_bind.c too). */
const ps_module *mr_session_module(void);

/* Returns SUCCESS with *mod_data a module of the handler over (old, nw) run
 * with cfg, or FAILURE after a warning. */
zend_result mr_session_open_lists(void **mod_data, const mr_server_spec_t *old, uint32_t n_old,
	const mr_server_spec_t *nw, uint32_t n_new, const mr_sess_cfg_t *cfg);

/* Returns true with *out (ecalloc'd) and *n filled from a comma list of
 * servers as PECL's save_path spells them; false with why in err (side
 * names the list in it). */
bool mr_session_parse_list(const char *s, size_t len, const char *side, mr_server_spec_t **out, uint32_t *n, char *err, size_t errlen);

#endif
