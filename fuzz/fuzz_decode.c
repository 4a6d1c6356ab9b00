/* fuzz_decode: the value decoder, on any item bytes and client flags.
 *
 * Input: 4 bytes of client flags (little endian), then the item's bytes.
 * Each input goes through
 *   1. mr_codec_decode(bytes, flags): every type (string, long, double,
 *      bool, php/igbinary/json/msgpack serialized), compressed or not
 *      (0x10 with 0x40 fastlz and/or 0x20 zlib), with any length header;
 *      on failure the result must be UNDEF, on success a value we free;
 *   2. mr_fastlz_decompress(bytes) into an exact-size buffer whose size comes
 *      from the flags' high 16 bits: never past it, never more than it says;
 *   3. round trips: mr_fastlz_compress then decompress gives the bytes back,
 *      and mr_codec_encode of the bytes as a string (fastlz and zlib, always
 *      compressed) then mr_codec_decode gives the same string.
 *
 * mr_codec needs a PHP runtime (zvals, unserialize, json): the embed SAPI
 * (Debian's libphp8.2-embed) starts one request that lives for the whole run.
 * USE_ZEND_ALLOC=0 puts emalloc on malloc, so ASan sees the codec's heap. */
#include <sapi/embed/php_embed.h>
#include "zend_smart_str.h"
#include "mr_codec.h"
#include "mr_fastlz.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_decode: check failed at line %d: %s\n", __LINE__, #cond); abort(); } } while (0)

static smart_str enc;
static unsigned long runs;

#ifndef FUZZ_EXT_DIR
# define FUZZ_EXT_DIR "/usr/lib/php/20220829"
#endif

/* Loads a serializer extension the way dl() does, but opened here: PHP's
 * own loader (dl(), extension=) passes RTLD_DEEPBIND, which ASan refuses. */
