/* Layouts built once per process per configuration, shared by its pools.
 * See mr_layout.h. The cache is a small array under one mr_lock (threads of
 * a ZTS process share it); the lock is held for scans and reference counts
 * only, never while a layout is built. */
#include "php.h"
#include "mr_layout.h"
#include "mr_lock.h"
#include "mr_util.h"

static mr_lock_t cache_lock = MR_LOCK_INITIALIZER;
static mr_layout_t *cache[MR_LAYOUT_CACHE_MAX];

/* Returns h with one list folded in (names and weights, in order). */
static uint64_t hash_list(uint64_t h, const mr_server_spec_t *list, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		h = (h ^ mr_fnv1a64(list[i].name, strlen(list[i].name))) * 1099511628211ULL;
		h = (h ^ list[i].weight) * 1099511628211ULL;
	}
	return (h ^ n) * 1099511628211ULL;
}

/* Returns true when place holds exactly list (names and weights, in order). */
static bool same_list(const mr_place_t *place, uint32_t count, const mr_server_spec_t *list, uint32_t n)
{
	if (count != n) {
		return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		const mr_server_spec_t *s = mr_place_spec(place, i);
		if (s->weight != list[i].weight || strcmp(s->name, list[i].name) != 0) {
			return false;
		}
	}
	return true;
}

/* Returns the connection of spec s, adding it to the distinct table when
 * new; seen maps a name to its connection + 1. */
static uint32_t conn_of(mr_layout_t *l, HashTable *seen, const mr_server_spec_t *s)
{
	zval *zv = zend_hash_str_find(seen, s->name, strlen(s->name));
	if (zv) {
		return (uint32_t) Z_LVAL_P(zv);
	}
	zval v;
	ZVAL_LONG(&v, l->nconn);
	zend_hash_str_add_new(seen, s->name, strlen(s->name), &v);
	l->conn_spec[l->nconn] = s;
	return l->nconn++;
}

/* Fills the distinct-server table, the maps and the roles (specs are the
 * placements' own copies, which live as long as the layout). */
static void map_connections(mr_layout_t *l)
{
	HashTable seen;
	zend_hash_init(&seen, l->n_old + l->n_new, NULL, NULL, 0);
	l->conn_spec = pemalloc((l->n_old + l->n_new) * sizeof(*l->conn_spec), 1);
	l->old_conn = pemalloc(l->n_old * sizeof(uint32_t), 1);
	l->new_conn = pemalloc(l->n_new * sizeof(uint32_t), 1);
	for (uint32_t i = 0; i < l->n_old; i++) {
		l->old_conn[i] = conn_of(l, &seen, mr_place_spec(l->place_old, i));
	}
	for (uint32_t i = 0; i < l->n_new; i++) {
		l->new_conn[i] = conn_of(l, &seen, mr_place_spec(l->place_new, i));
	}
	zend_hash_destroy(&seen);
	l->conn_host = pemalloc(l->nconn * sizeof(*l->conn_host), 1);
	l->conn_name = pemalloc(l->nconn * sizeof(*l->conn_name), 1);
	l->conn_port = pemalloc(l->nconn * sizeof(*l->conn_port), 1);
	for (uint32_t i = 0; i < l->nconn; i++) {
		l->conn_host[i] = l->conn_spec[i]->host;
		l->conn_name[i] = l->conn_spec[i]->name;
		l->conn_port[i] = l->conn_spec[i]->port;
	}
	l->role = pecalloc(l->nconn, 1, 1);
	for (uint32_t i = 0; i < l->n_old; i++) l->role[l->old_conn[i]] |= MR_ROLE_OLD;
	for (uint32_t i = 0; i < l->n_new; i++) l->role[l->new_conn[i]] |= MR_ROLE_NEW;
}

static void layout_free(mr_layout_t *l)
{
	mr_place_free(l->place_old);
	mr_place_free(l->place_new);
	if (l->conn_spec) pefree(l->conn_spec, 1);
	if (l->conn_host) pefree(l->conn_host, 1);
	if (l->conn_name) pefree(l->conn_name, 1);
	if (l->conn_port) pefree(l->conn_port, 1);
	if (l->old_conn) pefree(l->old_conn, 1);
	if (l->new_conn) pefree(l->new_conn, 1);
	if (l->role) pefree(l->role, 1);
	if (l->rows) pefree(l->rows, 1);
	pefree(l, 1);
}

/* Returns a new layout (one reference), or NULL with a message in err. */
static mr_layout_t *layout_build(uint64_t h, const mr_server_spec_t *old_list, uint32_t n_old, int old_dist, int old_hash,
	const mr_server_spec_t *new_list, uint32_t n_new, int dist, int hash, char *err, size_t errlen)
{
	char why[256];
	mr_layout_t *l = pecalloc(1, sizeof(*l), 1);
	l->hash = h;
	l->refs = 1;
	l->dist = dist;
	l->hash_fn = hash;
	l->old_dist = old_dist;
	l->old_hash = old_hash;
	l->n_old = n_old;
	l->n_new = n_new;
	l->place_old = mr_place_new(old_list, n_old, old_dist, old_hash, why, sizeof(why));
	l->place_new = l->place_old ? mr_place_new(new_list, n_new, dist, hash, why, sizeof(why)) : NULL;
	if (!l->place_new) {
		snprintf(err, errlen, "cannot place keys: %s", why);
		layout_free(l);
		return NULL;
	}
	map_connections(l);
	return l;
}

