/* mr_memcached: MemRehash\Memcached, a \Memcached whose every method runs
 * on a moving pool, with PECL memcached's names, parameters, return values
 * and result codes (bad input: false and a result code, not exceptions).
 *
 * The object. The class extends PECL's \Memcached, so PECL's handlers and
 * methods may meet our objects (parent::get(), Closure::bind, reflection).
 * Our create_object therefore calls PECL's own: the object has PECL's exact
 * layout with its memcached_st left NULL, so any PECL method reached on it
 * throws "Memcached constructor was not called" instead of reading memory it
 * does not own. Our state (a mr_face_t) lives in a side table indexed by the
 * object handle: one array load per call, no hashing, and nothing assumes
 * how the object was built, so a plain \Memcached could be given a face
 * later (issue 13). Our handlers are a copy of PECL's with free_obj wrapped:
 * it frees the face, then runs PECL's. clone stays PECL's (not cloneable);
 * the face holds no PHP objects except getDelayed's pending results, which
 * get_gc reports. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "ext/standard/url.h"
#include <libmemcached/memcached.h>

#include "php_memrehash.h"
#include "mr_memcached.h"
#include "migrate.h"
#include "mr_fleet.h"
#include "mr_codec.h"
#include "mr_memcached_arginfo.h"

/* PECL memcached's own option ids (php_memcached.c), not libmemcached's */
#define OPT_COMPRESSION (-1001)
#define OPT_PREFIX_KEY (-1002)
#define OPT_SERIALIZER (-1003)
#define OPT_COMPRESSION_TYPE (-1004)
#define OPT_STORE_RETRY_COUNT (-1005)
#define OPT_USER_FLAGS (-1006)
/* Memcached::SERIALIZER_* and COMPRESSION_TYPE_* */
#define SER_PHP 1
#define SER_IGBINARY 2
#define SER_JSON 3
#define SER_JSON_ARRAY 4
#define SER_MSGPACK 5
#define COMP_ZLIB 1
#define COMP_FASTLZ 2
/* what libmemcached reports as the distribution with libketama compatibility */
#define DIST_CONSISTENT_KETAMA_REPORTED 5

static zend_class_entry *pecl_ce;
static zend_class_entry *dropin_ce;
static zend_object_handlers dropin_handlers;
static bool handlers_ready;
static zend_object_free_obj_t pecl_free_obj;

/* The side table: MR_G(dropin_faces)[handle], per thread as the object
 * store is (objects are per request; handles are reused once freed, and
 * free clears the slot). */
#define faces MR_G(dropin_faces)
#define faces_cap MR_G(dropin_faces_cap)

mr_face_t *mr_memcached_face(zend_object *obj)
{
	uint32_t h = obj->handle;
	return h < faces_cap ? faces[h] : NULL;
}

/* Attaches a new face to obj. */
static mr_face_t *face_attach(zend_object *obj)
{
	uint32_t h = obj->handle;
	if (h >= faces_cap) {
		uint32_t cap = faces_cap ? faces_cap : 64;
		while (cap <= h) {
			cap *= 2;
		}
		faces = perealloc(faces, cap * sizeof(*faces), 1);
		memset(faces + faces_cap, 0, (cap - faces_cap) * sizeof(*faces));
		faces_cap = cap;
	}
	mr_face_t *f = emalloc(sizeof(*f));
	mr_face_init(f, false);
	f->codec.user_flags = 0;
	faces[h] = f;
	return f;
}

static void dropin_free(zend_object *obj)
{
	mr_memcached_detach(obj);
	pecl_free_obj(obj);
}

static HashTable *dropin_get_gc(zend_object *obj, zval **table, int *n)
{
	mr_face_t *f = mr_memcached_face(obj);
	if (f && Z_TYPE(f->delayed) == IS_ARRAY) {
		*table = &f->delayed;
		*n = 1;
	} else {
		*table = NULL;
		*n = 0;
	}
	return zend_std_get_properties(obj);
}

static zend_object *dropin_create(zend_class_entry *ce)
{
	zend_object *obj = pecl_ce->create_object(ce);
	if (!handlers_ready) {
		memcpy(&dropin_handlers, obj->handlers, sizeof(dropin_handlers));
		pecl_free_obj = obj->handlers->free_obj;
		dropin_handlers.free_obj = dropin_free;
		dropin_handlers.get_gc = dropin_get_gc;
		handlers_ready = true;
	}
	obj->handlers = &dropin_handlers;
	face_attach(obj);
	return obj;
}

/* Returns the constructed face of $this, or NULL after throwing. */
static mr_face_t *face_this(zval *this_zv)
{
	mr_face_t *f = mr_memcached_face(Z_OBJ_P(this_zv));
	if (UNEXPECTED(!f || !f->pool)) {
		zend_throw_error(NULL, "MemRehash\\Memcached constructor was not called");
		return NULL;
	}
	return f;
}

#define FACE() \
	mr_face_t *f = face_this(ZEND_THIS); \
	if (!f) RETURN_THROWS(); \
	mr_pool_t *p = f->pool; \
	(void) p

/* The same for the method bodies MemRehash shares: it passes its own
 * (constructed) face; the drop-in passes NULL. */
#define FACE_OR(face) \
	mr_face_t *f = (face) ? (face) : face_this(ZEND_THIS); \
	if (!f) RETURN_THROWS(); \
	mr_pool_t *p = f->pool; \
	(void) p

/* A bad key: strict faces have thrown, the others return false. */
#define KEY_OR_RETURN(call) \
	if (UNEXPECTED(!(call))) { \
		if (EG(exception)) RETURN_THROWS(); \
		RETURN_FALSE; \
	}

/* Runs what every data call ends with: what an earlier call left unread
 * (migrate.c), then the fleet housekeeping (mr_fleet.c), as MemRehash does. */
static inline void after_op(mr_face_t *f)
{
	mr_migrate_after_op(f->pool);
	mr_fleet_after_op(f->pool);
}

/* Records the result of a one-key call, and the server a failure was on
 * (getLastDisconnectedServer). */
static inline void item_res(mr_face_t *f, const mr_item_t *it)
{
	mr_face_set_res(f, mr_face_res(it->rc));
	if (UNEXPECTED(it->rc == MR_ERR_CONNECT || it->rc == MR_ERR_TIMEOUT || it->rc == MR_ERR_DOWN)) {
		f->last_down = (int32_t) it->n;
	}
}

/* ---- options ---- */

static bool option_warn(mr_face_t *f, const char *msg, zend_long option)
{
	php_error_docref(NULL, E_WARNING, "option " ZEND_LONG_FMT ": %s", option, msg);
	mr_face_set_res(f, MEMCACHED_INVALID_ARGUMENTS);
	return false;
}

/* Options memrehash accepts and reports but that change nothing on its
 * meta-protocol engine (socket tuning, libmemcached's failure handling:
 * memrehash marks a failed server down for retry_interval). */
static const zend_long passive_opts[] = {
	MEMCACHED_BEHAVIOR_NO_BLOCK, MEMCACHED_BEHAVIOR_TCP_NODELAY, MEMCACHED_BEHAVIOR_TCP_KEEPALIVE,
	MEMCACHED_BEHAVIOR_SOCKET_SEND_SIZE, MEMCACHED_BEHAVIOR_SOCKET_RECV_SIZE, MEMCACHED_BEHAVIOR_CACHE_LOOKUPS,
	MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, MEMCACHED_BEHAVIOR_AUTO_EJECT_HOSTS,
	MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, MEMCACHED_BEHAVIOR_DEAD_TIMEOUT, MEMCACHED_BEHAVIOR_SORT_HOSTS,
	MEMCACHED_BEHAVIOR_VERIFY_KEY, MEMCACHED_BEHAVIOR_SERVER_TIMEOUT_LIMIT, MEMCACHED_BEHAVIOR_BUFFER_REQUESTS,
	MEMCACHED_BEHAVIOR_BINARY_PROTOCOL,
};
#define N_PASSIVE (sizeof(passive_opts) / sizeof(passive_opts[0]))

/* Returns the slot of a passive option, or -1. */
static int passive_slot(zend_long option)
{
	for (size_t i = 0; i < N_PASSIVE; i++) {
		if (passive_opts[i] == option) {
			return (int) i;
		}
	}
	return -1;
}

/* The value getOption reports for a passive option never set: libmemcached's default. */
static zend_long passive_default(zend_long option)
{
	switch (option) {
		case MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT: return 5;
		case MEMCACHED_BEHAVIOR_CACHE_LOOKUPS: return 1;
		case MEMCACHED_BEHAVIOR_DEAD_TIMEOUT: return 0;
		default: return 0;
	}
}

static void get_option(mr_face_t *f, zend_long option, zval *rv);

/* Returns whether setting libmemcached behavior option to l changes what
 * getOption reports. */
static bool behavior_changes(mr_face_t *f, zend_long option, zend_long l)
{
	zval cur;
	get_option(f, option, &cur);
	return Z_TYPE(cur) != IS_LONG || Z_LVAL(cur) != l;
}

/* PECL hands a libmemcached behavior to memcached_behavior_set() only when
 * the value changes, and that call's SUCCESS becomes the result code; an
 * unchanged value leaves the code as it was. */
static void behavior_applied(mr_face_t *f, bool changed)
{
	if (changed) {
		mr_face_set_res(f, MEMCACHED_SUCCESS);
	}
}

/* Returns true after applying one Memcached::OPT_* option; false with a
 * warning and RES_INVALID_ARGUMENTS when it is unknown, badly typed, or
 * cannot apply to a two-list pool. */
