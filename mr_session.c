/* The memrehash session save handler: session.save_handler = memrehash.
 *
 * Sessions live where PECL memcached's handler (3.x) put them, and the
 * handler speaks its dialect so the two can be swapped with requests in
 * flight:
 *   - key: memrehash.sess_prefix (default "memc.sess.key.") + session id,
 *     placed by the session id alone (libmemcached hashes without its
 *     namespace);
 *   - placement: non-weighted ketama (MEMCACHED_BEHAVIOR_KETAMA, PECL's
 *     sess_consistent_hash_type = ketama), or modula when
 *     memrehash.sess_consistent_hash is off;
 *   - value: the session string as is, client flags 0, TTL gc_maxlifetime;
 *   - lock: prefix + "lock." + id (placed by "lock." + id), value "1",
 *     flags 0, added with sess_lock_expire or else max_execution_time as
 *     TTL (0: no expiry), retried with a wait doubling from
 *     sess_lock_wait_min to sess_lock_wait_max, released by delete (ours
 *     only: CAS-checked, where PECL deletes whatever is there).
 *
 * session.save_path names both server lists:
 *     old=host:port[,host:port...];new=host:port[,host:port...]
 * (quoted in php.ini: an unquoted ';' starts an INI comment).
 * Each list is as PECL memcached's save_path takes it ("host", "host:port",
 * "host:port:weight", "host:port weight", "[v6]:port", "/unix.sock").
 *
 * The pool behind it is built by mr_pool_new, as a MemRehash object's is, so
 * reads move a session exactly as MemRehash::get moves a key (migrate.c),
 * writes and destroys follow the write rules, and its counters show up in
 * MemRehash::allStats().
 * Session keys are placed by mr_place with the very behaviour PECL's session
 * handler sets (MR_DIST_CONSISTENT, or modula): MemRehash::DIST_KETAMA is the
 * libketama-compatible (weighted) continuum, which puts two of three sessions
 * elsewhere. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "ext/session/php_session.h"

#include <time.h>

#include "php_memrehash.h"
#include "mr_session.h"
#include "migrate.h"
#include "mr_guard.h"
#include "mr_fleet.h"
#include "mr_util.h"

#define SESS_LOCK_INFIX "lock."          /* PECL: lock key = prefix + "lock." + id */
#define SESS_LOCK_VALUE "1"              /* PECL's lock value */
#define SESS_DEFAULT_PORT 11211          /* as memcached_servers_parse() */
#define SESS_CREATE_TRIES 3              /* PECL: attempts at an unused session id */
#define SESS_SYNTAX "old=host:port[,host:port...];new=host:port[,host:port...]"

/* One open session module: its settings, the pool and this request's lock. */
typedef struct {
	mr_sess_cfg_t cfg;              /* copied at open (prefix: points at prefix_buf) */
	char prefix_buf[MR_PREFIX_MAX];
	mr_pool_t *pool;
	mr_place_t *place_old, *place_new; /* PECL's session placement of each list */
	bool locked;
	bool lock_at_old;               /* also holding the lock at its old location */
	uint64_t lock_cas_new, lock_cas_old; /* release only our own lock */
	mr_item_t lock;                 /* the lock key, placed */
} mr_sess_t;

/* The two lists of session.save_path. */
typedef struct {
	mr_server_spec_t *list[2];      /* [0] old, [1] new */
	uint32_t n[2];
} sess_lists_t;

static const char *const side_name[2] = {"old", "new"};

/* ---- session.save_path ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims blanks from both ends of s[0..*len); returns the new start. */
static const char *trim(const char *s, size_t *len)
{
	while (*len > 0 && is_blank(*s)) {
		s++;
		(*len)--;
	}
	while (*len > 0 && is_blank(s[*len - 1])) {
		(*len)--;
	}
	return s;
}

