/* mr_sess_bind: zero code change for sessions. With
 * session.save_handler = memcached (PECL's own handler) and a save_path
 * whose servers are a transition's new list, sessions move as memrehash's
 * handler moves them (mr_session.c), with PECL's keys, lock and settings.
 *
 * How. At MINIT, when a transition is configured and PECL registered its
 * handler, the function pointers of PECL's ps_module (found by name, as the
 * session extension finds it) are swapped for the ones below; PECL's are
 * kept and put back at MSHUTDOWN. The session extension keeps a pointer to
 * that module, so every open goes through open() here, which decides for
 * the request: a save_path that names a transition's new list opens
 * memrehash's handler over (the transition's old list, that list), and
 * every other save_path is handed to PECL's open unchanged. The other
 * functions tell the two apart by the module data: ours is the one open()
 * here made (bound_data), anything else is PECL's.
 *
 * PECL's settings read at open (memcached.sess_*): prefix, locking,
 * lock_wait_min/max, lock_retries, lock_expire, consistent_hash and its
 * type. Sessions get their own pool (mr_sess_bind_pool_name), so a cache
 * whose old-hit rate falls does not cut sessions over; it takes the
 * transition's complete_below and window only when the operator set them
 * (otherwise it never completes by itself, as memrehash's handler). */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "ext/session/php_session.h"

#include "php_memrehash.h"
#include "mr_sess_bind.h"
#include "mr_session.h"
#include "mr_transition.h"
#include "mr_counters.h"

static ps_module *pecl_mod;     /* PECL's registered module, its pointers swapped */
static ps_module pecl_orig;     /* PECL's own pointers */
static const ps_module *ours;   /* memrehash's handler */
/* per transition: session opens bound so far (atomic: ZTS threads share it) */
static uint64_t *opens;

/* Returns true when mod_data is a module open() here made for this request. */
static bool is_bound(void **mod_data)
{
	return MR_G(sess_bound_data) && PS_GET_MOD_DATA() == MR_G(sess_bound_data);
}

/* Returns the index of the transition whose new list is save_path's server
 * list (host and port as spelled, in order), or -1. Parsed as PECL 3.x
 * parses it: a comma list of servers; a PERSISTENT= id (refused by PECL 3.x
 * with its own warning) is never matched. */
static int match(const char *save_path, mr_server_spec_t **list, uint32_t *n)
{
	char err[320];
	if (!save_path || strstr(save_path, "PERSISTENT=")
		|| !mr_session_parse_list(save_path, strlen(save_path), "save_path", list, n, err, sizeof(err))) {
		return -1;
	}
	for (uint32_t t = 0; t < mr_transitions_count(); t++) {
		const mr_transition_t *tr = mr_transition_at(t);
		bool same = tr->n_new == *n;
		for (uint32_t i = 0; same && i < *n; i++) {
			same = (*list)[i].port == tr->news[i].port && strcmp((*list)[i].host, tr->news[i].host) == 0;
		}
		if (same) {
			return (int) t;
		}
	}
	efree(*list);
	*list = NULL;
	return -1;
}

/* Returns the INI string name (PECL's), or "" when it is not registered. */
static const char *ini_str(const char *name)
{
	const char *v = zend_ini_string_ex(name, strlen(name), 0, NULL);
	return v ? v : "";
}

/* Returns the INI boolean name as PHP reads booleans ("on", "yes", "true" or a non-zero number). */
static bool ini_bool(const char *name)
{
	zend_string *v = zend_string_init(ini_str(name), strlen(ini_str(name)), 0);
	bool b = zend_ini_parse_bool(v);
	zend_string_release(v);
	return b;
}

/* Returns the INI number name, 0 when it is not registered. */
static zend_long ini_long(const char *name)
{
	return zend_ini_long(name, strlen(name), 0);
}

void mr_sess_bind_pool_name(const mr_transition_t *tr, char out[MR_POOL_NAME_MAX])
{
	int n = snprintf(out, MR_POOL_NAME_MAX, "%s:sessions", tr->name);
	if (n < 0 || n >= MR_POOL_NAME_MAX) {
		uint64_t h = 0xcbf29ce484222325ULL;
		for (const char *c = tr->name; *c; c++) h = (h ^ (unsigned char) *c) * 0x100000001b3ULL;
		snprintf(out, MR_POOL_NAME_MAX, "sessions-%016" PRIx64, h);
	}
}

/* Returns the settings PECL's handler would run with now (memcached.sess_*),
 * for transition tr; name is the pool name's buffer. */
static mr_sess_cfg_t pecl_cfg(const mr_transition_t *tr, char name[MR_POOL_NAME_MAX])
{
	mr_sess_bind_pool_name(tr, name);
	bool weighted = strcmp(ini_str("memcached.sess_consistent_hash_type"), "ketama_weighted") == 0;
	return (mr_sess_cfg_t) {
		.ini = "memcached.sess_",
		.prefix = ini_str("memcached.sess_prefix"),
		.locking = ini_bool("memcached.sess_locking"),
		.lock_wait_min = ini_long("memcached.sess_lock_wait_min"),
		.lock_wait_max = ini_long("memcached.sess_lock_wait_max"),
		.lock_retries = ini_long("memcached.sess_lock_retries"),
		.lock_expire = ini_long("memcached.sess_lock_expire"),
		/* PECL sets MEMCACHED_BEHAVIOR_KETAMA(_WEIGHTED) or nothing (modula), and no hash */
		.dist = !ini_bool("memcached.sess_consistent_hash") ? MR_DIST_MODULA : weighted ? MR_DIST_KETAMA : MR_DIST_CONSISTENT,
		.hash = 0,
		.name = name,
		.complete_below = tr->complete_below_set ? tr->complete_below : 0.0,
		.window = tr->window,
	};
}