static bool set_option(mr_face_t *f, zend_long option, zval *value)
{
	mr_pool_t *p = f->pool;
	zend_long l = zval_get_long(value);
	switch (option) {
		case OPT_COMPRESSION:
			/* on: with the type last set (PECL's default: fastlz) */
			f->codec.compression = !zend_is_true(value) ? MR_COMP_NONE
				: f->dropin_opts[0] == COMP_ZLIB ? MR_COMP_ZLIB : MR_COMP_FASTLZ;
			return true;
		case OPT_COMPRESSION_TYPE:
			if (l != COMP_ZLIB && l != COMP_FASTLZ) {
				return option_warn(f, "compression type must be Memcached::COMPRESSION_FASTLZ or COMPRESSION_ZLIB", option);
			}
			if (f->codec.compression != MR_COMP_NONE) {
				f->codec.compression = l == COMP_ZLIB ? MR_COMP_ZLIB : MR_COMP_FASTLZ;
			}
			f->dropin_opts[0] = l;
			return true;
		case OPT_PREFIX_KEY: {
			zend_string *s = zval_get_string(value);
			bool ok = ZSTR_LEN(s) < MR_PREFIX_MAX;
			for (size_t i = 0; ok && i < ZSTR_LEN(s); i++) {
				unsigned char c = (unsigned char) ZSTR_VAL(s)[i];
				ok = c > 0x20 && c < 0x7f;
			}
			if (ok) {
				memcpy(p->prefix, ZSTR_VAL(s), ZSTR_LEN(s));
				p->prefix_len = ZSTR_LEN(s);
			}
			zend_string_release(s);
			return ok ? true : option_warn(f, "bad key provided: the prefix must be under 128 printable bytes without spaces", option);
		}
		case OPT_SERIALIZER: {
			static const struct { zend_long id; mr_serializer_t s; } map[] = {
				{SER_PHP, MR_SER_PHP}, {SER_IGBINARY, MR_SER_IGBINARY}, {SER_JSON, MR_SER_JSON},
				{SER_JSON_ARRAY, MR_SER_JSON_ARRAY}, {SER_MSGPACK, MR_SER_MSGPACK},
			};
			for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
				if (map[i].id == l && mr_codec_serializer_available(map[i].s)) {
					f->codec.serializer = map[i].s;
					return true;
				}
			}
			php_error_docref(NULL, E_WARNING, "invalid serializer provided");
			mr_face_set_res(f, MEMCACHED_INVALID_ARGUMENTS);
			return false;
		}
		case OPT_USER_FLAGS:
			if (l < -1 || l > 65535) {
				return option_warn(f, "MEMC_OPT_USER_FLAGS must be < 65536", option);
			}
			f->codec.user_flags = l < 0 ? 0 : (uint32_t) l;
			f->dropin_opts[1] = l;
			return true;
		case OPT_STORE_RETRY_COUNT:
			f->store_retry_count = l;
			return true;
		case MEMCACHED_BEHAVIOR_HASH:
			if (l == f->hash || (l == MEMCACHED_HASH_DEFAULT && f->hash == MR_HASH_FORCE_DEFAULT)) {
				return true;
			}
			return option_warn(f, "a MemRehash\\Memcached's placement is fixed when it is built: pass Memcached::OPT_HASH in its options or use fromMemcached()", option);
		case MEMCACHED_BEHAVIOR_DISTRIBUTION:
			if ((l == MEMCACHED_DISTRIBUTION_MODULA && f->distribution == MR_DIST_MODULA)
				|| (l == MEMCACHED_DISTRIBUTION_CONSISTENT && (f->distribution == MR_DIST_CONSISTENT_PLAIN || f->distribution == MR_DIST_KETAMA))) {
				return true;
			}
			return option_warn(f, "a MemRehash\\Memcached's placement is fixed when it is built: pass Memcached::OPT_DISTRIBUTION in its options or use fromMemcached()", option);
		case MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED:
			if (zend_is_true(value) == (f->distribution == MR_DIST_KETAMA)) {
				return true;
			}
			return option_warn(f, "a MemRehash\\Memcached's placement is fixed when it is built: pass Memcached::OPT_LIBKETAMA_COMPATIBLE in its options or use fromMemcached()", option);
		case MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT:
		case MEMCACHED_BEHAVIOR_POLL_TIMEOUT:
		case MEMCACHED_BEHAVIOR_SND_TIMEOUT:
		case MEMCACHED_BEHAVIOR_RCV_TIMEOUT:
		case MEMCACHED_BEHAVIOR_RETRY_TIMEOUT: {
			if (l < 0) {
				return option_warn(f, "must not be negative", option);
			}
			bool changed = behavior_changes(f, option, l);
			mr_wire_opts_t wo = *mr_wire_opts(p->wire);
			if (option == MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT) {
				wo.connect_timeout_ms = l ? (uint32_t) l : 1;
			} else if (option == MEMCACHED_BEHAVIOR_POLL_TIMEOUT) {
				wo.timeout_ms = l ? (uint32_t) l : 1;
			} else if (option == MEMCACHED_BEHAVIOR_RETRY_TIMEOUT) {
				wo.retry_interval_ms = (uint32_t) l * 1000;
			} else {
				/* microseconds, as libmemcached takes them; one timeout
				 * bounds a whole round trip here */
				wo.timeout_ms = l >= 1000 ? (uint32_t) (l / 1000) : 1;
				f->dropin_opts[option == MEMCACHED_BEHAVIOR_SND_TIMEOUT ? 2 : 3] = l;
			}
			mr_wire_set_opts(p->wire, &wo);
			behavior_applied(f, changed);
			return true;
		}
		case MEMCACHED_BEHAVIOR_NOREPLY:
		case MEMCACHED_BEHAVIOR_USE_UDP:
		case MEMCACHED_BEHAVIOR_NUMBER_OF_REPLICAS:
		case MEMCACHED_BEHAVIOR_RANDOMIZE_REPLICA_READ:
		case MEMCACHED_BEHAVIOR_HASH_WITH_PREFIX_KEY:
		case MEMCACHED_BEHAVIOR_KETAMA_HASH:
			if (l == 0) {
				return true; /* the default: nothing to change */
			}
			return option_warn(f, "not supported by a MemRehash\\Memcached (a moving pool waits for every reply, uses TCP, keeps one copy, and places by the unprefixed key)", option);
		default: {
			int slot = passive_slot(option);
			if (slot < 0) {
				/* PECL hands an unknown id to libmemcached, which refuses it */
				php_error_docref(NULL, E_WARNING, "error setting memcached option: %s", memcached_strerror(NULL, MEMCACHED_INVALID_ARGUMENTS));
				mr_face_set_res(f, MEMCACHED_INVALID_ARGUMENTS);
				return false;
			}
			behavior_applied(f, behavior_changes(f, option, l));
			if (option == MEMCACHED_BEHAVIOR_BINARY_PROTOCOL) {
				f->binary_protocol = zend_is_true(value);
			}
			if (!f->passive) {
				f->passive = ecalloc(N_PASSIVE, sizeof(zend_long));
				for (size_t i = 0; i < N_PASSIVE; i++) {
					f->passive[i] = passive_default(passive_opts[i]);
				}
			}
			f->passive[slot] = l;
			return true;
		}
	}
}

/* Returns what getOption reports; false with a warning for an unknown id. */
static void get_option(mr_face_t *f, zend_long option, zval *rv)
{
	mr_pool_t *p = f->pool;
	const mr_wire_opts_t *wo = mr_wire_opts(p->wire);
	switch (option) {
		case OPT_COMPRESSION: ZVAL_BOOL(rv, f->codec.compression != MR_COMP_NONE); return;
		case OPT_COMPRESSION_TYPE:
			ZVAL_LONG(rv, f->codec.compression == MR_COMP_ZLIB ? COMP_ZLIB : f->codec.compression == MR_COMP_FASTLZ ? COMP_FASTLZ : (f->dropin_opts[0] ? f->dropin_opts[0] : COMP_FASTLZ));
			return;
		case OPT_PREFIX_KEY: ZVAL_STRINGL(rv, p->prefix, p->prefix_len); return;
		case OPT_SERIALIZER: {
			static const zend_long ids[] = {SER_PHP, SER_IGBINARY, SER_JSON, SER_JSON_ARRAY, SER_MSGPACK};
			ZVAL_LONG(rv, ids[f->codec.serializer]);
			return;
		}
		case OPT_USER_FLAGS: ZVAL_LONG(rv, f->dropin_opts[1]); return;
		case OPT_STORE_RETRY_COUNT: ZVAL_LONG(rv, f->store_retry_count); return;
		case MEMCACHED_BEHAVIOR_HASH:
			ZVAL_LONG(rv, f->hash == MR_HASH_FORCE_DEFAULT ? MEMCACHED_HASH_DEFAULT
				: f->distribution == MR_DIST_KETAMA && f->hash == MEMCACHED_HASH_DEFAULT ? MEMCACHED_HASH_MD5 : f->hash);
			return;
		case MEMCACHED_BEHAVIOR_DISTRIBUTION:
			ZVAL_LONG(rv, f->distribution == MR_DIST_KETAMA ? DIST_CONSISTENT_KETAMA_REPORTED
				: f->distribution == MR_DIST_CONSISTENT_PLAIN ? MEMCACHED_DISTRIBUTION_CONSISTENT : MEMCACHED_DISTRIBUTION_MODULA);
			return;
		case MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED: ZVAL_LONG(rv, f->distribution == MR_DIST_KETAMA); return;
		case MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT: ZVAL_LONG(rv, wo->connect_timeout_ms); return;
		case MEMCACHED_BEHAVIOR_POLL_TIMEOUT: ZVAL_LONG(rv, wo->timeout_ms); return;
		case MEMCACHED_BEHAVIOR_SND_TIMEOUT: ZVAL_LONG(rv, f->dropin_opts[2]); return;
		case MEMCACHED_BEHAVIOR_RCV_TIMEOUT: ZVAL_LONG(rv, f->dropin_opts[3]); return;
		case MEMCACHED_BEHAVIOR_RETRY_TIMEOUT: ZVAL_LONG(rv, wo->retry_interval_ms / 1000); return;
		case MEMCACHED_BEHAVIOR_NOREPLY: case MEMCACHED_BEHAVIOR_USE_UDP: case MEMCACHED_BEHAVIOR_NUMBER_OF_REPLICAS:
		case MEMCACHED_BEHAVIOR_RANDOMIZE_REPLICA_READ: case MEMCACHED_BEHAVIOR_HASH_WITH_PREFIX_KEY:
		case MEMCACHED_BEHAVIOR_KETAMA_HASH:
			ZVAL_LONG(rv, option == MEMCACHED_BEHAVIOR_KETAMA_HASH && f->distribution == MR_DIST_KETAMA ? MEMCACHED_HASH_MD5 : 0);
			return;
		default: {
			int slot = passive_slot(option);
			if (slot < 0) {
				option_warn(f, "unknown option", option);
				ZVAL_FALSE(rv);
				return;
			}
			ZVAL_LONG(rv, f->passive ? f->passive[slot] : passive_default(option));
			return;
		}
	}
}

/* ---- construction ---- */

/* Returns the MemRehash distribution for PECL's (distribution, libketama
 * compatible) pair. */
static zend_long dist_of(zend_long dist, bool ketama)
{
	if (ketama || dist == DIST_CONSISTENT_KETAMA_REPORTED) {
		return MR_DIST_KETAMA;
	}
	return dist == MEMCACHED_DISTRIBUTION_CONSISTENT ? MR_DIST_CONSISTENT_PLAIN : MR_DIST_MODULA;
}

