/* Placement: which server of a list holds a key. For modula and the ketamas we
 * build a libmemcached handle with the same servers, order, weights and
 * behaviours as PECL memcached and ask memcached_generate_hash(), so there is
 * no second hashing implementation to drift. */
#include "php.h"
#include "mr_place.h"
#include "mr_util.h"

#include <libmemcached/memcached.h>
#include <arpa/inet.h>
#include <ctype.h>

#if MR_KETAMA_SERVERS_MAX != MEMCACHED_CONTINUUM_SIZE / MEMCACHED_POINTS_PER_SERVER
# error "MR_KETAMA_SERVERS_MAX must follow libmemcached's continuum size"
#endif

struct mr_place {
	int dist;
	uint32_t count;
	mr_server_spec_t *specs;   /* the list as given, for getOldServers() and friends */
	memcached_st *memc; /* NULL for MR_DIST_INTVAL */
};

/* Returns true when c may appear in a host name or IP literal. */
static bool host_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| c == '.' || c == '-' || c == '_' || c == ':';
}

/* Returns true when s is a plausible socket path: absolute, printable, no spaces. */
static bool path_ok(const char *s, size_t len)
{
	if (len < 2 || len >= MR_HOST_MAX || s[0] != '/') {
		return false;
	}
	return mr_key_bad_byte(s, len) == len; /* the bytes a key may hold */
}

bool mr_place_make_spec(const char *host, size_t hlen, long port, long weight, mr_server_spec_t *out, char *err, size_t errlen)
{
	/* no memset of the whole spec: a list of 1,000 is parsed per request,
	 * and only the terminated strings and the numbers are ever read */
	out->host[0] = out->name[0] = '\0';
	out->port = 0;
	if (weight < 0 || weight > 65535) {
		snprintf(err, errlen, "weight %ld is out of range (0..65535)", weight);
		return false;
	}
	out->weight = (uint32_t) weight;
	if (hlen > 0 && host[0] == '/') {
		if (!path_ok(host, hlen)) {
			snprintf(err, errlen, "invalid unix socket path");
			return false;
		}
		memcpy(out->host, host, hlen);
		out->host[hlen] = '\0';
		memcpy(out->name, host, hlen);
		out->name[hlen] = '\0';
		return true;
	}
	if (hlen == 0 || hlen >= MR_HOST_MAX - 1) {
		snprintf(err, errlen, "host name is empty or too long");
		return false;
	}
	for (size_t i = 0; i < hlen; i++) {
		if (!host_char_ok((unsigned char) host[i])) {
			snprintf(err, errlen, "host name contains an invalid character (0x%02x)", (unsigned char) host[i]);
			return false;
		}
	}
	if (port < 1 || port > 65535) {
		snprintf(err, errlen, "port %ld is out of range (1..65535)", port);
		return false;
	}
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	out->port = (uint16_t) port;
	if (memchr(host, ':', hlen)) {
		struct in6_addr a6;
		if (inet_pton(AF_INET6, out->host, &a6) != 1) {
			snprintf(err, errlen, "invalid IPv6 address");
			return false;
		}
		snprintf(out->name, sizeof(out->name), "[%s]:%u", out->host, out->port);
	} else {
		snprintf(out->name, sizeof(out->name), "%s:%u", out->host, out->port);
	}
	return true;
}

/* Returns the value of the decimal digits s[0..len), or -1 when not all digits or too big. */
static long parse_small_uint(const char *s, size_t len)
{
	uint64_t v;
	if (len > 6 || !mr_parse_u64(s, len, UINT64_MAX, &v)) {
		return -1;
	}
	return (long) v;
}

bool mr_place_parse_spec(const char *s, size_t len, mr_server_spec_t *out, char *err, size_t errlen)
{
	const char *host = s, *rest;
	size_t hlen;

	if (len > 0 && s[0] == '/') {
		return mr_place_make_spec(s, len, 0, 0, out, err, errlen);
	}
	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close || close + 1 >= s + len || close[1] != ':') {
			snprintf(err, errlen, "expected \"[address]:port\"");
			return false;
		}
		host = s + 1;
		hlen = (size_t) (close - host);
		rest = close + 2;
	} else {
		const char *colon = memchr(s, ':', len);
		if (!colon) {
			snprintf(err, errlen, "expected \"host:port\", \"host:port:weight\" or a socket path");
			return false;
		}
		/* two colons in a row, or more colons than "host:port:weight" has
		 * after a first part of hex digits: an IPv6 address without its
		 * brackets (a host name of hex digits with too many parts is
		 * refused either way) */
		size_t colons = 0;
		bool pair = false, hex = colon > s;
		for (size_t i = 0; i < len; i++) {
			colons += s[i] == ':';
			pair |= i + 1 < len && s[i] == ':' && s[i + 1] == ':';
			hex &= s + i >= colon || isxdigit((unsigned char) s[i]);
		}
		if (pair || (colons > 2 && hex)) {
			snprintf(err, errlen, "an IPv6 address must be written as \"[address]:port\"");
			return false;
		}
		hlen = (size_t) (colon - s);
		rest = colon + 1;
	}
	size_t rlen = (size_t) (s + len - rest);
	const char *wcolon = memchr(rest, ':', rlen);
	long port, weight = 0;
	if (wcolon) {
		port = parse_small_uint(rest, (size_t) (wcolon - rest));
		weight = parse_small_uint(wcolon + 1, (size_t) (rest + rlen - wcolon - 1));
		if (weight < 0) {
			snprintf(err, errlen, "weight is not a number");
			return false;
		}
	} else {
		port = parse_small_uint(rest, rlen);
	}
	if (port < 0) {
		snprintf(err, errlen, "port is not a number");
		return false;
	}
	return mr_place_make_spec(host, hlen, port, weight, out, err, errlen);
}

