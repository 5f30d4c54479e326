/* test_schoolyear.c - school-year arithmetic and the activation window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "schoolyear.h"

static struct civil_date
D(int y, int m, int d)
{
	return (struct civil_date){ y, m, d };
}

static void
year_of_date(void **state)
{
	(void)state;
	assert_int_equal(schoolyear_of(D(2026, 7, 31)), 2025);
	assert_int_equal(schoolyear_of(D(2026, 8, 1)), 2026);
	assert_int_equal(schoolyear_of(D(2027, 1, 1)), 2026);
	assert_int_equal(schoolyear_of(D(2026, 12, 31)), 2026);
}

static void
parse_and_format(void **state)
{
	char buf[16];
	int y = 0;

	(void)state;
	assert_int_equal(schoolyear_parse("2026-2027", &y), TC_OK);
	assert_int_equal(y, 2026);
	assert_int_equal(schoolyear_parse("2026-2028", &y), TC_INVALID);
	assert_int_equal(schoolyear_parse("2026/2027", &y), TC_INVALID);
	assert_int_equal(schoolyear_parse("2026-2027 ", &y), TC_INVALID);
	assert_int_equal(schoolyear_parse("", &y), TC_INVALID);
	assert_int_equal(schoolyear_parse(NULL, &y), TC_INVALID);
	assert_int_equal(schoolyear_parse("1999-2000", &y), TC_INVALID);
	assert_int_equal(schoolyear_parse("20a6-2027", &y), TC_INVALID);
	schoolyear_format(2027, buf, sizeof(buf));
	assert_string_equal(buf, "2027-2028");
}

static void
window(void **state)
{
	(void)state;
	assert_false(schoolyear_can_activate(2027, D(2027, 7, 31)));
	assert_true(schoolyear_can_activate(2027, D(2027, 8, 1)));
	assert_true(schoolyear_can_activate(2027, D(2027, 10, 1)));
	assert_false(schoolyear_can_activate(2027, D(2027, 10, 2)));
	assert_false(schoolyear_overdue(2027, D(2027, 10, 1)));
	assert_true(schoolyear_overdue(2027, D(2027, 10, 2)));
	assert_true(schoolyear_overdue(2027, D(2028, 7, 31)));
	assert_false(schoolyear_overdue(2027, D(2028, 8, 1)));
}

static void
dates(void **state)
{
	struct civil_date d;

	(void)state;
	assert_int_equal(civil_date_parse("2028-02-29", &d), TC_OK);
	assert_int_equal(civil_date_parse("2027-02-29", &d), TC_INVALID);
	assert_int_equal(civil_date_parse("2100-02-29", &d), TC_INVALID);
	assert_int_equal(civil_date_parse("2000-02-29", &d), TC_OK);
	assert_int_equal(civil_date_parse("2027-13-01", &d), TC_INVALID);
	assert_int_equal(civil_date_parse("2027-4-01", &d), TC_INVALID);
	assert_int_equal(civil_date_parse("2027-04-31", &d), TC_INVALID);
	assert_int_equal(civil_date_cmp(D(2027, 1, 2), D(2027, 1, 1)), 1);
	assert_int_equal(civil_date_cmp(D(2027, 1, 1), D(2027, 1, 1)), 0);
	assert_int_equal(civil_date_cmp(D(2026, 12, 31), D(2027, 1, 1)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(year_of_date),
		cmocka_unit_test(parse_and_format),
		cmocka_unit_test(window),
		cmocka_unit_test(dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
