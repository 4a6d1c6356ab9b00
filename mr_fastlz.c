/* mr_fastlz: the FastLZ block format, written from its description.
 *
 * A block is a sequence of instructions. The top 3 bits of the first byte
 * carry the level (0: level 1, 1: level 2), and the first instruction is
 * always a literal run, so its low 5 bits are read as one. Then:
 *
 *   000LLLLL                  literal run of L+1 bytes (1..32) that follow
 *   NNNDDDDD dddddddd         match, N in 1..6: copy N+2 bytes from
 *                             D*256+d+1 bytes back
 *   111DDDDD e dddddddd       long match: copy e+9 bytes (level 1, 9..264)
 *
 * Level 2 changes two things: a long match's length byte e may be a chain
 * of 255s ended by a smaller byte, all summed; and the near distance
 * D=31,d=255 is an escape followed by a 16-bit big-endian distance F,
 * meaning F+8192 bytes back. The block ends where the input ends, exactly
 * after an instruction.
 *
 * The compressor always emits level 1 (any decoder dispatches on the level
 * bits): a greedy single-probe hash of 3-byte sequences. */
#include "mr_fastlz.h"

#include <stdint.h>
#include <string.h>

#define LZ_MAX_LITERAL  32              /* longest literal run */
#define LZ_MIN_MATCH    3
#define LZ_MAX_MATCH    264             /* level 1: 8 + 1 + 255 */
#define LZ_MAX_BACK     8192            /* level 1 window */
#define LZ_L2_NEAR      8191            /* level 2: largest near distance */
#define LZ_HASH_BITS    14
#define LZ_MIN_INPUT    16              /* below this, not worth compressing */

/* Returns the 4 bytes at p as a native integer (unaligned-safe). */
static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Returns the hash-table slot of 3 bytes v (as read by seq3). */
static inline uint32_t hash_of(uint32_t v, unsigned bits)
{
	return (v * 2654435761u) >> (32 - bits);
}

/* Returns the 3 bytes at p as a number (the 4th byte must be readable). */
static inline uint32_t seq3(const uint8_t *p)
{
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return load32(p) & 0xffffff; /* one load, the same value */
#else
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
#endif
}

/* Returns the hash-table slot of the 3 bytes at p. */
static inline uint32_t hash3(const uint8_t *p, unsigned bits)
{
	return hash_of(seq3(p), bits);
}

/* Returns the hash table size (bits) for an input of len bytes: a table much
 * larger than the input costs more to clear than it saves. */
static unsigned hash_bits_for(size_t len)
{
	unsigned bits = 10;
	while (bits < LZ_HASH_BITS && ((size_t)1 << bits) < len) {
		bits++;
	}
	return bits;
}

/* Returns out advanced past the literal runs that hold lit[0..n). */
static uint8_t *emit_literals(uint8_t *out, const uint8_t *lit, size_t n)
{
	while (n > 0) {
		size_t run = n > LZ_MAX_LITERAL ? LZ_MAX_LITERAL : n;
		*out++ = (uint8_t)(run - 1);
		memcpy(out, lit, run);
		out += run;
		lit += run;
		n -= run;
	}
	return out;
}

/* Returns out advanced past one level-1 match (len 3..264, back 1..8192). */
static uint8_t *emit_match(uint8_t *out, size_t len, size_t back)
{
	size_t d = back - 1;

	if (len <= 8) {
		*out++ = (uint8_t)(((len - 2) << 5) | (d >> 8));
	} else {
		*out++ = (uint8_t)((7 << 5) | (d >> 8));
		*out++ = (uint8_t)(len - 9);
	}
	*out++ = (uint8_t)(d & 0xff);
	return out;
}

/* Returns how many bytes from a and b agree, at most max (b precedes a). */
static inline size_t match_length(const uint8_t *a, const uint8_t *b, size_t max)
{
	size_t n = 0;

	while (n + 8 <= max) {
		uint64_t x, y;
		memcpy(&x, a + n, 8);
		memcpy(&y, b + n, 8);
		if (x != y) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return n + ((size_t)__builtin_ctzll(x ^ y) >> 3);
#else
			break;
#endif
		}
		n += 8;
	}
	while (n < max && a[n] == b[n]) {
		n++;
	}
	return n;
}

