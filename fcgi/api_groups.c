/* api_groups.c - groups (groepen): list, one group, create, rename, pupils
 * and teachers in and out, archive (deactiveren), reactivate, delete. */
#include "api.h"

#include <string.h>

#include "group.h"
#include "response.h"
#include "student.h"
#include "year.h"

static json_t *
group_json(const struct group *g)
{
	char year[16];

	schoolyear_format(g->year_start, year, sizeof(year));
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:b, s:I}",
	    "id", (json_int_t)g->id,
	    "name", g->name,
	    "kind", group_kind_name(g->samengesteld),
	    "school_year", year,
	    "jaargroep", api_str_or_null(g->jaargroep),
	    "status", g->active ? "active" : "deactivated",
	    "deactivated_at", api_str_or_null(g->deactivated_at),
	    "from_las", g->from_las,
	    "student_count", (json_int_t)g->student_count);
}

/* school_year= or body "school_year": "2025-2026".  *year 0 for "all". */
static bool
year_value(struct request *r, const char *s, bool allow_all, int *year)
{
	if (allow_all && strcmp(s, "all") == 0) {
		*year = 0;
		return true;
	}
	if (schoolyear_parse(s, year) != TC_OK) {
		api_invalid(r, "school_year", "Schrijf het schooljaar als 2025-2026.");
		return false;
	}
	return true;
}

/* --- GET /api/groups ---------------------------------------------------------------- */

static tc_status
list_row(void *arg, const struct group *g)
{
	return json_array_append_new(arg, group_json(g)) == 0 ? TC_OK : TC_INTERNAL;
}

void
api_groups_list(struct request *r)
{
	struct group_filter f;
	const char *y = request_param(r, "school_year");
	const char *q = request_param(r, "q");
	char like[2 * TC_SEARCH_MAX + 3];
	json_t *items;
	uint64_t total = 0;
	tc_status st;

	memset(&f, 0, sizeof(f));
	f.teacher_id = api_teacher_scope(r);
	if (group_status_parse(request_param(r, "status"), &f.status) != TC_OK) {
		api_invalid(r, "status", "status is active, deactivated of all.");
		return;
	}
	if (group_sort_parse(request_param(r, "sort"), &f.sort) != TC_OK) {
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
	if (!api_page(r, &f.limit, &f.offset))
		return;
	if (y != NULL && y[0] != '\0') {
		if (!year_value(r, y, true, &f.year_start))
			return;
	} else if ((st = year_active(r->w->db, r->tenant.id, &f.year_start)) == TC_NOT_FOUND)
		f.year_start = 0;	/* no active year yet: every year */
	else if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	if ((items = json_array()) == NULL) {
		response_status(r, TC_INTERNAL);
		return;
	}
	if ((st = group_list(r->w->db, r->tenant.id, &f, list_row, items, &total)) != TC_OK) {
		json_decref(items);
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:o, s:I, s:i, s:i}", "items", items,
	    "total", (json_int_t)total, "limit", (int)f.limit, "offset", (int)f.offset));
}

/* --- GET /api/groups/{id} ------------------------------------------------------------ */

static tc_status
teacher_row(void *arg, uint64_t id, const char *name)
{
	return json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id,
	    "name", name)) == 0 ? TC_OK : TC_INTERNAL;
}

static void
send_group(struct request *r, int status, uint64_t id)
{
	struct group g;
	json_t *out, *teachers = json_array();
	tc_status st;

	if ((st = group_get(r->w->db, r->tenant.id, api_teacher_scope(r), id, &g)) != TC_OK ||
	    (st = group_teachers(r->w->db, r->tenant.id, id, teacher_row, teachers)) != TC_OK) {
		json_decref(teachers);
		response_status(r, st);
		return;
	}
	out = group_json(&g);
	json_object_set_new(out, "teachers", teachers);
	response_json(r, status, out);
}

void
api_group_get(struct request *r)
{
	send_group(r, 200, r->ids[0]);
}

/* --- POST /api/groups, PATCH /api/groups/{id} -------------------------------------- */

