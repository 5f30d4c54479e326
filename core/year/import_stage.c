/* import_stage.c - match a LAS answer against the school and classify it. */
#include "import_stage.h"


#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolyear.h"

enum {
	SQL_STUDENTS, SQL_TEACHERS, SQL_GROUPS, SQL_MANUAL_COUNT, SQL_CANDIDATES
};

static const char *const sql[] = {
	[SQL_STUDENTS] = "SELECT id, las_key, eckid, achternaam, voorvoegsel, roepnaam,"
	    " geboortedatum, jaargroep, status, source FROM students WHERE tenant_id = ?",
	[SQL_TEACHERS] = "SELECT id, las_key, eckid, email, name FROM users"
	    " WHERE tenant_id = ? AND role = 'teacher'",
	[SQL_GROUPS] = "SELECT id, las_key, name, jaargroep, kind, status FROM school_groups"
	    " WHERE tenant_id = ? AND year_start = ? AND las_key IS NOT NULL",
	[SQL_MANUAL_COUNT] = "SELECT COUNT(*) FROM students WHERE tenant_id = ?"
	    " AND status = 'active' AND las_key IS NULL AND eckid IS NULL",
	[SQL_CANDIDATES] = "SELECT id, achternaam, voorvoegsel, roepnaam, geboortedatum"
	    " FROM students WHERE tenant_id = ? AND status = 'active' AND las_key IS NULL"
	    " AND eckid IS NULL AND achternaam = ? AND roepnaam = ? ORDER BY id LIMIT 10",
};

/* Rows of a table kept as JSON objects, with indexes by key, eckid, e-mail. */
struct known {
	json_t	*rows;		/* array of objects */
	json_t	*by_key;	/* las_key → index */
	json_t	*by_eckid;	/* eckid → index */
	json_t	*by_email;	/* lower-case e-mail → index */
	json_t	*matched;	/* "index" → true */
};

static void
known_init(struct known *k)
{
	k->rows = json_array();
	k->by_key = json_object();
	k->by_eckid = json_object();
	k->by_email = json_object();
	k->matched = json_object();
}

static void
known_free(struct known *k)
{
	json_decref(k->rows);
	json_decref(k->by_key);
	json_decref(k->by_eckid);
	json_decref(k->by_email);
	json_decref(k->matched);
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* a itself when it has members, else NULL (and a is released). */
static json_t *
nonempty(json_t *a)
{
	if (json_array_size(a) > 0)
		return a;
	json_decref(a);
	return NULL;
}

static tc_status
student_row(void *arg, const struct db_row *r)
{
	struct known *k = arg;
	json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
	    "id", (json_int_t)strtoull(r->vals[0], NULL, 10), "las_key", str_or_null(r->vals[1]),
	    "eckid", str_or_null(r->vals[2]), "achternaam", str_or_null(r->vals[3]),
	    "voorvoegsel", str_or_null(r->vals[4]), "roepnaam", str_or_null(r->vals[5]),
	    "geboortedatum", str_or_null(r->vals[6]), "jaargroep", str_or_null(r->vals[7]),
	    "status", r->vals[8], "source", r->vals[9]);
	size_t i = json_array_size(k->rows);

	if (o == NULL)
		return TC_INTERNAL;
	json_array_append_new(k->rows, o);
	if (r->vals[1] != NULL)
		json_object_set_new(k->by_key, r->vals[1], json_integer((json_int_t)i));
	if (r->vals[2] != NULL)
		json_object_set_new(k->by_eckid, r->vals[2], json_integer((json_int_t)i));
	return TC_OK;
}