/* Returns true with out filled from one PECL-style server entry. */
static bool parse_server(const char *s, size_t len, mr_server_spec_t *out, char *err, size_t errlen)
{
	char buf[MR_HOST_MAX + 32], why[200];
	size_t blen = 0;

	if (len >= MR_HOST_MAX + 16) {
		snprintf(err, errlen, "server \"%.40s...\" is too long", s);
		return false;
	}
	/* "host:port weight" is memcached_servers_parse()'s other weight form */
	const char *sp = s;
	while (sp < s + len && !is_blank(*sp)) {
		sp++;
	}
	size_t first = (size_t) (sp - s);
	memcpy(buf, s, first);
	blen = first;
	if (s[0] != '/' && s[0] != '[' && !memchr(s, ':', first)) {
		blen += (size_t) snprintf(buf + blen, sizeof(buf) - blen, ":%d", SESS_DEFAULT_PORT);
	}
	if (first < len) {
		size_t wlen = len - first;
		const char *w = trim(sp, &wlen);
		if (wlen == 0 || memchr(w, ' ', wlen) || memchr(w, '\t', wlen)) {
			snprintf(err, errlen, "server \"%.*s\" is not \"host:port[:weight]\"", (int) len, s);
			return false;
		}
		buf[blen++] = ':';
		memcpy(buf + blen, w, wlen);
		blen += wlen;
	}
	buf[blen] = '\0';
	if (!mr_place_parse_spec(buf, blen, out, why, sizeof(why))) {
		snprintf(err, errlen, "server \"%.*s\": %s", (int) len, s, why);
		return false;
	}
	return true;
}

bool mr_session_parse_list(const char *s, size_t len, const char *side, mr_server_spec_t **out, uint32_t *n, char *err, size_t errlen)
{
	uint32_t count = 1;
	for (size_t i = 0; i < len; i++) {
		count += s[i] == ',';
	}
	if (len == 0) {
		snprintf(err, errlen, "the %s= list is empty", side);
		return false;
	}
	if (count > MR_LIST_SERVERS_MAX) {
		snprintf(err, errlen, "the %s= list has %u servers, at most %d are supported", side, count, MR_LIST_SERVERS_MAX);
		return false;
	}
	mr_server_spec_t *list = ecalloc(count, sizeof(*list));
	const char *p = s, *end = s + len;
	for (uint32_t i = 0; i < count; i++) {
		const char *comma = memchr(p, ',', (size_t) (end - p));
		size_t elen = (size_t) ((comma ? comma : end) - p);
		const char *e = trim(p, &elen);
		if (elen == 0) {
			snprintf(err, errlen, "the %s= list has an empty entry", side);
			efree(list);
			return false;
		}
		if (!parse_server(e, elen, &list[i], err, errlen)) {
			efree(list);
			return false;
		}
		p = comma ? comma + 1 : end;
	}
	*out = list;
	*n = count;
	return true;
}

static void lists_free(sess_lists_t *l)
{
	for (int i = 0; i < 2; i++) {
		if (l->list[i]) {
			efree(l->list[i]);
			l->list[i] = NULL;
		}
	}
}

