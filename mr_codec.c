/* mr_codec: PHP values <-> memcached item bytes and client flags, in PECL
 * memcached 3.2.0's format (php_memcached.c, s_zval_to_payload and
 * s_memcached_result_to_zval), so either extension reads what the other
 * wrote.
 *
 * The format, as PECL writes it:
 *   string  the bytes, type 0
 *   int     decimal text, type 1, never compressed
 *   float   shortest round-trip digits laid out by David Gay's g_fmt
 *           (".1", "1e+100", "-0", "Infinity", "NaN"), type 2, never compressed
 *   bool    "1" or "", type 3, never compressed
 *   other   (null, arrays, objects) through the serializer: type 4 php,
 *           5 igbinary, 6 json, 7 msgpack
 * Strings and serialized payloads of at least `threshold` bytes are
 * compressed, and kept compressed only if len > compressed * factor; a
 * compressed payload is the uncompressed length (4 bytes, little endian) then
 * the FastLZ block or zlib stream, flagged 0x10 | 0x40 (fastlz) or 0x20 (zlib). */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_smart_str.h"
#include "zend_strtod.h"
#include "ext/standard/php_var.h"
#include "ext/standard/basic_functions.h"
#include "ext/json/php_json.h"
#include <zlib.h>

#include "mr_codec.h"
#include "mr_fastlz.h"

#if defined(ZTS) && defined(COMPILE_DL_MEMREHASH)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

/* Refuse a compressed payload that claims more than this when uncompressed:
 * a corrupt length must not make a get allocate gigabytes. */
#define MR_CODEC_MAX_EXPANDED ((size_t)1 << 30)
/* The most either format can expand one compressed byte: FastLZ level 2's
 * 255-chains give about 255x, deflate's limit is 1032x. */
#define MR_CODEC_FASTLZ_RATIO 256
#define MR_CODEC_ZLIB_RATIO   1040

void mr_codec_opts_default(mr_codec_opts_t *opts)
{
	/* What `new Memcached()` does with Debian's build and no INI changes. */
	opts->serializer = MR_SER_PHP;
	opts->compression = MR_COMP_FASTLZ;
	opts->threshold = 2000;
	opts->factor = 1.3;
	opts->user_flags = 0;
}

/* Returns the internal function `name` if its extension is loaded, else NULL
 * (a userland function of that name is not the serializer). */
static zend_function *php_function(const char *name, size_t len)
{
	zend_function *fn = zend_hash_str_find_ptr(CG(function_table), name, len);

	return fn && fn->type == ZEND_INTERNAL_FUNCTION ? fn : NULL;
}

/* Returns SUCCESS with rv set to name(arg), or FAILURE (function missing or
 * threw; a thrown exception stays pending for the caller) with rv UNDEF. */
static zend_result call_php_function(const char *name, size_t len, zval *arg, zval *rv)
{
	zend_function *fn = php_function(name, len);

	ZVAL_UNDEF(rv);
	if (!fn) {
		return FAILURE;
	}
	zend_call_known_function(fn, NULL, NULL, rv, 1, arg, NULL);
	if (EG(exception) || Z_ISUNDEF_P(rv)) {
		zval_ptr_dtor(rv);
		ZVAL_UNDEF(rv);
		return FAILURE;
	}
	return SUCCESS;
}

bool mr_codec_serializer_available(mr_serializer_t s)
{
	switch (s) {
		case MR_SER_PHP:
		case MR_SER_JSON:
		case MR_SER_JSON_ARRAY:
			return true;
		case MR_SER_IGBINARY:
			return php_function(ZEND_STRL("igbinary_serialize")) && php_function(ZEND_STRL("igbinary_unserialize"));
		case MR_SER_MSGPACK:
			return php_function(ZEND_STRL("msgpack_pack")) && php_function(ZEND_STRL("msgpack_unpack"));
	}
	return false;
}

/* Returns the length of x written into b (>= 32 bytes, NUL-terminated) the
 * way PECL's php_memcached_g_fmt lays out zend_dtoa's shortest digits. */
