/* mr_face: what the two PHP faces of a pool share, MemRehash (strict:
 * exceptions for bad input) and MemRehash\Memcached (PECL's manners: false
 * and a result code). A face is the per-object engine state: the pool, the
 * value codec, the last result code and the scratch buffers. It does not
 * depend on how the object holding it was built, so any \Memcached object
 * can be given one (see mr_memcached.c). */
#ifndef MR_FACE_H
#define MR_FACE_H

#include "php.h"
#include "zend_smart_str.h"
#include "migrate.h"
#include "mr_codec.h"

#define MR_RES_PAYLOAD_FAILURE (-1001) /* = Memcached::RES_PAYLOAD_FAILURE */

/* Memcached::GET_PRESERVE_ORDER, Memcached::GET_EXTENDED */
#define MR_GET_PRESERVE_ORDER 1
#define MR_GET_EXTENDED 2

typedef struct mr_face {
	mr_pool_t *pool;           /* NULL until constructed */
	zend_string *signature;    /* the configuration, to match a persistent pool */
	mr_codec_opts_t codec;
	smart_str ebuf;            /* encoded values of one call, back to back */
	smart_str vbuf;            /* one value being encoded, reused */
	int rescode;               /* Memcached::RES_* of the last call */
	int memc_errno;            /* errno of the last failure, as getLastErrorErrno */
	int last_error;            /* the last code that was an error (getLastErrorCode) */
	bool persistent;
	bool strict;               /* MemRehash: exceptions; the drop-in: false + code */
	/* the drop-in's PECL-visible settings, as getOption reports them */
	bool binary_protocol;
	bool ketama_compat;
	zend_long distribution, hash;
	zend_long store_retry_count;
	zend_long dropin_opts[4];  /* compression type, user flags, send and receive timeouts, as last set */
	zend_long *passive;        /* options kept for getOption only (no effect here), or NULL */
	/* getDelayed results waiting for fetch()/fetchAll(): an array of result arrays */
	zval delayed;
	uint32_t delayed_pos;
	int32_t last_down;         /* connection of the last server that failed, -1: none */
} mr_face_t;

/* Sets a face to its defaults (codec from PECL memcached's defaults when
 * pecl, else memrehash's). */
void mr_face_init(mr_face_t *f, bool strict);

/* Returns the Memcached::RES_* value for an engine outcome. */
int mr_face_res(mr_rc_t rc);

/* Records a result code (and, for an error, getLastErrorCode's value). */
static inline void mr_face_set_res(mr_face_t *f, int code)
{
	f->rescode = code;
	/* libmemcached clears its last error at each operation it runs */
	if (code != 0 && code != 16 /* NOTFOUND */ && code != 14 /* NOTSTORED */ && code != 12 /* DATA_EXISTS */) {
		f->last_error = code;
	} else {
		f->last_error = 0;
	}
}

/* Returns true when key is acceptable, and fills it with the key as sent
 * (prefix + key) and its new location. The location is that of server_key
 * when it is given (the *ByKey methods). A bad key: strict faces throw a
 * ValueError naming argument arg_num; the others record
 * RES_BAD_KEY_PROVIDED. Either way nothing is sent. */
bool mr_face_key(mr_face_t *f, const char *key, size_t klen, const zend_string *server_key, uint32_t arg_num, mr_item_t *it);

/* mr_face_key for a key of a multi-key call: the same for strict faces;
 * the others take what PECL sends unchecked (bytes >= 0x80) and refuse
 * only what the wire cannot carry. */
bool mr_face_key_multi(mr_face_t *f, const char *key, size_t klen, const zend_string *server_key, mr_item_t *it);

/* The pool's scratch items, grown to hold n (mr_pool.c). */
#define mr_face_items mr_pool_items

/* Returns true with rv set to the decoded value of a found item; false (and
 * RES_PAYLOAD_FAILURE) when its bytes cannot be decoded. */
bool mr_face_decode(mr_face_t *f, const mr_item_t *it, zval *rv);

/* Empties the encode buffer (freeing it when it grew big). */
void mr_face_ebuf_reset(mr_face_t *f);

/* Grows the encode buffer to hold the string values of values at once (a
 * batch's buffer otherwise grows, and is copied, value by value). */
void mr_face_ebuf_reserve(mr_face_t *f, HashTable *values);

/* Returns true after encoding value into the face's buffer at offset *off
 * (length *len, flags *flags); false when it cannot be encoded (an exception
 * from a serializer stays thrown). */
bool mr_face_encode(mr_face_t *f, zval *value, size_t *off, size_t *len, uint32_t *flags);

/* Returns the encode buffer's bytes (stable once every value is encoded). */
static inline const char *mr_face_ebuf(mr_face_t *f)
{
	return f->ebuf.s ? ZSTR_VAL(f->ebuf.s) : "";
}

/* Returns the string form of an array key or a key value (ints become
 * strings). The result must be released. Non-scalars are converted as PHP
 * converts them to string (PECL does the same). */
zend_string *mr_face_key_string(zval *zv);

/* What the module (memrehash.c) lends the faces, set at MINIT: the faces
 * build, release and report pools through it, and never call the module. */
typedef struct {
	/* builds f's pool from server lists and MemRehash options: true, or
	 * false after throwing MemRehashException */
	bool (*build)(mr_face_t *f, HashTable *old_ht, HashTable *new_ht, HashTable *opts);
	/* drops f's use of its pool (frees it unless persistent and shared) */
	void (*release_pool)(mr_face_t *f);
	/* MemRehash::stats() and drain() of f's pool */
	void (*pool_stats)(mr_face_t *f, zval *rv);
	void (*pool_drain)(mr_face_t *f, zend_string *server, HashTable *opts, zval *rv);
	zend_class_entry *exception_ce;  /* MemRehashException */
} mr_face_module_t;

extern mr_face_module_t mr_face_module;

/* Frees what a face owns (its pool through mr_face_module.release_pool). */
void mr_face_release(mr_face_t *f);

/* Returns a server list as Memcached::getServerList does. */
void mr_face_server_list(mr_pool_t *p, bool old, zval *rv);

/* MemRehash::locate() for a face: rv gets old, new, moves; a bad key throws. */
void mr_face_locate(mr_face_t *f, zend_string *key, zval *rv);

#endif
