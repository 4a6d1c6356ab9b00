/* The multi-threaded test of a thread-safe (ZTS) PHP: one process, several
 * threads, each running requests at the same time through PHP's embed SAPI
 * (libphp), as FrankenPHP or Apache's worker MPM do.
 *
 *   threads SCRIPT THREADS REQUESTS
 *
 * Each thread starts its own PHP context (ts_resource), then runs REQUESTS
 * requests one after the other; a request evaluates
 *   return require SCRIPT;
 * with $zts_thread and $zts_request set, and SCRIPT returns a string: "ok N"
 * (N checks passed) or a reason it failed. Each thread then ends its context
 * (ts_free_thread), which frees its module globals: memrehash's persistent
 * pools of that thread.
 *
 * Prints one line per thread, "ok - ..." or "not ok - ...", and exits 0
 * only if every request of every thread returned "ok". Extensions come from
 * the php.ini that PHPRC names. */
#include <sapi/embed/php_embed.h>
#include <pthread.h>

#ifndef ZTS
# error "threads.c runs requests in threads: it needs a thread-safe (ZTS) libphp"
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	pthread_t tid;
	int index;
	int requests;
	const char *script;
	int ok_requests;         /* requests whose script returned "ok N" */
	long checks;             /* the N of those, added up */
	char first_error[512];   /* what the first failing request returned */
} job_t;

/* Runs one request of job j; returns true if the script returned "ok N". */
static bool run_request(job_t *j, int r)
{
	char code[1024];
	volatile bool ok = false; /* set inside zend_try, read after a possible longjmp */
	char reason[512] = "";

	if (php_request_startup() == FAILURE) {
		snprintf(j->first_error, sizeof(j->first_error), "request %d: php_request_startup failed", r);
		return false;
	}
	SG(headers_sent) = 1;
	SG(request_info).no_headers = 1;
	zend_try {
		zval rv;
		ZVAL_UNDEF(&rv);
		/* zend_eval_string() with a return value evaluates "return CODE;":
		 * the code must be one expression, so the variables are set first */
		snprintf(code, sizeof(code), "$zts_thread = %d; $zts_request = %d;", j->index, r);
		if (zend_eval_string(code, NULL, "zts worker vars") == SUCCESS &&
			(snprintf(code, sizeof(code), "require '%s'", j->script),
			 zend_eval_string(code, &rv, "zts worker") == SUCCESS) && Z_TYPE(rv) == IS_STRING) {
			long n;
			if (sscanf(Z_STRVAL(rv), "ok %ld", &n) == 1) {
				ok = true;
				j->checks += n;
			} else {
				snprintf(reason, sizeof(reason), "%s", Z_STRVAL(rv));
			}
		} else {
			snprintf(reason, sizeof(reason), "the script did not return a string (a fatal error?)");
		}
		zval_ptr_dtor(&rv);
	} zend_catch {
		snprintf(reason, sizeof(reason), "the request bailed out (a fatal error)");
	} zend_end_try();
	php_request_shutdown(NULL);
	if (!ok && !j->first_error[0]) {
		snprintf(j->first_error, sizeof(j->first_error), "request %d: %s", r, reason);
	}
	return ok;
}

static void *run_thread(void *arg)
{
	job_t *j = arg;
	(void) ts_resource(0);
	for (int r = 0; r < j->requests; r++) {
		if (run_request(j, r)) {
			j->ok_requests++;
		}
	}
	ts_free_thread();
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s SCRIPT THREADS REQUESTS\n", argv[0]);
		return 2;
	}
	int n = atoi(argv[2]), requests = atoi(argv[3]);
	if (n < 1 || n > 256 || requests < 1) {
		fprintf(stderr, "threads: THREADS 1..256, REQUESTS >= 1\n");
		return 2;
	}
	if (php_embed_init(0, NULL) == FAILURE) {
		fprintf(stderr, "threads: php_embed_init failed\n");
		return 1;
	}
	job_t *jobs = calloc((size_t) n, sizeof(*jobs));
	for (int i = 0; i < n; i++) {
		jobs[i] = (job_t) {.index = i, .requests = requests, .script = argv[1]};
		if (pthread_create(&jobs[i].tid, NULL, run_thread, &jobs[i]) != 0) {
			fprintf(stderr, "threads: pthread_create failed\n");
			return 1;
		}
	}
	int failed = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(jobs[i].tid, NULL);
	}
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		job_t *j = &jobs[i];
		if (j->ok_requests == requests) {
			printf("ok - thread %d: %d of %d requests ok, %ld checks\n", i, j->ok_requests, requests, j->checks);
		} else {
			printf("not ok - thread %d: %d of %d requests ok; first failure: %s\n", i, j->ok_requests, requests, j->first_error);
			failed++;
		}
	}
	fflush(stdout);
	free(jobs);
	php_embed_shutdown();
	return failed ? 1 : 0;
}
