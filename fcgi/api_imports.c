/*
 * api_imports.c - the school year and "Overgang nieuw schooljaar": start an
 * import, follow it, review it ("Controle import uit LAS"), apply it
 * ("Gegevens importeren"), retry or cancel it.  The fetch and the apply run
 * in tc-worker; these handlers only check, record and enqueue.  Also what the
 * last nightly sync left for the administrator to decide (GET /api/sync).
 */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "audit.h"
#include "clock.h"
#include "import.h"
#include "import_review.h"
#include "jobqueue.h"
#include "response.h"
#include "schoolyear.h"
#include "syncpoints.h"
#include "year.h"

#define RECORDS_LIMIT_MAX	200

/* Today (Europe/Amsterdam) on the deployment's clock. */
static struct civil_date
today(struct request *r)
{
	struct civil_date d;

	clock_local(clock_now(&r->w->clock, r->w->kv), &d, NULL, NULL);
	return d;
}

/* The active year, or 0 when the school has none. */
static tc_status
active_year(struct request *r, int *year)
{
	tc_status st = year_active(r->w->db, r->tenant.id, year);

	if (st == TC_NOT_FOUND) {
		*year = 0;
		return TC_OK;
	}
	return st;
}

static void
format_date(struct civil_date d, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
}

void
api_school_year(struct request *r)
{
	struct civil_date now = today(r), first, last;
	struct import_state s;
	char act[16], next[16], from[16], to[16], day[16], owed[16];
	json_t *imp = json_null();
	int year, nyear, due = 0;
	bool las = r->tenant.las_url[0] != '\0' && r->tenant.has_las_key;
	tc_status st;

	if ((st = active_year(r, &year)) != TC_OK ||
	    (st = year_import_due(r->w->db, r->tenant.id, las, &due)) != TC_OK) {
		response_status(r, st);
		return;
	}
	nyear = year != 0 ? year + 1 : schoolyear_of(now);
	schoolyear_format(year, act, sizeof(act));
	schoolyear_format(nyear, next, sizeof(next));
	schoolyear_window(nyear, &first, &last);
	format_date(first, from, sizeof(from));
	format_date(last, to, sizeof(to));
	format_date(now, day, sizeof(day));
	st = import_current(r->w->kv, r->tenant.id, &s);
	if (st == TC_OK) {
		char y[16];

		schoolyear_format(s.year, y, sizeof(y));
		imp = json_pack("{s:s, s:s, s:s, s:s}", "id", s.id, "status",
		    import_status_name(s.status), "school_year", y, "started_by", s.started_by);
	} else if (st != TC_NOT_FOUND) {
		response_status(r, st);
		return;
	}
	schoolyear_format(due, owed, sizeof(owed));
	response_json(r, 200, json_pack("{s:s?, s:s, s:{s:s, s:s}, s:b, s:b, s:s, s:b, s:o, s:s?}",
	    "active", year != 0 ? act : NULL, "next", next, "window", "from", from, "to", to,
	    "can_activate", schoolyear_can_activate(nyear, now),
	    "overdue", schoolyear_overdue(nyear, now), "today", day,
	    "has_las_link", las, "import", imp, "import_due", due != 0 ? owed : NULL));
}

/*
 * Which import of year may start now: "transition" (the next year, inside
 * the window; or the first year of a school without one), "resync" (the
 * active year), or NULL with the refusal sent.
 */
static const char *
import_kind_for(struct request *r, int year)
{
	struct civil_date now = today(r);
	int active;
	tc_status st;

	if ((st = active_year(r, &active)) != TC_OK) {
		response_status(r, st);
		return NULL;
	}
	if (active != 0 && year == active)
		return "resync";
	if (active == 0 && year == schoolyear_of(now))
		return "transition";
	if (year == (active != 0 ? active + 1 : schoolyear_of(now) + 1)) {
		if (schoolyear_can_activate(year, now) ||
		    (active != 0 && schoolyear_overdue(year, now)))
			return "transition";
		response_error(r, 409, "outside_window", "Het nieuwe schooljaar kan alleen van "
		    "1 augustus tot en met 1 oktober worden geactiveerd.");
		return NULL;
	}
	response_error(r, 409, "wrong_school_year", "Voor dit schooljaar kan nu geen import "
	    "worden gestart.");
	return NULL;
}