static tc_status
teacher_row(void *arg, const struct db_row *r)
{
	struct known *k = arg;
	json_t *o = json_pack("{s:I, s:o, s:o, s:s, s:s}",
	    "id", (json_int_t)strtoull(r->vals[0], NULL, 10), "las_key", str_or_null(r->vals[1]),
	    "eckid", str_or_null(r->vals[2]), "email", r->vals[3], "name", r->vals[4]);
	size_t i = json_array_size(k->rows);
	char email[TC_EMAIL_MAX + 1];

	if (o == NULL)
		return TC_INTERNAL;
	json_array_append_new(k->rows, o);
	if (r->vals[1] != NULL)
		json_object_set_new(k->by_key, r->vals[1], json_integer((json_int_t)i));
	if (r->vals[2] != NULL)
		json_object_set_new(k->by_eckid, r->vals[2], json_integer((json_int_t)i));
	snprintf(email, sizeof(email), "%s", r->vals[3]);
	lower(email);
	json_object_set_new(k->by_email, email, json_integer((json_int_t)i));
	return TC_OK;
}

static tc_status
group_row(void *arg, const struct db_row *r)
{
	struct known *k = arg;
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s}",
	    "id", (json_int_t)strtoull(r->vals[0], NULL, 10), "las_key", r->vals[1],
	    "naam", r->vals[2], "jaargroep", str_or_null(r->vals[3]), "kind", r->vals[4],
	    "status", r->vals[5]);
	size_t i = json_array_size(k->rows);

	if (o == NULL)
		return TC_INTERNAL;
	json_array_append_new(k->rows, o);
	json_object_set_new(k->by_key, r->vals[1], json_integer((json_int_t)i));
	return TC_OK;
}

/* The index of the known row that index points at, -1 when none. */
static long
lookup(json_t *index, const char *s)
{
	json_t *v;

	if (s == NULL || (v = json_object_get(index, s)) == NULL)
		return -1;
	return (long)json_integer_value(v);
}

static void
mark_matched(struct known *k, long i)
{
	char n[24];

	snprintf(n, sizeof(n), "%ld", i);
	json_object_set_new(k->matched, n, json_true());
}

static bool
is_matched(const struct known *k, size_t i)
{
	char n[24];

	snprintf(n, sizeof(n), "%zu", i);
	return json_object_get(k->matched, n) != NULL;
}

char *
import_display_name(const char *roepnaam, const char *voorvoegsel, const char *achternaam)
{
	char *s = NULL;

	if (asprintf(&s, "%s%s%s%s%s", roepnaam != NULL ? roepnaam : "",
	    roepnaam != NULL && (voorvoegsel != NULL || achternaam != NULL) ? " " : "",
	    voorvoegsel != NULL ? voorvoegsel : "", voorvoegsel != NULL ? " " : "",
	    achternaam != NULL ? achternaam : "") < 0)
		return NULL;
	return s;
}

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Appends {field, from, to} when the LAS value differs from the stored one. */
static void
diff(json_t *changes, const char *name, const char *stored, const char *las)
{
	if (las == NULL)
		return;		/* the LAS does not send it: keep what we have */
	if (stored != NULL && strcmp(stored, las) == 0)
		return;
	json_array_append_new(changes, json_pack("{s:s, s:o, s:s}", "field", name,
	    "from", str_or_null(stored), "to", las));
}

static json_t *
record_warnings(const struct uwlr_result *res, size_t first, size_t n)
{
	json_t *a = json_array();

	for (size_t i = first; i < first + n && i < res->n_warnings; i++) {
		const struct uwlr_warning *w = &res->warnings[i];
		char *msg = NULL;

		if (asprintf(&msg, "%s%s%s", uwlr_warn_name(w->kind), w->detail != NULL ? ": " : "",
		    w->detail != NULL ? w->detail : "") < 0)
			continue;
		json_array_append_new(a, json_string(msg));
		free(msg);
	}
	return a;
}

