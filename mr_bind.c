/* mr_bind: binding plain \Memcached objects to a transition's moving pool.
 *
 * How. At MINIT, when a transition is configured, every method of PECL's
 * \Memcached has its handler replaced by dispatch(); the original handler is
 * kept in the function's reserved[] slot that Zend hands this extension.
 * User subclasses copy internal methods at linking (after MINIT), opcache
 * caches those copies, so both carry dispatch(). A bound object has its
 * handlers pointer swapped for bound_handlers (PECL's with free_obj wrapped)
 * and a face in mr_memcached.c's side table; dispatch() tells the two kinds
 * apart with one pointer compare, and unbound objects go straight to PECL.
 * \Memcached objects are not cloneable (PECL's clone_obj is NULL), so a clone
 * never needs binding.
 *
 * When. The methods that set the server list or placement (__construct with
 * a persistent id that already has servers, addServer(s), resetServerList,
 * setOption(s), setBucket) always run PECL's own code, then re-evaluate:
 * the object is unbound, its server list is read through PECL, and if it is
 * a transition's new list the object gets a face over (old, its own list)
 * with its own options, read through PECL's getOption. Reads and writes of a
 * bound object run MemRehash\Memcached's bodies on the face; the methods that
 * only report PECL's own configuration (getOption, isPersistent,
 * isPristine) stay PECL's. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_extensions.h"
#include "zend_interfaces.h"
#include "zend_exceptions.h"
#include "php_memrehash.h"
#include "mr_bind.h"
#include "mr_transition.h"
#include "mr_memcached.h"
#include "mr_place.h"

typedef enum { KIND_DATA, KIND_PECL, KIND_REBIND } kind_t;

/* one per wrapped method, kept in its reserved[] slot */
typedef struct {
	zif_handler pecl;   /* PECL's handler */
	zif_handler bound;  /* MemRehash\Memcached's, or NULL: PECL's serves bound objects too */
	kind_t kind;
	zend_internal_function *fn;
} slot_t;

static int res_handle = -1;
static slot_t *slots;
static uint32_t n_slots;
static zend_object_handlers bound_handlers;
static const zend_object_handlers *pecl_handlers;
static bool handlers_ready;
/* per transition: objects bound now and binds so far (atomics: ZTS threads share them) */
static uint64_t *live, *total;

static const char *const rebind_methods[] = {
	"__construct", "addserver", "addservers", "resetserverlist", "setoption", "setoptions", "setbucket",
};
static const char *const pecl_methods[] = {
	"getoption", "ispersistent", "ispristine", "setsaslauthdata", "setencodingkey",
};

static bool in_list(const zend_string *lc, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (zend_string_equals_cstr(lc, list[i], strlen(list[i]))) {
			return true;
		}
	}
	return false;
}

static void bound_free(zend_object *obj);

/* Makes bound_handlers a copy of PECL's (once: every \Memcached object
 * shares one handlers table). */
static void handlers_init(const zend_object *obj)
{
	if (!handlers_ready) {
		pecl_handlers = obj->handlers;
		memcpy(&bound_handlers, obj->handlers, sizeof(bound_handlers));
		bound_handlers.free_obj = bound_free;
		handlers_ready = true;
	}
}

static void count(uint64_t *arr, uint32_t i, int64_t d)
{
	__atomic_add_fetch(&arr[i], (uint64_t) d, __ATOMIC_RELAXED);
}

/* Unbinds obj: frees its face and gives it PECL's handlers back. */
static void unbind(zend_object *obj)
{
	if (obj->handlers != &bound_handlers) {
		return;
	}
	zval *tr = zend_hash_index_find(&MR_G(bound_objects), obj->handle);
	if (tr) {
		count(live, (uint32_t) Z_LVAL_P(tr), -1);
		zend_hash_index_del(&MR_G(bound_objects), obj->handle);
	}
	mr_memcached_detach(obj);
	obj->handlers = pecl_handlers;
}

static void bound_free(zend_object *obj)
{
	unbind(obj);
	obj->handlers->free_obj(obj);
}

/* Returns obj's server list read through PECL (rv: array or not). */
static void server_list(zend_object *obj, zval *rv)
{
	zend_call_method(obj, obj->ce, NULL, "getserverlist", sizeof("getserverlist") - 1, rv, 0, NULL, NULL);
}

/* Binds obj when its server list is a transition's new list; unbinds it
 * otherwise. A transition that cannot be built leaves obj PECL's with a
 * warning naming it (the app's call does not fail for it). */
