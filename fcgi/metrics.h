/*
 * metrics.h - the counters of one tc-fcgi process, for GET /metrics.
 *
 * One struct metrics per process, shared by every serving thread: each
 * finished request adds to atomic counters (requests by route and status
 * class, a latency histogram per route), and each thread publishes the
 * reconnect and error counts of its own MariaDB and Redis connection in a
 * slot of its own.  Nothing here takes a lock, allocates per request or
 * names a school (no per-school labels).  The deployment-wide figures (job
 * stream, imports in progress, e-mails) are read from Redis at scrape time
 * by metrics_render.  docs/operations.md lists every metric.
 */
#ifndef TC_METRICS_H
#define TC_METRICS_H

#include <stddef.h>

#include "db.h"
#include "kv.h"

#define METRICS_OUT_MAX	(512 * 1024)	/* bytes of one /metrics answer */

struct metrics;
struct request;

/* A process's counters for the routes of route_table() and nthreads
 * threads.  NULL when out of memory.  Freed with metrics_free(). */
struct metrics	*metrics_new(int nthreads);
void		 metrics_free(struct metrics *);

/* A request starts / has finished (status 0: no answer was sent). */
void		 metrics_begin(struct metrics *);
void		 metrics_end(struct metrics *, const char *method, const char *route, int status,
		    double duration_ms);

/* Thread number thread publishes the counters of its connections. */
void		 metrics_connections(struct metrics *, int thread, const struct db *,
		    const struct kv *);

/* The Prometheus text exposition (version 0.0.4) of the process's counters
 * plus the deployment's job and import figures read through kv; a tc-worker
 * counts as alive when its heartbeat is at most alive_seconds old.  Writes
 * at most size bytes into buf and returns the length; -1 when it did not fit. */
long		 metrics_render(struct metrics *, struct kv *, int alive_seconds, char *buf,
		    size_t size);

#endif