static size_t format_double(char *b, double x)
{
	int decpt;
	bool sign;
	char *end;
	char *digits = zend_dtoa(x, 0, 0, &decpt, &sign, &end);
	size_t nd = (size_t)(end - digits);
	char *p = b;

	if (sign) {
		*p++ = '-';
	}
	if (decpt == 9999) {                       /* "Infinity" or "NaN" */
		memcpy(p, digits, nd);
		p += nd;
	} else if (decpt <= -4 || decpt > (int)nd + 5) {
		int e = decpt - 1;                     /* d[.ddd]e+XX, two digits at least */
		*p++ = digits[0];
		if (nd > 1) {
			*p++ = '.';
			memcpy(p, digits + 1, nd - 1);
			p += nd - 1;
		}
		*p++ = 'e';
		*p++ = e < 0 ? '-' : '+';
		e = e < 0 ? -e : e;
		if (e >= 100) {
			*p++ = (char)('0' + e / 100);
		}
		*p++ = (char)('0' + e / 10 % 10);
		*p++ = (char)('0' + e % 10);
	} else if (decpt <= 0) {                   /* ".000ddd": no leading zero */
		*p++ = '.';
		memset(p, '0', (size_t)-decpt);
		p += -decpt;
		memcpy(p, digits, nd);
		p += nd;
	} else if ((size_t)decpt >= nd) {          /* "ddd000" */
		memcpy(p, digits, nd);
		p += nd;
		memset(p, '0', (size_t)decpt - nd);
		p += (size_t)decpt - nd;
	} else {                                   /* "dd.ddd" */
		memcpy(p, digits, (size_t)decpt);
		p += decpt;
		*p++ = '.';
		memcpy(p, digits + decpt, nd - (size_t)decpt);
		p += nd - (size_t)decpt;
	}
	*p = '\0';
	zend_freedtoa(digits);
	return (size_t)(p - b);
}

/* Returns SUCCESS with value serialized onto buf and the type in *flags, or
 * FAILURE (serializer not loaded, value not representable, or a userland
 * __serialize/__sleep/JsonSerializable threw). */
static zend_result serialize_value(mr_serializer_t ser, zval *value, smart_str *buf, uint32_t *flags)
{
	zval out;

	switch (ser) {
		case MR_SER_PHP: {
			php_serialize_data_t var_hash;
			PHP_VAR_SERIALIZE_INIT(var_hash);
			php_var_serialize(buf, value, &var_hash);
			PHP_VAR_SERIALIZE_DESTROY(var_hash);
			*flags = MR_VAL_SERIALIZED;
			return EG(exception) ? FAILURE : SUCCESS;
		}
		case MR_SER_JSON:
		case MR_SER_JSON_ARRAY:
			/* PECL ignores json errors and stores the partial text, which
			 * no reader can use; refuse instead (INF, bad UTF-8, depth). */
			if (php_json_encode(buf, value, 0) == FAILURE
					|| JSON_G(error_code) != PHP_JSON_ERROR_NONE || EG(exception)) {
				return FAILURE;
			}
			*flags = MR_VAL_JSON;
			return SUCCESS;
		case MR_SER_IGBINARY:
		case MR_SER_MSGPACK:
			if (ser == MR_SER_IGBINARY
					? call_php_function(ZEND_STRL("igbinary_serialize"), value, &out) == FAILURE
					: call_php_function(ZEND_STRL("msgpack_pack"), value, &out) == FAILURE) {
				return FAILURE;
			}
			if (Z_TYPE(out) != IS_STRING) {
				zval_ptr_dtor(&out);
				return FAILURE;
			}
			smart_str_append(buf, Z_STR(out));
			zval_ptr_dtor(&out);
			*flags = ser == MR_SER_IGBINARY ? MR_VAL_IGBINARY : MR_VAL_MSGPACK;
			return SUCCESS;
	}
	return FAILURE;
}

/* Returns whether buf now holds the compressed form of the payload: 4-byte
 * length + block, with the compression bits added to *flags. The payload is
 * src[0..len), or with in_buf the whole of buf (a serialized value); if the
 * compressed form is not kept, buf is left as it was. */
