/* fuzz_metadump: mr_drain_parse_metadump_line (mr_drain.c), the parser of
 * `lru_crawler metadump` lines that drain() walks, on any bytes.
 *
 * Checks, beyond "no crash, no read past the line":
 *   - an accepted key is 1..250 bytes, NUL-terminated, and free of the bytes
 *     that would let it inject a command (whitespace, control, DEL);
 *   - what was accepted survives a round trip: the key url-encoded again,
 *     with the exp and size read, parses back to the same fields. */
#include "php.h"
#include "mr_drain.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_metadump: check failed at line %d: %s\n", __LINE__, #cond); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *) data;
	mr_metadump_t md;

	memset(&md, 0xa5, sizeof(md));
	bool ok = mr_drain_parse_metadump_line(line, size, &md);
	if (!ok) {
		return 0;
	}
	CHECK(md.klen >= 1 && md.klen <= MR_KEY_MAX);
	CHECK(md.key[md.klen] == '\0');
	for (size_t i = 0; i < md.klen; i++) {
		unsigned char c = (unsigned char) md.key[i];
		CHECK(c > 0x20 && c != 0x7f);
	}
	CHECK(md.exp >= -1 && md.size >= -1); /* what memcached prints; lower would overflow TTL arithmetic */

	/* round trip: memcached's own spelling of the same item */
	char again[3 * MR_KEY_MAX + 128];
	size_t n = (size_t) snprintf(again, sizeof(again), "key=");
	for (size_t i = 0; i < md.klen; i++) {
		unsigned char c = (unsigned char) md.key[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.') {
			again[n++] = (char) c;
		} else {
			n += (size_t) snprintf(again + n, sizeof(again) - n, "%%%02X", c);
		}
	}
	n += (size_t) snprintf(again + n, sizeof(again) - n, " exp=%" PRId64 " la=1 cas=2 fetch=no cls=1 size=%" PRId64,
		md.exp, md.size);
	CHECK(n < sizeof(again));
	/* an exact-size copy: ASan sees a read past it */
	char *copy = malloc(n);
	memcpy(copy, again, n);
	mr_metadump_t md2;
	bool ok2 = mr_drain_parse_metadump_line(copy, n, &md2);
	free(copy);
	if (md.size == -1 || md.exp < -1) {
		/* "size=-1" / a negative exp may be refused by a stricter parser; either is fine */
		return 0;
	}
	CHECK(ok2);
	CHECK(md2.klen == md.klen && memcmp(md2.key, md.key, md.klen) == 0);
	CHECK(md2.exp == md.exp);
	CHECK(md2.size == md.size);
	return 0;
}