static json_t *
string_list(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The record key of a pupil or teacher: its LAS key, or "eckid:<eckid>". */
static char *
record_key(const char *key, const char *eckid)
{
	char *s = NULL;

	if (key != NULL)
		return strdup(key);
	if (eckid != NULL && asprintf(&s, "eckid:%s", eckid) >= 0)
		return s;
	return NULL;
}

struct cand_ctx {
	json_t		*list;
	const char	*geboortedatum;
};

static tc_status
candidate_row(void *arg, const struct db_row *r)
{
	struct cand_ctx *c = arg;
	char *display;

	/* Both have a birth date and they differ: not the same child. */
	if (c->geboortedatum != NULL && r->vals[4] != NULL && strcmp(c->geboortedatum, r->vals[4]) != 0)
		return TC_OK;
	display = import_display_name(r->vals[3], r->vals[2], r->vals[1]);
	json_array_append_new(c->list, json_pack("{s:I, s:s, s:o}", "id",
	    (json_int_t)strtoull(r->vals[0], NULL, 10), "display", display != NULL ? display : "",
	    "geboortedatum", str_or_null(r->vals[4])));
	free(display);
	return TC_OK;
}

/* A warning of the LAS data for the summary: {kind, key, warning, detail,
 * message} with a Dutch message. */
static json_t *
warning_json(const struct uwlr_warning *w)
{
	static const char *const rk[] = { "school", "group", "student", "teacher" };
	static const char *const rk_nl[] = { "School", "Groep", "Leerling", "Leerkracht" };
	static const char *const what[UWLR_WARN_KIND_MAX] = {
		[UWLR_WARN_UNKNOWN_GROUP_REF] = "verwijst naar een groep die het LAS niet meestuurt",
		[UWLR_WARN_DUPLICATE_KEY] = "heeft een sleutel die vaker voorkomt",
		[UWLR_WARN_DUPLICATE_ECKID] = "heeft een ECK-iD dat vaker voorkomt",
		[UWLR_WARN_MISSING_FIELD] = "mist een verplicht gegeven",
		[UWLR_WARN_BAD_JAARGROEP] = "heeft een onbekende jaargroep",
	};
	char *msg = NULL;
	json_t *o;

	if (asprintf(&msg, "%s %s %s%s%s%s", rk_nl[w->record], w->record_key != NULL ?
	    w->record_key : "", (unsigned)w->kind < UWLR_WARN_KIND_MAX ? what[w->kind] : "",
	    w->detail != NULL ? " (" : "", w->detail != NULL ? w->detail : "",
	    w->detail != NULL ? ")" : "") < 0)
		msg = NULL;
	o = json_pack("{s:s, s:s?, s:s, s:s?, s:s?}", "kind", rk[w->record], "key", w->record_key,
	    "warning", uwlr_warn_name(w->kind), "detail", w->detail, "message", msg);
	free(msg);
	return o;
}

static tc_status
stage_groups(struct db *db, uint64_t t, int year, const struct uwlr_result *res, json_t *out)
{
	struct known k;
	tc_status st;

	known_init(&k);
	st = db_query(db, sql[SQL_GROUPS], DB_ARGS(DB_INT(t), DB_INT(year)), group_row, &k);
	for (size_t i = 0; st == TC_OK && i < res->n_groups; i++) {
		const struct uwlr_group *g = &res->groups[i];
		long m = lookup(k.by_key, g->key);
		json_t *changes = json_array(), *rec;

		if (m >= 0) {
			json_t *row = json_array_get(k.rows, (size_t)m);

			diff(changes, "naam", jstr(row, "naam"), g->naam);
			diff(changes, "jaargroep", jstr(row, "jaargroep"), g->jaargroep);
		}
		rec = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o}", "key", g->key,
		    "naam", g->naam != NULL ? g->naam : g->key, "jaargroep", str_or_null(g->jaargroep),
		    "group_kind", g->is_samengesteld ? "samengesteld" : "stamgroep",
		    "category", m >= 0 ? "existing" : "new",
		    "link_id", m >= 0 ? json_incref(json_object_get(json_array_get(k.rows, (size_t)m), "id")) : json_null(),
		    "changes", changes, "warnings", record_warnings(res, g->first_warning, g->n_warnings));
		if (rec == NULL) {
			st = TC_INTERNAL;
			break;
		}
		if (m >= 0) {
			json_t *row = json_array_get(k.rows, (size_t)m);

			json_object_set(rec, "link_display", json_object_get(row, "naam"));
			/* An archived group: shown as such, it takes no pupils (import_apply.h). */
			json_object_set(rec, "link_status", json_object_get(row, "status"));
		}
		json_array_append_new(out, rec);
	}
	known_free(&k);
	return st;
}