static void load_extension(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.so", FUZZ_EXT_DIR, name);
	void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	zend_module_entry *(*get_module)(void) = h ? (zend_module_entry *(*)(void)) dlsym(h, "get_module") : NULL;
	if (!get_module) {
		fprintf(stderr, "fuzz_decode: %s not loaded (%s): its payloads are fuzzed as unavailable\n",
			name, h ? "no get_module" : dlerror());
		return;
	}
	zend_module_entry *m = get_module();
	m->type = MODULE_PERSISTENT;
	m->module_number = zend_next_free_module();
	m->handle = NULL;   /* never unloaded */
	if ((m = zend_register_module_ex(m)) == NULL || zend_startup_module_ex(m) == FAILURE
			|| (m->request_startup_func && m->request_startup_func(m->type, m->module_number) == FAILURE)) {
		fprintf(stderr, "fuzz_decode: %s did not start\n", name);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setenv("USE_ZEND_ALLOC", "0", 1);
	/* no php.ini: only what we load, whatever the machine's config */
	php_embed_module.php_ini_ignore = 1;
	if (php_embed_init(0, NULL) != SUCCESS) {
		fprintf(stderr, "fuzz_decode: php_embed_init failed\n");
		abort();
	}
	zend_alter_ini_entry_chars(ZSTR_KNOWN(ZEND_STR_ERROR_REPORTING), "0", 1, PHP_INI_USER, PHP_INI_STAGE_RUNTIME);
	zend_string *de = zend_string_init("display_errors", sizeof("display_errors") - 1, 1);
	zend_alter_ini_entry_chars(de, "0", 1, PHP_INI_SYSTEM, PHP_INI_STAGE_RUNTIME);
	zend_string_release(de);
	load_extension("igbinary");
	load_extension("msgpack");
	if (getenv("FUZZ_VERBOSE")) {
		fprintf(stderr, "fuzz_decode: igbinary %s, msgpack %s\n",
			mr_codec_serializer_available(MR_SER_IGBINARY) ? "loaded" : "missing",
			mr_codec_serializer_available(MR_SER_MSGPACK) ? "loaded" : "missing");
	}
	return 0;
}

/* 1: the decoder itself. */
static void decode_any(const char *bytes, size_t len, uint32_t flags)
{
	zval rv;
	ZVAL_TRUE(&rv);
	zend_result r = mr_codec_decode(bytes, len, flags, &rv);
	if (EG(exception)) {
		/* a userland-free decode may still see an exception (unserialize of
		 * an enum that does not exist, ...); it must be reported as a failure */
		CHECK(r == FAILURE);
		zend_clear_exception();
	}
	if (r == SUCCESS) {
		CHECK(!Z_ISUNDEF(rv));
		zval_ptr_dtor(&rv);
	} else {
		CHECK(Z_ISUNDEF(rv));
	}
}

/* 2: fastlz into a buffer of exactly cap bytes. */
static void fastlz_bounded(const char *bytes, size_t len, size_t cap)
{
	char *out = malloc(cap ? cap : 1);
	size_t n = mr_fastlz_decompress(bytes, len, out, cap);
	CHECK(n <= cap);
	free(out);
}

/* 3a: compress, then decompress into exactly the original size. */
static void fastlz_round_trip(const char *bytes, size_t len)
{
	char *c = malloc(len + len / 16 + 66);
	size_t clen = mr_fastlz_compress(bytes, len, c);
	if (len < 16) {
		CHECK(clen == 0);
		free(c);
		return;
	}
	CHECK(clen > 0 && clen <= len + len / 16 + 66);
	char *d = malloc(len);
	size_t dlen = mr_fastlz_decompress(c, clen, d, len);
	if (dlen != len || memcmp(d, bytes, len) != 0) {
		fprintf(stderr, "fuzz_decode: fastlz round trip of %zu bytes gave %zu bytes%s\n",
			len, dlen, dlen == len ? " that differ" : "");
		abort();
	}
	/* one byte less room must be refused, not overrun */
	CHECK(mr_fastlz_decompress(c, clen, d, len - 1) == 0);
	free(d);
	free(c);
}

/* 3b: the codec's own round trip of a string, compressed both ways. */
static void codec_round_trip(const char *bytes, size_t len, uint32_t flags)
{
	mr_codec_opts_t opts;
	mr_codec_opts_default(&opts);
	opts.compression = (flags & 1) ? MR_COMP_ZLIB : MR_COMP_FASTLZ;
	opts.threshold = 0;
	opts.factor = 0.0;   /* keep the compressed form whatever it saves */
	opts.user_flags = flags >> 16;

	zval v, back;
	ZVAL_STRINGL(&v, bytes, len);
	uint32_t f = 0;
	CHECK(mr_codec_encode(&opts, &v, &enc, &f) == SUCCESS);
	CHECK((f & MR_VAL_TYPE_MASK) == MR_VAL_STRING);
	CHECK((f >> MR_VAL_USER_SHIFT) == (flags >> 16));
	size_t elen = enc.s ? ZSTR_LEN(enc.s) : 0;
	char *copy = malloc(elen ? elen : 1);    /* exact size for ASan */
	if (elen) {
		memcpy(copy, ZSTR_VAL(enc.s), elen);
	}
	if (mr_codec_decode(copy, elen, f, &back) != SUCCESS) {
		fprintf(stderr, "fuzz_decode: a %zu-byte string encoded with flags 0x%x (%zu bytes) does not decode\n", len, f, elen);
		abort();
	}
	CHECK(Z_TYPE(back) == IS_STRING);
	CHECK(Z_STRLEN(back) == len && memcmp(Z_STRVAL(back), bytes, len) == 0);
	zval_ptr_dtor(&back);
	zval_ptr_dtor(&v);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t flags = 0;
	if (size >= 4) {
		flags = (uint32_t) data[0] | ((uint32_t) data[1] << 8) | ((uint32_t) data[2] << 16) | ((uint32_t) data[3] << 24);
		data += 4;
		size -= 4;
	}
	/* exact-size copy of the payload: the decoder must not read past it */
	char *bytes = malloc(size ? size : 1);
	memcpy(bytes, data, size);

	decode_any(size ? bytes : NULL, size, flags);
	if (size) {
		decode_any(bytes, size, flags | MR_VAL_COMPRESSED);   /* the same bytes as a compressed payload */
	}
	fastlz_bounded(bytes, size, flags >> 16);
	fastlz_round_trip(bytes, size);
	codec_round_trip(bytes, size, flags);

	free(bytes);
	if (++runs % 4096 == 0) {
		gc_collect_cycles();
	}
	return 0;
}
