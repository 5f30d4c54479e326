/* test_config.c - tc.conf parsing, TC_* overrides and errors with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "sentinel.h"

static char *
write_conf(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/tc-test-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void
defaults(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.db_name, "testcentrum");
	assert_int_equal(c.fcgi_threads, 8);
	assert_int_equal(c.log_level, TC_LOG_INFO);
	assert_true(c.session_secure_cookie);
	assert_false(c.clock_settable);
	assert_false(c.las_allow_http);
}

static void
file_values(void **state)
{
	struct config c;
	char err[256];
	char *p = write_conf("# a comment\n\n db.socket = /run/x.sock \nfcgi.threads=3\n"
	    "las.allow_http = yes\nlog.level = debug\nsmtp.from = A B <a@b.example>\n");

	(void)state;
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_OK);
	assert_string_equal(c.db_socket, "/run/x.sock");
	assert_int_equal(c.fcgi_threads, 3);
	assert_true(c.las_allow_http);
	assert_int_equal(c.log_level, TC_LOG_DEBUG);
	assert_string_equal(c.smtp_from, "A B <a@b.example>");
	unlink(p);
}

static void
errors_name_the_line(void **state)
{
	struct config c;
	char err[256];
	char *p;

	(void)state;
	p = write_conf("db.name = x\nno.such.key = 1\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, ":2: unknown key \"no.such.key\""));
	unlink(p);
	p = write_conf("fcgi.threads = 0\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, ":1: fcgi.threads"));
	unlink(p);
	p = write_conf("las.allow_http = perhaps\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, "expected yes or no"));
	unlink(p);
	p = write_conf("just words\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, ":1: expected key = value"));
	unlink(p);
	assert_int_equal(config_load(&c, "/nonexistent/tc.conf", err, sizeof(err)), TC_INVALID);
}

static void
environment_overrides(void **state)
{
	struct config c;
	char err[256];
	char *p = write_conf("redis.port = 6380\n");

	(void)state;
	setenv("TC_REDIS_PORT", "6400", 1);
	setenv("TC_SESSION_SECURE_COOKIE", "no", 1);
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_OK);
	assert_int_equal(c.redis_port, 6400);
	assert_false(c.session_secure_cookie);
	setenv("TC_REDIS_PORT", "70000", 1);
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, "TC_REDIS_PORT"));
	unsetenv("TC_REDIS_PORT");
	unsetenv("TC_SESSION_SECURE_COOKIE");
	unlink(p);
}

static void
secret_key_file(void **state)
{
	struct config c;
	char err[256], text[128];
	char *key = strdup(write_conf(
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"));
	char *p;

	(void)state;
	snprintf(text, sizeof(text), "secret.key_file = %s\n", key);
	p = write_conf(text);
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_OK);
	assert_int_equal(c.secret_key[0], 0);
	assert_int_equal(c.secret_key[31], 0x1f);
	unlink(p);
	unlink(key);
	free(key);
	key = strdup(write_conf("abcd\n"));
	snprintf(text, sizeof(text), "secret.key_file = %s\n", key);
	p = write_conf(text);
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, "64 hex characters"));
	unlink(p);
	unlink(key);
	free(key);
}

static void
support_contact(void **state)
{
	static const struct { const char *text; bool ok; } cases[] = {
		{ "support.text = Neem contact op met onze klantenservice (ma–vr).\n"
		  "support.email = helpdesk@hoster.example\nsupport.phone = +31 (0)30-123 45 67\n", true },
		{ "support.email = geen-adres\n", false },
		{ "support.email = a@b@c.example\n", false },
		{ "support.email = <a@b.example>\n", false },
		{ "support.phone = 030 123 x\n", false },
		{ "support.text = \xff\xfe\n", false },
	};
	struct config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.support_text, "");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = write_conf(cases[i].text);

		assert_int_equal(config_load(&c, p, err, sizeof(err)),
		    cases[i].ok ? TC_OK : TC_INVALID);
		if (!cases[i].ok)
			assert_non_null(strstr(err, "support."));
		unlink(p);
	}
	{
		char *p = write_conf("support.email = helpdesk@hoster.example\n");

		assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_OK);
		assert_string_equal(c.support_email, "helpdesk@hoster.example");
		unlink(p);
	}
}

/* The cluster's keys: a Sentinel list is checked when loaded; its defaults
 * are the single server's (no waiting, no replica acknowledgement). */
static void
cluster_keys(void **state)
{
	struct config c;
	char err[256];
	const char *p;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.redis_sentinels, "");
	assert_string_equal(c.redis_master_name, "tc");
	assert_int_equal(c.redis_failover_seconds, 0);
	assert_int_equal(c.redis_wait_replicas, 0);
	assert_int_equal(c.db_failover_seconds, 0);
	p = write_conf("redis.sentinels = 10.0.0.11:26379,10.0.0.12:26379, 10.0.0.13:26379\n"
	    "redis.wait_replicas = 1\nredis.failover_seconds = 15\ndb.failover_seconds = 10\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_OK);
	unlink(p);
	assert_int_equal(c.redis_wait_replicas, 1);
	assert_int_equal(c.redis_failover_seconds, 15);
	assert_int_equal(sentinel_check_list("", err, sizeof(err)), TC_OK);
	assert_int_equal(sentinel_check_list("h:1", err, sizeof(err)), TC_OK);
	assert_int_equal(sentinel_check_list("h", err, sizeof(err)), TC_INVALID);
	assert_int_equal(sentinel_check_list("h:0", err, sizeof(err)), TC_INVALID);
	assert_int_equal(sentinel_check_list("h:65536", err, sizeof(err)), TC_INVALID);
	assert_int_equal(sentinel_check_list(":26379", err, sizeof(err)), TC_INVALID);
	assert_int_equal(sentinel_check_list("h:1,,h:2", err, sizeof(err)), TC_INVALID);
	assert_int_equal(sentinel_check_list("h:1x", err, sizeof(err)), TC_INVALID);
	assert_int_equal(sentinel_check_list("a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8,i:9", err,
	    sizeof(err)), TC_INVALID);
	p = write_conf("redis.sentinels = 10.0.0.11\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), TC_INVALID);
	unlink(p);
	assert_non_null(strstr(err, "redis.sentinels"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(file_values),
		cmocka_unit_test(errors_name_the_line),
		cmocka_unit_test(environment_overrides),
		cmocka_unit_test(secret_key_file),
		cmocka_unit_test(support_contact),
		cmocka_unit_test(cluster_keys),
	};

	log_init("test_config", TC_LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
