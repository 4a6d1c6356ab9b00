/* Completion marker and fleet counters, kept in the new pool itself so that
 * every web host sees them without any other infrastructure. */
#include "php.h"
#include "mr_fleet.h"
#include "mr_util.h"

#include <time.h>
#include <unistd.h>

#define HOUSEKEEPING_MS 1000
#define HOST_LIST_MAX 8192      /* bytes of the fleet's host list */

static void fleet_key(mr_pool_t *p, const char *kind, const char *host, char *buf, size_t size);

/* This host's fleet name, set at MINIT (after the counters are mapped). */
static char host_id[128];

static uint64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

void mr_fleet_set_host_id(const char *ini_value)
{
	if (ini_value && *ini_value) {
		snprintf(host_id, sizeof(host_id), "%s", ini_value);
	} else {
		char hn[64] = "localhost";
		gethostname(hn, sizeof(hn) - 1);
		snprintf(host_id, sizeof(host_id), "%s#%08x", hn, (unsigned) (mr_counters_identity() & 0xffffffffu));
	}
	/* a host id travels inside keys and lists: keep it to safe bytes */
	for (char *c = host_id; *c; c++) {
		if ((unsigned char) *c <= 0x20 || (unsigned char) *c >= 0x7f || *c == ',') {
			*c = '_';
		}
	}
}

const char *mr_fleet_host_id(void)
{
	return host_id;
}

/* Returns the connection that holds a reserved key in the new pool. */
static uint32_t reserved_conn(mr_pool_t *p, const char *key)
{
	return p->new_conn[mr_place_index(p->place_new, key, strlen(key))];
}

/* Returns true when the server holding key failed moments ago: the
 * housekeeping that would use it waits, rather than cost the call another
 * timeout (with retry_interval 0 nothing else keeps it off). */
static bool reserved_conn_failing(mr_pool_t *p, const char *key)
{
	return mr_wire_failed_recently(p->wire, reserved_conn(p, key), HOUSEKEEPING_MS);
}

/* Writes the completion marker. Returns true when the new pool stored it. */
static bool write_marker(mr_pool_t *p)
{
	char val[24];
	uint64_t when = mr_counters_completed_at(mr_pool_ctr(p));
	int len = snprintf(val, sizeof(val), "%llu", (unsigned long long) when);
	const char *k = p->marker_key;
	mr_wire_reset(p->wire);
	uint32_t r = mr_wire_ms(p->wire, reserved_conn(p, k), k, strlen(k), MR_MODE_SET, val, (size_t) len, 0, 0, 0, false);
	mr_wire_run(p->wire);
	return mr_wire_req(p->wire, r)->rc == MR_OK;
}

/* Looks for the marker another host wrote; completes here when found. */
static void look_for_marker(mr_pool_t *p)
{
	const char *k = p->marker_key;
	mr_wire_reset(p->wire);
	uint32_t r = mr_wire_mg(p->wire, reserved_conn(p, k), k, strlen(k), MR_WANT_VALUE);
	mr_wire_run(p->wire);
	mr_req_t *req = mr_wire_req(p->wire, r);
	if (req->rc == MR_OK) {
		uint64_t when = 0;
		if (!mr_parse_u64(mr_wire_value(p->wire, r), req->vlen, UINT64_MAX, &when)) {
			when = 0; /* not a time we wrote: the cut-over counts from now */
		}
		mr_counters_complete(mr_pool_ctr(p), when ? when : (uint64_t) time(NULL));
	}
}

bool mr_fleet_complete(mr_pool_t *p)
{
	mr_counters_complete(mr_pool_ctr(p), (uint64_t) time(NULL));
	p->marker_pending = !write_marker(p);
	return !p->marker_pending;
}

/* Returns true when this worker wins the host-wide turn stored at *last. */
static bool take_turn(uint64_t *last, uint64_t now)
{
	uint64_t prev = __atomic_load_n(last, __ATOMIC_RELAXED);
	if (now - prev < HOUSEKEEPING_MS && now >= prev) {
		return false;
	}
	return __atomic_compare_exchange_n(last, &prev, now, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

void mr_fleet_after_op(mr_pool_t *p)
{
	uint64_t now = wall_ms();
	if (now - p->last_marker_ms < HOUSEKEEPING_MS && now >= p->last_marker_ms) {
		return;
	}
	p->last_marker_ms = now;
	mr_ctr_pool_t *ctr = mr_pool_ctr(p);
	mr_counters_trend_tick(ctr, now / 1000);
	/* here too, not only after old lookups: a window with gets and no old
	 * lookups at all (everything at N) is the clearest sign of a finished move */
	mr_pool_check_cutover(p);
	if (reserved_conn_failing(p, p->marker_key)) {
		return;
	}
	if (p->marker_pending) {
		p->marker_pending = !write_marker(p);
	} else if (!mr_counters_is_complete(ctr) && take_turn(&ctr->last_marker_check, now)) {
		look_for_marker(p);
	}
	char key[96];
	fleet_key(p, "fleet", host_id, key, sizeof(key));
	if (!reserved_conn_failing(p, key) && take_turn(&ctr->last_publish, now)) {
		mr_fleet_publish(p);
	}
}

/* Writes the key name "__memrehash:<kind>:<pool hash>[:<host hash>]" into buf. */
static void fleet_key(mr_pool_t *p, const char *kind, const char *host, char *buf, size_t size)
{
	uint64_t ph = mr_fnv1a64(p->name, strlen(p->name));
	if (host) {
		snprintf(buf, size, MR_RESERVED_PREFIX "%s:%016llx:%016llx", kind, (unsigned long long) ph,
			(unsigned long long) mr_fnv1a64(host, strlen(host)));
	} else {
		snprintf(buf, size, MR_RESERVED_PREFIX "%s:%016llx", kind, (unsigned long long) ph);
	}
}

/* Returns true when the newline-separated list holds host. */
static bool list_has(const char *list, size_t len, const char *host)
{
	size_t hl = strlen(host);
	const char *p = list, *end = list + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t) (end - p));
		size_t l = nl ? (size_t) (nl - p) : (size_t) (end - p);
		if (l == hl && memcmp(p, host, hl) == 0) {
			return true;
		}
		p += l + 1;
	}
	return false;
}

