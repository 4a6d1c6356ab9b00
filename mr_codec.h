/* mr_codec: PHP values <-> memcached item bytes and client flags, in PECL
 * memcached's format, so either extension reads what the other wrote. */
#ifndef MR_CODEC_H
#define MR_CODEC_H

#include "php.h"
#include "zend_smart_str.h"

/* Value type, bits 0-3 of the client flags (PECL memcached's numbering). */
#define MR_VAL_STRING      0
#define MR_VAL_LONG        1
#define MR_VAL_DOUBLE      2
#define MR_VAL_BOOL        3
#define MR_VAL_SERIALIZED  4
#define MR_VAL_IGBINARY    5
#define MR_VAL_JSON        6
#define MR_VAL_MSGPACK     7
#define MR_VAL_TYPE_MASK   0xf

#define MR_VAL_COMPRESSED  (1u << 4)
#define MR_VAL_ZLIB        (1u << 5)
#define MR_VAL_FASTLZ      (1u << 6)
#define MR_VAL_USER_SHIFT  16

typedef enum {
	MR_SER_PHP = 0,
	MR_SER_IGBINARY,
	MR_SER_JSON,
	MR_SER_JSON_ARRAY,
	MR_SER_MSGPACK
} mr_serializer_t;

typedef enum {
	MR_COMP_NONE = 0,
	MR_COMP_FASTLZ,
	MR_COMP_ZLIB
} mr_compression_t;

typedef struct {
	mr_serializer_t serializer;
	mr_compression_t compression;
	size_t threshold;   /* compress payloads of at least this many bytes (as PECL) */
	double factor;      /* keep compressed only if orig > compressed * factor */
	uint32_t user_flags; /* stored in the high 16 bits */
} mr_codec_opts_t;

void mr_codec_opts_default(mr_codec_opts_t *opts);

/* Returns SUCCESS and fills buf (reset first) and *flags, or FAILURE with a
 * PHP warning-free error (value cannot be serialized). buf stays owned by the
 * caller and can be reused across calls. */
zend_result mr_codec_encode(const mr_codec_opts_t *opts, zval *value, smart_str *buf, uint32_t *flags);

/* Returns true when value's item bytes are its own bytes, unchanged (a
 * string that is not compressed), with *flags set as mr_codec_encode sets
 * them: the caller may then take the bytes without encoding them. */
bool mr_codec_is_plain(const mr_codec_opts_t *opts, zval *value, uint32_t *flags);

/* Returns SUCCESS with rv set, or FAILURE (corrupt or truncated payload,
 * unknown type, serializer not loaded); rv is then UNDEF. Never reads past
 * data+len. */
zend_result mr_codec_decode(const char *data, size_t len, uint32_t flags, zval *rv);

/* The same, with the reader's options: json_array decodes JSON objects as
 * arrays, which nothing in the flags records. */
zend_result mr_codec_decode_opts(const mr_codec_opts_t *opts, const char *data, size_t len, uint32_t flags, zval *rv);

/* Returns whether the serializer can be used in this process (extension loaded). */
bool mr_codec_serializer_available(mr_serializer_t s);

#endif