static void
send_in_progress(struct request *r, const struct import_state *s)
{
	response_error_with(r, 409, "import_in_progress", "Er loopt al een import voor deze "
	    "school.", json_pack("{s:o}", "import", import_state_json(s)));
}

/* Starts the import and enqueues its fetch; answers 202. */
static void
start_import(struct request *r, int year, const char *kind, const char *source,
    const char *file, size_t filelen)
{
	struct import_state s;
	json_t *payload;
	tc_status st;

	st = import_start(r->w->kv, r->cfg, r->tenant.id, year, kind, source, "user",
	    r->session.user_id, (long long)clock_now(&r->w->clock, r->w->kv), &s);
	if (st == TC_CONFLICT && strcmp(s.kind, "sync") == 0) {
		/* The transition wins over the sync (import.h), but an apply runs on. */
		response_error(r, 409, "sync_applying", "De nachtelijke synchronisatie met uw LAS "
		    "wordt op dit moment verwerkt. Probeer het over een minuut opnieuw.");
		return;
	}
	if (st == TC_CONFLICT) {
		send_in_progress(r, &s);
		return;
	}
	if (st == TC_OK && file != NULL)
		st = import_store_file(r->w->kv, r->cfg, r->tenant.id, s.id, file, filelen);
	payload = json_pack("{s:s}", "import", s.id);
	if (st == TC_OK)
		st = jobqueue_add(r->w->kv, "import_fetch", r->tenant.id, 0, payload, NULL, 0);
	json_decref(payload);
	if (st != TC_OK) {
		(void)import_cancel(r->w->kv, r->tenant.id, s.id);
		response_status(r, st);
		return;
	}
	(void)audit_write(r->w->db, r->tenant.id, AUDIT_USER, r->session.user_id, "import_start",
	    "import", s.id, 0);
	response_json(r, 202, json_pack("{s:o}", "import", import_state_json(&s)));
}

void
api_import_create(struct request *r)
{
	static const char *const allowed[] = { "school_year", NULL };
	const char *sy = NULL, *kind;
	int year;

	if (!api_body_only(r, allowed))
		return;
	if (json_unpack(r->body, "{s:s}", "school_year", &sy) != 0 ||
	    schoolyear_parse(sy, &year) != TC_OK) {
		response_error_with(r, 400, "invalid", "Kies een schooljaar, bijvoorbeeld 2027-2028.",
		    json_pack("{s:s}", "field", "school_year"));
		return;
	}
	if (r->tenant.las_url[0] == '\0' || !r->tenant.has_las_key) {
		response_error(r, 409, "no_las_link", "Deze school heeft geen koppeling met een "
		    "LAS. Importeer een EDEXML-bestand uit uw LAS.");
		return;
	}
	if ((kind = import_kind_for(r, year)) == NULL)
		return;
	start_import(r, year, kind, "las", NULL, 0);
}

