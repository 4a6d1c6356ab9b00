/* The wire engine: meta protocol over one connection per server.
 *
 * A batch is every request queued since mr_wire_reset(). Requests to one
 * server are written with one send (never blocking) and answered in order.
 * Connects are non-blocking; a connected socket is blocking with a receive
 * timeout, so the batch waits in recv on the server written last while the
 * others, written first, are read with MSG_DONTWAIT; poll covers only what
 * is still missing. A batch costs one round trip however many servers it
 * touches. Every request carries its index as opaque (O<n>) and the parser
 * checks the echo, so a reply can never be matched to the wrong request.
 * See docs/DESIGN.md, "The wire engine". */
#include "php.h"
#include "mr_wire.h"
#include "mr_down.h"
#include "mr_lock.h"
#include "mr_util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#define MAX_LINE 8192                 /* longest reply line we accept */
#define MAX_VALUE ((size_t)1 << 30)   /* memcached's own item size ceiling (-I 1g) */
#define BUF_MIN 16384
#define BUF_KEEP (1u << 20)           /* buffers above this shrink back after a small batch */

typedef struct mr_conn {
	const char *host;        /* borrowed from mr_wire_new's caller */
	uint16_t port;           /* 0: unix socket */
	const char *name;        /* borrowed too */
	uint64_t name_hash;      /* key into the down-server table */
	int fd;
	bool connecting;
	bool blocking;           /* connected: O_NONBLOCK off, SO_RCVTIMEO set */
	uint32_t rcvtimeo_ms;    /* the receive timeout the socket has now */
	bool close_after;        /* the server may be out of step: reconnect next time */
	uint64_t connect_deadline;
	uint64_t last_used_ms;   /* idle connections are checked for a server-side close */
	uint64_t failed_ms;      /* when a request here last failed: housekeeping keeps off */
	char *wbuf; size_t wlen, wcap, woff;
	char *rbuf; size_t rlen, rcap, rpos;
	uint32_t head, tail;     /* this batch's requests, in send order */
	uint32_t cur;            /* oldest request still waiting for its reply */
	uint32_t pending;
	bool active;             /* in w->active: has had requests since the last reset */
	bool key_b64;            /* the line being written has its key in base64: end it with " b" */
	struct mr_conn *made_next; /* the wire's connections made so far, a chain */
} mr_conn_t;

struct mr_wire {
	/* per server: its connection, made on first use (a pool of thousands
	 * of servers whose requests touch a few pays for those few) */
	mr_conn_t **conns;
	mr_conn_t *made;         /* every non-NULL entry of conns, chained */
	const char *const *hosts, *const *names; /* borrowed: see mr_wire_new */
	const uint16_t *ports;
	uint32_t n;
	bool persistent;
	mr_wire_opts_t opts;
	mr_req_t *reqs;
	char *kinds;             /* reply kind of each request: 'g' 's' 'd' 'a' */
	uint32_t nreq, reqcap;
	struct pollfd *pfds;
	uint32_t *pmap;
	/* the connections given requests since the last reset, in the order
	 * they got their first: every per-call loop walks these, not all n,
	 * so a call costs what it touches whatever the pool's size */
	uint32_t *active;
	uint32_t nactive;
};


/* Returns the FNV-1a hash of s, never 0 (0 marks a free slot). */
static uint64_t name_hash(const char *s)
{
	uint64_t h = mr_fnv1a64(s, strlen(s));
	return h ? h : 1;
}

/* Marks c's server down for the retry interval, for every process of the
 * host (mr_down): a non-persistent MemRehash is rebuilt every request, and
 * a dead server must cost the host one timeout per retry interval, not one
 * per request in each worker. mr_down uses atomics only, so the threads of
 * a ZTS PHP share it without a lock. */
static void mark_down(mr_wire_t *w, mr_conn_t *c)
{
	mr_down_mark(c->name_hash, w->opts.retry_interval_ms);
}

/* Returns connection i of w, made (not connected) on its first use. */
static mr_conn_t *conn_make(mr_wire_t *w, uint32_t i)
{
	mr_conn_t *c = pecalloc(1, sizeof(*c), w->persistent);
	c->host = w->hosts[i];
	c->port = w->ports[i];
	c->name = w->names[i];
	c->name_hash = name_hash(c->name);
	c->fd = -1;
	c->head = c->tail = c->cur = MR_NO_REQ;
	c->made_next = w->made;
	w->made = c;
	w->conns[i] = c;
	return c;
}

/* Returns connection i of w (made on its first use). */
static inline mr_conn_t *conn_at(mr_wire_t *w, uint32_t i)
{
	mr_conn_t *c = w->conns[i];
	return EXPECTED(c != NULL) ? c : conn_make(w, i);
}

bool mr_wire_failed_recently(mr_wire_t *w, uint32_t conn, uint32_t ms)
{
	mr_conn_t *c = conn_at(w, conn);
	uint64_t f = c->failed_ms;
	return (f && mr_mono_ms() - f < ms) || mr_down_failed_within(c->name_hash, ms);
}

/* Returns true when conn is marked down now (so a lookup there would be skipped). */
static bool conn_is_down(mr_wire_t *w, uint32_t conn)
{
	return mr_down_is_down(conn_at(w, conn)->name_hash);
}

static void clear_down(mr_conn_t *c)
{
	mr_down_clear(c->name_hash);
}

mr_wire_t *mr_wire_new(const char *const *hosts, const uint16_t *ports, const char *const *names, uint32_t n, bool persistent)
{
	mr_wire_t *w = pecalloc(1, sizeof(*w), persistent);
	w->persistent = persistent;
	w->n = n;
	w->hosts = hosts;
	w->ports = ports;
	w->names = names;
	w->conns = pecalloc(n, sizeof(*w->conns), persistent);
	/* written before they are read, up to the connections in use */
	w->pfds = pemalloc(n * sizeof(struct pollfd), persistent);
	w->pmap = pemalloc(n * sizeof(uint32_t), persistent);
	w->active = pemalloc(n * sizeof(uint32_t), persistent);
	w->opts.timeout_ms = 1000;
	w->opts.connect_timeout_ms = 1000;
	w->opts.retry_interval_ms = 2000;
	return w;
}

