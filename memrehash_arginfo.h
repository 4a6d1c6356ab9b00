/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 878f5c21ad60da33ad86b5491881fefebd91e08a */

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_MemRehash___construct, 0, 0, 2)
	ZEND_ARG_TYPE_INFO(0, old, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, new, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_get, 0, 1, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, cache_cb, IS_CALLABLE, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, get_flags, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_getMulti, 0, 1, MAY_BE_ARRAY|MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, get_flags, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_getDelayed, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, with_cas, _IS_BOOL, 0, "false")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, value_cb, IS_CALLABLE, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_fetch, 0, 0, MAY_BE_ARRAY|MAY_BE_FALSE)
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_fetchAll arginfo_class_MemRehash_fetch

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_set, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, ttl, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_setMulti, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, items, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, ttl, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_add arginfo_class_MemRehash_set

#define arginfo_class_MemRehash_replace arginfo_class_MemRehash_set

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_delete, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, time, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_deleteMulti, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_increment, 0, 1, MAY_BE_LONG|MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, by, IS_LONG, 0, "1")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, initial_value, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiry, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_decrement arginfo_class_MemRehash_increment

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_cas, 0, 3, _IS_BOOL, 0)
	ZEND_ARG_TYPE_MASK(0, cas_token, MAY_BE_STRING|MAY_BE_LONG, NULL)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, ttl, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_append, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_prepend arginfo_class_MemRehash_append

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_flush, 0, 0, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delay, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_touch, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, ttl, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_getResultCode, 0, 0, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_getResultMessage, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_locate, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_getOldServers, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_getNewServers arginfo_class_MemRehash_getOldServers

#define arginfo_class_MemRehash_stats arginfo_class_MemRehash_getOldServers

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_isComplete, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_complete, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_drain, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, server, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_fleetStats arginfo_class_MemRehash_getOldServers

#define arginfo_class_MemRehash_allStats arginfo_class_MemRehash_getOldServers

#define arginfo_class_MemRehash_transitions arginfo_class_MemRehash_getOldServers


ZEND_METHOD(MemRehash, __construct);
ZEND_METHOD(MemRehash, get);
ZEND_METHOD(MemRehash, getMulti);
ZEND_METHOD(MemRehash, getDelayed);
ZEND_METHOD(MemRehash, fetch);
ZEND_METHOD(MemRehash, fetchAll);
ZEND_METHOD(MemRehash, set);
ZEND_METHOD(MemRehash, setMulti);
ZEND_METHOD(MemRehash, add);
ZEND_METHOD(MemRehash, replace);
ZEND_METHOD(MemRehash, delete);
ZEND_METHOD(MemRehash, deleteMulti);
ZEND_METHOD(MemRehash, increment);
ZEND_METHOD(MemRehash, decrement);
ZEND_METHOD(MemRehash, cas);
ZEND_METHOD(MemRehash, append);
ZEND_METHOD(MemRehash, prepend);
ZEND_METHOD(MemRehash, flush);
ZEND_METHOD(MemRehash, touch);
ZEND_METHOD(MemRehash, getResultCode);
ZEND_METHOD(MemRehash, getResultMessage);
ZEND_METHOD(MemRehash, locate);
ZEND_METHOD(MemRehash, getOldServers);
ZEND_METHOD(MemRehash, getNewServers);
ZEND_METHOD(MemRehash, stats);
ZEND_METHOD(MemRehash, isComplete);
ZEND_METHOD(MemRehash, complete);
ZEND_METHOD(MemRehash, drain);
ZEND_METHOD(MemRehash, fleetStats);
ZEND_METHOD(MemRehash, allStats);
ZEND_METHOD(MemRehash, transitions);


