/* mr_transition: the operator's pool transitions (INI memrehash.transitions),
 * parsed once at MINIT and read-only afterwards (shared by every thread). */
#ifndef MR_TRANSITION_H
#define MR_TRANSITION_H

#include "php.h"

typedef struct {
	char *host;
	zend_long port;
} mr_tr_server_t;

typedef struct {
	char *text;                 /* the entry as written, for messages and phpinfo */
	char *name;                 /* the pool's name (counters): name=, else "transition-" and a hash of the new list */
	mr_tr_server_t *olds, *news;
	uint32_t n_old, n_new;
	zend_long old_dist;         /* MR_DIST_*, when old_dist_set */
	bool old_dist_set;
	double complete_below;      /* when complete_below_set */
	bool complete_below_set;
	zend_long window;           /* seconds the old-hit rate is taken over; 0: the pool's default */
} mr_transition_t;

/* Parses the setting (entries separated by '|' or newlines, or "@/path"
 * naming a file that holds them). A bad entry gets a startup warning naming
 * it and is left out. Returns the number of transitions kept. */
uint32_t mr_transitions_load(const char *setting);

/* Frees what mr_transitions_load kept (MSHUTDOWN). */
void mr_transitions_free(void);

/* Returns the number of transitions kept. */
uint32_t mr_transitions_count(void);

/* Returns transition i (< mr_transitions_count()). */
const mr_transition_t *mr_transition_at(uint32_t i);

/* Returns the index of the transition whose new list equals the servers of
 * list (as Memcached::getServerList returns them: host and port, in order),
 * or -1. */
int mr_transition_match(HashTable *list);

/* Sets rv to a server list as MemRehash takes it: [[host, port], ...]. */
void mr_transition_list(const mr_tr_server_t *s, uint32_t n, zval *rv);

#endif
