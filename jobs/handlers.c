/*
 * handlers.c - the job kinds of tc-worker (docs/jobs.md):
 *   import_fetch   fetch an import from the LAS into the review
 *   import_apply   apply a reviewed import
 *   auto_activate  2 October: activate the new year and start its import; then
 *                  nightly, keep the import it owes live (dueimport.h)
 *   reminder       the daily reminder e-mails of one school (reminder.c)
 *   sync           the nightly LAS sync of one school (sync.c)
 */
#include "job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "answercache.h"
#include "dueimport.h"
#include "import.h"
#include "import_job.h"
#include "lasslot.h"
#include "schoolyear.h"
#include "tenant.h"
#include "year.h"

#include "pwreset_mail.h"
#include "reminder.h"
#include "sync.h"

static const char *
payload_str(const struct job *j, const char *k)
{
	return json_string_value(json_object_get(j->payload, k));
}

static tc_status
job_import_fetch(struct wctx *w, const struct job *j, char *err, size_t errlen)
{
	const char *id = payload_str(j, "import");
	struct import_state s;
	const struct tenant *t = &j->school;
	bool got = true;
	tc_status st;

	if (id == NULL || !import_id_valid(id)) {
		snprintf(err, errlen, "payload without an import id");
		return TC_INVALID;
	}
	if ((st = import_get(w->kv, j->tenant, id, &s)) != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;
	if (s.status != IMPORT_FETCHING)
		return TC_OK;
	if (j->school_st != TC_OK)
		return JOB_NO_SCHOOL(j);
	/* A bounded number of fetches per LAS host, over all workers. */
	if (strcmp(s.source, "las") == 0 && t->las_url[0] != '\0') {
		st = lasslot_take(w->kv, t->las_url, j->id, w->cfg->las_host_concurrency,
		    w->cfg->las_timeout + 60, &got);
		if (st != TC_OK)
			return st;
		if (!got)
			return TC_CONFLICT;
	}
	st = import_job_fetch(w->db, w->kv, w->cfg, j->tenant, id, &w->log);
	if (strcmp(s.source, "las") == 0 && t->las_url[0] != '\0')
		lasslot_give(w->kv, t->las_url, j->id);
	/* Done (review or failed): "Opnieuw proberen" may queue the next one. */
	if (st != TC_UNAVAILABLE && st != TC_CONFLICT)
		import_fetch_release(w->kv, j->tenant, id);
	if (st != TC_OK)
		snprintf(err, errlen, "fetch: %s", status_name(st));
	return st;
}

static tc_status
job_import_apply(struct wctx *w, const struct job *j, char *err, size_t errlen)
{
	const char *id = payload_str(j, "import");
	json_int_t actor = json_integer_value(json_object_get(j->payload, "actor"));
	tc_status st;

	if (id == NULL || !import_id_valid(id)) {
		snprintf(err, errlen, "payload without an import id");
		return TC_INVALID;
	}
	st = import_job_apply(w->db, w->kv, w->cfg, j->tenant, id, (uint64_t)actor, &w->log);
	if (st != TC_OK)
		snprintf(err, errlen, "apply: %s", status_name(st));
	return st;
}

/*
 * 2 October: the school that has not activated the new year gets it, and
 * (with a LAS link) an import started for review.  Every night after that,
 * while the year's import is owed (year_import_due()), the same job keeps
 * that import live (dueimport.h): a cancelled, expired or failed one is
 * fetched again.  Once per school per day (a marker), and harmless again:
 * activation of an active year is a no-op, and the owed state is read from
 * MariaDB, so a run after a crash between the activation and the import
 * start still starts the import.
 */
static tc_status
job_auto_activate(struct wctx *w, const struct job *j, char *err, size_t errlen)
{
	const char *date = payload_str(j, "date");
	int year = (int)json_integer_value(json_object_get(j->payload, "year")), due = 0;
	char marker[TC_KEY_MAX], sub[48];
	struct import_state s;
	const struct tenant *t = &j->school;
	redisReply *r;
	bool done, fresh, started;
	tc_status st;

	if (date == NULL || year < 2000) {
		snprintf(err, errlen, "payload without date and year");
		return TC_INVALID;
	}
	if (j->school_st != TC_OK)
		return JOB_NO_SCHOOL(j);
	if (!t->active)
		return TC_OK;
	snprintf(sub, sizeof(sub), "activate:%s", date);
	kv_key(marker, sizeof(marker), j->tenant, "task", sub);
	if ((st = kv_command(w->kv, &r, "EXISTS %s", marker)) != TC_OK)
		return st;
	fresh = r->type == REDIS_REPLY_INTEGER && r->integer == 0;
	freeReplyObject(r);
	if (!fresh)
		return TC_OK;
	if ((st = activation_activate(w->db, j->tenant, year, "auto", &done)) != TC_OK)
		return st;
	/* The lists follow the active year.  Also when it was active already:
	 * this is the run again after a bump that failed (no marker yet). */
	if ((st = answercache_bump(w->kv, j->tenant)) != TC_OK)
		return st;
	if (done)
		log_msg(TC_LOG_INFO, &w->log, "school year %d activated automatically", year);
	if ((st = year_import_due(w->db, j->tenant, t->las_url[0] != '\0' && t->has_las_key,
	    &due)) != TC_OK)
		return st;
	if (due != 0) {
		st = dueimport_ensure(w->kv, w->cfg, t, due, true,
		    (long long)clock_now(&w->clock, w->kv), &w->log, &s, &started);
		if (st != TC_OK && st != TC_NOT_FOUND)
			return st;	/* TC_CONFLICT: a sync is being applied, in a moment */
	}
	/* The marker last: a crash before it means the (idempotent) job runs again. */
	return kv_exec(w->kv, "SET %s 1 EX 172800", marker);
}

static const struct {
	const char	*kind;
	job_fn		 fn;
	bool		 large;		/* may hold a whole school in memory */
} handlers[] = {
	{ "import_fetch", job_import_fetch, true },
	{ "import_apply", job_import_apply, true },
	{ "auto_activate", job_auto_activate, false },
	{ "reminder", job_reminder, false },
	{ "pwreset_mail", job_pwreset_mail, false },
	{ "sync", job_sync, true },
};

job_fn
job_handler(const char *kind, bool *large)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strcmp(handlers[i].kind, kind) == 0) {
			*large = handlers[i].large;
			return handlers[i].fn;
		}
	*large = false;
	return NULL;
}
