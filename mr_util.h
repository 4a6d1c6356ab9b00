/* mr_util: the few small helpers that several layers need, written once.
 * Header only (static inline): no layer depends on another to use them. */
#ifndef MR_UTIL_H
#define MR_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Returns the 64-bit FNV-1a hash of s[0..len). */
static inline uint64_t mr_fnv1a64(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ (unsigned char) s[i]) * 1099511628211ULL;
	}
	return h;
}

#endif
