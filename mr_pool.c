/* A pool's state: built from a configuration, bound to its counters, where
 * keys live, and whether it has cut over. See mr_pool.h. */
#include "php.h"
#include "zend_smart_str.h"
#include "mr_pool.h"
#include "mr_util.h"

#include <time.h>

void mr_pool_default_name(const mr_pool_cfg_t *cfg, char *out, size_t size)
{
	smart_str s = {0};
	for (uint32_t i = 0; i < cfg->n_old; i++) {
		if (i) smart_str_appendc(&s, ',');
		smart_str_appends(&s, cfg->old_list[i].name);
	}
	smart_str_appends(&s, " > ");
	for (uint32_t i = 0; i < cfg->n_new; i++) {
		if (i) smart_str_appendc(&s, ',');
		smart_str_appends(&s, cfg->new_list[i].name);
	}
	smart_str_0(&s);
	if (ZSTR_LEN(s.s) >= MR_POOL_NAME_MAX) {
		zend_ulong h = zend_hash_func(ZSTR_VAL(s.s), ZSTR_LEN(s.s));
		char tail[24];
		int tl = snprintf(tail, sizeof(tail), "~%016llx", (unsigned long long) h);
		ZSTR_LEN(s.s) = MR_POOL_NAME_MAX - 1 - (size_t) tl;
		smart_str_appendl(&s, tail, (size_t) tl);
		smart_str_0(&s);
	}
	snprintf(out, size, "%s", ZSTR_VAL(s.s));
	smart_str_free(&s);
}

/* Gives the pool one wire connection per distinct server of the layout
 * (made and opened on first use: mr_wire), and borrows its maps and roles.
 * The wire borrows the layout's server strings, which the pool's reference
 * keeps alive. */
static void connect_lists(mr_pool_t *p, const mr_pool_cfg_t *cfg)
{
	mr_layout_t *l = p->layout;
	p->old_conn = l->old_conn;
	p->new_conn = l->new_conn;
	p->role = l->role;
	p->place_old = l->place_old;
	p->place_new = l->place_new;
	/* every entry is written by mr_layout_rows */
	p->srv = pemalloc(l->nconn * sizeof(mr_ctr_server_t *), p->persistent);
	p->wire = mr_wire_new(l->conn_host, l->conn_port, l->conn_name, l->nconn, p->persistent);
	mr_wire_opts_t wo = {
		.timeout_ms = cfg->timeout_ms,
		.connect_timeout_ms = cfg->connect_timeout_ms,
		.retry_interval_ms = cfg->retry_interval_s * 1000,
	};
	mr_wire_set_opts(p->wire, &wo);
}

/* Sets the names of the pool's reserved keys (under MR_RESERVED_PREFIX,
 * derived from its name, so every host finds the same ones). */
static void name_reserved_keys(mr_pool_t *p)
{
	snprintf(p->marker_key, sizeof(p->marker_key), MR_RESERVED_PREFIX "done:%016llx",
		(unsigned long long) mr_fnv1a64(p->name, strlen(p->name)));
}

mr_pool_t *mr_pool_new(const mr_pool_cfg_t *cfg, bool pers, char *err, size_t errlen)
{
	mr_layout_t *l = cfg->layout ? mr_layout_ref(cfg->layout) : mr_layout_get(cfg->old_list, cfg->n_old, cfg->old_dist,
		cfg->old_hash, cfg->new_list, cfg->n_new, cfg->dist, cfg->hash, err, errlen);
	if (!l) {
		return NULL;
	}
	mr_pool_t *p = pecalloc(1, sizeof(*p), pers);
	p->persistent = pers;
	p->n_old = cfg->n_old;
	p->n_new = cfg->n_new;
	p->layout = l;
	connect_lists(p, cfg);
	if (cfg->prefix_len) {
		memcpy(p->prefix, cfg->prefix, cfg->prefix_len);
		p->prefix_len = cfg->prefix_len;
	}
	p->migrate = cfg->migrate;
	p->deferred_delete = cfg->deferred_delete;
	p->ordered_move = cfg->ordered_move || cfg->deferred_delete;
	p->fallback_ttl = cfg->fallback_ttl;
	snprintf(p->name, sizeof(p->name), "%s", cfg->name);
	name_reserved_keys(p);
	mr_pool_attach_counters(p, cfg);
	return p;
}

void mr_pool_attach_counters(mr_pool_t *p, const mr_pool_cfg_t *cfg)
{
	uint64_t ppm = (uint64_t) (cfg->complete_below * 1e6 + 0.5);
	p->ctr = mr_counters_pool(p->name, ppm, (uint64_t) cfg->window, cfg->cutover_set);
	if (!p->ctr) {
		php_error_docref(NULL, E_WARNING, "all %u counter slots are in use: pool \"%s\" counts in this process only (raise memrehash.max_pools)",
			mr_counters_max_pools(), p->name);
		if (!p->local_ctr) {
			p->local_ctr = pemalloc(sizeof(*p->local_ctr), p->persistent);
		}
		mr_counters_local(p->local_ctr, p->name, ppm, (uint64_t) cfg->window);
	}
	mr_layout_rows(p->layout, mr_pool_ctr(p), p->ctr != NULL, p->srv);
}

void mr_pool_free(mr_pool_t *p)
{
	if (!p) {
		return;
	}
	bool pers = p->persistent;
	ZEND_ASSERT(!p->later && !p->pend);
	mr_wire_free(p->wire);
	mr_layout_release(p->layout);
	pefree(p->srv, pers);
	if (p->local_ctr) pefree(p->local_ctr, pers);
	if (p->items) pefree(p->items, pers);
	if (p->signature) zend_string_release(p->signature);
	pefree(p, pers);
}

mr_item_t *mr_pool_items(mr_pool_t *p, uint32_t n)
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

void mr_pool_count_error(mr_pool_t *p, uint32_t conn)
{
	mr_count(mr_pool_ctr(p), MR_C_ERRORS, 1);
	if (p->srv[conn]) {
		mr_count_server(&p->srv[conn]->errors, 1);
	}
}

void mr_pool_count_move(mr_pool_t *p, uint32_t o, uint32_t n, size_t bytes)
{
	mr_count(mr_pool_ctr(p), MR_C_BYTES_MOVED, bytes);
	if (p->srv[o]) mr_count_server(&p->srv[o]->moved_out, 1);
	if (p->srv[n]) mr_count_server(&p->srv[n]->moved_in, 1);
}

void mr_pool_locate_new(mr_pool_t *p, mr_item_t *it)
{
	it->n = p->new_conn[mr_place_index(p->place_new, it->ukey, it->uklen)];
	it->o = MR_CONN_UNKNOWN;
}

void mr_pool_locate(mr_pool_t *p, mr_item_t *it)
{
	mr_pool_locate_new(p, it);
	mr_pool_old_conn(p, it);
}

bool mr_pool_is_complete(mr_pool_t *p)
{
	return mr_counters_is_complete(mr_pool_ctr(p));
}

void mr_pool_check_cutover(mr_pool_t *p)
{
	mr_ctr_pool_t *ctr = mr_pool_ctr(p);
	if (mr_counters_cutover_due(ctr) && mr_counters_complete(ctr, (uint64_t) time(NULL))) {
		p->marker_pending = true;
	}
}
