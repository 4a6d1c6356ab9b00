/* mr_down: which servers failed moments ago, shared by every process of a
 * host (the rows live in the counters mapping), so one worker's timeout
 * spares the others for the retry interval. Only atomics: a process killed
 * at any instant leaves at most a row that expires. Times are
 * CLOCK_MONOTONIC milliseconds, which every process of a host shares. */
#ifndef MR_DOWN_H
#define MR_DOWN_H

#include <stdint.h>
#include <stdbool.h>

#define MR_DOWN_SLOTS 2048
#define MR_DOWN_MAX_MS (3600u * 1000u) /* the longest retry_interval: anything longer is from before a reboot */

typedef struct {
	uint64_t hash;       /* the server name's hash; 0: a free row */
	uint64_t until_ms;   /* skip the server until then (0: not down) */
	uint64_t failed_ms;  /* when a request to it last failed */
} mr_down_row_t;

/* Uses rows (MR_DOWN_SLOTS of them, in shared memory) from now on; NULL
 * goes back to this process's own table. */
void mr_down_attach(mr_down_row_t *rows);

/* Returns true when the server hashed h is marked down now. */
bool mr_down_is_down(uint64_t h);

/* Marks the server hashed h down for ms milliseconds (0: only records the failure). */
void mr_down_mark(uint64_t h, uint32_t ms);

/* Ends the server's down time (it answered); its last failure stays known. */
void mr_down_clear(uint64_t h);

/* Returns true when a request to the server hashed h failed, in any
 * process of the host, less than ms milliseconds ago. */
bool mr_down_failed_within(uint64_t h, uint32_t ms);

#endif