static const zend_function_entry class_MemRehash_methods[] = {
	ZEND_ME(MemRehash, __construct, arginfo_class_MemRehash___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, get, arginfo_class_MemRehash_get, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, getMulti, arginfo_class_MemRehash_getMulti, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, getDelayed, arginfo_class_MemRehash_getDelayed, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, fetch, arginfo_class_MemRehash_fetch, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, fetchAll, arginfo_class_MemRehash_fetchAll, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, set, arginfo_class_MemRehash_set, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, setMulti, arginfo_class_MemRehash_setMulti, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, add, arginfo_class_MemRehash_add, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, replace, arginfo_class_MemRehash_replace, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, delete, arginfo_class_MemRehash_delete, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, deleteMulti, arginfo_class_MemRehash_deleteMulti, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, increment, arginfo_class_MemRehash_increment, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, decrement, arginfo_class_MemRehash_decrement, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, cas, arginfo_class_MemRehash_cas, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, append, arginfo_class_MemRehash_append, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, prepend, arginfo_class_MemRehash_prepend, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, flush, arginfo_class_MemRehash_flush, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, touch, arginfo_class_MemRehash_touch, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, getResultCode, arginfo_class_MemRehash_getResultCode, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, getResultMessage, arginfo_class_MemRehash_getResultMessage, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, locate, arginfo_class_MemRehash_locate, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, getOldServers, arginfo_class_MemRehash_getOldServers, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, getNewServers, arginfo_class_MemRehash_getNewServers, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, stats, arginfo_class_MemRehash_stats, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, isComplete, arginfo_class_MemRehash_isComplete, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, complete, arginfo_class_MemRehash_complete, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, drain, arginfo_class_MemRehash_drain, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, fleetStats, arginfo_class_MemRehash_fleetStats, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash, allStats, arginfo_class_MemRehash_allStats, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(MemRehash, transitions, arginfo_class_MemRehash_transitions, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_MemRehashException_methods[] = {
	ZEND_FE_END
};

static zend_class_entry *register_class_MemRehash(void)
{
	zend_class_entry ce, *class_entry;

	INIT_CLASS_ENTRY(ce, "MemRehash", class_MemRehash_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NOT_SERIALIZABLE;

	zval const_DIST_INTVAL_value;
	ZVAL_LONG(&const_DIST_INTVAL_value, MR_DIST_INTVAL);
	zend_string *const_DIST_INTVAL_name = zend_string_init_interned("DIST_INTVAL", sizeof("DIST_INTVAL") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_DIST_INTVAL_name, &const_DIST_INTVAL_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_DIST_INTVAL_name);

	zval const_DIST_MODULA_value;
	ZVAL_LONG(&const_DIST_MODULA_value, MR_DIST_MODULA);
	zend_string *const_DIST_MODULA_name = zend_string_init_interned("DIST_MODULA", sizeof("DIST_MODULA") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_DIST_MODULA_name, &const_DIST_MODULA_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_DIST_MODULA_name);

	zval const_DIST_KETAMA_value;
	ZVAL_LONG(&const_DIST_KETAMA_value, MR_DIST_KETAMA);
	zend_string *const_DIST_KETAMA_name = zend_string_init_interned("DIST_KETAMA", sizeof("DIST_KETAMA") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_DIST_KETAMA_name, &const_DIST_KETAMA_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_DIST_KETAMA_name);

	zval const_DIST_CONSISTENT_value;
	ZVAL_LONG(&const_DIST_CONSISTENT_value, MR_DIST_CONSISTENT_PLAIN);
	zend_string *const_DIST_CONSISTENT_name = zend_string_init_interned("DIST_CONSISTENT", sizeof("DIST_CONSISTENT") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_DIST_CONSISTENT_name, &const_DIST_CONSISTENT_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_DIST_CONSISTENT_name);

	zval const_HASH_DEFAULT_value;
	ZVAL_LONG(&const_HASH_DEFAULT_value, MEMCACHED_HASH_DEFAULT);
	zend_string *const_HASH_DEFAULT_name = zend_string_init_interned("HASH_DEFAULT", sizeof("HASH_DEFAULT") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_HASH_DEFAULT_name, &const_HASH_DEFAULT_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_HASH_DEFAULT_name);

	zval const_HASH_MD5_value;
	ZVAL_LONG(&const_HASH_MD5_value, MEMCACHED_HASH_MD5);
	zend_string *const_HASH_MD5_name = zend_string_init_interned("HASH_MD5", sizeof("HASH_MD5") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_HASH_MD5_name, &const_HASH_MD5_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_HASH_MD5_name);

	zval const_HASH_CRC_value;
	ZVAL_LONG(&const_HASH_CRC_value, MEMCACHED_HASH_CRC);
	zend_string *const_HASH_CRC_name = zend_string_init_interned("HASH_CRC", sizeof("HASH_CRC") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_HASH_CRC_name, &const_HASH_CRC_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_HASH_CRC_name);

	zval const_HASH_FNV1_64_value;
	ZVAL_LONG(&const_HASH_FNV1_64_value, MEMCACHED_HASH_FNV1_64);
	zend_string *const_HASH_FNV1_64_name = zend_string_init_interned("HASH_FNV1_64", sizeof("HASH_FNV1_64") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_HASH_FNV1_64_name, &const_HASH_FNV1_64_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_HASH_FNV1_64_name);

	zval const_HASH_FNV1A_64_value;
	ZVAL_LONG(&const_HASH_FNV1A_64_value, MEMCACHED_HASH_FNV1A_64);
	zend_string *const_HASH_FNV1A_64_name = zend_string_init_interned("HASH_FNV1A_64", sizeof("HASH_FNV1A_64") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_HASH_FNV1A_64_name, &const_HASH_FNV1A_64_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_HASH_FNV1A_64_name);

	zval const_HASH_FNV1_32_value;
	ZVAL_LONG(&const_HASH_FNV1_32_value, MEMCACHED_HASH_FNV1_32);
	zend_string *const_HASH_FNV1_32_name = zend_string_init_interned("HASH_FNV1_32", sizeof("HASH_FNV1_32") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_HASH_FNV1_32_name, &const_HASH_FNV1_32_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_HASH_FNV1_32_name);

	zval const_HASH_FNV1A_32_value;
	ZVAL_LONG(&const_HASH_FNV1A_32_value, MEMCACHED_HASH_FNV1A_32);
	zend_string *const_HASH_FNV1A_32_name = zend_string_init_interned("HASH_FNV1A_32", sizeof("HASH_FNV1A_32") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_HASH_FNV1A_32_name, &const_HASH_FNV1A_32_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_HASH_FNV1A_32_name);

	zval const_HASH_MURMUR_value;
	ZVAL_LONG(&const_HASH_MURMUR_value, MEMCACHED_HASH_MURMUR);
	zend_string *const_HASH_MURMUR_name = zend_string_init_interned("HASH_MURMUR", sizeof("HASH_MURMUR") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_HASH_MURMUR_name, &const_HASH_MURMUR_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_HASH_MURMUR_name);

	zval const_RES_SUCCESS_value;
	ZVAL_LONG(&const_RES_SUCCESS_value, MEMCACHED_SUCCESS);
	zend_string *const_RES_SUCCESS_name = zend_string_init_interned("RES_SUCCESS", sizeof("RES_SUCCESS") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_SUCCESS_name, &const_RES_SUCCESS_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_SUCCESS_name);

	zval const_RES_FAILURE_value;
	ZVAL_LONG(&const_RES_FAILURE_value, MEMCACHED_FAILURE);
	zend_string *const_RES_FAILURE_name = zend_string_init_interned("RES_FAILURE", sizeof("RES_FAILURE") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_FAILURE_name, &const_RES_FAILURE_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_FAILURE_name);

	zval const_RES_HOST_LOOKUP_FAILURE_value;
	ZVAL_LONG(&const_RES_HOST_LOOKUP_FAILURE_value, MEMCACHED_HOST_LOOKUP_FAILURE);
	zend_string *const_RES_HOST_LOOKUP_FAILURE_name = zend_string_init_interned("RES_HOST_LOOKUP_FAILURE", sizeof("RES_HOST_LOOKUP_FAILURE") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_HOST_LOOKUP_FAILURE_name, &const_RES_HOST_LOOKUP_FAILURE_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_HOST_LOOKUP_FAILURE_name);

	zval const_RES_CONNECTION_FAILURE_value;
	ZVAL_LONG(&const_RES_CONNECTION_FAILURE_value, MEMCACHED_CONNECTION_FAILURE);
	zend_string *const_RES_CONNECTION_FAILURE_name = zend_string_init_interned("RES_CONNECTION_FAILURE", sizeof("RES_CONNECTION_FAILURE") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_CONNECTION_FAILURE_name, &const_RES_CONNECTION_FAILURE_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_CONNECTION_FAILURE_name);

	zval const_RES_WRITE_FAILURE_value;
	ZVAL_LONG(&const_RES_WRITE_FAILURE_value, MEMCACHED_WRITE_FAILURE);
	zend_string *const_RES_WRITE_FAILURE_name = zend_string_init_interned("RES_WRITE_FAILURE", sizeof("RES_WRITE_FAILURE") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_WRITE_FAILURE_name, &const_RES_WRITE_FAILURE_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_WRITE_FAILURE_name);

	zval const_RES_UNKNOWN_READ_FAILURE_value;
	ZVAL_LONG(&const_RES_UNKNOWN_READ_FAILURE_value, MEMCACHED_UNKNOWN_READ_FAILURE);
	zend_string *const_RES_UNKNOWN_READ_FAILURE_name = zend_string_init_interned("RES_UNKNOWN_READ_FAILURE", sizeof("RES_UNKNOWN_READ_FAILURE") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_UNKNOWN_READ_FAILURE_name, &const_RES_UNKNOWN_READ_FAILURE_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_UNKNOWN_READ_FAILURE_name);

	zval const_RES_PROTOCOL_ERROR_value;
	ZVAL_LONG(&const_RES_PROTOCOL_ERROR_value, MEMCACHED_PROTOCOL_ERROR);
	zend_string *const_RES_PROTOCOL_ERROR_name = zend_string_init_interned("RES_PROTOCOL_ERROR", sizeof("RES_PROTOCOL_ERROR") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_PROTOCOL_ERROR_name, &const_RES_PROTOCOL_ERROR_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_PROTOCOL_ERROR_name);

	zval const_RES_CLIENT_ERROR_value;
	ZVAL_LONG(&const_RES_CLIENT_ERROR_value, MEMCACHED_CLIENT_ERROR);
	zend_string *const_RES_CLIENT_ERROR_name = zend_string_init_interned("RES_CLIENT_ERROR", sizeof("RES_CLIENT_ERROR") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_CLIENT_ERROR_name, &const_RES_CLIENT_ERROR_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_CLIENT_ERROR_name);

	zval const_RES_SERVER_ERROR_value;
	ZVAL_LONG(&const_RES_SERVER_ERROR_value, MEMCACHED_SERVER_ERROR);
	zend_string *const_RES_SERVER_ERROR_name = zend_string_init_interned("RES_SERVER_ERROR", sizeof("RES_SERVER_ERROR") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_SERVER_ERROR_name, &const_RES_SERVER_ERROR_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_SERVER_ERROR_name);

	zval const_RES_DATA_EXISTS_value;
	ZVAL_LONG(&const_RES_DATA_EXISTS_value, MEMCACHED_DATA_EXISTS);
	zend_string *const_RES_DATA_EXISTS_name = zend_string_init_interned("RES_DATA_EXISTS", sizeof("RES_DATA_EXISTS") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_DATA_EXISTS_name, &const_RES_DATA_EXISTS_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_DATA_EXISTS_name);

	zval const_RES_NOTSTORED_value;
	ZVAL_LONG(&const_RES_NOTSTORED_value, MEMCACHED_NOTSTORED);
	zend_string *const_RES_NOTSTORED_name = zend_string_init_interned("RES_NOTSTORED", sizeof("RES_NOTSTORED") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_NOTSTORED_name, &const_RES_NOTSTORED_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_NOTSTORED_name);

	zval const_RES_NOTFOUND_value;
	ZVAL_LONG(&const_RES_NOTFOUND_value, MEMCACHED_NOTFOUND);
	zend_string *const_RES_NOTFOUND_name = zend_string_init_interned("RES_NOTFOUND", sizeof("RES_NOTFOUND") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_NOTFOUND_name, &const_RES_NOTFOUND_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_NOTFOUND_name);

	zval const_RES_SOME_ERRORS_value;
	ZVAL_LONG(&const_RES_SOME_ERRORS_value, MEMCACHED_SOME_ERRORS);
	zend_string *const_RES_SOME_ERRORS_name = zend_string_init_interned("RES_SOME_ERRORS", sizeof("RES_SOME_ERRORS") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_SOME_ERRORS_name, &const_RES_SOME_ERRORS_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_SOME_ERRORS_name);

	zval const_RES_NO_SERVERS_value;
	ZVAL_LONG(&const_RES_NO_SERVERS_value, MEMCACHED_NO_SERVERS);
	zend_string *const_RES_NO_SERVERS_name = zend_string_init_interned("RES_NO_SERVERS", sizeof("RES_NO_SERVERS") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_NO_SERVERS_name, &const_RES_NO_SERVERS_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_NO_SERVERS_name);

	zval const_RES_TIMEOUT_value;
	ZVAL_LONG(&const_RES_TIMEOUT_value, MEMCACHED_TIMEOUT);
	zend_string *const_RES_TIMEOUT_name = zend_string_init_interned("RES_TIMEOUT", sizeof("RES_TIMEOUT") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_TIMEOUT_name, &const_RES_TIMEOUT_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_TIMEOUT_name);

	zval const_RES_BAD_KEY_PROVIDED_value;
	ZVAL_LONG(&const_RES_BAD_KEY_PROVIDED_value, MEMCACHED_BAD_KEY_PROVIDED);
	zend_string *const_RES_BAD_KEY_PROVIDED_name = zend_string_init_interned("RES_BAD_KEY_PROVIDED", sizeof("RES_BAD_KEY_PROVIDED") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_BAD_KEY_PROVIDED_name, &const_RES_BAD_KEY_PROVIDED_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_BAD_KEY_PROVIDED_name);

	zval const_RES_E2BIG_value;
	ZVAL_LONG(&const_RES_E2BIG_value, MEMCACHED_E2BIG);
	zend_string *const_RES_E2BIG_name = zend_string_init_interned("RES_E2BIG", sizeof("RES_E2BIG") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_E2BIG_name, &const_RES_E2BIG_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_E2BIG_name);

	zval const_RES_SERVER_MARKED_DEAD_value;
	ZVAL_LONG(&const_RES_SERVER_MARKED_DEAD_value, MEMCACHED_SERVER_MARKED_DEAD);
	zend_string *const_RES_SERVER_MARKED_DEAD_name = zend_string_init_interned("RES_SERVER_MARKED_DEAD", sizeof("RES_SERVER_MARKED_DEAD") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_SERVER_MARKED_DEAD_name, &const_RES_SERVER_MARKED_DEAD_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_SERVER_MARKED_DEAD_name);

	zval const_RES_SERVER_TEMPORARILY_DISABLED_value;
	ZVAL_LONG(&const_RES_SERVER_TEMPORARILY_DISABLED_value, MEMCACHED_SERVER_TEMPORARILY_DISABLED);
	zend_string *const_RES_SERVER_TEMPORARILY_DISABLED_name = zend_string_init_interned("RES_SERVER_TEMPORARILY_DISABLED", sizeof("RES_SERVER_TEMPORARILY_DISABLED") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_SERVER_TEMPORARILY_DISABLED_name, &const_RES_SERVER_TEMPORARILY_DISABLED_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_SERVER_TEMPORARILY_DISABLED_name);

	zval const_RES_SERVER_MEMORY_ALLOCATION_FAILURE_value;
	ZVAL_LONG(&const_RES_SERVER_MEMORY_ALLOCATION_FAILURE_value, MEMCACHED_SERVER_MEMORY_ALLOCATION_FAILURE);
	zend_string *const_RES_SERVER_MEMORY_ALLOCATION_FAILURE_name = zend_string_init_interned("RES_SERVER_MEMORY_ALLOCATION_FAILURE", sizeof("RES_SERVER_MEMORY_ALLOCATION_FAILURE") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_SERVER_MEMORY_ALLOCATION_FAILURE_name, &const_RES_SERVER_MEMORY_ALLOCATION_FAILURE_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_SERVER_MEMORY_ALLOCATION_FAILURE_name);

	zval const_RES_PAYLOAD_FAILURE_value;
	ZVAL_LONG(&const_RES_PAYLOAD_FAILURE_value, MR_RES_PAYLOAD_FAILURE);
	zend_string *const_RES_PAYLOAD_FAILURE_name = zend_string_init_interned("RES_PAYLOAD_FAILURE", sizeof("RES_PAYLOAD_FAILURE") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_RES_PAYLOAD_FAILURE_name, &const_RES_PAYLOAD_FAILURE_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_RES_PAYLOAD_FAILURE_name);

	return class_entry;
}

static zend_class_entry *register_class_MemRehashException(zend_class_entry *class_entry_RuntimeException)
{
	zend_class_entry ce, *class_entry;

	INIT_CLASS_ENTRY(ce, "MemRehashException", class_MemRehashException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);

	return class_entry;
}
