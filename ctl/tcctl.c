/*
 * tcctl.c - the operator's command line: migrate the database, manage
 * schools and their LAS link, manage users.  Every bad argument gets a
 * one-line error and exit status 2, and changes nothing; a failure of a
 * server gives exit status 1.
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "answercache.h"
#include "audit.h"
#include "ctl.h"
#include "auditlog.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "group.h"
#include "kv.h"
#include "log.h"
#include "migrate.h"
#include "password.h"
#include "schoolyear.h"
#include "secret.h"
#include "session.h"
#include "student.h"
#include "tenant.h"
#include "testadmin.h"
#include "user.h"
#include "year.h"


typedef int (*cmd_fn)(struct ctl *, int argc, char **argv);

void
ctl_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("tcctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

int
ctl_fail(tc_status st, const char *what)
{
	fprintf(stderr, "tcctl: %s: %s\n", what, status_name(st));
	return st == TC_INVALID || st == TC_CONFLICT || st == TC_NOT_FOUND ? EXIT_USAGE : 1;
}

struct db *
ctl_db(struct ctl *c)
{
	if (c->db == NULL && db_open(&c->cfg, &c->db) != TC_OK) {
		fprintf(stderr, "tcctl: cannot connect to MariaDB\n");
		exit(1);
	}
	return c->db;
}

struct kv *
ctl_kv(struct ctl *c)
{
	if (c->kv == NULL)
		(void)kv_open(&c->cfg, &c->kv);
	return c->kv;
}

/* A private key for mutual TLS must not be readable by everyone (issue 19):
 * 0600, or 0640 with the group of tc-worker. */
static void
private_file(const char *opt, const char *path)
{
	struct stat sb;

	if (path[0] == '\0')
		return;		/* clears the field */
	if (stat(path, &sb) != 0)
		ctl_usage("--%s: %s: %s", opt, path, strerror(errno));
	if ((sb.st_mode & (S_IROTH | S_IWOTH)) != 0)
		ctl_usage("--%s: %s can be read by everyone (mode %04o): chmod o-rwx it first",
		    opt, path, (unsigned)(sb.st_mode & 07777));
}

/* Copies an option value into a fixed field, refusing what does not fit. */
static void
set_field(char *dst, size_t size, const char *opt, const char *v)
{
	if (strlen(v) >= size)
		ctl_usage("--%s: longer than %zu characters", opt, size - 1);
	snprintf(dst, size, "%s", v);
}

/* Reads a file holding one secret line (the UWLR key). */
static void
read_secret_file(const char *path, char *buf, size_t size)
{
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL)
		ctl_usage("--las-key-file: %s: %s", path, strerror(errno));
	n = fread(buf, 1, size - 1, f);
	if (n == size - 1 && fgetc(f) != EOF) {
		fclose(f);
		ctl_usage("--las-key-file: longer than %zu bytes", size - 2);
	}
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (n == 0)
		ctl_usage("--las-key-file: %s is empty", path);
}

/* Reads one line (a password) from standard input. */
static void
read_stdin_line(char *buf, size_t size)
{
	size_t n;

	if (fgets(buf, (int)size, stdin) == NULL)
		ctl_usage("expected the password on standard input");
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
}

enum {
	O_SLUG = 256, O_NAME, O_HOST, O_BRIN, O_DEP, O_URL, O_KCODE, O_KNAAM, O_KEYFILE,
	O_XSD, O_SETID, O_QUOTED, O_CERT, O_KEY, O_CA, O_SYNC, O_NO_LAS, O_TENANT, O_EMAIL,
	O_ROLE, O_ACTIVE, O_FROM, O_TO, O_ACTION, O_YEAR
};

static const struct option tenant_opts[] = {
	{ "slug", required_argument, NULL, O_SLUG },
	{ "name", required_argument, NULL, O_NAME },
	{ "host", required_argument, NULL, O_HOST },
	{ "brin", required_argument, NULL, O_BRIN },
	{ "dependancecode", required_argument, NULL, O_DEP },
	{ "las-url", required_argument, NULL, O_URL },
	{ "las-klantcode", required_argument, NULL, O_KCODE },
	{ "las-klantnaam", required_argument, NULL, O_KNAAM },
	{ "las-key-file", required_argument, NULL, O_KEYFILE },
	{ "las-xsd", required_argument, NULL, O_XSD },
	{ "las-gegevenssetid", required_argument, NULL, O_SETID },
	{ "las-soapaction-quoted", required_argument, NULL, O_QUOTED },
	{ "las-client-cert", required_argument, NULL, O_CERT },
	{ "las-client-key", required_argument, NULL, O_KEY },
	{ "las-ca-file", required_argument, NULL, O_CA },
	{ "sync", required_argument, NULL, O_SYNC },
	{ "no-las", no_argument, NULL, O_NO_LAS },
	{ "active", required_argument, NULL, O_ACTIVE },
	{ NULL, 0, NULL, 0 }
};