/* Returns true after building f's pool: MemRehash options (string keys)
 * as MemRehash takes them, Memcached::OPT_* options (int keys) as PECL's
 * setOption takes them; the placement ones decide the new list's (and,
 * unless old_distribution/old_hash say otherwise, the old list's)
 * placement. False after throwing (construction errors are exceptions,
 * as PECL's constructor throws too). */
static bool dropin_build(mr_face_t *f, HashTable *old_ht, HashTable *new_ht, HashTable *opts)
{
	HashTable *named = zend_new_array(opts ? zend_hash_num_elements(opts) : 0);
	HashTable *later = zend_new_array(0);
	zend_long dist = MEMCACHED_DISTRIBUTION_MODULA, hash = -1;
	bool ketama = false, dist_given = false;
	zend_string *key;
	zend_ulong idx;
	zval *v;
	if (opts) {
		ZEND_HASH_FOREACH_KEY_VAL(opts, idx, key, v) {
			if (key) {
				Z_TRY_ADDREF_P(v);
				zend_hash_update(named, key, v);
			} else if ((zend_long) idx == MEMCACHED_BEHAVIOR_DISTRIBUTION) {
				dist = zval_get_long(v);
				dist_given = true;
			} else if ((zend_long) idx == MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED) {
				ketama = zend_is_true(v);
				dist_given = true;
			} else if ((zend_long) idx == MEMCACHED_BEHAVIOR_HASH) {
				hash = zval_get_long(v);
			} else {
				Z_TRY_ADDREF_P(v);
				zend_hash_index_update(later, idx, v);
			}
		} ZEND_HASH_FOREACH_END();
	}
	zval zv;
	if (dist_given && !zend_hash_str_exists(named, ZEND_STRL("distribution"))) {
		ZVAL_LONG(&zv, dist_of(dist, ketama));
		zend_hash_str_update(named, ZEND_STRL("distribution"), &zv);
	}
	if (hash >= 0 && !zend_hash_str_exists(named, ZEND_STRL("hash"))) {
		/* a default hash set explicitly undoes libketama's implied MD5 */
		ZVAL_LONG(&zv, hash == MEMCACHED_HASH_DEFAULT && dist_of(dist, ketama) == MR_DIST_KETAMA ? MR_HASH_FORCE_DEFAULT : hash);
		zend_hash_str_update(named, ZEND_STRL("hash"), &zv);
	}
	bool ok = mr_face_module.build(f, old_ht, new_ht, named);
	zend_array_destroy(named);
	if (ok) {
		f->codec.user_flags = 0;
		f->dropin_opts[1] = -1;
		ZEND_HASH_FOREACH_NUM_KEY_VAL(later, idx, v) {
			if (!set_option(f, (zend_long) idx, v)) {
				zend_throw_exception_ex(mr_face_module.exception_ce, 0, "option " ZEND_LONG_FMT " cannot be applied", (zend_long) idx);
				ok = false;
				break;
			}
		} ZEND_HASH_FOREACH_END();
	}
	zend_array_destroy(later);
	return ok;
}

PHP_METHOD(MemRehash_Memcached, __construct)
{
	HashTable *old_ht, *new_ht, *opts = NULL;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_ARRAY_HT(old_ht)
		Z_PARAM_ARRAY_HT(new_ht)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();
	mr_face_t *f = mr_memcached_face(Z_OBJ_P(ZEND_THIS));
	if (!f) {
		zend_throw_error(NULL, "MemRehash\\Memcached has no engine state");
		RETURN_THROWS();
	}
	dropin_build(f, old_ht, new_ht, opts);
}

/* Calls $obj->$name() on a \Memcached and returns its result in rv. */
static void call0(zend_object *obj, const char *name, zval *rv)
{
	zend_call_method(obj, obj->ce, NULL, name, strlen(name), rv, 0, NULL, NULL);
}

/* Returns $configured->getOption($opt) in rv. */
static void call_get_option(zend_object *obj, zend_long opt, zval *rv)
{
	zval arg;
	ZVAL_LONG(&arg, opt);
	zend_call_method(obj, obj->ce, NULL, "getoption", sizeof("getoption") - 1, rv, 1, &arg, NULL);
}

/* Returns true with new_list set to src's servers as [host, port, weight]
 * and *all to opts plus src's placement, value format and timeouts (the
 * caller's opts win); false after an exception from src's methods. */
static bool pecl_config(zend_object *src, HashTable *opts, zval *new_list, HashTable **all_out)
{
	/* the new list: the configured object's servers, as [host, port, weight] */
	zval list;
	call0(src, "getserverlist", &list);
	if (EG(exception)) return false;
	array_init(new_list);
	if (Z_TYPE(list) == IS_ARRAY) {
		zval *s;
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(list), s) {
			zval *h = Z_TYPE_P(s) == IS_ARRAY ? zend_hash_str_find(Z_ARRVAL_P(s), ZEND_STRL("host")) : NULL;
			zval *port = Z_TYPE_P(s) == IS_ARRAY ? zend_hash_str_find(Z_ARRVAL_P(s), ZEND_STRL("port")) : NULL;
			if (h && port) {
				zval e;
				array_init_size(&e, 3);
				Z_TRY_ADDREF_P(h);
				add_next_index_zval(&e, h);
				add_next_index_long(&e, zval_get_long(port));
				add_next_index_long(&e, 0);
				add_next_index_zval(new_list, &e);
			}
		} ZEND_HASH_FOREACH_END();
	}
	zval_ptr_dtor(&list);

	/* placement and value format, copied; the caller's options win */
	HashTable *all = opts ? zend_array_dup(opts) : zend_new_array(8);
	static const zend_long copied[] = {
		MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED, MEMCACHED_BEHAVIOR_HASH,
		OPT_PREFIX_KEY, OPT_SERIALIZER, OPT_COMPRESSION, OPT_COMPRESSION_TYPE,
		MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT,
	};
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		zval val;
		call_get_option(src, copied[i], &val);
		if (EG(exception)) {
			zend_array_destroy(all);
			zval_ptr_dtor(new_list);
			return false;
		}
		if (!zend_hash_index_exists(all, (zend_ulong) copied[i])) {
			zend_hash_index_update(all, (zend_ulong) copied[i], &val);
		} else {
			zval_ptr_dtor(&val);
		}
	}
	/* the hash only counts when it was chosen; with libketama
	 * compatibility libmemcached reports MD5, which it implies */
	zval *d = zend_hash_index_find(all, MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED);
	zval *hz = zend_hash_index_find(all, MEMCACHED_BEHAVIOR_HASH);
	if (d && zend_is_true(d) && hz && zval_get_long(hz) == MEMCACHED_HASH_MD5
		&& !(opts && zend_hash_index_exists(opts, MEMCACHED_BEHAVIOR_HASH))) {
		zend_hash_index_del(all, MEMCACHED_BEHAVIOR_HASH);
	}
	*all_out = all;
	return true;
}

PHP_METHOD(MemRehash_Memcached, fromMemcached)
{
	zend_object *src;
	HashTable *old_ht, *opts = NULL, *all;
	zval new_list;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_OBJ_OF_CLASS(src, pecl_ce)
		Z_PARAM_ARRAY_HT(old_ht)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();
	if (!pecl_config(src, opts, &new_list, &all)) {
		RETURN_THROWS();
	}
	object_init_ex(return_value, dropin_ce);
	mr_face_t *f = mr_memcached_face(Z_OBJ_P(return_value));
	bool ok = dropin_build(f, old_ht, Z_ARRVAL(new_list), all);
	zend_array_destroy(all);
	zval_ptr_dtor(&new_list);
	if (!ok) {
		zval_ptr_dtor(return_value);
		ZVAL_NULL(return_value);
		RETURN_THROWS();
	}
}

bool mr_memcached_attach(zend_object *obj, HashTable *old_ht, HashTable *opts)
{
	HashTable *all;
	zval new_list;
	if (!pecl_config(obj, opts, &new_list, &all)) {
		return false;
	}
	mr_face_t *f = face_attach(obj);
	bool ok = dropin_build(f, old_ht, Z_ARRVAL(new_list), all);
	zend_array_destroy(all);
	zval_ptr_dtor(&new_list);
	if (!ok) {
		mr_memcached_detach(obj);
	}
	return ok;
}

void mr_memcached_detach(zend_object *obj)
{
	mr_face_t *f = mr_memcached_face(obj);
	if (f) {
		faces[obj->handle] = NULL;
		mr_face_release(f);
		efree(f);
	}
}

zend_function *mr_memcached_method(const char *lcname, size_t len)
{
	return dropin_ce ? zend_hash_str_find_ptr(&dropin_ce->function_table, lcname, len) : NULL;
}

zend_class_entry *mr_memcached_pecl_ce(void)
{
	return pecl_ce;
}

/* ---- reads ---- */

/* Sets rv to the value of a found item, or its GET_EXTENDED array.
 * Returns false when the value cannot be decoded. */
static bool item_value(mr_face_t *f, const mr_item_t *it, bool extended, zval *rv)
{
	zval v;
	if (!mr_face_decode(f, it, &v)) {
		return false;
	}
	if (!extended) {
		ZVAL_COPY_VALUE(rv, &v);
		return true;
	}
	array_init_size(rv, 3);
	add_assoc_zval(rv, "value", &v);
	if (it->out_cas >= (uint64_t) ZEND_LONG_MAX) {
		add_assoc_str(rv, "cas", strpprintf(0, "%" PRIu64, it->out_cas));
	} else {
		add_assoc_long(rv, "cas", (zend_long) it->out_cas);
	}
	add_assoc_long(rv, "flags", (zend_long) (it->vflags >> MR_VAL_USER_SHIFT));
	return true;
}

/* Stores one value at a key (set, add, replace), as the methods do. Returns
 * true when stored; the result code is set. */
static bool store_value(mr_face_t *f, zend_string *server_key, zend_string *key, zval *value, zend_long ttl, char mode)
{
	mr_pool_t *p = f->pool;
	mr_item_t *it = mr_face_items(p, 1);
	if (!mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), server_key, 2, it)) {
		return false;
	}
	size_t off;
	mr_face_ebuf_reset(f);
	if (!mr_face_encode(f, value, &off, &it->dlen, &it->flags)) {
		return false;
	}
	it->data = mr_face_ebuf(f) + off;
	if (mode == MR_MODE_ADD) {
		mr_migrate_add(p, it, ttl);
	} else if (mode == MR_MODE_REPLACE) {
		/* a key still at O exists: it is moved, then replaced at N */
		mr_migrate_write_existing(p, it, MR_MODE_REPLACE, ttl, 0);
	} else {
		mr_migrate_store(p, it, 1, mode, ttl);
	}
	item_res(f, it);
	return it->rc == MR_OK;
}