static void conn_connected(mr_conn_t *c);

static void conn_close(mr_conn_t *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	c->connecting = false;
	c->blocking = false;
	c->close_after = false;
}

void mr_wire_close_all(mr_wire_t *w)
{
	for (mr_conn_t *c = w->made; c; c = c->made_next) {
		conn_close(c);
		c->rlen = c->rpos = 0;
		c->wlen = c->woff = 0;
	}
}

void mr_wire_free(mr_wire_t *w)
{
	if (!w) {
		return;
	}
	for (mr_conn_t *c = w->made, *next; c; c = next) {
		next = c->made_next;
		conn_close(c);
		if (c->wbuf) pefree(c->wbuf, w->persistent);
		if (c->rbuf) pefree(c->rbuf, w->persistent);
		pefree(c, w->persistent);
	}
	pefree(w->conns, w->persistent);
	pefree(w->pfds, w->persistent);
	pefree(w->pmap, w->persistent);
	pefree(w->active, w->persistent);
	if (w->reqs) pefree(w->reqs, w->persistent);
	if (w->kinds) pefree(w->kinds, w->persistent);
	pefree(w, w->persistent);
}

void mr_wire_set_opts(mr_wire_t *w, const mr_wire_opts_t *opts)
{
	w->opts = *opts;
}

const mr_wire_opts_t *mr_wire_opts(const mr_wire_t *w)
{
	return &w->opts;
}

uint32_t mr_wire_count(const mr_wire_t *w)
{
	return w->n;
}

const char *mr_wire_name(const mr_wire_t *w, uint32_t conn)
{
	return w->names[conn];
}

mr_req_t *mr_wire_req(mr_wire_t *w, uint32_t i)
{
	return &w->reqs[i];
}

const char *mr_wire_value(mr_wire_t *w, uint32_t i)
{
	return w->conns[w->reqs[i].conn]->rbuf + w->reqs[i].voff;
}

/* Resizes a buffer to cap bytes, keeping its first keep bytes. */
static char *buf_resize(mr_wire_t *w, char *buf, size_t cap)
{
	return perealloc(buf, cap, w->persistent);
}

void mr_wire_reset(mr_wire_t *w)
{
	w->nreq = 0;
	for (uint32_t k = 0; k < w->nactive; k++) {
		mr_conn_t *c = w->conns[w->active[k]];
		c->active = false;
		c->head = c->tail = c->cur = MR_NO_REQ;
		c->pending = 0;
		/* a big buffer goes once a batch used less than a quarter of it:
		 * batch after batch of large values keeps it (freeing it each time
		 * cost a page fault per 4 KB again: 3.5x PECL's faults and CPU on
		 * getMulti of 10 values of 1 MB), and memory still falls back
		 * after the last big batch */
		if (c->rcap > BUF_KEEP && c->rlen < c->rcap / 4) {
			pefree(c->rbuf, w->persistent);
			c->rbuf = NULL;
			c->rcap = 0;
		}
		if (c->wcap > BUF_KEEP && c->wlen < c->wcap / 4) {
			pefree(c->wbuf, w->persistent);
			c->wbuf = NULL;
			c->wcap = 0;
		}
		c->wlen = c->woff = 0;
		c->rlen = c->rpos = 0;
	}
	w->nactive = 0;
}

/* Makes room for more bytes at the end of c's write buffer. */
static void wbuf_reserve(mr_wire_t *w, mr_conn_t *c, size_t more)
{
	if (c->wlen + more > c->wcap) {
		size_t cap = c->wcap ? c->wcap : BUF_MIN;
		while (cap < c->wlen + more) {
			cap *= 2;
		}
		c->wbuf = buf_resize(w, c->wbuf, cap);
		c->wcap = cap;
	}
}

static inline void put(mr_conn_t *c, const char *s, size_t n)
{
	memcpy(c->wbuf + c->wlen, s, n);
	c->wlen += n;
}

/* Appends " <letter><number>"; room is reserved by the caller. */
static void put_num(mr_conn_t *c, char letter, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t) (-(v + 1)) + 1 : (uint64_t) v;
	do {
		*--p = (char) ('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0) {
		*--p = '-';
	}
	c->wbuf[c->wlen++] = ' ';
	c->wbuf[c->wlen++] = letter;
	put(c, p, (size_t) (tmp + sizeof(tmp) - p));
}

/* Appends " <letter><number>", or " <number>" when letter is 0. */
static void put_unum(mr_conn_t *c, char letter, uint64_t u)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	do {
		*--p = (char) ('0' + u % 10);
		u /= 10;
	} while (u);
	c->wbuf[c->wlen++] = ' ';
	if (letter) {
		c->wbuf[c->wlen++] = letter;
	}
	put(c, p, (size_t) (tmp + sizeof(tmp) - p));
}

/* Returns the index of a new request on conn, queued after its others. */
static uint32_t new_req(mr_wire_t *w, uint32_t conn, char kind)
{
	if (w->nreq == w->reqcap) {
		uint32_t cap = w->reqcap ? w->reqcap * 2 : 16;
		w->reqs = perealloc(w->reqs, cap * sizeof(mr_req_t), w->persistent);
		w->kinds = perealloc(w->kinds, cap, w->persistent);
		w->reqcap = cap;
	}
	uint32_t i = w->nreq++;
	mr_req_t *r = &w->reqs[i];
	memset(r, 0, sizeof(*r));
	r->conn = conn;
	r->next = MR_NO_REQ;
	r->rc = MR_PENDING;
	r->ttl = MR_TTL_UNKNOWN;
	w->kinds[i] = kind;
	mr_conn_t *c = conn_at(w, conn);
	if (!c->active) {
		c->active = true;
		w->active[w->nactive++] = conn;
	}
	if (c->tail == MR_NO_REQ) {
		c->head = i;
	} else {
		w->reqs[c->tail].next = i;
	}
	if (c->cur == MR_NO_REQ) {
		c->cur = i; /* everything before was answered: this is next */
	}
	c->tail = i;
	c->pending++;
	return i;
}

