/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 12d22b5cdd1bfff1b283e9917aebe7196f23b77a */

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_MemRehash_Memcached___construct, 0, 0, 2)
	ZEND_ARG_TYPE_INFO(0, old, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, new, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_MemRehash_Memcached_fromMemcached, 0, 2, MemRehash\\Memcached, 0)
	ZEND_ARG_OBJ_INFO(0, configured, Memcached, 0)
	ZEND_ARG_TYPE_INFO(0, old, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_getResultCode, 0, 0, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_getResultMessage, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_get, 0, 1, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, cache_cb, IS_CALLABLE, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, get_flags, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_getByKey, 0, 2, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, cache_cb, IS_CALLABLE, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, get_flags, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_Memcached_getMulti, 0, 1, MAY_BE_FALSE|MAY_BE_ARRAY)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, get_flags, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_Memcached_getMultiByKey, 0, 2, MAY_BE_FALSE|MAY_BE_ARRAY)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, get_flags, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_getDelayed, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, with_cas, _IS_BOOL, 0, "false")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, value_cb, IS_CALLABLE, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_getDelayedByKey, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, with_cas, _IS_BOOL, 0, "false")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, value_cb, IS_CALLABLE, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_Memcached_fetch, 0, 0, MAY_BE_FALSE|MAY_BE_ARRAY)
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_fetchAll arginfo_class_MemRehash_Memcached_fetch

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_set, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiration, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_setByKey, 0, 3, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiration, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_touch, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiration, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_touchByKey, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiration, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_setMulti, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, items, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiration, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_setMultiByKey, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, items, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiration, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_cas, 0, 3, _IS_BOOL, 0)
	ZEND_ARG_TYPE_MASK(0, cas_token, MAY_BE_STRING|MAY_BE_LONG|MAY_BE_DOUBLE, NULL)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiration, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_casByKey, 0, 4, _IS_BOOL, 0)
	ZEND_ARG_TYPE_MASK(0, cas_token, MAY_BE_STRING|MAY_BE_LONG|MAY_BE_DOUBLE, NULL)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiration, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_add arginfo_class_MemRehash_Memcached_set

#define arginfo_class_MemRehash_Memcached_addByKey arginfo_class_MemRehash_Memcached_setByKey

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_append, 0, 2, _IS_BOOL, 1)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_appendByKey, 0, 3, _IS_BOOL, 1)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_prepend arginfo_class_MemRehash_Memcached_append

#define arginfo_class_MemRehash_Memcached_prependByKey arginfo_class_MemRehash_Memcached_appendByKey

#define arginfo_class_MemRehash_Memcached_replace arginfo_class_MemRehash_Memcached_set

#define arginfo_class_MemRehash_Memcached_replaceByKey arginfo_class_MemRehash_Memcached_setByKey

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_delete, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, time, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_deleteMulti, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, time, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_deleteByKey, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, time, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_deleteMultiByKey, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, time, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_Memcached_increment, 0, 1, MAY_BE_FALSE|MAY_BE_LONG)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, offset, IS_LONG, 0, "1")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, initial_value, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiry, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_decrement arginfo_class_MemRehash_Memcached_increment

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_Memcached_incrementByKey, 0, 2, MAY_BE_FALSE|MAY_BE_LONG)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, offset, IS_LONG, 0, "1")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, initial_value, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expiry, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_decrementByKey arginfo_class_MemRehash_Memcached_incrementByKey

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_addServer, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, host, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, port, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, weight, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_addServers, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, servers, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_getServerList, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_Memcached_getServerByKey, 0, 1, MAY_BE_FALSE|MAY_BE_ARRAY)
	ZEND_ARG_TYPE_INFO(0, server_key, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_resetServerList, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_quit arginfo_class_MemRehash_Memcached_resetServerList

#define arginfo_class_MemRehash_Memcached_flushBuffers arginfo_class_MemRehash_Memcached_resetServerList

#define arginfo_class_MemRehash_Memcached_getLastErrorMessage arginfo_class_MemRehash_Memcached_getResultMessage

#define arginfo_class_MemRehash_Memcached_getLastErrorCode arginfo_class_MemRehash_Memcached_getResultCode

#define arginfo_class_MemRehash_Memcached_getLastErrorErrno arginfo_class_MemRehash_Memcached_getResultCode

#define arginfo_class_MemRehash_Memcached_getLastDisconnectedServer arginfo_class_MemRehash_Memcached_fetch

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_MemRehash_Memcached_getStats, 0, 0, MAY_BE_FALSE|MAY_BE_ARRAY)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, type, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_getVersion arginfo_class_MemRehash_Memcached_fetch