/* The read-through callback of get(): cb($this, $key, &$value[, &$expiration]).
 * Returns true (value in rv, stored with a set) when it returned true. */
static bool read_through(mr_face_t *f, zval *this_zv, zend_fcall_info *fci, zend_fcall_info_cache *fcc,
	bool extended, zend_string *server_key, zend_string *key, zval *rv)
{
	zval params[4], retval;
	bool stored = false;
	ZVAL_COPY(&params[0], this_zv);
	ZVAL_STR_COPY(&params[1], key);
	ZVAL_NEW_EMPTY_REF(&params[2]);
	ZVAL_NULL(Z_REFVAL(params[2]));
	fci->param_count = 3;
	if (!extended) {
		ZVAL_NEW_EMPTY_REF(&params[3]);
		ZVAL_NULL(Z_REFVAL(params[3]));
		fci->param_count = 4;
	}
	fci->retval = &retval;
	fci->params = params;
	if (zend_call_function(fci, fcc) == SUCCESS && !EG(exception)) {
		if (zend_is_true(&retval)) {
			zval *val = Z_REFVAL(params[2]);
			if (extended) {
				/* as PECL: the callback gives ['value' => ..., 'cas' => expiration] */
				zval *inner = Z_TYPE_P(val) == IS_ARRAY ? zend_hash_str_find(Z_ARRVAL_P(val), ZEND_STRL("value")) : NULL;
				if (inner) {
					zval *exp = zend_hash_str_find(Z_ARRVAL_P(val), ZEND_STRL("cas"));
					stored = store_value(f, server_key, key, inner, exp ? zval_get_long(exp) : 0, MR_MODE_SET);
					ZVAL_COPY(rv, val);
				}
			} else {
				stored = store_value(f, server_key, key, val, zval_get_long(Z_REFVAL(params[3])), MR_MODE_SET);
				ZVAL_COPY(rv, val);
			}
			if (!stored && Z_TYPE_P(rv) != IS_UNDEF) {
				zval_ptr_dtor(rv);
				ZVAL_UNDEF(rv);
			}
		}
	} else if (!EG(exception)) {
		php_error_docref(NULL, E_WARNING, "could not invoke cache callback");
	}
	zval_ptr_dtor(&retval);
	for (uint32_t i = 0; i < fci->param_count; i++) {
		zval_ptr_dtor(&params[i]);
	}
	return stored;
}

/* Drops getDelayed's results not fetched yet, as libmemcached's mget (under
 * PECL's get, getMulti, getDelayed) reads and discards every pending reply
 * first. MemRehash keeps them: its results are not replies on the wire. */
static inline void delayed_drop(mr_face_t *f)
{
	if (UNEXPECTED(Z_TYPE(f->delayed) != IS_UNDEF) && !f->strict) {
		zval_ptr_dtor(&f->delayed);
		ZVAL_UNDEF(&f->delayed);
	}
}

static void get_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face, bool by_key)
{
	zend_string *server_key = NULL, *key;
	zend_fcall_info fci = empty_fcall_info;
	zend_fcall_info_cache fcc = empty_fcall_info_cache;
	zend_long flags = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(2, 4)
			Z_PARAM_STR(server_key)
			Z_PARAM_STR(key)
			Z_PARAM_OPTIONAL
			Z_PARAM_FUNC_OR_NULL(fci, fcc)
			Z_PARAM_LONG(flags)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(1, 3)
			Z_PARAM_STR(key)
			Z_PARAM_OPTIONAL
			Z_PARAM_FUNC_OR_NULL(fci, fcc)
			Z_PARAM_LONG(flags)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE_OR(face);
	mr_item_t *it = mr_face_items(p, 1);
	KEY_OR_RETURN(mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), server_key, 1, it));
	delayed_drop(f);
	bool extended = (flags & MR_GET_EXTENDED) != 0;
	it->want_cas = extended;
	mr_migrate_get(p, it, 1);
	item_res(f, it);
	if (EXPECTED(it->rc == MR_OK)) {
		if (!item_value(f, it, extended, return_value)) {
			RETVAL_FALSE;
		}
	} else if (it->rc == MR_MISS && ZEND_FCI_INITIALIZED(fci)) {
		ZVAL_UNDEF(return_value);
		if (!read_through(f, ZEND_THIS, &fci, &fcc, extended, server_key, key, return_value)) {
			if (Z_TYPE_P(return_value) != IS_UNDEF) {
				zval_ptr_dtor(return_value);
			}
			if (f->rescode == MEMCACHED_SUCCESS) {
				mr_face_set_res(f, MEMCACHED_NOTFOUND);
			}
			RETVAL_FALSE;
		}
	} else {
		RETVAL_FALSE;
	}
	after_op(f);
}

PHP_METHOD(MemRehash_Memcached, get) { get_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false); }
PHP_METHOD(MemRehash_Memcached, getByKey) { get_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true); }

/* The distinct keys of a multi-key call, checked and placed. */
typedef struct {
	HashTable seen;            /* key => index into items (keeps the strings alive) */
	mr_item_t *items;
	uint32_t n;
	uint32_t bad;              /* keys refused (not sent) */
} keys_t;

/* Fills k from an array of keys (values). Keys PECL's own check refuses
 * are left out (bad counts them). With order, rv gets a null per key first.
 * Returns true; false after throwing (a strict face: a key that is not a
 * string or int, or a bad key; all are checked before anything is sent),
 * k->seen destroyed then. */
static bool keys_collect(mr_face_t *f, HashTable *in, zend_string *server_key, zval *order_rv, keys_t *k)
{
	mr_pool_t *p = f->pool;
	uint32_t cap = zend_hash_num_elements(in);
	zend_hash_init(&k->seen, cap, NULL, NULL, 0);
	k->n = 0;
	k->bad = 0;
	zval *zk;
	ZEND_HASH_FOREACH_VAL(in, zk) {
		if (f->strict && Z_TYPE_P(zk) != IS_STRING && Z_TYPE_P(zk) != IS_LONG
			&& !(Z_ISREF_P(zk) && (Z_TYPE_P(Z_REFVAL_P(zk)) == IS_STRING || Z_TYPE_P(Z_REFVAL_P(zk)) == IS_LONG))) {
			zend_argument_type_error(1, "must contain only string or int keys, %s given", zend_zval_type_name(zk));
			zend_hash_destroy(&k->seen);
			return false;
		}
		zend_string *s = mr_face_key_string(zk);
		if (order_rv) {
			zval nul;
			ZVAL_NULL(&nul);
			zend_symtable_update(Z_ARRVAL_P(order_rv), s, &nul);
		}
		zval idx;
		ZVAL_LONG(&idx, -1);
		zend_hash_add(&k->seen, s, &idx); /* a repeated key keeps its first place */
		zend_string_release(s);
	} ZEND_HASH_FOREACH_END();
	/* the items point into the table's keys, which live as long as it */
	k->items = mr_face_items(p, zend_hash_num_elements(&k->seen) ? zend_hash_num_elements(&k->seen) : 1);
	zend_string *ks;
	zval *iv;
	uint32_t i = 0;
	ZEND_HASH_FOREACH_STR_KEY_VAL(&k->seen, ks, iv) {
		int saved = f->rescode;
		if (mr_face_key_multi(f, ZSTR_VAL(ks), ZSTR_LEN(ks), server_key, &k->items[i])) {
			ZVAL_LONG(iv, i);
			i++;
		} else if (EG(exception)) {
			zend_hash_destroy(&k->seen);
			return false;
		} else {
			ZVAL_LONG(iv, -1);
			k->bad++;
		}
		f->rescode = saved;
	} ZEND_HASH_FOREACH_END();
	k->n = i;
	return true;
}

static void get_multi_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face, bool by_key)
{
	zend_string *server_key = NULL;
	HashTable *keys;
	zend_long flags = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(2, 3)
			Z_PARAM_STR(server_key)
			Z_PARAM_ARRAY_HT(keys)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(flags)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(1, 2)
			Z_PARAM_ARRAY_HT(keys)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(flags)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE_OR(face);
	if (server_key && ZSTR_LEN(server_key) == 0 && !f->strict) {
		/* libmemcached's mget_by_key ignores an empty server key */
		server_key = NULL;
	}
	array_init(return_value);
	if (zend_hash_num_elements(keys) == 0) {
		/* PECL: NOTFOUND; MemRehash: nothing asked, nothing wrong */
		mr_face_set_res(f, f->strict ? MEMCACHED_SUCCESS : MEMCACHED_NOTFOUND);
		return;
	}
	bool extended = (flags & MR_GET_EXTENDED) != 0;
	keys_t k;
	if (!keys_collect(f, keys, server_key, (flags & MR_GET_PRESERVE_ORDER) ? return_value : NULL, &k)) {
		zval_ptr_dtor(return_value);
		ZVAL_NULL(return_value);
		RETURN_THROWS();
	}
	if (k.n) {
		delayed_drop(f);
	}
	for (uint32_t i = 0; i < k.n; i++) {
		k.items[i].want_cas = extended;
	}
	uint32_t errors = k.n ? mr_migrate_get(p, k.items, k.n) : 0;
	uint32_t found = 0, undecodable = 0;
	zend_string *ks;
	zval *iv;
	ZEND_HASH_FOREACH_STR_KEY_VAL(&k.seen, ks, iv) {
		if (Z_LVAL_P(iv) < 0) {
			continue;
		}
		mr_item_t *it = &k.items[Z_LVAL_P(iv)];
		if (it->rc == MR_OK) {
			zval v;
			if (item_value(f, it, extended, &v)) {
				zend_symtable_update(Z_ARRVAL_P(return_value), ks, &v);
				found++;
			} else {
				undecodable++;
			}
		}
	} ZEND_HASH_FOREACH_END();
	mr_rc_t first_rc = k.n ? k.items[0].rc : MR_MISS;
	zend_hash_destroy(&k.seen);
	if (k.n > 0 && errors == k.n) {
		mr_face_set_res(f, mr_face_res(first_rc));
		zval_ptr_dtor(return_value);
		RETVAL_FALSE;
	} else if (errors || (undecodable && !f->strict)) {
		mr_face_set_res(f, MEMCACHED_SOME_ERRORS);
	} else if (f->strict) {
		/* MemRehash: a miss is no error; an undecodable value is reported as such */
		mr_face_set_res(f, undecodable ? MR_RES_PAYLOAD_FAILURE : MEMCACHED_SUCCESS);
	} else {
		mr_face_set_res(f, found ? MEMCACHED_SUCCESS : MEMCACHED_NOTFOUND);
	}
	after_op(f);
}