/* Keys with bytes the text protocol cannot carry (spaces, control bytes)
 * exist only once a drop-in takes PECL's binary-protocol key rules; until
 * then no request pays for looking at its key's bytes. */
static bool b64_keys_in_use;

void mr_wire_b64_keys_enable(void)
{
	b64_keys_in_use = true;
}

/* Writes key in base64; end_line adds the meta protocol's "b" flag (after
 * ms's positional data length). The server decodes it and stores the raw
 * bytes, the key PECL's binary protocol stores. */
static void put_key_b64(mr_conn_t *c, const unsigned char *key, size_t klen)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = c->wbuf + c->wlen;
	size_t i = 0;
	for (; i + 2 < klen; i += 3) {
		uint32_t v = ((uint32_t) key[i] << 16) | ((uint32_t) key[i + 1] << 8) | key[i + 2];
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (i < klen) {
		uint32_t v = (uint32_t) key[i] << 16 | (i + 1 < klen ? (uint32_t) key[i + 1] << 8 : 0);
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < klen ? tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	c->wlen = (size_t) (o - c->wbuf);
	c->key_b64 = true;
}

/* Starts a command line: "<cmd> <key>". Reserves room for flags too. */
static mr_conn_t *begin(mr_wire_t *w, uint32_t conn, const char *cmd, const char *key, size_t klen, size_t extra)
{
	mr_conn_t *c = w->conns[conn]; /* made by new_req, which every caller calls first */
	wbuf_reserve(w, c, klen + extra + 128);
	put(c, cmd, 2);
	c->wbuf[c->wlen++] = ' ';
	if (UNEXPECTED(b64_keys_in_use) && mr_key_bad_byte(key, klen) < klen) {
		/* klen <= MR_KEY_MAX: the base64 form fits the 128 bytes reserved over klen */
		put_key_b64(c, (const unsigned char *) key, klen);
	} else {
		put(c, key, klen);
	}
	return c;
}

static void end_line(mr_conn_t *c, uint32_t req)
{
	if (UNEXPECTED(c->key_b64)) {
		put(c, " b", 2);
		c->key_b64 = false;
	}
	put_unum(c, 'O', req);
	put(c, "\r\n", 2);
}

uint32_t mr_wire_mg(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, unsigned want)
{
	uint32_t r = new_req(w, conn, 'g');
	mr_conn_t *c = begin(w, conn, "mg", key, klen, 0);
	if (want & MR_WANT_VALUE) put(c, " v", 2);
	if (want & MR_WANT_FLAGS) put(c, " f", 2);
	if (want & MR_WANT_TTL) put(c, " t", 2);
	if (want & MR_WANT_CAS) put(c, " c", 2);
	end_line(c, r);
	return r;
}

uint32_t mr_wire_touch(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, int64_t ttl)
{
	uint32_t r = new_req(w, conn, 'g');
	mr_conn_t *c = begin(w, conn, "mg", key, klen, 0);
	put_num(c, 'T', ttl);
	end_line(c, r);
	return r;
}

uint32_t mr_wire_ms(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, char mode,
	const char *data, size_t dlen, uint32_t flags, int64_t ttl, uint64_t cas_check, bool want_cas)
{
	uint32_t r = new_req(w, conn, 's');
	mr_conn_t *c = begin(w, conn, "ms", key, klen, dlen);
	put_unum(c, 0, dlen);   /* the data length is positional */
	put_num(c, 'T', ttl);
	put_unum(c, 'F', flags);
	c->wbuf[c->wlen++] = ' ';
	c->wbuf[c->wlen++] = 'M';
	c->wbuf[c->wlen++] = mode;
	if (cas_check) put_unum(c, 'C', cas_check);
	if (want_cas) put(c, " c", 2);
	end_line(c, r);
	put(c, data, dlen);
	put(c, "\r\n", 2);
	return r;
}

uint32_t mr_wire_md(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, uint64_t cas_check)
{
	uint32_t r = new_req(w, conn, 'd');
	mr_conn_t *c = begin(w, conn, "md", key, klen, 0);
	if (cas_check) put_unum(c, 'C', cas_check);
	end_line(c, r);
	return r;
}

uint32_t mr_wire_ma(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, bool incr, uint64_t delta)
{
	uint32_t r = new_req(w, conn, 'a');
	mr_conn_t *c = begin(w, conn, "ma", key, klen, 0);
	put(c, incr ? " MI" : " MD", 3);
	put_unum(c, 'D', delta);
	put(c, " v", 2);
	end_line(c, r);
	return r;
}

uint32_t mr_wire_ma_init(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, bool incr, uint64_t delta, uint64_t initial, int64_t ttl)
{
	uint32_t r = new_req(w, conn, 'a');
	mr_conn_t *c = begin(w, conn, "ma", key, klen, 0);
	put(c, incr ? " MI" : " MD", 3);
	put_unum(c, 'D', delta);
	put_num(c, 'N', ttl);
	put_unum(c, 'J', initial);
	put(c, " v", 2);
	end_line(c, r);
	return r;
}

/* ---- reply parser ---- */

/* Returns true when the return flags in line[0..len) (after the code) are
 * well formed, storing the ones we asked for. */
static bool parse_flags(const char *p, const char *end, mr_reply_t *out)
{
	while (p < end) {
		if (*p != ' ' || p + 1 >= end) {
			return false;
		}
		p++;
		const char *tok = p;
		while (p < end && *p != ' ') {
			p++;
		}
		char f = tok[0];
		const char *v = tok + 1;
		size_t vlen = (size_t) (p - v);
		uint64_t u;
		if (!((f >= 'a' && f <= 'z') || (f >= 'A' && f <= 'Z'))) {
			return false;
		}
		switch (f) {
			case 'f':
				if (!mr_parse_u64(v, vlen, UINT32_MAX, &u)) return false;
				out->flags = (uint32_t) u;
				break;
			case 't':
				if (vlen == 2 && v[0] == '-' && v[1] == '1') {
					out->ttl = MR_TTL_NONE;
				} else {
					if (!mr_parse_u64(v, vlen, INT64_MAX, &u)) return false;
					out->ttl = (int64_t) u;
				}
				break;
			case 'c':
				if (!mr_parse_u64(v, vlen, UINT64_MAX, &u)) return false;
				out->cas = u;
				break;
			case 'O':
				if (!mr_parse_u64(v, vlen, UINT32_MAX, &u)) return false;
				out->opaque = (uint32_t) u;
				out->has_opaque = true;
				break;
			default:
				/* k (key echo), s, b, W, X, Z and future flags: printable, ignored */
				for (size_t i = 0; i < vlen; i++) {
					if ((unsigned char) v[i] <= 0x20 || (unsigned char) v[i] >= 0x7f) {
						return false;
					}
				}
				break;
		}
	}
	return true;
}

static bool line_starts(const char *line, size_t len, const char *word)
{
	size_t wl = strlen(word);
	return len >= wl && memcmp(line, word, wl) == 0 && (len == wl || line[wl] == ' ');
}

/* Returns the error class of an ERROR / CLIENT_ERROR / SERVER_ERROR line, or MR_PENDING. */
static mr_rc_t error_line(const char *line, size_t len)
{
	if (len == 5 && memcmp(line, "ERROR", 5) == 0) {
		return MR_ERR_CLIENT;
	}
	if (line_starts(line, len, "CLIENT_ERROR")) {
		if (zend_memnstr(line, "non-numeric", sizeof("non-numeric") - 1, line + len)) {
			return MR_ERR_NOTNUM;
		}
		return MR_ERR_CLIENT;
	}
	if (line_starts(line, len, "SERVER_ERROR")) {
		if (zend_memnstr(line, "too large", sizeof("too large") - 1, line + len)) {
			return MR_ERR_TOOBIG;
		}
		if (zend_memnstr(line, "out of memory", sizeof("out of memory") - 1, line + len)) {
			return MR_ERR_NOMEM;
		}
		return MR_ERR_SERVER;
	}
	return MR_PENDING;
}

long mr_wire_parse_reply(const char *buf, size_t len, char kind, mr_reply_t *out)
{
	size_t scan = len < MAX_LINE ? len : MAX_LINE;
	const char *nl = memchr(buf, '\n', scan);
	if (!nl) {
		return len >= MAX_LINE ? -1 : 0;
	}
	if (nl == buf || nl[-1] != '\r') {
		return -1;
	}
	size_t llen = (size_t) (nl - 1 - buf);
	size_t total = llen + 2;
	memset(out, 0, sizeof(*out));
	out->ttl = MR_TTL_UNKNOWN;

	mr_rc_t err = error_line(buf, llen);
	if (err != MR_PENDING) {
		out->rc = err;
		return (long) total;
	}
	if (llen < 2 || (llen > 2 && buf[2] != ' ')) {
		return -1;
	}
	const char *end = buf + llen;
	const char *p = buf + 2;
	char a = buf[0], b = buf[1];
	if (a == 'V' && b == 'A') {
		if (kind != 'g' && kind != 'a') {
			return -1;
		}
		const char *sz = p + 1;
		if (p >= end) {
			return -1;
		}
		const char *q = sz;
		while (q < end && *q != ' ') {
			q++;
		}
		uint64_t vlen;
		if (!mr_parse_u64(sz, (size_t) (q - sz), MAX_VALUE, &vlen)) {
			return -1;
		}
		if (!parse_flags(q, end, out)) {
			return -1;
		}
		if (len - total < vlen + 2) {
			return 0;
		}
		if (buf[total + vlen] != '\r' || buf[total + vlen + 1] != '\n') {
			return -1;
		}
		out->rc = MR_OK;
		out->has_value = true;
		out->voff = total;
		out->vlen = (size_t) vlen;
		if (kind == 'a' && !mr_parse_u64(buf + total, (size_t) vlen, UINT64_MAX, &out->number)) {
			return -1;
		}
		return (long) (total + vlen + 2);
	}
	if (!parse_flags(p, end, out)) {
		return -1;
	}
	if (a == 'H' && b == 'D') {
		out->rc = MR_OK;
	} else if ((a == 'E' && b == 'N' && kind == 'g') || (a == 'N' && b == 'F' && kind != 'g')) {
		out->rc = MR_MISS;
	} else if (a == 'N' && b == 'S' && kind == 's') {
		out->rc = MR_NOTSTORED;
	} else if (a == 'E' && b == 'X' && kind != 'g') {
		out->rc = MR_EXISTS;
	} else {
		return -1;
	}
	return (long) total;
}

/* ---- connections ---- */

/* Fails every request of c still waiting with rc; closes on errors. */
static void fail_pending(mr_wire_t *w, mr_conn_t *c, mr_rc_t rc, bool down)
{
	c->failed_ms = mr_mono_ms();
	for (uint32_t i = c->cur; i != MR_NO_REQ; i = w->reqs[i].next) {
		w->reqs[i].rc = rc;
	}
	c->cur = MR_NO_REQ;
	c->pending = 0;
	if (rc != MR_ERR_DOWN) {
		conn_close(c);
	}
	if (down) {
		mark_down(w, c);
	}
}

static void set_nodelay_nonblock(int fd, bool tcp)
{
	int one = 1;
	if (tcp) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
#ifdef SO_NOSIGPIPE
	setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
}

/* Starts a non-blocking connect. Returns false when it failed at once. */
static bool conn_start(mr_wire_t *w, mr_conn_t *c)
{
	int fd = -1;
	int rc;
	if (c->port == 0) {
		struct sockaddr_un sun;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(c->host) >= sizeof(sun.sun_path)) {
			return false;
		}
		strcpy(sun.sun_path, c->host);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			return false;
		}
		set_nodelay_nonblock(fd, false);
		rc = connect(fd, (struct sockaddr *) &sun, sizeof(sun));
	} else {
		struct addrinfo hints, *res = NULL;
		char port[8];
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		snprintf(port, sizeof(port), "%u", c->port);
		if (getaddrinfo(c->host, port, &hints, &res) != 0 || !res) {
			return false;
		}
		fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			freeaddrinfo(res);
			return false;
		}
		set_nodelay_nonblock(fd, true);
		rc = connect(fd, res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
	}
	if (rc != 0 && errno != EINPROGRESS && errno != EAGAIN) {
		close(fd);
		return false;
	}
	c->fd = fd;
	c->connecting = rc != 0;
	c->connect_deadline = mr_mono_ms() + w->opts.connect_timeout_ms;
	if (!c->connecting) {
		conn_connected(c);
	}
	return true;
}

