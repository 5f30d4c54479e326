/* sync.c - fetch the active year, apply what needs no decision. */
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "import_job.h"
#include "import_review.h"
#include "lasslot.h"
#include "syncpoints.h"
#include "tenant.h"
#include "year.h"

enum { SQL_ACTIVE_PUPILS };

static const char *const sql[] = {
	[SQL_ACTIVE_PUPILS] = "SELECT COUNT(*) FROM students WHERE tenant_id = ? AND status = 'active'",
};

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/*
 * The sync's own choices: leavers kept, look-alikes not imported.  Returns
 * the number of records it would change (new or with changes).
 */
static long
sync_choices(const struct import_review *rv, json_t *choices)
{
	json_t *rec;
	size_t i;
	long changes = 0;

	json_array_foreach(rv->records[IMPORT_LEAVER], i, rec) {
		char k[64];

		snprintf(k, sizeof(k), "leaver:%s", jstr(rec, "key"));
		json_object_set_new(choices, k, json_pack("{s:s}", "category", "keep"));
	}
	json_array_foreach(rv->records[IMPORT_STUDENT], i, rec) {
		const char *cat = jstr(rec, "category");

		if (strcmp(cat, "new") == 0 && json_array_size(json_object_get(rec, "candidates")) > 0) {
			char *k = NULL;

			if (asprintf(&k, "student:%s", jstr(rec, "key")) >= 0) {
				json_object_set_new(choices, k, json_pack("{s:s}", "category", "skip"));
				free(k);
			}
			continue;
		}
		if (strcmp(cat, "new") == 0 || json_array_size(json_object_get(rec, "changes")) > 0)
			changes++;
	}
	return changes;
}

/*
 * Holds the sync of import id for the administrator's approval (*held) when
 * it changes more than sync.max_share_percent of the active pupils, else
 * applies it.  *done false: the administrator cancelled it meanwhile.
 */
static tc_status
hold_or_apply(struct wctx *w, const struct job *j, const char *id, long changes,
    long long active_pupils, bool *held, bool *done)
{
	char msg[256];
	tc_status st;

	*held = changes * 100 > (long)w->cfg->sync_max_share *
	    (active_pupils > 0 ? active_pupils : 1);
	*done = true;
	if (*held) {
		snprintf(msg, sizeof(msg), "De nachtelijke synchronisatie wijzigt %ld van de %lld "
		    "leerlingen (meer dan %d%%) en wacht op uw goedkeuring.", changes, active_pupils,
		    w->cfg->sync_max_share);
		log_msg(TC_LOG_INFO, &w->log, "sync held: %ld change(s) of %lld pupil(s)", changes,
		    active_pupils);
		st = import_fail_to(w->kv, j->tenant, id, IMPORT_REVIEW, IMPORT_REVIEW, "sync_held",
		    msg, "");
		if (st == TC_CONFLICT) {
			*held = false;
			*done = false;
			return TC_OK;	/* the administrator cancelled it meanwhile */
		}
		return st;
	}
	if (import_transition(w->kv, j->tenant, id, IMPORT_REVIEW, IMPORT_APPLYING) != TC_OK) {
		*done = false;
		return TC_OK;	/* the administrator cancelled it meanwhile */
	}
	if ((st = import_job_apply(w->db, w->kv, w->cfg, j->tenant, id, 0, &w->log)) == TC_OK)
		log_msg(TC_LOG_INFO, &w->log, "sync applied: %ld change(s)", changes);
	return st;
}

/*
 * The day's sync has run or runs.  One whose job failed after the move to
 * applying (MariaDB or Redis away) is finished here: else it would block the
 * school's transition import until it expires.  Two applies at once are safe
 * (import_apply: the import_runs row decides).
 */