bool mr_place_hash_valid(long hash)
{
	switch (hash) {
		case MEMCACHED_HASH_DEFAULT: case MEMCACHED_HASH_MD5: case MEMCACHED_HASH_CRC:
		case MEMCACHED_HASH_FNV1_64: case MEMCACHED_HASH_FNV1A_64: case MEMCACHED_HASH_FNV1_32:
		case MEMCACHED_HASH_FNV1A_32: case MEMCACHED_HASH_MURMUR: case MR_HASH_FORCE_DEFAULT:
			return true;
		default:
			return false;
	}
}

/* Returns a libmemcached handle placed the way PECL memcached places keys, or NULL. */
static memcached_st *build_handle(const mr_server_spec_t *servers, size_t n, int dist, int hash, char *err, size_t errlen)
{
	memcached_st *memc = memcached_create(NULL);
	if (!memc) {
		snprintf(err, errlen, "libmemcached: out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		memcached_return_t rc = servers[i].port == 0
			? memcached_server_add_unix_socket_with_weight(memc, servers[i].host, servers[i].weight)
			: memcached_server_add_with_weight(memc, servers[i].host, servers[i].port, servers[i].weight);
		if (rc != MEMCACHED_SUCCESS) {
			snprintf(err, errlen, "libmemcached refused server %s: %s", servers[i].name, memcached_strerror(memc, rc));
			memcached_free(memc);
			return NULL;
		}
	}
	/* The same calls, in the same order, as Memcached::setOption does
	 * (MR_DIST_CONSISTENT: as PECL's session handler does, servers first). */
	if (dist == MR_DIST_KETAMA) {
		memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED, 1);
	} else if (dist == MR_DIST_CONSISTENT) {
		memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_KETAMA, 1);
	} else if (dist == MR_DIST_CONSISTENT_PLAIN) {
		memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT);
	} else {
		memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_MODULA);
	}
	/* Modula always sets its hash; the ketamas only a non-default one. */
	if (hash != MEMCACHED_HASH_DEFAULT || dist == MR_DIST_MODULA) {
		if (hash == MR_HASH_FORCE_DEFAULT) {
			hash = MEMCACHED_HASH_DEFAULT;
		}
		if (memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_HASH, (uint64_t) hash) != MEMCACHED_SUCCESS) {
			snprintf(err, errlen, "libmemcached refused hash %d", hash);
			memcached_free(memc);
			return NULL;
		}
	}
	return memc;
}

mr_place_t *mr_place_new(const mr_server_spec_t *servers, size_t n, int dist, int hash, char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "a server list must not be empty");
		return NULL;
	}
	if (dist != MR_DIST_MODULA && dist != MR_DIST_KETAMA && dist != MR_DIST_CONSISTENT && dist != MR_DIST_CONSISTENT_PLAIN && dist != MR_DIST_INTVAL) {
		snprintf(err, errlen, "unknown distribution %d", dist);
		return NULL;
	}
	if (!mr_place_hash_valid(hash)) {
		snprintf(err, errlen, "unknown hash %d", hash);
		return NULL;
	}
	if ((dist == MR_DIST_KETAMA || dist == MR_DIST_CONSISTENT) && n > MR_KETAMA_SERVERS_MAX) {
		/* libmemcached's continuum has room for this many; with more it
		 * aborts the process (an assertion kept in release builds) */
		snprintf(err, errlen, "a consistent (ketama) list has %zu servers, at most %d are supported (libmemcached's continuum); use modula for more",
			n, MR_KETAMA_SERVERS_MAX);
		return NULL;
	}
	mr_place_t *p = pecalloc(1, sizeof(*p), 1);
	p->dist = dist;
	p->count = (uint32_t) n;
	p->specs = pemalloc(n * sizeof(*servers), 1);
	memcpy(p->specs, servers, n * sizeof(*servers));
	if (dist != MR_DIST_INTVAL) {
		p->memc = build_handle(servers, n, dist, hash, err, errlen);
		if (!p->memc) {
			pefree(p->specs, 1);
			pefree(p, 1);
			return NULL;
		}
	}
	return p;
}

void mr_place_free(mr_place_t *p)
{
	if (p) {
		if (p->memc) {
			memcached_free(p->memc);
		}
		pefree(p->specs, 1);
		pefree(p, 1);
	}
}

/* Returns (int)$key with PHP's own string-to-int cast ("12abc" 12, "1e3" 1000). */
static zend_long php_intval(const char *key, size_t klen)
{
	zend_long l;
	double d;
	zend_uchar type = is_numeric_string(key, klen, &l, &d, true);
	if (type == IS_LONG) {
		return l;
	}
	if (type == IS_DOUBLE) {
		return zend_dval_to_lval_cap(d);
	}
	return 0;
}

uint32_t mr_place_index(const mr_place_t *p, const char *key, size_t klen)
{
	if (p->count == 1) {
		return 0;
	}
	if (p->dist == MR_DIST_INTVAL) {
		zend_long n = (zend_long) p->count;
		zend_long r = php_intval(key, klen) % n;
		return (uint32_t) (r < 0 ? r + n : r);
	}
	uint32_t idx = memcached_generate_hash(p->memc, key, klen);
	return idx < p->count ? idx : 0;
}

const mr_server_spec_t *mr_place_spec(const mr_place_t *p, uint32_t i)
{
	return &p->specs[i];
}
