/*
 * tcctl_care.c - the operator's commands about the deployment's health and
 * a school's data as a whole: status, export, erase-tenant.
 *
 * export and erase-tenant know every table that holds a school's rows (the
 * table `school_tables` below).  Before they run they ask MariaDB which
 * tables have a tenant_id column; a table that is missing from the list (a
 * new migration) stops them with a message, so that an export is never
 * silently incomplete and an erasure never leaves rows behind.
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "import.h"
#include "jobqueue.h"

#define STATUS_SCHOOLS_MAX	100000	/* schools walked by tcctl status */
#define ERASE_SCAN_COUNT	"1000"	/* keys per SCAN step */

/* --- the tables of a school -------------------------------------------- */

/*
 * One table: its export query (every one filters by tenant_id), its DELETE,
 * and the columns of the query as "name" (text) or "name:i" (integer), in
 * order.  Listed children first: erase-tenant deletes in this order.
 */
struct school_table {
	const char	*name;
	const char	*export_sql;
	const char	*columns;
	const char	*delete_sql;
};

static const struct school_table school_tables[] = {
	{ "teacher_groups",
	  "SELECT user_id, group_id FROM teacher_groups WHERE tenant_id = ? ORDER BY user_id, group_id",
	  "user_id:i group_id:i",
	  "DELETE FROM teacher_groups WHERE tenant_id = ?" },
	{ "group_members",
	  "SELECT group_id, student_id, created_at FROM group_members WHERE tenant_id = ?"
	  " ORDER BY group_id, student_id",
	  "group_id:i student_id:i created_at",
	  "DELETE FROM group_members WHERE tenant_id = ?" },
	{ "test_administrations",
	  "SELECT a.id, a.student_id, t.code, a.taken_on, a.score, a.level, a.created_by, a.created_at"
	  " FROM test_administrations a JOIN tests t ON t.id = a.test_id WHERE a.tenant_id = ?"
	  " ORDER BY a.id",
	  "id:i student_id:i test_code taken_on score:i level created_by:i created_at",
	  "DELETE FROM test_administrations WHERE tenant_id = ?" },
	{ "school_groups",
	  "SELECT id, year_start, kind, name, jaargroep, las_key, status, deactivated_at, created_at,"
	  " updated_at FROM school_groups WHERE tenant_id = ? ORDER BY id",
	  "id:i year_start:i kind name jaargroep las_key status deactivated_at created_at updated_at",
	  "DELETE FROM school_groups WHERE tenant_id = ?" },
	{ "students",
	  "SELECT id, las_key, eckid, achternaam, voorvoegsel, roepnaam, geboortedatum, jaargroep,"
	  " status, deactivated_at, source, created_at, updated_at FROM students WHERE tenant_id = ?"
	  " ORDER BY id",
	  "id:i las_key eckid achternaam voorvoegsel roepnaam geboortedatum jaargroep status"
	  " deactivated_at source created_at updated_at",
	  "DELETE FROM students WHERE tenant_id = ?" },
	/* After students: their delete triggers change these counts. */
	{ "student_counts",
	  "SELECT status, n FROM student_counts WHERE tenant_id = ? ORDER BY status",
	  "status n:i",
	  "DELETE FROM student_counts WHERE tenant_id = ?" },
	{ "school_years",
	  "SELECT year_start, active, activated_at, activated_by FROM school_years WHERE tenant_id = ?"
	  " ORDER BY year_start",
	  "year_start:i active:i activated_at activated_by",
	  "DELETE FROM school_years WHERE tenant_id = ?" },
	{ "import_runs",
	  "SELECT id, year_start, kind, started_by, applied_at, applied_by, result FROM import_runs"
	  " WHERE tenant_id = ? ORDER BY applied_at, id",
	  "id year_start:i kind started_by applied_at applied_by:i result",
	  "DELETE FROM import_runs WHERE tenant_id = ?" },
	{ "audit_log",
	  "SELECT id, at, actor_kind, actor_id, action, object_kind, object_ids, count FROM audit_log"
	  " WHERE tenant_id = ? ORDER BY id",
	  "id:i at actor_kind actor_id:i action object_kind object_ids count:i",
	  "DELETE FROM audit_log WHERE tenant_id = ?" },
	{ "email_log",
	  "SELECT id, at, kind, dedup_key, recipient_hash FROM email_log WHERE tenant_id = ? ORDER BY id",
	  "id:i at kind dedup_key recipient_hash",
	  "DELETE FROM email_log WHERE tenant_id = ?" },
	/* Without password_hash: a hash is no data of the person, and must not travel. */
	{ "users",
	  "SELECT id, email, name, role, status, las_key, eckid, created_at, updated_at FROM users"
	  " WHERE tenant_id = ? ORDER BY id",
	  "id:i email name role status las_key eckid created_at updated_at",
	  "DELETE FROM users WHERE tenant_id = ?" },
};
#define NTABLES	(sizeof(school_tables) / sizeof(school_tables[0]))

