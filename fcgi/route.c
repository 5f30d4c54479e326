/* route.c - the table of every route, and the checks before a handler. */
#include "route.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "api.h"
#include "resolve.h"
#include "response.h"

static const struct route routes[] = {
	{ "GET",    "/healthz",        api_healthz,         AUTH_NONE,    false, ANSWER_NONE },
	{ "GET",    "/readyz",         api_readyz,          AUTH_NONE,    false, ANSWER_NONE },
	{ "GET",    "/metrics",        api_metrics,         AUTH_NONE,    false, ANSWER_NONE },
	{ "POST",   "/api/session",    api_session_create,  AUTH_SCHOOL,  true, ANSWER_STALE },
	{ "DELETE", "/api/session",    api_session_delete,  AUTH_SESSION, false, ANSWER_NONE },
	{ "GET",    "/api/me",         api_me,              AUTH_SESSION, false, ANSWER_NONE },
	{ "POST",   "/api/password-reset",         api_password_reset,         AUTH_SCHOOL, true, ANSWER_NONE },
	{ "POST",   "/api/password-reset/confirm", api_password_reset_confirm, AUTH_SCHOOL, true, ANSWER_STALE },
	{ "GET",    "/api/support",                api_support,                AUTH_SCHOOL, false, ANSWER_NONE },
	/* Roster: pupils, groups, teachers, tests, audit (api_*.c). */
	{ "GET",    "/api/students",            api_students_list,       AUTH_SESSION, false, ANSWER_CACHED },
	{ "POST",   "/api/students",            api_students_create,     AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/students/deactivate", api_students_deactivate, AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/students/reactivate", api_students_reactivate, AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/students/delete",     api_students_delete,     AUTH_ADMIN,   true, ANSWER_STALE },
	{ "GET",    "/api/students/{id}",       api_student_get,         AUTH_SESSION, false, ANSWER_NONE },
	{ "PATCH",  "/api/students/{id}",       api_student_update,      AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/students/{id}/test-administrations", api_student_test_add, AUTH_ADMIN, true, ANSWER_STALE },
	{ "GET",    "/api/tests",               api_tests_list,          AUTH_SESSION, false, ANSWER_NONE },
	{ "GET",    "/api/groups",              api_groups_list,         AUTH_SESSION, false, ANSWER_CACHED },
	{ "POST",   "/api/groups",              api_groups_create,       AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/groups/deactivate",   api_groups_deactivate,   AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/groups/reactivate",   api_groups_reactivate,   AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/groups/delete",       api_groups_delete,       AUTH_ADMIN,   true, ANSWER_STALE },
	{ "GET",    "/api/groups/{id}",         api_group_get,           AUTH_SESSION, false, ANSWER_NONE },
	{ "PATCH",  "/api/groups/{id}",         api_group_update,        AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/groups/{id}/students", api_group_students_add, AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/groups/{id}/students/remove", api_group_students_remove, AUTH_ADMIN, true, ANSWER_STALE },
	{ "POST",   "/api/groups/{id}/teachers", api_group_teachers_add, AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/groups/{id}/teachers/remove", api_group_teachers_remove, AUTH_ADMIN, true, ANSWER_STALE },
	{ "GET",    "/api/teachers",            api_teachers_list,       AUTH_ADMIN,   false, ANSWER_CACHED },
	{ "GET",    "/api/audit",               api_audit_list,          AUTH_ADMIN,   false, ANSWER_CACHED },
	/* The school year and its import (api_imports.c).  A change of an
	 * import's state or choices bumps in core/year/import.c; only the
	 * routes that also write the audit log are ANSWER_STALE. */
	{ "GET",    "/api/school-year",             api_school_year,       AUTH_SESSION, false, ANSWER_NONE },
	{ "POST",   "/api/imports",                 api_import_create,     AUTH_ADMIN,   true, ANSWER_STALE },
	{ "POST",   "/api/imports/file",            api_import_upload,     AUTH_ADMIN,   false, ANSWER_STALE },
	{ "GET",    "/api/imports/current",         api_import_current,    AUTH_ADMIN,   false, ANSWER_NONE },
	{ "GET",    "/api/sync",                    api_sync_points,       AUTH_ADMIN,   false, ANSWER_NONE },
	{ "POST",   "/api/sync/dismiss",            api_sync_dismiss,      AUTH_ADMIN,   true, ANSWER_STALE },
	{ "GET",    "/api/imports/{id}",            api_import_get,        AUTH_ADMIN,   false, ANSWER_NONE },
	{ "DELETE", "/api/imports/{id}",            api_import_cancel,     AUTH_ADMIN,   false, ANSWER_STALE },
	{ "GET",    "/api/imports/{id}/records",    api_import_records,    AUTH_ADMIN,   false, ANSWER_CACHED_IMPORT },
	{ "PUT",    "/api/imports/{id}/decisions",  api_import_decisions,  AUTH_ADMIN,   true, ANSWER_NONE },
	{ "GET",    "/api/imports/{id}/summary",    api_import_summary,    AUTH_ADMIN,   false, ANSWER_NONE },
	{ "POST",   "/api/imports/{id}/apply",      api_import_apply,      AUTH_ADMIN,   false, ANSWER_NONE },
	{ "POST",   "/api/imports/{id}/retry",      api_import_retry,      AUTH_ADMIN,   false, ANSWER_NONE },
};

const struct route *
route_table(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

/* A positive decimal id of at most 18 digits. */
static bool
parse_id(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 18 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

bool
route_match(const char *pattern, const char *path, uint64_t *ids, size_t *nids)
{
	const char *p = pattern, *q = path;

	*nids = 0;
	while (*p != '\0' && *q != '\0') {
		if (strncmp(p, "{id}", 4) == 0) {
			size_t n = strcspn(q, "/");

			if (*nids == TC_ROUTE_ARGS_MAX || !parse_id(q, n, &ids[*nids]))
				return false;
			(*nids)++;
			p += 4;
			q += n;
			continue;
		}
		if (*p != *q)
			return false;
		p++;
		q++;
	}
	return *p == '\0' && *q == '\0';
}

static bool
is_change(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static bool
csrf_ok(const struct request *r)
{
	return strlen(r->csrf_header) == TC_TOKEN_HEX &&
	    sodium_memcmp(r->csrf_header, r->session.csrf, TC_TOKEN_HEX) == 0;
}

static bool
json_content_type(const char *ct)
{
	return strncmp(ct, "application/json", 16) == 0 && (ct[16] == '\0' || ct[16] == ';');
}

/* Resolves the school and the session; sends the error and returns false. */
static bool
dispatch_auth(struct request *r, const struct route *rt)
{
	struct worker *w = r->w;
	redisReply *hit;
	const char *body;
	size_t len;
	tc_status st;

	if (rt->auth == AUTH_NONE)
		return true;
	st = resolve_host(w->tenants, w->db, w->kv, r->host, &r->tenant);
	if (st == TC_NOT_FOUND) {
		response_error(r, 404, "unknown_school", "Deze school is hier niet bekend.");
		return false;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return false;
	}
	r->has_tenant = true;
	r->log.tenant = r->tenant.slug;
	if (rt->auth == AUTH_SCHOOL)
		return true;
	if (r->session_token == NULL) {
		response_error(r, 401, "not_logged_in", "U bent niet (meer) ingelogd.");
		return false;
	}
	st = answer_session(r, rt->answers, &hit, &body, &len);
	if (st == TC_NOT_FOUND) {
		response_error(r, 401, "not_logged_in", "U bent niet (meer) ingelogd.");
		return false;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return false;
	}
	r->has_session = true;
	if (hit != NULL) {
		/* An administrator's current answer: the role needs no check. */
		response_text(r, 200, "application/json; charset=utf-8", body, len);
		freeReplyObject(hit);
		return false;
	}
	if (rt->auth == AUTH_ADMIN && strcmp(r->session.role, "admin") != 0) {
		response_error(r, 403, "forbidden", "Alleen een beheerder mag dit doen.");
		return false;
	}
	if (is_change(r->method) && !csrf_ok(r)) {
		response_error(r, 403, "csrf", "De beveiligingscode ontbreekt of klopt niet. "
		    "Laad de pagina opnieuw.");
		return false;
	}
	return true;
}

static bool
dispatch_body(struct request *r)
{
	tc_status st;

	if (!json_content_type(r->content_type)) {
		response_error(r, 415, "unsupported_media_type",
		    "Stuur de gegevens als JSON (application/json).");
		return false;
	}
	if ((st = request_read_json(r)) == TC_OK)
		return true;
	if (st == TC_TOO_LARGE)
		response_error(r, 413, "too_large", "Het verzoek is te groot.");
	else if (st == TC_INVALID)
		response_error(r, 400, "invalid_json", "Het verzoek is geen geldig JSON-object.");
	else
		response_status(r, st);
	return false;
}

void
route_dispatch(struct request *r)
{
	const struct route *rt = NULL;
	bool path_known = false;
	uint64_t ids[TC_ROUTE_ARGS_MAX];
	size_t nids;
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!route_match(routes[i].pattern, r->path, ids, &nids))
			continue;
		path_known = true;
		if (strcmp(routes[i].method, method) == 0) {
			rt = &routes[i];
			memcpy(r->ids, ids, sizeof(ids));
			break;
		}
	}
	if (rt == NULL) {
		if (path_known)
			response_error(r, 405, "method_not_allowed",
			    "Deze handeling is hier niet toegestaan.");
		else
			response_error(r, 404, "not_found", "Niet gevonden.");
		return;
	}
	r->route = rt->pattern;
	if (!dispatch_auth(r, rt))
		return;
	if (rt->body && !dispatch_body(r))
		return;
	/* A handler that changes records answers after its COMMIT: the
	 * school's cached answers are marked stale before that answer. */
	r->answer.changed = rt->answers == ANSWER_STALE;
	rt->fn(r);
	if (!r->responded)
		response_status(r, TC_INTERNAL);
}