void
api_import_upload(struct request *r)
{
	const char *sy = request_param(r, "school_year"), *kind;
	long max = r->cfg->las_max_bytes;
	char *buf;
	int year, n;
	long total = 0;

	if (schoolyear_parse(sy, &year) != TC_OK) {
		response_error_with(r, 400, "invalid", "Kies een schooljaar, bijvoorbeeld 2027-2028.",
		    json_pack("{s:s}", "field", "school_year"));
		return;
	}
	if (strncmp(r->content_type, "application/xml", 15) != 0 &&
	    strncmp(r->content_type, "text/xml", 8) != 0) {
		response_error(r, 415, "unsupported_media_type", "Stuur het EDEXML-bestand als "
		    "application/xml.");
		return;
	}
	if (r->content_length > max) {
		response_error(r, 413, "too_large", "Het bestand is te groot.");
		return;
	}
	/* nginx buffers the body and always sends its length. */
	if (r->content_length <= 0) {
		response_error(r, 400, "invalid", "Het bestand is leeg.");
		return;
	}
	if ((kind = import_kind_for(r, year)) == NULL)
		return;
	if ((buf = arena_alloc(r->arena, (size_t)r->content_length + 1)) == NULL) {
		response_status(r, TC_INTERNAL);
		return;
	}
	while (total < r->content_length && (n = FCGX_GetStr(buf + total,
	    (int)(r->content_length - total > (1 << 20) ? (1 << 20) : r->content_length - total),
	    r->fcgx->in)) > 0)
		total += n;
	if (total != r->content_length) {
		response_error(r, 400, "invalid", "Het bestand is niet volledig ontvangen.");
		return;
	}
	start_import(r, year, kind, "file", buf, (size_t)total);
}

/* The import of the {id} in the path; sends 404 and returns false when it
 * is not one of this school's. */
static bool
find_import(struct request *r, struct import_state *s)
{
	char id[24];
	tc_status st;

	snprintf(id, sizeof(id), "%llu", (unsigned long long)r->ids[0]);
	st = import_get(r->w->kv, r->tenant.id, id, s);
	if (st == TC_NOT_FOUND) {
		response_error(r, 404, "not_found", "Deze import bestaat niet (meer).");
		return false;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return false;
	}
	return true;
}

static bool
has_records(const struct import_state *s)
{
	return s->status == IMPORT_REVIEW || s->status == IMPORT_APPLYING;
}

void
api_import_get(struct request *r)
{
	struct import_state s;
	json_t *o, *counts;
	tc_status st;

	if (!find_import(r, &s))
		return;
	o = import_state_json(&s);
	if (has_records(&s)) {
		if ((st = import_review_counts_get(r->w->kv, r->tenant.id, s.id, &counts)) != TC_OK) {
			json_decref(o);
			response_status(r, st);
			return;
		}
		json_object_update(o, counts);
		json_decref(counts);
	} else {
		json_object_set_new(o, "counts", json_null());
		json_object_set_new(o, "tabs", json_array());
	}
	response_json(r, 200, o);
}

void
api_import_current(struct request *r)
{
	struct import_state s;
	tc_status st = import_current(r->w->kv, r->tenant.id, &s);

	if (st == TC_NOT_FOUND) {
		response_json(r, 200, json_pack("{s:n}", "import"));
		return;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:o}", "import", import_state_json(&s)));
}

/* The last nightly sync's points for the administrator (syncpoints.h). */
void
api_sync_points(struct request *r)
{
	json_t *last;
	tc_status st;

	if ((st = syncpoints_get(r->w->db, r->w->kv, r->tenant.id, &last)) != TC_OK) {
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:b, s:o}", "enabled", r->tenant.sync_enabled &&
	    r->tenant.las_url[0] != '\0' && r->tenant.has_las_key, "last", last));
}

/* "Negeren": leavers or archived pupils off the sync's points for good. */
void
api_sync_dismiss(struct request *r)
{
	static const char *const allowed[] = { "ids", NULL };
	struct idlist ids, unknown;
	const char *csv = NULL;
	tc_status st;

	if (!api_body_only(r, allowed) || !api_ids(r, "ids", &ids))
		return;
	idlist_init(&unknown, r->arena);
	st = syncpoints_check(r->w->db, r->w->kv, r->tenant.id, &ids, &unknown);
	if (st == TC_OK && (csv = idlist_csv(&ids)) == NULL)
		st = TC_INTERNAL;
	if (st == TC_OK)
		st = audit_write(r->w->db, r->tenant.id, AUDIT_USER, r->session.user_id,
		    "sync_points_dismiss", "student", csv, (unsigned long)ids.n);
	/* Recorded first: a failure after it is answered, and the retry repeats both. */
	if (st == TC_OK)
		st = syncpoints_dismiss(r->w->kv, r->tenant.id, &ids);
	api_bulk_answer(r, st, "leerling", "leerlingen", "gewijzigd", &unknown,
	    json_pack("{s:I}", "dismissed", (json_int_t)ids.n));
}

