/* api_students.c - pupils (leerlingen): list, one pupil, enter and change by
 * hand, archive (deactiveren), reactivate, delete for good (verwijderen). */
#include "api.h"

#include <string.h>

#include "group.h"
#include "response.h"
#include "student.h"
#include "testadmin.h"

static json_t *
student_json(const struct student *s)
{
	return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:s, s:o, s:b}",
	    "id", (json_int_t)s->id,
	    "achternaam", s->achternaam,
	    "voorvoegsel", api_str_or_null(s->voorvoegsel),
	    "roepnaam", s->roepnaam,
	    "geboortedatum", api_str_or_null(s->geboortedatum),
	    "jaargroep", api_str_or_null(s->jaargroep),
	    "status", s->active ? "active" : "deactivated",
	    "deactivated_at", api_str_or_null(s->deactivated_at),
	    "from_las", s->from_las);
}

static json_t *
membership_json(const struct group_membership *m, bool history)
{
	char year[16];

	if (!history)
		return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)m->group_id, "name", m->name,
		    "kind", group_kind_name(m->samengesteld));
	schoolyear_format(m->year_start, year, sizeof(year));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)m->group_id,
	    "name", m->name, "kind", group_kind_name(m->samengesteld), "school_year", year,
	    "status", m->active ? "active" : "deactivated", "since", m->since);
}

/* --- GET /api/students ------------------------------------------------------ */

struct page {
	struct request	*r;
	json_t		*items;
	struct idlist	 ids;
};

static tc_status
page_row(void *arg, const struct student *s)
{
	struct page *p = arg;
	json_t *item = student_json(s);

	if (item == NULL || json_object_set_new(item, "groups", json_array()) != 0 ||
	    json_array_append_new(p->items, item) != 0)
		return TC_INTERNAL;
	return idlist_add(&p->ids, s->id);
}

/* Attaches a membership to the item of its pupil (items are few: ≤ 200). */
static tc_status
page_group(void *arg, const struct group_membership *m)
{
	struct page *p = arg;
	size_t i;
	json_t *item;

	json_array_foreach(p->items, i, item) {
		if ((uint64_t)json_integer_value(json_object_get(item, "id")) == m->student_id)
			return json_array_append_new(json_object_get(item, "groups"),
			    membership_json(m, false)) == 0 ? TC_OK : TC_INTERNAL;
	}
	return TC_OK;
}

void
api_students_list(struct request *r)
{
	struct student_filter f;
	struct page p = { r, NULL, { 0 } };
	const char *q = request_param(r, "q");
	char like[2 * TC_SEARCH_MAX + 3];
	uint64_t total = 0;
	struct group g;
	tc_status st;

	memset(&f, 0, sizeof(f));
	f.teacher_id = api_teacher_scope(r);
	if (student_status_parse(request_param(r, "status"), &f.active) != TC_OK) {
		api_invalid(r, "status", "status is active of deactivated.");
		return;
	}
	if (student_sort_parse(request_param(r, "sort"), &f.sort) != TC_OK) {
		api_invalid(r, "sort", "Op deze kolom kan niet gesorteerd worden.");
		return;
	}
	if (q != NULL && q[0] != '\0') {
		if (student_like_pattern(q, like, sizeof(like)) != TC_OK) {
			api_invalid(r, "q", "Zoek op hoogstens 100 tekens.");
			return;
		}
		f.like = like;
	}
	if (!api_page(r, &f.limit, &f.offset) || !api_id_param(r, "group", &f.group_id))
		return;
	if (f.group_id != 0 &&
	    (st = group_get(r->w->db, r->tenant.id, f.teacher_id, f.group_id, &g)) != TC_OK) {
		response_status(r, st);
		return;
	}
	idlist_init(&p.ids, r->arena);
	if ((p.items = json_array()) == NULL) {
		response_status(r, TC_INTERNAL);
		return;
	}
	st = student_list(r->w->db, r->tenant.id, &f, page_row, &p, &total);
	if (st == TC_OK)
		st = group_memberships_active_year(r->w->db, r->tenant.id, &p.ids, page_group, &p);
	if (st != TC_OK) {
		json_decref(p.items);
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:o, s:I, s:i, s:i}", "items", p.items,
	    "total", (json_int_t)total, "limit", (int)f.limit, "offset", (int)f.offset));
}