static tc_status
stage_students(struct db *db, uint64_t t, const struct uwlr_result *res, json_t *out,
    json_t *leavers)
{
	struct known k;
	long long manual = 0;
	tc_status st;

	known_init(&k);
	st = db_query(db, sql[SQL_STUDENTS], DB_ARGS(DB_INT(t)), student_row, &k);
	if (st == TC_OK)
		st = db_query_int(db, sql[SQL_MANUAL_COUNT], DB_ARGS(DB_INT(t)), &manual);
	for (size_t i = 0; st == TC_OK && i < res->n_pupils; i++) {
		const struct uwlr_pupil *p = &res->pupils[i];
		long m = lookup(k.by_eckid, p->eckid);
		const char *by = "eckid";
		json_t *changes = json_array(), *cands = json_array(), *row = NULL, *rec;
		char *key = record_key(p->key, p->eckid), *display;

		if (m < 0) {
			m = lookup(k.by_key, p->key);
			by = "key";
		}
		if (m >= 0 && is_matched(&k, (size_t)m))
			m = -1;		/* two LAS records on one pupil: the second is new */
		if (m >= 0) {
			row = json_array_get(k.rows, (size_t)m);
			mark_matched(&k, m);
			diff(changes, "las_key", jstr(row, "las_key"), p->key);
			diff(changes, "eckid", jstr(row, "eckid"), p->eckid);
			diff(changes, "achternaam", jstr(row, "achternaam"), p->achternaam);
			diff(changes, "voorvoegsel", jstr(row, "voorvoegsel"), p->voorvoegsel);
			diff(changes, "roepnaam", jstr(row, "roepnaam"), p->roepnaam);
			diff(changes, "geboortedatum", jstr(row, "geboortedatum"), p->geboortedatum);
			diff(changes, "jaargroep", jstr(row, "jaargroep"), p->jaargroep);
		} else if (manual > 0 && p->achternaam != NULL && p->roepnaam != NULL) {
			struct cand_ctx c = { cands, p->geboortedatum };

			st = db_query(db, sql[SQL_CANDIDATES], DB_ARGS(DB_INT(t), DB_STR(p->achternaam),
			    DB_STR(p->roepnaam)), candidate_row, &c);
		}
		display = import_display_name(p->roepnaam, p->voorvoegsel, p->achternaam);
		/* A school's pupils are most of a review: a member that is null or
		 * an empty list is left out (import_stage.h), which makes the
		 * record a third smaller and quicker to read back. */
		rec = json_pack("{s:s?, s:s*, s:s*, s:s, s:s*, s:s*, s:s*, s:s*, s:s*, s:s*, s:o*,"
		    " s:s, s:O*, s:s*, s:s*, s:o*, s:o*, s:o*}",
		    "key", key, "las_key", p->key, "eckid", p->eckid,
		    "display", display != NULL ? display : "",
		    "achternaam", p->achternaam, "voorvoegsel", p->voorvoegsel,
		    "roepnaam", p->roepnaam, "geboortedatum", p->geboortedatum,
		    "jaargroep", p->jaargroep, "stamgroep", p->groep_key,
		    "groups", nonempty(string_list(p->sg_keys, p->n_sg_keys)),
		    "category", m >= 0 ? "existing" : "new",
		    "link_id", row != NULL ? json_object_get(row, "id") : NULL,
		    "matched_by", row != NULL ? by : NULL,
		    "link_status", row != NULL ? jstr(row, "status") : NULL,
		    "changes", nonempty(changes), "candidates", nonempty(cands),
		    "warnings", nonempty(record_warnings(res, p->first_warning, p->n_warnings)));
		free(display);
		free(key);
		if (rec == NULL || json_object_get(rec, "key") == NULL) {
			json_decref(rec);
			continue;	/* neither key nor ECK-iD: the parser warned */
		}
		if (row != NULL) {
			char *ld = import_display_name(jstr(row, "roepnaam"), jstr(row, "voorvoegsel"),
			    jstr(row, "achternaam"));

			if (ld != NULL)
				json_object_set_new(rec, "link_display", json_string(ld));
			free(ld);
		}
		json_array_append_new(out, rec);
	}
	/* Leavers: active pupils no LAS record matched. */
	for (size_t i = 0; st == TC_OK && i < json_array_size(k.rows); i++) {
		json_t *row = json_array_get(k.rows, i);
		char id[24], *display;

		if (is_matched(&k, i) || strcmp(jstr(row, "status"), "active") != 0)
			continue;
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(row, "id")));
		display = import_display_name(jstr(row, "roepnaam"), jstr(row, "voorvoegsel"),
		    jstr(row, "achternaam"));
		json_array_append_new(leavers, json_pack("{s:s, s:I, s:s, s:o, s:s, s:s}",
		    "key", id, "id", json_integer_value(json_object_get(row, "id")),
		    "display", display != NULL ? display : "",
		    "jaargroep", json_incref(json_object_get(row, "jaargroep")),
		    "source", jstr(row, "source"),
		    "category", strcmp(jstr(row, "source"), "las") == 0 ? "archive" : "keep"));
		free(display);
	}
	known_free(&k);
	return st;
}

