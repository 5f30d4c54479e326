/*
 * txn_ceiling.c - what MariaDB alone allows POST /api/students/deactivate:
 * the archive's own transaction (START TRANSACTION, lock the row, audit
 * INSERT, UPDATE, COMMIT: the statements of core/roster/rosterset.c and
 * core/audit/audit.c, prepared once per connection), one pupil at a time,
 * archived and made active again in turn, from THREADS connections as fast
 * as MariaDB answers.  No HTTP, no session, no Redis: tests/bench/bench.mjs
 * sets its rate beside the bare responder's, a ceiling no tc-fcgi can pass.
 *
 * usage: txn_ceiling SOCKET TENANT SECONDS THREADS ID...
 * prints: "<transactions> <seconds>"
 */
#include <mysql.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IDTABLE "JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS j ON j.id = "

static const char *const sql[] = {
	"SELECT s.id, s.status FROM students s WHERE s.tenant_id = ? AND s.id IN"
	    " (SELECT j.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS j)"
	    " FOR UPDATE",
	"INSERT INTO audit_log (tenant_id, actor_kind, actor_id, action, object_kind,"
	    " object_ids, count) VALUES (?, 'user', 1, ?, 'student', ?, 1)",
	"UPDATE students s " IDTABLE "s.id SET s.status = 'deactivated',"
	    " s.deactivated_at = UTC_TIMESTAMP() WHERE s.tenant_id = ? AND s.status = 'active'",
	"UPDATE students s " IDTABLE "s.id SET s.status = 'active', s.deactivated_at = NULL"
	    " WHERE s.tenant_id = ? AND s.status = 'deactivated'",
};
enum { LOCK, AUDIT, ARCHIVE, REACTIVATE, NSQL };

struct run {
	const char		*socket;
	unsigned long long	 tenant;
	const unsigned long long *ids;
	size_t			 nids;
	double			 until;
	atomic_ulong		 done;
	atomic_int		 failed;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
bind_int(MYSQL_BIND *b, unsigned long long *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_unsigned = 1;
}

static void
bind_str(MYSQL_BIND *b, char *s, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = s;
	*len = strlen(s);
	b->length = len;
}

/* Runs a prepared statement; reads and drops any rows. */
static int
run_stmt(MYSQL_STMT *st, MYSQL_BIND *b)
{
	if (mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0)
		return -1;
	if (mysql_stmt_field_count(st) > 0) {
		if (mysql_stmt_store_result(st) != 0)
			return -1;
		mysql_stmt_free_result(st);
	}
	return 0;
}

/* One archive or reactivation of id, as rosterset_set_active_locked. */
static int
one(MYSQL *my, MYSQL_STMT **st, unsigned long long tenant, unsigned long long id, int archive)
{
	char json[32], csv[24], action[32];
	unsigned long jlen, clen, alen;
	unsigned long long t = tenant;
	MYSQL_BIND b[3];

	snprintf(json, sizeof(json), "[%llu]", id);
	snprintf(csv, sizeof(csv), "%llu", id);
	snprintf(action, sizeof(action), "%s", archive ? "student_deactivate" : "student_reactivate");
	if (mysql_query(my, "START TRANSACTION") != 0)
		return -1;
	bind_int(&b[0], &t);
	bind_str(&b[1], json, &jlen);
	if (run_stmt(st[LOCK], b) != 0)
		goto fail;
	bind_int(&b[0], &t);
	bind_str(&b[1], action, &alen);
	bind_str(&b[2], csv, &clen);
	if (run_stmt(st[AUDIT], b) != 0)
		goto fail;
	bind_str(&b[0], json, &jlen);
	bind_int(&b[1], &t);
	if (run_stmt(st[archive ? ARCHIVE : REACTIVATE], b) != 0)
		goto fail;
	return mysql_query(my, "COMMIT");
fail:
	(void)mysql_query(my, "ROLLBACK");
	return -1;
}

static void *
worker(void *arg)
{
	struct run *r = arg;
	MYSQL *my = mysql_init(NULL);
	MYSQL_STMT *st[NSQL] = { NULL };
	unsigned seed = (unsigned)(uintptr_t)&my;
	unsigned long n = 0;

	if (mysql_real_connect(my, NULL, "root", NULL, "testcentrum", 0, r->socket, 0) == NULL) {
		fprintf(stderr, "txn_ceiling: %s\n", mysql_error(my));
		atomic_fetch_add(&r->failed, 1);
		mysql_close(my);
		return NULL;
	}
	for (int i = 0; i < NSQL; i++)
		if ((st[i] = mysql_stmt_init(my)) == NULL ||
		    mysql_stmt_prepare(st[i], sql[i], strlen(sql[i])) != 0) {
			fprintf(stderr, "txn_ceiling: %s\n", mysql_error(my));
			atomic_fetch_add(&r->failed, 1);
			goto out;
		}
	while (now() < r->until) {
		unsigned long long id = r->ids[rand_r(&seed) % r->nids];

		/* In turn, as the bench's wrk script: every second call archives. */
		if (one(my, st, r->tenant, id, (int)(n % 2)) != 0) {
			atomic_fetch_add(&r->failed, 1);
			continue;
		}
		n++;
	}
	atomic_fetch_add(&r->done, n);
out:
	for (int i = 0; i < NSQL; i++)
		if (st[i] != NULL)
			mysql_stmt_close(st[i]);
	mysql_close(my);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct run r;
	pthread_t *th;
	unsigned long long *ids;
	double start, secs;
	int nth;

	if (argc < 6) {
		fprintf(stderr, "usage: txn_ceiling SOCKET TENANT SECONDS THREADS ID...\n");
		return 2;
	}
	nth = atoi(argv[4]);
	if (nth < 1 || (ids = calloc((size_t)argc, sizeof(*ids))) == NULL ||
	    (th = calloc((size_t)nth, sizeof(*th))) == NULL)
		return 2;
	for (int i = 5; i < argc; i++)
		ids[i - 5] = strtoull(argv[i], NULL, 10);
	memset(&r, 0, sizeof(r));
	r.socket = argv[1];
	r.tenant = strtoull(argv[2], NULL, 10);
	r.ids = ids;
	r.nids = (size_t)argc - 5;
	start = now();
	r.until = start + atof(argv[3]);
	mysql_library_init(0, NULL, NULL);
	for (int i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, worker, &r);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	secs = now() - start;
	mysql_library_end();
	printf("%lu %.3f\n", (unsigned long)atomic_load(&r.done), secs);
	if (atomic_load(&r.failed) > 0)
		fprintf(stderr, "txn_ceiling: %d failed\n", atomic_load(&r.failed));
	free(ids);
	free(th);
	return 0;
}
