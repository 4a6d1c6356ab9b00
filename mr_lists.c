/* A constructor's server lists recognised again. See mr_lists.h.
 *
 * What an entry keeps of a raw list, element by element, in order:
 *   's' <u32 len> <bytes>                      a "host:port[:weight]" string
 *   'a' <u32 len> <host bytes> <u8 has> <port> <weight>
 *                                              a [host, port, weight] array
 *                                              (has: bit 0 port, bit 1 weight;
 *                                              port and weight as zend_long)
 * That is everything the parser reads of an element, so arrays matching an
 * entry parse as the entry's did. A list holding a PHP reference anywhere
 * is kept too: the comparison reads through it, as the parser does. */
#include "php.h"
#include "zend_smart_str.h"
#include "mr_lists.h"
#include "mr_lock.h"

struct mr_lists {
	uint32_t n_old, n_new;
	char *raw;                 /* old list, then new list, as above */
	size_t old_len, raw_len;   /* bytes of the old list's part, of both */
	mr_lists_place_t place;
	mr_layout_t *layout;       /* one reference, the entry's */
	char *name;
	char *sig;
	size_t siglen;
};

static mr_lock_t lists_lock = MR_LOCK_INITIALIZER;
static mr_lists_t *cache[MR_LISTS_CACHE_MAX];

/* Returns true when a[0..len) equals b[0..len): inline, 8 bytes a step
 * (server names are short, and a call to memcmp per name was half the
 * cost of recognising a 1,000-server list). */
static inline bool equal_bytes(const char *a, const char *b, size_t len)
{
	uint64_t x, y;
	if (len < 8) {
		return memcmp(a, b, len) == 0;
	}
	for (size_t i = 0; i + 8 < len; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y) {
			return false;
		}
	}
	/* the last 8 bytes, overlapping what the loop compared */
	memcpy(&x, a + len - 8, 8);
	memcpy(&y, b + len - 8, 8);
	return x == y;
}

/* Returns true when raw (at *pos) holds the string s, advancing *pos. */
static inline bool same_bytes(const char *raw, size_t *pos, const char *s, size_t len)
{
	uint32_t n;
	memcpy(&n, raw + *pos, sizeof(n));
	if (n != len || !equal_bytes(raw + *pos + sizeof(n), s, len)) {
		return false;
	}
	*pos += sizeof(n) + len;
	return true;
}

/* Returns element i of a [host, port, weight] array, dereferenced, or NULL. */
static zval *tuple_part(zval *arr, zend_ulong i)
{
	zval *v = zend_hash_index_find(Z_ARRVAL_P(arr), i);
	if (v) {
		ZVAL_DEREF(v);
	}
	return v;
}

/* Returns true when the array element arr matches raw at *pos (advanced). */
static bool same_tuple(const char *raw, size_t *pos, zval *arr)
{
	zval *h = tuple_part(arr, 0), *port = tuple_part(arr, 1), *w = tuple_part(arr, 2);
	if (!h || Z_TYPE_P(h) != IS_STRING || !same_bytes(raw, pos, Z_STRVAL_P(h), Z_STRLEN_P(h))) {
		return false;
	}
	uint8_t has = (uint8_t) ((port ? 1 : 0) | (w ? 2 : 0));
	zend_long pv = 0, wv = 0;
	if ((port && Z_TYPE_P(port) != IS_LONG) || (w && Z_TYPE_P(w) != IS_LONG)) {
		return false;
	}
	if (port) pv = Z_LVAL_P(port);
	if (w) wv = Z_LVAL_P(w);
	zend_long kept[2];
	memcpy(kept, raw + *pos + 1, sizeof(kept));
	if ((uint8_t) raw[*pos] != has || kept[0] != pv || kept[1] != wv) {
		return false;
	}
	*pos += 1 + sizeof(kept);
	return true;
}