static bool
parse_yesno(const char *opt, const char *v)
{
	if (strcmp(v, "yes") == 0)
		return true;
	if (strcmp(v, "no") == 0)
		return false;
	ctl_usage("--%s: expected yes or no", opt);
}

/* Applies tenant options to t; *keyfile gets --las-key-file.  Returns the
 * number of options seen. */
static int
tenant_options(int argc, char **argv, struct tenant *t, const char **keyfile, bool adding)
{
	int ch, seen = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", tenant_opts, NULL)) != -1) {
		seen++;
		switch (ch) {
		case O_SLUG:
			if (!adding)
				ctl_usage("--slug cannot be changed");
			set_field(t->slug, sizeof(t->slug), "slug", optarg);
			break;
		case O_NAME: set_field(t->name, sizeof(t->name), "name", optarg); break;
		case O_HOST:
			if (tenant_host_normalize(optarg, t->host, sizeof(t->host)) != TC_OK ||
			    strchr(optarg, ':') != NULL)
				ctl_usage("--host: not a host name: %s", optarg);
			break;
		case O_BRIN: set_field(t->brin, sizeof(t->brin), "brin", optarg); break;
		case O_DEP: set_field(t->dependancecode, sizeof(t->dependancecode), "dependancecode", optarg); break;
		case O_URL: set_field(t->las_url, sizeof(t->las_url), "las-url", optarg); break;
		case O_KCODE: set_field(t->las_klantcode, sizeof(t->las_klantcode), "las-klantcode", optarg); break;
		case O_KNAAM: set_field(t->las_klantnaam, sizeof(t->las_klantnaam), "las-klantnaam", optarg); break;
		case O_KEYFILE: *keyfile = optarg; break;
		case O_XSD: set_field(t->las_xsd, sizeof(t->las_xsd), "las-xsd", optarg); break;
		case O_SETID: set_field(t->las_gegevenssetid, sizeof(t->las_gegevenssetid), "las-gegevenssetid", optarg); break;
		case O_QUOTED: t->las_soapaction_quoted = parse_yesno("las-soapaction-quoted", optarg); break;
		case O_CERT: set_field(t->las_client_cert, sizeof(t->las_client_cert), "las-client-cert", optarg); break;
		case O_KEY:
			private_file("las-client-key", optarg);
			set_field(t->las_client_key, sizeof(t->las_client_key), "las-client-key", optarg);
			break;
		case O_CA: set_field(t->las_ca_file, sizeof(t->las_ca_file), "las-ca-file", optarg); break;
		case O_SYNC: t->sync_enabled = parse_yesno("sync", optarg); break;
		case O_ACTIVE: t->active = parse_yesno("active", optarg); break;
		case O_NO_LAS:
			t->las_url[0] = t->las_klantcode[0] = t->las_klantnaam[0] = '\0';
			t->brin[0] = t->dependancecode[0] = '\0';
			break;
		default:
			ctl_usage("unknown option %s (see tcctl --help)", argv[optind - 1]);
		}
	}
	if (optind != argc)
		ctl_usage("unexpected argument: %s", argv[optind]);
	return seen;
}

/* Checks the fields of t that apply; exits with a message on the first bad one. */
static void
tenant_validate(const struct tenant *t)
{
	if (!tenant_slug_valid(t->slug))
		ctl_usage("--slug: use 2 to 40 of a-z, 0-9 and -");
	if (t->name[0] == '\0')
		ctl_usage("--name is required");
	if (t->host[0] == '\0')
		ctl_usage("--host is required");
	if (t->brin[0] != '\0' && !tenant_brin_valid(t->brin))
		ctl_usage("--brin: expected 2 digits and 2 capitals, e.g. 99XP");
	if (t->dependancecode[0] != '\0' && !tenant_dependancecode_valid(t->dependancecode))
		ctl_usage("--dependancecode: expected 2 digits, e.g. 00");
	if (t->las_url[0] != '\0' && !tenant_las_url_valid(t->las_url))
		ctl_usage("--las-url: expected an http:// or https:// address");
	if (!tenant_xsd_valid(t->las_xsd))
		ctl_usage("--las-xsd: expected 2.2 or 2.3");
	if (t->las_url[0] != '\0' && (t->brin[0] == '\0' || t->las_klantcode[0] == '\0' ||
	    t->las_klantnaam[0] == '\0'))
		ctl_usage("a LAS link needs --brin, --las-klantcode and --las-klantnaam");
}

static void
seal_key_file(struct ctl *c, const char *keyfile, unsigned char *sealed, size_t size,
    size_t *len)
{
	char key[TC_LAS_KEY_MAX + 2];
	bool zero = true;

	read_secret_file(keyfile, key, sizeof(key));
	for (size_t i = 0; i < sizeof(c->cfg.secret_key); i++)
		zero = zero && c->cfg.secret_key[i] == 0;
	if (zero)
		ctl_usage("secret.key_file is not configured: cannot store a LAS key");
	if (secret_seal(c->cfg.secret_key, key, strlen(key), sealed, size, len) != TC_OK)
		ctl_usage("--las-key-file: key too long");
	sodium_memzero(key, sizeof(key));
}