/* Returns true with l filled from session.save_path, or false with why in err. */
static bool parse_save_path(const char *path, sess_lists_t *l, char *err, size_t errlen)
{
	const char *p = path, *end = path + strlen(path);
	memset(l, 0, sizeof(*l));

	size_t all = (size_t) (end - p);
	trim(p, &all);
	if (all == 0) {
		snprintf(err, errlen, "it is empty");
		return false;
	}
	if (!memchr(path, '=', (size_t) (end - path))) {
		snprintf(err, errlen, "it names no old= and new= lists");
		return false;
	}
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t) (end - p));
		size_t plen = (size_t) ((semi ? semi : end) - p);
		const char *part = trim(p, &plen);
		p = semi ? semi + 1 : end;
		if (plen == 0) {
			continue;
		}
		const char *eq = memchr(part, '=', plen);
		size_t nlen = eq ? (size_t) (eq - part) : plen;
		const char *name = trim(part, &nlen);
		int side = -1;
		if (eq && nlen == 3 && strncasecmp(name, "old", 3) == 0) {
			side = 0;
		} else if (eq && nlen == 3 && strncasecmp(name, "new", 3) == 0) {
			side = 1;
		}
		if (side < 0) {
			snprintf(err, errlen, "\"%.*s\" is neither old=... nor new=...", (int) MIN(plen, 60), part);
			lists_free(l);
			return false;
		}
		if (l->list[side]) {
			snprintf(err, errlen, "%s= is given twice", side_name[side]);
			lists_free(l);
			return false;
		}
		size_t vlen = plen - (size_t) (eq + 1 - part);
		const char *v = trim(eq + 1, &vlen);
		if (!mr_session_parse_list(v, vlen, side_name[side], &l->list[side], &l->n[side], err, errlen)) {
			lists_free(l);
			return false;
		}
	}
	for (int side = 0; side < 2; side++) {
		if (!l->list[side]) {
			snprintf(err, errlen, "the %s= list is missing", side_name[side]);
			lists_free(l);
			return false;
		}
	}
	return true;
}

/* ---- placement ---- */

/* Returns a placement of list exactly as PECL memcached's session handler
 * places keys with the same save_path, or NULL with why in err. */
static mr_place_t *place_list(const mr_sess_cfg_t *cfg, const mr_server_spec_t *list, uint32_t n, char *err, size_t errlen)
{
	return mr_place_new(list, n, cfg->dist, cfg->hash, err, errlen);
}

/* Returns true with it holding prefix + infix + id, placed by infix + id;
 * false (after a warning) when the key would be too long or malformed. */
static bool item_for(mr_sess_t *s, mr_item_t *it, const char *infix, const zend_string *id)
{
	const char *prefix = s->cfg.prefix;
	size_t pl = strlen(prefix), il = strlen(infix);
	/* PECL checks against its longest key, the lock key */
	if (ZSTR_LEN(id) == 0 || pl + sizeof(SESS_LOCK_INFIX) - 1 + ZSTR_LEN(id) > MR_KEY_MAX
		|| mr_key_bad_byte(ZSTR_VAL(id), ZSTR_LEN(id)) < ZSTR_LEN(id)) {
		php_error_docref(NULL, E_WARNING, "The session id is too long or contains illegal characters");
		return false;
	}
	memcpy(it->key, prefix, pl);
	memcpy(it->key + pl, infix, il);
	memcpy(it->key + pl + il, ZSTR_VAL(id), ZSTR_LEN(id));
	it->klen = pl + il + ZSTR_LEN(id);
	it->key[it->klen] = '\0';
	it->want_cas = false;
	it->ukey = it->key + pl;
	it->uklen = it->klen - pl;
	it->n = s->pool->new_conn[mr_place_index(s->place_new, it->ukey, it->uklen)];
	it->o = s->pool->old_conn[mr_place_index(s->place_old, it->ukey, it->uklen)];
	return true;
}

/* Returns true when the item's old location must still be consulted. */
static bool moving(mr_sess_t *s, const mr_item_t *it)
{
	return it->o != it->n && !mr_pool_is_complete(s->pool);
}

/* After each operation, as MemRehash's methods do: what an earlier one
 * left unread, then the fleet housekeeping. */
static void after_op(mr_pool_t *p)
{
	mr_migrate_after_op(p);
	mr_fleet_after_op(p);
}

/* ---- TTLs ---- */

/* Returns the TTL to send for t seconds from now (PECL's s_adjust_expiration). */
static int64_t ttl_of(zend_long t)
{
	if (t <= 0) {
		return 0;
	}
	return t > MR_RELATIVE_TTL_MAX ? (int64_t) time(NULL) + t : t;
}

/* Returns the lock TTL: sess_lock_expire, else max_execution_time, else 0 (none). */
static int64_t lock_ttl(const mr_sess_t *s)
{
	zend_long e = s->cfg.lock_expire;
	if (e <= 0) {
		e = zend_ini_long(ZEND_STRL("max_execution_time"), 0);
	}
	return ttl_of(e);
}

