/* mr_face: what MemRehash and MemRehash\Memcached share: key checks, value
 * encoding, result codes, the per-object engine state (mr_face.h). */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include <libmemcached/memcached.h>

#include "mr_face.h"
#include "mr_util.h"

mr_face_module_t mr_face_module;

void mr_face_init(mr_face_t *f, bool strict)
{
	memset(f, 0, sizeof(*f));
	f->strict = strict;
	mr_codec_opts_default(&f->codec);
	ZVAL_UNDEF(&f->delayed);
	f->last_down = -1;
	f->distribution = 0;    /* Memcached::DISTRIBUTION_MODULA */
	f->hash = 0;            /* Memcached::HASH_DEFAULT */
	f->store_retry_count = 0;
}

int mr_face_res(mr_rc_t rc)
{
	switch (rc) {
		case MR_OK: return MEMCACHED_SUCCESS;
		case MR_MISS: return MEMCACHED_NOTFOUND;
		case MR_NOTSTORED: return MEMCACHED_NOTSTORED;
		case MR_EXISTS: return MEMCACHED_DATA_EXISTS;
		case MR_ERR_TIMEOUT: return MEMCACHED_TIMEOUT;
		case MR_ERR_CONNECT: return MEMCACHED_CONNECTION_FAILURE;
		case MR_ERR_DOWN: return MEMCACHED_SERVER_TEMPORARILY_DISABLED;
		case MR_ERR_PROTOCOL: return MEMCACHED_PROTOCOL_ERROR;
		case MR_ERR_SERVER: return MEMCACHED_SERVER_ERROR;
		case MR_ERR_CLIENT: return MEMCACHED_CLIENT_ERROR;
		case MR_ERR_TOOBIG: return MEMCACHED_E2BIG;
		case MR_ERR_NOMEM: return MEMCACHED_SERVER_MEMORY_ALLOCATION_FAILURE;
		case MR_ERR_NOTNUM: return MEMCACHED_CLIENT_ERROR;
		default: return MEMCACHED_FAILURE;
	}
}

/* Returns true when the key passes PECL memcached's check (ASCII protocol):
 * 1 to 250 - prefix bytes, every byte printable and not a space. Its
 * isgraph() is the C locale's: bytes >= 0x80 are refused too. */
static bool pecl_key_ok(const mr_face_t *f, const char *key, size_t klen)
{
	if (klen == 0 || klen + f->pool->prefix_len > MR_KEY_MAX) {
		return false;
	}
	/* the meta protocol takes no spaces in a key, whatever the binary
	 * protocol option says (PECL would then accept them) */
	for (size_t i = 0; i < klen; i++) {
		unsigned char c = (unsigned char) key[i];
		if (c <= 0x20 || c >= 0x7f) {
			return false;
		}
	}
	return true;
}

/* Throws the strict face's ValueError for a bad key; returns false. */
static bool strict_key_error(const mr_face_t *f, const char *key, size_t klen, uint32_t arg_num)
{
	if (klen == 0) {
		zend_argument_value_error(arg_num, "must not be empty");
		return false;
	}
	if (klen + f->pool->prefix_len > MR_KEY_MAX) {
		zend_argument_value_error(arg_num, "must be at most %d bytes (with the prefix), %zu given",
			MR_KEY_MAX, klen + f->pool->prefix_len);
		return false;
	}
	size_t bad = mr_key_bad_byte(key, klen);
	if (bad < klen) {
		zend_argument_value_error(arg_num, "must not contain whitespace or control characters (byte 0x%02x at offset %zu)",
			(unsigned char) key[bad], bad);
		return false;
	}
	return true;
}

static void key_fill(mr_face_t *f, const char *key, size_t klen, const zend_string *server_key, mr_item_t *it);

bool mr_face_key(mr_face_t *f, const char *key, size_t klen, const zend_string *server_key, uint32_t arg_num, mr_item_t *it)
{
	mr_pool_t *p = f->pool;
	if (f->strict) {
		/* MemRehash accepts bytes >= 0x80 (UTF-8 keys); the meta protocol carries them */
		if (UNEXPECTED(klen == 0 || klen + p->prefix_len > MR_KEY_MAX || mr_key_bad_byte(key, klen) < klen)) {
			return strict_key_error(f, key, klen, arg_num);
		}
	} else if (UNEXPECTED(!pecl_key_ok(f, key, klen))) {
		/* PECL's own check: libmemcached never sees the key, so its last
		 * error (getLastErrorCode) stays as it was */
		f->rescode = MEMCACHED_BAD_KEY_PROVIDED;
		return false;
	} else {
		/* PECL resets the code before its key check: a call refused later
		 * without a round trip (append with compression on) reports SUCCESS */
		f->rescode = MEMCACHED_SUCCESS;
	}
	key_fill(f, key, klen, server_key, it);
	return true;
}

/* PECL checks no key of a multi-key call; libmemcached refuses only a key
 * too long (with the prefix). Bytes >= 0x80 therefore pass, and only what
 * the meta protocol cannot carry (spaces, control bytes) is refused too. */
static bool multi_key_ok(const mr_face_t *f, const char *key, size_t klen)
{
	if (klen == 0 || klen + f->pool->prefix_len > MR_KEY_MAX) {
		return false;
	}
	for (size_t i = 0; i < klen; i++) {
		unsigned char c = (unsigned char) key[i];
		if (c <= 0x20 || c == 0x7f) {
			return false;
		}
	}
	return true;
}