static bool
not_in_review(struct request *r, const struct import_state *s)
{
	if (has_records(s))
		return false;
	response_error_with(r, 409, "not_in_review", "Deze import is niet (meer) te controleren.",
	    json_pack("{s:s}", "status", import_status_name(s->status)));
	return true;
}

/* limit/offset query parameters within bounds; sends 400 and returns false. */
static bool
paging(struct request *r, long *limit, long *offset)
{
	const char *l = request_param(r, "limit"), *o = request_param(r, "offset");
	char *end;

	*limit = 50;
	*offset = 0;
	if (l != NULL) {
		*limit = strtol(l, &end, 10);
		if (*end != '\0' || *limit < 1 || *limit > RECORDS_LIMIT_MAX) {
			response_error_with(r, 400, "invalid", "limit moet tussen 1 en 200 liggen.",
			    json_pack("{s:s}", "field", "limit"));
			return false;
		}
	}
	if (o != NULL) {
		*offset = strtol(o, &end, 10);
		if (*end != '\0' || *offset < 0 || *offset > 10000000) {
			response_error_with(r, 400, "invalid", "offset is niet geldig.",
			    json_pack("{s:s}", "field", "offset"));
			return false;
		}
	}
	return true;
}

void
api_import_records(struct request *r)
{
	static const char *const cats[] = { "new", "existing", "skip", "archive", "keep", NULL };
	const char *kind = request_param(r, "kind"), *cat = request_param(r, "category"),
	    *q = request_param(r, "q");
	struct import_state s;
	struct import_review rv;
	long limit, offset;
	json_t *out;
	int k;
	tc_status st;

	if ((k = import_kind_parse(kind != NULL ? kind : "student")) < 0) {
		response_error_with(r, 400, "invalid", "kind is group, student, teacher of leaver.",
		    json_pack("{s:s}", "field", "kind"));
		return;
	}
	if (cat != NULL) {
		size_t i;

		for (i = 0; cats[i] != NULL && strcmp(cats[i], cat) != 0; i++)
			;
		if (cats[i] == NULL) {
			response_error_with(r, 400, "invalid", "Onbekende categorie.",
			    json_pack("{s:s}", "field", "category"));
			return;
		}
	}
	if (q != NULL && strlen(q) > 100) {
		response_error_with(r, 400, "invalid", "De zoekterm is te lang.",
		    json_pack("{s:s}", "field", "q"));
		return;
	}
	if (!paging(r, &limit, &offset) || !find_import(r, &s) || not_in_review(r, &s))
		return;
	if ((st = import_review_load_kind(r->w->kv, r->tenant.id, s.id, (enum import_kind)k,
	    &rv)) != TC_OK) {
		response_status(r, st);
		return;
	}
	st = import_review_list(&rv, (enum import_kind)k, cat, q, limit, offset, &out);
	import_review_free(&rv);
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	response_json(r, 200, out);
}

/* Tries to store a set of choices this often when another store of the same
 * import comes between loading the choices and storing them (import.h). */
enum { DECIDE_ATTEMPTS = 3 };

/* One attempt: the import in review, its choices loaded, the set checked
 * and stored.  False when an answer was sent. */
