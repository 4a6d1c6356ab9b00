/* mr_fastlz: the FastLZ block format (levels 1 and 2), as PECL memcached
 * stores compressed values. Written from the format, not from FastLZ's code. */
#ifndef MR_FASTLZ_H
#define MR_FASTLZ_H

#include <stddef.h>

/* Returns the compressed length written to out (level 1 format), or 0 when the
 * input is too small to compress (< 16 bytes). out must hold at least
 * len + len / 16 + 66 bytes. */
size_t mr_fastlz_compress(const void *in, size_t len, void *out);

/* Returns the decompressed length, or 0 on corrupt input or when the result
 * would not fit in out_cap. Reads only in[0..len), writes only out[0..out_cap). */
size_t mr_fastlz_decompress(const void *in, size_t len, void *out, size_t out_cap);

#endif