/* Writes what c has queued. Returns false on a broken connection. */
static bool conn_write(mr_conn_t *c)
{
	while (c->woff < c->wlen) {
		ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			c->woff += (size_t) n;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return true;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else {
			return false;
		}
	}
	return true;
}

/* Parses every complete reply in c's buffer into its request. Returns false
 * on a reply that is malformed or answers the wrong request. */
static bool conn_parse(mr_wire_t *w, mr_conn_t *c)
{
	while (c->pending) {
		mr_reply_t rep;
		uint32_t i = c->cur;
		long used = mr_wire_parse_reply(c->rbuf + c->rpos, c->rlen - c->rpos, w->kinds[i], &rep);
		if (used == 0) {
			return true;
		}
		if (used < 0) {
			return false;
		}
		mr_req_t *r = &w->reqs[i];
		bool is_err = mr_rc_is_error(rep.rc);
		if (!is_err && (!rep.has_opaque || rep.opaque != i)) {
			return false;
		}
		r->rc = rep.rc;
		r->flags = rep.flags;
		r->ttl = rep.ttl;
		r->cas = rep.cas;
		r->number = rep.number;
		r->voff = c->rpos + rep.voff;
		r->vlen = rep.vlen;
		c->rpos += (size_t) used;
		c->cur = r->next;
		c->pending--;
		if (is_err && rep.rc != MR_ERR_TOOBIG && rep.rc != MR_ERR_NOMEM && rep.rc != MR_ERR_NOTNUM) {
			/* after ERROR or CLIENT_ERROR the server may read our data as commands */
			c->close_after = true;
		}
	}
	if (c->rpos != c->rlen) {
		return false; /* bytes nobody asked for */
	}
	return true;
}