/* The tables with a tenant_id column: the schema's view (the tenant_id in
 * the text below is a column name, not a filter: the query reads the
 * catalogue, not a school's rows). */
static const char sql_tenant_tables[] =
    "SELECT table_name FROM information_schema.columns"
    " WHERE table_schema = DATABASE() AND column_name = 'tenant_id' ORDER BY table_name";

static const char sql_school[] =
    "SELECT id, slug, name, host, status, brin, dependancecode, las_url, las_klantcode,"
    " las_klantnaam, las_xsd, las_gegevenssetid, sync_enabled, created_at, updated_at"
    " FROM tenants WHERE id = ?";
static const char school_columns[] =
    "id:i slug name host status brin dependancecode las_url las_klantcode las_klantnaam las_xsd"
    " las_gegevenssetid sync_enabled:i created_at updated_at";
static const char sql_delete_school[] = "DELETE FROM tenants WHERE id = ?";

struct unknown_tables {
	char	names[512];
	int	n;
};

static tc_status
check_table(void *arg, const struct db_row *row)
{
	struct unknown_tables *u = arg;
	const char *name = row->vals[0];
	size_t len;

	if (name == NULL)
		return TC_OK;
	for (size_t i = 0; i < NTABLES; i++)
		if (strcmp(school_tables[i].name, name) == 0)
			return TC_OK;
	len = strlen(u->names);
	snprintf(u->names + len, sizeof(u->names) - len, "%s%s", u->n > 0 ? ", " : "", name);
	u->n++;
	return TC_OK;
}

/* Exits with a message when a table with tenant_id is not in school_tables. */
static void
require_known_tables(struct ctl *c, const char *what)
{
	struct unknown_tables u = { "", 0 };
	tc_status st;

	if ((st = db_query(ctl_db(c), sql_tenant_tables, DB_NOARGS, check_table, &u)) != TC_OK)
		exit(ctl_fail(st, what));
	if (u.n > 0) {
		fprintf(stderr, "tcctl: %s: table(s) %s hold school rows that tcctl does not know: "
		    "add them to school_tables in ctl/tcctl_care.c\n", what, u.names);
		exit(1);
	}
}

/* --- export -------------------------------------------------------------- */

struct export_ctx {
	FILE		*out;
	const char	*columns;
	size_t		 rows;
	tc_status	 write_st;
};