static void
tenant_print(const struct tenant *t)
{
	printf("slug: %s\nname: %s\nhost: %s\nstatus: %s\n", t->slug, t->name, t->host,
	    t->active ? "active" : "disabled");
	if (t->las_url[0] == '\0') {
		printf("las: none\n");
		return;
	}
	printf("las-url: %s\nbrin: %s\ndependancecode: %s\nlas-klantcode: %s\n"
	    "las-klantnaam: %s\nlas-xsd: %s\nlas-key: %s\nlas-soapaction-quoted: %s\nsync: %s\n",
	    t->las_url, t->brin, t->dependancecode[0] ? t->dependancecode : "00",
	    t->las_klantcode, t->las_klantnaam, t->las_xsd,
	    t->has_las_key ? "(set, encrypted)" : "(not set)",
	    t->las_soapaction_quoted ? "yes" : "no", t->sync_enabled ? "yes" : "no");
	if (t->las_client_cert[0] != '\0')
		printf("las-client-cert: %s\n", t->las_client_cert);
}

static int
cmd_tenant_add(struct ctl *c, int argc, char **argv)
{
	struct tenant t;
	const char *keyfile = NULL;
	unsigned char sealed[TC_LAS_KEY_MAX + SECRET_OVERHEAD + 2];
	size_t sealed_len = 0;
	uint64_t id;
	tc_status st;

	memset(&t, 0, sizeof(t));
	t.active = true;
	t.sync_enabled = true;
	snprintf(t.las_xsd, sizeof(t.las_xsd), "2.3");
	tenant_options(argc, argv, &t, &keyfile, true);
	tenant_validate(&t);
	if (t.las_url[0] != '\0' && t.dependancecode[0] == '\0')
		snprintf(t.dependancecode, sizeof(t.dependancecode), "00");
	if (keyfile != NULL)
		seal_key_file(c, keyfile, sealed, sizeof(sealed), &sealed_len);
	st = tenant_add(ctl_db(c), &t, keyfile != NULL ? sealed : NULL, sealed_len, &id);
	if (st == TC_CONFLICT)
		ctl_usage("a school with slug %s or host %s exists already", t.slug, t.host);
	if (st != TC_OK)
		return ctl_fail(st, "tenant add");
	(void)tenant_touch(ctl_kv(c));
	printf("added school %s (id %llu) at host %s\n", t.slug, (unsigned long long)id, t.host);
	return 0;
}

void
ctl_find_tenant(struct ctl *c, const char *slug, struct tenant *t)
{
	tc_status st;

	if (!tenant_slug_valid(slug))
		ctl_usage("not a school slug: %s", slug);
	if ((st = tenant_find_by_slug(ctl_db(c), slug, t)) == TC_NOT_FOUND)
		ctl_usage("no school with slug %s", slug);
	if (st != TC_OK)
		exit(ctl_fail(st, "tenant"));
}

void
ctl_changed(struct ctl *c, const struct tenant *t)
{
	tc_status st;

	if ((st = answercache_bump(ctl_kv(c), t->id)) != TC_OK)
		fprintf(stderr, "tcctl: warning: the lists of %s in the portal may be stale for "
		    "up to %d s (Redis %s)\n", t->slug, c->cfg.fcgi_answer_cache, status_name(st));
}

static int
cmd_tenant_set(struct ctl *c, int argc, char **argv)
{
	struct tenant t;
	const char *keyfile = NULL;
	unsigned char sealed[TC_LAS_KEY_MAX + SECRET_OVERHEAD + 2];
	size_t sealed_len = 0;
	tc_status st;

	if (argc < 2)
		ctl_usage("usage: tcctl tenant set SLUG [--name N] [--host H] [LAS options]");
	ctl_find_tenant(c, argv[1], &t);
	if (tenant_options(argc - 1, argv + 1, &t, &keyfile, false) == 0)
		ctl_usage("nothing to change: give at least one option");
	tenant_validate(&t);
	if (keyfile != NULL)
		seal_key_file(c, keyfile, sealed, sizeof(sealed), &sealed_len);
	st = tenant_update(ctl_db(c), &t, keyfile != NULL ? sealed : NULL, sealed_len);
	if (st == TC_CONFLICT)
		ctl_usage("host %s belongs to another school", t.host);
	if (st != TC_OK)
		return ctl_fail(st, "tenant set");
	(void)tenant_touch(ctl_kv(c));
	printf("changed school %s\n", t.slug);
	return 0;
}