static bool compress_payload(const mr_codec_opts_t *opts, smart_str *buf, const char *src, size_t len, bool in_buf, uint32_t *flags)
{
	size_t keep = in_buf ? len : 0;
	/* PECL's output buffer for zlib: 5% over the input, compress() fails
	 * beyond it. FastLZ needs its documented worst case. */
	size_t zlib_room = (size_t)((double)len * 1.05 + 1.0);
	size_t room = opts->compression == MR_COMP_ZLIB ? zlib_room : len + len / 16 + 66;
	size_t clen = 0;
	uint32_t type_flag;
	char *dst;
	uint32_t orig;

	if (len > UINT32_MAX) {
		return false;
	}
	dst = smart_str_extend(buf, 4 + room);
	if (in_buf) {
		src = ZSTR_VAL(buf->s);     /* extending may have moved it */
	}
	if (opts->compression == MR_COMP_ZLIB) {
		uLongf zlen = (uLongf)room;
		if (compress((Bytef *)dst + 4, &zlen, (const Bytef *)src, (uLong)len) == Z_OK) {
			clen = zlen;
		}
		type_flag = MR_VAL_ZLIB;
	} else {
		clen = mr_fastlz_compress(src, len, dst + 4);
		type_flag = MR_VAL_FASTLZ;
	}
	/* PECL keeps the compressed form only when it saves by the factor. */
	if (clen == 0 || (double)len <= (double)clen * opts->factor) {
		ZSTR_LEN(buf->s) = keep;
		return false;
	}
	orig = (uint32_t)len;
	dst[0] = (char)(orig & 0xff);
	dst[1] = (char)((orig >> 8) & 0xff);
	dst[2] = (char)((orig >> 16) & 0xff);
	dst[3] = (char)(orig >> 24);
	if (in_buf) {
		memmove(ZSTR_VAL(buf->s), dst, 4 + clen);
	}
	ZSTR_LEN(buf->s) = 4 + clen;
	*flags |= MR_VAL_COMPRESSED | type_flag;
	return true;
}

zend_result mr_codec_encode(const mr_codec_opts_t *opts, zval *value, smart_str *buf, uint32_t *flags)
{
	const char *src = NULL;       /* a string value, not copied before compressing;
	                               * NULL: the payload is built in buf */
	size_t len = 0;
	bool compressible = false;
	char num[64];

	if (buf->s) {
		ZSTR_LEN(buf->s) = 0;
	}
	*flags = 0;
	ZVAL_DEREF(value);
	switch (Z_TYPE_P(value)) {
		case IS_STRING:
			src = Z_STRVAL_P(value);
			len = Z_STRLEN_P(value);
			compressible = true;
			*flags = MR_VAL_STRING;
			break;
		case IS_LONG:
			smart_str_append_long(buf, Z_LVAL_P(value));
			*flags = MR_VAL_LONG;
			break;
		case IS_DOUBLE:
			smart_str_appendl(buf, num, format_double(num, Z_DVAL_P(value)));
			*flags = MR_VAL_DOUBLE;
			break;
		case IS_TRUE:
		case IS_FALSE:
			smart_str_appendl(buf, "1", Z_TYPE_P(value) == IS_TRUE);
			*flags = MR_VAL_BOOL;
			break;
		default:                   /* null, arrays, objects: PECL serializes them all */
			if (!mr_codec_serializer_available(opts->serializer)
					|| serialize_value(opts->serializer, value, buf, flags) == FAILURE) {
				if (buf->s) {
					ZSTR_LEN(buf->s) = 0;
				}
				*flags = 0;
				return FAILURE;
			}
			compressible = true;
			break;
	}
	if (!src) {
		smart_str_appendl(buf, "", 0);   /* buf->s exists even for "" */
		len = ZSTR_LEN(buf->s);
	}
	if (!compressible || opts->compression == MR_COMP_NONE || len == 0 || len < opts->threshold
			|| !compress_payload(opts, buf, src, len, src == NULL, flags)) {
		if (src) {
			smart_str_appendl(buf, src, len);
		}
	}
	smart_str_0(buf);
	*flags |= (opts->user_flags & 0xffff) << MR_VAL_USER_SHIFT;
	return SUCCESS;
}

bool mr_codec_is_plain(const mr_codec_opts_t *opts, zval *value, uint32_t *flags)
{
	ZVAL_DEREF(value);
	if (Z_TYPE_P(value) != IS_STRING) {
		return false;
	}
	size_t len = Z_STRLEN_P(value);
	/* mr_codec_encode's test for not compressing at all */
	if (opts->compression != MR_COMP_NONE && len != 0 && len >= opts->threshold) {
		return false;
	}
	*flags = MR_VAL_STRING | ((opts->user_flags & 0xffff) << MR_VAL_USER_SHIFT);
	return true;
}

/* Returns the uncompressed payload (NUL-terminated), or NULL when the
 * header, the compression bits or the block are bad. */
