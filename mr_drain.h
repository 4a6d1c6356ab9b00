/* mr_drain: walk an old server and move every key whose location changes,
 * at a set pace, within a fill limit on the targets. The keys come from
 * memcached's `lru_crawler metadump`; each batch moves the way a get moves a
 * key (add at N, then the CAS-checked delete at the source), so a writer
 * racing the drain keeps its data. */
#ifndef MR_DRAIN_H
#define MR_DRAIN_H

#include "mr_pool.h"

typedef struct {
	double rate;               /* keys per second, 0: unlimited */
	double bytes_rate;         /* bytes per second, 0: unlimited */
	uint32_t batch;            /* keys per pipelined batch */
	double fill_limit;         /* 0..1, 0: off */
	bool copy;                 /* keep the source */
	/* progress: called after each batch; returns false to stop */
	bool (*progress)(void *ctx, const uint64_t *totals);
	void *progress_ctx;
} mr_drain_opts_t;

typedef enum {
	MR_DRAIN_SCANNED = 0, MR_DRAIN_MOVED, MR_DRAIN_RACED, MR_DRAIN_SKIPPED,
	MR_DRAIN_EXPIRED,          /* about to expire: left to expire where it is */
	MR_DRAIN_GONE,             /* listed, then not at the source any more: moved by a
	                            * read of the app, deleted, evicted or expired meanwhile */
	MR_DRAIN_ERRORS, MR_DRAIN_BYTES,
	MR_DRAIN_STALE,            /* guarded at N: the source's older copy, deleted there */
	MR_DRAIN_COUNT
} mr_drain_total_t;

typedef enum {
	MR_STOP_DONE = 0, MR_STOP_FILL_LIMIT, MR_STOP_CALLBACK, MR_STOP_ERROR
} mr_drain_stop_t;

/* Drains connection src (an old server). Returns why it stopped; totals are
 * added into totals[MR_DRAIN_COUNT]. err gets a message on MR_STOP_ERROR. */
mr_drain_stop_t mr_drain_server(mr_pool_t *p, uint32_t src, const mr_drain_opts_t *o, uint64_t *totals, char *err, size_t errlen);

/* One line of `lru_crawler metadump`. */
typedef struct {
	char key[MR_KEY_MAX + 1];  /* URL-decoded */
	size_t klen;
	int64_t exp;               /* absolute unix time, -1: never */
	int64_t size;              /* item size, -1 when not given */
} mr_metadump_t;

/* Returns true when line is a well-formed metadump line with a usable key
 * (fills out); false for anything else. Never reads past line+len. */
bool mr_drain_parse_metadump_line(const char *line, size_t len, mr_metadump_t *out);

#endif