#define arginfo_class_MemRehash_Memcached_getAllKeys arginfo_class_MemRehash_Memcached_fetch

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_flush, 0, 0, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delay, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_getOption, 0, 1, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO(0, option, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_setOption, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, option, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_MIXED, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_setOptions, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, options, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_setBucket, 0, 3, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, host_map, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, forward_map, IS_ARRAY, 1)
	ZEND_ARG_TYPE_INFO(0, replicas, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_setSaslAuthData, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, username, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, password, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_setEncodingKey, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_isPersistent arginfo_class_MemRehash_Memcached_resetServerList

#define arginfo_class_MemRehash_Memcached_isPristine arginfo_class_MemRehash_Memcached_resetServerList

#define arginfo_class_MemRehash_Memcached_checkKey arginfo_class_MemRehash_Memcached_setEncodingKey

#define arginfo_class_MemRehash_Memcached_stats arginfo_class_MemRehash_Memcached_getServerList

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_locate, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_MemRehash_Memcached_getOldServers arginfo_class_MemRehash_Memcached_getServerList

#define arginfo_class_MemRehash_Memcached_getNewServers arginfo_class_MemRehash_Memcached_getServerList

#define arginfo_class_MemRehash_Memcached_isComplete arginfo_class_MemRehash_Memcached_resetServerList

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_complete, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_MemRehash_Memcached_drain, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, server, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()


ZEND_METHOD(MemRehash_Memcached, __construct);
ZEND_METHOD(MemRehash_Memcached, fromMemcached);
ZEND_METHOD(MemRehash_Memcached, getResultCode);
ZEND_METHOD(MemRehash_Memcached, getResultMessage);
ZEND_METHOD(MemRehash_Memcached, get);
ZEND_METHOD(MemRehash_Memcached, getByKey);
ZEND_METHOD(MemRehash_Memcached, getMulti);
ZEND_METHOD(MemRehash_Memcached, getMultiByKey);
ZEND_METHOD(MemRehash_Memcached, getDelayed);
ZEND_METHOD(MemRehash_Memcached, getDelayedByKey);
ZEND_METHOD(MemRehash_Memcached, fetch);
ZEND_METHOD(MemRehash_Memcached, fetchAll);
ZEND_METHOD(MemRehash_Memcached, set);
ZEND_METHOD(MemRehash_Memcached, setByKey);
ZEND_METHOD(MemRehash_Memcached, touch);
ZEND_METHOD(MemRehash_Memcached, touchByKey);
ZEND_METHOD(MemRehash_Memcached, setMulti);
ZEND_METHOD(MemRehash_Memcached, setMultiByKey);
ZEND_METHOD(MemRehash_Memcached, cas);
ZEND_METHOD(MemRehash_Memcached, casByKey);
ZEND_METHOD(MemRehash_Memcached, add);
ZEND_METHOD(MemRehash_Memcached, addByKey);
ZEND_METHOD(MemRehash_Memcached, append);
ZEND_METHOD(MemRehash_Memcached, appendByKey);
ZEND_METHOD(MemRehash_Memcached, prepend);
ZEND_METHOD(MemRehash_Memcached, prependByKey);
ZEND_METHOD(MemRehash_Memcached, replace);
ZEND_METHOD(MemRehash_Memcached, replaceByKey);
ZEND_METHOD(MemRehash_Memcached, delete);
ZEND_METHOD(MemRehash_Memcached, deleteMulti);
ZEND_METHOD(MemRehash_Memcached, deleteByKey);
ZEND_METHOD(MemRehash_Memcached, deleteMultiByKey);
ZEND_METHOD(MemRehash_Memcached, increment);
ZEND_METHOD(MemRehash_Memcached, decrement);
ZEND_METHOD(MemRehash_Memcached, incrementByKey);
ZEND_METHOD(MemRehash_Memcached, decrementByKey);
ZEND_METHOD(MemRehash_Memcached, addServer);
ZEND_METHOD(MemRehash_Memcached, addServers);
ZEND_METHOD(MemRehash_Memcached, getServerList);
ZEND_METHOD(MemRehash_Memcached, getServerByKey);
ZEND_METHOD(MemRehash_Memcached, resetServerList);
ZEND_METHOD(MemRehash_Memcached, quit);
ZEND_METHOD(MemRehash_Memcached, flushBuffers);
ZEND_METHOD(MemRehash_Memcached, getLastErrorMessage);
ZEND_METHOD(MemRehash_Memcached, getLastErrorCode);
ZEND_METHOD(MemRehash_Memcached, getLastErrorErrno);
ZEND_METHOD(MemRehash_Memcached, getLastDisconnectedServer);
ZEND_METHOD(MemRehash_Memcached, getStats);
ZEND_METHOD(MemRehash_Memcached, getVersion);
ZEND_METHOD(MemRehash_Memcached, getAllKeys);
ZEND_METHOD(MemRehash_Memcached, flush);
ZEND_METHOD(MemRehash_Memcached, getOption);
ZEND_METHOD(MemRehash_Memcached, setOption);
ZEND_METHOD(MemRehash_Memcached, setOptions);
ZEND_METHOD(MemRehash_Memcached, setBucket);
ZEND_METHOD(MemRehash_Memcached, setSaslAuthData);
ZEND_METHOD(MemRehash_Memcached, setEncodingKey);
ZEND_METHOD(MemRehash_Memcached, isPersistent);
ZEND_METHOD(MemRehash_Memcached, isPristine);
ZEND_METHOD(MemRehash_Memcached, checkKey);
ZEND_METHOD(MemRehash_Memcached, stats);
ZEND_METHOD(MemRehash_Memcached, locate);
ZEND_METHOD(MemRehash_Memcached, getOldServers);
ZEND_METHOD(MemRehash_Memcached, getNewServers);
ZEND_METHOD(MemRehash_Memcached, isComplete);
ZEND_METHOD(MemRehash_Memcached, complete);
ZEND_METHOD(MemRehash_Memcached, drain);


static const zend_function_entry class_MemRehash_Memcached_methods[] = {
	ZEND_ME(MemRehash_Memcached, __construct, arginfo_class_MemRehash_Memcached___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, fromMemcached, arginfo_class_MemRehash_Memcached_fromMemcached, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(MemRehash_Memcached, getResultCode, arginfo_class_MemRehash_Memcached_getResultCode, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getResultMessage, arginfo_class_MemRehash_Memcached_getResultMessage, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, get, arginfo_class_MemRehash_Memcached_get, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getByKey, arginfo_class_MemRehash_Memcached_getByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getMulti, arginfo_class_MemRehash_Memcached_getMulti, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getMultiByKey, arginfo_class_MemRehash_Memcached_getMultiByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getDelayed, arginfo_class_MemRehash_Memcached_getDelayed, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getDelayedByKey, arginfo_class_MemRehash_Memcached_getDelayedByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, fetch, arginfo_class_MemRehash_Memcached_fetch, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, fetchAll, arginfo_class_MemRehash_Memcached_fetchAll, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, set, arginfo_class_MemRehash_Memcached_set, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, setByKey, arginfo_class_MemRehash_Memcached_setByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, touch, arginfo_class_MemRehash_Memcached_touch, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, touchByKey, arginfo_class_MemRehash_Memcached_touchByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, setMulti, arginfo_class_MemRehash_Memcached_setMulti, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, setMultiByKey, arginfo_class_MemRehash_Memcached_setMultiByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, cas, arginfo_class_MemRehash_Memcached_cas, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, casByKey, arginfo_class_MemRehash_Memcached_casByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, add, arginfo_class_MemRehash_Memcached_add, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, addByKey, arginfo_class_MemRehash_Memcached_addByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, append, arginfo_class_MemRehash_Memcached_append, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, appendByKey, arginfo_class_MemRehash_Memcached_appendByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, prepend, arginfo_class_MemRehash_Memcached_prepend, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, prependByKey, arginfo_class_MemRehash_Memcached_prependByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, replace, arginfo_class_MemRehash_Memcached_replace, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, replaceByKey, arginfo_class_MemRehash_Memcached_replaceByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, delete, arginfo_class_MemRehash_Memcached_delete, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, deleteMulti, arginfo_class_MemRehash_Memcached_deleteMulti, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, deleteByKey, arginfo_class_MemRehash_Memcached_deleteByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, deleteMultiByKey, arginfo_class_MemRehash_Memcached_deleteMultiByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, increment, arginfo_class_MemRehash_Memcached_increment, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, decrement, arginfo_class_MemRehash_Memcached_decrement, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, incrementByKey, arginfo_class_MemRehash_Memcached_incrementByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, decrementByKey, arginfo_class_MemRehash_Memcached_decrementByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, addServer, arginfo_class_MemRehash_Memcached_addServer, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, addServers, arginfo_class_MemRehash_Memcached_addServers, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getServerList, arginfo_class_MemRehash_Memcached_getServerList, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getServerByKey, arginfo_class_MemRehash_Memcached_getServerByKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, resetServerList, arginfo_class_MemRehash_Memcached_resetServerList, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, quit, arginfo_class_MemRehash_Memcached_quit, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, flushBuffers, arginfo_class_MemRehash_Memcached_flushBuffers, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getLastErrorMessage, arginfo_class_MemRehash_Memcached_getLastErrorMessage, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getLastErrorCode, arginfo_class_MemRehash_Memcached_getLastErrorCode, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getLastErrorErrno, arginfo_class_MemRehash_Memcached_getLastErrorErrno, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getLastDisconnectedServer, arginfo_class_MemRehash_Memcached_getLastDisconnectedServer, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getStats, arginfo_class_MemRehash_Memcached_getStats, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getVersion, arginfo_class_MemRehash_Memcached_getVersion, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getAllKeys, arginfo_class_MemRehash_Memcached_getAllKeys, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, flush, arginfo_class_MemRehash_Memcached_flush, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getOption, arginfo_class_MemRehash_Memcached_getOption, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, setOption, arginfo_class_MemRehash_Memcached_setOption, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, setOptions, arginfo_class_MemRehash_Memcached_setOptions, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, setBucket, arginfo_class_MemRehash_Memcached_setBucket, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, setSaslAuthData, arginfo_class_MemRehash_Memcached_setSaslAuthData, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, setEncodingKey, arginfo_class_MemRehash_Memcached_setEncodingKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, isPersistent, arginfo_class_MemRehash_Memcached_isPersistent, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, isPristine, arginfo_class_MemRehash_Memcached_isPristine, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, checkKey, arginfo_class_MemRehash_Memcached_checkKey, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, stats, arginfo_class_MemRehash_Memcached_stats, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, locate, arginfo_class_MemRehash_Memcached_locate, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getOldServers, arginfo_class_MemRehash_Memcached_getOldServers, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, getNewServers, arginfo_class_MemRehash_Memcached_getNewServers, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, isComplete, arginfo_class_MemRehash_Memcached_isComplete, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, complete, arginfo_class_MemRehash_Memcached_complete, ZEND_ACC_PUBLIC)
	ZEND_ME(MemRehash_Memcached, drain, arginfo_class_MemRehash_Memcached_drain, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static zend_class_entry *register_class_MemRehash_Memcached(zend_class_entry *class_entry_Memcached)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "MemRehash", "Memcached", class_MemRehash_Memcached_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Memcached);

	return class_entry;
}