static int
cmd_tenant_disable(struct ctl *c, int argc, char **argv)
{
	struct tenant t;
	tc_status st;

	if (argc != 2)
		ctl_usage("usage: tcctl tenant disable SLUG");
	ctl_find_tenant(c, argv[1], &t);
	t.active = false;
	if ((st = tenant_update(ctl_db(c), &t, NULL, 0)) != TC_OK)
		return ctl_fail(st, "tenant disable");
	(void)tenant_touch(ctl_kv(c));
	printf("disabled school %s\n", t.slug);
	return 0;
}

static int
cmd_tenant_show(struct ctl *c, int argc, char **argv)
{
	struct tenant t;

	if (argc != 2)
		ctl_usage("usage: tcctl tenant show SLUG");
	ctl_find_tenant(c, argv[1], &t);
	tenant_print(&t);
	return 0;
}

static tc_status
print_tenant_row(void *arg, const struct tenant *t)
{
	(void)arg;
	printf("%-20s %-8s %-30s %s\n", t->slug, t->active ? "active" : "disabled", t->host,
	    t->las_url[0] != '\0' ? t->las_url : "-");
	return TC_OK;
}

static int
cmd_tenant_list(struct ctl *c, int argc, char **argv)
{
	tc_status st;

	if (argc != 1)
		ctl_usage("usage: tcctl tenant list");
	printf("%-20s %-8s %-30s %s\n", "SLUG", "STATUS", "HOST", "LAS");
	if ((st = tenant_list(ctl_db(c), print_tenant_row, NULL)) != TC_OK)
		return ctl_fail(st, "tenant list");
	return 0;
}

static const struct option user_opts[] = {
	{ "tenant", required_argument, NULL, O_TENANT },
	{ "email", required_argument, NULL, O_EMAIL },
	{ "name", required_argument, NULL, O_NAME },
	{ "role", required_argument, NULL, O_ROLE },
	{ "year", required_argument, NULL, O_YEAR },
	{ NULL, 0, NULL, 0 }
};

struct user_args {
	const char	*tenant, *email, *name, *role, *year;
};

static void
user_options(int argc, char **argv, struct user_args *a)
{
	int ch;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", user_opts, NULL)) != -1) {
		switch (ch) {
		case O_TENANT: a->tenant = optarg; break;
		case O_EMAIL: a->email = optarg; break;
		case O_NAME: a->name = optarg; break;
		case O_ROLE: a->role = optarg; break;
		case O_YEAR: a->year = optarg; break;
		default: ctl_usage("unknown option %s (see tcctl --help)", argv[optind - 1]);
		}
	}
	if (optind != argc)
		ctl_usage("unexpected argument: %s", argv[optind]);
	if (a->tenant == NULL)
		ctl_usage("--tenant is required");
}

static void
read_password_hash(char hash[PASSWORD_HASH_MAX])
{
	char pw[TC_PASSWORD_MAX + 2];
	tc_status st;

	read_stdin_line(pw, sizeof(pw));
	st = password_hash(pw, hash);
	sodium_memzero(pw, sizeof(pw));
	if (st == TC_INVALID)
		ctl_usage("the password must be %d to %d characters", TC_PASSWORD_MIN,
		    TC_PASSWORD_MAX);
	if (st != TC_OK)
		exit(ctl_fail(st, "password"));
}

static int
cmd_user_add(struct ctl *c, int argc, char **argv)
{
	struct user_args a;
	struct tenant t;
	char hash[PASSWORD_HASH_MAX];
	uint64_t id;
	tc_status st;

	user_options(argc, argv, &a);
	if (a.email == NULL || a.name == NULL || a.role == NULL)
		ctl_usage("usage: tcctl user add --tenant S --email E --name N --role admin|teacher");
	if (!user_email_valid(a.email))
		ctl_usage("--email: not an e-mail address: %s", a.email);
	if (!user_role_valid(a.role))
		ctl_usage("--role: expected admin or teacher");
	if (a.name[0] == '\0' || strlen(a.name) > TC_NAME_MAX)
		ctl_usage("--name: 1 to %d characters", TC_NAME_MAX);
	ctl_find_tenant(c, a.tenant, &t);
	read_password_hash(hash);
	st = user_add(ctl_db(c), t.id, a.email, a.name, a.role, hash, &id);
	if (st == TC_CONFLICT)
		ctl_usage("%s has an account at %s already", a.email, t.slug);
	if (st != TC_OK)
		return ctl_fail(st, "user add");
	(void)audit_write(c->db, t.id, AUDIT_OPERATOR, 0, "user_add", "user", NULL, 1);
	ctl_changed(c, &t);
	printf("added %s %s (id %llu) to %s\n", a.role, a.email, (unsigned long long)id, t.slug);
	return 0;
}

static tc_status
print_user_row(void *arg, const struct user *u)
{
	(void)arg;
	printf("%-6llu %-8s %-8s %s\n", (unsigned long long)u->id, u->role,
	    u->active ? "active" : "disabled", u->email);
	return TC_OK;
}