PHP_METHOD(MemRehash_Memcached, getMulti) { get_multi_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false); }
PHP_METHOD(MemRehash_Memcached, getMultiByKey) { get_multi_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true); }

/* A getDelayed result, as fetch() returns it: key, value, and with CAS
 * asked for, cas and flags. */
static void delayed_entry(mr_face_t *f, zend_string *key, const mr_item_t *it, bool with_cas, zval *out)
{
	zval v;
	array_init(out);
	add_assoc_str(out, "key", zend_string_copy(key));
	if (!mr_face_decode(f, it, &v)) {
		ZVAL_FALSE(&v);
	}
	add_assoc_zval(out, "value", &v);
	if (with_cas && it->out_cas) {
		add_assoc_long(out, "cas", (zend_long) it->out_cas);
		add_assoc_long(out, "flags", (zend_long) (it->vflags >> MR_VAL_USER_SHIFT));
	}
}

/* getDelayed runs the multi-get at once (the engine is synchronous and
 * moves keys as it reads) and keeps the results for fetch()/fetchAll(),
 * or hands each to the callback. */
static void get_delayed_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face, bool by_key)
{
	zend_string *server_key = NULL;
	HashTable *keys;
	bool with_cas = false;
	zend_fcall_info fci = empty_fcall_info;
	zend_fcall_info_cache fcc = empty_fcall_info_cache;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(2, 4)
			Z_PARAM_STR(server_key)
			Z_PARAM_ARRAY_HT(keys)
			Z_PARAM_OPTIONAL
			Z_PARAM_BOOL(with_cas)
			Z_PARAM_FUNC_OR_NULL(fci, fcc)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(1, 3)
			Z_PARAM_ARRAY_HT(keys)
			Z_PARAM_OPTIONAL
			Z_PARAM_BOOL(with_cas)
			Z_PARAM_FUNC_OR_NULL(fci, fcc)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE_OR(face);
	if (server_key && ZSTR_LEN(server_key) == 0 && !f->strict) {
		/* libmemcached's mget_by_key ignores an empty server key: each key
		 * goes where it hashes */
		server_key = NULL;
	}
	zval_ptr_dtor(&f->delayed);
	array_init(&f->delayed);
	f->delayed_pos = 0;
	keys_t k;
	if (!keys_collect(f, keys, server_key, NULL, &k)) {
		RETURN_THROWS();
	}
	for (uint32_t i = 0; i < k.n; i++) {
		k.items[i].want_cas = with_cas;
	}
	uint32_t errors = k.n ? mr_migrate_get(p, k.items, k.n) : 0;
	/* one result per key asked for, repeats included: PECL sends a repeated
	 * key again and the server answers each */
	zval *zk;
	ZEND_HASH_FOREACH_VAL(keys, zk) {
		zend_string *ks = mr_face_key_string(zk);
		zval *iv = zend_hash_find(&k.seen, ks);
		if (iv && Z_LVAL_P(iv) >= 0 && k.items[Z_LVAL_P(iv)].rc == MR_OK) {
			zval e;
			delayed_entry(f, ks, &k.items[Z_LVAL_P(iv)], with_cas, &e);
			add_next_index_zval(&f->delayed, &e);
		}
		zend_string_release(ks);
	} ZEND_HASH_FOREACH_END();
	mr_rc_t first_rc = k.n ? k.items[0].rc : MR_MISS;
	zend_hash_destroy(&k.seen);
	bool ok = !(k.n > 0 && errors == k.n);
	int code = ok ? MEMCACHED_SUCCESS : mr_face_res(first_rc);
	if (k.n == 0) {
		/* PECL: no key it could send (none, or all empty or too long) */
		ok = false;
		code = MEMCACHED_BAD_KEY_PROVIDED;
	} else if (ok && ZEND_FCI_INITIALIZED(fci) && zend_hash_num_elements(Z_ARRVAL(f->delayed)) == 0) {
		/* PECL's callback loop ends on libmemcached's NOTFOUND when nothing came */
		ok = false;
		code = MEMCACHED_NOTFOUND;
	}
	mr_face_set_res(f, code);
	if (ok && ZEND_FCI_INITIALIZED(fci)) {
		zval *e;
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(f->delayed), e) {
			zval params[2], retval;
			ZVAL_COPY(&params[0], ZEND_THIS);
			ZVAL_COPY(&params[1], e);
			fci.params = params;
			fci.param_count = 2;
			fci.retval = &retval;
			bool called = zend_call_function(&fci, &fcc) == SUCCESS;
			zval_ptr_dtor(&retval);
			zval_ptr_dtor(&params[0]);
			zval_ptr_dtor(&params[1]);
			if (!called || EG(exception)) {
				break;
			}
		} ZEND_HASH_FOREACH_END();
		zval_ptr_dtor(&f->delayed);
		ZVAL_UNDEF(&f->delayed);
	}
	after_op(f);
	RETURN_BOOL(ok);
}

PHP_METHOD(MemRehash_Memcached, getDelayed) { get_delayed_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false); }
PHP_METHOD(MemRehash_Memcached, getDelayedByKey) { get_delayed_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true); }

static void fetch_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE_OR(face);
	zval *e = Z_TYPE(f->delayed) == IS_ARRAY ? zend_hash_index_find(Z_ARRVAL(f->delayed), f->delayed_pos) : NULL;
	if (!e) {
		zval_ptr_dtor(&f->delayed);
		ZVAL_UNDEF(&f->delayed);
		mr_face_set_res(f, MEMCACHED_NOTFOUND);
		RETURN_FALSE;
	}
	f->delayed_pos++;
	mr_face_set_res(f, MEMCACHED_SUCCESS);
	RETURN_COPY(e);
}

PHP_METHOD(MemRehash_Memcached, fetch) { fetch_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL); }

static void fetch_all_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE_OR(face);
	if (Z_TYPE(f->delayed) != IS_ARRAY || f->delayed_pos >= zend_hash_num_elements(Z_ARRVAL(f->delayed))) {
		/* nothing (left) to fetch: libmemcached's NOTFOUND, as PECL reports it */
		zval_ptr_dtor(&f->delayed);
		ZVAL_UNDEF(&f->delayed);
		mr_face_set_res(f, MEMCACHED_NOTFOUND);
		RETURN_FALSE;
	}
	array_init(return_value);
	zval *e;
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(f->delayed), e) {
		if (f->delayed_pos > 0) {
			f->delayed_pos--;
			continue;
		}
		Z_TRY_ADDREF_P(e);
		add_next_index_zval(return_value, e);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&f->delayed);
	ZVAL_UNDEF(&f->delayed);
	mr_face_set_res(f, MEMCACHED_SUCCESS);
}

PHP_METHOD(MemRehash_Memcached, fetchAll) { fetch_all_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL); }

/* ---- writes ---- */

static void store_impl(INTERNAL_FUNCTION_PARAMETERS, bool by_key, char mode)
{
	zend_string *server_key = NULL, *key;
	zval *value;
	zend_long ttl = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(3, 4)
			Z_PARAM_STR(server_key)
			Z_PARAM_STR(key)
			Z_PARAM_ZVAL(value)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(ttl)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(2, 3)
			Z_PARAM_STR(key)
			Z_PARAM_ZVAL(value)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(ttl)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE();
	bool ok = store_value(f, server_key, key, value, ttl, mode);
	if (EG(exception)) RETURN_THROWS();
	after_op(f);
	RETURN_BOOL(ok);
}

PHP_METHOD(MemRehash_Memcached, set) { store_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, false, MR_MODE_SET); }
PHP_METHOD(MemRehash_Memcached, setByKey) { store_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, true, MR_MODE_SET); }
PHP_METHOD(MemRehash_Memcached, add) { store_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, false, MR_MODE_ADD); }
PHP_METHOD(MemRehash_Memcached, addByKey) { store_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, true, MR_MODE_ADD); }
PHP_METHOD(MemRehash_Memcached, replace) { store_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, false, MR_MODE_REPLACE); }
PHP_METHOD(MemRehash_Memcached, replaceByKey) { store_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, true, MR_MODE_REPLACE); }

static void set_multi_impl(INTERNAL_FUNCTION_PARAMETERS, bool by_key)
{
	zend_string *server_key = NULL;
	HashTable *entries;
	zend_long ttl = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(2, 3)
			Z_PARAM_STR(server_key)
			Z_PARAM_ARRAY_HT(entries)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(ttl)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(1, 2)
			Z_PARAM_ARRAY_HT(entries)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(ttl)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE();
	uint32_t n = zend_hash_num_elements(entries), i = 0;
	mr_face_set_res(f, MEMCACHED_SUCCESS);
	if (n == 0) {
		RETURN_TRUE;
	}
	mr_item_t *items = mr_face_items(p, n);
	zend_string **keys = safe_emalloc(n, sizeof(zend_string *), 0);
	size_t *offs = safe_emalloc(n, sizeof(size_t), 0);
	int last_bad = MEMCACHED_SUCCESS;
	zend_string *skey;
	zend_ulong ikey;
	zval *v;
	mr_face_ebuf_reset(f);
	mr_face_ebuf_reserve(f, entries);
	ZEND_HASH_FOREACH_KEY_VAL(entries, ikey, skey, v) {
		zend_string *k = skey ? zend_string_copy(skey) : zend_long_to_str((zend_long) ikey);
		/* as PECL: a key that cannot be written fails alone, the others go on */
		if (!mr_face_key_multi(f, ZSTR_VAL(k), ZSTR_LEN(k), server_key, &items[i])
			|| !mr_face_encode(f, v, &offs[i], &items[i].dlen, &items[i].flags)) {
			zend_string_release(k);
			if (EG(exception)) {
				break;
			}
			last_bad = f->rescode;
			continue;
		}
		last_bad = MEMCACHED_SUCCESS;
		keys[i++] = k;
	} ZEND_HASH_FOREACH_END();
	uint32_t errors = 0;
	if (!EG(exception) && i > 0) {
		for (uint32_t j = 0; j < i; j++) {
			items[j].data = mr_face_ebuf(f) + offs[j];
		}
		errors = mr_migrate_store(p, items, i, MR_MODE_SET, ttl);
	}
	/* PECL writes entry by entry and keeps only the last one's outcome: the
	 * return value and the result code are the last entry's (last_bad when
	 * that one could not be sent) */
	(void) errors;
	int code = last_bad;
	if (code == MEMCACHED_SUCCESS && i > 0) {
		code = mr_face_res(items[i - 1].rc);
	}
	for (uint32_t j = 0; j < i; j++) {
		zend_string_release(keys[j]);
	}
	efree(keys);
	efree(offs);
	if (EG(exception)) RETURN_THROWS();
	mr_face_set_res(f, code);
	after_op(f);
	RETURN_BOOL(code == MEMCACHED_SUCCESS);
}

