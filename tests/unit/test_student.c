/* test_student.c - the pupil field rules: names, jaargroep, birth date,
 * search pattern, sort and status names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "student.h"

static const struct civil_date today = { 2026, 3, 15 };

static void
names_are_normalized(void **state)
{
	char out[TC_ACHTERNAAM_MAX + 1];

	(void)state;
	assert_int_equal(student_name_normalize("  Vries  ", out, sizeof(out), 200), TC_OK);
	assert_string_equal(out, "Vries");
	assert_int_equal(student_name_normalize("van \t der   Meer", out, sizeof(out), 200), TC_OK);
	assert_string_equal(out, "van der Meer");
	assert_int_equal(student_name_normalize("Zoë", out, sizeof(out), 200), TC_OK);
	assert_string_equal(out, "Zoë");
	assert_int_equal(student_name_normalize("'t Hart-Yılmaz Jr.", out, sizeof(out), 200), TC_OK);
	assert_string_equal(out, "'t Hart-Yılmaz Jr.");
	assert_int_equal(student_name_normalize("O\xe2\x80\x99" "Brien", out, sizeof(out), 200), TC_OK);
	assert_int_equal(student_name_normalize("   ", out, sizeof(out), 200), TC_OK);
	assert_string_equal(out, "");
}

static void
bad_names_are_refused(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(student_name_normalize("Jan2", out, sizeof(out), 20), TC_INVALID);
	assert_string_equal(out, "");
	assert_int_equal(student_name_normalize("<b>", out, sizeof(out), 20), TC_INVALID);
	assert_int_equal(student_name_normalize("a\nb", out, sizeof(out), 20), TC_INVALID);
	assert_int_equal(student_name_normalize("a\x7f", out, sizeof(out), 20), TC_INVALID);
	assert_int_equal(student_name_normalize("\xc3", out, sizeof(out), 20), TC_INVALID);	/* cut */
	assert_int_equal(student_name_normalize("\xc0\xaf", out, sizeof(out), 20), TC_INVALID); /* overlong */
	assert_int_equal(student_name_normalize("\xed\xa0\x80", out, sizeof(out), 20), TC_INVALID); /* surrogate */
	assert_int_equal(student_name_normalize("\xc2\x85", out, sizeof(out), 20), TC_INVALID); /* C1 */
	assert_int_equal(student_name_normalize(NULL, out, sizeof(out), 20), TC_INVALID);
	/* Length counts bytes after normalizing: 20 fits, 21 does not. */
	assert_int_equal(student_name_normalize("  aaaaaaaaaaaaaaaaaaaa  ", out, sizeof(out), 20), TC_OK);
	assert_int_equal(student_name_normalize("aaaaaaaaaaaaaaaaaaaaa", out, sizeof(out), 20), TC_INVALID);
	assert_int_equal(student_name_normalize("ëëëëëëëëëëë", out, sizeof(out), 20), TC_INVALID);
}

static void
jaargroep(void **state)
{
	(void)state;
	assert_true(student_jaargroep_valid("1"));
	assert_true(student_jaargroep_valid("8"));
	assert_false(student_jaargroep_valid("0"));
	assert_false(student_jaargroep_valid("9"));
	assert_false(student_jaargroep_valid("10"));
	assert_false(student_jaargroep_valid(""));
	assert_false(student_jaargroep_valid(NULL));
}

static void
birthdate(void **state)
{
	(void)state;
	assert_int_equal(student_birthdate_check("2017-03-04", today), TC_OK);
	assert_int_equal(student_birthdate_check("2026-03-15", today), TC_OK);
	assert_int_equal(student_birthdate_check("2026-03-16", today), TC_INVALID);
	assert_int_equal(student_birthdate_check("1996-03-15", today), TC_OK);
	assert_int_equal(student_birthdate_check("1996-03-14", today), TC_INVALID);
	assert_int_equal(student_birthdate_check("2017-02-29", today), TC_INVALID);
	assert_int_equal(student_birthdate_check("2016-02-29", today), TC_OK);
	assert_int_equal(student_birthdate_check("04-03-2017", today), TC_INVALID);
	assert_int_equal(student_birthdate_check(NULL, today), TC_INVALID);
}

static void
like_pattern(void **state)
{
	char out[2 * TC_SEARCH_MAX + 3];
	char longq[TC_SEARCH_MAX + 2];

	(void)state;
	assert_int_equal(student_like_pattern("zoe", out, sizeof(out)), TC_OK);
	assert_string_equal(out, "%zoe%");
	assert_int_equal(student_like_pattern("50%_a\\b", out, sizeof(out)), TC_OK);
	assert_string_equal(out, "%50\\%\\_a\\\\b%");
	assert_int_equal(student_like_pattern("", out, sizeof(out)), TC_OK);
	assert_string_equal(out, "%%");
	assert_int_equal(student_like_pattern("a\tb", out, sizeof(out)), TC_INVALID);
	memset(longq, 'x', sizeof(longq) - 1);
	longq[sizeof(longq) - 1] = '\0';
	assert_int_equal(student_like_pattern(longq, out, sizeof(out)), TC_INVALID);
	longq[TC_SEARCH_MAX] = '\0';
	assert_int_equal(student_like_pattern(longq, out, sizeof(out)), TC_OK);
	/* Every character escaped still fits the buffer. */
	memset(longq, '%', TC_SEARCH_MAX);
	assert_int_equal(student_like_pattern(longq, out, sizeof(out)), TC_OK);
	assert_int_equal(strlen(out), 2 * TC_SEARCH_MAX + 2);
}

static void
sort_and_status(void **state)
{
	enum student_sort s;
	bool active;

	(void)state;
	assert_int_equal(student_sort_parse(NULL, &s), TC_OK);
	assert_int_equal(s, STUDENT_SORT_ACHTERNAAM);
	assert_int_equal(student_sort_parse("-roepnaam", &s), TC_OK);
	assert_int_equal(s, STUDENT_SORT_ROEPNAAM_DESC);
	assert_int_equal(student_sort_parse("deactivated_at", &s), TC_OK);
	assert_int_equal(s, STUDENT_SORT_DEACTIVATED_AT);
	assert_int_equal(student_sort_parse("-id", &s), TC_OK);
	assert_int_equal(s, STUDENT_SORT_ID_DESC);
	assert_int_equal(student_sort_parse("achternaam;DROP TABLE", &s), TC_INVALID);
	assert_int_equal(student_sort_parse("ACHTERNAAM", &s), TC_INVALID);
	assert_int_equal(student_sort_parse("--id", &s), TC_INVALID);
	assert_int_equal(student_status_parse(NULL, &active), TC_OK);
	assert_true(active);
	assert_int_equal(student_status_parse("deactivated", &active), TC_OK);
	assert_false(active);
	assert_int_equal(student_status_parse("archived", &active), TC_INVALID);
}

static void
text_valid(void **state)
{
	(void)state;
	assert_true(student_text_valid("Groep 3/4 (plus)"));
	assert_true(student_text_valid("Çelik"));
	assert_false(student_text_valid("a\x01"));
	assert_false(student_text_valid("\xff"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_are_normalized),
		cmocka_unit_test(bad_names_are_refused),
		cmocka_unit_test(jaargroep),
		cmocka_unit_test(birthdate),
		cmocka_unit_test(like_pattern),
		cmocka_unit_test(sort_and_status),
		cmocka_unit_test(text_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