static void rebind(zend_object *obj)
{
	handlers_init(obj);
	unbind(obj);
	if (EG(exception)) {
		return;
	}
	zval list;
	server_list(obj, &list);
	int t = Z_TYPE(list) == IS_ARRAY && !EG(exception) ? mr_transition_match(Z_ARRVAL(list)) : -1;
	zval_ptr_dtor(&list);
	if (t < 0) {
		return;
	}
	const mr_transition_t *tr = mr_transition_at((uint32_t) t);
	zval old, opts, v;
	mr_transition_list(tr->olds, tr->n_old, &old);
	array_init(&opts);
	add_assoc_string(&opts, "name", tr->name);
	if (tr->old_dist_set) {
		add_assoc_long(&opts, "old_distribution", tr->old_dist);
	}
	if (tr->complete_below_set) {
		add_assoc_double(&opts, "complete_below", tr->complete_below);
	}
	if (tr->window) {
		add_assoc_long(&opts, "window", tr->window);
	}
	bool ok = mr_memcached_attach(obj, Z_ARRVAL(old), Z_ARRVAL(opts));
	zval_ptr_dtor(&old);
	zval_ptr_dtor(&opts);
	if (!ok) {
		if (EG(exception)) {
			zend_object *ex = EG(exception);
			zval rv, *msg = zend_read_property(ex->ce, ex, "message", sizeof("message") - 1, 1, &rv);
			php_error_docref(NULL, E_WARNING, "memrehash.transitions: \"%s\" not bound, this \\Memcached stays PECL's: %s",
				tr->text, Z_TYPE_P(msg) == IS_STRING ? Z_STRVAL_P(msg) : "error");
			zend_clear_exception();
		}
		return;
	}
	obj->handlers = &bound_handlers;
	ZVAL_LONG(&v, t);
	zend_hash_index_update(&MR_G(bound_objects), obj->handle, &v);
	count(live, (uint32_t) t, 1);
	count(total, (uint32_t) t, 1);
}

/* Every wrapped \Memcached method lands here. */
static ZEND_NAMED_FUNCTION(dispatch)
{
	const slot_t *s = execute_data->func->internal_function.reserved[res_handle];
	zend_object *obj = Z_TYPE(EX(This)) == IS_OBJECT ? Z_OBJ(EX(This)) : NULL;
	if (EXPECTED(s->kind == KIND_DATA)) {
		if (EXPECTED(!obj || obj->handlers != &bound_handlers)) {
			s->pecl(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		} else {
			s->bound(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		}
		return;
	}
	s->pecl(INTERNAL_FUNCTION_PARAM_PASSTHRU);
	if (s->kind == KIND_REBIND && obj && !EG(exception)) {
		/* the return value is PECL's; binding never changes it */
		rebind(obj);
	}
}

void mr_bind_init(void)
{
	zend_class_entry *ce = mr_memcached_pecl_ce();
	if (!ce || mr_transitions_count() == 0) {
		return;
	}
	res_handle = zend_get_resource_handle("memrehash");
	if (res_handle < 0) {
		php_error_docref(NULL, E_WARNING, "memrehash.transitions: no function slot left for memrehash; no transition is applied");
		return;
	}
	live = pecalloc(mr_transitions_count(), sizeof(*live), 1);
	total = pecalloc(mr_transitions_count(), sizeof(*total), 1);
	slots = pecalloc(zend_hash_num_elements(&ce->function_table), sizeof(*slots), 1);
	zend_string *lc;
	zend_function *fn;
	ZEND_HASH_MAP_FOREACH_STR_KEY_PTR(&ce->function_table, lc, fn) {
		if (fn->type != ZEND_INTERNAL_FUNCTION || (fn->common.fn_flags & ZEND_ACC_STATIC) || fn->common.scope != ce) {
			continue;
		}
		slot_t *s = &slots[n_slots++];
		s->fn = &fn->internal_function;
		s->pecl = fn->internal_function.handler;
		zend_function *ours = mr_memcached_method(ZSTR_VAL(lc), ZSTR_LEN(lc));
		s->bound = ours && ours->type == ZEND_INTERNAL_FUNCTION ? ours->internal_function.handler : NULL;
		s->kind = in_list(lc, rebind_methods, sizeof(rebind_methods) / sizeof(rebind_methods[0])) ? KIND_REBIND
			: !s->bound || in_list(lc, pecl_methods, sizeof(pecl_methods) / sizeof(pecl_methods[0])) ? KIND_PECL : KIND_DATA;
		fn->internal_function.reserved[res_handle] = s;
		fn->internal_function.handler = dispatch;
	} ZEND_HASH_FOREACH_END();
}

void mr_bind_shutdown(void)
{
	for (uint32_t i = 0; i < n_slots; i++) {
		slots[i].fn->handler = slots[i].pecl;
		slots[i].fn->reserved[res_handle] = NULL;
	}
	if (slots) pefree(slots, 1);
	if (live) pefree(live, 1);
	if (total) pefree(total, 1);
	slots = NULL;
	live = total = NULL;
	n_slots = 0;
}

bool mr_bind_active(void)
{
	return n_slots > 0;
}

uint64_t mr_bind_live(uint32_t i)
{
	return live ? __atomic_load_n(&live[i], __ATOMIC_RELAXED) : 0;
}

uint64_t mr_bind_total(uint32_t i)
{
	return total ? __atomic_load_n(&total[i], __ATOMIC_RELAXED) : 0;
}
