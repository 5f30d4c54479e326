/* import_job.c - fetch → review, and review → applied. */
#include "import_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answercache.h"
#include "import.h"
#include "import_apply.h"
#include "import_review.h"
#include "import_stage.h"
#include "laslink.h"
#include "schoolyear.h"
#include "tenant.h"
#include "uwlr.h"
#include "uwlr_client.h"

#define FETCH_STEPS	3	/* asked, received, compared */

struct progress {
	struct kv		*kv;
	uint64_t		 tenant;
	const char		*id;
	size_t			 last;
};

/* Every megabyte received: the bytes so far, for the progress bar. */
static void
on_progress(void *arg, size_t bytes)
{
	struct progress *p = arg;
	char key[TC_KEY_MAX], kb[24];

	if (bytes - p->last < 1024 * 1024)
		return;
	p->last = bytes;
	kv_key(key, sizeof(key), p->tenant, "import", p->id);
	snprintf(kb, sizeof(kb), "%zu", bytes / 1024);
	(void)kv_exec(p->kv, "HSET %s received_kb %s", key, kb);
}

/* The Dutch message for a failed fetch; the LAS's words go separately. */
static const char *
fetch_message(const struct uwlr_error *e)
{
	switch (e->kind) {
	case UWLR_ERR_FAULT:
		return "De LAS weigerde het verzoek.";
	case UWLR_ERR_TIMEOUT:
		return "De LAS antwoordde niet op tijd.";
	case UWLR_ERR_STALLED:
		return "De LAS stuurde haar antwoord veel te traag; het ophalen is afgebroken. "
		    "Probeer het later opnieuw.";
	case UWLR_ERR_CONNECT:
	case UWLR_ERR_TLS:
	case UWLR_ERR_TRANSPORT:
		return "De LAS is niet bereikbaar.";
	case UWLR_ERR_REFUSED_ADDRESS:
		return "Het adres van de LAS is niet toegestaan.";
	case UWLR_ERR_HTTP:
		return "De LAS gaf een foutmelding.";
	case UWLR_ERR_PARSE:
		return "Het antwoord van de LAS is niet te lezen.";
	case UWLR_ERR_TOO_LARGE:
		return "Het antwoord van de LAS is te groot.";
	case UWLR_ERR_MISMATCH:
		return "De LAS stuurde gegevens van een andere school of een ander schooljaar.";
	default:
		return "Het ophalen bij de LAS is mislukt.";
	}
}

/* Reads the records: from the LAS, or from the uploaded file. */
static tc_status
fetch_result(struct db *db, struct kv *kv, const struct config *cfg, const struct tenant *t,
    const struct import_state *s, struct progress *pr, const struct log_ctx *lc,
    struct uwlr_result **res, char *msg, size_t msglen, char *las, size_t laslen, char *code,
    size_t codelen)
{
	char year[16], err[256];
	struct laslink l;
	struct uwlr_error ue;
	struct uwlr_request req;
	tc_status st;

	schoolyear_format(s->year, year, sizeof(year));
	if (strcmp(s->source, "file") == 0) {
		char *buf;
		size_t len;

		if ((st = import_load_file(kv, t->id, s->id, &buf, &len)) != TC_OK) {
			if (st == TC_NOT_FOUND) {
				snprintf(code, codelen, "file_gone");
				snprintf(msg, msglen, "Het bestand is niet meer beschikbaar. Start de "
				    "import opnieuw.");
			}
			return st == TC_NOT_FOUND ? TC_INVALID : st;
		}
		st = uwlr_parse_buffer(buf, len, (size_t)cfg->las_max_bytes, res, err, sizeof(err));
		free(buf);
		if (st != TC_OK) {
			snprintf(code, codelen, "file_invalid");
			snprintf(msg, msglen, "Het bestand is geen geldig EDEXML-bestand.");
			log_msg(TC_LOG_INFO, lc, "file import %s: %s", s->id, err);
			return TC_INVALID;
		}
		return TC_OK;
	}
	if ((st = laslink_load(db, cfg, t, &l)) != TC_OK) {
		if (st == TC_UNAVAILABLE)
			return st;
		snprintf(code, codelen, "no_las_link");
		snprintf(msg, msglen, "Deze school heeft geen (werkende) koppeling met een LAS.");
		return TC_INVALID;
	}
	memset(&req, 0, sizeof(req));
	req.op = UWLR_OP_LEERLINGGEGEVENS;
	req.schooljaar = year;
	req.progress = on_progress;
	req.progress_arg = pr;
	l.policy.log = lc;
	st = uwlr_fetch_request(&l.link, &l.policy, &req, res, &ue);
	laslink_clear(&l);
	if (st == TC_OK)
		return TC_OK;
	snprintf(code, codelen, "las_%s", uwlr_error_kind_name(ue.kind));
	snprintf(msg, msglen, "%s", fetch_message(&ue));
	if (ue.kind == UWLR_ERR_FAULT)
		snprintf(las, laslen, "%s", ue.message);
	log_msg(TC_LOG_WARN, lc, "fetch %s failed: %s (%s) after %d attempt(s)", s->id,
	    uwlr_error_kind_name(ue.kind), ue.fault_code, ue.attempts);
	return TC_INVALID;
}

