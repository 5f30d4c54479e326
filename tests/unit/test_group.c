/* test_group.c - group names, kinds, sort and status names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "group.h"

static void
names(void **state)
{
	char out[TC_GROUP_NAME_MAX + 1], small[8];

	(void)state;
	assert_int_equal(group_name_normalize("  Groep   3/4 (b) ", out, sizeof(out), 200), TC_OK);
	assert_string_equal(out, "Groep 3/4 (b)");
	assert_int_equal(group_name_normalize("Plusklas – rekenen", out, sizeof(out), 200), TC_OK);
	assert_int_equal(group_name_normalize("", out, sizeof(out), 200), TC_INVALID);
	assert_int_equal(group_name_normalize("   ", out, sizeof(out), 200), TC_INVALID);
	assert_int_equal(group_name_normalize("<script>", out, sizeof(out), 200), TC_INVALID);
	assert_int_equal(group_name_normalize("a\"b", out, sizeof(out), 200), TC_INVALID);
	assert_int_equal(group_name_normalize("a\\b", out, sizeof(out), 200), TC_INVALID);
	assert_int_equal(group_name_normalize("a\nb", out, sizeof(out), 200), TC_INVALID);
	assert_int_equal(group_name_normalize("\xe2\x80", out, sizeof(out), 200), TC_INVALID);
	assert_int_equal(group_name_normalize("1234567", small, sizeof(small), 200), TC_OK);
	assert_int_equal(group_name_normalize("12345678", small, sizeof(small), 200), TC_INVALID);
	assert_int_equal(group_name_normalize("12345", out, sizeof(out), 4), TC_INVALID);
}

static void
kinds(void **state)
{
	bool s = true;

	(void)state;
	assert_int_equal(group_kind_parse(NULL, &s), TC_OK);
	assert_false(s);
	assert_int_equal(group_kind_parse("samengesteld", &s), TC_OK);
	assert_true(s);
	assert_int_equal(group_kind_parse("cluster", &s), TC_INVALID);
	assert_string_equal(group_kind_name(true), "samengesteld");
	assert_string_equal(group_kind_name(false), "stamgroep");
}

static void
sorts_and_status(void **state)
{
	enum group_sort s;
	enum group_status_filter f;

	(void)state;
	assert_int_equal(group_sort_parse("", &s), TC_OK);
	assert_int_equal(s, GROUP_SORT_NAME);
	assert_int_equal(group_sort_parse("-jaargroep", &s), TC_OK);
	assert_int_equal(s, GROUP_SORT_JAARGROEP_DESC);
	assert_int_equal(group_sort_parse("name DESC", &s), TC_INVALID);
	assert_int_equal(group_status_parse(NULL, &f), TC_OK);
	assert_int_equal(f, GROUP_STATUS_ACTIVE);
	assert_int_equal(group_status_parse("all", &f), TC_OK);
	assert_int_equal(f, GROUP_STATUS_ALL);
	assert_int_equal(group_status_parse("deactivated", &f), TC_OK);
	assert_int_equal(f, GROUP_STATUS_DEACTIVATED);
	assert_int_equal(group_status_parse("Active", &f), TC_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(kinds),
		cmocka_unit_test(sorts_and_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