static const char *rc_text(mr_rc_t rc)
{
	switch (rc) {
		case MR_ERR_TIMEOUT: return "timed out";
		case MR_ERR_CONNECT: return "connection failure";
		case MR_ERR_DOWN: return "server marked down after a recent failure";
		case MR_ERR_PROTOCOL: return "protocol error";
		case MR_ERR_SERVER: return "server error";
		case MR_ERR_CLIENT: return "client error";
		case MR_ERR_TOOBIG: return "item too large";
		case MR_ERR_NOMEM: return "server out of memory";
		default: return "failure";
	}
}

/* ---- locking ---- */

typedef enum { LOCK_HELD, LOCK_BUSY, LOCK_ERROR } lock_rc_t;

static void sleep_ms(zend_long ms)
{
	if (ms > 0) {
		struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
		}
	}
}

/* One attempt at the lock: add at its new location and, while it moves, at
 * its old one too, where a request still on PECL's handler over the old list
 * takes it. New before old, so two memrehash requests never hold one half
 * each. A down old server holds no lock anyone could take. */
static lock_rc_t try_lock(mr_sess_t *s, int64_t ttl, mr_rc_t *err)
{
	mr_wire_t *w = s->pool->wire;
	mr_item_t *l = &s->lock;

	mr_wire_reset(w);
	uint32_t r = mr_wire_ms(w, l->n, l->key, l->klen, MR_MODE_ADD, SESS_LOCK_VALUE, 1, 0, ttl, 0, true);
	mr_wire_run(w);
	mr_req_t *q = mr_wire_req(w, r);
	if (q->rc == MR_NOTSTORED || q->rc == MR_EXISTS) {
		return LOCK_BUSY;
	}
	if (q->rc != MR_OK) {
		*err = q->rc;
		return LOCK_ERROR;
	}
	s->lock_cas_new = q->cas;
	s->lock_at_old = false;
	if (moving(s, l)) {
		mr_wire_reset(w);
		r = mr_wire_ms(w, l->o, l->key, l->klen, MR_MODE_ADD, SESS_LOCK_VALUE, 1, 0, ttl, 0, true);
		mr_wire_run(w);
		q = mr_wire_req(w, r);
		if (q->rc == MR_NOTSTORED || q->rc == MR_EXISTS) {
			mr_wire_reset(w);
			mr_wire_md(w, l->n, l->key, l->klen, s->lock_cas_new);
			mr_wire_run(w);
			return LOCK_BUSY;
		}
		if (q->rc == MR_OK) {
			s->lock_cas_old = q->cas;
			s->lock_at_old = true;
		}
	}
	s->locked = true;
	return LOCK_HELD;
}

/* Releases the lock this request holds (only ours: CAS-checked). */
static void unlock(mr_sess_t *s)
{
	if (!s->locked) {
		return;
	}
	mr_wire_t *w = s->pool->wire;
	mr_wire_reset(w);
	mr_wire_md(w, s->lock.n, s->lock.key, s->lock.klen, s->lock_cas_new);
	if (s->lock_at_old) {
		mr_wire_md(w, s->lock.o, s->lock.key, s->lock.klen, s->lock_cas_old);
	}
	mr_wire_run(w);
	s->locked = false;
	s->lock_at_old = false;
}

/* Returns true once the lock for id is held: PECL's schedule, one attempt
 * plus sess_lock_retries, the wait doubling from min to max. */
