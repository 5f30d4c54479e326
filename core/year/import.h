/*
 * import.h - an import from the LAS in progress: its life in Redis.
 *
 * One import at a time per school (tc:{t}:import:current holds its id).  Its
 * state is a hash tc:{t}:import:<id>, written in the same step as the
 * pointer; a pointer is cleared only while it still holds the id its clearer
 * read (a portal polling during a start never drops the new import).  The
 * staged records (import_stage.h)
 * and the administrator's choices live beside it; all expire after
 * import.ttl_days.  Nothing of an import is in MariaDB before it is applied
 * (import_apply.h); losing Redis loses no record, the import is fetched again.
 *
 * Life: fetching → review → applying → applied, or failed (retry → fetching),
 * or cancelled (staged data deleted) from any state but applying/applied.
 * Every change of state or choices marks the school's cached answers stale
 * (answercache.h), so a cached review is never older than the import; only
 * import_finish leaves that to its caller, which bumps after the apply's
 * COMMIT and before "applied", and runs the job again when it cannot.
 */
#ifndef TC_IMPORT_H
#define TC_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "idlist.h"
#include "kv.h"
#include "status.h"

#define IMPORT_ID_LEN	18	/* decimal digits, no leading zero */
#define IMPORT_FAILED_KEEP_SECONDS 86400	/* staged data of a failed import */
#define IMPORT_FETCH_GUARD_SECONDS 900	/* a queued fetch blocks a second one this long */

enum import_status {
	IMPORT_FETCHING = 0,
	IMPORT_REVIEW,
	IMPORT_APPLYING,
	IMPORT_APPLIED,
	IMPORT_FAILED,
	IMPORT_CANCELLED,
	IMPORT_STATUS_MAX
};

/* The kinds of staged records, also the tabs of the review. */
enum import_kind {
	IMPORT_GROUP = 0,
	IMPORT_STUDENT,
	IMPORT_TEACHER,
	IMPORT_LEAVER,
	IMPORT_KIND_MAX
};

struct import_state {
	char		id[IMPORT_ID_LEN + 1];
	enum import_status status;
	int		year;			/* first calendar year */
	char		kind[16];		/* transition | resync */
	char		source[8];		/* las | file */
	char		started_by[16];		/* user | auto | operator */
	uint64_t	actor;			/* user id, 0 when none */
	long long	started_at;		/* clock time */
	long		progress_done;
	long		progress_total;
	char		error_code[64];		/* when failed */
	char		error_message[256];	/* Dutch, for the portal */
	char		las_message[512];	/* the LAS's own words, or "" */
	char		result[2048];		/* JSON counts, when applied */
};

const char	*import_status_name(enum import_status);
const char	*import_kind_name(enum import_kind);
int		 import_kind_parse(const char *s);	/* -1 when unknown */

/*
 * Starts an import for year (fetching).  TC_CONFLICT when the school has an
 * import in progress: *out is then that import.  Any import but a sync
 * cancels a nightly sync in progress (kind "sync", fetching, review or
 * failed) and takes its place; a sync being applied is a TC_CONFLICT.
 */
tc_status	import_start(struct kv *, const struct config *, uint64_t tenant_id, int year,
		    const char *kind, const char *source, const char *started_by,
		    uint64_t actor, long long now, struct import_state *out);

/*
 * One fetch job at a time per import (issue 19): import_start claims it;
 * "Opnieuw proberen" queues a fetch only when *fresh (no fetch queued or
 * running, or the last one was queued more than IMPORT_FETCH_GUARD_SECONDS
 * ago: a job parked as dead); the fetch job releases it when it is done.
 */
tc_status	import_fetch_claim(struct kv *, uint64_t tenant_id, const char *id, bool *fresh);
void		import_fetch_release(struct kv *, uint64_t tenant_id, const char *id);

/* The import id of the school; TC_NOT_FOUND when none is in progress. */
tc_status	import_current(struct kv *, uint64_t tenant_id, struct import_state *out);

/* The import id of the school.  TC_NOT_FOUND for an unknown (or expired) id. */
tc_status	import_get(struct kv *, uint64_t tenant_id, const char *id, struct import_state *out);

/* True for IMPORT_ID_LEN digits without a leading zero. */
bool		import_id_valid(const char *id);

/* The seconds (real time) before the import's state expires; TC_NOT_FOUND
 * when it is gone. */
tc_status	import_ttl(struct kv *, uint64_t tenant_id, const char *id, long long *seconds);

/* Moves from one status to another only if it is still in from (atomic).
 * TC_CONFLICT when it was not. */
tc_status	import_transition(struct kv *, uint64_t tenant_id, const char *id,
		    enum import_status from, enum import_status to);