/* Inputs up to 64 KB (every common value) use a table that is never
 * cleared: each entry carries the number of the call that wrote it, and an
 * entry of another call reads as empty. Clearing a 64 KB table cost as much
 * as compressing 10 KB. The output is the same as with a cleared table. */
#define LZ_GEN_MAX_INPUT 65535
static _Thread_local uint32_t gen_table[1 << LZ_HASH_BITS];
static _Thread_local uint32_t gen_now;

/* Returns the position+1 in slot h (0: empty); gen 0: a cleared table. */
static inline uint32_t slot_get(const uint32_t *table, uint32_t h, uint32_t gen)
{
	uint32_t e = table[h];
	if (gen) {
		return (e >> 16) == gen ? (e & 0xffff) : 0;
	}
	return e;
}

static inline void slot_put(uint32_t *table, uint32_t h, uint32_t gen, uint32_t v)
{
	table[h] = gen ? (gen << 16) | v : v;
}

static inline size_t compress_with(const uint8_t *src, size_t len, uint8_t *out, uint32_t *table, unsigned bits, uint32_t gen)
{
	const uint8_t *ip, *anchor;
	const uint8_t *end = src + len;
	const uint8_t *hash_end = end - 4;   /* last position whose 4 bytes may be loaded */
	uint8_t *op = out;
	size_t misses = 0;                   /* probes since the last match: sets the step */

	anchor = src;
	/* The first byte always goes out as a literal: the block must open with
	 * a literal run, whose top bits double as the level. */
	ip = src + 1;
	slot_put(table, hash3(src, bits), gen, 1);

	while (ip <= hash_end) {
		uint32_t seq = seq3(ip);
		uint32_t h = hash_of(seq, bits);
		uint32_t cand = slot_get(table, h, gen);
		size_t pos = (size_t)(ip - src);

		slot_put(table, h, gen, (uint32_t)(pos + 1));
		if (cand != 0) {
			const uint8_t *ref = src + cand - 1;
			size_t back = pos - (cand - 1);

			if (back <= LZ_MAX_BACK && seq3(ref) == seq) {
				size_t room = (size_t)(end - ip);
				size_t mlen;

				if (room > LZ_MAX_MATCH) {
					room = LZ_MAX_MATCH;
				}
				mlen = LZ_MIN_MATCH + match_length(ip + LZ_MIN_MATCH, ref + LZ_MIN_MATCH, room - LZ_MIN_MATCH);
				op = emit_literals(op, anchor, (size_t)(ip - anchor));
				op = emit_match(op, mlen, back);
				ip += mlen;
				anchor = ip;
				misses = 0;
				/* Seed the table inside the match's tail so that the next
				 * repeat can be found from there. */
				if (ip <= hash_end) {
					slot_put(table, hash3(ip - 1, bits), gen, (uint32_t)(ip - 1 - src + 1));
					slot_put(table, hash3(ip - 2, bits), gen, (uint32_t)(ip - 2 - src + 1));
				}
				continue;
			}
		}
		/* Step faster through data that keeps missing (already compressed
		 * or random), as LZ4 does: long literal stretches rarely end in a
		 * match, and probing every byte there is the compressor's worst case. */
		ip += 1 + (misses++ >> 5);
	}
	op = emit_literals(op, anchor, (size_t)(end - anchor));
	return (size_t)(op - out);
}