/* --- GET /api/students/{id} ----------------------------------------------------- */

static tc_status
history_group(void *arg, const struct group_membership *m)
{
	return json_array_append_new(arg, membership_json(m, true)) == 0 ? TC_OK : TC_INTERNAL;
}

static tc_status
active_group(void *arg, const struct group_membership *m)
{
	return json_array_append_new(arg, membership_json(m, false)) == 0 ? TC_OK : TC_INTERNAL;
}

static tc_status
history_test(void *arg, const struct testadmin *a)
{
	json_t *t = json_pack("{s:I, s:{s:s, s:s, s:s, s:i}, s:s, s:i, s:o, s:s}",
	    "id", (json_int_t)a->id,
	    "test", "code", a->code, "name", a->name, "subject", a->subject,
	    "max_score", a->max_score,
	    "date", a->date, "score", a->score, "level", api_str_or_null(a->level),
	    "created_at", a->created_at);

	return json_array_append_new(arg, t) == 0 ? TC_OK : TC_INTERNAL;
}

static void
send_student(struct request *r, int status, uint64_t id)
{
	struct student s;
	struct idlist one;
	json_t *out, *groups = json_array(), *hist = json_array(), *tests = json_array();
	tc_status st;

	idlist_init(&one, r->arena);
	if ((st = student_get(r->w->db, r->tenant.id, api_teacher_scope(r), id, &s)) != TC_OK ||
	    (st = idlist_add(&one, id)) != TC_OK ||
	    (st = group_memberships_active_year(r->w->db, r->tenant.id, &one, active_group,
	    groups)) != TC_OK ||
	    (st = group_memberships_of(r->w->db, r->tenant.id, id, history_group, hist)) != TC_OK ||
	    (st = testadmin_history(r->w->db, r->tenant.id, id, history_test, tests)) != TC_OK) {
		json_decref(groups);
		json_decref(hist);
		json_decref(tests);
		response_status(r, st);
		return;
	}
	out = student_json(&s);
	json_object_set_new(out, "groups", groups);
	json_object_set_new(out, "group_history", hist);
	json_object_set_new(out, "test_history", tests);
	response_json(r, status, out);
}

void
api_student_get(struct request *r)
{
	send_student(r, 200, r->ids[0]);
}

/* --- POST /api/students, PATCH /api/students/{id} ---------------------------- */

static const struct {
	const char	*key;
	unsigned	 bit;
	bool		 nullable;
	const char	*message;
} fields[] = {
	{ "achternaam", STUDENT_F_ACHTERNAAM, false,
	  "Vul een achternaam in: letters, spaties, ' - en ., hoogstens 200 tekens." },
	{ "voorvoegsel", STUDENT_F_VOORVOEGSEL, true,
	  "Een voorvoegsel bestaat uit letters, spaties, ' - en ., hoogstens 20 tekens." },
	{ "roepnaam", STUDENT_F_ROEPNAAM, false,
	  "Vul een roepnaam in: letters, spaties, ' - en ., hoogstens 100 tekens." },
	{ "geboortedatum", STUDENT_F_GEBOORTEDATUM, true,
	  "Vul een geldige geboortedatum in (JJJJ-MM-DD), niet in de toekomst." },
	{ "jaargroep", STUDENT_F_JAARGROEP, true,
	  "De jaargroep is een getal van 1 tot en met 8." },
};

