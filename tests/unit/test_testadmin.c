/* test_testadmin.c - test codes, levels and dates of administrations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testadmin.h"

static void
codes_and_levels(void **state)
{
	(void)state;
	assert_true(testadmin_code_valid("REK-M"));
	assert_true(testadmin_code_valid("DT"));
	assert_false(testadmin_code_valid("rek-m"));
	assert_false(testadmin_code_valid(""));
	assert_false(testadmin_code_valid("A B"));
	assert_false(testadmin_code_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));	/* 33 */
	assert_false(testadmin_code_valid(NULL));
	assert_true(testadmin_level_valid("1F"));
	assert_true(testadmin_level_valid("IV"));
	assert_true(testadmin_level_valid("A+"));
	assert_false(testadmin_level_valid(""));
	assert_false(testadmin_level_valid("123456789"));
	assert_false(testadmin_level_valid("1 F"));
	assert_false(testadmin_level_valid("<"));
}

static void
dates(void **state)
{
	struct civil_date today = { 2026, 1, 31 };

	(void)state;
	assert_int_equal(testadmin_date_check("2026-01-31", today), TC_OK);
	assert_int_equal(testadmin_date_check("2026-02-01", today), TC_INVALID);
	assert_int_equal(testadmin_date_check("2000-01-01", today), TC_OK);
	assert_int_equal(testadmin_date_check("1999-12-31", today), TC_INVALID);
	assert_int_equal(testadmin_date_check("2025-02-29", today), TC_INVALID);
	assert_int_equal(testadmin_date_check("2025-1-1", today), TC_INVALID);
	assert_int_equal(testadmin_date_check(NULL, today), TC_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_and_levels),
		cmocka_unit_test(dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