/* The review's counts of what was just staged (NULL when they could not be
 * made: the first GET counts them), for the review of *version. */
static json_t *
staged_counts(struct kv *kv, uint64_t tid, const char *id, const struct import_staged *staged,
    long long *version)
{
	struct import_review rv;
	json_t *decisions, *counts;

	/* The choices of an earlier fetch of this import stay. */
	if (import_review_version(kv, tid, id, version) != TC_OK ||
	    import_load_decisions(kv, tid, id, &decisions) != TC_OK)
		return NULL;
	if (import_review_from(staged->records, decisions, *version, &rv) != TC_OK)
		return NULL;
	counts = import_review_counts(&rv);
	import_review_free(&rv);
	return counts;
}

/* A fetch that failed: the import says why, unless it was cancelled meanwhile. */
static tc_status
fetch_failed(struct kv *kv, uint64_t tid, const char *id, const char *code, const char *msg,
    const char *las)
{
	tc_status st = import_fail(kv, tid, id, code, msg, las);

	return st == TC_CONFLICT ? TC_OK : st;
}

tc_status
import_job_fetch(struct db *db, struct kv *kv, const struct config *cfg, uint64_t tid,
    const char *id, const struct log_ctx *lc)
{
	struct progress pr = { kv, tid, id, 0 };
	struct import_state s;
	struct import_staged staged;
	struct uwlr_result *res = NULL;
	struct tenant t;
	char msg[256] = "", las[512] = "", code[64] = "", err[256];
	json_t *counts;
	long long version = 0;
	tc_status st;

	if ((st = import_get(kv, tid, id, &s)) != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;
	if (s.status != IMPORT_FETCHING)
		return TC_OK;	/* done before, cancelled, or failed: nothing to do */
	if ((st = tenant_find_by_id(db, tid, &t)) != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;
	(void)import_set_progress(kv, tid, id, 0, FETCH_STEPS);
	st = fetch_result(db, kv, cfg, &t, &s, &pr, lc, &res, msg, sizeof(msg), las, sizeof(las),
	    code, sizeof(code));
	if (st == TC_UNAVAILABLE)
		return st;
	if (st != TC_OK)
		return fetch_failed(kv, tid, id, code[0] != '\0' ? code : "fetch_failed",
		    msg[0] != '\0' ? msg : "Het ophalen is mislukt.", las);
	(void)import_set_progress(kv, tid, id, 1, FETCH_STEPS);
	st = import_stage(db, tid, s.year, res, &staged, err, sizeof(err));
	uwlr_result_free(res);
	if (st == TC_UNAVAILABLE)
		return st;
	if (st != TC_OK)
		return fetch_failed(kv, tid, id, "data_invalid", err, "");
	(void)import_set_progress(kv, tid, id, 2, FETCH_STEPS);
	/* Counted here, where the records are in memory, not by the first
	 * GET, which would read and parse them all again. */
	counts = staged_counts(kv, tid, id, &staged, &version);
	for (int k = 0; k < IMPORT_KIND_MAX && st == TC_OK; k++) {
		st = import_store_records(kv, cfg, tid, id, (enum import_kind)k, staged.records[k]);
		staged.records[k] = NULL;	/* stolen */
	}
	if (st == TC_OK) {
		st = import_store_blob(kv, cfg, tid, id, "warnings", staged.warnings);
		staged.warnings = NULL;
	}
	import_staged_free(&staged);
	if (st == TC_OK && counts != NULL)
		(void)import_store_counts(kv, tid, id, counts, version);
	json_decref(counts);
	if (st != TC_OK)
		return st;
	(void)import_set_progress(kv, tid, id, FETCH_STEPS, FETCH_STEPS);
	/* Cancelled meanwhile: what was just staged goes at once (issue 19). */
	if (import_transition(kv, tid, id, IMPORT_FETCHING, IMPORT_REVIEW) != TC_OK) {
		log_msg(TC_LOG_INFO, lc, "import %s left fetching while it ran", id);
		import_drop_staged(kv, tid, id);
		return TC_OK;
	}
	/* An uploaded file holds every pupil; staged, it is not needed. */
	import_drop_file(kv, tid, id);
	log_msg(TC_LOG_INFO, lc, "import %s ready for review", id);
	return TC_OK;
}

/* The school's lists change before the portal can see "applied"; if that
 * fails, the job runs again and finds the import applied. */
static tc_status
applied(struct kv *kv, uint64_t tid, const char *id, const char *result,
    const struct log_ctx *lc)
{
	tc_status st;

	if (answercache_bump(kv, tid) != TC_OK)
		return TC_UNAVAILABLE;
	if ((st = import_finish(kv, tid, id, result)) == TC_OK)
		log_msg(TC_LOG_INFO, lc, "import %s applied", id);
	return st;
}

tc_status
import_job_apply(struct db *db, struct kv *kv, const struct config *cfg, uint64_t tid,
    const char *id, uint64_t actor, const struct log_ctx *lc)
{
	struct import_state s;
	struct import_review rv;
	char *result = NULL, err[256];
	json_t *prob;
	tc_status st;

	(void)cfg;
	if ((st = import_get(kv, tid, id, &s)) != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;
	if (s.status != IMPORT_APPLYING)
		return TC_OK;
	if ((st = import_review_load(kv, tid, id, &rv)) != TC_OK)
		return st;
	/* Every store of choices checked its whole set (import.h); a set that
	 * still links two records to one is sent back, not half applied. */
	if (import_review_validate(&rv, &prob) != TC_OK) {
		import_review_free(&rv);
		log_msg(TC_LOG_WARN, lc, "import %s not applied: %s", id,
		    json_string_value(json_object_get(prob, "code")));
		st = import_fail_to(kv, tid, id, IMPORT_APPLYING, IMPORT_REVIEW,
		    json_string_value(json_object_get(prob, "code")),
		    json_string_value(json_object_get(prob, "message")), "");
		json_decref(prob);
		return st == TC_CONFLICT ? TC_OK : st;
	}
	st = import_apply(db, tid, &s, &rv, actor, &result, err, sizeof(err));
	if (st == TC_OK)
		st = applied(kv, tid, id, result, lc);
	else if (st != TC_UNAVAILABLE) {	/* TC_UNAVAILABLE: nothing written, runs again */
		log_msg(TC_LOG_WARN, lc, "import %s not applied: %s", id, err);
		(void)import_fail_to(kv, tid, id, IMPORT_APPLYING, IMPORT_REVIEW, "apply_failed",
		    "De import kon niet worden verwerkt; er is niets gewijzigd. Controleer de "
		    "keuzes en probeer het opnieuw.", "");
		st = TC_OK;
	}
	free(result);
	/* Last: releasing a large review takes a while, and the school need not
	 * wait for it. */
	import_review_free(&rv);
	return st;
}