struct group_body {
	char		 name[TC_GROUP_NAME_MAX + 1];
	bool		 name_given;
	bool		 kind_given, samengesteld;
	const char	*jaargroep;	/* NULL: not given; "": clear */
	const char	*school_year;
};

static bool
group_body_read(struct request *r, struct group_body *b, bool create)
{
	static const char *const allowed_create[] = { "name", "kind", "jaargroep",
	    "school_year", NULL };
	static const char *const allowed_update[] = { "name", "kind", "jaargroep", NULL };
	const char *v;
	bool given;
	json_t *j;

	memset(b, 0, sizeof(*b));
	if (!api_body_only(r, create ? allowed_create : allowed_update))
		return false;
	if (!api_string(r, "name", false, &v, &given) || (create && !given) ||
	    (given && group_name_normalize(v, b->name, sizeof(b->name), TC_GROUP_NAME_MAX) != TC_OK)) {
		api_invalid(r, "name", "Vul een naam in van hoogstens 200 tekens.");
		return false;
	}
	b->name_given = given;
	if (!api_string(r, "kind", false, &v, &given) ||
	    (given && group_kind_parse(v, &b->samengesteld) != TC_OK) ||
	    (given && v[0] == '\0')) {
		api_invalid(r, "kind", "Soort is stamgroep of samengesteld.");
		return false;
	}
	b->kind_given = given;
	j = json_object_get(r->body, "jaargroep");
	if (j != NULL) {
		if (json_is_null(j))
			b->jaargroep = "";
		else if (json_is_string(j) && (json_string_value(j)[0] == '\0' ||
		    student_jaargroep_valid(json_string_value(j))))
			b->jaargroep = json_string_value(j);
		else {
			api_invalid(r, "jaargroep", "De jaargroep is een getal van 1 tot en met 8.");
			return false;
		}
	}
	if (!api_string(r, "school_year", false, &b->school_year, &given)) {
		api_invalid(r, "school_year", "Schrijf het schooljaar als 2025-2026.");
		return false;
	}
	if (!create && !b->name_given && !b->kind_given && b->jaargroep == NULL) {
		api_invalid(r, "name", "Er is niets om te wijzigen.");
		return false;
	}
	return true;
}

void
api_groups_create(struct request *r)
{
	struct group_body b;
	int year;
	uint64_t id;
	tc_status st;

	if (!group_body_read(r, &b, true))
		return;
	if (b.school_year != NULL) {
		if (!year_value(r, b.school_year, false, &year))
			return;
	} else if ((st = year_active(r->w->db, r->tenant.id, &year)) != TC_OK) {
		if (st == TC_NOT_FOUND)
			response_error(r, 409, "no_active_year", "Deze school heeft nog geen actief "
			    "schooljaar: kies het schooljaar van de groep.");
		else
			response_status(r, st);
		return;
	}
	st = group_create(r->w->db, r->tenant.id, r->session.user_id, year, b.name,
	    b.samengesteld, b.jaargroep, &id);
	if (st == TC_CONFLICT) {
		response_error_with(r, 409, "name_taken", "Er is al een groep met deze naam in dit "
		    "schooljaar.", json_pack("{s:s}", "field", "name"));
		return;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	send_group(r, 201, id);
}

static bool
group_rule(struct request *r, tc_status st, const char *rule)
{
	if (st != TC_CONFLICT || rule == NULL)
		return false;
	if (strcmp(rule, "group_deactivated") == 0)
		response_error(r, 409, "group_deactivated", "Deze groep is gedeactiveerd. "
		    "Heractiveer de groep eerst.");
	else if (strcmp(rule, "name_taken") == 0)
		response_error_with(r, 409, "name_taken", "Er is al een groep met deze naam in dit "
		    "schooljaar.", json_pack("{s:s}", "field", "name"));
	else
		return false;
	return true;
}

void
api_group_update(struct request *r)
{
	struct group_body b;
	const char *rule;
	tc_status st;

	if (!group_body_read(r, &b, false))
		return;
	st = group_update(r->w->db, r->tenant.id, r->session.user_id, r->ids[0],
	    b.name_given ? b.name : NULL, b.kind_given, b.samengesteld, b.jaargroep, &rule);
	if (group_rule(r, st, rule))
		return;
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	send_group(r, 200, r->ids[0]);
}

/* --- pupils and teachers of a group ------------------------------------------------------ */

static void
set_students(struct request *r, bool add)
{
	static const char *const allowed[] = { "ids", NULL };
	struct idlist ids, offending;
	const char *rule;
	uint64_t changed = 0;
	tc_status st;

	if (!api_body_only(r, allowed) || !api_ids(r, "ids", &ids))
		return;
	st = group_set_students(r->w->db, r->tenant.id, r->session.user_id, r->ids[0], &ids, add,
	    &changed, &offending, &rule);
	if (st == TC_NOT_FOUND && offending.n > 0) {
		api_offending(r, 404, "not_found", "Niet elke leerling is gevonden; er is niets "
		    "gewijzigd.", &offending);
		return;
	}
	if (st == TC_CONFLICT && rule != NULL && strcmp(rule, "student_deactivated") == 0) {
		api_offending(r, 409, "student_deactivated", "Gedeactiveerde leerlingen kunnen niet "
		    "in of uit een groep; er is niets gewijzigd.", &offending);
		return;
	}
	if (group_rule(r, st, rule))
		return;
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:I}", "changed", (json_int_t)changed));
}

