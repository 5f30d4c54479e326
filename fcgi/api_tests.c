/* api_tests.c - the test catalogue and adding a test administration
 * (toetsafname) to a pupil. */
#include "api.h"

#include <string.h>

#include "response.h"
#include "testadmin.h"

static tc_status
catalogue_row(void *arg, const struct testadmin_test *t)
{
	json_t *item = json_pack("{s:s, s:s, s:s, s:i}", "code", t->code, "name", t->name,
	    "subject", t->subject, "max_score", t->max_score);

	return json_array_append_new(arg, item) == 0 ? TC_OK : TC_INTERNAL;
}

void
api_tests_list(struct request *r)
{
	json_t *items = json_array();
	tc_status st;

	if ((st = testadmin_catalogue(r->w->db, catalogue_row, items)) != TC_OK) {
		json_decref(items);
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:o}", "items", items));
}

void
api_student_test_add(struct request *r)
{
	static const char *const allowed[] = { "test", "date", "score", "level", NULL };
	const char *code, *date, *level, *field, *rule;
	json_t *score;
	bool given;
	uint64_t id;
	tc_status st;

	if (!api_body_only(r, allowed))
		return;
	if (!api_string(r, "test", false, &code, &given) || !testadmin_code_valid(code)) {
		api_invalid(r, "test", "Kies een toets uit de lijst.");
		return;
	}
	if (!api_string(r, "date", false, &date, &given) ||
	    testadmin_date_check(date, api_today(r)) != TC_OK) {
		api_invalid(r, "date", "Vul een geldige datum in (JJJJ-MM-DD), niet in de toekomst.");
		return;
	}
	score = json_object_get(r->body, "score");
	if (!json_is_integer(score) || json_integer_value(score) < 0 ||
	    json_integer_value(score) > 100000) {
		api_invalid(r, "score", "De score is een geheel getal vanaf 0.");
		return;
	}
	if (!api_string(r, "level", true, &level, &given) ||
	    (level != NULL && level[0] != '\0' && !testadmin_level_valid(level))) {
		api_invalid(r, "level", "Het niveau bestaat uit hoogstens 8 letters, cijfers, + of -.");
		return;
	}
	if (level != NULL && level[0] == '\0')
		level = NULL;
	st = testadmin_add(r->w->db, r->tenant.id, r->session.user_id, r->ids[0], code, date,
	    (int)json_integer_value(score), level, &id, &field, &rule);
	if (st == TC_INVALID && field != NULL) {
		if (strcmp(field, "test") == 0)
			api_invalid(r, "test", "Deze toets staat niet in de lijst.");
		else
			api_invalid(r, "score", "De score ligt buiten het bereik van deze toets.");
		return;
	}
	if (st == TC_CONFLICT && rule != NULL) {
		response_error(r, 409, "student_deactivated", "Deze leerling is gedeactiveerd: er "
		    "kan geen toetsafname worden toegevoegd.");
		return;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	response_json(r, 201, json_pack("{s:I, s:I, s:s, s:s, s:i, s:o}", "id", (json_int_t)id,
	    "student_id", (json_int_t)r->ids[0], "test", code, "date", date,
	    "score", (int)json_integer_value(score), "level", api_str_or_null(level)));
}