static int
cmd_user_list(struct ctl *c, int argc, char **argv)
{
	struct user_args a;
	struct tenant t;
	tc_status st;

	user_options(argc, argv, &a);
	ctl_find_tenant(c, a.tenant, &t);
	printf("%-6s %-8s %-8s %s\n", "ID", "ROLE", "STATUS", "EMAIL");
	if ((st = user_list(ctl_db(c), t.id, print_user_row, NULL)) != TC_OK)
		return ctl_fail(st, "user list");
	return 0;
}

static void
find_user(struct ctl *c, const struct user_args *a, struct tenant *t, struct user *u)
{
	tc_status st;

	if (a->email == NULL)
		ctl_usage("--email is required");
	ctl_find_tenant(c, a->tenant, t);
	if ((st = user_find_by_email(ctl_db(c), t->id, a->email, u)) == TC_NOT_FOUND)
		ctl_usage("no user %s at %s", a->email, t->slug);
	if (st != TC_OK)
		exit(ctl_fail(st, "user"));
}

static int
cmd_user_disable(struct ctl *c, int argc, char **argv)
{
	struct user_args a;
	struct tenant t;
	struct user u;
	tc_status st;

	user_options(argc, argv, &a);
	find_user(c, &a, &t, &u);
	if ((st = user_set_active(c->db, t.id, u.id, false)) != TC_OK)
		return ctl_fail(st, "user disable");
	if ((st = session_destroy_user(ctl_kv(c), t.id, u.id)) != TC_OK)
		fprintf(stderr, "tcctl: warning: sessions not ended (Redis %s)\n", status_name(st));
	(void)audit_write(c->db, t.id, AUDIT_OPERATOR, 0, "user_disable", "user", NULL, 1);
	ctl_changed(c, &t);
	printf("disabled %s at %s\n", u.email, t.slug);
	return 0;
}

static int
cmd_user_reset_password(struct ctl *c, int argc, char **argv)
{
	struct user_args a;
	struct tenant t;
	struct user u;
	char hash[PASSWORD_HASH_MAX];
	tc_status st;

	user_options(argc, argv, &a);
	find_user(c, &a, &t, &u);
	read_password_hash(hash);
	if ((st = user_set_password(c->db, t.id, u.id, hash)) != TC_OK ||
	    (st = user_set_active(c->db, t.id, u.id, true)) != TC_OK)
		return ctl_fail(st, "user reset-password");
	(void)session_destroy_user(ctl_kv(c), t.id, u.id);
	(void)audit_write(c->db, t.id, AUDIT_OPERATOR, 0, "password_reset", "user", NULL, 1);
	ctl_changed(c, &t);
	printf("new password set for %s at %s\n", u.email, t.slug);
	return 0;
}

/* --- audit ------------------------------------------------------------------ */

static const struct option audit_opts[] = {
	{ "tenant", required_argument, NULL, O_TENANT },
	{ "from", required_argument, NULL, O_FROM },
	{ "to", required_argument, NULL, O_TO },
	{ "action", required_argument, NULL, O_ACTION },
	{ NULL, 0, NULL, 0 }
};

static time_t
audit_date(const char *opt, const char *v, bool end)
{
	struct civil_date d;

	if (civil_date_parse(v, &d) != TC_OK || d.year < 2000 || d.year > 2099)
		ctl_usage("--%s: expected a date YYYY-MM-DD", opt);
	if (end) {
		struct tm tm = { .tm_year = d.year - 1900, .tm_mon = d.month - 1,
		    .tm_mday = d.day + 1 };
		time_t t = timegm(&tm);

		gmtime_r(&t, &tm);
		d = (struct civil_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	}
	return clock_local_midnight(d);
}

static tc_status
print_audit_row(void *arg, const struct auditlog_entry *e)
{
	char actor[24];

	(void)arg;
	if (e->actor_id != 0)
		snprintf(actor, sizeof(actor), "%llu", (unsigned long long)e->actor_id);
	else
		snprintf(actor, sizeof(actor), "-");
	printf("%-24s %-8s %-6s %-26s %-8s %6lu %s\n", e->at, e->actor_kind, actor, e->action,
	    e->object_kind, e->count, e->object_ids[0] != '\0' ? e->object_ids : "-");
	return TC_OK;
}

static int
cmd_audit(struct ctl *c, int argc, char **argv)
{
	struct auditlog_filter f;
	const char *tenant = NULL;
	struct tenant t;
	uint64_t total = 0;
	int ch;
	tc_status st;

	memset(&f, 0, sizeof(f));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", audit_opts, NULL)) != -1) {
		switch (ch) {
		case O_TENANT: tenant = optarg; break;
		case O_FROM: f.from = audit_date("from", optarg, false); break;
		case O_TO: f.to = audit_date("to", optarg, true); break;
		case O_ACTION:
			if (!auditlog_action_valid(optarg))
				ctl_usage("--action: expected a-z, 0-9 and _");
			f.action = optarg;
			break;
		default: ctl_usage("unknown option (see tcctl --help)");
		}
	}
	if (optind != argc)
		ctl_usage("unexpected argument: %s", argv[optind]);
	if (tenant == NULL)
		ctl_usage("--tenant is required");
	ctl_find_tenant(c, tenant, &t);
	printf("%-24s %-8s %-6s %-26s %-8s %6s %s\n", "AT (UTC)", "ACTOR", "ID", "ACTION", "OBJECT",
	    "COUNT", "IDS");
	f.limit = TC_LIST_LIMIT_MAX;
	do {
		if ((st = auditlog_list(ctl_db(c), t.id, &f, print_audit_row, NULL,
		    &total)) != TC_OK)
			return ctl_fail(st, "audit");
		f.offset += f.limit;
	} while (f.offset < total);
	return 0;
}