void
api_group_students_add(struct request *r)
{
	set_students(r, true);
}

void
api_group_students_remove(struct request *r)
{
	set_students(r, false);
}

static void
set_teachers(struct request *r, bool add)
{
	static const char *const allowed[] = { "ids", NULL };
	struct idlist ids, offending;
	uint64_t changed = 0;
	tc_status st;

	if (!api_body_only(r, allowed) || !api_ids(r, "ids", &ids))
		return;
	st = group_set_teachers(r->w->db, r->tenant.id, r->session.user_id, r->ids[0], &ids, add,
	    &changed, &offending);
	api_bulk_answer(r, st, "leerkracht", "leerkrachten", "gewijzigd", &offending,
	    json_pack("{s:I}", "changed", (json_int_t)changed));
}

void
api_group_teachers_add(struct request *r)
{
	set_teachers(r, true);
}

void
api_group_teachers_remove(struct request *r)
{
	set_teachers(r, false);
}

/* --- bulk -------------------------------------------------------------------------------- */

static const struct api_set groups = { &group_set, "groep", "groepen" };

static void
set_active(struct request *r, bool active)
{
	static const char *const allowed[] = { "ids", "school_year", NULL };
	struct idlist ids;
	json_t *sy = json_object_get(r->body, "school_year");
	uint64_t changed = 0;
	int year;
	tc_status st;

	if (!api_body_only(r, allowed))
		return;
	if (sy != NULL) {
		if (!active && json_object_get(r->body, "ids") != NULL) {
			api_invalid(r, "school_year", "Kies groepen of een schooljaar, niet allebei.");
			return;
		}
		if (active || !json_is_string(sy)) {
			api_invalid(r, "school_year", active ? "Heractiveer groepen per groep." :
			    "Schrijf het schooljaar als 2025-2026.");
			return;
		}
		if (!year_value(r, json_string_value(sy), false, &year))
			return;
		if ((st = group_deactivate_year(r->w->db, r->tenant.id, r->session.user_id, year,
		    &changed)) != TC_OK) {
			response_status(r, st);
			return;
		}
		response_json(r, 200, json_pack("{s:I}", "changed", (json_int_t)changed));
		return;
	}
	if (api_ids(r, "ids", &ids))
		api_set_active(r, &groups, &ids, active);
}

void
api_groups_deactivate(struct request *r)
{
	set_active(r, false);
}

void
api_groups_reactivate(struct request *r)
{
	set_active(r, true);
}

void
api_groups_delete(struct request *r)
{
	api_set_delete(r, &groups);
}
