/* config.c - tc.conf: a table of keys, parsed once, then read-only. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "log.h"
#include "sentinel.h"

enum ctype { C_STR, C_INT, C_LONG, C_BOOL, C_LEVEL };

struct ckey {
	const char	*name;
	enum ctype	 type;
	size_t		 off;
	size_t		 size;		/* C_STR: buffer size */
	long		 min, max;	/* C_INT, C_LONG */
};

#define S(n, f)		{ n, C_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0 }
#define I(n, f, lo, hi)	{ n, C_INT, offsetof(struct config, f), 0, lo, hi }
#define L(n, f, lo, hi)	{ n, C_LONG, offsetof(struct config, f), 0, lo, hi }
#define B(n, f)		{ n, C_BOOL, offsetof(struct config, f), 0, 0, 0 }

static const struct ckey ckeys[] = {
	S("db.socket", db_socket),
	S("db.host", db_host),
	I("db.port", db_port, 1, 65535),
	S("db.name", db_name),
	S("db.user", db_user),
	S("db.password", db_password),
	S("redis.socket", redis_socket),
	S("redis.host", redis_host),
	I("redis.port", redis_port, 1, 65535),
	/* authenticated and encrypted connections (issue 19) */
	S("redis.user", redis_user),
	S("redis.password", redis_password),
	B("db.tls", db_tls),
	S("db.tls_ca", db_tls_ca),
	S("db.tls_cert", db_tls_cert),
	S("db.tls_key", db_tls_key),
	S("fcgi.socket_group", fcgi_socket_group),
	B("smtp.require_tls", smtp_require_tls),
	S("redis.sentinels", redis_sentinels),
	S("redis.master_name", redis_master_name),
	I("redis.failover_seconds", redis_failover_seconds, 0, 300),
	I("redis.wait_replicas", redis_wait_replicas, 0, 16),
	I("redis.wait_ms", redis_wait_ms, 10, 60000),
	I("db.failover_seconds", db_failover_seconds, 0, 300),
	S("smtp.url", smtp_url),
	S("smtp.from", smtp_from),
	S("smtp.user", smtp_user),
	S("smtp.password", smtp_password),
	S("smtp.ca_file", smtp_ca_file),
	I("smtp.timeout_seconds", smtp_timeout, 1, 3600),
	/* Stalled peers (issue 14). */
	I("smtp.connect_timeout_seconds", smtp_connect_timeout, 1, 600),
	L("smtp.low_speed_bytes", smtp_low_speed_bytes, 1, 1L << 30),
	I("smtp.low_speed_seconds", smtp_low_speed_seconds, 1, 3600),
	L("las.low_speed_bytes", las_low_speed_bytes, 1, 1L << 30),
	I("las.low_speed_seconds", las_low_speed_seconds, 1, 3600),
	S("fcgi.listen", fcgi_listen),
	I("fcgi.threads", fcgi_threads, 1, TC_THREADS_MAX),
	I("fcgi.answer_cache_seconds", fcgi_answer_cache, 0, 86400),
	S("public.scheme", public_scheme),
	I("public.port", public_port, 0, 65535),
	S("secret.key_file", secret_key_file),
	B("las.allow_http", las_allow_http),
	B("las.allow_private", las_allow_private),
	I("las.connect_timeout", las_connect_timeout, 1, 600),
	I("las.timeout", las_timeout, 1, 86400),
	L("las.max_bytes", las_max_bytes, 1024, 4L * 1024 * 1024 * 1024),
	{ "log.level", C_LEVEL, offsetof(struct config, log_level), 0, 0, 0 },
	L("limits.body_max", body_max, 1024, 256L * 1024 * 1024),
	I("session.idle_seconds", session_idle, 60, 86400 * 30),
	I("session.absolute_seconds", session_absolute, 60, 86400 * 90),
	B("session.secure_cookie", session_secure_cookie),
	I("login.max_failures", login_max_failures, 1, 1000),
	I("login.window_seconds", login_window, 1, 86400),
	I("login.max_failures_per_address", login_max_failures_addr, 1, 100000),
	B("clock.settable", clock_settable),
	I("import.ttl_days", import_ttl_days, 1, 365),
	I("worker.threads", worker_threads, 1, 256),
	I("worker.claim_idle_seconds", worker_claim_idle, 2, 86400),
	I("worker.max_attempts", worker_max_attempts, 1, 100),
	I("worker.retry_seconds", worker_retry_seconds, 1, 86400),
	I("las.host_concurrency", las_host_concurrency, 1, 1000),
	I("reminder.hour", reminder_hour, 0, 23),
	I("activation.month", activation_month, 8, 12),
	I("activation.day", activation_day, 1, 31),
	B("sync.enabled", sync_enabled),
	I("sync.hour", sync_hour, 0, 23),
	I("sync.max_share_percent", sync_max_share, 0, 100),
	S("support.text", support_text),
	S("support.email", support_email),
	S("support.phone", support_phone),
};

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->db_host, sizeof(cfg->db_host), "127.0.0.1");
	cfg->db_port = 3306;
	snprintf(cfg->db_name, sizeof(cfg->db_name), "testcentrum");
	snprintf(cfg->db_user, sizeof(cfg->db_user), "tc");
	snprintf(cfg->redis_host, sizeof(cfg->redis_host), "127.0.0.1");
	cfg->redis_port = 6379;
	snprintf(cfg->redis_master_name, sizeof(cfg->redis_master_name), "tc");
	cfg->redis_failover_seconds = 0;
	cfg->redis_wait_replicas = 0;
	cfg->redis_wait_ms = 2000;
	cfg->db_failover_seconds = 0;
	snprintf(cfg->smtp_url, sizeof(cfg->smtp_url), "smtp://127.0.0.1:25");
	snprintf(cfg->smtp_from, sizeof(cfg->smtp_from),
	    "Testcentrum <noreply@testcentrum.invalid>");
	snprintf(cfg->fcgi_listen, sizeof(cfg->fcgi_listen), "unix:/run/testcentrum/tc-fcgi.sock");
	cfg->smtp_timeout = 60;
	/* Stalled peers (issue 14). */
	cfg->smtp_connect_timeout = 10;
	cfg->smtp_low_speed_bytes = 1000;
	cfg->smtp_low_speed_seconds = 45;
	cfg->las_low_speed_bytes = 1000;
	cfg->las_low_speed_seconds = 45;
	cfg->smtp_require_tls = true;	/* issue 19: STARTTLS cannot be stripped */
	cfg->fcgi_threads = 8;
	cfg->fcgi_answer_cache = 300;
	snprintf(cfg->public_scheme, sizeof(cfg->public_scheme), "https");
	cfg->public_port = 0;
	cfg->las_connect_timeout = 10;
	cfg->las_timeout = 600;
	cfg->las_max_bytes = 200L * 1024 * 1024;
	cfg->log_level = TC_LOG_INFO;
	cfg->body_max = TC_BODY_MAX_DEFAULT;
	cfg->session_idle = 30 * 60;
	cfg->session_absolute = 12 * 3600;
	cfg->session_secure_cookie = true;
	cfg->login_max_failures = 5;
	cfg->login_window = 15 * 60;
	cfg->login_max_failures_addr = 100;
	cfg->import_ttl_days = 30;
	cfg->worker_threads = 4;
	cfg->worker_claim_idle = 60;
	cfg->worker_max_attempts = 5;
	cfg->worker_retry_seconds = 30;
	cfg->las_host_concurrency = 32;
	cfg->reminder_hour = 8;
	cfg->activation_month = 10;
	cfg->activation_day = 2;
	cfg->sync_enabled = true;
	cfg->sync_hour = 2;
	cfg->sync_max_share = 10;
}