static bool lock(mr_sess_t *s, const zend_string *id)
{
	mr_item_t want;
	if (!item_for(s, &want, SESS_LOCK_INFIX, id)) {
		return false;
	}
	if (s->locked) {
		if (want.klen == s->lock.klen && memcmp(want.key, s->lock.key, want.klen) == 0) {
			return true; /* read again in the same open (session_reset) */
		}
		unlock(s);
	}
	s->lock = want;
	int64_t ttl = lock_ttl(s);
	zend_long wait = s->cfg.lock_wait_min, retries = s->cfg.lock_retries;
	for (;;) {
		mr_rc_t err = MR_OK;
		switch (try_lock(s, ttl, &err)) {
			case LOCK_HELD:
				return true;
			case LOCK_ERROR:
				php_error_docref(NULL, E_WARNING, "Failed to write session lock: %s", rc_text(err));
				return false;
			case LOCK_BUSY:
				break;
		}
		if (retries-- <= 0) {
			return false;
		}
		sleep_ms(wait);
		wait = MIN(s->cfg.lock_wait_max, wait * 2);
	}
}

/* ---- the pool ---- */

/* Returns the pool's counter name: "sessions:" and both lists, or a hash of
 * them when that is too long. Every worker with the same save_path shares it. */
static zend_string *pool_name(const sess_lists_t *l)
{
	smart_str s = {0};
	smart_str_appends(&s, "sessions:");
	for (int side = 0; side < 2; side++) {
		if (side) {
			smart_str_appends(&s, " > ");
		}
		for (uint32_t i = 0; i < l->n[side]; i++) {
			if (i) smart_str_appendc(&s, ',');
			smart_str_appends(&s, l->list[side][i].name);
		}
	}
	smart_str_0(&s);
	if (ZSTR_LEN(s.s) >= MR_POOL_NAME_MAX) {
		zend_ulong h = zend_hash_func(ZSTR_VAL(s.s), ZSTR_LEN(s.s));
		smart_str_free(&s);
		smart_str_append_printf(&s, "sessions:~%016llx", (unsigned long long) h);
		smart_str_0(&s);
	}
	return s.s;
}

/* Returns true with s->pool built, or false after a warning. The pool is
 * configured as a MemRehash constructed with these lists and only the
 * distribution, hash and name options would be. */
static bool pool_build(mr_sess_t *s, const sess_lists_t *l)
{
	char err[320];
	zend_string *name = s->cfg.name ? zend_string_init(s->cfg.name, strlen(s->cfg.name), 0) : pool_name(l);
	int dist = s->cfg.dist != MR_DIST_MODULA ? MR_DIST_KETAMA : MR_DIST_MODULA;
	/* Placement of session keys is ours (above); dist and hash only keep the
	 * pool's own keys (the completion marker) consistent across hosts. */
	mr_pool_cfg_t cfg = {
		.old_list = l->list[0], .n_old = l->n[0],
		.new_list = l->list[1], .n_new = l->n[1],
		.dist = dist, .old_dist = dist,
		.hash = s->cfg.hash, .old_hash = s->cfg.hash,
		.name = ZSTR_VAL(name),
		/* 0 (memrehash's handler): never complete by itself, since a user
		 * may come back after any window, and a session left at O then is a
		 * logout, not a cache miss */
		.migrate = true, .complete_below = s->cfg.complete_below,
		.window = s->cfg.window ? (uint32_t) s->cfg.window : MR_WINDOW_DEFAULT,
		.cutover_set = s->cfg.complete_below > 0 || s->cfg.window,
		.connect_timeout_ms = 1000, .timeout_ms = 1000,
		.retry_interval_s = (uint32_t) MR_G(retry_interval),
	};
	s->pool = mr_pool_new(&cfg, false, err, sizeof(err));
	zend_string_release(name);
	if (!s->pool) {
		php_error_docref(NULL, E_WARNING, "Cannot open the memrehash session pool: %s", err);
		return false;
	}
	return true;
}

/* Releases the lock, the pool and the placement handles. */
static void sess_free(mr_sess_t *s)
{
	if (s->pool) {
		unlock(s);
	}
	mr_migrate_close(s->pool);
	mr_place_free(s->place_old);
	mr_place_free(s->place_new);
	efree(s);
}