/* Returns whether a read buffer may grow to cap bytes inside memory_limit:
 * a reply may announce up to 1 GiB, and erealloc() past the limit is a fatal
 * error in the middle of a batch. Persistent buffers are malloc()ed. */
static bool memory_allows(const mr_wire_t *w, size_t cap)
{
	if (w->persistent || PG(memory_limit) <= 0) {
		return true;
	}
	return zend_memory_usage(true) + cap <= (size_t) PG(memory_limit);
}

/* Returns the bytes c's read buffer must hold for the reply it is in the
 * middle of to fit whole: known once a value's header line ("VA <size> ...")
 * is in; 0 otherwise. */
static size_t reply_need(const mr_conn_t *c)
{
	const char *p = c->rbuf + c->rpos;
	size_t avail = c->rlen - c->rpos;
	if (avail < 4 || p[0] != 'V' || p[1] != 'A' || p[2] != ' ') {
		return 0;
	}
	const char *nl = memchr(p, '\n', avail < MAX_LINE ? avail : MAX_LINE);
	if (!nl) {
		return 0;
	}
	size_t size = 0;
	for (const char *d = p + 3; d < nl && *d >= '0' && *d <= '9' && size <= MAX_VALUE; d++) {
		size = size * 10 + (size_t) (*d - '0');
	}
	if (size > MAX_VALUE) {
		return 0; /* the parser refuses it */
	}
	return c->rpos + (size_t) (nl + 1 - p) + size + 2;
}

/* After a read that left a value's reply incomplete: grows c's read buffer
 * to hold all of it at once (at least doubling), rather than doubling in
 * steps up to it (each step copies what came so far: a 1 MB value cost 2 MB
 * of copying). Past
 * memory_limit it leaves the buffer as it is: the doubling reports that. */
static void reserve_for_reply(mr_wire_t *w, mr_conn_t *c)
{
	size_t need = reply_need(c);
	if (need + BUF_MIN / 2 <= c->rcap) {
		return;
	}
	/* at least double: a batch of large values in one buffer must not
	 * grow (and copy everything so far) once per value */
	size_t cap = need + BUF_MIN > 2 * c->rcap ? need + BUF_MIN : 2 * c->rcap;
	if (memory_allows(w, cap)) {
		c->rbuf = buf_resize(w, c->rbuf, cap);
		c->rcap = cap;
	}
}

/* Reads what c's server sent and parses it. With wait, the first recv
 * blocks (bounded by the socket's receive timeout) instead of the caller
 * polling first: one syscall per reply on the common single-server path.
 * Returns MR_OK (maybe more to come), MR_ERR_CONNECT (closed or broken),
 * MR_ERR_TIMEOUT (the blocking recv timed out), MR_ERR_PROTOCOL (bad reply)
 * or MR_ERR_TOOBIG (the reply outgrows the request's memory_limit). */
static mr_rc_t conn_read(mr_wire_t *w, mr_conn_t *c, bool wait)
{
	for (;;) {
		if (c->rcap - c->rlen < BUF_MIN / 2) {
			size_t cap = c->rcap ? c->rcap * 2 : BUF_MIN;
			if (cap > MAX_VALUE + 2 * BUF_KEEP) {
				return MR_ERR_PROTOCOL;
			}
			if (!memory_allows(w, cap)) {
				return MR_ERR_TOOBIG;
			}
			c->rbuf = buf_resize(w, c->rbuf, cap);
			c->rcap = cap;
		}
		size_t space = c->rcap - c->rlen;
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, space, wait ? 0 : MSG_DONTWAIT);
		if (n > 0) {
			c->rlen += (size_t) n;
			if (!conn_parse(w, c)) {
				return MR_ERR_PROTOCOL;
			}
			if (c->pending && c->rcap - c->rlen < BUF_MIN / 2) {
				reserve_for_reply(w, c);
			}
			if (!c->pending || (size_t) n < space) {
				return MR_OK; /* done, or the socket is drained for now */
			}
			wait = false;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return wait ? MR_ERR_TIMEOUT : MR_OK;
		} else if (n < 0 && errno == EINTR) {
			if (wait) {
				return MR_OK; /* a signal: the poll loop takes over, on the batch deadline */
			}
			continue;
		} else {
			return MR_ERR_CONNECT; /* closed by the server, or an error */
		}
	}
}