/* Returns true when list ht holds what raw holds from *pos (advanced past it). */
static bool same_list(const char *raw, size_t *pos, HashTable *ht)
{
	zval *e;
	ZEND_HASH_FOREACH_VAL(ht, e) {
		ZVAL_DEREF(e);
		char tag = raw[(*pos)++];
		if (Z_TYPE_P(e) == IS_STRING) {
			if (tag != 's' || !same_bytes(raw, pos, Z_STRVAL_P(e), Z_STRLEN_P(e))) {
				return false;
			}
		} else if (Z_TYPE_P(e) != IS_ARRAY || tag != 'a' || !same_tuple(raw, pos, e)) {
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

/* Returns true when entry e was made from arrays holding what these hold. */
static bool entry_matches(const mr_lists_t *e, HashTable *old_ht, HashTable *new_ht)
{
	if (e->n_old != zend_hash_num_elements(old_ht) || e->n_new != zend_hash_num_elements(new_ht)) {
		return false;
	}
	size_t pos = 0;
	if (!same_list(e->raw, &pos, old_ht)) {
		return false;
	}
	if (old_ht == new_ht && e->raw_len == 2 * e->old_len && memcmp(e->raw, e->raw + e->old_len, e->old_len) == 0) {
		return true; /* one array passed twice: compared once */
	}
	return same_list(e->raw, &pos, new_ht);
}

const mr_lists_t *mr_lists_find(HashTable *old_ht, HashTable *new_ht)
{
	mr_lists_t *seen[MR_LISTS_CACHE_MAX];
	mr_lock(&lists_lock);
	memcpy(seen, cache, sizeof(seen));
	mr_unlock(&lists_lock);
	/* entries never change and stay until MSHUTDOWN: compared unlocked */
	for (uint32_t i = 0; i < MR_LISTS_CACHE_MAX && seen[i]; i++) {
		if (entry_matches(seen[i], old_ht, new_ht)) {
			return seen[i];
		}
	}
	return NULL;
}

mr_layout_t *mr_lists_layout(const mr_lists_t *e, const mr_lists_place_t *pl)
{
	if (memcmp(&e->place, pl, sizeof(*pl)) != 0) {
		return NULL;
	}
	return mr_layout_ref(e->layout);
}

const char *mr_lists_name(const mr_lists_t *e)
{
	return e->name;
}

const char *mr_lists_signature(const mr_lists_t *e, size_t *len)
{
	*len = e->siglen;
	return e->sig;
}

/* Appends a length-prefixed string to s. */
static void raw_bytes(smart_str *s, const char *p, size_t len)
{
	uint32_t n = (uint32_t) len;
	smart_str_appendl(s, (const char *) &n, sizeof(n));
	smart_str_appendl(s, p, len);
}

/* Appends list ht to s as an entry keeps it. Returns false for an element
 * the parser would not have accepted (nothing is then remembered). */
static bool raw_list(smart_str *s, HashTable *ht)
{
	zval *e;
	ZEND_HASH_FOREACH_VAL(ht, e) {
		ZVAL_DEREF(e);
		if (Z_TYPE_P(e) == IS_STRING) {
			smart_str_appendc(s, 's');
			raw_bytes(s, Z_STRVAL_P(e), Z_STRLEN_P(e));
			continue;
		}
		if (Z_TYPE_P(e) != IS_ARRAY) {
			return false;
		}
		zval *h = tuple_part(e, 0), *port = tuple_part(e, 1), *w = tuple_part(e, 2);
		if (!h || Z_TYPE_P(h) != IS_STRING || (port && Z_TYPE_P(port) != IS_LONG) || (w && Z_TYPE_P(w) != IS_LONG)) {
			return false;
		}
		smart_str_appendc(s, 'a');
		raw_bytes(s, Z_STRVAL_P(h), Z_STRLEN_P(h));
		smart_str_appendc(s, (char) ((port ? 1 : 0) | (w ? 2 : 0)));
		zend_long kept[2] = { port ? Z_LVAL_P(port) : 0, w ? Z_LVAL_P(w) : 0 };
		smart_str_appendl(s, (const char *) kept, sizeof(kept));
	} ZEND_HASH_FOREACH_END();
	return true;
}

static void entry_free(mr_lists_t *e)
{
	mr_layout_release(e->layout);
	pefree(e->raw, 1);
	pefree(e->name, 1);
	pefree(e->sig, 1);
	pefree(e, 1);
}

void mr_lists_add(HashTable *old_ht, HashTable *new_ht, mr_layout_t *l, const mr_lists_place_t *pl,
	const char *name, const char *sig, size_t siglen)
{
	smart_str raw = {0};
	if (!raw_list(&raw, old_ht)) {
		smart_str_free(&raw);
		return;
	}
	size_t old_len = raw.s ? ZSTR_LEN(raw.s) : 0;
	if (!raw_list(&raw, new_ht) || !raw.s) {
		smart_str_free(&raw);
		return;
	}
	mr_lists_t *e = pecalloc(1, sizeof(*e), 1);
	e->n_old = zend_hash_num_elements(old_ht);
	e->n_new = zend_hash_num_elements(new_ht);
	e->raw_len = ZSTR_LEN(raw.s);
	e->old_len = old_len;
	e->raw = pemalloc(e->raw_len, 1);
	memcpy(e->raw, ZSTR_VAL(raw.s), e->raw_len);
	smart_str_free(&raw);
	e->place = *pl;
	e->layout = mr_layout_ref(l);
	e->name = pestrdup(name, 1);
	e->sig = pemalloc(siglen + 1, 1);
	memcpy(e->sig, sig, siglen);
	e->sig[siglen] = '\0';
	e->siglen = siglen;
	bool kept = false;
	mr_lock(&lists_lock);
	for (uint32_t i = 0; i < MR_LISTS_CACHE_MAX && !kept; i++) {
		if (!cache[i]) {
			cache[i] = e;
			kept = true;
		}
	}
	mr_unlock(&lists_lock);
	if (!kept) {
		entry_free(e);
	}
}

void mr_lists_shutdown(void)
{
	mr_lock(&lists_lock);
	mr_lists_t *drop[MR_LISTS_CACHE_MAX];
	memcpy(drop, cache, sizeof(drop));
	memset(cache, 0, sizeof(cache));
	mr_unlock(&lists_lock);
	for (uint32_t i = 0; i < MR_LISTS_CACHE_MAX && drop[i]; i++) {
		entry_free(drop[i]);
	}
}
