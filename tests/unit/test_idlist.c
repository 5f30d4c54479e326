/* test_idlist.c - id lists of the bulk calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "idlist.h"
#include "limits.h"

static void
normalize_and_text(void **state)
{
	struct arena *a = arena_new();
	struct idlist l;
	const uint64_t in[] = { 5, 3, 5, 18446744073709551615ULL, 1, 3 };

	(void)state;
	idlist_init(&l, a);
	assert_string_equal(idlist_json(&l), "[]");
	assert_string_equal(idlist_csv(&l), "");
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		assert_int_equal(idlist_add(&l, in[i]), TC_OK);
	idlist_normalize(&l);
	assert_int_equal(l.n, 4);
	assert_string_equal(idlist_json(&l), "[1,3,5,18446744073709551615]");
	assert_string_equal(idlist_csv(&l), "1,3,5,18446744073709551615");
	assert_true(idlist_contains(&l, 3));
	assert_false(idlist_contains(&l, 4));
	arena_free(a);
}

static void
limit(void **state)
{
	struct arena *a = arena_new();
	struct idlist l;
	char *json;

	(void)state;
	idlist_init(&l, a);
	for (uint64_t i = 0; i < TC_BULK_IDS_MAX; i++)
		assert_int_equal(idlist_add(&l, TC_BULK_IDS_MAX - i), TC_OK);
	assert_int_equal(idlist_add(&l, 1), TC_TOO_LARGE);
	idlist_normalize(&l);
	assert_int_equal(l.v[0], 1);
	assert_int_equal(l.v[l.n - 1], TC_BULK_IDS_MAX);
	json = idlist_json(&l);
	assert_non_null(json);
	assert_int_equal(strncmp(json, "[1,2,3,", 7), 0);
	assert_int_equal(json[strlen(json) - 1], ']');
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize_and_text),
		cmocka_unit_test(limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
