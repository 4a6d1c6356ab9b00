/* fuzz_spec: mr_place_parse_spec (server strings such as "host:port:weight",
 * "[v6]:port", "/path.sock") and mr_place_make_spec on any bytes, then
 * placement of the input as a key.
 *
 * Checks, beyond "no crash, no read past the string":
 *   - a refusal always comes with a NUL-terminated message;
 *   - an accepted spec has a non-empty printable host (no byte that could
 *     end up in a command or a log line as something else), a port in
 *     1..65535 (0 only for a socket path), a weight in 0..65535, and a name
 *     that parses back to the same server (the name is the server's identity
 *     in the counters and the down table);
 *   - mr_place_index of the input as a key is inside the list, for intval,
 *     modula and ketama. */
#include "php.h"
#include "mr_place.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_spec: check failed at line %d: %s\n", __LINE__, #cond); abort(); } } while (0)

/* Placements built once: three servers, each distribution. */
static mr_place_t *places[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const names[] = { "127.0.0.1:11211", "127.0.0.1:11212:2", "[::1]:11213" };
	mr_server_spec_t specs[3];
	char err[256];
	static const int dists[] = { MR_DIST_INTVAL, MR_DIST_MODULA, MR_DIST_KETAMA };

	for (int i = 0; i < 3; i++) {
		if (!mr_place_parse_spec(names[i], strlen(names[i]), &specs[i], err, sizeof(err))) {
			fprintf(stderr, "fuzz_spec: seed spec %s refused: %s\n", names[i], err);
			abort();
		}
	}
	for (int d = 0; d < 3; d++) {
		places[d] = mr_place_new(specs, 3, dists[d], 0 /* HASH_DEFAULT */, err, sizeof(err));
		if (!places[d]) {
			fprintf(stderr, "fuzz_spec: mr_place_new: %s\n", err);
			abort();
		}
	}
	return 0;
}

/* Checks an accepted spec. */
static void check_spec(const mr_server_spec_t *sp)
{
	size_t hl = strnlen(sp->host, sizeof(sp->host));
	size_t nl = strnlen(sp->name, sizeof(sp->name));
	CHECK(hl > 0 && hl < sizeof(sp->host));
	CHECK(nl > 0 && nl < sizeof(sp->name));
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char) sp->host[i];
		CHECK(c > 0x20 && c != 0x7f);
	}
	CHECK(sp->weight <= 65535);
	if (sp->host[0] == '/') {
		CHECK(sp->port == 0);
		CHECK(strcmp(sp->name, sp->host) == 0);
	} else {
		CHECK(sp->port >= 1);
	}
	/* the name is an identity: it parses back to the same host and port */
	mr_server_spec_t back;
	char err[256];
	char *copy = malloc(nl);
	memcpy(copy, sp->name, nl);
	bool ok = mr_place_parse_spec(copy, nl, &back, err, sizeof(err));
	free(copy);
	if (!ok) {
		fprintf(stderr, "fuzz_spec: name \"%s\" of an accepted spec does not parse back: %s\n", sp->name, err);
		abort();
	}
	CHECK(strcmp(back.host, sp->host) == 0);
	CHECK(back.port == sp->port);
	CHECK(strcmp(back.name, sp->name) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	mr_server_spec_t spec;
	char err[256];

	memset(err, 'x', sizeof(err));
	if (mr_place_parse_spec(s, size, &spec, err, sizeof(err))) {
		check_spec(&spec);
	} else {
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	}

	/* [host, port, weight] arrays: the input as the host, ports and weights around the edges */
	static const long ports[] = { 0, 1, 11211, 65535, 65536, -1 };
	static const long weights[] = { 0, 1, 65535, 65536, -1 };
	long port = ports[size % 6], weight = weights[size % 5];
	memset(err, 'x', sizeof(err));
	if (mr_place_make_spec(s, size, port, weight, &spec, err, sizeof(err))) {
		check_spec(&spec);
		CHECK(spec.host[0] == '/' || (spec.port == (uint16_t) port && port >= 1 && port <= 65535));
		CHECK(weight >= 0 && weight <= 65535 && spec.weight == (uint32_t) weight);
		CHECK(strlen(spec.host) == size);   /* a NUL inside the host is refused, never cut */
	} else {
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	}

	/* the input as a key: placed inside the list. Keys reach mr_place_index
	 * NUL-terminated (a zend_string, or mr_item_t.key): PHP's
	 * is_numeric_string, behind DIST_INTVAL, strcmp()s a 19-20 digit number
	 * and so reads key[klen]. */
	char *key = malloc(size + 1);
	memcpy(key, s, size);
	key[size] = '\0';
	for (int d = 0; d < 3; d++) {
		CHECK(mr_place_index(places[d], key, size) < 3);
	}
	free(key);
	return 0;
}