/* Returns SUCCESS with the bound module open over transition t's lists, or
 * FAILURE after a warning. nw is save_path's list. */
static zend_result open_bound(void **mod_data, uint32_t t, const mr_server_spec_t *nw, uint32_t n_new)
{
	char err[320], name[MR_POOL_NAME_MAX];
	const mr_transition_t *tr = mr_transition_at(t);
	mr_server_spec_t *old = safe_emalloc(tr->n_old, sizeof(*old), 0);
	for (uint32_t i = 0; i < tr->n_old; i++) {
		if (!mr_place_make_spec(tr->olds[i].host, strlen(tr->olds[i].host), tr->olds[i].port, 0, &old[i], err, sizeof(err))) {
			php_error_docref(NULL, E_WARNING, "memrehash.transitions: \"%s\": %s", tr->text, err);
			efree(old);
			return FAILURE;
		}
	}
	mr_sess_cfg_t cfg = pecl_cfg(tr, name);
	zend_result rc = mr_session_open_lists(mod_data, old, tr->n_old, nw, n_new, &cfg);
	efree(old);
	if (rc == SUCCESS) {
		MR_G(sess_bound_data) = PS_GET_MOD_DATA();
		__atomic_add_fetch(&opens[t], 1, __ATOMIC_RELAXED);
	}
	return rc;
}

static PS_OPEN_FUNC(bound)
{
	if (is_bound(mod_data)) {
		/* session_reset() opens again without closing */
		ours->s_close(mod_data);
	}
	MR_G(sess_bound_data) = NULL;
	mr_server_spec_t *list = NULL;
	uint32_t n = 0;
	int t = match(save_path, &list, &n);
	if (t < 0) {
		return pecl_orig.s_open(mod_data, save_path, session_name);
	}
	zend_result rc = open_bound(mod_data, (uint32_t) t, list, n);
	efree(list);
	return rc;
}

static PS_CLOSE_FUNC(bound)
{
	if (!is_bound(mod_data)) {
		return pecl_orig.s_close(mod_data);
	}
	MR_G(sess_bound_data) = NULL;
	return ours->s_close(mod_data);
}

/* The rest: memrehash's function for a bound module, PECL's otherwise. */
#define DISPATCH(fn, ...) (is_bound(mod_data) ? ours->fn(__VA_ARGS__) : pecl_orig.fn(__VA_ARGS__))

static PS_READ_FUNC(bound)
{
	return DISPATCH(s_read, mod_data, key, val, maxlifetime);
}

static PS_WRITE_FUNC(bound)
{
	return DISPATCH(s_write, mod_data, key, val, maxlifetime);
}

static PS_DESTROY_FUNC(bound)
{
	return DISPATCH(s_destroy, mod_data, key);
}

static PS_GC_FUNC(bound)
{
	return DISPATCH(s_gc, mod_data, maxlifetime, nrdels);
}

static PS_CREATE_SID_FUNC(bound)
{
	return DISPATCH(s_create_sid, mod_data);
}

static PS_VALIDATE_SID_FUNC(bound)
{
	return DISPATCH(s_validate_sid, mod_data, key);
}

static PS_UPDATE_TIMESTAMP_FUNC(bound)
{
	return DISPATCH(s_update_timestamp, mod_data, key, val, maxlifetime);
}

void mr_sess_bind_init(void)
{
	if (mr_transitions_count() == 0) {
		return;
	}
	/* PECL registers a writable module (ps_mod_memcached) at its MINIT,
	 * which runs before ours (memrehash's optional dependency on it) */
	pecl_mod = (ps_module *) _php_find_ps_module("memcached");
	if (!pecl_mod || !pecl_mod->s_validate_sid || !pecl_mod->s_update_timestamp) {
		pecl_mod = NULL;
		return;
	}
	ours = mr_session_module();
	opens = pecalloc(mr_transitions_count(), sizeof(*opens), 1);
	pecl_orig = *pecl_mod;
	pecl_mod->s_open = ps_open_bound;
	pecl_mod->s_close = ps_close_bound;
	pecl_mod->s_read = ps_read_bound;
	pecl_mod->s_write = ps_write_bound;
	pecl_mod->s_destroy = ps_delete_bound;
	pecl_mod->s_gc = ps_gc_bound;
	pecl_mod->s_create_sid = ps_create_sid_bound;
	pecl_mod->s_validate_sid = ps_validate_sid_bound;
	pecl_mod->s_update_timestamp = ps_update_timestamp_bound;
}

void mr_sess_bind_shutdown(void)
{
	if (pecl_mod) {
		*pecl_mod = pecl_orig;
		pecl_mod = NULL;
	}
	if (opens) {
		pefree(opens, 1);
		opens = NULL;
	}
}

bool mr_sess_bind_active(void)
{
	return pecl_mod != NULL;
}

uint64_t mr_sess_bind_opens(uint32_t i)
{
	return opens ? __atomic_load_n(&opens[i], __ATOMIC_RELAXED) : 0;
}