static tc_status
stage_teachers(struct db *db, uint64_t t, const struct uwlr_result *res, json_t *out)
{
	struct known k;
	tc_status st;

	known_init(&k);
	st = db_query(db, sql[SQL_TEACHERS], DB_ARGS(DB_INT(t)), teacher_row, &k);
	for (size_t i = 0; st == TC_OK && i < res->n_teachers; i++) {
		const struct uwlr_teacher *p = &res->teachers[i];
		char email[TC_EMAIL_MAX + 1] = "", *key = record_key(p->key, p->eckid), *display;
		long m = lookup(k.by_eckid, p->eckid);
		json_t *groups, *rec, *row = NULL, *changes = json_array();

		if (p->emailadres != NULL) {
			snprintf(email, sizeof(email), "%s", p->emailadres);
			lower(email);
		}
		if (m < 0)
			m = lookup(k.by_key, p->key);
		if (m < 0 && email[0] != '\0')
			m = lookup(k.by_email, email);
		if (m >= 0 && is_matched(&k, (size_t)m))
			m = -1;
		if (m >= 0) {
			row = json_array_get(k.rows, (size_t)m);
			mark_matched(&k, m);
			diff(changes, "las_key", jstr(row, "las_key"), p->key);
			diff(changes, "eckid", jstr(row, "eckid"), p->eckid);
		}
		groups = string_list(p->groep_keys, p->n_groep_keys);
		{
			json_t *sg = string_list(p->sg_keys, p->n_sg_keys);

			json_array_extend(groups, sg);	/* copies: sg stays ours */
			json_decref(sg);
		}
		display = import_display_name(p->roepnaam, p->voorvoegsel, p->achternaam);
		rec = json_pack("{s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:s, s:o, s:o, s:o}",
		    "key", key, "las_key", p->key, "eckid", p->eckid,
		    "display", display != NULL ? display : "", "achternaam", p->achternaam,
		    "voorvoegsel", p->voorvoegsel, "roepnaam", p->roepnaam,
		    "email", email[0] != '\0' ? email : NULL, "groups", groups,
		    "category", m >= 0 ? "existing" : "new",
		    "link_id", row != NULL ? json_incref(json_object_get(row, "id")) : json_null(),
		    "changes", changes,
		    "warnings", record_warnings(res, p->first_warning, p->n_warnings));
		free(display);
		free(key);
		if (rec == NULL || json_object_get(rec, "key") == NULL) {
			json_decref(rec);
			continue;
		}
		if (row != NULL)
			json_object_set(rec, "link_display", json_object_get(row, "name"));
		/* A teacher without e-mail cannot get an account: say so. */
		if (email[0] == '\0')
			json_array_append_new(json_object_get(rec, "warnings"),
			    json_string("Geen e-mailadres: er wordt geen account aangemaakt."));
		json_array_append_new(out, rec);
	}
	known_free(&k);
	return st;
}

