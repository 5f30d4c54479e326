/*
 * import_job.h - the two long steps of an import, run by tc-worker from the
 * job stream: fetching from the LAS (or reading an uploaded file) into the
 * review, and applying the review.  Both are guarded by the import's status,
 * so a job run twice (a worker died, a job was claimed again) changes
 * nothing the second time.
 */
#ifndef TC_IMPORT_JOB_H
#define TC_IMPORT_JOB_H

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "kv.h"
#include "log.h"
#include "status.h"

/*
 * Fetches import id of school tenant_id: status fetching → review, or →
 * failed with the LAS's own message.  TC_OK also when the import was not in
 * fetching (nothing to do).  TC_UNAVAILABLE when MariaDB or Redis failed:
 * the job should be retried.
 */
tc_status	import_job_fetch(struct db *, struct kv *, const struct config *, uint64_t tenant_id,
		    const char *id, const struct log_ctx *);

/* Applies import id (status applying → applied, or back to review with the
 * reason when the data does not fit).  TC_UNAVAILABLE: retry the job. */
tc_status	import_job_apply(struct db *, struct kv *, const struct config *, uint64_t tenant_id,
		    const char *id, uint64_t actor, const struct log_ctx *);

#endif