/* Returns the open module, or NULL after PECL's warning. */
static mr_sess_t *sess_of(void **mod_data)
{
	mr_sess_t *s = PS_GET_MOD_DATA();
	if (!s) {
		php_error_docref(NULL, E_WARNING, "Session is not allocated, check session.save_path value");
	}
	return s;
}

/* Returns true when cfg's prefix is a usable key prefix (else warns). */
static bool prefix_ok(const mr_sess_cfg_t *cfg)
{
	const char *prefix = cfg->prefix ? cfg->prefix : "";
	size_t len = strlen(prefix);
	if (len >= MR_PREFIX_MAX || mr_key_bad_byte(prefix, len) < len) {
		php_error_docref(NULL, E_WARNING, "%sprefix must be shorter than %d bytes, without whitespace or control characters", cfg->ini, MR_PREFIX_MAX);
		return false;
	}
	return true;
}

/* ---- the save handler ---- */

/* Returns SUCCESS with *mod_data the open module over lists l, or FAILURE
 * after a warning. Takes the lists (frees them). */
static zend_result open_lists(void **mod_data, sess_lists_t *l, const mr_sess_cfg_t *cfg)
{
	char err[320];
	if (!prefix_ok(cfg)) {
		lists_free(l);
		return FAILURE;
	}
	mr_sess_t *s = ecalloc(1, sizeof(*s));
	s->cfg = *cfg;
	strcpy(s->prefix_buf, cfg->prefix ? cfg->prefix : ""); /* prefix_ok: it fits */
	s->cfg.prefix = s->prefix_buf;
	s->place_old = place_list(cfg, l->list[0], l->n[0], err, sizeof(err));
	s->place_new = s->place_old ? place_list(cfg, l->list[1], l->n[1], err, sizeof(err)) : NULL;
	if (!s->place_new) {
		php_error_docref(NULL, E_WARNING, "Cannot place session keys: %s", err);
		lists_free(l);
		sess_free(s);
		return FAILURE;
	}
	bool ok = pool_build(s, l);
	s->cfg.name = NULL; /* the caller's, used only here */
	lists_free(l);
	if (!ok) {
		sess_free(s);
		return FAILURE;
	}
	PS_SET_MOD_DATA(s);
	return SUCCESS;
}

zend_result mr_session_open_lists(void **mod_data, const mr_server_spec_t *old, uint32_t n_old,
	const mr_server_spec_t *nw, uint32_t n_new, const mr_sess_cfg_t *cfg)
{
	sess_lists_t l = { .n = { n_old, n_new } };
	l.list[0] = safe_emalloc(n_old, sizeof(*old), 0);
	l.list[1] = safe_emalloc(n_new, sizeof(*nw), 0);
	memcpy(l.list[0], old, n_old * sizeof(*old));
	memcpy(l.list[1], nw, n_new * sizeof(*nw));
	return open_lists(mod_data, &l, cfg);
}

/* Returns memrehash's own settings (memrehash.sess_*), as its handler uses them. */
static mr_sess_cfg_t own_cfg(void)
{
	return (mr_sess_cfg_t) {
		.ini = "memrehash.sess_",
		.prefix = MR_G(sess_prefix) ? MR_G(sess_prefix) : "",
		.locking = MR_G(sess_locking),
		.lock_wait_min = MR_G(sess_lock_wait_min), .lock_wait_max = MR_G(sess_lock_wait_max),
		.lock_retries = MR_G(sess_lock_retries), .lock_expire = MR_G(sess_lock_expire),
		.dist = MR_G(sess_consistent_hash) ? MR_DIST_CONSISTENT : MR_DIST_MODULA,
		.hash = (int) MR_G(sess_hash),
	};
}