static int
cmp_display(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *ka = jstr(x, "achternaam"), *kb = jstr(y, "achternaam");
	int c;

	if (ka == NULL)
		ka = jstr(x, "naam");
	if (kb == NULL)
		kb = jstr(y, "naam");
	if ((c = strcmp(ka != NULL ? ka : "", kb != NULL ? kb : "")) != 0)
		return c;
	return strcmp(jstr(x, "display") != NULL ? jstr(x, "display") : jstr(x, "key"),
	    jstr(y, "display") != NULL ? jstr(y, "display") : jstr(y, "key"));
}

/* Sorts an array of records by surname (groups by name), in place. */
static void
sort_records(json_t *a)
{
	size_t n = json_array_size(a);
	json_t **v = calloc(n + 1, sizeof(*v));

	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	qsort(v, n, sizeof(*v), cmp_display);
	json_array_clear(a);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	free(v);
}

tc_status
import_stage(struct db *db, uint64_t t, int year, const struct uwlr_result *res,
    struct import_staged *out, char *err, size_t errlen)
{
	char want[16];
	tc_status st;

	memset(out, 0, sizeof(*out));
	schoolyear_format(year, want, sizeof(want));
	if (res->answer != UWLR_ANSWER_DATA && res->answer != UWLR_ANSWER_GEENGEGEVENS) {
		snprintf(err, errlen, "De LAS gaf geen leerlinggegevens.");
		return TC_INVALID;
	}
	if (res->school.schooljaar != NULL && strcmp(res->school.schooljaar, want) != 0) {
		snprintf(err, errlen, "De gegevens zijn van schooljaar %s, niet van %s.",
		    res->school.schooljaar, want);
		return TC_INVALID;
	}
	if (res->n_errors > 0) {
		snprintf(err, errlen, "De gegevens uit de LAS bevatten %zu dubbele sleutel(s) of "
		    "ECK-iD's en kunnen niet worden geïmporteerd.", res->n_errors);
		return TC_INVALID;
	}
	for (int k = 0; k < IMPORT_KIND_MAX; k++)
		out->records[k] = json_array();
	out->warnings = json_array();
	st = stage_groups(db, t, year, res, out->records[IMPORT_GROUP]);
	if (st == TC_OK)
		st = stage_students(db, t, res, out->records[IMPORT_STUDENT],
		    out->records[IMPORT_LEAVER]);
	if (st == TC_OK)
		st = stage_teachers(db, t, res, out->records[IMPORT_TEACHER]);
	if (st != TC_OK) {
		import_staged_free(out);
		snprintf(err, errlen, "De gegevens konden niet worden vergeleken (%s).", status_name(st));
		return st;
	}
	for (int k = 0; k < IMPORT_KIND_MAX; k++)
		sort_records(out->records[k]);
	for (size_t i = 0; i < res->n_warnings; i++)
		json_array_append_new(out->warnings, warning_json(&res->warnings[i]));
	return TC_OK;
}

void
import_staged_free(struct import_staged *s)
{
	for (int k = 0; k < IMPORT_KIND_MAX; k++) {
		json_decref(s->records[k]);
		s->records[k] = NULL;
	}
	json_decref(s->warnings);
	s->warnings = NULL;
}