/* Returns true when an idle connection was closed by its server meanwhile
 * (restart, idle timeout): checked only after a second of idleness, so the
 * hot path pays no syscall for it. */
static bool conn_went_stale(mr_conn_t *c, uint64_t now)
{
	if (now - c->last_used_ms < 1000) {
		return false;
	}
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	return poll(&pfd, 1, 0) != 0;
}

/* Returns the socket error of a finished non-blocking connect (0: connected). */
static int connect_result(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
		return errno;
	}
	return err;
}

/* A connect finished: the socket turns blocking with a receive timeout,
 * so that waiting on one server is a plain recv (sends and the multi-server
 * reads pass MSG_DONTWAIT and never block). */
static void conn_connected(mr_conn_t *c)
{
	c->connecting = false;
	clear_down(c);
	int fl = fcntl(c->fd, F_GETFL);
	c->blocking = fl >= 0 && fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK) == 0;
	c->rcvtimeo_ms = 0;
}

/* Returns true when c may wait for its replies in a blocking recv: its
 * receive timeout is the batch timeout (set again only when it changed). */
static bool conn_can_wait(mr_wire_t *w, mr_conn_t *c)
{
	if (!c->blocking || c->connecting || c->woff < c->wlen) {
		return false;
	}
	uint32_t ms = w->opts.timeout_ms ? w->opts.timeout_ms : 1;
	if (c->rcvtimeo_ms != ms) {
		struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
		if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
			return false;
		}
		c->rcvtimeo_ms = ms;
	}
	return true;
}

/* Gets every connection with requests going: skips servers marked down,
 * connects the others and sends what can be sent at once. Returns the
 * connection written last (NULL when none has requests going). */
static mr_conn_t *batch_start(mr_wire_t *w)
{
	uint64_t now = mr_mono_ms();
	mr_conn_t *last = NULL;
	for (uint32_t k = 0; k < w->nactive; k++) {
		uint32_t i = w->active[k];
		mr_conn_t *c = w->conns[i];
		if (!c->pending) {
			continue;
		}
		if (c->fd >= 0 && (c->close_after || conn_went_stale(c, now))) {
			conn_close(c);
		}
		if (c->fd < 0) {
			if (conn_is_down(w, i)) {
				fail_pending(w, c, MR_ERR_DOWN, false);
				continue;
			}
			if (!conn_start(w, c)) {
				fail_pending(w, c, MR_ERR_CONNECT, true);
				continue;
			}
		}
		c->last_used_ms = now;
		if (!c->connecting && !conn_write(c)) {
			fail_pending(w, c, MR_ERR_CONNECT, true);
			continue;
		}
		last = c;
	}
	return last;
}

/* After poll woke c: finishes its connect, and writes what is queued when
 * ev has POLLOUT. Returns false when c failed (its requests are failed). */
static bool conn_poll_out(mr_wire_t *w, mr_conn_t *c, short ev)
{
	if (c->connecting) {
		if (connect_result(c->fd) != 0) {
			fail_pending(w, c, MR_ERR_CONNECT, true);
			return false;
		}
		conn_connected(c);
	}
	if ((ev & POLLOUT) && !conn_write(c)) {
		fail_pending(w, c, MR_ERR_CONNECT, true);
		return false;
	}
	return true;
}

/* Takes the outcome of conn_read on c: on an error (closed, nonsense, more
 * than memory allows) fails c's requests and skips the server for its retry
 * interval, since the next batch of this call (the marker, the fleet
 * publish) would meet the same; closes c once answered when the server may
 * be out of step. */
static void conn_read_done(mr_wire_t *w, mr_conn_t *c, mr_rc_t rr)
{
	if (rr != MR_OK) {
		fail_pending(w, c, rr, true);
	} else if (!c->pending && c->close_after) {
		conn_close(c);
	}
}

/* Waits for every reply of the batch (or fails what is left at the
 * deadline). last: the connection batch_start wrote last, if any. */
static void wait_replies(mr_wire_t *w, mr_conn_t *last, uint64_t deadline)
{
	if (last && last->pending && conn_can_wait(w, last)) {
		/* recv itself waits for the server written last (a get, a set: the
		 * only one); the others were written first and have most likely
		 * answered by then, so a plain read takes their replies without a
		 * poll; what is still missing goes through the poll loop below */
		conn_read_done(w, last, conn_read(w, last, true));
		for (uint32_t k = 0; k < w->nactive; k++) {
			uint32_t i = w->active[k];
			mr_conn_t *c = w->conns[i];
			if (c == last || !c->pending || c->connecting || c->woff < c->wlen) {
				continue;
			}
			conn_read_done(w, c, conn_read(w, c, false));
		}
	}
	for (;;) {
		uint32_t np = 0;
		uint64_t now = mr_mono_ms();
		uint64_t wake = deadline;
		for (uint32_t k = 0; k < w->nactive; k++) {
			uint32_t i = w->active[k];
			mr_conn_t *c = w->conns[i];
			if (!c->pending) {
				continue;
			}
			if (c->connecting) {
				if (now >= c->connect_deadline) {
					fail_pending(w, c, MR_ERR_CONNECT, true);
					continue;
				}
				if (c->connect_deadline < wake) {
					wake = c->connect_deadline;
				}
			} else if (now >= deadline) {
				fail_pending(w, c, MR_ERR_TIMEOUT, true);
				continue;
			}
			w->pfds[np].fd = c->fd;
			w->pfds[np].events = (short) ((c->connecting || c->woff < c->wlen) ? POLLOUT : 0) | (c->connecting ? 0 : POLLIN);
			w->pfds[np].revents = 0;
			w->pmap[np++] = i;
		}
		if (np == 0) {
			break;
		}
		int ms = wake > now ? (int) (wake - now) : 0;
		int rc = poll(w->pfds, np, ms);
		if (rc < 0 && errno != EINTR) {
			for (uint32_t k = 0; k < np; k++) {
				fail_pending(w, w->conns[w->pmap[k]], MR_ERR_CONNECT, false);
			}
			break;
		}
		if (rc <= 0) {
			continue; /* timeouts are handled at the top */
		}
		for (uint32_t k = 0; k < np; k++) {
			mr_conn_t *c = w->conns[w->pmap[k]];
			short ev = w->pfds[k].revents;
			if (!ev) {
				continue;
			}
			if (!conn_poll_out(w, c, ev)) {
				continue;
			}
			if (ev & (POLLIN | POLLHUP | POLLERR)) {
				conn_read_done(w, c, conn_read(w, c, false));
			}
		}
	}
}