static PS_OPEN_FUNC(memrehash)
{
	char err[320];
	sess_lists_t l;
	(void) session_name; /* keys are named by memrehash.sess_prefix, as PECL's */

	if (PS_GET_MOD_DATA()) {
		/* session_reset() opens again without closing */
		sess_free(PS_GET_MOD_DATA());
		PS_SET_MOD_DATA(NULL);
	}
	if (!parse_save_path(save_path, &l, err, sizeof(err))) {
		php_error_docref(NULL, E_WARNING, "Invalid session.save_path \"%s\" for the memrehash save handler: %s; expected \"" SESS_SYNTAX "\"",
			save_path, err);
		return FAILURE;
	}
	mr_sess_cfg_t cfg = own_cfg();
	if (!prefix_ok(&cfg)) {
		lists_free(&l);
		return FAILURE;
	}
	if (!mr_place_hash_valid(MR_G(sess_hash))) {
		php_error_docref(NULL, E_WARNING, "memrehash.sess_hash must be one of the MemRehash::HASH_* values, " ZEND_LONG_FMT " given", MR_G(sess_hash));
		lists_free(&l);
		return FAILURE;
	}
	return open_lists(mod_data, &l, &cfg);
}

static PS_CLOSE_FUNC(memrehash)
{
	mr_sess_t *s = PS_GET_MOD_DATA();
	if (!s) {
		return FAILURE;
	}
	sess_free(s);
	PS_SET_MOD_DATA(NULL);
	return SUCCESS;
}

static PS_READ_FUNC(memrehash)
{
	mr_sess_t *s = sess_of(mod_data);
	mr_item_t it;
	(void) maxlifetime; /* a read does not extend the TTL: write and touch do */
	if (!s || !item_for(s, &it, "", key)) {
		return FAILURE;
	}
	if (s->cfg.locking && !lock(s, key)) {
		php_error_docref(NULL, E_WARNING, "Unable to clear session lock record");
		return FAILURE;
	}
	mr_pool_t *p = s->pool;
	mr_migrate_get(p, &it, 1);
	mr_migrate_flush(p); /* a session moves strictly: its delete at O is answered now */
	if (it.rc == MR_OK) {
		/* the move made it.rn the old read; PECL's empty id reservation is no session */
		bool from_old = it.rn == it.ro;
		mr_count(mr_pool_ctr(p), from_old ? MR_C_SESS_MOVED : it.vlen ? MR_C_SESS_NEW : MR_C_SESS_MISSED, 1);
		*val = it.vlen ? zend_string_init(it.val, it.vlen, 0) : ZSTR_EMPTY_ALLOC();
	} else if (it.rc == MR_MISS) {
		mr_count(mr_pool_ctr(p), MR_C_SESS_MISSED, 1);
		*val = ZSTR_EMPTY_ALLOC();
	} else {
		php_error_docref(NULL, E_WARNING, "error getting session from memcached: %s", rc_text(it.rc));
		return FAILURE;
	}
	after_op(p);
	return SUCCESS;
}

static PS_WRITE_FUNC(memrehash)
{
	mr_sess_t *s = sess_of(mod_data);
	mr_item_t it;
	if (!s || !item_for(s, &it, "", key)) {
		return FAILURE;
	}
	it.data = ZSTR_VAL(val);
	it.dlen = ZSTR_LEN(val);
	it.flags = 0; /* the session string, raw, as PECL stores it */
	mr_migrate_store(s->pool, &it, 1, MR_MODE_SET, ttl_of(maxlifetime));
	if (it.rc != MR_OK) {
		php_error_docref(NULL, E_WARNING, "error saving session to memcached: %s", rc_text(it.rc));
		return FAILURE;
	}
	after_op(s->pool);
	return SUCCESS;
}

static PS_DESTROY_FUNC(memrehash)
{
	mr_sess_t *s = sess_of(mod_data);
	mr_item_t it;
	if (!s || !item_for(s, &it, "", key)) {
		return FAILURE;
	}
	mr_migrate_delete(s->pool, &it, 1);
	unlock(s);
	if (mr_rc_is_error(it.rc)) {
		php_error_docref(NULL, E_WARNING, "error deleting session from memcached: %s", rc_text(it.rc));
		return FAILURE;
	}
	return SUCCESS;
}