static zend_string *decompress(const char *data, size_t len, uint32_t flags)
{
	const unsigned char *h = (const unsigned char *)data;
	size_t orig, clen;
	zend_string *out;

	/* PECL: fastlz wins when both bits are set; neither is an error. */
	if (len < 4 || !(flags & (MR_VAL_FASTLZ | MR_VAL_ZLIB))) {
		return NULL;
	}
	orig = (size_t)h[0] | ((size_t)h[1] << 8) | ((size_t)h[2] << 16) | ((size_t)h[3] << 24);
	clen = len - 4;
	if (orig > MR_CODEC_MAX_EXPANDED
			|| orig / ((flags & MR_VAL_FASTLZ) ? MR_CODEC_FASTLZ_RATIO : MR_CODEC_ZLIB_RATIO) > clen) {
		return NULL;
	}
	out = zend_string_alloc(orig, 0);
	if (flags & MR_VAL_FASTLZ) {
		/* PECL accepts any non-zero length here and returns the rest of its
		 * buffer uninitialised; only an exact fill is a real value. */
		if (orig == 0 || mr_fastlz_decompress(data + 4, clen, ZSTR_VAL(out), orig) != orig) {
			zend_string_efree(out);
			return NULL;
		}
	} else {
		uLongf olen = (uLongf)orig;
		/* As PECL: a stream shorter than announced gives the shorter value. */
		if (uncompress((Bytef *)ZSTR_VAL(out), &olen, (const Bytef *)data + 4, (uLong)clen) != Z_OK) {
			zend_string_efree(out);
			return NULL;
		}
		ZSTR_LEN(out) = olen;
	}
	ZSTR_VAL(out)[ZSTR_LEN(out)] = '\0';
	return out;
}

/* Returns the integer strtol(p, NULL, 10) finds at the start of p[0..len):
 * C-locale spaces, a sign, digits, clamped on overflow, 0 if none. */
static zend_long parse_long(const char *p, size_t len)
{
	size_t i = 0;
	bool neg = false;
	zend_ulong acc = 0, limit;

	while (i < len && (p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r'))) {
		i++;
	}
	if (i < len && (p[i] == '+' || p[i] == '-')) {
		neg = p[i++] == '-';
	}
	limit = neg ? (zend_ulong)ZEND_LONG_MAX + 1 : (zend_ulong)ZEND_LONG_MAX;
	for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
		zend_ulong d = (zend_ulong)(p[i] - '0');
		if (acc > (limit - d) / 10) {
			return neg ? ZEND_LONG_MIN : ZEND_LONG_MAX;
		}
		acc = acc * 10 + d;
	}
	if (neg) {
		return acc == (zend_ulong)ZEND_LONG_MAX + 1 ? ZEND_LONG_MIN : -(zend_long)acc;
	}
	return (zend_long)acc;
}

/* Returns the double PECL reads from p[0..len): its three spellings of the
 * non-finite values, else zend_strtod up to the first NUL. */
static double parse_double(const char *p, size_t len)
{
	char small[64];
	char *z = small;
	double d;

	if (len == 8 && memcmp(p, "Infinity", 8) == 0) {
		return php_get_inf();
	}
	if (len == 9 && memcmp(p, "-Infinity", 9) == 0) {
		return -php_get_inf();
	}
	if (len == 3 && memcmp(p, "NaN", 3) == 0) {
		return php_get_nan();
	}
	if (len >= sizeof(small)) {
		z = emalloc(len + 1);
	}
	memcpy(z, p, len);
	z[len] = '\0';
	d = zend_strtod(z, NULL);
	if (z != small) {
		efree(z);
	}
	return d;
}

/* Returns SUCCESS with rv set to PHP's unserialize() of s, or FAILURE. A
 * nested call (from a Serializable::unserialize) shares the outer var_hash,
 * as unserialize() does, so its value is kept alive there. */
static zend_result unserialize_php(zend_string *s, zval *rv)
{
	php_unserialize_data_t var_hash;
	const unsigned char *p = (const unsigned char *)ZSTR_VAL(s);
	zval *target;
	bool nested, ok;

	ZVAL_NULL(rv);
	PHP_VAR_UNSERIALIZE_INIT(var_hash);
	nested = BG(unserialize).level > 1;
	target = nested ? var_tmp_var(&var_hash) : rv;
	ok = php_var_unserialize(target, &p, p + ZSTR_LEN(s), &var_hash);
	if (ok && nested) {
		ZVAL_COPY(rv, target);
	} else if (!ok && !nested) {
		zval_ptr_dtor(rv);
	}
	PHP_VAR_UNSERIALIZE_DESTROY(var_hash);   /* runs __wakeup/__unserialize */
	if (ok && EG(exception)) {
		zval_ptr_dtor(rv);
		ok = false;
	}
	if (!ok) {
		ZVAL_UNDEF(rv);
		return FAILURE;
	}
	if (Z_ISREF_P(rv)) {
		zend_unwrap_reference(rv);
	}
	return SUCCESS;
}

