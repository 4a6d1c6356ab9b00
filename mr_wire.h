/* mr_wire: a small memcached meta-protocol engine.
 *
 * A mr_wire_t holds one connection per distinct server. Callers queue
 * requests (mr_wire_mg/ms/md/ma/touch), then mr_wire_run() writes every
 * queued request with one send per server, waits in a blocking recv (bounded
 * by SO_RCVTIMEO) on the server written last, reads the others without
 * waiting, polls only for what is still missing, and parses the replies, in
 * order, into the requests. Values point into the connection's read buffer
 * and stay valid until the next run. See docs/DESIGN.md, "The wire engine". */
#ifndef MR_WIRE_H
#define MR_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Outcome of one request. */
typedef enum {
	MR_OK = 0,          /* HD or VA: done / found */
	MR_MISS,            /* EN or NF */
	MR_NOTSTORED,       /* NS: add found the key, replace did not */
	MR_EXISTS,          /* EX: CAS differs */
	MR_ERR_TIMEOUT,     /* no complete reply within the timeout */
	MR_ERR_CONNECT,     /* could not connect, or the connection broke */
	MR_ERR_DOWN,        /* server marked down after a recent failure: not tried */
	MR_ERR_PROTOCOL,    /* a reply we do not understand */
	MR_ERR_SERVER,      /* SERVER_ERROR (other than too large) */
	MR_ERR_CLIENT,      /* CLIENT_ERROR / ERROR: the server refused our command */
	MR_ERR_TOOBIG,      /* SERVER_ERROR object too large for cache */
	MR_ERR_NOMEM,       /* SERVER_ERROR out of memory */
	MR_ERR_NOTNUM,      /* CLIENT_ERROR cannot increment or decrement non-numeric value */
	MR_PENDING          /* internal: not answered yet */
} mr_rc_t;

static inline bool mr_rc_is_error(mr_rc_t rc) { return rc >= MR_ERR_TIMEOUT; }

/* What a mg asks for. */
#define MR_WANT_VALUE 0x01
#define MR_WANT_FLAGS 0x02
#define MR_WANT_TTL   0x04
#define MR_WANT_CAS   0x08

/* Store modes (ms M<mode>). */
#define MR_MODE_SET     'S'
#define MR_MODE_ADD     'E'
#define MR_MODE_REPLACE 'R'
#define MR_MODE_APPEND  'A'
#define MR_MODE_PREPEND 'P'

#define MR_TTL_NONE (-1)   /* remaining TTL: never expires */
#define MR_TTL_UNKNOWN (-2)
/* memcached reads a TTL above 30 days as an absolute unix time. */
#define MR_RELATIVE_TTL_MAX 2592000

/* A request index that names no request (none sent, or the end of a list). */
#define MR_NO_REQ UINT32_MAX

typedef struct {
	uint32_t conn;     /* connection index */
	uint32_t next;     /* next request queued on the same connection */
	mr_rc_t rc;
	uint32_t flags;    /* client flags (mg with f) */
	int64_t ttl;       /* remaining TTL (mg with t), MR_TTL_NONE or MR_TTL_UNKNOWN */
	uint64_t cas;      /* mg with c, ms with c */
	uint64_t number;   /* ma: the new value */
	size_t voff, vlen; /* value: offset into the connection's read buffer */
} mr_req_t;

typedef struct mr_wire mr_wire_t;

typedef struct {
	uint32_t timeout_ms;         /* whole round trip */
	uint32_t connect_timeout_ms;
	uint32_t retry_interval_ms;  /* a failed server is skipped for this long */
} mr_wire_opts_t;

/* Returns a wire for n servers (names "host:port" or socket paths, with host
 * and port split out), allocated persistently when persistent. The three
 * arrays and their strings are borrowed, not copied: they must outlive the
 * wire (and its clones). Nothing is made per server until a request uses it. */
mr_wire_t *mr_wire_new(const char *const *hosts, const uint16_t *ports, const char *const *names, uint32_t n, bool persistent);
void mr_wire_free(mr_wire_t *w);
/* Closes every connection (they reopen on the next request). */
void mr_wire_close_all(mr_wire_t *w);
void mr_wire_set_opts(mr_wire_t *w, const mr_wire_opts_t *opts);
const mr_wire_opts_t *mr_wire_opts(const mr_wire_t *w);
uint32_t mr_wire_count(const mr_wire_t *w);
const char *mr_wire_name(const mr_wire_t *w, uint32_t conn);

