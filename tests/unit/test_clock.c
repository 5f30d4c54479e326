/* test_clock.c - Europe/Amsterdam days and midnights around the summer-time
 * switches, through the time zone database (needs the tzdata package). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <time.h>

#include <stdlib.h>

#include "clock.h"

static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	    .tm_min = mi };

	return timegm(&tm);
}

/* The local hour of an instant: +1 in winter, +2 in summer. */
static int
hour(time_t t)
{
	struct civil_date d;
	int h;

	clock_local(t, &d, &h, NULL);
	return h;
}

static void
dst(void **state)
{
	(void)state;
	/* 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC. */
	assert_int_equal(hour(utc(2026, 3, 29, 0, 59)), 1);
	assert_int_equal(hour(utc(2026, 3, 29, 1, 0)), 3);
	assert_int_equal(hour(utc(2026, 7, 1, 12, 0)), 14);
	assert_int_equal(hour(utc(2026, 10, 25, 0, 59)), 2);
	assert_int_equal(hour(utc(2026, 10, 25, 1, 0)), 2);
	assert_int_equal(hour(utc(2026, 1, 15, 12, 0)), 13);
	/* 2027: 28 March and 31 October. */
	assert_int_equal(hour(utc(2027, 3, 28, 1, 0)), 3);
	assert_int_equal(hour(utc(2027, 10, 31, 0, 30)), 2);
	assert_int_equal(hour(utc(2027, 10, 31, 1, 30)), 2);
	assert_int_equal(hour(utc(2027, 10, 31, 2, 30)), 3);
}

static void
dates_and_midnights(void **state)
{
	struct civil_date d;

	(void)state;
	clock_local(utc(2026, 7, 31, 22, 30), &d, NULL, NULL);	/* 00:30 CEST on 1 August */
	assert_int_equal(d.year, 2026);
	assert_int_equal(d.month, 8);
	assert_int_equal(d.day, 1);
	clock_local(utc(2026, 12, 31, 22, 59), &d, NULL, NULL);	/* 23:59 CET */
	assert_int_equal(d.month, 12);
	assert_int_equal(d.day, 31);
	clock_local(utc(2026, 12, 31, 23, 0), &d, NULL, NULL);	/* 00:00 CET, new year */
	assert_int_equal(d.year, 2027);
	assert_int_equal(d.day, 1);
	assert_true(clock_local_midnight((struct civil_date){ 2026, 1, 15 }) == utc(2026, 1, 14, 23, 0));
	assert_true(clock_local_midnight((struct civil_date){ 2026, 7, 1 }) == utc(2026, 6, 30, 22, 0));
	/* The switch days: midnight is before the switch. */
	assert_true(clock_local_midnight((struct civil_date){ 2026, 3, 29 }) == utc(2026, 3, 28, 23, 0));
	assert_true(clock_local_midnight((struct civil_date){ 2026, 3, 30 }) == utc(2026, 3, 29, 22, 0));
	assert_true(clock_local_midnight((struct civil_date){ 2026, 10, 25 }) == utc(2026, 10, 24, 22, 0));
	assert_true(clock_local_midnight((struct civil_date){ 2026, 10, 26 }) == utc(2026, 10, 25, 23, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dst),
		cmocka_unit_test(dates_and_midnights),
	};

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