void mr_fleet_publish(mr_pool_t *p)
{
	mr_ctr_snapshot_t *snap = emalloc(sizeof(*snap));
	mr_counters_snapshot(mr_pool_ctr(p), snap);
	char key[96], hosts_key[96], val[MR_C_COUNT * 21 + 200];
	int len = snprintf(val, sizeof(val), "v1 %llu %llu", (unsigned long long) snap->state,
		(unsigned long long) time(NULL));
	for (int i = 0; i < MR_C_COUNT; i++) {
		len += snprintf(val + len, sizeof(val) - (size_t) len, " %llu", (unsigned long long) snap->c[i]);
	}
	efree(snap);
	len += snprintf(val + len, sizeof(val) - (size_t) len, " %s", host_id);
	fleet_key(p, "fleet", host_id, key, sizeof(key));
	fleet_key(p, "hosts", NULL, hosts_key, sizeof(hosts_key));

	mr_wire_t *w = p->wire;
	uint32_t hc = reserved_conn(p, hosts_key);
	mr_wire_reset(w);
	mr_wire_ms(w, reserved_conn(p, key), key, strlen(key), MR_MODE_SET, val, (size_t) len, 0, 0, 0, false);
	uint32_t rl = mr_wire_mg(w, hc, hosts_key, strlen(hosts_key), MR_WANT_VALUE);
	mr_wire_run(w);
	mr_req_t *r = mr_wire_req(w, rl);
	if (r->rc == MR_OK && list_has(mr_wire_value(w, rl), r->vlen, host_id)) {
		return;
	}
	if (r->rc == MR_OK && r->vlen > HOST_LIST_MAX) {
		return; /* a fleet this large is listed in full already */
	}
	if (r->rc != MR_OK && r->rc != MR_MISS) {
		return;
	}
	char entry[sizeof(host_id) + 2];
	int el = snprintf(entry, sizeof(entry), "%s\n", host_id);
	mr_wire_reset(w);
	uint32_t ra = mr_wire_ms(w, hc, hosts_key, strlen(hosts_key), 'A', entry, (size_t) el, 0, 0, 0, false);
	mr_wire_run(w);
	if (mr_wire_req(w, ra)->rc != MR_OK) {
		mr_wire_reset(w);
		mr_wire_ms(w, hc, hosts_key, strlen(hosts_key), MR_MODE_ADD, entry, (size_t) el, 0, 0, 0, false);
		mr_wire_run(w);
	}
}

/* Parses one published record; calls cb when it is well formed. */
static void parse_record(const char *v, size_t len, mr_fleet_cb cb, void *ctx)
{
	char buf[MR_C_COUNT * 21 + 200];
	if (len >= sizeof(buf) || len < 3 || memcmp(v, "v1 ", 3) != 0) {
		return;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	uint64_t nums[MR_C_COUNT + 2];
	char *s = buf + 3, *end = buf + len;
	for (int i = 0; i < MR_C_COUNT + 2; i++) {
		char *sp = memchr(s, ' ', (size_t) (end - s));
		if (!sp || !mr_parse_u64(s, (size_t) (sp - s), UINT64_MAX, &nums[i])) {
			return;
		}
		s = sp + 1;
	}
	cb(ctx, s, nums + 2, nums[0], nums[1]);
}

int mr_fleet_read(mr_pool_t *p, mr_fleet_cb cb, void *ctx)
{
	char hosts_key[96];
	fleet_key(p, "hosts", NULL, hosts_key, sizeof(hosts_key));
	mr_wire_t *w = p->wire;
	mr_wire_reset(w);
	uint32_t rl = mr_wire_mg(w, reserved_conn(p, hosts_key), hosts_key, strlen(hosts_key), MR_WANT_VALUE);
	mr_wire_run(w);
	mr_req_t *r = mr_wire_req(w, rl);
	if (r->rc == MR_MISS) {
		return 0;
	}
	if (r->rc != MR_OK) {
		return -1;
	}
	/* copy the list out: the next run reuses the buffers */
	size_t llen = r->vlen > HOST_LIST_MAX * 2 ? HOST_LIST_MAX * 2 : r->vlen;
	char *list = emalloc(llen + 1);
	memcpy(list, mr_wire_value(w, rl), llen);
	list[llen] = '\0';
	uint32_t first = UINT32_MAX, count = 0;
	char key[96];
	for (char *h = list, *nl; *h; h = nl + 1) {
		nl = strchr(h, '\n');
		if (!nl) {
			break;
		}
		*nl = '\0';
		if (*h) { /* a host listed twice is read twice: the caller keys by host */
			fleet_key(p, "fleet", h, key, sizeof(key));
			uint32_t ri = mr_wire_mg(w, reserved_conn(p, key), key, strlen(key), MR_WANT_VALUE);
			if (first == UINT32_MAX) {
				first = ri;
			}
			count++;
		}
	}
	mr_wire_run(w);
	int found = 0;
	for (uint32_t i = 0; i < count; i++) {
		mr_req_t *fr = mr_wire_req(w, first + i);
		if (fr->rc == MR_OK) {
			parse_record(mr_wire_value(w, first + i), fr->vlen, cb, ctx);
			found++;
		}
	}
	efree(list);
	return found;
}