static const struct ckey *
ckey_find(const char *name)
{
	for (size_t i = 0; i < sizeof(ckeys) / sizeof(ckeys[0]); i++)
		if (strcmp(ckeys[i].name, name) == 0)
			return &ckeys[i];
	return NULL;
}

static int
parse_long(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

tc_status
config_set(struct config *cfg, const char *key, const char *value, char *err, size_t errlen)
{
	const struct ckey *k;
	char *base = (char *)cfg;
	long v;
	int lvl;

	if ((k = ckey_find(key)) == NULL) {
		snprintf(err, errlen, "unknown key \"%s\"", key);
		return TC_INVALID;
	}
	switch (k->type) {
	case C_STR:
		if (strlen(value) >= k->size) {
			snprintf(err, errlen, "%s: value longer than %zu bytes", key, k->size - 1);
			return TC_INVALID;
		}
		snprintf(base + k->off, k->size, "%s", value);
		break;
	case C_INT:
	case C_LONG:
		if (parse_long(value, &v) != 0 || v < k->min || v > k->max) {
			snprintf(err, errlen, "%s: expected a number from %ld to %ld", key,
			    k->min, k->max);
			return TC_INVALID;
		}
		if (k->type == C_INT)
			*(int *)(base + k->off) = (int)v;
		else
			*(long *)(base + k->off) = v;
		break;
	case C_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
		    strcmp(value, "1") == 0)
			*(bool *)(base + k->off) = true;
		else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 ||
		    strcmp(value, "0") == 0)
			*(bool *)(base + k->off) = false;
		else {
			snprintf(err, errlen, "%s: expected yes or no", key);
			return TC_INVALID;
		}
		break;
	case C_LEVEL:
		if ((lvl = log_level_parse(value)) < 0) {
			snprintf(err, errlen, "%s: expected error, warn, info or debug", key);
			return TC_INVALID;
		}
		*(int *)(base + k->off) = lvl;
		break;
	}
	return TC_OK;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static tc_status
config_read_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
	char line[TC_CONFIG_LINE_MAX + 2], msg[256];
	char *key, *value, *eq;
	FILE *f;
	int lineno = 0;
	tc_status st = TC_OK;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return TC_INVALID;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes", path, lineno,
			    TC_CONFIG_LINE_MAX);
			st = TC_INVALID;
			break;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			st = TC_INVALID;
			break;
		}
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		if (config_set(cfg, key, value, msg, sizeof(msg)) != TC_OK) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			st = TC_INVALID;
			break;
		}
	}
	fclose(f);
	return st;
}

