/* memrehash: the PHP face. INI settings, module start-up, the persistent
 * pool table, and the methods of MemRehash, which check their arguments and
 * call into the pool (mr_pool.c), the moves (migrate.c), drain (mr_drain.c)
 * and the fleet (mr_fleet.c). Nothing here speaks to a server directly. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "ext/standard/info.h"
#include "zend_exceptions.h"
#include "ext/spl/spl_exceptions.h"
#include "zend_smart_str.h"

#include <libmemcached/memcached.h>
#include <grp.h>
#include <time.h>

#include "php_memrehash.h"
#include "migrate.h"
#include "mr_drain.h"
#include "mr_codec.h"
#include "mr_fleet.h"
#include "mr_session.h"
#include "mr_sess_bind.h"
#include "mr_face.h"
#include "mr_lists.h"
#include "mr_memcached.h"
#include "mr_transition.h"
#include "mr_bind.h"
#include "mr_util.h"

#include "memrehash_arginfo.h"

ZEND_DECLARE_MODULE_GLOBALS(memrehash)

static zend_class_entry *mr_ce;
static zend_class_entry *mr_exception_ce;
static zend_object_handlers mr_handlers;

/* Pools created with the `persistent` option, by id, live in
 * MR_G(persistent_pools) (see "persistent pools" below): they and their
 * connections outlive the request, as `new Memcached($id)` does. A module
 * global, so each thread of a thread-safe PHP has its own, as PECL
 * memcached's EG(persistent_list): a pool's connections carry one request's
 * batch at a time. */

typedef struct {
	mr_face_t f;               /* the engine state (mr_face.h) */
	zend_object std;
} mr_obj_t;

static inline mr_obj_t *mr_from_obj(zend_object *obj)
{
	return (mr_obj_t *) ((char *) obj - XtOffsetOf(mr_obj_t, std));
}

#define Z_MR_P(zv) mr_from_obj(Z_OBJ_P(zv))

/* ---- INI ---- */

