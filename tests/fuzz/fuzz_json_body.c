/*
 * fuzz_json_body.c - libFuzzer target: a JSON request body as tc-fcgi reads
 * it (json_loadb with JSON_REJECT_DUPLICATES, one object), then the body
 * checks that every handler runs before it touches a database: the allowed
 * members of each route (api_body_only), "ids" (api_ids), "confirm"
 * (api_confirm), string members (api_string) and the field validators of
 * pupils and groups.  Error answers go to a FastCGI stream on /dev/null.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <fastcgi.h>
#include <jansson.h>

#include "api.h"
#include "group.h"
#include "student.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The allowed members of the routes with a body (fcgi/api_*.c). */
static const char *const allowed_student[] = { "achternaam", "voorvoegsel", "roepnaam",
	"geboortedatum", "jaargroep", NULL };
static const char *const allowed_ids[] = { "ids", NULL };
static const char *const allowed_delete[] = { "ids", "confirm", NULL };
static const char *const allowed_group[] = { "name", "kind", "jaargroep", NULL };
static const char *const allowed_login[] = { "email", "password", NULL };
static const char *const allowed_reset[] = { "token", "password", NULL };
static const char *const allowed_year[] = { "school_year", NULL };
static const char *const allowed_decisions[] = { "decisions", NULL };
static const char *const allowed_test[] = { "test", "date", "score", NULL };
static const char *const *const lists[] = { allowed_student, allowed_ids, allowed_delete,
	allowed_group, allowed_login, allowed_reset, allowed_year, allowed_decisions, allowed_test };

static const char *const strings[] = { "achternaam", "voorvoegsel", "roepnaam",
	"geboortedatum", "jaargroep", "name", "kind", "email", "password", "token",
	"school_year", "test", "date" };

static FCGX_Stream *sink;	/* error answers: /dev/null, kept for the run */

static void
again(struct request *r)
{
	r->responded = false;
	r->status = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request r;
	FCGX_Request fx;
	struct arena *a;
	json_error_t jerr;
	json_t *body;
	struct idlist ids;
	char out[1024];
	struct civil_date today = { 2026, 3, 1 };

	if (sink == NULL)
		sink = FCGX_CreateWriter(open("/dev/null", O_WRONLY), 1, 8192, FCGI_STDOUT);
	body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (body == NULL)
		return 0;
	if (!json_is_object(body)) {
		json_decref(body);
		return 0;
	}
	if ((a = arena_new()) == NULL) {
		json_decref(body);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	memset(&fx, 0, sizeof(fx));
	fx.out = sink;
	r.fcgx = &fx;
	r.arena = a;
	r.method = "POST";
	r.path = "/api/fuzz";
	r.body = body;
	strcpy(r.reqid, "fuzz");

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		again(&r);
		(void)api_body_only(&r, lists[i]);
	}
	again(&r);
	idlist_init(&ids, a);
	if (api_ids(&r, "ids", &ids))
		(void)idlist_json(&ids);
	again(&r);
	(void)api_confirm(&r);
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		const char *s = NULL;
		bool given = false;

		again(&r);
		if (!api_string(&r, strings[i], true, &s, &given) || s == NULL)
			continue;
		(void)student_name_normalize(s, out, sizeof(out), TC_NAME_MAX);
		(void)student_text_valid(s);
		(void)student_jaargroep_valid(s);
		(void)student_birthdate_check(s, today);
		(void)group_name_normalize(s, out, sizeof(out), TC_NAME_MAX);
		{
			bool sg;
			(void)group_kind_parse(s, &sg);
		}
	}
	arena_free(a);
	json_decref(body);
	return 0;
}
