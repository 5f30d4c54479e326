/*
 * api.h - the handlers of the JSON API, one file per resource.
 * Each handler sees a request whose school, session, role, CSRF token and
 * JSON body the dispatcher has already checked.
 */
#ifndef TC_API_H
#define TC_API_H

#include "idlist.h"
#include "request.h"
#include "rosterset.h"
#include "schoolyear.h"
#include "user.h"

/* api_health.c */
void	api_healthz(struct request *);
void	api_readyz(struct request *);

/* api_metrics.c */
void	api_metrics(struct request *);

/* api_session.c */
void	api_session_create(struct request *);
void	api_session_delete(struct request *);
void	api_me(struct request *);

/* api_password.c */
void	api_password_reset(struct request *);
void	api_password_reset_confirm(struct request *);
void	api_support(struct request *);

/* api_students.c */
void	api_students_list(struct request *);
void	api_students_create(struct request *);
void	api_students_deactivate(struct request *);
void	api_students_reactivate(struct request *);
void	api_students_delete(struct request *);
void	api_student_get(struct request *);
void	api_student_update(struct request *);

/* api_tests.c */
void	api_tests_list(struct request *);
void	api_student_test_add(struct request *);

/* api_groups.c */
void	api_groups_list(struct request *);
void	api_groups_create(struct request *);
void	api_groups_deactivate(struct request *);
void	api_groups_reactivate(struct request *);
void	api_groups_delete(struct request *);
void	api_group_get(struct request *);
void	api_group_update(struct request *);
void	api_group_students_add(struct request *);
void	api_group_students_remove(struct request *);
void	api_group_teachers_add(struct request *);
void	api_group_teachers_remove(struct request *);

/* api_teachers.c */
void	api_teachers_list(struct request *);

/* api_audit.c */
void	api_audit_list(struct request *);

/* api_imports.c: the school year and its import */
void	api_school_year(struct request *);
void	api_import_create(struct request *);
void	api_import_upload(struct request *);
void	api_import_current(struct request *);
void	api_sync_points(struct request *);
void	api_sync_dismiss(struct request *);
void	api_import_get(struct request *);
void	api_import_cancel(struct request *);
void	api_import_records(struct request *);
void	api_import_decisions(struct request *);
void	api_import_summary(struct request *);
void	api_import_apply(struct request *);
void	api_import_retry(struct request *);

/* Helpers of the roster handlers (api_roster.c).  Each one that returns
 * false has sent the error response. */

/* 400 {"error":{"code":"invalid","message":message,"field":field}}. */
void	api_invalid(struct request *, const char *field, const char *message);

/* An error that names the offending ids: {"error":{..., "ids":[...]}}. */
void	api_offending(struct request *, int status, const char *code, const char *message,
	    const struct idlist *ids);

/* The answer of a bulk change of records (one = "leerling", many =
 * "leerlingen"; done = "gewijzigd" or "verwijderd"): with offending ids,
 * TC_NOT_FOUND is 404 not_found and TC_CONFLICT 409 not_deactivated, each
 * naming them; another failure is its status; TC_OK 200 with ok.  Takes ok
 * (NULL is a 500), also when it is not sent. */
void	api_bulk_answer(struct request *, tc_status, const char *one, const char *many,
	    const char *done, const struct idlist *offending, json_t *ok);

/* Pupils or groups as a set (rosterset.h), with the words of the answers:
 * one = "leerling", many = "leerlingen". */
struct api_set {
	const struct rosterset_kind	*kind;
	const char			*one, *many;
};

/* Archives (active = false) or reactivates the set's ids and answers
 * {"changed", "requested"}, or names the ids not found (api_bulk_answer). */
void	api_set_active(struct request *, const struct api_set *, const struct idlist *ids,
	    bool active);

/* The body {"ids": [...], "confirm": true}: deletes those of the set for
 * good and answers {"deleted"}, or names the offending ids. */
void	api_set_delete(struct request *, const struct api_set *);

/* A JSON array of the ids (new reference). */
json_t	*api_idlist_json(const struct idlist *);

/* A JSON string, or null for NULL and "". */
json_t	*api_str_or_null(const char *s);

/* 0 for an administrator; the user id of a teacher (who sees only its groups). */
uint64_t api_teacher_scope(const struct request *);

/* Today in Europe/Amsterdam on the deployment's clock (clock.h). */
struct civil_date api_today(struct request *);

/* limit= (1..200, default 50) and offset= (default 0). */
bool	api_page(struct request *, unsigned *limit, unsigned *offset);

/* An optional id query parameter (0 when absent). */
bool	api_id_param(struct request *, const char *name, uint64_t *out);

/* The body member key: an array of 1..10,000 positive integers, normalized
 * (sorted, unique).  Malformed members are named in the 400 answer. */
bool	api_ids(struct request *, const char *key, struct idlist *out);

/* The body has "confirm": true; else 400 confirm_required. */
bool	api_confirm(struct request *);

/* Body member key as a string (*out NULL when absent, or null and nullable).
 * False when it is there but not a string without NUL bytes (no response). */
bool	api_string(struct request *, const char *key, bool nullable, const char **out,
	    bool *given);

/* Helpers shared by the handlers (api_session.c). */

/* {"id":..,"email":..,"name":..,"role":..} of the session's user, or NULL. */
json_t	*api_user_json(const struct user *);

/* Rejects a body with members other than the allowed (NULL-terminated) ones:
 * sends 400 unknown_field and returns false. */
bool	api_body_only(struct request *, const char *const *allowed);

#endif