static ZEND_INI_MH(on_update_retry)
{
	zend_long v = ZEND_STRTOL(ZSTR_VAL(new_value), NULL, 10);
	if (v < 0 || v > 3600) {
		return FAILURE;
	}
	return OnUpdateLong(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

PHP_INI_BEGIN()
	STD_PHP_INI_ENTRY("memrehash.counters_file", "", PHP_INI_SYSTEM, OnUpdateString, counters_file, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.counters_file_mode", "0600", PHP_INI_SYSTEM, OnUpdateString, counters_file_mode, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.counters_file_group", "", PHP_INI_SYSTEM, OnUpdateString, counters_file_group, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.max_pools", "64", PHP_INI_SYSTEM, OnUpdateLong, max_pools, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.host_id", "", PHP_INI_SYSTEM, OnUpdateString, host_id, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.retry_interval", "2", PHP_INI_ALL, on_update_retry, retry_interval, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.sess_prefix", "memc.sess.key.", PHP_INI_ALL, OnUpdateString, sess_prefix, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_BOOLEAN("memrehash.sess_locking", "1", PHP_INI_ALL, OnUpdateBool, sess_locking, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.sess_lock_wait_min", "150", PHP_INI_ALL, OnUpdateLong, sess_lock_wait_min, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.sess_lock_wait_max", "150", PHP_INI_ALL, OnUpdateLong, sess_lock_wait_max, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.sess_lock_retries", "5", PHP_INI_ALL, OnUpdateLong, sess_lock_retries, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.sess_lock_expire", "0", PHP_INI_ALL, OnUpdateLong, sess_lock_expire, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_BOOLEAN("memrehash.sess_consistent_hash", "1", PHP_INI_ALL, OnUpdateBool, sess_consistent_hash, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.sess_hash", "0", PHP_INI_ALL, OnUpdateLong, sess_hash, zend_memrehash_globals, memrehash_globals)
	STD_PHP_INI_ENTRY("memrehash.transitions", "", PHP_INI_SYSTEM, OnUpdateString, transitions, zend_memrehash_globals, memrehash_globals)
PHP_INI_END()

/* ---- result codes ---- */

#define res_of mr_face_res

static inline void set_res(mr_obj_t *o, int code)
{
	mr_face_set_res(&o->f, code);
}

/* Returns the object's pool, or NULL after throwing when the constructor did not run. */
static mr_pool_t *pool_of(mr_obj_t *o)
{
	if (UNEXPECTED(!o->f.pool)) {
		zend_throw_error(NULL, "MemRehash constructor was not called");
		return NULL;
	}
	return o->f.pool;
}

/* After each operation: what an earlier one left unread (migrate.c), then
 * the once-a-second fleet housekeeping (mr_fleet.c). */
static void after_op(mr_pool_t *p)
{
	mr_migrate_after_op(p);
	mr_fleet_after_op(p);
}

/* ---- keys ---- */

/* Returns true when key (argument arg_num) is acceptable and fills it with
 * the key as sent; throws ValueError otherwise. Nothing is sent for a bad key. */
static inline bool key_prepare(mr_obj_t *o, const char *key, size_t klen, uint32_t arg_num, mr_item_t *it)
{
	return mr_face_key(&o->f, key, klen, NULL, arg_num, it);
}

/* Returns the string form of an array key or a key value (ints become
 * strings), or NULL after a TypeError. The result must be released. */
static zend_string *key_from_zval(zval *zv, uint32_t arg_num)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) == IS_STRING) {
		return zend_string_copy(Z_STR_P(zv));
	}
	if (Z_TYPE_P(zv) == IS_LONG) {
		return zend_long_to_str(Z_LVAL_P(zv));
	}
	zend_argument_type_error(arg_num, "must contain only string or int keys, %s given", zend_zval_type_name(zv));
	return NULL;
}

/* ---- configuration ---- */

typedef struct {
	mr_server_spec_t *old_list, *new_list;
	uint32_t n_old, n_new;
	zend_long dist, hash, old_dist, old_hash;
	bool old_dist_set, old_hash_set;
	zend_string *name;
	zend_string *prefix;
	bool migrate;
	bool deferred_delete;      /* a moving get does not wait for the delete at O */
	bool ordered_move;         /* the delete at O waits for the add at N (no lease move) */
	zend_long fallback_ttl;
	double complete_below;
	bool cutover_set;          /* complete_below or window given: they apply host-wide */
	zend_long window;
	zend_long connect_timeout, timeout, retry_interval;
	zend_string *persistent_id;
} mr_config_t;

static void config_free(mr_config_t *c)
{
	if (c->old_list) efree(c->old_list);
	if (c->new_list) efree(c->new_list);
	if (c->name) zend_string_release(c->name);
	if (c->prefix) zend_string_release(c->prefix);
	if (c->persistent_id) zend_string_release(c->persistent_id);
}

/* Returns true with list filled from a PHP server list, or false after
 * throwing MemRehashException naming the bad entry. */
static bool parse_servers(HashTable *ht, const char *which, mr_server_spec_t **out, uint32_t *count)
{
	uint32_t n = zend_hash_num_elements(ht);
	char err[256];
	if (n == 0) {
		zend_throw_exception_ex(mr_exception_ce, 0, "the %s server list is empty", which);
		return false;
	}
	if (n > MR_LIST_SERVERS_MAX) {
		zend_throw_exception_ex(mr_exception_ce, 0, "the %s server list has %u servers, at most %d are supported", which, n, MR_LIST_SERVERS_MAX);
		return false;
	}
	/* not zeroed: every entry is filled by mr_place_parse_spec or
	 * mr_place_make_spec (a list may hold thousands, parsed per request) */
	mr_server_spec_t *list = emalloc(n * sizeof(*list));
	uint32_t i = 0;
	zval *entry;
	ZEND_HASH_FOREACH_VAL(ht, entry) {
		bool ok;
		ZVAL_DEREF(entry);
		if (Z_TYPE_P(entry) == IS_STRING) {
			ok = mr_place_parse_spec(Z_STRVAL_P(entry), Z_STRLEN_P(entry), &list[i], err, sizeof(err));
		} else if (Z_TYPE_P(entry) == IS_ARRAY) {
			/* [host, port, weight], as Memcached::addServers takes them */
			zval *h = zend_hash_index_find(Z_ARRVAL_P(entry), 0);
			zval *port = zend_hash_index_find(Z_ARRVAL_P(entry), 1);
			zval *w = zend_hash_index_find(Z_ARRVAL_P(entry), 2);
			if (h) ZVAL_DEREF(h);
			if (port) ZVAL_DEREF(port);
			if (w) ZVAL_DEREF(w);
			if (!h || Z_TYPE_P(h) != IS_STRING) {
				snprintf(err, sizeof(err), "expected [host, port, weight] with a string host");
				ok = false;
			} else if ((port && Z_TYPE_P(port) != IS_LONG) || (w && Z_TYPE_P(w) != IS_LONG)) {
				snprintf(err, sizeof(err), "port and weight must be integers");
				ok = false;
			} else {
				zend_long pv = port ? Z_LVAL_P(port) : (Z_STRVAL_P(h)[0] == '/' ? 0 : 11211);
				ok = mr_place_make_spec(Z_STRVAL_P(h), Z_STRLEN_P(h), (long) pv, w ? (long) Z_LVAL_P(w) : 0, &list[i], err, sizeof(err));
				if (ok && Z_STRLEN_P(h) != strlen(Z_STRVAL_P(h))) {
					snprintf(err, sizeof(err), "host contains a NUL byte");
					ok = false;
				}
			}
		} else {
			snprintf(err, sizeof(err), "expected a \"host:port\" string or a [host, port, weight] array, %s given", zend_zval_type_name(entry));
			ok = false;
		}
		if (!ok) {
			zend_throw_exception_ex(mr_exception_ce, 0, "%s server #%u is invalid: %s", which, i, err);
			efree(list);
			return false;
		}
		i++;
	} ZEND_HASH_FOREACH_END();
	*out = list;
	*count = n;
	return true;
}

/* Throws "option X must be ..." and returns false. */
static bool option_error(const char *name, const char *what)
{
	zend_throw_exception_ex(mr_exception_ce, 0, "option \"%s\" must be %s", name, what);
	return false;
}

/* Throws "option X must be an int from lo to hi" and returns false. */
static bool option_range_error(const char *name, zend_long lo, zend_long hi)
{
	char what[96];
	snprintf(what, sizeof(what), "an int from " ZEND_LONG_FMT " to " ZEND_LONG_FMT, lo, hi);
	return option_error(name, what);
}

/* Returns true when v is an int in [lo, hi] (stored in *out). */
static bool option_long(zval *v, const char *name, zend_long lo, zend_long hi, zend_long *out)
{
	if (Z_TYPE_P(v) != IS_LONG) {
		return option_range_error(name, lo, hi); /* a bool's value word is undefined: not read */
	}
	zend_long l = Z_LVAL_P(v);
	if (l < lo || l > hi) {
		return option_range_error(name, lo, hi);
	}
	*out = l;
	return true;
}

static bool option_bool(zval *v, const char *name, bool *out)
{
	if (Z_TYPE_P(v) != IS_TRUE && Z_TYPE_P(v) != IS_FALSE) {
		return option_error(name, "a bool");
	}
	*out = Z_TYPE_P(v) == IS_TRUE;
	return true;
}

static bool option_dist(zval *v, const char *name, zend_long *out)
{
	if (Z_TYPE_P(v) != IS_LONG || (Z_LVAL_P(v) != MR_DIST_INTVAL && Z_LVAL_P(v) != MR_DIST_MODULA
			&& Z_LVAL_P(v) != MR_DIST_KETAMA && Z_LVAL_P(v) != MR_DIST_CONSISTENT_PLAIN)) {
		return option_error(name, "one of MemRehash::DIST_INTVAL, DIST_MODULA, DIST_KETAMA, DIST_CONSISTENT");
	}
	*out = Z_LVAL_P(v);
	return true;
}

static bool option_hash(zval *v, const char *name, zend_long *out)
{
	if (Z_TYPE_P(v) != IS_LONG || !mr_place_hash_valid(Z_LVAL_P(v))) {
		return option_error(name, "one of the MemRehash::HASH_* constants");
	}
	*out = Z_LVAL_P(v);
	return true;
}

/* Returns true when name is a printable pool name of 1..127 bytes. */
static bool name_ok(const zend_string *s)
{
	if (ZSTR_LEN(s) == 0 || ZSTR_LEN(s) >= MR_POOL_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < ZSTR_LEN(s); i++) {
		unsigned char c = (unsigned char) ZSTR_VAL(s)[i];
		if (c < 0x20 || c == 0x7f) {
			return false;
		}
	}
	return true;
}

/* Applies one codec option. Returns false after throwing. */
static bool codec_option(mr_face_t *o, zend_string *key, zval *v)
{
	if (zend_string_equals_literal(key, "serializer")) {
		static const struct { const char *name; mr_serializer_t s; } names[] = {
			{"php", MR_SER_PHP}, {"igbinary", MR_SER_IGBINARY}, {"json", MR_SER_JSON},
			{"json_array", MR_SER_JSON_ARRAY}, {"msgpack", MR_SER_MSGPACK},
		};
		if (Z_TYPE_P(v) == IS_STRING) {
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
				if (zend_string_equals_cstr(Z_STR_P(v), names[i].name, strlen(names[i].name))) {
					if (!mr_codec_serializer_available(names[i].s)) {
						zend_throw_exception_ex(mr_exception_ce, 0, "serializer \"%s\" is not available: its extension is not loaded", names[i].name);
						return false;
					}
					o->codec.serializer = names[i].s;
					return true;
				}
			}
		}
		return option_error("serializer", "one of \"php\", \"igbinary\", \"json\", \"json_array\", \"msgpack\"");
	}
	if (zend_string_equals_literal(key, "compression")) {
		if (Z_TYPE_P(v) == IS_TRUE || Z_TYPE_P(v) == IS_FALSE) {
			o->codec.compression = Z_TYPE_P(v) == IS_TRUE ? MR_COMP_FASTLZ : MR_COMP_NONE;
			return true;
		}
		if (Z_TYPE_P(v) == IS_STRING && zend_string_equals_literal(Z_STR_P(v), "fastlz")) {
			o->codec.compression = MR_COMP_FASTLZ;
			return true;
		}
		if (Z_TYPE_P(v) == IS_STRING && zend_string_equals_literal(Z_STR_P(v), "zlib")) {
			o->codec.compression = MR_COMP_ZLIB;
			return true;
		}
		return option_error("compression", "a bool, \"fastlz\" or \"zlib\"");
	}
	zend_long l = 0;
	if (!option_long(v, "compression_threshold", 0, ZEND_LONG_MAX, &l)) {
		return false;
	}
	o->codec.threshold = (size_t) l;
	return true;
}

/* Returns true with cfg filled from the options array, or false after throwing. */
static bool parse_options(mr_face_t *o, HashTable *opts, mr_config_t *cfg)
{
	zend_string *key;
	zval *v;
	ZEND_HASH_FOREACH_STR_KEY_VAL(opts, key, v) {
		bool ok = true;
		ZVAL_DEREF(v);
		if (!key) {
			zend_throw_exception_ex(mr_exception_ce, 0, "options must be keyed by name");
			return false;
		}
		if (zend_string_equals_literal(key, "name")) {
			if (Z_TYPE_P(v) != IS_STRING || !name_ok(Z_STR_P(v))) {
				return option_error("name", "a string of 1 to 127 printable bytes");
			}
			cfg->name = zend_string_copy(Z_STR_P(v));
		} else if (zend_string_equals_literal(key, "distribution")) {
			ok = option_dist(v, "distribution", &cfg->dist);
		} else if (zend_string_equals_literal(key, "hash")) {
			ok = option_hash(v, "hash", &cfg->hash);
		} else if (zend_string_equals_literal(key, "old_distribution")) {
			ok = option_dist(v, "old_distribution", &cfg->old_dist);
			cfg->old_dist_set = true;
		} else if (zend_string_equals_literal(key, "old_hash")) {
			ok = option_hash(v, "old_hash", &cfg->old_hash);
			cfg->old_hash_set = true;
		} else if (zend_string_equals_literal(key, "prefix")) {
			if (Z_TYPE_P(v) != IS_STRING || ZSTR_LEN(Z_STR_P(v)) >= MR_PREFIX_MAX || mr_key_bad_byte(Z_STRVAL_P(v), Z_STRLEN_P(v)) < Z_STRLEN_P(v)) {
				return option_error("prefix", "a string of at most 127 bytes without whitespace or control characters");
			}
			cfg->prefix = zend_string_copy(Z_STR_P(v));
		} else if (zend_string_equals_literal(key, "migrate")) {
			ok = option_bool(v, "migrate", &cfg->migrate);
		} else if (zend_string_equals_literal(key, "deferred_delete")) {
			ok = option_bool(v, "deferred_delete", &cfg->deferred_delete);
		} else if (zend_string_equals_literal(key, "ordered_move")) {
			ok = option_bool(v, "ordered_move", &cfg->ordered_move);
		} else if (zend_string_equals_literal(key, "fallback_ttl")) {
			ok = option_long(v, "fallback_ttl", 0, INT32_MAX, &cfg->fallback_ttl);
		} else if (zend_string_equals_literal(key, "complete_below")) {
			if ((Z_TYPE_P(v) != IS_DOUBLE && Z_TYPE_P(v) != IS_LONG) || zval_get_double(v) < 0.0 || zval_get_double(v) > 1.0) {
				return option_error("complete_below", "a number from 0 to 1");
			}
			cfg->complete_below = zval_get_double(v);
			cfg->cutover_set = true;
		} else if (zend_string_equals_literal(key, "window")) {
			ok = option_long(v, "window", 1, MR_WINDOW_MAX, &cfg->window);
			cfg->cutover_set = true;
		} else if (zend_string_equals_literal(key, "connect_timeout")) {
			ok = option_long(v, "connect_timeout", 1, 60000, &cfg->connect_timeout);
		} else if (zend_string_equals_literal(key, "timeout")) {
			ok = option_long(v, "timeout", 1, 60000, &cfg->timeout);
		} else if (zend_string_equals_literal(key, "retry_interval")) {
			ok = option_long(v, "retry_interval", 0, 3600, &cfg->retry_interval);
		} else if (zend_string_equals_literal(key, "persistent")) {
			if (Z_TYPE_P(v) == IS_NULL || Z_TYPE_P(v) == IS_FALSE) {
				continue;
			}
			if (Z_TYPE_P(v) != IS_STRING || ZSTR_LEN(Z_STR_P(v)) == 0 || ZSTR_LEN(Z_STR_P(v)) > 255) {
				return option_error("persistent", "a non-empty string id (or null)");
			}
			cfg->persistent_id = zend_string_copy(Z_STR_P(v));
		} else if (zend_string_equals_literal(key, "serializer") || zend_string_equals_literal(key, "compression")
				|| zend_string_equals_literal(key, "compression_threshold")) {
			ok = codec_option(o, key, v);
		} else {
			zend_throw_exception_ex(mr_exception_ce, 0, "unknown option \"%s\"", ZSTR_VAL(key));
			return false;
		}
		if (!ok) {
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

/* Appends "name/weight," for one server to s. */
static void signature_server(smart_str *s, const mr_server_spec_t *spec)
{
	smart_str_appends(s, spec->name);
	smart_str_appendc(s, '/');
	smart_str_append_unsigned(s, spec->weight);
	smart_str_appendc(s, ',');
}

/* Returns the lists' part of a configuration's signature (parsed lists). */
static zend_string *lists_signature(const mr_config_t *cfg)
{
	smart_str s = {0};
	/* appends, not printf: a list may hold thousands of servers */
	for (uint32_t i = 0; i < cfg->n_old; i++) {
		signature_server(&s, &cfg->old_list[i]);
	}
	smart_str_appendc(&s, '|');
	for (uint32_t i = 0; i < cfg->n_new; i++) {
		signature_server(&s, &cfg->new_list[i]);
	}
	smart_str_0(&s);
	return s.s;
}

/* Returns a string that is equal for two identical configurations, from
 * its lists' part (lists_signature) and the options. */
static zend_string *config_signature(const mr_config_t *cfg, const char *lists, size_t lists_len)
{
	smart_str s = {0};
	smart_str_appendl(&s, lists, lists_len);
	smart_str_append_printf(&s, "|" ZEND_LONG_FMT "," ZEND_LONG_FMT "," ZEND_LONG_FMT "," ZEND_LONG_FMT "|%s|%s|%d%d%d|"
		ZEND_LONG_FMT "|%.6f|" ZEND_LONG_FMT "|" ZEND_LONG_FMT "," ZEND_LONG_FMT "," ZEND_LONG_FMT,
		cfg->dist, cfg->hash, cfg->old_dist, cfg->old_hash, ZSTR_VAL(cfg->name),
		cfg->prefix ? ZSTR_VAL(cfg->prefix) : "", cfg->migrate, cfg->deferred_delete, cfg->ordered_move, cfg->fallback_ttl, cfg->complete_below,
		cfg->window, cfg->connect_timeout, cfg->timeout, cfg->retry_interval);
	smart_str_0(&s);
	return s.s;
}

/* Fills out (pointing into cfg) with what mr_pool_new takes. */
static void pool_cfg_of(const mr_config_t *cfg, mr_pool_cfg_t *out)
{
	*out = (mr_pool_cfg_t) {
		.old_list = cfg->old_list, .new_list = cfg->new_list,
		.n_old = cfg->n_old, .n_new = cfg->n_new,
		.dist = (int) cfg->dist, .hash = (int) cfg->hash,
		.old_dist = (int) cfg->old_dist, .old_hash = (int) cfg->old_hash,
		.name = cfg->name ? ZSTR_VAL(cfg->name) : "",
		.prefix = cfg->prefix ? ZSTR_VAL(cfg->prefix) : NULL,
		.prefix_len = cfg->prefix ? ZSTR_LEN(cfg->prefix) : 0,
		.migrate = cfg->migrate, .deferred_delete = cfg->deferred_delete, .ordered_move = cfg->ordered_move,
		.fallback_ttl = cfg->fallback_ttl,
		.complete_below = cfg->complete_below, .cutover_set = cfg->cutover_set,
		.window = (uint32_t) cfg->window,
		.connect_timeout_ms = (uint32_t) cfg->connect_timeout, .timeout_ms = (uint32_t) cfg->timeout,
		.retry_interval_s = (uint32_t) cfg->retry_interval,
	};
}

/* Returns a new pool for cfg, or NULL after throwing. */
static mr_pool_t *pool_new(const mr_pool_cfg_t *pc, bool persistent)
{
	char err[320];
	mr_pool_t *p = mr_pool_new(pc, persistent, err, sizeof(err));
	if (!p) {
		zend_throw_exception_ex(mr_exception_ce, 0, "%s", err);
	}
	return p;
}

/* ---- persistent pools ---- */

static void persistent_pool_dtor(zval *zv)
{
	mr_pool_t *p = Z_PTR_P(zv);
	if (p->refs == 0) {
		mr_migrate_close(p);
	} else {
		p->orphan = true; /* replaced while an object still uses it */
	}
}

/* Returns the persistent pool for id built with this signature (reused,
 * or built and stored, replacing one built for another configuration), or
 * NULL after throwing. The caller holds a reference on it. */
static mr_pool_t *persistent_pool(zend_string *id, zend_string *signature, const mr_pool_cfg_t *pc)
{
	zval *zv = zend_hash_find(&MR_G(persistent_pools), id);
	mr_pool_t *p = zv ? Z_PTR_P(zv) : NULL;
	if (p && zend_string_equals(p->signature, signature)) {
		mr_pool_attach_counters(p, pc); /* this object's cut-over settings apply */
	} else {
		p = pool_new(pc, true);
		if (!p) {
			return NULL;
		}
		/* zend_string_dup() would hand back an interned (request-lived)
		 * string as is: these must outlive the request */
		zend_string *pk = zend_string_init(ZSTR_VAL(id), ZSTR_LEN(id), 1);
		p->signature = zend_string_init(ZSTR_VAL(signature), ZSTR_LEN(signature), 1);
		zend_hash_update_ptr(&MR_G(persistent_pools), pk, p);
		zend_string_release(pk);
	}
	p->refs++;
	return p;
}

/* Drops the object's use of its pool: frees a request pool, and a
 * persistent one only when it was replaced and this was its last user. */
static void pool_release(mr_face_t *o)
{
	mr_pool_t *p = o->pool;
	o->pool = NULL;
	if (!p) {
		return;
	}
	if (!o->persistent || (--p->refs == 0 && p->orphan)) {
		mr_migrate_close(p);
	}
}

/* Settles every persistent pool's delayed deletes (RSHUTDOWN). */
static void persistent_pools_flush(void)
{
	mr_pool_t *p;
	ZEND_HASH_FOREACH_PTR(&MR_G(persistent_pools), p) {
		mr_migrate_flush(p);
	} ZEND_HASH_FOREACH_END();
}

/* ---- object ---- */

static zend_object *mr_create(zend_class_entry *ce)
{
	mr_obj_t *o = zend_object_alloc(sizeof(mr_obj_t), ce);
	zend_object_std_init(&o->std, ce);
	object_properties_init(&o->std, ce);
	o->std.handlers = &mr_handlers;
	mr_face_init(&o->f, true);
	return &o->std;
}


static void mr_free(zend_object *obj)
{
	mr_face_release(&mr_from_obj(obj)->f); /* its pool through face_release_pool */
	zend_object_std_dtor(obj);
}

/* Returns true after parsing both server lists into cfg; false after
 * throwing MemRehashException. */
static bool parse_lists(HashTable *old_ht, HashTable *new_ht, mr_config_t *cfg)
{
	return parse_servers(old_ht, "old", &cfg->old_list, &cfg->n_old) && parse_servers(new_ht, "new", &cfg->new_list, &cfg->n_new);
}

/* Returns the placement options of cfg, as mr_lists keys a layout by them. */
static mr_lists_place_t lists_place(const mr_config_t *cfg)
{
	return (mr_lists_place_t) { .dist = (int) cfg->dist, .hash = (int) cfg->hash, .old_dist = (int) cfg->old_dist, .old_hash = (int) cfg->old_hash };
}

/* Remembers the raw lists of a pool just built (mr_lists), with the names
 * derived from them, so the next constructor given the same ones skips
 * the parsing and the layout's lookup. */
static void lists_remember(HashTable *old_ht, HashTable *new_ht, const mr_config_t *cfg, mr_pool_t *p)
{
	mr_pool_cfg_t pc;
	pool_cfg_of(cfg, &pc);
	char name[MR_POOL_NAME_MAX];
	mr_pool_default_name(&pc, name, sizeof(name));
	zend_string *sig = lists_signature(cfg);
	mr_lists_place_t pl = lists_place(cfg);
	mr_lists_add(old_ht, new_ht, p->layout, &pl, name, ZSTR_VAL(sig), ZSTR_LEN(sig));
	zend_string_release(sig);
}

/* Returns true after building f's pool from server lists and MemRehash
 * options; false after throwing MemRehashException. Lists seen before in
 * this process (mr_lists) are compared, not parsed, and their layout is
 * taken as it is. */
static bool face_build(mr_face_t *f, HashTable *old_ht, HashTable *new_ht, HashTable *opts)
{
	mr_config_t cfg = {
		.dist = MR_DIST_MODULA, .hash = MEMCACHED_HASH_DEFAULT,
		.migrate = true, .fallback_ttl = 0, .complete_below = MR_COMPLETE_BELOW_DEFAULT, .window = MR_WINDOW_DEFAULT,
		.connect_timeout = 1000, .timeout = 1000, .retry_interval = MR_G(retry_interval),
	};

	if (f->pool) {
		zend_throw_exception_ex(mr_exception_ce, 0, "MemRehash is already constructed");
		return false;
	}
	/* the lists first, then the options: errors in that order, as ever */
	const mr_lists_t *seen = mr_lists_find(old_ht, new_ht);
	if ((!seen && !parse_lists(old_ht, new_ht, &cfg)) || (opts && !parse_options(f, opts, &cfg))) {
		config_free(&cfg);
		return false;
	}
	if (!cfg.old_dist_set) cfg.old_dist = cfg.dist;
	if (!cfg.old_hash_set) cfg.old_hash = cfg.hash;
	mr_lists_place_t pl = lists_place(&cfg);
	mr_layout_t *layout = seen ? mr_lists_layout(seen, &pl) : NULL;
	if (seen && !layout) {
		/* the same lists placed another way: parsed (they parsed before) */
		seen = NULL;
		if (!parse_lists(old_ht, new_ht, &cfg)) {
			config_free(&cfg);
			return false;
		}
	}
	if (seen) {
		cfg.n_old = zend_hash_num_elements(old_ht);
		cfg.n_new = zend_hash_num_elements(new_ht);
	}
	mr_pool_cfg_t pc;
	pool_cfg_of(&cfg, &pc);
	pc.layout = layout;
	if (!cfg.name) {
		char name[MR_POOL_NAME_MAX];
		if (seen) {
			cfg.name = zend_string_init(mr_lists_name(seen), strlen(mr_lists_name(seen)), 0);
		} else {
			mr_pool_default_name(&pc, name, sizeof(name));
			cfg.name = zend_string_init(name, strlen(name), 0);
		}
		pc.name = ZSTR_VAL(cfg.name);
	}
	f->persistent = cfg.persistent_id != NULL;
	if (f->persistent) {
		/* only a persistent pool is matched by its signature */
		size_t len;
		zend_string *lists = seen ? NULL : lists_signature(&cfg);
		const char *ls = seen ? mr_lists_signature(seen, &len) : ZSTR_VAL(lists);
		f->signature = config_signature(&cfg, ls, seen ? len : ZSTR_LEN(lists));
		if (lists) zend_string_release(lists);
	}
	f->pool = f->persistent ? persistent_pool(cfg.persistent_id, f->signature, &pc) : pool_new(&pc, false);
	if (f->pool) {
		f->distribution = cfg.dist;
		f->hash = cfg.hash;
		if (!seen) {
			lists_remember(old_ht, new_ht, &cfg, f->pool);
		}
	}
	if (layout) mr_layout_release(layout);
	config_free(&cfg);
	mr_face_set_res(f, MEMCACHED_SUCCESS);
	return f->pool != NULL;
}

PHP_METHOD(MemRehash, __construct)
{
	HashTable *old_ht, *new_ht, *opts = NULL;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_ARRAY_HT(old_ht)
		Z_PARAM_ARRAY_HT(new_ht)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();
	if (!face_build(&Z_MR_P(ZEND_THIS)->f, old_ht, new_ht, opts)) {
		RETURN_THROWS();
	}
}

/* ---- reads ---- */

/* Returns true with rv set to the decoded value of a found item; false (and
 * RES_PAYLOAD_FAILURE) when its bytes cannot be decoded. */
static inline bool decode_item(mr_obj_t *o, const mr_item_t *it, zval *rv)
{
	return mr_face_decode(&o->f, it, rv);
}

/* Returns the constructed face of $this, or NULL after throwing. */
static mr_face_t *face_of_this(zval *this_zv)
{
	mr_obj_t *o = Z_MR_P(this_zv);
	return pool_of(o) ? &o->f : NULL;
}

/* A method whose body is shared with MemRehash\Memcached (mr_memcached.c). */
#define MR_SHARED_METHOD(name, call) \
	PHP_METHOD(MemRehash, name) \
	{ \
		mr_face_t *f = face_of_this(ZEND_THIS); \
		if (!f) RETURN_THROWS(); \
		call; \
	}

MR_SHARED_METHOD(get, mr_face_m_get(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))

/* Fills items with the distinct keys of the array keys (argument 1), all
 * checked before anything is sent. The items point into *seen, which the
 * caller destroys once done with them. Returns false after throwing (seen
 * is destroyed then). */
static bool distinct_items(mr_obj_t *o, mr_pool_t *p, HashTable *keys, HashTable *seen, mr_item_t **items, uint32_t *n)
{
	zend_hash_init(seen, zend_hash_num_elements(keys), NULL, NULL, 0);
	zval *zk;
	ZEND_HASH_FOREACH_VAL(keys, zk) {
		zend_string *k = key_from_zval(zk, 1);
		if (!k) {
			zend_hash_destroy(seen);
			return false;
		}
		zend_hash_add_empty_element(seen, k);
		zend_string_release(k);
	} ZEND_HASH_FOREACH_END();

	uint32_t i = 0;
	*n = zend_hash_num_elements(seen);
	*items = mr_pool_items(p, *n ? *n : 1);
	zend_string *k;
	ZEND_HASH_FOREACH_STR_KEY(seen, k) {
		if (!key_prepare(o, ZSTR_VAL(k), ZSTR_LEN(k), 1, &(*items)[i++])) {
			zend_hash_destroy(seen);
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

/* A getMulti or deleteMulti call: its distinct keys and their outcome. */
typedef struct {
	mr_obj_t *o;
	HashTable seen;            /* the distinct keys; items point into it */
	mr_item_t *items;
	uint32_t n, errors;
} multi_t;

/* Runs a getMulti or deleteMulti: parses the array of keys, checks them
 * all (distinct_items), runs op on them and readies an array return value.
 * The caller destroys m->seen. Returns the pool, or NULL after throwing. */
static mr_pool_t *multi_run(INTERNAL_FUNCTION_PARAMETERS, multi_t *m, uint32_t (*op)(mr_pool_t *, mr_item_t *, uint32_t))
{
	HashTable *keys;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(keys)
	ZEND_PARSE_PARAMETERS_END_EX(return NULL);

	m->o = Z_MR_P(ZEND_THIS);
	mr_pool_t *p = pool_of(m->o);
	if (!p || !distinct_items(m->o, p, keys, &m->seen, &m->items, &m->n)) {
		return NULL;
	}
	m->errors = m->n ? op(p, m->items, m->n) : 0;
	array_init_size(return_value, m->n);
	return p;
}

MR_SHARED_METHOD(getMulti, mr_face_m_get_multi(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))

/* ---- writes ---- */

/* Returns true after encoding value into the object's buffer at offset
 * *off (flags in *flags); false when it cannot be encoded (an exception
 * from a serializer stays thrown). */
static inline bool encode_value(mr_obj_t *o, zval *value, size_t *off, size_t *len, uint32_t *flags)
{
	return mr_face_encode(&o->f, value, off, len, flags);
}

static inline const char *ebuf_data(mr_obj_t *o)
{
	return mr_face_ebuf(&o->f);
}

static inline void ebuf_reset(mr_obj_t *o)
{
	mr_face_ebuf_reset(&o->f);
}

/* set / add / replace of one key. */
static void store_one(INTERNAL_FUNCTION_PARAMETERS, char mode)
{
	zend_string *key;
	zval *value;
	zend_long ttl = 0;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(key)
		Z_PARAM_ZVAL(value)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(ttl)
	ZEND_PARSE_PARAMETERS_END();

	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	mr_pool_t *p = pool_of(o);
	if (!p) RETURN_THROWS();
	mr_item_t *it = mr_pool_items(p, 1);
	if (!key_prepare(o, ZSTR_VAL(key), ZSTR_LEN(key), 1, it)) RETURN_THROWS();

	size_t off;
	ebuf_reset(o);
	if (!encode_value(o, value, &off, &it->dlen, &it->flags)) {
		if (EG(exception)) RETURN_THROWS();
		RETURN_FALSE;
	}
	it->data = ebuf_data(o) + off;
	if (mode == MR_MODE_ADD) {
		/* a key still at O exists: add fails, as it does for the drop-in */
		mr_migrate_add(p, it, ttl);
	} else {
		mr_migrate_store(p, it, 1, mode, ttl);
	}
	set_res(o, res_of(it->rc));
	RETVAL_BOOL(it->rc == MR_OK);
	after_op(p);
}

PHP_METHOD(MemRehash, set) { store_one(INTERNAL_FUNCTION_PARAM_PASSTHRU, MR_MODE_SET); }
PHP_METHOD(MemRehash, add) { store_one(INTERNAL_FUNCTION_PARAM_PASSTHRU, MR_MODE_ADD); }
PHP_METHOD(MemRehash, replace) { store_one(INTERNAL_FUNCTION_PARAM_PASSTHRU, MR_MODE_REPLACE); }

PHP_METHOD(MemRehash, setMulti)
{
	HashTable *entries;
	zend_long ttl = 0;
	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_ARRAY_HT(entries)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(ttl)
	ZEND_PARSE_PARAMETERS_END();

	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	mr_pool_t *p = pool_of(o);
	if (!p) RETURN_THROWS();
	uint32_t n = zend_hash_num_elements(entries), i = 0;
	if (n == 0) {
		set_res(o, MEMCACHED_SUCCESS);
		RETURN_TRUE;
	}
	mr_item_t *items = mr_pool_items(p, n);
	zend_string **keys = safe_emalloc(n, sizeof(zend_string *), 0);
	size_t *offs = safe_emalloc(n, sizeof(size_t), 0);
	zend_string *skey;
	zend_ulong ikey;
	zval *v;
	bool ok = true;
	ebuf_reset(o);
	mr_face_ebuf_reserve(&o->f, entries);
	ZEND_HASH_FOREACH_KEY_VAL(entries, ikey, skey, v) {
		keys[i] = skey ? zend_string_copy(skey) : zend_long_to_str((zend_long) ikey);
		if (!key_prepare(o, ZSTR_VAL(keys[i]), ZSTR_LEN(keys[i]), 1, &items[i])
			|| !encode_value(o, v, &offs[i], &items[i].dlen, &items[i].flags)) {
			ok = false;
			i++;
			break;
		}
		i++;
	} ZEND_HASH_FOREACH_END();
	if (ok) {
		for (uint32_t j = 0; j < n; j++) {
			items[j].data = ebuf_data(o) + offs[j];
		}
		uint32_t errors = mr_migrate_store(p, items, n, MR_MODE_SET, ttl);
		set_res(o, errors ? (errors == n ? res_of(items[0].rc) : MEMCACHED_SOME_ERRORS) : MEMCACHED_SUCCESS);
		RETVAL_BOOL(errors == 0);
	}
	for (uint32_t j = 0; j < i; j++) {
		zend_string_release(keys[j]);
	}
	efree(keys);
	efree(offs);
	if (!ok) {
		if (EG(exception)) RETURN_THROWS();
		RETURN_FALSE;
	}
	after_op(p);
}

MR_SHARED_METHOD(delete, mr_face_m_delete(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))

PHP_METHOD(MemRehash, deleteMulti)
{
	multi_t m;
	mr_pool_t *p = multi_run(INTERNAL_FUNCTION_PARAM_PASSTHRU, &m, mr_migrate_delete);
	if (!p) RETURN_THROWS();

	for (uint32_t i = 0; i < m.n; i++) {
		mr_item_t *it = &m.items[i];
		zval r;
		if (it->rc == MR_OK) {
			ZVAL_TRUE(&r);
		} else {
			ZVAL_LONG(&r, res_of(it->rc));
		}
		zend_symtable_str_update(Z_ARRVAL_P(return_value), it->ukey, it->uklen, &r);
	}
	zend_hash_destroy(&m.seen);
	set_res(m.o, m.errors ? MEMCACHED_SOME_ERRORS : MEMCACHED_SUCCESS);
	after_op(p);
}


MR_SHARED_METHOD(increment, mr_face_m_arith(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, true))
MR_SHARED_METHOD(decrement, mr_face_m_arith(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false))
MR_SHARED_METHOD(cas, mr_face_m_cas(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))
MR_SHARED_METHOD(append, mr_face_m_append(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))
MR_SHARED_METHOD(prepend, mr_face_m_prepend(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))
MR_SHARED_METHOD(flush, mr_face_m_flush(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))
MR_SHARED_METHOD(getDelayed, mr_face_m_get_delayed(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))
MR_SHARED_METHOD(fetch, mr_face_m_fetch(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))
MR_SHARED_METHOD(fetchAll, mr_face_m_fetch_all(INTERNAL_FUNCTION_PARAM_PASSTHRU, f))

PHP_METHOD(MemRehash, touch)
{
	zend_string *key;
	zend_long ttl;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(key)
		Z_PARAM_LONG(ttl)
	ZEND_PARSE_PARAMETERS_END();

	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	mr_pool_t *p = pool_of(o);
	if (!p) RETURN_THROWS();
	mr_item_t *it = mr_pool_items(p, 1);
	if (!key_prepare(o, ZSTR_VAL(key), ZSTR_LEN(key), 1, it)) RETURN_THROWS();
	mr_migrate_touch(p, it, 1, ttl);
	set_res(o, res_of(it->rc));
	RETVAL_BOOL(it->rc == MR_OK);
	after_op(p);
}

PHP_METHOD(MemRehash, getResultCode)
{
	ZEND_PARSE_PARAMETERS_NONE();
	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	if (!pool_of(o)) RETURN_THROWS();
	RETURN_LONG(o->f.rescode);
}

PHP_METHOD(MemRehash, getResultMessage)
{
	ZEND_PARSE_PARAMETERS_NONE();
	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	if (!pool_of(o)) RETURN_THROWS();
	int code = o->f.rescode;
	if (code == MR_RES_PAYLOAD_FAILURE) {
		RETURN_STRING("PAYLOAD FAILURE");
	}
	RETURN_STRING(memcached_strerror(NULL, (memcached_return_t) code));
}

/* ---- placement and servers ---- */

PHP_METHOD(MemRehash, locate)
{
	zend_string *key;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(key)
	ZEND_PARSE_PARAMETERS_END();

	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	mr_pool_t *p = pool_of(o);
	if (!p) RETURN_THROWS();
	mr_item_t *it = mr_pool_items(p, 1);
	if (!key_prepare(o, ZSTR_VAL(key), ZSTR_LEN(key), 1, it)) RETURN_THROWS();
	mr_pool_locate(p, it);
	array_init_size(return_value, 3);
	add_assoc_string(return_value, "old", (char *) mr_wire_name(p->wire, it->o));
	add_assoc_string(return_value, "new", (char *) mr_wire_name(p->wire, it->n));
	add_assoc_bool(return_value, "moves", it->o != it->n);
}

PHP_METHOD(MemRehash, getOldServers)
{
	ZEND_PARSE_PARAMETERS_NONE();
	mr_pool_t *p = pool_of(Z_MR_P(ZEND_THIS));
	if (!p) RETURN_THROWS();
	mr_face_server_list(p, true, return_value);
}

PHP_METHOD(MemRehash, getNewServers)
{
	ZEND_PARSE_PARAMETERS_NONE();
	mr_pool_t *p = pool_of(Z_MR_P(ZEND_THIS));
	if (!p) RETURN_THROWS();
	mr_face_server_list(p, false, return_value);
}

/* ---- counters ---- */

static const char *role_name(uint64_t role)
{
	return role == MR_ROLE_BOTH ? "both" : role == MR_ROLE_NEW ? "new" : "old";
}

/* Fills rv with a pool slot's counters, read through one snapshot, in the
 * shape the README gives (docs/DESIGN.md, "Shared counters"). */
static void stats_array(const mr_ctr_pool_t *c, zval *rv)
{
	mr_ctr_snapshot_t *s = emalloc(sizeof(*s));
	mr_counters_snapshot(c, s);
	array_init(rv);
	add_assoc_string(rv, "name", s->name);
	add_assoc_string(rv, "state", s->state == MR_STATE_COMPLETE ? "complete" : "migrating");
	add_assoc_long(rv, "started", (zend_long) s->started);
	add_assoc_long(rv, "completed", (zend_long) s->completed);
	for (int i = 0; i < MR_C_COUNT; i++) {
		add_assoc_long(rv, mr_counter_names[i], (zend_long) s->c[i]);
	}
	add_assoc_double(rv, "old_hit_rate", s->old_hit_rate);
	add_assoc_long(rv, "window", (zend_long) s->window);
	add_assoc_long(rv, "window_seen", (zend_long) s->window_lookups);
	add_assoc_double(rv, "complete_below", (double) s->complete_below_ppm / 1e6);
	zval servers;
	array_init(&servers);
	for (uint32_t i = 0; i < s->nservers; i++) {
		const mr_ctr_server_snap_t *r = &s->servers[i];
		zval row;
		array_init_size(&row, 4);
		add_assoc_string(&row, "role", (char *) role_name(r->role));
		add_assoc_long(&row, "moved_out", (zend_long) r->moved_out);
		add_assoc_long(&row, "moved_in", (zend_long) r->moved_in);
		add_assoc_long(&row, "errors", (zend_long) r->errors);
		add_assoc_zval(&servers, r->name, &row);
	}
	add_assoc_zval(rv, "servers", &servers);
	zval trend;
	array_init(&trend);
	for (uint32_t i = 0; i < s->ntrend; i++) {
		const mr_trend_t *t = &s->trend[i];
		zval row;
		array_init_size(&row, 4);
		add_assoc_long(&row, "at", (zend_long) t->at);
		add_assoc_long(&row, "gets", (zend_long) t->gets);
		add_assoc_long(&row, "old_hits", (zend_long) t->old_hits);
		add_assoc_long(&row, "misses", (zend_long) t->misses);
		add_next_index_zval(&trend, &row);
	}
	add_assoc_zval(rv, "trend", &trend);
	efree(s);
}

PHP_METHOD(MemRehash, stats)
{
	ZEND_PARSE_PARAMETERS_NONE();
	mr_pool_t *p = pool_of(Z_MR_P(ZEND_THIS));
	if (!p) RETURN_THROWS();
	mr_migrate_flush(p); /* the moves' deletes at O count before the figures are read */
	stats_array(mr_pool_ctr(p), return_value);
}

PHP_METHOD(MemRehash, allStats)
{
	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	for (uint32_t i = 0; i < mr_counters_max_pools(); i++) {
		mr_ctr_pool_t *c = mr_counters_slot(i);
		if (c) {
			zval s;
			stats_array(c, &s);
			add_assoc_zval(return_value, Z_STRVAL_P(zend_hash_str_find(Z_ARRVAL(s), "name", 4)), &s);
		}
	}
}

/* Sets rv to a transition's server list as "host:port" strings. */
static void transition_servers(const mr_tr_server_t *s, uint32_t n, zval *rv)
{
	array_init_size(rv, n);
	for (uint32_t i = 0; i < n; i++) {
		add_next_index_str(rv, zend_strpprintf(0, "%s:" ZEND_LONG_FMT, s[i].host, s[i].port));
	}
}

/* Returns each configured transition (memrehash.transitions): its entry,
 * lists and pool names, and what is bound to it in this process. */
PHP_METHOD(MemRehash, transitions)
{
	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	for (uint32_t i = 0; i < mr_transitions_count(); i++) {
		const mr_transition_t *t = mr_transition_at(i);
		char sess[MR_POOL_NAME_MAX];
		zval e, v;
		array_init(&e);
		add_assoc_string(&e, "name", t->name);
		add_assoc_string(&e, "entry", t->text);
		transition_servers(t->olds, t->n_old, &v);
		add_assoc_zval(&e, "old", &v);
		transition_servers(t->news, t->n_new, &v);
		add_assoc_zval(&e, "new", &v);
		add_assoc_bool(&e, "objects_bindable", mr_bind_active());
		add_assoc_long(&e, "bound_objects", (zend_long) mr_bind_live(i));
		add_assoc_long(&e, "binds", (zend_long) mr_bind_total(i));
		add_assoc_bool(&e, "sessions_bindable", mr_sess_bind_active());
		mr_sess_bind_pool_name(t, sess);
		add_assoc_string(&e, "sessions_pool", sess);
		add_assoc_long(&e, "session_opens", (zend_long) mr_sess_bind_opens(i));
		add_assoc_bool(&e, "bound", mr_bind_live(i) > 0); /* objects bound now */
		add_next_index_zval(return_value, &e);
	}
}

PHP_METHOD(MemRehash, isComplete)
{
	ZEND_PARSE_PARAMETERS_NONE();
	mr_pool_t *p = pool_of(Z_MR_P(ZEND_THIS));
	if (!p) RETURN_THROWS();
	after_op(p);
	RETURN_BOOL(mr_pool_is_complete(p));
}

PHP_METHOD(MemRehash, complete)
{
	ZEND_PARSE_PARAMETERS_NONE();
	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	mr_pool_t *p = pool_of(o);
	if (!p) RETURN_THROWS();
	set_res(o, mr_fleet_complete(p) ? MEMCACHED_SUCCESS : MEMCACHED_SOME_ERRORS);
}

/* Adds one host's published counters to the fleet array and the total. */
typedef struct {
	zval *hosts;
	uint64_t total[MR_C_COUNT];
	int complete_hosts;
} fleet_ctx_t;

static void fleet_add(void *ctx, const char *host, const uint64_t *c, uint64_t state, uint64_t at)
{
	fleet_ctx_t *f = ctx;
	zval row;
	array_init(&row);
	add_assoc_string(&row, "state", state == MR_STATE_COMPLETE ? "complete" : "migrating");
	add_assoc_long(&row, "published", (zend_long) at);
	for (int i = 0; i < MR_C_COUNT; i++) {
		add_assoc_long(&row, mr_counter_names[i], (zend_long) c[i]);
	}
	if (zend_hash_str_exists(Z_ARRVAL_P(f->hosts), host, strlen(host))) {
		zval_ptr_dtor(&row);
		return;
	}
	for (int i = 0; i < MR_C_COUNT; i++) {
		f->total[i] += c[i];
	}
	f->complete_hosts += state == MR_STATE_COMPLETE;
	add_assoc_zval(f->hosts, host, &row);
}

PHP_METHOD(MemRehash, fleetStats)
{
	ZEND_PARSE_PARAMETERS_NONE();
	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	mr_pool_t *p = pool_of(o);
	if (!p) RETURN_THROWS();
	/* this host's latest numbers first, so the view includes them */
	mr_fleet_publish(p);
	array_init(return_value);
	fleet_ctx_t f = { .hosts = return_value };
	int n = mr_fleet_read(p, fleet_add, &f);
	set_res(o, n < 0 ? MEMCACHED_FAILURE : MEMCACHED_SUCCESS);
	zval total;
	array_init(&total);
	add_assoc_long(&total, "hosts", zend_hash_num_elements(Z_ARRVAL_P(return_value)));
	add_assoc_long(&total, "complete_hosts", f.complete_hosts);
	for (int i = 0; i < MR_C_COUNT; i++) {
		add_assoc_long(&total, mr_counter_names[i], (zend_long) f.total[i]);
	}
	add_assoc_zval(return_value, "total", &total);
}

/* drain(): a progress callable, called after every batch. */
typedef struct {
	zend_fcall_info fci;
	zend_fcall_info_cache fcc;
	double started;
} drain_progress_t;

static const char *const drain_names[MR_DRAIN_COUNT] = {
	"scanned", "moved", "raced", "skipped", "expired", "gone", "errors", "bytes", "stale",
};

static void drain_totals_array(const uint64_t *totals, double seconds, zval *rv)
{
	array_init(rv);
	for (int i = 0; i < MR_DRAIN_COUNT; i++) {
		add_assoc_long(rv, drain_names[i], (zend_long) totals[i]);
	}
	add_assoc_double(rv, "seconds", seconds);
}

/* Returns false when the callable returned false or threw: the drain stops. */
static bool drain_progress(void *ctx, const uint64_t *totals)
{
	drain_progress_t *pr = ctx;
	zval arg, ret;
	drain_totals_array(totals, mr_mono_s() - pr->started, &arg);
	pr->fci.retval = &ret;
	pr->fci.params = &arg;
	pr->fci.param_count = 1;
	bool go_on = zend_call_function(&pr->fci, &pr->fcc) == SUCCESS && !EG(exception) && Z_TYPE(ret) != IS_FALSE;
	zval_ptr_dtor(&ret);
	zval_ptr_dtor(&arg);
	return go_on;
}

/* Returns true with o filled from drain()'s options, or false after throwing. */
static bool drain_options(HashTable *opts, mr_drain_opts_t *o, drain_progress_t *pr)
{
	zend_string *key;
	zval *v;
	if (!opts) {
		return true;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(opts, key, v) {
		ZVAL_DEREF(v);
		if (!key) {
			zend_argument_value_error(2, "must be keyed by option name");
			return false;
		}
		bool number = Z_TYPE_P(v) == IS_LONG || Z_TYPE_P(v) == IS_DOUBLE;
		double d = number ? zval_get_double(v) : -1;
		if (zend_string_equals_literal(key, "rate") || zend_string_equals_literal(key, "bytes_rate")) {
			if (!number || d < 0) {
				zend_argument_value_error(2, "option \"%s\" must be a number >= 0 (0: unlimited)", ZSTR_VAL(key));
				return false;
			}
			*(ZSTR_VAL(key)[0] == 'r' ? &o->rate : &o->bytes_rate) = d;
		} else if (zend_string_equals_literal(key, "batch")) {
			if (Z_TYPE_P(v) != IS_LONG || Z_LVAL_P(v) < 1 || Z_LVAL_P(v) > 10000) {
				zend_argument_value_error(2, "option \"batch\" must be an int from 1 to 10000");
				return false;
			}
			o->batch = (uint32_t) Z_LVAL_P(v);
		} else if (zend_string_equals_literal(key, "fill_limit")) {
			if (!number || d < 0 || d > 1) {
				zend_argument_value_error(2, "option \"fill_limit\" must be a number from 0 to 1 (0: off)");
				return false;
			}
			o->fill_limit = d;
		} else if (zend_string_equals_literal(key, "copy")) {
			if (Z_TYPE_P(v) != IS_TRUE && Z_TYPE_P(v) != IS_FALSE) {
				zend_argument_value_error(2, "option \"copy\" must be a bool");
				return false;
			}
			o->copy = Z_TYPE_P(v) == IS_TRUE;
		} else if (zend_string_equals_literal(key, "progress")) {
			if (Z_TYPE_P(v) == IS_NULL) {
				continue;
			}
			char *error = NULL;
			if (zend_fcall_info_init(v, 0, &pr->fci, &pr->fcc, NULL, &error) != SUCCESS) {
				zend_argument_type_error(2, "option \"progress\" must be a valid callback%s%s", error ? ", " : "", error ? error : "");
				if (error) efree(error);
				return false;
			}
			if (error) efree(error);
			o->progress = drain_progress;
			o->progress_ctx = pr;
		} else {
			zend_argument_value_error(2, "has an unknown option \"%s\"", ZSTR_VAL(key));
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

static void mr_drain_method(mr_face_t *f, mr_pool_t *p, zend_string *server, HashTable *opts, zval *rv)
{
	mr_drain_opts_t dopts = { .batch = 100 };
	drain_progress_t pr = { .started = mr_mono_s() };
	if (!drain_options(opts, &dopts, &pr)) {
		return;
	}
	uint32_t nc = mr_wire_count(p->wire);
	int32_t only = -1;
	if (server) {
		for (uint32_t c = 0; c < nc; c++) {
			if ((p->role[c] & MR_ROLE_OLD) && strcmp(mr_wire_name(p->wire, c), ZSTR_VAL(server)) == 0) {
				only = (int32_t) c;
			}
		}
		if (only < 0) {
			zend_argument_value_error(1, "must be one of the old servers (\"host:port\"), \"%s\" is not", ZSTR_VAL(server));
			return;
		}
	}
	uint64_t totals[MR_DRAIN_COUNT] = {0};
	mr_drain_stop_t stop = MR_STOP_DONE;
	char err[256] = "";
	for (uint32_t c = 0; c < nc && stop == MR_STOP_DONE; c++) {
		if ((only >= 0 && (uint32_t) only != c) || !(p->role[c] & MR_ROLE_OLD)) {
			continue;
		}
		stop = mr_drain_server(p, c, &dopts, totals, err, sizeof(err));
	}
	if (EG(exception)) {
		return;
	}
	static const char *const stops[] = {"done", "fill_limit", "callback", "error"};
	drain_totals_array(totals, mr_mono_s() - pr.started, rv);
	add_assoc_string(rv, "stopped", (char *) stops[stop]);
	if (stop == MR_STOP_ERROR) {
		add_assoc_string(rv, "error", err);
	}
	mr_face_set_res(f, stop == MR_STOP_ERROR ? MEMCACHED_FAILURE : MEMCACHED_SUCCESS);
}

PHP_METHOD(MemRehash, drain)
{
	zend_string *server = NULL;
	HashTable *opts = NULL;
	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(server)
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();
	mr_obj_t *o = Z_MR_P(ZEND_THIS);
	mr_pool_t *p = pool_of(o);
	if (!p) RETURN_THROWS();
	mr_drain_method(&o->f, p, server, opts, return_value);
}

/* ---- lent to the faces (mr_face.h: mr_face_module) ---- */

/* Drops a face's use of its pool (persistent pools are kept here). */
static void face_release_pool(mr_face_t *f)
{
	pool_release(f);
}

static void face_stats(mr_face_t *f, zval *rv)
{
	mr_migrate_flush(f->pool); /* the moves' deletes at O count before the figures are read */
	stats_array(mr_pool_ctr(f->pool), rv);
}

static void face_drain(mr_face_t *f, zend_string *server, HashTable *opts, zval *rv)
{
	mr_drain_method(f, f->pool, server, opts, rv);
}

/* ---- module ---- */

static PHP_GINIT_FUNCTION(memrehash)
{
#if defined(COMPILE_DL_MEMREHASH) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	memset(memrehash_globals, 0, sizeof(*memrehash_globals));
	zend_hash_init(&memrehash_globals->persistent_pools, 8, NULL, persistent_pool_dtor, 1);
	zend_hash_init(&memrehash_globals->bound_objects, 8, NULL, NULL, 1);
}

/* A thread's (or, without ZTS, the process's) persistent pools go with its
 * globals: when the thread ends, or after MSHUTDOWN. */
static PHP_GSHUTDOWN_FUNCTION(memrehash)
{
	zend_hash_destroy(&memrehash_globals->persistent_pools);
	zend_hash_destroy(&memrehash_globals->bound_objects);
	mr_memcached_globals_free(&memrehash_globals->dropin_faces, &memrehash_globals->dropin_faces_cap);
}

/* Reads memrehash.counters_file_mode and _group. Returns true with the mode
 * and the group id (-1: leave it), or false with a message. */
static bool counters_file_access(uint32_t *mode, long *gid, char *err, size_t errlen)
{
	const char *m = MR_G(counters_file_mode);
	char *end;
	unsigned long v = strtoul(m, &end, 8);
	if (!*m || *end || v > 0777 || (v & 0600) != 0600) {
		snprintf(err, errlen, "memrehash.counters_file_mode \"%s\" is not an octal file mode from 0600 to 0777 "
			"(the owner must read and write it)", m);
		return false;
	}
	*mode = (uint32_t) v;
	*gid = -1;
	const char *g = MR_G(counters_file_group);
	if (!*g) {
		return true;
	}
	unsigned long n = strtoul(g, &end, 10);
	if (!*end && n <= UINT32_MAX) {
		*gid = (long) n;
		return true;
	}
	struct group *gr = getgrnam(g);
	if (!gr) {
		snprintf(err, errlen, "memrehash.counters_file_group \"%s\" is neither a group name nor a group id", g);
		return false;
	}
	*gid = (long) gr->gr_gid;
	return true;
}

PHP_MINIT_FUNCTION(memrehash)
{
	REGISTER_INI_ENTRIES();
	mr_ce = register_class_MemRehash();
	mr_ce->create_object = mr_create;
	memcpy(&mr_handlers, zend_get_std_object_handlers(), sizeof(mr_handlers));
	mr_handlers.offset = XtOffsetOf(mr_obj_t, std);
	mr_handlers.free_obj = mr_free;
	mr_handlers.clone_obj = NULL;
	mr_exception_ce = register_class_MemRehashException(spl_ce_RuntimeException);

	/* mapped here, before PHP-FPM forks its workers, so they all share it */
	char err[512];
	uint32_t mode;
	long gid;
	if (!counters_file_access(&mode, &gid, err, sizeof(err))
		|| !mr_counters_init(MR_G(counters_file), (uint32_t) MR_G(max_pools), mode, gid, err, sizeof(err))) {
		php_error_docref(NULL, E_WARNING, "%s; counters are private to each process", err);
		if (!mr_counters_init(NULL, (uint32_t) MR_G(max_pools), 0, -1, err, sizeof(err))) {
			php_error_docref(NULL, E_WARNING, "%s", err);
		}
	}
	mr_fleet_set_host_id(MR_G(host_id));
	mr_session_register();
	mr_face_module = (mr_face_module_t) {
		.build = face_build, .release_pool = face_release_pool,
		.pool_stats = face_stats, .pool_drain = face_drain, .exception_ce = mr_exception_ce,
	};
	mr_memcached_register();
	/* zero code change: only with a transition configured are \Memcached's
	 * method handlers swapped (mr_bind.c) */
	mr_transitions_load(MR_G(transitions));
	mr_bind_init();
	mr_sess_bind_init();
	return SUCCESS;
}

/* Reads the replies of the deletes at O that moves of this request sent
 * without waiting (non-persistent pools do it when they are freed). */
PHP_RSHUTDOWN_FUNCTION(memrehash)
{
	(void) type; /* PHP's signature; the same for every module type */
	(void) module_number;
	persistent_pools_flush();
	return SUCCESS;
}

PHP_MSHUTDOWN_FUNCTION(memrehash)
{
	/* this thread's pools, freed while the counters are still mapped;
	 * GSHUTDOWN, which runs after this, then finds the table empty */
	zend_hash_clean(&MR_G(persistent_pools));
	mr_bind_shutdown();
	mr_sess_bind_shutdown();
	mr_transitions_free();
	mr_lists_shutdown();
	mr_layout_shutdown();
	mr_counters_shutdown();
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

/* phpinfo rows of the counters of the pool named name (shared by the
 * fleet's workers), when some worker has used the pool; each row's label
 * starts with label. */
static void pool_counters_info(const char *name, const char *label)
{
	char row[96];
	for (uint32_t i = 0; i < mr_counters_max_pools(); i++) {
		mr_ctr_pool_t *c = mr_counters_slot(i);
		if (!c || strcmp(c->name, name) != 0) {
			continue;
		}
		char buf[32];
		snprintf(row, sizeof(row), "%sState", label);
		php_info_print_table_row(2, row, mr_counters_is_complete(c) ? "complete" : "migrating");
		for (int k = 0; k < MR_C_COUNT; k++) {
			snprintf(buf, sizeof(buf), "%" PRIu64, __atomic_load_n(&c->c[k], __ATOMIC_RELAXED));
			snprintf(row, sizeof(row), "%s%s", label, mr_counter_names[k]);
			php_info_print_table_row(2, row, buf);
		}
		return;
	}
	snprintf(row, sizeof(row), "%sState", label);
	php_info_print_table_row(2, row, "not used yet (no counters)");
}

/* phpinfo rows of a transition's sessions (PECL's session handler with its
 * new list as save_path), when PECL's handler is wrapped. */
static void transition_sessions_info(uint32_t i, const mr_transition_t *t)
{
	char name[MR_POOL_NAME_MAX], buf[32];
	if (!mr_sess_bind_active()) {
		php_info_print_table_row(2, "Sessions", "not bound (PECL memcached registered no session handler)");
		return;
	}
	mr_sess_bind_pool_name(t, name);
	php_info_print_table_row(2, "Sessions pool", name);
	snprintf(buf, sizeof(buf), "%" PRIu64, mr_sess_bind_opens(i));
	php_info_print_table_row(2, "Sessions bound in this process (opens)", buf);
	pool_counters_info(name, "Sessions ");
}

/* phpinfo rows of each configured transition: its lists, whether plain
 * \Memcached objects are bound to it in this process, and its pool's
 * shared counters (found by the pool name). */
static void transitions_info(void)
{
	for (uint32_t i = 0; i < mr_transitions_count(); i++) {
		const mr_transition_t *t = mr_transition_at(i);
		char head[64], buf[128];
		snprintf(head, sizeof(head), "Transition %u", i + 1);
		php_info_print_table_start();
		php_info_print_table_header(2, head, t->name);
		php_info_print_table_row(2, "Entry", t->text);
		snprintf(buf, sizeof(buf), "%s (%" PRIu64 " objects now, %" PRIu64 " binds)",
			mr_bind_live(i) ? "yes" : "no", mr_bind_live(i), mr_bind_total(i));
		php_info_print_table_row(2, "Bound in this process", buf);
		pool_counters_info(t->name, "");
		transition_sessions_info(i, t);
		php_info_print_table_end();
	}
}

PHP_MINFO_FUNCTION(memrehash)
{
	php_info_print_table_start();
	php_info_print_table_header(2, "memrehash support", "enabled");
	php_info_print_table_row(2, "Version", PHP_MEMREHASH_VERSION);
	php_info_print_table_row(2, "libmemcached headers version", LIBMEMCACHED_VERSION_STRING);
	php_info_print_table_row(2, "libmemcached library version", memcached_lib_version());
	php_info_print_table_row(2, "Wire protocol", "meta (memcached >= 1.6)");
	php_info_print_table_row(2, "Counters", !mr_counters_ready() ? "unavailable"
		: mr_counters_file_backed() ? "shared, file-backed"
		: *MR_G(counters_file) ? "this process only: memrehash.counters_file could not be opened (see the startup warning)"
		: "shared (this master)");
	php_info_print_table_row(2, "Host id", mr_fleet_host_id());
	php_info_print_table_row(2, "igbinary", mr_codec_serializer_available(MR_SER_IGBINARY) ? "yes" : "no");
	php_info_print_table_row(2, "msgpack", mr_codec_serializer_available(MR_SER_MSGPACK) ? "yes" : "no");
	php_info_print_table_row(2, "Session handler", "memrehash");
	php_info_print_table_row(2, "Transitions", mr_transitions_count() ? "configured (plain \\Memcached objects bind)" : "none");
	php_info_print_table_end();
	transitions_info();
	DISPLAY_INI_ENTRIES();
}

static const zend_module_dep memrehash_deps[] = {
	ZEND_MOD_REQUIRED("session")
	ZEND_MOD_OPTIONAL("igbinary")
	ZEND_MOD_OPTIONAL("msgpack")
	ZEND_MOD_OPTIONAL("json")
	ZEND_MOD_OPTIONAL("memcached") /* loads first: MemRehash\Memcached extends its class */
	ZEND_MOD_END
};

zend_module_entry memrehash_module_entry = {
	STANDARD_MODULE_HEADER_EX, NULL,
	memrehash_deps,
	"memrehash",
	NULL,
	PHP_MINIT(memrehash),
	PHP_MSHUTDOWN(memrehash),
	NULL,
	PHP_RSHUTDOWN(memrehash),
	PHP_MINFO(memrehash),
	PHP_MEMREHASH_VERSION,
	PHP_MODULE_GLOBALS(memrehash),
	PHP_GINIT(memrehash),
	PHP_GSHUTDOWN(memrehash),
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_MEMREHASH
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(memrehash)
#endif
