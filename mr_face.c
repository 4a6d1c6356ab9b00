/* mr_face: what MemRehash and MemRehash\Memcached share: key checks, value
 * encoding, result codes, the per-object engine state (mr_face.h). */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include <libmemcached/memcached.h>

#include "mr_face.h"

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
	for (size_t i = 0; i < klen; i++) {
		unsigned char c = (unsigned char) key[i];
		if (c <= 0x20 || c == 0x7f) {
			zend_argument_value_error(arg_num, "must not contain whitespace or control characters (byte 0x%02x at offset %zu)", c, i);
			return false;
		}
	}
	return true;
}

bool mr_face_key(mr_face_t *f, const char *key, size_t klen, const zend_string *server_key, uint32_t arg_num, mr_item_t *it)
{
	mr_pool_t *p = f->pool;
	if (f->strict) {
		/* MemRehash accepts bytes >= 0x80 (UTF-8 keys); the meta protocol carries them */
		bool bad = klen == 0 || klen + p->prefix_len > MR_KEY_MAX;
		for (size_t i = 0; !bad && i < klen; i++) {
			unsigned char c = (unsigned char) key[i];
			bad = c <= 0x20 || c == 0x7f;
		}
		if (UNEXPECTED(bad)) {
			return strict_key_error(f, key, klen, arg_num);
		}
	} else if (UNEXPECTED(!pecl_key_ok(f, key, klen))) {
		mr_face_set_res(f, MEMCACHED_BAD_KEY_PROVIDED);
		return false;
	}
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
	return true;
}

mr_item_t *mr_face_items(mr_pool_t *p, uint32_t n)
{
	if (n > p->items_cap) {
		uint32_t cap = p->items_cap ? p->items_cap : 8;
		while (cap < n) {
			cap *= 2;
		}
		p->items = perealloc(p->items, cap * sizeof(mr_item_t), p->persistent);
		p->items_cap = cap;
	}
	return p->items;
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

bool mr_face_encode(mr_face_t *f, zval *value, size_t *off, size_t *len, uint32_t *flags)
{
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