bool mr_face_key_multi(mr_face_t *f, const char *key, size_t klen, const zend_string *server_key, mr_item_t *it)
{
	if (f->strict) {
		return mr_face_key(f, key, klen, server_key, 1, it);
	}
	if (UNEXPECTED(!multi_key_ok(f, key, klen))) {
		f->rescode = MEMCACHED_BAD_KEY_PROVIDED;
		return false;
	}
	key_fill(f, key, klen, server_key, it);
	return true;
}

/* Fills it with the key as sent (prefix + key) and its new location. */
static void key_fill(mr_face_t *f, const char *key, size_t klen, const zend_string *server_key, mr_item_t *it)
{
	mr_pool_t *p = f->pool;
	memcpy(it->key, p->prefix, p->prefix_len);
	memcpy(it->key + p->prefix_len, key, klen);
	it->klen = p->prefix_len + klen;
	it->key[it->klen] = '\0';
	if (server_key) {
		/* placed as libmemcached places *_by_key: by the server key, unprefixed */
		it->ukey = ZSTR_VAL(server_key);
		it->uklen = ZSTR_LEN(server_key);
	} else {
		it->ukey = key;
		it->uklen = klen;
	}
	it->want_cas = false;
	mr_pool_locate_new(p, it);
}


bool mr_face_decode(mr_face_t *f, const mr_item_t *it, zval *rv)
{
	if (mr_codec_decode_opts(&f->codec, it->val, it->vlen, it->vflags, rv) != SUCCESS) {
		mr_face_set_res(f, MR_RES_PAYLOAD_FAILURE);
		return false;
	}
	return true;
}

void mr_face_ebuf_reset(mr_face_t *f)
{
	if (f->vbuf.s && ZSTR_LEN(f->vbuf.s) > (1u << 20)) {
		smart_str_free(&f->vbuf);
	}
	if (f->ebuf.s) {
		if (ZSTR_LEN(f->ebuf.s) > (1u << 20)) {
			smart_str_free(&f->ebuf); /* do not keep a huge buffer around */
		} else {
			ZSTR_LEN(f->ebuf.s) = 0;
		}
	}
}

void mr_face_ebuf_reserve(mr_face_t *f, HashTable *values)
{
	size_t total = 0;
	zval *v;
	ZEND_HASH_FOREACH_VAL(values, v) {
		ZVAL_DEREF(v);
		if (Z_TYPE_P(v) == IS_STRING) {
			total += Z_STRLEN_P(v);
		}
	} ZEND_HASH_FOREACH_END();
	if (total > 0) {
		smart_str_alloc(&f->ebuf, total, 0);
	}
}

bool mr_face_encode(mr_face_t *f, zval *value, size_t *off, size_t *len, uint32_t *flags)
{
	if (mr_codec_is_plain(&f->codec, value, flags)) {
		/* the bytes go to the call's buffer at once, not through vbuf */
		ZVAL_DEREF(value);
		*off = f->ebuf.s ? ZSTR_LEN(f->ebuf.s) : 0;
		*len = Z_STRLEN_P(value);
		if (*len) {
			smart_str_appendl(&f->ebuf, Z_STRVAL_P(value), *len);
		}
		return true;
	}
	smart_str *tmp = &f->vbuf; /* reused: mr_codec_encode resets it */
	if (mr_codec_encode(&f->codec, value, tmp, flags) != SUCCESS) {
		mr_face_set_res(f, MR_RES_PAYLOAD_FAILURE);
		return false;
	}
	*off = f->ebuf.s ? ZSTR_LEN(f->ebuf.s) : 0;
	*len = tmp->s ? ZSTR_LEN(tmp->s) : 0;
	if (*len) {
		smart_str_appendl(&f->ebuf, ZSTR_VAL(tmp->s), *len);
	}
	return true;
}

zend_string *mr_face_key_string(zval *zv)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) == IS_STRING) {
		return zend_string_copy(Z_STR_P(zv));
	}
	return zval_get_string(zv);
}

void mr_face_release(mr_face_t *f)
{
	if (mr_face_module.release_pool) {
		mr_face_module.release_pool(f);
	}
	if (f->signature) {
		zend_string_release(f->signature);
		f->signature = NULL;
	}
	smart_str_free(&f->ebuf);
	smart_str_free(&f->vbuf);
	zval_ptr_dtor(&f->delayed);
	ZVAL_UNDEF(&f->delayed);
	if (f->passive) {
		efree(f->passive);
		f->passive = NULL;
	}
}

void mr_face_server_list(mr_pool_t *p, bool old, zval *rv)
{
	const mr_place_t *place = old ? p->place_old : p->place_new;
	uint32_t n = old ? p->n_old : p->n_new;
	array_init_size(rv, n);
	for (uint32_t i = 0; i < n; i++) {
		zval s;
		const mr_server_spec_t *spec = mr_place_spec(place, i);
		array_init_size(&s, 3);
		add_assoc_string(&s, "host", (char *) spec->host);
		add_assoc_long(&s, "port", spec->port);
		add_assoc_long(&s, "weight", spec->weight);
		add_next_index_zval(rv, &s);
	}
}

void mr_face_locate(mr_face_t *f, zend_string *key, zval *rv)
{
	mr_pool_t *p = f->pool;
	mr_item_t *it = mr_pool_items(p, 1);
	if (!mr_face_key(f, ZSTR_VAL(key), ZSTR_LEN(key), NULL, 1, it)) {
		if (!EG(exception)) {
			zend_argument_value_error(1, "is not a valid key");
		}
		return;
	}
	mr_pool_locate(p, it);
	array_init_size(rv, 3);
	add_assoc_string(rv, "old", (char *) mr_wire_name(p->wire, it->o));
	add_assoc_string(rv, "new", (char *) mr_wire_name(p->wire, it->n));
	add_assoc_bool(rv, "moves", it->o != it->n);
}