static bool
decide_once(struct request *r, tc_status *st, json_t **answer, json_t **prob)
{
	struct import_state s;
	struct import_review rv;

	if (!find_import(r, &s))
		return false;
	if (s.status != IMPORT_REVIEW) {
		response_error_with(r, 409, "not_in_review", "Deze import is niet (meer) te "
		    "controleren.", json_pack("{s:s}", "status", import_status_name(s.status)));
		return false;
	}
	if ((*st = import_review_load(r->w->kv, r->tenant.id, s.id, &rv)) != TC_OK) {
		response_status(r, *st);
		return false;
	}
	*st = import_review_decide(&rv, r->w->db, r->w->kv, r->cfg, r->tenant.id, s.id,
	    json_object_get(r->body, "decisions"), answer, prob);
	import_review_free(&rv);
	return true;
}

void
api_import_decisions(struct request *r)
{
	static const char *const allowed[] = { "decisions", NULL };
	json_t *answer = NULL, *prob = NULL;
	uint64_t session;
	tc_status st = TC_CONFLICT;

	if (!api_body_only(r, allowed))
		return;
	session = kv_session(r->w->kv);
	for (int i = 0; i < DECIDE_ATTEMPTS && st == TC_CONFLICT && prob == NULL; i++)
		if (!decide_once(r, &st, &answer, &prob))
			return;
	/* A decision answered 200 survives a Redis failover: a replica holds it
	 * (redis.wait_replicas); else 503, and the portal's repeat is the same. */
	if (st == TC_OK && (st = kv_wait_replicas(r->w->kv, session)) != TC_OK) {
		json_decref(answer);
		response_status(r, st);
		return;
	}
	if (st == TC_OK) {
		response_json(r, 200, answer);
		return;
	}
	if (st == TC_CONFLICT && prob == NULL) {
		response_error(r, 409, "decisions_busy", "De keuzes van deze import worden "
		    "tegelijk ergens anders gewijzigd. Probeer het opnieuw.");
		return;
	}
	if (prob == NULL) {
		response_status(r, st);
		return;
	}
	response_error_with(r, st == TC_INVALID ? 400 : st == TC_NOT_FOUND ? 404 : 409,
	    json_string_value(json_object_get(prob, "code")),
	    json_string_value(json_object_get(prob, "message")),
	    json_pack("{s:O}", "keys", json_object_get(prob, "keys")));
	json_decref(prob);
}

void
api_import_summary(struct request *r)
{
	struct import_state s;
	json_t *o, *warnings = NULL;
	tc_status st;

	if (!find_import(r, &s) || not_in_review(r, &s))
		return;
	if ((st = import_review_counts_get(r->w->kv, r->tenant.id, s.id, &o)) != TC_OK ||
	    (st = import_load_blob(r->w->kv, r->tenant.id, s.id, "warnings", &warnings)) != TC_OK) {
		if (st == TC_OK)
			json_decref(o);
		response_status(r, st);
		return;
	}
	json_object_set_new(o, "warnings", warnings);
	json_object_set_new(o, "import", import_state_json(&s));
	response_json(r, 200, o);
}

/* "Gegevens importeren" of an import that is not (or no longer) in review:
 * a second click sees the first one's apply; cancelled or failed is 409. */
static void
apply_answer(struct request *r, const struct import_state *s)
{
	if (s->status == IMPORT_APPLYING || s->status == IMPORT_APPLIED)
		response_json(r, s->status == IMPORT_APPLIED ? 200 : 202,
		    json_pack("{s:o}", "import", import_state_json(s)));
	else
		response_error_with(r, 409, "not_in_review", "Deze import kan nu niet worden "
		    "verwerkt.", json_pack("{s:s}", "status", import_status_name(s->status)));
}

