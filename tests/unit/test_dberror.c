/* test_dberror.c - the database's error texts that reach the logs hold no
 * row values (issue 19): a duplicate ECK-iD, LAS key or e-mail address is
 * logged as its error code and key name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "db.h"

static void
duplicate_keeps_only_the_key_name(void **state)
{
	char buf[160];
	const char *out;

	(void)state;
	out = db_error_loggable(1062, "Duplicate entry '7-1234567890abcdef1234567890abcdef12345678' "
	    "for key 'uq_students_eckid'", buf, sizeof(buf));
	assert_null(strstr(out, "1234567890abcdef"));
	assert_non_null(strstr(out, "uq_students_eckid"));
	out = db_error_loggable(1062, "Duplicate entry '7-jan.jansen@example.org' for key 'uq_users_email'",
	    buf, sizeof(buf));
	assert_null(strstr(out, "jansen"));
	out = db_error_loggable(1062, "Duplicate entry 'LL10101' for key", buf, sizeof(buf));
	assert_null(strstr(out, "LL10101"));
}

static void
wrong_value_keeps_only_the_column(void **state)
{
	char buf[160];
	const char *out;

	(void)state;
	out = db_error_loggable(1292, "Incorrect date value: '2015-02-30 Jansen' for column "
	    "`testcentrum`.`students`.`geboortedatum` at row 1", buf, sizeof(buf));
	assert_null(strstr(out, "Jansen"));
	assert_non_null(strstr(out, "geboortedatum"));
	out = db_error_loggable(1366, "Incorrect string value: '\\xF0\\x9F' for column 'achternaam'",
	    buf, sizeof(buf));
	assert_null(strstr(out, "xF0"));
	out = db_error_loggable(1366, NULL, buf, sizeof(buf));
	assert_non_null(out);
}

static void
other_texts_pass(void **state)
{
	char buf[160];

	(void)state;
	assert_string_equal(db_error_loggable(1146, "Table 'testcentrum.x' doesn't exist", buf,
	    sizeof(buf)), "Table 'testcentrum.x' doesn't exist");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(duplicate_keeps_only_the_key_name),
		cmocka_unit_test(wrong_value_keeps_only_the_column),
		cmocka_unit_test(other_texts_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