static tc_status
sync_resume(struct wctx *w, const struct job *j)
{
	struct import_state s;
	tc_status st;

	if ((st = import_current(w->kv, j->tenant, &s)) != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;
	if (strcmp(s.kind, "sync") != 0 || s.status != IMPORT_APPLYING)
		return TC_OK;
	log_msg(TC_LOG_INFO, &w->log, "sync: finishing import %s, left applying", s.id);
	return import_job_apply(w->db, w->kv, w->cfg, j->tenant, s.id, 0, &w->log);
}

tc_status
job_sync(struct wctx *w, const struct job *j, char *err, size_t errlen)
{
	const char *date = json_string_value(json_object_get(j->payload, "date"));
	char marker[TC_KEY_MAX], sub[48];
	struct import_state s;
	struct import_review rv;
	const struct tenant *t = &j->school;
	long long active_pupils = 0, version;
	json_t *choices, *points, *counts;
	redisReply *r;
	bool fresh, got, held, done;
	long changes;
	int year, due = 0;
	tc_status st;

	if (date == NULL) {
		snprintf(err, errlen, "payload without a date");
		return TC_INVALID;
	}
	if (j->school_st != TC_OK)
		return JOB_NO_SCHOOL(j);
	if (!t->active || !t->sync_enabled || t->las_url[0] == '\0' || !t->has_las_key)
		return TC_OK;
	snprintf(sub, sizeof(sub), "sync:%s", date);
	kv_key(marker, sizeof(marker), j->tenant, "task", sub);
	if ((st = kv_command(w->kv, &r, "SET %s 1 NX EX 172800", marker)) != TC_OK)
		return st;
	fresh = r->type == REDIS_REPLY_STATUS;
	freeReplyObject(r);
	if (!fresh)
		return sync_resume(w, j);	/* done today (or being done) */
	if ((st = year_active(w->db, j->tenant, &year)) != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;
	/* A year activated automatically waits for its import's review: the
	 * sync would apply that year's data unseen.  The transition wins. */
	if ((st = year_import_due(w->db, j->tenant, true, &due)) != TC_OK)
		goto retry;
	if (due != 0) {
		log_msg(TC_LOG_INFO, &w->log, "sync: the import of %d is owed first", due);
		return TC_OK;
	}
	st = import_start(w->kv, w->cfg, j->tenant, year, "sync", "las", "sync", 0,
	    (long long)clock_now(&w->clock, w->kv), &s);
	if (st == TC_CONFLICT)
		return TC_OK;	/* an import is in progress: no sync tonight */
	if (st != TC_OK)
		goto retry;
	if ((st = lasslot_take(w->kv, t->las_url, j->id, w->cfg->las_host_concurrency,
	    w->cfg->las_timeout + 60, &got)) != TC_OK || !got) {
		(void)import_cancel(w->kv, j->tenant, s.id);
		st = st == TC_OK ? TC_CONFLICT : st;
		goto retry;
	}
	st = import_job_fetch(w->db, w->kv, w->cfg, j->tenant, s.id, &w->log);
	lasslot_give(w->kv, t->las_url, j->id);
	if (st != TC_OK || import_get(w->kv, j->tenant, s.id, &s) != TC_OK || s.status != IMPORT_REVIEW) {
		/* The LAS failed: nothing changed; tomorrow night again. */
		log_msg(TC_LOG_WARN, &w->log, "sync: fetch failed (%s)", s.error_code);
		(void)import_cancel(w->kv, j->tenant, s.id);
		return TC_OK;
	}
	if ((st = import_review_load(w->kv, j->tenant, s.id, &rv)) != TC_OK)
		goto cancel;
	choices = json_object();
	changes = sync_choices(&rv, choices);
	points = syncpoints_from_review(&rv);
	version = rv.version;
	/* The counts of the review with its choices, kept with them: a held
	 * sync's first GET need not count every record.  (The choices are of
	 * pupils and leavers: the groups' categories stay.) */
	json_object_update(rv.decisions, choices);
	counts = import_review_counts(&rv);
	import_review_free(&rv);
	st = import_store_decisions(w->kv, w->cfg, j->tenant, s.id, choices, version, counts);
	json_decref(counts);
	json_decref(choices);
	if (st == TC_OK)
		st = db_query_int(w->db, sql[SQL_ACTIVE_PUPILS], DB_ARGS(DB_INT(j->tenant)), &active_pupils);
	if (st != TC_OK) {
		json_decref(points);
		goto cancel;
	}
	st = hold_or_apply(w, j, s.id, changes, active_pupils, &held, &done);
	/* A list of points that is lost comes back tomorrow night. */
	if (st == TC_OK && done && syncpoints_save(w->kv, j->tenant, date, held, s.id,
	    points) != TC_OK)
		log_msg(TC_LOG_WARN, &w->log, "sync: its points were not saved");
	json_decref(points);
	return st;
cancel:
	(void)import_cancel(w->kv, j->tenant, s.id);
retry:
	/* Not done tonight after all: let the retry take the marker again. */
	(void)kv_exec(w->kv, "DEL %s", marker);
	return st;
}