/* Returns whether s is exactly the encoding of a lone null/false scalar;
 * igbinary and msgpack return null/false on a parse error too. */
static bool is_scalar_encoding(zend_string *s, mr_serializer_t ser, bool is_null)
{
	const unsigned char *p = (const unsigned char *)ZSTR_VAL(s);

	if (ser == MR_SER_MSGPACK) {
		return ZSTR_LEN(s) == 1 && p[0] == (is_null ? 0xc0 : 0xc2);
	}
	return ZSTR_LEN(s) == 5 && p[0] == 0 && p[1] == 0 && p[2] == 0
		&& (p[3] == 1 || p[3] == 2) && p[4] == (is_null ? 0x00 : 0x04);
}

/* Returns the big-endian integer of n (1, 2 or 4) bytes at p. */
static size_t read_be(const unsigned char *p, int n)
{
	size_t v = 0;
	while (n-- > 0) {
		v = (v << 8) | *p++;
	}
	return v;
}

/* Returns the end of the one msgpack value at p, or NULL when it runs past
 * end, nests too deep, uses the reserved byte, or has a map key that is not
 * nil, an integer or a string (all msgpack-php writes). msgpack 2.2 frees
 * twice on some malformed input, so only well-formed data may reach it. */
static const unsigned char *msgpack_skip(const unsigned char *p, const unsigned char *end, int depth, bool is_key)
{
	/* Bytes after the type byte: length-field size, or fixed payload size. */
	static const signed char lenbytes[] = { /* 0xc4.. */ 1, 2, 4, 1, 2, 4 };
	static const unsigned char fixed[] = { /* 0xca.. */ 4, 8, 1, 2, 4, 8, 1, 2, 4, 8, 2, 3, 5, 9, 17 };
	size_t n = 0, items = 0, i;
	bool map = false;
	unsigned b;

	if (p >= end || depth > 512) {
		return NULL;
	}
	b = *p++;
	if (b <= 0x7f || b >= 0xe0 || b == 0xc0) {
		return p;                                   /* fixint, nil */
	}
	if (is_key && !(b >= 0xa0 && b <= 0xbf) && !(b >= 0xcc && b <= 0xd3) && !(b >= 0xd9 && b <= 0xdb)) {
		return NULL;
	}
	if (b <= 0x8f) {
		items = 2 * (size_t)(b & 0x0f);
		map = true;
	} else if (b <= 0x9f) {
		items = b & 0x0f;
	} else if (b <= 0xbf) {
		n = b & 0x1f;                               /* fixstr */
	} else if (b == 0xc2 || b == 0xc3) {
		return p;
	} else if (b >= 0xc4 && b <= 0xc9) {            /* bin, ext: length, [type], data */
		int lb = lenbytes[b - 0xc4];
		if (end - p < lb) {
			return NULL;
		}
		n = read_be(p, lb) + (b >= 0xc7);
		p += lb;
	} else if (b >= 0xca && b <= 0xd8) {
		n = fixed[b - 0xca];
	} else if (b >= 0xd9 && b <= 0xdf) {            /* str, array, map with a length */
		int lb = b == 0xd9 ? 1 : (b == 0xda || b == 0xdc || b == 0xde) ? 2 : 4;
		if (end - p < lb) {
			return NULL;
		}
		n = read_be(p, lb);
		p += lb;
		if (b >= 0xdc) {
			map = b >= 0xde;
			items = map ? 2 * n : n;
			n = 0;
		}
	} else {
		return NULL;                                /* 0xc1 */
	}
	if (n > (size_t)(end - p) || items > (size_t)(end - p)) {
		return NULL;
	}
	p += n;
	for (i = 0; i < items && p; i++) {
		p = msgpack_skip(p, end, depth + 1, map && i % 2 == 0);
	}
	return p;
}

/* Returns SUCCESS with rv set to igbinary_unserialize(s) or msgpack_unpack(s),
 * or FAILURE (not loaded, threw, or the data did not parse). */