static PS_GC_FUNC(memrehash)
{
	(void) mod_data;
	(void) maxlifetime;
	(void) nrdels;
	return 0; /* memcached expires sessions itself */
}

/* Returns a fresh session id, reserved at its new location with an empty
 * value (as PECL does), and unused at its old one. */
static PS_CREATE_SID_FUNC(memrehash)
{
	mr_sess_t *s = PS_GET_MOD_DATA();
	if (!s) {
		return php_session_create_id(NULL);
	}
	mr_wire_t *w = s->pool->wire;
	for (int tries = 0; tries < SESS_CREATE_TRIES; tries++) {
		zend_string *sid = php_session_create_id(mod_data);
		mr_item_t it;
		if (!sid) {
			continue;
		}
		if (!item_for(s, &it, "", sid)) {
			zend_string_release(sid);
			return NULL;
		}
		uint32_t old_req = UINT32_MAX;
		mr_wire_reset(w);
		uint32_t add_req = mr_wire_ms(w, it.n, it.key, it.klen, MR_MODE_ADD, "", 0, 0, lock_ttl(s), 0, true);
		if (moving(s, &it)) {
			old_req = mr_wire_mg(w, it.o, it.key, it.klen, 0);
		}
		mr_wire_run(w);
		mr_req_t *a = mr_wire_req(w, add_req);
		bool taken_old = old_req != UINT32_MAX && mr_wire_req(w, old_req)->rc == MR_OK;
		if (a->rc == MR_OK && !taken_old) {
			return sid;
		}
		if (a->rc == MR_OK) {
			uint64_t cas = a->cas;
			mr_wire_reset(w);
			mr_wire_md(w, it.n, it.key, it.klen, cas);
			mr_wire_run(w);
		}
		zend_string_release(sid);
	}
	return NULL;
}

/* Returns SUCCESS when a session with this id exists, here or still at its old location. */
static PS_VALIDATE_SID_FUNC(memrehash)
{
	mr_sess_t *s = sess_of(mod_data);
	mr_item_t it;
	if (!s || !item_for(s, &it, "", key)) {
		return FAILURE;
	}
	mr_wire_t *w = s->pool->wire;
	uint32_t old_req = UINT32_MAX;
	mr_wire_reset(w);
	uint32_t new_req = mr_wire_mg(w, it.n, it.key, it.klen, 0);
	if (moving(s, &it)) {
		old_req = mr_wire_mg(w, it.o, it.key, it.klen, 0);
		mr_guard_look(w, s->pool, &it, it.o);
	}
	mr_wire_run(w);
	/* a copy at the old location counts unless guarded: then it is older
	 * than a write (a destroy, say) made while that server was down */
	bool found = mr_wire_req(w, new_req)->rc == MR_OK
		|| (old_req != UINT32_MAX && mr_wire_req(w, old_req)->rc == MR_OK
			&& mr_guard_found(w, &it) == MR_MISS);
	return found ? SUCCESS : FAILURE;
}

/* Unchanged data (session.lazy_write): touch, which moves the session first
 * when it is still at its old location. */
static PS_UPDATE_TIMESTAMP_FUNC(memrehash)
{
	mr_sess_t *s = sess_of(mod_data);
	mr_item_t it;
	(void) val; /* unchanged: only its TTL is renewed */
	if (!s || !item_for(s, &it, "", key)) {
		return FAILURE;
	}
	mr_migrate_touch(s->pool, &it, 1, ttl_of(maxlifetime));
	if (mr_rc_is_error(it.rc)) {
		php_error_docref(NULL, E_WARNING, "error updating the session timestamp in memcached: %s", rc_text(it.rc));
		return FAILURE;
	}
	after_op(s->pool);
	return SUCCESS;
}

static const ps_module ps_mod_memrehash = {
	PS_MOD_UPDATE_TIMESTAMP(memrehash)
};

const ps_module *mr_session_module(void)
{
	return &ps_mod_memrehash;
}

void mr_session_register(void)
{
	php_session_register_module(&ps_mod_memrehash);
}