static uint32_t count_errors(const mr_wire_t *w)
{
	uint32_t errors = 0;
	for (uint32_t i = 0; i < w->nreq; i++) {
		if (mr_rc_is_error(w->reqs[i].rc)) {
			errors++;
		}
	}
	return errors;
}

uint32_t mr_wire_run(mr_wire_t *w)
{
	uint64_t deadline = mr_mono_ms() + w->opts.timeout_ms;
	wait_replies(w, batch_start(w), deadline);
	return count_errors(w);
}

void mr_wire_send(mr_wire_t *w)
{
	uint64_t deadline = mr_mono_ms() + w->opts.timeout_ms;
	batch_start(w);
	/* finish connects and writes now, so the requests reach their servers
	 * in this call; the replies stay in the sockets for mr_wire_collect */
	for (;;) {
		uint32_t np = 0;
		uint64_t now = mr_mono_ms();
		for (uint32_t k = 0; k < w->nactive; k++) {
			uint32_t i = w->active[k];
			mr_conn_t *c = w->conns[i];
			if (!c->pending || (!c->connecting && c->woff == c->wlen)) {
				continue;
			}
			if (now >= (c->connecting ? c->connect_deadline : deadline)) {
				fail_pending(w, c, c->connecting ? MR_ERR_CONNECT : MR_ERR_TIMEOUT, true);
				continue;
			}
			w->pfds[np].fd = c->fd;
			w->pfds[np].events = POLLOUT;
			w->pfds[np].revents = 0;
			w->pmap[np++] = i;
		}
		if (np == 0) {
			return;
		}
		if (poll(w->pfds, np, deadline > now ? (int) (deadline - now) : 0) <= 0) {
			continue; /* timeouts (and EINTR) are handled at the top */
		}
		for (uint32_t k = 0; k < np; k++) {
			mr_conn_t *c = w->conns[w->pmap[k]];
			if (w->pfds[k].revents) {
				conn_poll_out(w, c, POLLOUT);
			}
		}
	}
}

bool mr_wire_collect(mr_wire_t *w, bool wait)
{
	if (wait) {
		mr_conn_t *last = NULL;
		for (uint32_t k = 0; k < w->nactive; k++) {
			uint32_t i = w->active[k];
			if (w->conns[i]->pending) {
				last = w->conns[i];
			}
		}
		wait_replies(w, last, mr_mono_ms() + w->opts.timeout_ms);
		return true;
	}
	bool done = true;
	for (uint32_t k = 0; k < w->nactive; k++) {
		uint32_t i = w->active[k];
		mr_conn_t *c = w->conns[i];
		if (!c->pending) {
			continue;
		}
		if (c->connecting || c->woff < c->wlen) {
			done = false;
			continue;
		}
		conn_read_done(w, c, conn_read(w, c, false));
		done = done && !c->pending;
	}
	return done;
}

mr_wire_t *mr_wire_clone(const mr_wire_t *w)
{
	mr_wire_t *copy = mr_wire_new(w->hosts, w->ports, w->names, w->n, w->persistent);
	copy->opts = w->opts;
	return copy;
}

/* ---- text commands (stats, lru_crawler metadump) ---- */

/* Waits until fd is ready for events or the timeout passes. Returns true when ready. */
static bool wait_fd(int fd, short events, uint32_t timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;
	do {
		rc = poll(&pfd, 1, (int) timeout_ms);
	} while (rc < 0 && errno == EINTR);
	return rc > 0;
}

/* Returns MR_OK once c is connected with nothing in flight, or the error. */
static mr_rc_t conn_ready(mr_wire_t *w, uint32_t conn)
{
	mr_conn_t *c = conn_at(w, conn);
	if (c->fd >= 0 && (c->close_after || conn_went_stale(c, mr_mono_ms()))) {
		conn_close(c);
	}
	if (c->fd < 0) {
		if (conn_is_down(w, conn)) {
			return MR_ERR_DOWN;
		}
		if (!conn_start(w, c)) {
			mark_down(w, c);
			return MR_ERR_CONNECT;
		}
	}
	if (c->connecting) {
		if (!wait_fd(c->fd, POLLOUT, w->opts.connect_timeout_ms) || connect_result(c->fd) != 0) {
			conn_close(c);
			mark_down(w, c);
			return MR_ERR_CONNECT;
		}
		conn_connected(c);
	}
	return MR_OK;
}