/* A failed import back to fetching, its started_at now (a fetch tried again
 * by the system).  TC_CONFLICT when it was not failed. */
tc_status	import_refetch(struct kv *, uint64_t tenant_id, const char *id, long long now);

tc_status	import_set_progress(struct kv *, uint64_t tenant_id, const char *id, long done,
		    long total);

/* Marks a fetching import failed with a code, a Dutch message and the LAS's
 * words; its staged data then expires within IMPORT_FAILED_KEEP_SECONDS.
 * TC_CONFLICT, nothing changed, when it is no longer fetching (cancelled). */
tc_status	import_fail(struct kv *, uint64_t tenant_id, const char *id, const char *code,
		    const char *message, const char *las_message);

/* The same from status from to status to (an apply that failed goes back
 * to review), only while it is in from (atomic); else TC_CONFLICT. */
tc_status	import_fail_to(struct kv *, uint64_t tenant_id, const char *id,
		    enum import_status from, enum import_status to, const char *code,
		    const char *message, const char *las_message);

/* Marks it applied with the result (JSON text) and drops the staged data. */
tc_status	import_finish(struct kv *, uint64_t tenant_id, const char *id, const char *result);

/* Cancels: staged data deleted, the school free for a new import.
 * TC_CONFLICT while applying or once applied (atomic: a cancel and a
 * "Gegevens importeren" at the same moment never both succeed). */
tc_status	import_cancel(struct kv *, uint64_t tenant_id, const char *id);

/* The staged records of one kind: a JSON array (stolen by store; load gives
 * a new reference the caller decrefs).  An absent kind loads as []. */
tc_status	import_store_records(struct kv *, const struct config *, uint64_t tenant_id,
		    const char *id, enum import_kind, json_t *records);
tc_status	import_load_records(struct kv *, uint64_t tenant_id, const char *id,
		    enum import_kind, json_t **out);

/* The same for any named part ("warnings": an array of {kind, key, ...}). */
tc_status	import_store_blob(struct kv *, const struct config *, uint64_t tenant_id,
		    const char *id, const char *name, json_t *value);
tc_status	import_load_blob(struct kv *, uint64_t tenant_id, const char *id, const char *name,
		    json_t **out);

/* The choices: an object "kind:key" → {"category":..,"link_id":..}. */
tc_status	import_load_decisions(struct kv *, uint64_t tenant_id, const char *id,
		    json_t **out);
/*
 * The review's version: it moves at every change of the choices or of the
 * staged records after the review began (a pupil deleted).  Read it before
 * the records and the choices: a change after that moves it.
 */
tc_status	import_review_version(struct kv *, uint64_t tenant_id, const char *id,
		    long long *version);
/* Stores many choices at once (an object as above; borrowed), in one step,
 * onto the review of that version, with the counts of the result (NULL:
 * none; borrowed): TC_CONFLICT when another change came first or the import
 * left review (nothing stored; load and decide again). */
tc_status	import_store_decisions(struct kv *, const struct config *, uint64_t tenant_id,
		    const char *id, json_t *decisions, long long version, const json_t *counts);
/* The counts of import_review_counts() for the review of that version
 * (borrowed), kept only while it is the current one; and reading them back:
 * *counts NULL when there are none of the current version. */
tc_status	import_store_counts(struct kv *, uint64_t tenant_id, const char *id,
		    const json_t *counts, long long version);
tc_status	import_load_counts(struct kv *, uint64_t tenant_id, const char *id,
		    json_t **counts);

/* A raw uploaded file for a file import (borrowed), and reading it back
 * (malloc'd; caller frees). */
tc_status	import_store_file(struct kv *, const struct config *, uint64_t tenant_id,
		    const char *id, const char *buf, size_t len);
tc_status	import_load_file(struct kv *, uint64_t tenant_id, const char *id, char **buf,
		    size_t *len);

/*
 * Pupils ids were deleted for good (issue 19): what the school's import in
 * progress keeps of them goes too: the LAS records linked to them (by the
 * staging or by a choice) with their choices and warnings, them as leavers,
 * them as a look-alike's candidate, and the uploaded file (it holds every
 * pupil; once staged it is not needed).  Keys keep their expiry.
 */
tc_status	import_forget_students(struct kv *, uint64_t tenant_id, const struct idlist *ids);

/* Deletes the staged records, choices and file of an import (one that was
 * cancelled while it was fetched), or only its uploaded file (staged). */
void		import_drop_staged(struct kv *, uint64_t tenant_id, const char *id);
void		import_drop_file(struct kv *, uint64_t tenant_id, const char *id);

/* The import as the API shows it (new reference). */
json_t		*import_state_json(const struct import_state *);

#endif