/* Row → JSON object by the column spec ("a:i b c:i"). New reference or NULL. */
static json_t *
row_json(const char *columns, const struct db_row *row)
{
	json_t *o = json_object();
	const char *p = columns;

	for (size_t i = 0; o != NULL && i < row->ncols && *p != '\0'; i++) {
		char name[64];
		size_t n = strcspn(p, " ");
		bool integer = n > 2 && p[n - 2] == ':' && p[n - 1] == 'i';
		size_t namelen = integer ? n - 2 : n;
		json_t *v;

		snprintf(name, sizeof(name), "%.*s", (int)namelen, p);
		p += n;
		while (*p == ' ')
			p++;
		if (row->vals[i] == NULL)
			v = json_null();
		else if (integer)
			v = json_integer(strtoll(row->vals[i], NULL, 10));
		else
			v = json_stringn(row->vals[i], row->lens[i]);
		if (v == NULL || json_object_set_new(o, name, v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static tc_status
export_row(void *arg, const struct db_row *row)
{
	struct export_ctx *x = arg;
	json_t *o = row_json(x->columns, row);
	int rc;

	if (o == NULL)
		return TC_INTERNAL;
	fputs(x->rows == 0 ? "\n    " : ",\n    ", x->out);
	rc = json_dumpf(o, x->out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	x->rows++;
	if (rc != 0 || ferror(x->out))
		return x->write_st = TC_INTERNAL;
	return TC_OK;
}

static tc_status
export_school_row(void *arg, const struct db_row *row)
{
	struct export_ctx *x = arg;
	json_t *o = row_json(school_columns, row);

	if (o == NULL)
		return TC_INTERNAL;
	fputs("  \"school\": ", x->out);
	json_dumpf(o, x->out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputs(",\n", x->out);
	json_decref(o);
	x->rows++;
	return TC_OK;
}

static const struct option export_opts[] = {
	{ "tenant", required_argument, NULL, 't' },
	{ "out", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

int
ctl_export(struct ctl *c, int argc, char **argv)
{
	const char *slug = NULL, *path = NULL;
	struct export_ctx x;
	struct import_state imp;
	struct tenant t;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *out = stdout;
	int ch, fd;
	tc_status st;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", export_opts, NULL)) != -1) {
		switch (ch) {
		case 't': slug = optarg; break;
		case 'o': path = optarg; break;
		default: ctl_usage("unknown option %s (see tcctl --help)", argv[optind - 1]);
		}
	}
	if (optind != argc)
		ctl_usage("unexpected argument: %s", argv[optind]);
	if (slug == NULL)
		ctl_usage("usage: tcctl export --tenant S [--out FILE]");
	ctl_find_tenant(c, slug, &t);
	require_known_tables(c, "export");
	if (path != NULL) {
		/* Personal data: readable by the operator only, never over another file. */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
			ctl_usage("--out: %s: %s", path, strerror(errno));
		if ((out = fdopen(fd, "w")) == NULL) {
			close(fd);
			return ctl_fail(TC_INTERNAL, "export");
		}
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	memset(&x, 0, sizeof(x));
	x.out = out;
	/* One snapshot: every table as of the same moment (REPEATABLE READ). */
	if ((st = db_begin(ctl_db(c))) != TC_OK)
		goto failed;
	fprintf(out, "{\n  \"format\": \"testcentrum-export-1\",\n  \"exported_at\": \"%s\",\n",
	    stamp);
	if ((st = db_query(c->db, sql_school, DB_ARGS(DB_INT(t.id)), export_school_row,
	    &x)) != TC_OK)
		goto failed;
	/* Parents first reads better: walk the table backwards. */
	for (size_t i = NTABLES; i-- > 0;) {
		const struct school_table *tb = &school_tables[i];

		fprintf(out, "  \"%s\": [", tb->name);
		x.columns = tb->columns;
		x.rows = 0;
		if ((st = db_query(c->db, tb->export_sql, DB_ARGS(DB_INT(t.id)), export_row,
		    &x)) != TC_OK)
			goto failed;
		fputs(x.rows > 0 ? "\n  ],\n" : "],\n", out);
		fprintf(stderr, "tcctl: export: %s: %zu row(s)\n", tb->name, x.rows);
	}
	db_rollback(c->db);
	/* What Redis holds that is more than a cache: an import in progress. */
	fputs("  \"import_in_progress\": ", out);
	if (import_current(ctl_kv(c), t.id, &imp) == TC_OK) {
		json_t *o = import_state_json(&imp);

		json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		json_decref(o);
	} else
		fputs("null", out);
	fputs("\n}\n", out);
	if (fflush(out) != 0 || ferror(out) || (path != NULL && fclose(out) != 0)) {
		fprintf(stderr, "tcctl: export: writing %s failed\n", path != NULL ? path : "stdout");
		return 1;
	}
	if (path != NULL)
		fprintf(stderr, "tcctl: export of %s written to %s\n", t.slug, path);
	return 0;
failed:
	db_rollback(c->db);
	if (path != NULL) {
		fclose(out);
		unlink(path);
	}
	return ctl_fail(st, "export");
}

/* --- erase-tenant ------------------------------------------------------- */

/* Deletes every key matching pattern with SCAN + UNLINK; *n gets the count. */
static tc_status
erase_keys(struct kv *kv, const char *pattern, unsigned long *n)
{
	char cursor[32] = "0";
	redisReply *r;
	tc_status st;

	do {
		const redisReply *keys;

		if ((st = kv_command(kv, &r, "SCAN %s MATCH %s COUNT %s", cursor, pattern,
		    ERASE_SCAN_COUNT)) != TC_OK)
			return st;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING) {
			freeReplyObject(r);
			return TC_INTERNAL;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		keys = r->element[1];
		for (size_t i = 0; i < keys->elements; i++) {
			if ((st = kv_exec(kv, "UNLINK %b", keys->element[i]->str,
			    (size_t)keys->element[i]->len)) != TC_OK) {
				freeReplyObject(r);
				return st;
			}
			(*n)++;
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	return TC_OK;
}

/* The school's members of deployment-wide keys: its imports in
 * tc:imports:active, its jobs in tc:jobs:delayed and tc:jobs:dead. */
static tc_status
erase_members(struct kv *kv, uint64_t id, unsigned long *n)
{
	char key[TC_KEY_MAX], prefix[32];
	redisReply *r;
	tc_status st;

	snprintf(prefix, sizeof(prefix), "%llu:", (unsigned long long)id);
	kv_global_key(key, sizeof(key), "imports:active");
	if ((st = kv_command(kv, &r, "ZRANGE %s 0 -1", key)) != TC_OK)
		return st;
	for (size_t i = 0; i < r->elements; i++)
		if (strncmp(r->element[i]->str, prefix, strlen(prefix)) == 0 &&
		    kv_exec(kv, "ZREM %s %s", key, r->element[i]->str) == TC_OK)
			(*n)++;
	freeReplyObject(r);

	kv_global_key(key, sizeof(key), "jobs:delayed");
	if ((st = kv_command(kv, &r, "ZRANGE %s 0 -1", key)) != TC_OK)
		return st;
	for (size_t i = 0; i < r->elements; i++) {
		json_t *o = json_loads(r->element[i]->str, 0, NULL);

		if ((uint64_t)json_integer_value(json_object_get(o, "tenant")) == id &&
		    kv_exec(kv, "ZREM %s %s", key, r->element[i]->str) == TC_OK)
			(*n)++;
		json_decref(o);
	}
	freeReplyObject(r);

	kv_global_key(key, sizeof(key), JOBQUEUE_DEAD);
	if ((st = kv_command(kv, &r, "HGETALL %s", key)) != TC_OK)
		return st;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		json_t *o = json_loads(r->element[i + 1]->str, 0, NULL);

		if ((uint64_t)json_integer_value(json_object_get(o, "tenant")) == id &&
		    kv_exec(kv, "HDEL %s %s", key, r->element[i]->str) == TC_OK)
			(*n)++;
		json_decref(o);
	}
	freeReplyObject(r);
	return TC_OK;
}

static const struct option erase_opts[] = {
	{ "confirm", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

int
ctl_erase_tenant(struct ctl *c, int argc, char **argv)
{
	const char *slug = NULL, *confirm = NULL;
	char pattern[64];
	unsigned long keys = 0, members = 0, total = 0;
	uint64_t rows[NTABLES + 1];
	struct tenant t;
	int ch;
	tc_status st;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", erase_opts, NULL)) != -1) {
		switch (ch) {
		case 'c': confirm = optarg; break;
		default: ctl_usage("unknown option %s (see tcctl --help)", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		ctl_usage("usage: tcctl erase-tenant SLUG --confirm SLUG");
	slug = argv[optind];
	if (confirm == NULL || strcmp(confirm, slug) != 0)
		ctl_usage("erase-tenant removes every record of %s for good: repeat the slug "
		    "with --confirm %s", slug, slug);
	ctl_find_tenant(c, slug, &t);
	require_known_tables(c, "erase-tenant");

	/* 1. No request serves the school any more (every tc-fcgi drops its
	 *    cached host within a second of the registry version changing). */
	t.active = false;
	if ((st = tenant_update(ctl_db(c), &t, NULL, 0)) != TC_OK)
		return ctl_fail(st, "erase-tenant: disabling the school");
	(void)tenant_touch(ctl_kv(c));

	/* 2. Redis first: should it fail, the school is disabled and still
	 *    listed, and the same command can simply be run again. */
	snprintf(pattern, sizeof(pattern), "tc:{%llu}:*", (unsigned long long)t.id);
	if ((st = erase_keys(ctl_kv(c), pattern, &keys)) != TC_OK ||
	    (st = erase_members(c->kv, t.id, &members)) != TC_OK)
		return ctl_fail(st, "erase-tenant: Redis (the school is disabled; run it again)");

	/* 3. Every row, children first, in one transaction. */
	if ((st = db_begin(c->db)) != TC_OK)
		return ctl_fail(st, "erase-tenant");
	for (size_t i = 0; i < NTABLES; i++) {
		if ((st = db_exec(c->db, school_tables[i].delete_sql, DB_ARGS(DB_INT(t.id)),
		    &rows[i], NULL)) != TC_OK) {
			db_rollback(c->db);
			fprintf(stderr, "tcctl: erase-tenant: deleting from %s failed\n",
			    school_tables[i].name);
			return ctl_fail(st, "erase-tenant (nothing deleted; the school is disabled)");
		}
		total += rows[i];
	}
	if ((st = db_exec(c->db, sql_delete_school, DB_ARGS(DB_INT(t.id)), &rows[NTABLES],
	    NULL)) != TC_OK || (st = db_commit(c->db)) != TC_OK) {
		db_rollback(c->db);
		return ctl_fail(st, "erase-tenant (nothing deleted; the school is disabled)");
	}
	(void)tenant_touch(c->kv);
	for (size_t i = 0; i < NTABLES; i++)
		if (rows[i] > 0)
			printf("  %-22s %llu row(s)\n", school_tables[i].name,
			    (unsigned long long)rows[i]);
	printf("erased school %s (id %llu): %lu row(s), %lu Redis key(s), %lu job or import "
	    "entr%s\n", t.slug, (unsigned long long)t.id, total + 1, keys, members,
	    members == 1 ? "y" : "ies");
	return 0;
}

/* --- status ------------------------------------------------------------- */

/* "host-pid-thread" → "host-pid": the process of a consumer. */
static size_t
process_len(const char *consumer)
{
	const char *dash = strrchr(consumer, '-');

	return dash != NULL ? (size_t)(dash - consumer) : strlen(consumer);
}

static const redisReply *
field_of(const redisReply *r, const char *name)
{
	for (size_t i = 0; r != NULL && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(r->element[i]->str, name) == 0)
			return r->element[i + 1];
	return NULL;
}

static long long
int_of(const redisReply *r, const char *name)
{
	const redisReply *v = field_of(r, name);

	if (v == NULL)
		return -1;
	if (v->type == REDIS_REPLY_INTEGER)
		return v->integer;
	if (v->type == REDIS_REPLY_STRING)
		return strtoll(v->str, NULL, 10);
	return -1;
}

static long long
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Jobs running per process, from the group's consumers "host-pid-thread". */
static long long
running_of(const redisReply *consumers, const char *process)
{
	size_t plen = strlen(process);
	long long n = 0;

	for (size_t i = 0; consumers != NULL && consumers->type == REDIS_REPLY_ARRAY &&
	    i < consumers->elements; i++) {
		const redisReply *name = field_of(consumers->element[i], "name");

		if (name != NULL && name->str != NULL && process_len(name->str) == plen &&
		    strncmp(name->str, process, plen) == 0)
			n += int_of(consumers->element[i], "pending");
	}
	return n;
}

static void
status_workers(struct ctl *c, const char *stream)
{
	char key[TC_KEY_MAX];
	redisReply *r, *cons = NULL;
	long long alive_ms = (long long)c->cfg.worker_claim_idle * 1000, now = real_ms();
	size_t alive = 0;

	kv_global_key(key, sizeof(key), "workers");
	printf("tc-worker processes (heartbeat every %d s; \"gone?\" after %d s without one):\n",
	    c->cfg.worker_claim_idle / 3 > 0 ? c->cfg.worker_claim_idle / 3 : 1,
	    c->cfg.worker_claim_idle);
	if (kv_command(ctl_kv(c), &r, "ZRANGE %s 0 -1 WITHSCORES", key) != TC_OK) {
		printf("  Redis does not answer\n");
		return;
	}
	if (kv_command(c->kv, &cons, "XINFO CONSUMERS %s %s", stream, JOBQUEUE_GROUP) != TC_OK)
		cons = NULL;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const char *name = r->element[i]->str;
		long long seen = now - strtoll(r->element[i + 1]->str, NULL, 10);

		if (seen <= alive_ms)
			alive++;
		printf("  %-40s last seen %7.1f s ago  running %lld job(s)%s\n", name,
		    (double)(seen > 0 ? seen : 0) / 1000, running_of(cons, name),
		    seen > alive_ms ? "  (gone?)" : "");
	}
	if (r->elements == 0)
		printf("  none seen\n");
	else
		printf("  %zu alive\n", alive);
	freeReplyObject(r);
	if (cons != NULL)
		freeReplyObject(cons);
}

static void
status_queue(struct ctl *c, const char *stream)
{
	char key[TC_KEY_MAX];
	long long len = -1, pending = -1, lag = -1, delayed = -1, now = real_ms();
	double waiting = 0, running = 0;
	redisReply *r, *g;
	struct kv *kv = ctl_kv(c);

	if (kv_command(kv, &r, "XLEN %s", stream) == TC_OK) {
		len = r->integer;
		freeReplyObject(r);
	}
	if (kv_command(kv, &r, "XINFO GROUPS %s", stream) == TC_OK) {
		for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
			const redisReply *name = field_of(r->element[i], "name");
			const redisReply *last = field_of(r->element[i], "last-delivered-id");

			if (name == NULL || name->str == NULL || strcmp(name->str, JOBQUEUE_GROUP) != 0)
				continue;
			pending = int_of(r->element[i], "pending");
			lag = int_of(r->element[i], "lag");
			if (last != NULL && last->str != NULL && strlen(last->str) < 40) {
				char from[48];

				snprintf(from, sizeof(from), "(%s", last->str);
				if (kv_command(kv, &g, "XRANGE %s %s + COUNT 1", stream, from) == TC_OK) {
					if (g->type == REDIS_REPLY_ARRAY && g->elements == 1)
						waiting = (double)(now - strtoll(
						    g->element[0]->element[0]->str, NULL, 10)) / 1000;
					freeReplyObject(g);
				}
			}
		}
		freeReplyObject(r);
	}
	if (kv_command(kv, &r, "XPENDING %s %s", stream, JOBQUEUE_GROUP) == TC_OK) {
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
		    r->element[1]->type == REDIS_REPLY_STRING)
			running = (double)(now - strtoll(r->element[1]->str, NULL, 10)) / 1000;
		freeReplyObject(r);
	}
	kv_global_key(key, sizeof(key), "jobs:delayed");
	if (kv_command(kv, &r, "ZCARD %s", key) == TC_OK) {
		delayed = r->integer;
		freeReplyObject(r);
	}
	printf("\nqueue (%s):\n", stream);
	if (len < 0) {
		printf("  Redis does not answer\n");
		return;
	}
	printf("  length       %lld\n", len);
	printf("  waiting      %lld (not yet taken by a worker; the oldest for %.1f s)\n",
	    lag < 0 ? 0 : lag, waiting);
	printf("  running      %lld (taken, not yet finished; the oldest for %.1f s)\n",
	    pending < 0 ? 0 : pending, running);
	printf("  delayed      %lld (retry later, or waiting for a LAS slot)\n",
	    delayed < 0 ? 0 : delayed);
}

static void
status_dead(struct ctl *c)
{
	char key[TC_KEY_MAX];
	redisReply *r;

	kv_global_key(key, sizeof(key), JOBQUEUE_DEAD);
	if (kv_command(ctl_kv(c), &r, "HGETALL %s", key) != TC_OK)
		return;
	printf("\nfailed jobs (dead; tcctl jobs show|retry|drop ID): %zu\n", r->elements / 2);
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		json_t *o = json_loads(r->element[i + 1]->str, 0, NULL);
		struct tenant t;
		const char *slug = "-";
		json_int_t tid = json_integer_value(json_object_get(o, "tenant"));

		if (tid > 0 && tenant_find_by_id(ctl_db(c), (uint64_t)tid, &t) == TC_OK)
			slug = t.slug;
		printf("  %-20s %-14s %-20s attempts %-3lld %s\n", r->element[i]->str,
		    json_string_value(json_object_get(o, "kind")) != NULL ?
		    json_string_value(json_object_get(o, "kind")) : "?", slug,
		    (long long)json_integer_value(json_object_get(o, "attempt")) + 1,
		    json_string_value(json_object_get(o, "error")) != NULL ?
		    json_string_value(json_object_get(o, "error")) : "");
		json_decref(o);
	}
	freeReplyObject(r);
}

struct school_ref {
	uint64_t	id;
	char		slug[TC_SLUG_MAX + 1];
};

struct schools {
	struct school_ref	*v;
	size_t			 n, cap;
};

static tc_status
collect_school(void *arg, const struct tenant *t)
{
	struct schools *s = arg;

	if (!t->active)
		return TC_OK;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct school_ref *nv;

		if (cap > STATUS_SCHOOLS_MAX || (nv = realloc(s->v, cap * sizeof(*nv))) == NULL)
			return TC_TOO_LARGE;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n].id = t->id;
	snprintf(s->v[s->n].slug, sizeof(s->v[s->n].slug), "%s", t->slug);
	s->n++;
	return TC_OK;
}

static void
status_imports(struct ctl *c)
{
	struct schools s = { NULL, 0, 0 };
	struct clock clk;
	long long now;
	size_t late = 0, failed = 0, open = 0;
	tc_status st;

	clock_init(&clk, &c->cfg);
	now = (long long)clock_now(&clk, ctl_kv(c));
	if ((st = tenant_list(ctl_db(c), collect_school, &s)) != TC_OK) {
		printf("\nimports: cannot list the schools (%s)\n", status_name(st));
		free(s.v);
		return;
	}
	printf("\nimports waiting after the deadline (started automatically, not finished; "
	    "the administrators get a daily reminder):\n");
	for (size_t i = 0; i < s.n; i++) {
		struct import_state imp;

		if (import_current(c->kv, s.v[i].id, &imp) != TC_OK)
			continue;
		open++;
		if (imp.status == IMPORT_FAILED)
			failed++;
		if (strcmp(imp.started_by, "auto") != 0)
			continue;
		printf("  %-20s import %s  %-9s started %.1f day(s) ago\n", s.v[i].slug, imp.id,
		    import_status_name(imp.status),
		    imp.started_at > 0 ? (double)(now - imp.started_at) / 86400 : 0.0);
		late++;
	}
	if (late == 0)
		printf("  none\n");
	printf("\nfailed imports (the school retries in the portal, or cancels):\n");
	for (size_t i = 0; failed > 0 && i < s.n; i++) {
		struct import_state imp;

		if (import_current(c->kv, s.v[i].id, &imp) != TC_OK ||
		    imp.status != IMPORT_FAILED)
			continue;
		printf("  %-20s import %s  %s\n", s.v[i].slug, imp.id, imp.error_code);
	}
	if (failed == 0)
		printf("  none\n");
	printf("\nschools: %zu active, %zu with an import in progress\n", s.n, open);
	free(s.v);
}

int
ctl_status(struct ctl *c, int argc, char **argv)
{
	char stream[TC_KEY_MAX];

	(void)argv;
	if (argc != 1)
		ctl_usage("usage: tcctl status");
	if (kv_ping(ctl_kv(c)) != TC_OK) {
		fprintf(stderr, "tcctl: status: Redis does not answer\n");
		return 1;
	}
	kv_global_key(stream, sizeof(stream), JOBQUEUE_STREAM);
	status_workers(c, stream);
	status_queue(c, stream);
	status_dead(c);
	status_imports(c);
	return 0;
}