size_t mr_fastlz_compress(const void *in, size_t len, void *out)
{
	if (len < LZ_MIN_INPUT || len > UINT32_MAX) {
		return 0;
	}
	unsigned bits = hash_bits_for(len);
	if (len <= LZ_GEN_MAX_INPUT) {
		if (++gen_now > 0xffff) {
			memset(gen_table, 0, sizeof(gen_table)); /* once every 65,535 calls */
			gen_now = 1;
		}
		return compress_with(in, len, out, gen_table, bits, gen_now);
	}
	/* Positions are stored +1 so that a zeroed table means "empty". */
	uint32_t table[1 << LZ_HASH_BITS];
	memset(table, 0, sizeof(uint32_t) << bits);
	return compress_with(in, len, out, table, bits, 0);
}

/* Copies n bytes from back bytes behind op to op; the ranges may overlap,
 * which repeats the pattern (back == 1 is a run of one byte). */
static inline void copy_match(uint8_t *op, size_t back, size_t n)
{
	const uint8_t *ref = op - back;

	if (back >= n) {
		memcpy(op, ref, n);
	} else if (back == 1) {
		memset(op, *ref, n);
	} else {
		size_t i;
		for (i = 0; i < n; i++) {
			op[i] = ref[i];
		}
	}
}

/* The same, when at least n + 8 bytes of room follow op: eight bytes at a
 * time, which may write up to 7 bytes past the match (the next instruction
 * overwrites them). Each 8-byte step reads bytes already written when back
 * is 8 or more. */
static inline void copy_match_wild(uint8_t *op, size_t back, size_t n)
{
	const uint8_t *ref = op - back;
	uint8_t *end = op + n;

	if (back < 8) {
		copy_match(op, back, n);
		return;
	}
	do {
		memcpy(op, ref, 8);
		op += 8;
		ref += 8;
	} while (op < end);
}

size_t mr_fastlz_decompress(const void *in, size_t len, void *out, size_t out_cap)
{
	const uint8_t *ip = in;
	const uint8_t *ip_end = ip + len;
	uint8_t *base = out;
	size_t op = 0;
	unsigned level;
	unsigned ctrl;

	if (len == 0) {
		return 0;
	}
	level = (unsigned)(ip[0] >> 5) + 1;
	if (level > 2) {
		return 0;
	}
	ctrl = *ip++ & 31;   /* the first instruction is a literal run */

	for (;;) {
		if (ctrl < 32) {
			size_t run = (size_t)ctrl + 1;
			if (run > (size_t)(ip_end - ip) || run > out_cap - op) {
				return 0;
			}
			if ((size_t)(ip_end - ip) >= 32 && out_cap - op >= 32) {
				/* a fixed-size copy (inlined) beats a call for short runs;
				 * the bytes past the run are overwritten next */
				memcpy(base + op, ip, 16);
				memcpy(base + op + 16, ip + 16, 16);
			} else {
				memcpy(base + op, ip, run);
			}
			ip += run;
			op += run;
		} else {
			size_t mlen = (size_t)(ctrl >> 5) - 1;   /* 0..6, +3 below */
			size_t dist_hi = ctrl & 31;
			size_t dist_lo, back;

			if (mlen == 6) {
				unsigned code;
				do {
					if (ip >= ip_end) {
						return 0;
					}
					code = *ip++;
					mlen += code;
					if (mlen > out_cap) {   /* also bounds the 255-chain */
						return 0;
					}
				} while (level == 2 && code == 255);
			}
			if (ip >= ip_end) {
				return 0;
			}
			dist_lo = *ip++;
			back = (dist_hi << 8) + dist_lo + 1;
			if (level == 2 && dist_hi == 31 && dist_lo == 255) {
				if (ip_end - ip < 2) {
					return 0;
				}
				back = (((size_t)ip[0] << 8) | ip[1]) + LZ_L2_NEAR + 1;
				ip += 2;
			}
			mlen += 3;
			if (back > op || mlen > out_cap - op) {
				return 0;
			}
			if (out_cap - op >= mlen + 8) {
				copy_match_wild(base + op, back, mlen);
			} else {
				copy_match(base + op, back, mlen);
			}
			op += mlen;
		}
		if (ip >= ip_end) {
			break;
		}
		ctrl = *ip++;
	}
	return op;
}