/* TC_DB_SOCKET overrides db.socket: upper case, '.' becomes '_'. */
static tc_status
config_read_env(struct config *cfg, char *err, size_t errlen)
{
	char envname[64], msg[256];
	const char *v;

	for (size_t i = 0; i < sizeof(ckeys) / sizeof(ckeys[0]); i++) {
		size_t j = 0;
		const char *n = ckeys[i].name;

		j = (size_t)snprintf(envname, sizeof(envname), "TC_");
		for (; *n != '\0' && j + 1 < sizeof(envname); n++)
			envname[j++] = *n == '.' ? '_' : (char)toupper((unsigned char)*n);
		envname[j] = '\0';
		if ((v = getenv(envname)) == NULL)
			continue;
		if (config_set(cfg, ckeys[i].name, v, msg, sizeof(msg)) != TC_OK) {
			snprintf(err, errlen, "%s: %s", envname, msg);
			return TC_INVALID;
		}
	}
	return TC_OK;
}

static tc_status
config_read_secret(struct config *cfg, char *err, size_t errlen)
{
	char hex[130];
	size_t n, binlen;
	FILE *f;

	if (cfg->secret_key_file[0] == '\0')
		return TC_OK;	/* tc-worker and tcctl check before they need it */
	if ((f = fopen(cfg->secret_key_file, "r")) == NULL) {
		snprintf(err, errlen, "secret.key_file: %s: %s", cfg->secret_key_file,
		    strerror(errno));
		return TC_INVALID;
	}
	n = fread(hex, 1, sizeof(hex) - 1, f);
	fclose(f);
	hex[n] = '\0';
	if (sodium_hex2bin(cfg->secret_key, sizeof(cfg->secret_key), trim(hex), strlen(trim(hex)),
	    NULL, &binlen, NULL) != 0 || binlen != sizeof(cfg->secret_key)) {
		snprintf(err, errlen, "secret.key_file: %s: expected 64 hex characters",
		    cfg->secret_key_file);
		return TC_INVALID;
	}
	return TC_OK;
}

/* The support contact is shown to every school: printable UTF-8 text, an
 * e-mail address of one @ without spaces, a phone number of digits, spaces,
 * + - ( ) only. */
static bool
support_text_ok(const char *s)
{
	json_t *j;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	if ((j = json_string(s)) == NULL)	/* jansson refuses invalid UTF-8 */
		return false;
	json_decref(j);
	return true;
}

static bool
support_email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	if (s[0] == '\0')
		return true;
	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>\"'`\\,;:()[]", *p) != NULL)
			return false;
	return true;
}

static bool
support_phone_ok(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p) && strchr(" +-()", *p) == NULL)
			return false;
	return true;
}

static tc_status
config_validate(const struct config *cfg, char *err, size_t errlen)
{
	if (!support_text_ok(cfg->support_text)) {
		snprintf(err, errlen, "support.text: expected UTF-8 text without control characters");
		return TC_INVALID;
	}
	if (!support_email_ok(cfg->support_email)) {
		snprintf(err, errlen, "support.email: expected an e-mail address");
		return TC_INVALID;
	}
	if (!support_phone_ok(cfg->support_phone)) {
		snprintf(err, errlen, "support.phone: expected digits, spaces, + - ( )");
		return TC_INVALID;
	}
	if (cfg->db_name[0] == '\0') {
		snprintf(err, errlen, "db.name: must not be empty");
		return TC_INVALID;
	}
	if (strcmp(cfg->public_scheme, "http") != 0 && strcmp(cfg->public_scheme, "https") != 0) {
		snprintf(err, errlen, "public.scheme: expected http or https");
		return TC_INVALID;
	}
	if ((cfg->db_tls_cert[0] != '\0') != (cfg->db_tls_key[0] != '\0')) {
		snprintf(err, errlen, "db.tls_cert and db.tls_key: give both or neither");
		return TC_INVALID;
	}
	if (cfg->redis_user[0] != '\0' && cfg->redis_password[0] == '\0') {
		snprintf(err, errlen, "redis.user: needs redis.password");
		return TC_INVALID;
	}
	if (sentinel_check_list(cfg->redis_sentinels, err, errlen) != TC_OK)
		return TC_INVALID;
	if (strncmp(cfg->fcgi_listen, "unix:", 5) != 0 && strchr(cfg->fcgi_listen, ':') == NULL) {
		snprintf(err, errlen, "fcgi.listen: expected unix:PATH or HOST:PORT");
		return TC_INVALID;
	}
	return TC_OK;
}

tc_status
config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	tc_status st;

	config_defaults(cfg);
	if (path != NULL && (st = config_read_file(cfg, path, err, errlen)) != TC_OK)
		return st;
	if ((st = config_read_env(cfg, err, errlen)) != TC_OK)
		return st;
	if ((st = config_validate(cfg, err, errlen)) != TC_OK)
		return st;
	return config_read_secret(cfg, err, errlen);
}