PHP_METHOD(MemRehash_Memcached, setMulti) { set_multi_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, false); }
PHP_METHOD(MemRehash_Memcached, setMultiByKey) { set_multi_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, true); }

/* Returns a CAS token as PECL reads one (int, float or decimal string). */
static uint64_t cas_token(zval *z, bool *ok)
{
	*ok = true;
	switch (Z_TYPE_P(z)) {
		case IS_LONG: return (uint64_t) Z_LVAL_P(z);
		case IS_DOUBLE: return Z_DVAL_P(z) < 0.0 ? 0 : (uint64_t) Z_DVAL_P(z);
		case IS_STRING: {
			char *end;
			errno = 0;
			uint64_t v = (uint64_t) strtoull(Z_STRVAL_P(z), &end, 0);
			if (*end || errno) {
				*ok = false;
				return 0;
			}
			return v;
		}
		default: return 0;
	}
}

static void cas_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face, bool by_key)
{
	zval *token, *value;
	zend_string *server_key = NULL, *key;
	zend_long ttl = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(4, 5)
			Z_PARAM_ZVAL(token)
			Z_PARAM_STR(server_key)
			Z_PARAM_STR(key)
			Z_PARAM_ZVAL(value)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(ttl)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(3, 4)
			Z_PARAM_ZVAL(token)
			Z_PARAM_STR(key)
			Z_PARAM_ZVAL(value)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(ttl)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE_OR(face);
	mr_item_t *it = mr_face_items(p, 1);
	KEY_OR_RETURN(mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), server_key, 2, it));
	bool tok_ok;
	uint64_t cas = cas_token(token, &tok_ok);
	if (!tok_ok) {
		if (f->strict) {
			zend_argument_value_error(1, "must be a CAS token (an int or a decimal string)");
			RETURN_THROWS();
		}
		php_error_docref(NULL, E_WARNING, "Failed to unmarshall cas token");
		mr_face_set_res(f, MEMCACHED_INVALID_ARGUMENTS);
		RETURN_FALSE;
	}
	size_t off;
	mr_face_ebuf_reset(f);
	if (!mr_face_encode(f, value, &off, &it->dlen, &it->flags)) {
		if (EG(exception)) RETURN_THROWS();
		RETURN_FALSE;
	}
	it->data = mr_face_ebuf(f) + off;
	if (cas == 0) {
		/* no item has CAS 0: EXISTS where the key lives, else NOTFOUND */
		mr_migrate_get(p, it, 1);
		mr_face_set_res(f, it->rc == MR_OK ? MEMCACHED_DATA_EXISTS : mr_face_res(it->rc));
		after_op(f);
		RETURN_FALSE;
	}
	mr_migrate_write_existing(p, it, MR_MODE_SET, ttl, cas);
	item_res(f, it);
	after_op(f);
	RETURN_BOOL(it->rc == MR_OK);
}

PHP_METHOD(MemRehash_Memcached, cas) { cas_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false); }
PHP_METHOD(MemRehash_Memcached, casByKey) { cas_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true); }

static void concat_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face, bool by_key, char mode)
{
	zend_string *server_key = NULL, *key, *value;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(3, 3)
			Z_PARAM_STR(server_key)
			Z_PARAM_STR(key)
			Z_PARAM_STR(value)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(2, 2)
			Z_PARAM_STR(key)
			Z_PARAM_STR(value)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE_OR(face);
	mr_item_t *it = mr_face_items(p, 1);
	KEY_OR_RETURN(mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), server_key, 1, it));
	if (f->codec.compression != MR_COMP_NONE) {
		/* as PECL: the bytes would be appended to a compressed payload */
		if (f->strict) {
			zend_throw_exception_ex(mr_face_module.exception_ce, 0, "cannot append or prepend with compression on (option \"compression\" => false)");
			RETURN_THROWS();
		}
		php_error_docref(NULL, E_WARNING, "cannot append/prepend with compression turned on");
		RETURN_NULL();
	}
	it->data = ZSTR_VAL(value);
	it->dlen = ZSTR_LEN(value);
	it->flags = 0;
	mr_migrate_write_existing(p, it, mode, 0, 0);
	item_res(f, it);
	after_op(f);
	RETURN_BOOL(it->rc == MR_OK);
}

PHP_METHOD(MemRehash_Memcached, append) { concat_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false, MR_MODE_APPEND); }
PHP_METHOD(MemRehash_Memcached, appendByKey) { concat_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true, MR_MODE_APPEND); }
PHP_METHOD(MemRehash_Memcached, prepend) { concat_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false, MR_MODE_PREPEND); }
PHP_METHOD(MemRehash_Memcached, prependByKey) { concat_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true, MR_MODE_PREPEND); }

static void delete_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face, bool by_key)
{
	zend_string *server_key = NULL, *key;
	zend_long time = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(2, 3)
			Z_PARAM_STR(server_key)
			Z_PARAM_STR(key)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(time)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(1, 2)
			Z_PARAM_STR(key)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(time)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE_OR(face);
	mr_item_t *it = mr_face_items(p, 1);
	KEY_OR_RETURN(mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), server_key, 1, it));
	if (time != 0) {
		/* libmemcached refuses a delete with a hold time (memcached >= 1.4 dropped it) */
		if (f->strict) {
			zend_argument_value_error(by_key ? 3 : 2, "must be 0: memcached has no delete hold time");
			RETURN_THROWS();
		}
		mr_face_set_res(f, MEMCACHED_INVALID_ARGUMENTS);
		RETURN_FALSE;
	}
	mr_migrate_delete(p, it, 1);
	item_res(f, it);
	after_op(f);
	RETURN_BOOL(it->rc == MR_OK);
}

PHP_METHOD(MemRehash_Memcached, delete) { delete_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false); }
PHP_METHOD(MemRehash_Memcached, deleteByKey) { delete_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true); }

static void delete_multi_impl(INTERNAL_FUNCTION_PARAMETERS, bool by_key)
{
	zend_string *server_key = NULL;
	HashTable *keys;
	zend_long time = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(2, 3)
			Z_PARAM_STR(server_key)
			Z_PARAM_ARRAY_HT(keys)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(time)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(1, 2)
			Z_PARAM_ARRAY_HT(keys)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(time)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE();
	array_init(return_value);
	keys_t k;
	if (!keys_collect(f, keys, server_key, NULL, &k)) {
		zval_ptr_dtor(return_value);
		ZVAL_NULL(return_value);
		RETURN_THROWS();
	}
	if (k.n && time == 0) {
		mr_migrate_delete(p, k.items, k.n);
	}
	/* PECL deletes key by key in the given order, repeats included, and
	 * skips empty keys: each key's entry is its last delete's outcome (a
	 * repeat of a deleted key finds nothing), and the result code is that of
	 * the last key deleted. */
	int code = MEMCACHED_SUCCESS;
	zval *zk;
	ZEND_HASH_FOREACH_VAL(keys, zk) {
		zend_string *ks = mr_face_key_string(zk);
		zval *iv = ZSTR_LEN(ks) ? zend_hash_find(&k.seen, ks) : NULL;
		if (iv) {
			int rc = Z_LVAL_P(iv) < 0 ? MEMCACHED_BAD_KEY_PROVIDED
				: time != 0 ? MEMCACHED_INVALID_ARGUMENTS : mr_face_res(k.items[Z_LVAL_P(iv)].rc);
			if (rc == MEMCACHED_SUCCESS && zend_symtable_exists(Z_ARRVAL_P(return_value), ks)) {
				rc = MEMCACHED_NOTFOUND;
			}
			zval r;
			if (rc == MEMCACHED_SUCCESS) {
				ZVAL_TRUE(&r);
			} else {
				ZVAL_LONG(&r, rc);
			}
			zend_symtable_update(Z_ARRVAL_P(return_value), ks, &r);
			code = rc;
		}
		zend_string_release(ks);
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(&k.seen);
	mr_face_set_res(f, code);
	after_op(f);
}

PHP_METHOD(MemRehash_Memcached, deleteMulti) { delete_multi_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, false); }
PHP_METHOD(MemRehash_Memcached, deleteMultiByKey) { delete_multi_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, true); }

static void arith_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face, bool by_key, bool incr)
{
	zend_string *server_key = NULL, *key;
	zend_long offset = 1, initial = 0, expiry = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(2, 5)
			Z_PARAM_STR(server_key)
			Z_PARAM_STR(key)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(offset)
			Z_PARAM_LONG(initial)
			Z_PARAM_LONG(expiry)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(1, 4)
			Z_PARAM_STR(key)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(offset)
			Z_PARAM_LONG(initial)
			Z_PARAM_LONG(expiry)
		ZEND_PARSE_PARAMETERS_END();
	}
	bool with_initial = ZEND_NUM_ARGS() >= (by_key ? 4u : 3u);
	FACE_OR(face);
	if (!f->strict) {
		/* PECL resets the code before its checks: a refusal below reports SUCCESS */
		f->rescode = MEMCACHED_SUCCESS;
	}
	mr_item_t *it = mr_face_items(p, 1);
	KEY_OR_RETURN(mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), server_key, 1, it));
	if (offset < 0) {
		if (f->strict) {
			zend_argument_value_error(by_key ? 3 : 2, "must be greater than or equal to 0");
			RETURN_THROWS();
		}
		php_error_docref(NULL, E_WARNING, "offset cannot be a negative value");
		RETURN_FALSE;
	}
	if (with_initial && !f->strict && !f->binary_protocol) {
		/* PECL: an initial value needs libmemcached's binary protocol */
		php_error_docref(NULL, E_WARNING, "Initial value is only supported with binary protocol");
		RETURN_FALSE;
	}
	if (with_initial) {
		/* the binary protocol's semantics (PECL allows an initial value only
		 * there): a missing key is created with it, and expiry */
		mr_migrate_arith_init(p, it, incr, (uint64_t) offset, (uint64_t) initial, expiry);
	} else {
		mr_migrate_arith(p, it, incr, (uint64_t) offset);
	}
	item_res(f, it);
	after_op(f);
	if (it->rc != MR_OK) {
		RETURN_FALSE;
	}
	RETURN_LONG((zend_long) it->number);
}

PHP_METHOD(MemRehash_Memcached, increment) { arith_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false, true); }
PHP_METHOD(MemRehash_Memcached, decrement) { arith_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, false, false); }
PHP_METHOD(MemRehash_Memcached, incrementByKey) { arith_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true, true); }
PHP_METHOD(MemRehash_Memcached, decrementByKey) { arith_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL, true, false); }