/* Forgets every queued request (the start of a new batch). */
void mr_wire_reset(mr_wire_t *w);

/* Each returns the request index; the request is written at the next run. */
/* From now on, keys with bytes the text protocol cannot carry (spaces,
 * control bytes; the caller has checked that their base64 form is at most
 * MR_KEY_MAX bytes) go out in base64 with the meta "b" flag. Process-wide:
 * the drop-in calls it when PECL's binary-protocol key rules are turned on. */
void mr_wire_b64_keys_enable(void);

uint32_t mr_wire_mg(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, unsigned want);
uint32_t mr_wire_touch(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, int64_t ttl);
uint32_t mr_wire_ms(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, char mode,
	const char *data, size_t dlen, uint32_t flags, int64_t ttl, uint64_t cas_check, bool want_cas);
uint32_t mr_wire_md(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, uint64_t cas_check);
uint32_t mr_wire_ma(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, bool incr, uint64_t delta);
/* ma that creates a missing item with initial and ttl (N and J flags). */
uint32_t mr_wire_ma_init(mr_wire_t *w, uint32_t conn, const char *key, size_t klen, bool incr, uint64_t delta, uint64_t initial, int64_t ttl);

/* Sends every queued request and reads every reply (or fails them on
 * timeout, error or a server marked down). Returns the number of requests
 * that ended in an error. */
uint32_t mr_wire_run(mr_wire_t *w);

/* Sends every queued request (finishing connects and writes, bounded by the
 * timeout) without reading the replies: they wait in the sockets until
 * mr_wire_collect. Requests keep their indices until the next reset. */
void mr_wire_send(mr_wire_t *w);

/* Reads the replies of a batch sent by mr_wire_send. With wait, until every
 * request is answered or failed (the timeout bounds it); without, only what
 * has arrived. Returns true when no request is left waiting. */
bool mr_wire_collect(mr_wire_t *w, bool wait);

/* Returns a new wire with w's servers and options: its own connections. */
mr_wire_t *mr_wire_clone(const mr_wire_t *w);

/* Returns request i of the current batch. */
mr_req_t *mr_wire_req(mr_wire_t *w, uint32_t i);
/* Returns a pointer to the value of request i (valid until the next run). */
const char *mr_wire_value(mr_wire_t *w, uint32_t i);

/* Returns true when a request on conn failed within the last ms. */
bool mr_wire_failed_recently(mr_wire_t *w, uint32_t conn, uint32_t ms);

/* Text commands for stats and lru_crawler: sends line (without CRLF) to conn
 * and calls cb(ctx, line, len) for each reply line (without its line end)
 * until "END", an error, or cb returning false (the rest of the reply goes
 * with the connection). Returns MR_OK, or the error. Blocking, each read
 * bounded by timeout_ms. */
typedef bool (*mr_line_cb)(void *ctx, const char *line, size_t len);
mr_rc_t mr_wire_text(mr_wire_t *w, uint32_t conn, const char *line, mr_line_cb cb, void *ctx, uint32_t timeout_ms);

/* Returns the unix time on the clock of the server on conn (its `stats`
 * "time", cached for a minute as an offset to ours), or ours when it cannot
 * be asked; from the cache, a second early (both clocks tick in whole
 * seconds, out of phase: an absolute expiry built on it must never let a
 * moved copy outlive the original). Safe in the middle of a batch: it asks
 * on a connection of its own. */
int64_t mr_wire_server_time(mr_wire_t *w, uint32_t conn);

/* Returns the largest item (bytes) the server on conn stores (its `stats
 * settings` "item_size_max", cached for minutes), or 0 when it cannot be
 * asked. Safe in the middle of a batch: it asks on a connection of its own. */
uint64_t mr_wire_item_max(mr_wire_t *w, uint32_t conn);

/* --- the reply parser, exposed for the fuzzer --- */
typedef struct {
	mr_rc_t rc;
	uint32_t flags;
	int64_t ttl;
	uint64_t cas;
	uint64_t number;
	uint32_t opaque;
	bool has_opaque, has_value;
	size_t voff, vlen;      /* value offset within the parsed buffer */
} mr_reply_t;

/* Returns the bytes one complete reply takes at buf (filling out), 0 when
 * more bytes are needed, or -1 when the bytes are not a valid reply. Never
 * reads past buf+len. kind is the request kind ('g' mg, 's' ms, 'd' md, 'a' ma). */
long mr_wire_parse_reply(const char *buf, size_t len, char kind, mr_reply_t *out);

#endif