mr_rc_t mr_wire_text(mr_wire_t *w, uint32_t conn, const char *line, mr_line_cb cb, void *ctx, uint32_t timeout_ms)
{
	mr_conn_t *c = conn_at(w, conn);
	mr_rc_t rc = conn_ready(w, conn);
	if (rc != MR_OK) {
		return rc;
	}
	/* this uses the batch buffers: no batch may be half read */
	c->wlen = c->woff = 0;
	c->rlen = c->rpos = 0;
	wbuf_reserve(w, c, strlen(line) + 2);
	put(c, line, strlen(line));
	put(c, "\r\n", 2);
	while (c->woff < c->wlen) {
		if (!conn_write(c) || (c->woff < c->wlen && !wait_fd(c->fd, POLLOUT, timeout_ms))) {
			conn_close(c);
			return MR_ERR_CONNECT;
		}
	}
	c->wlen = c->woff = 0;
	c->last_used_ms = mr_mono_ms();
	for (;;) {
		/* hand out every complete line, then read more */
		char *nl;
		while (c->rpos < c->rlen && (nl = memchr(c->rbuf + c->rpos, '\n', c->rlen - c->rpos)) != NULL) {
			char *start = c->rbuf + c->rpos;
			size_t len = (size_t) (nl - start);
			c->rpos += len + 1;
			if (len > 0 && start[len - 1] == '\r') {
				len--; /* metadump lines end in a bare LF, everything else in CRLF */
			}
			if (len == 3 && memcmp(start, "END", 3) == 0) {
				c->rlen = c->rpos = 0;
				return MR_OK;
			}
			mr_rc_t err = error_line(start, len);
			if (err != MR_PENDING || (len >= 4 && memcmp(start, "BUSY", 4) == 0)) {
				c->rlen = c->rpos = 0;
				return err != MR_PENDING ? err : MR_ERR_SERVER;
			}
			if (!cb(ctx, start, len)) {
				conn_close(c); /* the rest of the stream is unread */
				return MR_OK;
			}
		}
		/* keep the partial line; drop what was handed out */
		if (c->rpos > 0) {
			memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
			c->rlen -= c->rpos;
			c->rpos = 0;
		}
		if (c->rlen >= MAX_LINE) {
			conn_close(c);
			return MR_ERR_PROTOCOL;
		}
		if (c->rcap - c->rlen < BUF_MIN / 2) {
			c->rbuf = buf_resize(w, c->rbuf, c->rcap ? c->rcap * 2 : BUF_MIN);
			c->rcap = c->rcap ? c->rcap * 2 : BUF_MIN;
		}
		if (!wait_fd(c->fd, POLLIN, timeout_ms)) {
			conn_close(c);
			mark_down(w, c);
			return MR_ERR_TIMEOUT;
		}
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, MSG_DONTWAIT);
		if (n <= 0) {
			if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
				continue;
			}
			conn_close(c);
			return MR_ERR_CONNECT;
		}
		c->rlen += (size_t) n;
	}
}

/* ---- a server's clock ---- */

/* Servers' clock offsets against ours, process-wide: an absolute expiry
 * (a TTL over 30 days) must be computed on the clock of the server that
 * stores it, and memcached's clock runs apart from the host's by seconds. */
#define CLOCK_SLOTS 64
#define CLOCK_MAX_AGE_S 60
static struct { uint64_t hash; int64_t offset; int64_t at; } clock_table[CLOCK_SLOTS];
static mr_lock_t clock_lock = MR_LOCK_INITIALIZER; /* not held while asking a server */

static bool time_line(void *ctx, const char *line, size_t len)
{
	int64_t *t = ctx;
	uint64_t v;
	if (mr_stat_u64(line, len, "time", &v) && v <= INT64_MAX) {
		*t = (int64_t) v;
	}
	return true;
}

/* Returns what the text command line got from c's server, asked on a
 * connection of its own (the pool's may be in the middle of a batch): one
 * reading of a server-wide value, cached by the callers. */
static mr_rc_t ask_aside(mr_wire_t *w, mr_conn_t *c, const char *line, mr_line_cb cb, void *ctx)
{
	const char *host = c->host, *name = c->name;
	uint16_t port = c->port;
	mr_wire_t *tmp = mr_wire_new(&host, &port, &name, 1, false);
	tmp->opts = w->opts;
	mr_rc_t rc = mr_wire_text(tmp, 0, line, cb, ctx, w->opts.timeout_ms);
	mr_wire_free(tmp);
	return rc;
}

int64_t mr_wire_server_time(mr_wire_t *w, uint32_t conn)
{
	mr_conn_t *c = conn_at(w, conn);
	int64_t now = (int64_t) time(NULL);
	uint32_t slot = (uint32_t) (c->name_hash % CLOCK_SLOTS);
	mr_lock(&clock_lock);
	bool fresh = clock_table[slot].hash == c->name_hash && now - clock_table[slot].at < CLOCK_MAX_AGE_S;
	int64_t offset = clock_table[slot].offset;
	mr_unlock(&clock_lock);
	if (fresh) {
		return now + offset - 1; /* the offset is known to a second either way */
	}
	int64_t server = 0;
	if (ask_aside(w, c, "stats", time_line, &server) == MR_OK && server > 0) {
		mr_lock(&clock_lock);
		clock_table[slot].hash = c->name_hash;
		clock_table[slot].offset = server - now;
		clock_table[slot].at = now;
		mr_unlock(&clock_lock);
	}
	return server > 0 ? server : now;
}

/* ---- a server's item size limit ---- */

/* Servers' item_size_max, process-wide: a move that sends its delete at O
 * with the add at N must know N takes the item (docs/DESIGN.md, "The move in
 * two round trips"). It changes only with a restart: cached for minutes. */
#define ITEM_MAX_AGE_S 300
static struct { uint64_t hash; uint64_t max; int64_t at; } item_max_table[CLOCK_SLOTS];

static bool item_max_line(void *ctx, const char *line, size_t len)
{
	uint64_t *max = ctx;
	uint64_t v;
	if (mr_stat_u64(line, len, "item_size_max", &v)) {
		*max = v;
	}
	return true;
}

uint64_t mr_wire_item_max(mr_wire_t *w, uint32_t conn)
{
	mr_conn_t *c = conn_at(w, conn);
	int64_t now = (int64_t) time(NULL);
	uint32_t slot = (uint32_t) (c->name_hash % CLOCK_SLOTS);
	mr_lock(&clock_lock);
	bool fresh = item_max_table[slot].hash == c->name_hash && now - item_max_table[slot].at < ITEM_MAX_AGE_S;
	uint64_t max = item_max_table[slot].max;
	mr_unlock(&clock_lock);
	if (fresh) {
		return max;
	}
	max = 0;
	if (ask_aside(w, c, "stats settings", item_max_line, &max) == MR_OK && max > 0) {
		mr_lock(&clock_lock);
		item_max_table[slot].hash = c->name_hash;
		item_max_table[slot].max = max;
		item_max_table[slot].at = now;
		mr_unlock(&clock_lock);
	}
	return max;
}
