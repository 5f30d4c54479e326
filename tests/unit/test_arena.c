/* test_arena.c - the request arena: allocation, big blocks, cleanup hooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

static void
count(void *p)
{
	(*(int *)p)++;
}

static void
alloc_and_hooks(void **state)
{
	struct arena *a = arena_new();
	int calls = 0;
	char *s, *big;

	(void)state;
	assert_non_null(a);
	s = arena_strdup(a, "hallo");
	assert_string_equal(s, "hallo");
	assert_int_equal((uintptr_t)arena_alloc(a, 3) % _Alignof(max_align_t), 0);
	big = arena_alloc(a, 100000);
	assert_non_null(big);
	memset(big, 1, 100000);
	assert_string_equal(arena_printf(a, "%d-%s", 42, "x"), "42-x");
	arena_defer(a, count, &calls);
	arena_defer(a, count, &calls);
	arena_reset(a);
	assert_int_equal(calls, 2);
	arena_defer(a, count, &calls);
	arena_free(a);
	assert_int_equal(calls, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alloc_and_hooks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