static void touch_impl(INTERNAL_FUNCTION_PARAMETERS, bool by_key)
{
	zend_string *server_key = NULL, *key;
	zend_long ttl = 0;
	if (by_key) {
		ZEND_PARSE_PARAMETERS_START(2, 3)
			Z_PARAM_STR(server_key)
			Z_PARAM_STR(key)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(ttl)
		ZEND_PARSE_PARAMETERS_END();
	} else {
		ZEND_PARSE_PARAMETERS_START(1, 2)
			Z_PARAM_STR(key)
			Z_PARAM_OPTIONAL
			Z_PARAM_LONG(ttl)
		ZEND_PARSE_PARAMETERS_END();
	}
	FACE();
	mr_item_t *it = mr_face_items(p, 1);
	KEY_OR_RETURN(mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), server_key, 1, it));
	mr_migrate_touch(p, it, 1, ttl);
	item_res(f, it);
	after_op(f);
	RETURN_BOOL(it->rc == MR_OK);
}

PHP_METHOD(MemRehash_Memcached, touch) { touch_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, false); }
PHP_METHOD(MemRehash_Memcached, touchByKey) { touch_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, true); }

/* ---- servers ---- */

/* Calls cb for each distinct server of the pool (old and new when all,
 * else the new list's). */
typedef struct {
	zval *rv;
	const char *name;
	zend_string *first;        /* version: the first reply line */
} text_ctx_t;

static bool first_line(void *ctx, const char *line, size_t len)
{
	text_ctx_t *t = ctx;
	if (!t->first) {
		t->first = zend_string_init(line, len, 0);
	}
	return false; /* one line is the whole reply */
}

/* Returns a "STAT name value" line's value as PECL types it. */
static bool stat_line(void *ctx, const char *line, size_t len)
{
	text_ctx_t *t = ctx;
	if (len < 6 || memcmp(line, "STAT ", 5) != 0) {
		return true;
	}
	const char *name = line + 5, *sp = memchr(name, ' ', len - 5);
	if (!sp) {
		return true;
	}
	size_t nlen = (size_t) (sp - name);
	const char *val = sp + 1;
	size_t vlen = len - (size_t) (val - line);
	zend_long l;
	double d;
	zend_uchar type = is_numeric_string(val, vlen, &l, &d, false);
	zval v;
	if (type == IS_LONG) {
		ZVAL_LONG(&v, l);
	} else if (type == IS_DOUBLE) {
		ZVAL_DOUBLE(&v, d);
	} else {
		ZVAL_STRINGL(&v, val, vlen);
	}
	zend_hash_str_update(Z_ARRVAL_P(t->rv), name, nlen, &v);
	return true;
}

/* Returns true when conn is in the new list. */
static bool is_new(mr_pool_t *p, uint32_t c)
{
	return (p->role[c] & MR_ROLE_NEW) != 0;
}

static void flush_impl(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *face)
{
	zend_long delay = 0;
	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(delay)
	ZEND_PARSE_PARAMETERS_END();
	FACE_OR(face);
	mr_migrate_flush(p);
	char line[64];
	snprintf(line, sizeof(line), "flush_all " ZEND_LONG_FMT, delay);
	int code = MEMCACHED_SUCCESS;
	/* both lists: an item left at O would be moved back by the next get */
	for (uint32_t c = 0; c < mr_wire_count(p->wire); c++) {
		text_ctx_t t = {0};
		mr_rc_t rc = mr_wire_text(p->wire, c, line, first_line, &t, mr_wire_opts(p->wire)->timeout_ms);
		if (rc == MR_OK && (!t.first || !zend_string_equals_literal(t.first, "OK"))) {
			rc = MR_ERR_PROTOCOL;
		}
		if (t.first) zend_string_release(t.first);
		if (rc != MR_OK) {
			code = mr_face_res(rc);
			f->last_down = (int32_t) c;
		}
	}
	mr_face_set_res(f, code);
	RETURN_BOOL(code == MEMCACHED_SUCCESS);
}

PHP_METHOD(MemRehash_Memcached, flush) { flush_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, NULL); }

PHP_METHOD(MemRehash_Memcached, getStats)
{
	zend_string *type = NULL;
	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(type)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	mr_migrate_flush(p);
	char line[128];
	if (type && (ZSTR_LEN(type) > 64 || memchr(ZSTR_VAL(type), '\n', ZSTR_LEN(type)) || memchr(ZSTR_VAL(type), '\r', ZSTR_LEN(type)))) {
		mr_face_set_res(f, MEMCACHED_INVALID_ARGUMENTS);
		RETURN_FALSE;
	}
	snprintf(line, sizeof(line), "stats%s%s", type ? " " : "", type ? ZSTR_VAL(type) : "");
	array_init(return_value);
	int code = MEMCACHED_SUCCESS;
	for (uint32_t c = 0; c < mr_wire_count(p->wire); c++) {
		if (!is_new(p, c)) {
			continue;
		}
		zval row;
		array_init(&row);
		text_ctx_t t = {.rv = &row};
		mr_rc_t rc = mr_wire_text(p->wire, c, line, stat_line, &t, mr_wire_opts(p->wire)->timeout_ms);
		if (rc == MR_ERR_CLIENT || rc == MR_ERR_PROTOCOL || rc == MR_ERR_SERVER) {
			/* the server refused the stats type: libmemcached's
			 * INVALID_ARGUMENTS, and PECL returns false */
			code = MEMCACHED_INVALID_ARGUMENTS;
		} else if (rc != MR_OK && code == MEMCACHED_SUCCESS) {
			code = mr_face_res(rc);
		}
		add_assoc_zval(return_value, mr_wire_name(p->wire, c), &row);
	}
	mr_face_set_res(f, code);
	if (code != MEMCACHED_SUCCESS) {
		/* PECL returns false when any server's stats failed (a server down:
		 * its code, CONNECTION_FAILURE, then TEMPORARILY_DISABLED) */
		zval_ptr_dtor(return_value);
		RETURN_FALSE;
	}
}

PHP_METHOD(MemRehash_Memcached, getVersion)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	mr_migrate_flush(p);
	array_init(return_value);
	int code = MEMCACHED_SUCCESS;
	for (uint32_t c = 0; c < mr_wire_count(p->wire); c++) {
		if (!is_new(p, c)) {
			continue;
		}
		text_ctx_t t = {0};
		mr_rc_t rc = mr_wire_text(p->wire, c, "version", first_line, &t, mr_wire_opts(p->wire)->timeout_ms);
		if (rc == MR_OK && t.first && ZSTR_LEN(t.first) > 8 && memcmp(ZSTR_VAL(t.first), "VERSION ", 8) == 0) {
			add_assoc_stringl(return_value, mr_wire_name(p->wire, c), ZSTR_VAL(t.first) + 8, ZSTR_LEN(t.first) - 8);
		} else {
			code = MEMCACHED_SOME_ERRORS;
		}
		if (t.first) zend_string_release(t.first);
	}
	mr_face_set_res(f, code);
	if (code != MEMCACHED_SUCCESS) {
		/* PECL 3 returns false (SOME_ERRORS) when a server did not answer */
		zval_ptr_dtor(return_value);
		RETURN_FALSE;
	}
}

/* Fills rv with one server's entry the way PECL's getServerList does. */
static void server_entry(const mr_server_spec_t *s, zval *rv, bool weight)
{
	array_init_size(rv, 3);
	add_assoc_string(rv, "host", (char *) s->host);
	add_assoc_long(rv, "port", s->port);
	if (weight) {
		add_assoc_long(rv, "weight", 0); /* libmemcached reports 0 here whatever was set */
	} else {
		add_assoc_string(rv, "type", s->port == 0 ? "SOCKET" : "TCP");
	}
}

PHP_METHOD(MemRehash_Memcached, getServerList)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	array_init(return_value);
	for (uint32_t i = 0; i < p->n_new; i++) {
		zval s;
		server_entry(mr_place_spec(p->place_new, i), &s, false);
		add_next_index_zval(return_value, &s);
	}
}

PHP_METHOD(MemRehash_Memcached, getServerByKey)
{
	zend_string *server_key;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(server_key)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	mr_face_set_res(f, MEMCACHED_SUCCESS);
	if (ZSTR_LEN(server_key) == 0) {
		/* libmemcached's key test refuses an empty key (PECL: false) */
		f->rescode = MEMCACHED_BAD_KEY_PROVIDED;
		RETURN_FALSE;
	}
	uint32_t i = mr_place_index(p->place_new, ZSTR_VAL(server_key), ZSTR_LEN(server_key));
	server_entry(mr_place_spec(p->place_new, i), return_value, true);
}

/* The lists of a moving pool are fixed when it is built: a server added
 * later would move keys a second time, under no list the pool knows. A
 * server already in the new list is accepted (code that adds its servers
 * each request after a persistent id gets true, as PECL would give). */
static bool server_in_new(mr_pool_t *p, const char *host, size_t hlen, zend_long port)
{
	for (uint32_t i = 0; i < p->n_new; i++) {
		const mr_server_spec_t *s = mr_place_spec(p->place_new, i);
		if (strlen(s->host) == hlen && memcmp(s->host, host, hlen) == 0 && (zend_long) s->port == port) {
			return true;
		}
	}
	return false;
}

static bool fixed_lists(mr_face_t *f, const char *what)
{
	php_error_docref(NULL, E_WARNING, "%s: the server lists of a MemRehash\\Memcached are fixed when it is built (new MemRehash\\Memcached($old, $new) or fromMemcached())", what);
	mr_face_set_res(f, MEMCACHED_INVALID_ARGUMENTS);
	return false;
}

PHP_METHOD(MemRehash_Memcached, addServer)
{
	zend_string *host;
	zend_long port, weight = 0;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(host)
		Z_PARAM_LONG(port)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(weight)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	(void) weight;
	if (server_in_new(p, ZSTR_VAL(host), ZSTR_LEN(host), port)) {
		mr_face_set_res(f, MEMCACHED_SUCCESS);
		RETURN_TRUE;
	}
	RETURN_BOOL(fixed_lists(f, "addServer"));
}

PHP_METHOD(MemRehash_Memcached, addServers)
{
	HashTable *servers;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(servers)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	zval *e;
	ZEND_HASH_FOREACH_VAL(servers, e) {
		ZVAL_DEREF(e);
		zval *h = Z_TYPE_P(e) == IS_ARRAY ? zend_hash_index_find(Z_ARRVAL_P(e), 0) : NULL;
		zval *port = Z_TYPE_P(e) == IS_ARRAY ? zend_hash_index_find(Z_ARRVAL_P(e), 1) : NULL;
		if (!h || Z_TYPE_P(h) != IS_STRING || !server_in_new(p, Z_STRVAL_P(h), Z_STRLEN_P(h), port ? zval_get_long(port) : 11211)) {
			RETURN_BOOL(fixed_lists(f, "addServers"));
		}
	} ZEND_HASH_FOREACH_END();
	mr_face_set_res(f, MEMCACHED_SUCCESS);
	RETURN_TRUE;
}

