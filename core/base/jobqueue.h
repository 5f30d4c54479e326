/*
 * jobqueue.h - the job stream: long work never done while a browser waits.
 *
 * Jobs are entries of the Redis stream tc:jobs (deployment-wide: tc-worker
 * processes of every host share it through the consumer group "workers").
 * An entry has the fields kind, tenant (id), attempt and payload (JSON).
 * Every job is idempotent or guarded, so running one twice changes nothing.
 * See jobs/ for the consumer, and docs/jobs.md for the kinds.
 */
#ifndef TC_JOBQUEUE_H
#define TC_JOBQUEUE_H

#include <jansson.h>
#include <stdint.h>

#include "kv.h"
#include "status.h"

#define JOBQUEUE_STREAM		"jobs"		/* tc:jobs */
#define JOBQUEUE_GROUP		"workers"
#define JOBQUEUE_DEAD		"jobs:dead"	/* tc:jobs:dead, a hash id → job */

/* Adds a job.  payload is borrowed (may be NULL).  id gets the stream id
 * (at least 32 bytes) when not NULL. */
tc_status	jobqueue_add(struct kv *, const char *kind, uint64_t tenant_id, int attempt,
		    json_t *payload, char *id, size_t idsize);

/* Creates the stream and the consumer group when missing. */
tc_status	jobqueue_ensure(struct kv *);

#endif