/* --- demo-seed ------------------------------------------------------------------ */

static const char *const demo_roepnamen[] = {
	"Zoë", "Daan", "Noël", "Sem", "Anouk", "Chloë", "Jesse", "Lotte", "Thijs", "Fenna",
	"Bram", "Loïs", "Daniël", "Eline", "Maël", "Femke", "Ruben", "Anaïs", "Niels", "Joëlle",
	"Raphaël", "Sanne", "Mees", "Isa", "Gijs", "Noëlla", "Lucas", "Yara", "Jurriën", "Lieke",
	"Emre", "Ayşe", "Mohammed", "Ilse", "Björn", "Renée", "Stijn", "Mila", "Senna", "Floor"
};

static const struct {
	const char	*voorvoegsel;
	const char	*achternaam;
} demo_namen[] = {
	{ "de", "Vries" }, { "van den", "Berg" }, { NULL, "Jansen" }, { NULL, "Bakker" },
	{ "van", "Dijk" }, { NULL, "Visser" }, { NULL, "Smit" }, { NULL, "Meijer" },
	{ "de", "Boer" }, { NULL, "Mulder" }, { "de", "Groot" }, { NULL, "Bos" },
	{ NULL, "Vos" }, { NULL, "Peters" }, { NULL, "Hendriks" }, { "van", "Leeuwen" },
	{ NULL, "Dekker" }, { NULL, "Brouwer" }, { "de", "Wit" }, { NULL, "Dijkstra" },
	{ "van der", "Meer" }, { NULL, "Koç" }, { NULL, "Yılmaz" }, { NULL, "Çelik" },
	{ NULL, "Ünal" }, { "'t", "Hart" }, { NULL, "Öztürk" }, { NULL, "Schröder" },
	{ "van 't", "Hof" }, { NULL, "Hoekstra" }, { "ter", "Horst" }, { NULL, "Verbeek" }
};

static const char *const demo_tests[] = { "REK-M", "BL-M", "SP-M", "DMT" };