PHP_METHOD(MemRehash_Memcached, resetServerList)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	RETURN_BOOL(fixed_lists(f, "resetServerList"));
}

PHP_METHOD(MemRehash_Memcached, quit)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	mr_migrate_flush(p);
	mr_wire_close_all(p->wire);
	RETURN_TRUE;
}

PHP_METHOD(MemRehash_Memcached, flushBuffers)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	mr_migrate_flush(p); /* nothing is buffered but the moves' delayed deletes */
	RETURN_TRUE;
}

PHP_METHOD(MemRehash_Memcached, getLastErrorMessage)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	RETURN_STRING(f->last_error == MR_RES_PAYLOAD_FAILURE ? "PAYLOAD FAILURE" : memcached_strerror(NULL, (memcached_return_t) f->last_error));
}

PHP_METHOD(MemRehash_Memcached, getLastErrorCode)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	RETURN_LONG(f->last_error);
}

PHP_METHOD(MemRehash_Memcached, getLastErrorErrno)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	RETURN_LONG(f->memc_errno);
}

PHP_METHOD(MemRehash_Memcached, getLastDisconnectedServer)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	if (f->last_down < 0 || (uint32_t) f->last_down >= mr_wire_count(p->wire)) {
		RETURN_FALSE;
	}
	const char *name = mr_wire_name(p->wire, (uint32_t) f->last_down);
	const char *colon = strrchr(name, ':');
	array_init(return_value);
	if (colon && name[0] != '/') {
		add_assoc_stringl(return_value, "host", (char *) name, (size_t) (colon - name));
		add_assoc_long(return_value, "port", ZEND_STRTOL(colon + 1, NULL, 10));
	} else {
		add_assoc_string(return_value, "host", (char *) name);
		add_assoc_long(return_value, "port", 0);
	}
}

/* getAllKeys' state: the keys seen so far (a set) and whether a server
 * refused the dump. */
typedef struct {
	HashTable *seen;
	bool refused;
} dump_ctx_t;

/* Takes one "key=<uri-encoded> exp=..." line of lru_crawler metadump. */
static bool dump_line(void *ctx, const char *line, size_t len)
{
	dump_ctx_t *d = ctx;
	if (len < 4 || memcmp(line, "key=", 4) != 0) {
		/* BUSY, ERROR, CLIENT_ERROR: this server gives no dump now */
		d->refused = true;
		return false;
	}
	const char *k = line + 4, *sp = memchr(k, ' ', len - 4);
	size_t klen = sp ? (size_t) (sp - k) : len - 4;
	zend_string *key = zend_string_init(k, klen, 0);
	ZSTR_LEN(key) = php_raw_url_decode(ZSTR_VAL(key), ZSTR_LEN(key));
	zend_hash_add_empty_element(d->seen, key);
	zend_string_release(key);
	return true;
}

/* As PECL's (libmemcached's memcached_dump): every key the servers hold, as
 * stored (with the prefix), here from both lists' servers, each key once.
 * lru_crawler metadump replaces the "stats cachedump" memcached 1.6 no
 * longer serves in full. False and the failure's code when no server could
 * be asked. */
PHP_METHOD(MemRehash_Memcached, getAllKeys)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	mr_migrate_flush(p);
	HashTable seen;
	zend_hash_init(&seen, 64, NULL, NULL, 0);
	dump_ctx_t d = {.seen = &seen};
	int code = MEMCACHED_SUCCESS;
	uint32_t answered = 0;
	for (uint32_t c = 0; c < mr_wire_count(p->wire); c++) {
		d.refused = false;
		mr_rc_t rc = mr_wire_text(p->wire, c, "lru_crawler metadump all", dump_line, &d, mr_wire_opts(p->wire)->timeout_ms);
		if (rc == MR_OK && !d.refused) {
			answered++;
		} else if (rc != MR_OK) {
			code = mr_face_res(rc);
			f->last_down = (int32_t) c;
		}
	}
	if (answered == 0 && mr_wire_count(p->wire) > 0) {
		zend_hash_destroy(&seen);
		mr_face_set_res(f, code == MEMCACHED_SUCCESS ? MEMCACHED_FAILURE : code);
		RETURN_FALSE;
	}
	array_init_size(return_value, zend_hash_num_elements(&seen));
	zend_string *key;
	ZEND_HASH_FOREACH_STR_KEY(&seen, key) {
		add_next_index_str(return_value, zend_string_copy(key));
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(&seen);
	mr_face_set_res(f, MEMCACHED_SUCCESS);
}

PHP_METHOD(MemRehash_Memcached, getOption)
{
	zend_long option;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_LONG(option)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	get_option(f, option, return_value);
}

PHP_METHOD(MemRehash_Memcached, setOption)
{
	zend_long option;
	zval *value;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_LONG(option)
		Z_PARAM_ZVAL(value)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	RETURN_BOOL(set_option(f, option, value));
}

PHP_METHOD(MemRehash_Memcached, setOptions)
{
	HashTable *options;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	bool ok = true;
	zend_string *key;
	zend_ulong idx;
	zval *v;
	ZEND_HASH_FOREACH_KEY_VAL(options, idx, key, v) {
		if (key) {
			php_error_docref(NULL, E_WARNING, "invalid configuration option");
			ok = false;
		} else if (!set_option(f, (zend_long) idx, v)) {
			ok = false;
		}
	} ZEND_HASH_FOREACH_END();
	RETURN_BOOL(ok);
}

static bool not_supported(mr_face_t *f, const char *what)
{
	php_error_docref(NULL, E_WARNING, "%s is not supported by MemRehash\\Memcached (its meta-protocol engine has no %s)", what, what);
	mr_face_set_res(f, MEMCACHED_NOT_SUPPORTED);
	return false;
}

PHP_METHOD(MemRehash_Memcached, setBucket)
{
	HashTable *map, *fwd;
	zend_long replicas;
	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_ARRAY_HT(map)
		Z_PARAM_ARRAY_HT_OR_NULL(fwd)
		Z_PARAM_LONG(replicas)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	RETURN_BOOL(not_supported(f, "virtual buckets"));
}

PHP_METHOD(MemRehash_Memcached, setSaslAuthData)
{
	zend_string *user, *pass;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(user)
		Z_PARAM_STR(pass)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	RETURN_BOOL(not_supported(f, "SASL"));
}

PHP_METHOD(MemRehash_Memcached, setEncodingKey)
{
	zend_string *key;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(key)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	RETURN_BOOL(not_supported(f, "encryption"));
}

PHP_METHOD(MemRehash_Memcached, isPersistent)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	RETURN_BOOL(f->persistent);
}

PHP_METHOD(MemRehash_Memcached, isPristine)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	RETURN_BOOL(!f->persistent || p->refs <= 1);
}

PHP_METHOD(MemRehash_Memcached, checkKey)
{
	zend_string *key;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(key)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	mr_item_t *it = mr_face_items(p, 1);
	KEY_OR_RETURN(mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), NULL, 1, it));
	f->rescode = MEMCACHED_SUCCESS; /* PECL: no libmemcached call, its last error stays */
	RETURN_TRUE;
}

PHP_METHOD(MemRehash_Memcached, getResultCode)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	RETURN_LONG(f->rescode);
}

PHP_METHOD(MemRehash_Memcached, getResultMessage)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	if (f->rescode == MR_RES_PAYLOAD_FAILURE) {
		RETURN_STRING("PAYLOAD FAILURE");
	}
	RETURN_STRING(memcached_strerror(NULL, (memcached_return_t) f->rescode));
}

/* ---- the pool's own methods ---- */

PHP_METHOD(MemRehash_Memcached, stats)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	mr_face_module.pool_stats(f, return_value);
}

PHP_METHOD(MemRehash_Memcached, locate)
{
	zend_string *key;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(key)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	mr_face_locate(f, key, return_value);
}

PHP_METHOD(MemRehash_Memcached, getOldServers)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	mr_face_server_list(p, true, return_value);
}

PHP_METHOD(MemRehash_Memcached, getNewServers)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	mr_face_server_list(p, false, return_value);
}

PHP_METHOD(MemRehash_Memcached, isComplete)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	after_op(f);
	RETURN_BOOL(mr_pool_is_complete(p));
}

PHP_METHOD(MemRehash_Memcached, complete)
{
	ZEND_PARSE_PARAMETERS_NONE();
	FACE();
	mr_face_set_res(f, mr_fleet_complete(p) ? MEMCACHED_SUCCESS : MEMCACHED_SOME_ERRORS);
}

PHP_METHOD(MemRehash_Memcached, drain)
{
	zend_string *server = NULL;
	HashTable *opts = NULL;
	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(server)
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();
	FACE();
	mr_face_module.pool_drain(f, server, opts, return_value);
}

/* ---- the bodies MemRehash shares (its strict face) ---- */

void mr_face_m_get(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { get_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false); }
void mr_face_m_get_multi(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { get_multi_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false); }
void mr_face_m_get_delayed(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { get_delayed_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false); }
void mr_face_m_fetch(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { fetch_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f); }
void mr_face_m_fetch_all(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { fetch_all_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f); }
void mr_face_m_cas(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { cas_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false); }
void mr_face_m_append(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { concat_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false, MR_MODE_APPEND); }
void mr_face_m_prepend(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { concat_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false, MR_MODE_PREPEND); }
void mr_face_m_delete(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { delete_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false); }
void mr_face_m_arith(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f, bool incr) { arith_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f, false, incr); }
void mr_face_m_flush(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f) { flush_impl(INTERNAL_FUNCTION_PARAM_PASSTHRU, f); }

/* ---- registration ---- */

void mr_memcached_register(void)
{
	pecl_ce = zend_hash_str_find_ptr(CG(class_table), ZEND_STRL("memcached"));
	if (!pecl_ce || !pecl_ce->create_object) {
		return; /* PECL memcached is not loaded: no drop-in */
	}
	dropin_ce = register_class_MemRehash_Memcached(pecl_ce);
	dropin_ce->create_object = dropin_create;
}

void mr_memcached_globals_free(struct mr_face ***table, uint32_t *cap)
{
	if (*table) {
		pefree(*table, 1);
		*table = NULL;
		*cap = 0;
	}
}
