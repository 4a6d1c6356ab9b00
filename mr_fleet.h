/* mr_fleet: what crosses hosts. The completion marker (a key in the new pool
 * that tells every web host a pool has cut over) and each host's published
 * counters (so fleetStats() and the admin page see the whole fleet). Both
 * live under the reserved prefix MR_RESERVED_PREFIX and are never moved. */
#ifndef MR_FLEET_H
#define MR_FLEET_H

#include "mr_pool.h"

/* Housekeeping after an operation, at most once a second per host: writes a
 * pending completion marker, looks for another host's marker, publishes
 * this host's counters. Costs nothing on other calls. */
void mr_fleet_after_op(mr_pool_t *p);

/* Cuts over now, here and (through the marker) on every host. Returns
 * false when the marker could not be written (the local cut-over stands). */
bool mr_fleet_complete(mr_pool_t *p);

/* Publishes this host's counters for the pool to the new pool. */
void mr_fleet_publish(mr_pool_t *p);

/* This host's name in fleet views: memrehash.host_id, or hostname plus the
 * counters mapping's identity. */
const char *mr_fleet_host_id(void);
void mr_fleet_set_host_id(const char *ini_value);

/* Reads every host's published counters for the pool: calls cb for each
 * host with its id and its raw counter values (MR_C_COUNT of them). Returns
 * the number of hosts read, or -1 when the new pool could not be asked. */
typedef void (*mr_fleet_cb)(void *ctx, const char *host, const uint64_t *c, uint64_t state, uint64_t at);
int mr_fleet_read(mr_pool_t *p, mr_fleet_cb cb, void *ctx);

#endif
