/* test_tenant.c - Host resolution input, field validators and key sealing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "secret.h"
#include "tenant.h"

static void
host_normalize(void **state)
{
	char out[TC_HOST_MAX + 1];

	(void)state;
	assert_int_equal(tenant_host_normalize("Regenboog.LOCALHOST:8080", out, sizeof(out)), TC_OK);
	assert_string_equal(out, "regenboog.localhost");
	assert_int_equal(tenant_host_normalize("baken.localhost.", out, sizeof(out)), TC_OK);
	assert_string_equal(out, "baken.localhost");
	assert_int_equal(tenant_host_normalize("", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("a b", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("evil.example/x", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("a..b", out, sizeof(out)), TC_INVALID);
	/* found by fuzz_host: one trailing dot is stripped, two are invalid */
	assert_int_equal(tenant_host_normalize("ueenboom..", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("baken.localhost..:80", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("host:", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("host:80x", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("[::1]:80", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("sch\xc3\xb6ol.nl", out, sizeof(out)), TC_INVALID);
	assert_int_equal(tenant_host_normalize("x", out, 1), TC_INVALID);
}

static void
validators(void **state)
{
	(void)state;
	assert_true(tenant_slug_valid("regenboog"));
	assert_true(tenant_slug_valid("de-regenboog-2"));
	assert_false(tenant_slug_valid("-x"));
	assert_false(tenant_slug_valid("Regenboog"));
	assert_false(tenant_slug_valid("a"));
	assert_false(tenant_slug_valid("a_b"));
	assert_true(tenant_brin_valid("99XP"));
	assert_false(tenant_brin_valid("99xp"));
	assert_false(tenant_brin_valid("9XP"));
	assert_true(tenant_dependancecode_valid("00"));
	assert_false(tenant_dependancecode_valid("0"));
	assert_true(tenant_las_url_valid("https://las.example/uwlr"));
	assert_true(tenant_las_url_valid("http://127.0.0.1:9/uwlr"));
	assert_false(tenant_las_url_valid("ftp://las.example/"));
	assert_false(tenant_las_url_valid("https://las.example/ x"));
	assert_false(tenant_las_url_valid("https://"));
	assert_true(tenant_xsd_valid("2.2"));
	assert_false(tenant_xsd_valid("2.1"));
}

static void
seal_round_trip(void **state)
{
	unsigned char key[32], other[32], sealed[128];
	char out[64];
	size_t len;

	(void)state;
	assert_true(sodium_init() >= 0);
	memset(key, 7, sizeof(key));
	memset(other, 8, sizeof(other));
	assert_int_equal(secret_seal(key, "sleutel-123", 11, sealed, sizeof(sealed), &len), TC_OK);
	assert_int_equal(len, 11 + SECRET_OVERHEAD);
	assert_null(memmem(sealed, len, "sleutel", 7));
	assert_int_equal(secret_open(key, sealed, len, out, sizeof(out)), TC_OK);
	assert_string_equal(out, "sleutel-123");
	assert_int_equal(secret_open(other, sealed, len, out, sizeof(out)), TC_INVALID);
	sealed[len - 1] ^= 1;
	assert_int_equal(secret_open(key, sealed, len, out, sizeof(out)), TC_INVALID);
	assert_int_equal(secret_open(key, sealed, 5, out, sizeof(out)), TC_INVALID);
	assert_int_equal(secret_seal(key, "x", 1, sealed, 10, &len), TC_TOO_LARGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_normalize),
		cmocka_unit_test(validators),
		cmocka_unit_test(seal_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