void
api_import_apply(struct request *r)
{
	struct import_state s;
	json_t *payload;
	uint64_t session;
	tc_status st;

	if (!find_import(r, &s))
		return;
	if (s.status != IMPORT_REVIEW) {
		apply_answer(r, &s);
		return;
	}
	/*
	 * The set is not parsed again here: every store of choices checked the
	 * whole set it was made against and is refused when another came
	 * between (import_store_decisions), and none lands after this
	 * transition.  The apply job checks once more.  Only one click moves
	 * review → applying; the others see applying.
	 */
	session = kv_session(r->w->kv);
	if (import_transition(r->w->kv, r->tenant.id, s.id, IMPORT_REVIEW, IMPORT_APPLYING) != TC_OK) {
		/* Another click, or a cancel, came first. */
		if ((st = import_get(r->w->kv, r->tenant.id, s.id, &s)) != TC_OK)
			response_status(r, st);
		else
			apply_answer(r, &s);
		return;
	}
	payload = json_pack("{s:s, s:I}", "import", s.id, "actor", (json_int_t)r->session.user_id);
	st = jobqueue_add(r->w->kv, "import_apply", r->tenant.id, 0, payload, NULL, 0);
	json_decref(payload);
	/* The 202 promises the apply: the status and the job are on a replica
	 * first (redis.wait_replicas), so a Redis failover cannot lose them. */
	if (st == TC_OK)
		st = kv_wait_replicas(r->w->kv, session);
	if (st != TC_OK) {
		(void)import_transition(r->w->kv, r->tenant.id, s.id, IMPORT_APPLYING, IMPORT_REVIEW);
		response_status(r, st);
		return;
	}
	s.status = IMPORT_APPLYING;
	response_json(r, 202, json_pack("{s:o}", "import", import_state_json(&s)));
}

void
api_import_retry(struct request *r)
{
	struct import_state s;
	json_t *payload;
	bool fresh;
	tc_status st;

	if (!find_import(r, &s))
		return;
	if (s.status != IMPORT_FAILED && s.status != IMPORT_FETCHING) {
		response_error_with(r, 409, "not_failed", "Alleen een mislukte import kan opnieuw "
		    "worden geprobeerd.", json_pack("{s:s}", "status", import_status_name(s.status)));
		return;
	}
	/* Still fetching: a fetch is queued or running, and a second one would
	 * only load the LAS (issue 19); a fetch job lost for good (parked as
	 * dead, or Redis restarted) no longer holds the claim. */
	if ((st = import_fetch_claim(r->w->kv, r->tenant.id, s.id, &fresh)) != TC_OK) {
		response_status(r, st);
		return;
	}
	if (s.status == IMPORT_FETCHING && !fresh) {
		response_error_with(r, 409, "already_fetching", "De import wordt al opgehaald.",
		    json_pack("{s:s}", "status", import_status_name(s.status)));
		return;
	}
	if (s.status == IMPORT_FAILED &&
	    import_transition(r->w->kv, r->tenant.id, s.id, IMPORT_FAILED, IMPORT_FETCHING) != TC_OK) {
		response_error(r, 409, "not_failed", "De import is intussen gewijzigd.");
		return;
	}
	payload = json_pack("{s:s}", "import", s.id);
	st = jobqueue_add(r->w->kv, "import_fetch", r->tenant.id, 0, payload, NULL, 0);
	json_decref(payload);
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	(void)import_get(r->w->kv, r->tenant.id, s.id, &s);
	response_json(r, 202, json_pack("{s:o}", "import", import_state_json(&s)));
}

void
api_import_cancel(struct request *r)
{
	struct import_state s;
	tc_status st;

	if (!find_import(r, &s))
		return;
	st = import_cancel(r->w->kv, r->tenant.id, s.id);
	if (st == TC_CONFLICT) {
		response_error(r, 409, "cannot_cancel", "Een import die wordt of is verwerkt, kan "
		    "niet meer worden geannuleerd.");
		return;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	(void)audit_write(r->w->db, r->tenant.id, AUDIT_USER, r->session.user_id, "import_cancel",
	    "import", s.id, 0);
	(void)import_get(r->w->kv, r->tenant.id, s.id, &s);
	response_json(r, 200, json_pack("{s:o}", "import", import_state_json(&s)));
}
