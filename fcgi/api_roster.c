/* api_roster.c - helpers shared by the roster handlers (pupils, groups,
 * teachers, tests, audit): paging, id lists, field errors, teacher scope. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "response.h"

void
api_invalid(struct request *r, const char *field, const char *message)
{
	response_error_with(r, 400, "invalid", message, json_pack("{s:s}", "field", field));
}

void
api_offending(struct request *r, int status, const char *code, const char *message,
    const struct idlist *ids)
{
	response_error_with(r, status, code, message, json_pack("{s:o}", "ids",
	    api_idlist_json(ids)));
}

void
api_bulk_answer(struct request *r, tc_status st, const char *one, const char *many,
    const char *done, const struct idlist *offending, json_t *ok)
{
	char msg[160];

	if ((st == TC_NOT_FOUND || st == TC_CONFLICT) && offending->n > 0) {
		json_decref(ok);
		if (st == TC_NOT_FOUND)
			snprintf(msg, sizeof(msg), "Niet elke %s is gevonden; er is niets %s.", one,
			    done);
		else
			snprintf(msg, sizeof(msg), "Alleen gedeactiveerde %s kunnen verwijderd "
			    "worden; er is niets %s.", many, done);
		api_offending(r, st == TC_NOT_FOUND ? 404 : 409, st == TC_NOT_FOUND ? "not_found" :
		    "not_deactivated", msg, offending);
		return;
	}
	if (st != TC_OK || ok == NULL) {
		json_decref(ok);
		response_status(r, st != TC_OK ? st : TC_INTERNAL);
		return;
	}
	response_json(r, 200, ok);
}

void
api_set_active(struct request *r, const struct api_set *set, const struct idlist *ids,
    bool active)
{
	struct idlist unknown;
	uint64_t changed = 0;
	tc_status st;

	st = rosterset_set_active(r->w->db, set->kind, r->tenant.id, r->session.user_id, ids,
	    active, &changed, &unknown);
	api_bulk_answer(r, st, set->one, set->many, "gewijzigd", &unknown,
	    json_pack("{s:I, s:I}", "changed", (json_int_t)changed, "requested", (json_int_t)ids->n));
}

void
api_set_delete(struct request *r, const struct api_set *set)
{
	static const char *const allowed[] = { "ids", "confirm", NULL };
	struct idlist ids, offending;
	uint64_t deleted = 0;
	tc_status st;

	if (!api_body_only(r, allowed) || !api_ids(r, "ids", &ids) || !api_confirm(r))
		return;
	st = rosterset_delete(r->w->db, r->w->kv, set->kind, r->tenant.id, r->session.user_id,
	    &ids, &deleted, &offending);
	api_bulk_answer(r, st, set->one, set->many, "verwijderd", &offending,
	    json_pack("{s:I}", "deleted", (json_int_t)deleted));
}

json_t *
api_idlist_json(const struct idlist *ids)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < ids->n; i++)
		json_array_append_new(a, json_integer((json_int_t)ids->v[i]));
	return a;
}

json_t *
api_str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

uint64_t
api_teacher_scope(const struct request *r)
{
	return strcmp(r->session.role, "admin") == 0 ? 0 : r->session.user_id;
}

struct civil_date
api_today(struct request *r)
{
	struct civil_date d;

	clock_local(clock_now(&r->w->clock, r->w->kv), &d, NULL, NULL);
	return d;
}

/* A decimal number in [min, max] with no sign, spaces or leading zeros. */
static bool
parse_uint(const char *s, unsigned long long min, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
api_page(struct request *r, unsigned *limit, unsigned *offset)
{
	const char *l = request_param(r, "limit"), *o = request_param(r, "offset");
	unsigned long long v;

	*limit = TC_LIST_LIMIT_DEFAULT;
	*offset = 0;
	if (l != NULL) {
		if (!parse_uint(l, 1, TC_LIST_LIMIT_MAX, &v)) {
			api_invalid(r, "limit", "limit is een getal van 1 tot en met 200.");
			return false;
		}
		*limit = (unsigned)v;
	}
	if (o != NULL) {
		if (!parse_uint(o, 0, 100000000, &v)) {
			api_invalid(r, "offset", "offset is een getal vanaf 0.");
			return false;
		}
		*offset = (unsigned)v;
	}
	return true;
}

bool
api_id_param(struct request *r, const char *name, uint64_t *out)
{
	const char *s = request_param(r, name);
	unsigned long long v;

	*out = 0;
	if (s == NULL || s[0] == '\0')
		return true;
	if (!parse_uint(s, 1, 999999999999999999ULL, &v)) {
		api_invalid(r, name, "Dit is geen geldig nummer.");
		return false;
	}
	*out = v;
	return true;
}

bool
api_ids(struct request *r, const char *key, struct idlist *out)
{
	json_t *a = json_object_get(r->body, key), *v, *bad;
	size_t i;

	idlist_init(out, r->arena);
	if (!json_is_array(a) || json_array_size(a) == 0) {
		api_invalid(r, key, "Kies ten minste één.");
		return false;
	}
	if (json_array_size(a) > TC_BULK_IDS_MAX) {
		api_invalid(r, key, "Kies er hoogstens 10.000 tegelijk.");
		return false;
	}
	if ((bad = json_array()) == NULL) {
		response_status(r, TC_INTERNAL);
		return false;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			json_array_append(bad, v);
			continue;
		}
		if (idlist_add(out, (uint64_t)json_integer_value(v)) != TC_OK) {
			json_decref(bad);
			response_status(r, TC_INTERNAL);
			return false;
		}
	}
	if (json_array_size(bad) > 0) {
		response_error_with(r, 400, "invalid", "Niet elk nummer is geldig.",
		    json_pack("{s:s, s:o}", "field", key, "ids", bad));
		return false;
	}
	json_decref(bad);
	idlist_normalize(out);
	return true;
}

bool
api_confirm(struct request *r)
{
	if (!json_is_true(json_object_get(r->body, "confirm"))) {
		response_error_with(r, 400, "confirm_required",
		    "Bevestig dat u dit definitief wilt verwijderen.",
		    json_pack("{s:s}", "field", "confirm"));
		return false;
	}
	return true;
}

bool
api_string(struct request *r, const char *key, bool nullable, const char **out, bool *given)
{
	json_t *v = json_object_get(r->body, key);

	*out = NULL;
	*given = v != NULL;
	if (v == NULL || (nullable && json_is_null(v)))
		return true;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return false;
	*out = json_string_value(v);
	return true;
}
