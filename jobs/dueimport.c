/* dueimport.c - keep the import a school owes live: fetched again, never dropped. */
#include "dueimport.h"

#include <string.h>

#include "jobqueue.h"

/* An import renewed at night when its data would expire before the next night. */
#define RENEW_BELOW_SECONDS	(26 * 3600)

static tc_status
enqueue_fetch(struct kv *kv, uint64_t tenant, const char *id)
{
	json_t *p = json_pack("{s:s}", "import", id);
	tc_status st;

	if (p == NULL)
		return TC_INTERNAL;
	st = jobqueue_add(kv, "import_fetch", tenant, 0, p, NULL, 0);
	json_decref(p);
	return st;
}

static bool
live(const struct import_state *s)
{
	return s->status == IMPORT_FETCHING || s->status == IMPORT_REVIEW ||
	    s->status == IMPORT_APPLYING || s->status == IMPORT_FAILED;
}

/* The nightly care of a live automatic import: a failed fetch is tried
 * again, a lost one put back on the stream; one about to expire is
 * cancelled (*gone) to be fetched anew. */
static tc_status
renew_import(struct kv *kv, const struct config *cfg, uint64_t tid, struct import_state *s,
    long long now, const struct log_ctx *lc, bool *started, bool *gone)
{
	long long ttl = 0;
	tc_status st;

	*gone = false;
	if (strcmp(s->started_by, "auto") != 0 || strcmp(s->source, "las") != 0)
		return TC_OK;
	if (s->status == IMPORT_FAILED) {
		if (import_refetch(kv, tid, s->id, now) != TC_OK)
			return TC_OK;	/* someone else moved it */
		if ((st = enqueue_fetch(kv, tid, s->id)) != TC_OK)
			return st;
		log_msg(TC_LOG_INFO, lc, "owed import %s: fetched again after a failure", s->id);
		s->status = IMPORT_FETCHING;
		s->started_at = now;
		*started = true;
		return TC_OK;
	}
	/* A fetch whose job was lost or parked as dead: put it on the stream again
	 * (a second fetch job of one import is harmless: the status guards it). */
	if (s->status == IMPORT_FETCHING && now - s->started_at > (long long)cfg->las_timeout + 3600) {
		if ((st = enqueue_fetch(kv, tid, s->id)) != TC_OK)
			return st;
		log_msg(TC_LOG_INFO, lc, "owed import %s: its fetch put on the stream again", s->id);
		return TC_OK;
	}
	if (s->status != IMPORT_REVIEW)
		return TC_OK;
	if ((st = import_ttl(kv, tid, s->id, &ttl)) != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;
	if (ttl < 0 || ttl >= RENEW_BELOW_SECONDS)
		return TC_OK;
	/* Cancelled as a whole (a cancel never races an apply: TC_CONFLICT). */
	if (import_cancel(kv, tid, s->id) != TC_OK)
		return TC_OK;
	log_msg(TC_LOG_INFO, lc, "owed import %s expires in %llds: fetched anew", s->id, ttl);
	*gone = true;
	return TC_OK;
}

tc_status
dueimport_ensure(struct kv *kv, const struct config *cfg, const struct tenant *t, int year,
    bool renew, long long now, const struct log_ctx *lc,
    struct import_state *out, bool *started)
{
	bool gone = false;
	tc_status st;

	*started = false;
	st = import_current(kv, t->id, out);
	if (st != TC_OK && st != TC_NOT_FOUND)
		return st;
	/* Any import of the school but the nightly sync is the one it works on. */
	if (st == TC_OK && strcmp(out->kind, "sync") != 0 && live(out)) {
		if (!renew || out->year != year)
			return TC_OK;
		if ((st = renew_import(kv, cfg, t->id, out, now, lc, started, &gone)) != TC_OK || !gone)
			return st;
	}
	if (t->las_url[0] == '\0' || !t->has_las_key)
		return TC_NOT_FOUND;	/* the school imports a file */
	st = import_start(kv, cfg, t->id, year, "transition", "las", "auto", 0, now, out);
	if (st == TC_CONFLICT)
		return strcmp(out->kind, "sync") == 0 ? TC_CONFLICT : TC_OK;
	if (st != TC_OK)
		return st;
	if ((st = enqueue_fetch(kv, t->id, out->id)) != TC_OK) {
		(void)import_cancel(kv, t->id, out->id);
		return st;
	}
	log_msg(TC_LOG_INFO, lc, "owed import of %d started: %s", year, out->id);
	*started = true;
	return TC_OK;
}
