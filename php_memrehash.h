/* memrehash: move a memcached pool from an old server list to a new one
 * without a cold-cache stampede. Public module header. */
#ifndef PHP_MEMREHASH_H
#define PHP_MEMREHASH_H

extern zend_module_entry memrehash_module_entry;
#define phpext_memrehash_ptr &memrehash_module_entry

#define PHP_MEMREHASH_VERSION "0.1.0"

#ifdef ZTS
# include "TSRM.h"
#endif

ZEND_BEGIN_MODULE_GLOBALS(memrehash)
	char *counters_file;     /* memrehash.counters_file: file-backed counters, or "" */
	char *counters_file_mode;  /* memrehash.counters_file_mode: octal mode a new counters file gets */
	char *counters_file_group; /* memrehash.counters_file_group: group (name or id) of the counters file, or "" */
	zend_long max_pools;     /* memrehash.max_pools: pool slots in the counters mapping */
	char *host_id;           /* memrehash.host_id: this host's name in fleet views */
	zend_long retry_interval;/* memrehash.retry_interval: seconds a failed server stays down */
	/* session handler settings (memrehash.sess_*) */
	char *sess_prefix;
	bool sess_locking;
	zend_long sess_lock_wait_min;
	zend_long sess_lock_wait_max;
	zend_long sess_lock_retries;
	zend_long sess_lock_expire;
	bool sess_consistent_hash;
	zend_long sess_hash;
	HashTable persistent_pools; /* this thread's persistent pools, by id (memrehash.c) */
	/* MemRehash\Memcached objects' engine state, by object handle (mr_memcached.c) */
	struct mr_face **dropin_faces;
	uint32_t dropin_faces_cap;
	char *transitions;          /* memrehash.transitions: the operator's transitions (mr_transition.c) */
	HashTable bound_objects;    /* bound plain \Memcached objects: handle => transition index (mr_bind.c) */
	void *sess_bound_data;      /* the session module mr_sess_bind.c opened for this request, or NULL */
ZEND_END_MODULE_GLOBALS(memrehash)

ZEND_EXTERN_MODULE_GLOBALS(memrehash)
#define MR_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(memrehash, v)

#if defined(ZTS) && defined(COMPILE_DL_MEMREHASH)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif
