/* mr_util: the few small helpers that several layers need, written once.
 * Header only (static inline), depending on nothing of ours, so any layer
 * may use them without depending on another. */
#ifndef MR_UTIL_H
#define MR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Returns the 64-bit FNV-1a hash of s[0..len). */
static inline uint64_t mr_fnv1a64(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ (unsigned char) s[i]) * 1099511628211ULL;
	}
	return h;
}

/* Returns monotonic milliseconds (for timeouts and intervals). */
static inline uint64_t mr_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Returns monotonic seconds, with a fraction (for pacing and durations). */
static inline double mr_mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Returns true when byte c may appear in a memcached key: the text
 * protocol splits on whitespace, and control bytes and DEL are refused. */
static inline bool mr_key_byte_ok(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/* Returns the offset of the first byte of s[0..len) that may not appear in
 * a key (mr_key_byte_ok), or len when there is none. */
static inline size_t mr_key_bad_byte(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && mr_key_byte_ok((unsigned char) s[i])) {
		i++;
	}
	return i;
}

/* The length of the base64 form of a klen-byte key (the meta protocol's
 * "b" flag carries a key with bytes mr_key_byte_ok refuses that way). */
#define MR_KEY_B64_LEN(klen) ((((klen) + 2) / 3) * 4)

/* Returns true with the value of the decimal digits s[0..len) in *out;
 * false when there are none, a byte is not a digit, or the value is over
 * max. */
static inline bool mr_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 20) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		uint64_t d = (uint64_t) (s[i] - '0');
		if (v > (max - d) / 10) {
			return false;
		}
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Returns true with the value of s[0..len), decimal digits after an
 * optional '-', in *out; false as mr_parse_u64 does. */
static inline bool mr_parse_i64(const char *s, size_t len, int64_t *out)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t v;
	if (!mr_parse_u64(s + neg, len - neg, INT64_MAX, &v)) {
		return false;
	}
	*out = neg ? -(int64_t) v : (int64_t) v;
	return true;
}

/* Returns true when line[0..len) is "STAT <name> <decimal>" (a line of
 * memcached's `stats`), with the number in *out. */
static inline bool mr_stat_u64(const char *line, size_t len, const char *name, uint64_t *out)
{
	size_t nl = strlen(name);
	if (len < 5 + nl + 2 || memcmp(line, "STAT ", 5) != 0 || memcmp(line + 5, name, nl) != 0 || line[5 + nl] != ' ') {
		return false;
	}
	return mr_parse_u64(line + 6 + nl, len - 6 - nl, UINT64_MAX, out);
}

#endif
