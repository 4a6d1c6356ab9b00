dnl config.m4 for the memrehash extension

PHP_ARG_ENABLE([memrehash],
  [whether to enable memrehash support],
  [AS_HELP_STRING([--enable-memrehash], [Enable memrehash (memcached pool migration)])],
  [no])

PHP_ARG_ENABLE([memrehash-sanitize],
  [whether to build memrehash with ASan/UBSan],
  [AS_HELP_STRING([--enable-memrehash-sanitize], [memrehash: build with -fsanitize=address,undefined (tests only)])],
  [no], [no])

if test "$PHP_MEMREHASH" != "no"; then
  PKG_CHECK_MODULES([LIBMEMCACHED], [libmemcached >= 1.0.18])
  PHP_EVAL_INCLINE($LIBMEMCACHED_CFLAGS)
  PHP_EVAL_LIBLINE($LIBMEMCACHED_LIBS, MEMREHASH_SHARED_LIBADD)

  PKG_CHECK_MODULES([ZLIB], [zlib])
  PHP_EVAL_INCLINE($ZLIB_CFLAGS)
  PHP_EVAL_LIBLINE($ZLIB_LIBS, MEMREHASH_SHARED_LIBADD)

  MEMREHASH_CFLAGS="-Wall -Wextra -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1"
  if test "$PHP_MEMREHASH_SANITIZE" != "no"; then
    MEMREHASH_CFLAGS="$MEMREHASH_CFLAGS -fsanitize=address,undefined -fno-omit-frame-pointer"
    LDFLAGS="$LDFLAGS -fsanitize=address,undefined"
  fi

  PHP_SUBST(MEMREHASH_SHARED_LIBADD)
  PHP_NEW_EXTENSION(memrehash,
    [memrehash.c mr_pool.c mr_layout.c mr_lists.c migrate.c mr_drain.c mr_guard.c mr_lease.c mr_wire.c mr_place.c mr_codec.c mr_fastlz.c mr_counters.c mr_down.c mr_fleet.c mr_session.c mr_face.c mr_memcached.c mr_transition.c mr_bind.c mr_sess_bind.c],
    $ext_shared,, $MEMREHASH_CFLAGS)
  PHP_ADD_EXTENSION_DEP(memrehash, session, true)
fi