static unsigned
demo_rand(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

static tc_status
count_row(void *arg, const struct student *s)
{
	(void)arg;
	(void)s;
	return TC_OK;
}

static int
cmd_demo_seed(struct ctl *c, int argc, char **argv)
{
	struct user_args a;
	struct tenant t;
	struct student_filter f = { .active = true, .limit = 1 };
	struct arena *arena;
	struct idlist gone;
	uint64_t total = 0, more = 0, changed;
	unsigned seed = 20252026u, pupils = 0, tests = 0;
	int year;
	tc_status st;

	user_options(argc, argv, &a);
	ctl_find_tenant(c, a.tenant, &t);
	if ((st = student_list(ctl_db(c), t.id, &f, count_row, NULL, &total)) != TC_OK)
		return ctl_fail(st, "demo-seed");
	f.active = false;
	if ((st = student_list(c->db, t.id, &f, count_row, NULL, &more)) != TC_OK)
		return ctl_fail(st, "demo-seed");
	if (total + more > 0) {
		printf("school %s has pupils already: nothing seeded\n", t.slug);
		return 0;
	}
	/* --year, or 2025-2026 (the year the roster tests are written for). */
	year = 2025;
	if (a.year != NULL && schoolyear_parse(a.year, &year) != TC_OK)
		ctl_usage("--year: expected a school year such as 2026-2027");
	st = year_set_first_active(c->db, t.id, year);
	if (st != TC_OK && st != TC_CONFLICT)
		return ctl_fail(st, "demo-seed: school year");
	if ((st = year_active(c->db, t.id, &year)) != TC_OK)
		return ctl_fail(st, "demo-seed: school year");
	if ((arena = arena_new()) == NULL)
		return ctl_fail(TC_INTERNAL, "demo-seed");
	idlist_init(&gone, arena);
	for (int g = 1; g <= 8; g++) {
		char name[32], jg[3];
		uint64_t gid;
		struct idlist members;
		int n = 22 + (int)(demo_rand(&seed) % 7);

		snprintf(name, sizeof(name), "Groep %d", g);
		snprintf(jg, sizeof(jg), "%d", g);
		st = group_create(c->db, t.id, 0, year, name, false, jg, &gid);
		if (st != TC_OK)
			goto failed;
		idlist_init(&members, arena);
		for (int i = 0; i < n; i++) {
			struct student_input in;
			unsigned k = demo_rand(&seed);
			uint64_t sid;
			int ntests = 1 + (int)(demo_rand(&seed) % 3);

			memset(&in, 0, sizeof(in));
			snprintf(in.roepnaam, sizeof(in.roepnaam), "%s",
			    demo_roepnamen[k % (sizeof(demo_roepnamen) / sizeof(demo_roepnamen[0]))]);
			k = demo_rand(&seed) % (sizeof(demo_namen) / sizeof(demo_namen[0]));
			snprintf(in.achternaam, sizeof(in.achternaam), "%s", demo_namen[k].achternaam);
			if (demo_namen[k].voorvoegsel != NULL)
				snprintf(in.voorvoegsel, sizeof(in.voorvoegsel), "%s",
				    demo_namen[k].voorvoegsel);
			snprintf(in.geboortedatum, sizeof(in.geboortedatum), "%04u-%02u-%02u",
			    (unsigned)(year - 4 - g + (demo_rand(&seed) % 2 == 0 ? 1 : 0)) % 10000,
			    1 + demo_rand(&seed) % 12, 1 + demo_rand(&seed) % 28);
			snprintf(in.jaargroep, sizeof(in.jaargroep), "%d", g);
			in.set = STUDENT_F_ACHTERNAAM | STUDENT_F_VOORVOEGSEL | STUDENT_F_ROEPNAAM |
			    STUDENT_F_GEBOORTEDATUM | STUDENT_F_JAARGROEP;
			if ((st = student_create(c->db, t.id, 0, &in, &sid)) != TC_OK ||
			    (st = idlist_add(&members, sid)) != TC_OK)
				goto failed;
			pupils++;
			for (int k2 = 0; k2 < ntests; k2++) {
				const char *code = demo_tests[(unsigned)(k2 + g) % 4];
				const char *field, *rule;
				char date[11];
				uint64_t aid;
				static const char *const levels[] = { "I", "II", "III", "IV", "V" };

				snprintf(date, sizeof(date), "%04u-%02u-%02u",
				    (unsigned)(k2 == 0 ? year + 1 : year) % 10000,
				    k2 == 0 ? 1u : 10u + (unsigned)k2 % 3, 10 + demo_rand(&seed) % 15);
				if ((st = testadmin_add(c->db, t.id, 0, sid, code, date,
				    30 + (int)(demo_rand(&seed) % 70), levels[demo_rand(&seed) % 5],
				    &aid, &field, &rule)) != TC_OK)
					goto failed;
				tests++;
			}
			if ((g == 3 && i == 0) || (g == 6 && i == 1))
				(void)idlist_add(&gone, sid);
		}
		{
			struct idlist off;
			const char *rule;

			idlist_normalize(&members);
			if ((st = group_set_students(c->db, t.id, 0, gid, &members, true, &changed,
			    &off, &rule)) != TC_OK)
				goto failed;
		}
	}
	{
		struct idlist unknown;

		idlist_normalize(&gone);
		if ((st = rosterset_set_active(c->db, &student_set, t.id, 0, &gone, false, &changed,
		    &unknown)) != TC_OK)
			goto failed;
	}
	arena_free(arena);
	ctl_changed(c, &t);
	printf("seeded school %s: school year %d-%d, 8 groups, %u pupils (%zu deactivated), "
	    "%u test administrations\n", t.slug, year, year + 1, pupils, gone.n, tests);
	return 0;
failed:
	arena_free(arena);
	ctl_changed(c, &t);
	return ctl_fail(st, "demo-seed");
}

static const char *
sql_dir(void)
{
	const char *d = getenv("TC_SQLDIR");

	return d != NULL && d[0] != '\0' ? d : TC_DATADIR "/sql";
}

static int
cmd_migrate(struct ctl *c, int argc, char **argv)
{
	char err[512];
	tc_status st;

	if (argc != 1)
		ctl_usage("usage: tcctl migrate");
	if ((st = migrate_apply(ctl_db(c), sql_dir(), stdout, err, sizeof(err))) != TC_OK) {
		fprintf(stderr, "tcctl: migrate: %s\n", err);
		return st == TC_CONFLICT ? EXIT_USAGE : 1;
	}
	return 0;
}

static const struct command {
	const char	*group;
	const char	*verb;		/* NULL: the group is the command */
	cmd_fn		 fn;
	const char	*help;
} commands[] = {
	{ "migrate", NULL, cmd_migrate, "migrate                      apply the missing sql/ migrations" },
	{ "tenant", "add", cmd_tenant_add, "tenant add --slug S --name N --host H [--brin B --dependancecode D\n"
	  "           --las-url U --las-klantcode K --las-klantnaam N --las-key-file F --las-xsd 2.2|2.3\n"
	  "           --las-gegevenssetid G --las-soapaction-quoted yes|no --las-client-cert F\n"
	  "           --las-client-key F --las-ca-file F --sync yes|no]" },
	{ "tenant", "list", cmd_tenant_list, "tenant list" },
	{ "tenant", "show", cmd_tenant_show, "tenant show SLUG" },
	{ "tenant", "set", cmd_tenant_set, "tenant set SLUG [options of tenant add but --slug] [--no-las] [--active yes|no]" },
	{ "tenant", "disable", cmd_tenant_disable, "tenant disable SLUG" },
	{ "user", "add", cmd_user_add, "user add --tenant S --email E --name N --role admin|teacher  (password on stdin)" },
	{ "user", "list", cmd_user_list, "user list --tenant S" },
	{ "user", "disable", cmd_user_disable, "user disable --tenant S --email E" },
	{ "audit", NULL, cmd_audit, "audit --tenant S [--from YYYY-MM-DD --to YYYY-MM-DD --action A]  (ids and counts)" },
	{ "demo-seed", NULL, cmd_demo_seed, "demo-seed --tenant S [--year Y]  a school year (default 2025-2026), groups, pupils, results\n"
	  "                               (does nothing when the school has pupils)" },
	{ "user", "reset-password", cmd_user_reset_password, "user reset-password --tenant S --email E  (password on stdin)" },
	{ "clock", "set", ctl_clock_set, "clock set YYYY-MM-DDTHH:MM      move the deployment's clock (clock.settable only)" },
	{ "clock", "reset", ctl_clock_reset, "clock reset                   back to the real time" },
	{ "clock", "show", ctl_clock_show, "clock show                    the deployment's time (Europe/Amsterdam)" },
	{ "jobs", "list", ctl_jobs_list, "jobs list                     stream length, pending, delayed and dead jobs" },
	{ "jobs", "show", ctl_jobs_show, "jobs show ID                  one dead job with its error" },
	{ "jobs", "retry", ctl_jobs_retry, "jobs retry ID                 put a dead job back on the stream" },
	{ "jobs", "drop", ctl_jobs_drop, "jobs drop ID                  forget a dead job" },
	{ "task", "run", ctl_task_run, "task run activate|reminders|sync [--tenant S]   run a daily task now" },
	{ "las", "test", ctl_las_test, "las test --tenant S [--year Y]  reach the school's LAS: authorisation and counts" },
	{ "import", "run", ctl_import_run, "import run --tenant S --year Y [--apply]  fetch into the review now; --apply accepts the defaults" },
	{ "import", "show", ctl_import_show, "import show --tenant S       the school's import in progress" },
	{ "las", "fetch", ctl_las_fetch, "las fetch --tenant S --year Y [--out FILE]  fetch and summarise, or write JSON" },
	{ "cache", "drop", ctl_cache_drop, "cache drop --tenant S | --all  forget cached lists of a school or all (after changing records in SQL)" },
	{ "mail", "test", ctl_mail_test, "mail test --to ADDRESS        send a test e-mail through the configured relay" },
	{ "status", NULL, ctl_status, "status                        workers seen, queue lag, failed jobs, imports waiting after the deadline" },
	{ "export", NULL, ctl_export, "export --tenant S [--out FILE]  all of one school's data as JSON (no password hashes)" },
	{ "erase-tenant", NULL, ctl_erase_tenant, "erase-tenant S --confirm S    remove a school and every row and Redis key of it, for good" },
};

static void
help(FILE *out)
{
	fprintf(out, "usage: tcctl [--config FILE] COMMAND ...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].help);
}

int
main(int argc, char *argv[])
{
	static struct ctl c;
	const char *path = getenv("TC_CONFIG");
	char err[512];
	int i = 1, rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help(stdout);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--config") == 0) {
		path = argv[2];
		i = 3;
	}
	if (i >= argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "tcctl: libsodium failed to start\n");
		return 1;
	}
	if (config_load(&c.cfg, path, err, sizeof(err)) != TC_OK) {
		fprintf(stderr, "tcctl: %s\n", err);
		return EXIT_USAGE;
	}
	log_init("tcctl", TC_LOG_ERROR);
	setenv("TZ", "Europe/Amsterdam", 1);	/* civil dates of the school year */
	tzset();
	opterr = 0;	/* our own one-line messages only */
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		const struct command *cmd = &commands[k];

		if (strcmp(cmd->group, argv[i]) != 0)
			continue;
		if (cmd->verb == NULL) {
			rc = cmd->fn(&c, argc - i, argv + i);
			goto done;
		}
		if (i + 1 < argc && strcmp(cmd->verb, argv[i + 1]) == 0) {
			rc = cmd->fn(&c, argc - i - 1, argv + i + 1);
			goto done;
		}
	}
	fprintf(stderr, "tcctl: unknown command: %s%s%s (see tcctl --help)\n", argv[i],
	    i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
	return EXIT_USAGE;
done:
	db_close(c.db);
	kv_close(c.kv);
	return rc;
}