static zend_result unserialize_by_function(zend_string *s, mr_serializer_t ser, zval *rv)
{
	zval arg;
	zend_result r;
	const unsigned char *p = (const unsigned char *)ZSTR_VAL(s);

	if (ser == MR_SER_MSGPACK && !msgpack_skip(p, p + ZSTR_LEN(s), 0, false)) {
		ZVAL_UNDEF(rv);
		return FAILURE;
	}
	ZVAL_STR(&arg, s);
	r = ser == MR_SER_IGBINARY
		? call_php_function(ZEND_STRL("igbinary_unserialize"), &arg, rv)
		: call_php_function(ZEND_STRL("msgpack_unpack"), &arg, rv);
	if (r == SUCCESS && (Z_TYPE_P(rv) == IS_NULL || Z_TYPE_P(rv) == IS_FALSE)
			&& !is_scalar_encoding(s, ser, Z_TYPE_P(rv) == IS_NULL)) {
		zval_ptr_dtor(rv);
		ZVAL_UNDEF(rv);
		r = FAILURE;
	}
	return r;
}

/* Returns SUCCESS with rv set to the value of the serialized payload s of
 * the given type, or FAILURE. json_array: decode JSON objects as arrays. */
static zend_result unserialize_value(zend_string *s, uint32_t type, bool json_array, zval *rv)
{
	switch (type) {
		case MR_VAL_SERIALIZED:
			return unserialize_php(s, rv);
		case MR_VAL_IGBINARY:
			return unserialize_by_function(s, MR_SER_IGBINARY, rv);
		case MR_VAL_MSGPACK:
			return unserialize_by_function(s, MR_SER_MSGPACK, rv);
		case MR_VAL_JSON:
			/* PECL returns null for unparsable JSON; it is a corrupt payload. */
			if (php_json_decode_ex(rv, ZSTR_VAL(s), ZSTR_LEN(s), json_array ? PHP_JSON_OBJECT_AS_ARRAY : 0,
					PHP_JSON_PARSER_DEFAULT_DEPTH) == FAILURE || EG(exception)) {
				zval_ptr_dtor(rv);
				ZVAL_UNDEF(rv);
				return FAILURE;
			}
			return SUCCESS;
	}
	ZVAL_UNDEF(rv);
	return FAILURE;
}

/* Returns SUCCESS with rv set, or FAILURE with rv UNDEF; see mr_codec_decode.
 * json_array is PECL's json_array serializer: the reader's choice, since
 * the flags say only "json". */
static zend_result decode(const char *data, size_t len, uint32_t flags, bool json_array, zval *rv)
{
	uint32_t type = flags & MR_VAL_TYPE_MASK;
	zend_string *s = NULL;
	zend_result r = SUCCESS;

	ZVAL_UNDEF(rv);
	if (type > MR_VAL_MSGPACK || (!data && len > 0)) {
		return FAILURE;
	}
	if (!data) {
		data = "";
	}
	if (flags & MR_VAL_COMPRESSED) {
		if (!(s = decompress(data, len, flags))) {
			return FAILURE;
		}
		data = ZSTR_VAL(s);
		len = ZSTR_LEN(s);
	}
	switch (type) {
		case MR_VAL_STRING:
			if (s) {
				ZVAL_STR(rv, s);          /* the decompressed buffer is the value */
				return SUCCESS;
			}
			ZVAL_STRINGL_FAST(rv, data, len);
			return SUCCESS;
		case MR_VAL_LONG:
			ZVAL_LONG(rv, parse_long(data, len));
			break;
		case MR_VAL_DOUBLE:
			ZVAL_DOUBLE(rv, parse_double(data, len));
			break;
		case MR_VAL_BOOL:
			ZVAL_BOOL(rv, len > 0 && data[0] == '1');
			break;
		default:
			/* The parsers read up to a NUL terminator (re2c scanners), so
			 * they get a zend_string, never the caller's bytes. */
			if (!s) {
				s = zend_string_init(data, len, 0);
			}
			r = unserialize_value(s, type, json_array, rv);
			break;
	}
	if (s) {
		zend_string_release_ex(s, 0);
	}
	return r;
}

zend_result mr_codec_decode(const char *data, size_t len, uint32_t flags, zval *rv)
{
	return decode(data, len, flags, false, rv);
}

/* Returns as mr_codec_decode, decoding JSON objects to arrays when the
 * reader's serializer is json_array, as PECL does. */
zend_result mr_codec_decode_opts(const mr_codec_opts_t *opts, const char *data, size_t len, uint32_t flags, zval *rv)
{
	return decode(data, len, flags, opts->serializer == MR_SER_JSON_ARRAY, rv);
}