/* Reads and checks the body's fields into in; sends 400 and returns false. */
static bool
student_input_read(struct request *r, struct student_input *in, bool create)
{
	static const char *const allowed[] = { "achternaam", "voorvoegsel", "roepnaam",
	    "geboortedatum", "jaargroep", NULL };
	const char *v;
	bool given;

	memset(in, 0, sizeof(*in));
	if (!api_body_only(r, allowed))
		return false;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		unsigned bit = fields[i].bit;
		bool ok;
		json_t *j = json_object_get(r->body, fields[i].key);
		char num[8];

		/* jaargroep may come as a number. */
		if (bit == STUDENT_F_JAARGROEP && json_is_integer(j)) {
			snprintf(num, sizeof(num), "%d", (int)(json_integer_value(j) % 1000));
			v = num;
			given = true;
			ok = true;
		} else
			ok = api_string(r, fields[i].key, fields[i].nullable, &v, &given);
		if (ok && !given && create && !fields[i].nullable)
			ok = false;
		if (ok && given) {
			switch (bit) {
			case STUDENT_F_ACHTERNAAM:
				ok = student_name_normalize(v, in->achternaam, sizeof(in->achternaam),
				    TC_ACHTERNAAM_MAX) == TC_OK && in->achternaam[0] != '\0';
				break;
			case STUDENT_F_ROEPNAAM:
				ok = student_name_normalize(v, in->roepnaam, sizeof(in->roepnaam),
				    TC_ROEPNAAM_MAX) == TC_OK && in->roepnaam[0] != '\0';
				break;
			case STUDENT_F_VOORVOEGSEL:
				ok = v == NULL || student_name_normalize(v, in->voorvoegsel,
				    sizeof(in->voorvoegsel), TC_VOORVOEGSEL_MAX) == TC_OK;
				break;
			case STUDENT_F_GEBOORTEDATUM:
				ok = v == NULL || (v[0] == '\0') ||
				    student_birthdate_check(v, api_today(r)) == TC_OK;
				if (ok && v != NULL)
					snprintf(in->geboortedatum, sizeof(in->geboortedatum), "%s", v);
				break;
			case STUDENT_F_JAARGROEP:
				ok = v == NULL || v[0] == '\0' || student_jaargroep_valid(v);
				if (ok && v != NULL)
					snprintf(in->jaargroep, sizeof(in->jaargroep), "%s", v);
				break;
			}
			in->set |= bit;
		}
		if (!ok) {
			api_invalid(r, fields[i].key, fields[i].message);
			return false;
		}
	}
	if (!create && in->set == 0) {
		api_invalid(r, "achternaam", "Er is niets om te wijzigen.");
		return false;
	}
	return true;
}

void
api_students_create(struct request *r)
{
	struct student_input in;
	uint64_t id;
	tc_status st;

	if (!student_input_read(r, &in, true))
		return;
	if (r->tenant.las_url[0] != '\0') {
		response_error(r, 409, "las_linked", "Deze school haalt haar leerlingen uit het "
		    "LAS: voeg de leerling daar toe.");
		return;
	}
	if ((st = student_create(r->w->db, r->tenant.id, r->session.user_id, &in, &id)) != TC_OK) {
		response_status(r, st);
		return;
	}
	send_student(r, 201, id);
}

void
api_student_update(struct request *r)
{
	struct student_input in;
	const char *rule;
	tc_status st;

	if (!student_input_read(r, &in, false))
		return;
	st = student_update(r->w->db, r->tenant.id, r->session.user_id, r->ids[0], &in, &rule);
	if (st == TC_CONFLICT && rule != NULL && strcmp(rule, "from_las") == 0) {
		response_error(r, 409, "from_las", "Deze leerling komt uit het LAS: wijzig de "
		    "gegevens daar.");
		return;
	}
	if (st == TC_CONFLICT && rule != NULL) {
		response_error(r, 409, "student_deactivated", "Deze leerling is gedeactiveerd. "
		    "Heractiveer de leerling eerst.");
		return;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	send_student(r, 200, r->ids[0]);
}

/* --- bulk ------------------------------------------------------------------------ */

static const struct api_set students = { &student_set, "leerling", "leerlingen" };

static void
set_active(struct request *r, bool active)
{
	static const char *const allowed[] = { "ids", NULL };
	struct idlist ids;

	if (api_body_only(r, allowed) && api_ids(r, "ids", &ids))
		api_set_active(r, &students, &ids, active);
}

void
api_students_deactivate(struct request *r)
{
	set_active(r, false);
}

void
api_students_reactivate(struct request *r)
{
	set_active(r, true);
}

void
api_students_delete(struct request *r)
{
	api_set_delete(r, &students);
}