/* Returns true when cached layout l was built from these lists and options. */
static bool layout_matches(const mr_layout_t *l, uint64_t h, const mr_server_spec_t *old_list, uint32_t n_old, int old_dist,
	int old_hash, const mr_server_spec_t *new_list, uint32_t n_new, int dist, int hash)
{
	return l->hash == h && l->dist == dist && l->hash_fn == hash && l->old_dist == old_dist && l->old_hash == old_hash
		&& same_list(l->place_old, l->n_old, old_list, n_old) && same_list(l->place_new, l->n_new, new_list, n_new);
}

/* Returns a new reference to the cached layout matching, or NULL. Called
 * with the lock held. */
static mr_layout_t *cache_find(uint64_t h, const mr_server_spec_t *old_list, uint32_t n_old, int old_dist, int old_hash,
	const mr_server_spec_t *new_list, uint32_t n_new, int dist, int hash)
{
	for (uint32_t i = 0; i < MR_LAYOUT_CACHE_MAX; i++) {
		mr_layout_t *l = cache[i];
		if (l && layout_matches(l, h, old_list, n_old, old_dist, old_hash, new_list, n_new, dist, hash)) {
			l->refs++;
			return l;
		}
	}
	return NULL;
}

/* Puts l in a free cache entry (taking a reference for the cache); a full
 * cache leaves l private to its pool. Called with the lock held. */
static void cache_add(mr_layout_t *l)
{
	for (uint32_t i = 0; i < MR_LAYOUT_CACHE_MAX; i++) {
		if (!cache[i]) {
			cache[i] = l;
			l->refs++;
			return;
		}
	}
}

mr_layout_t *mr_layout_get(const mr_server_spec_t *old_list, uint32_t n_old, int old_dist, int old_hash,
	const mr_server_spec_t *new_list, uint32_t n_new, int dist, int hash, char *err, size_t errlen)
{
	uint64_t h = hash_list(hash_list(1469598103934665603ULL, old_list, n_old), new_list, n_new);
	mr_lock(&cache_lock);
	mr_layout_t *l = cache_find(h, old_list, n_old, old_dist, old_hash, new_list, n_new, dist, hash);
	mr_unlock(&cache_lock);
	if (l) {
		return l;
	}
	l = layout_build(h, old_list, n_old, old_dist, old_hash, new_list, n_new, dist, hash, err, errlen);
	if (!l) {
		return NULL;
	}
	mr_lock(&cache_lock);
	/* another thread may have built the same one meanwhile: keep theirs */
	mr_layout_t *other = cache_find(h, old_list, n_old, old_dist, old_hash, new_list, n_new, dist, hash);
	if (!other) {
		cache_add(l);
	}
	mr_unlock(&cache_lock);
	if (other) {
		layout_free(l);
		return other;
	}
	return l;
}

mr_layout_t *mr_layout_ref(mr_layout_t *l)
{
	mr_lock(&cache_lock);
	l->refs++;
	mr_unlock(&cache_lock);
	return l;
}

void mr_layout_release(mr_layout_t *l)
{
	if (!l) {
		return;
	}
	mr_lock(&cache_lock);
	bool last = --l->refs == 0;
	mr_unlock(&cache_lock);
	if (last) {
		layout_free(l);
	}
}

void mr_layout_rows(mr_layout_t *l, mr_ctr_pool_t *slot, bool shared, mr_ctr_server_t **out)
{
	mr_lock(&cache_lock);
	bool cached = shared && l->rows_slot == slot;
	if (cached) {
		memcpy(out, l->rows, l->nconn * sizeof(*out));
	}
	mr_unlock(&cache_lock);
	if (cached) {
		return;
	}
	/* claiming rows is lock-free in the mapping: done outside our lock */
	for (uint32_t i = 0; i < l->nconn; i++) {
		out[i] = mr_counters_server(slot, l->conn_spec[i]->name, l->role[i]);
	}
	if (!shared) {
		return;
	}
	mr_lock(&cache_lock);
	if (!l->rows) {
		l->rows = pemalloc(l->nconn * sizeof(*l->rows), 1);
	}
	memcpy(l->rows, out, l->nconn * sizeof(*out));
	l->rows_slot = slot;
	mr_unlock(&cache_lock);
}

void mr_layout_shutdown(void)
{
	mr_lock(&cache_lock);
	mr_layout_t *drop[MR_LAYOUT_CACHE_MAX];
	for (uint32_t i = 0; i < MR_LAYOUT_CACHE_MAX; i++) {
		drop[i] = cache[i];
		cache[i] = NULL;
	}
	mr_unlock(&cache_lock);
	for (uint32_t i = 0; i < MR_LAYOUT_CACHE_MAX; i++) {
		mr_layout_release(drop[i]);
	}
}
