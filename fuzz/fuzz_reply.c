/* fuzz_reply: mr_wire_parse_reply, the meta reply parser, on any bytes.
 *
 * Every input is parsed as the reply to each request kind ('g' mg, 's' ms,
 * 'd' md, 'a' ma), once alone and once as a pipelined stream (as
 * conn_parse() walks a connection's buffer). Beyond "no crash, no read past
 * the buffer" (ASan: libFuzzer hands us an exact-size heap copy), it checks
 * what the engine relies on:
 *   - a reply never claims more bytes than it was given;
 *   - a value lies inside the reply, followed by its CRLF;
 *   - a complete reply is self-delimiting: any shorter prefix of it says
 *     "need more" (0), never "bad" (-1) nor a different length, so a reply
 *     that arrives one byte per packet parses exactly like one that arrives
 *     whole;
 *   - the outcome is one the request kind can have. */
#include "mr_wire.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_reply: check failed at line %d: %s\n", __LINE__, #cond); abort(); } } while (0)

static const char kinds[] = { 'g', 's', 'd', 'a' };

/* Returns whether rc is an outcome a reply to kind may carry. */
static int rc_fits(mr_rc_t rc, char kind)
{
	switch (rc) {
		case MR_OK:
		case MR_ERR_CLIENT: case MR_ERR_SERVER: case MR_ERR_TOOBIG:
		case MR_ERR_NOMEM: case MR_ERR_NOTNUM:
			return 1;
		case MR_MISS:
			return 1;
		case MR_NOTSTORED:
			return kind == 's';
		case MR_EXISTS:
			return kind != 'g';
		default:
			return 0; /* the parser never reports timeouts, connect errors, pending */
	}
}

/* Parses buf[0..len) as one reply to kind and checks the invariants. Returns the parser's answer. */
static long parse_one(const char *buf, size_t len, char kind)
{
	mr_reply_t rep;
	long used = mr_wire_parse_reply(buf, len, kind, &rep);

	CHECK(used >= -1);
	CHECK(used <= (long) len);
	if (used <= 0) {
		return used;
	}
	CHECK(used >= 4);                      /* two letters + CRLF at least */
	CHECK(rc_fits(rep.rc, kind));
	if (rep.has_value) {
		CHECK(rep.rc == MR_OK);
		CHECK(kind == 'g' || kind == 'a');
		CHECK(rep.voff <= (size_t) used);
		CHECK(rep.vlen <= (size_t) used - rep.voff);
		CHECK(rep.voff + rep.vlen + 2 == (size_t) used);
		CHECK(buf[rep.voff + rep.vlen] == '\r' && buf[rep.voff + rep.vlen + 1] == '\n');
		CHECK(buf[rep.voff - 2] == '\r' && buf[rep.voff - 1] == '\n');
	} else {
		CHECK(rep.vlen == 0);
		CHECK(buf[used - 2] == '\r' && buf[used - 1] == '\n');
	}
	if (rep.ttl < 0) {
		CHECK(rep.ttl == MR_TTL_NONE || rep.ttl == MR_TTL_UNKNOWN);
	}

	/* Self-delimiting: the reply alone parses the same, and a cut one asks for more. */
	mr_reply_t again;
	CHECK(mr_wire_parse_reply(buf, (size_t) used, kind, &again) == used);
	CHECK(again.rc == rep.rc && again.has_value == rep.has_value && again.voff == rep.voff
		&& again.vlen == rep.vlen && again.has_opaque == rep.has_opaque && again.opaque == rep.opaque
		&& again.flags == rep.flags && again.cas == rep.cas && again.ttl == rep.ttl);
	size_t cuts[] = { 0, 1, (size_t) used / 2, rep.has_value ? rep.voff - 1 : 1,
		rep.has_value ? rep.voff + rep.vlen : 2, (size_t) used - 2, (size_t) used - 1 };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		size_t k = cuts[i];
		if (k >= (size_t) used) {
			continue;
		}
		/* an exact-size copy so ASan sees any read past the cut */
		char *cut = malloc(k ? k : 1);
		memcpy(cut, buf, k);
		long r = mr_wire_parse_reply(cut, k, kind, &again);
		if (r != 0) {
			fprintf(stderr, "fuzz_reply: kind '%c': a %ld-byte reply cut to %zu bytes parsed as %ld, not 0 (need more)\n",
				kind, used, k, r);
			abort();
		}
		free(cut);
	}
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *) data;

	for (size_t k = 0; k < sizeof(kinds); k++) {
		/* one reply */
		parse_one(buf, size, kinds[k]);
		/* a pipeline of replies to the same kind, as conn_parse() walks one */
		size_t pos = 0;
		while (pos < size) {
			long used = parse_one(buf + pos, size - pos, kinds[k]);
			if (used <= 0) {
				break;
			}
			pos += (size_t) used;
		}
		CHECK(pos <= size);
	}
	return 0;
}
