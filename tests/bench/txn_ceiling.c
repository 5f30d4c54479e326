/*
 * txn_ceiling.c - what MariaDB alone allows POST /api/students/deactivate:
 * the archive's own transaction, run by tc-fcgi's own code for it
 * (rosterset_set_active with student_set, over a connection opened from
 * tc-fcgi's configuration), one pupil at a time, archived and made active
 * again in turn, from THREADS connections as fast as MariaDB answers.  No
 * HTTP, no session, no Redis: tests/bench/bench.mjs sets its rate beside
 * the bare responder's, a ceiling no tc-fcgi can pass.
 *
 * usage: txn_ceiling CONFIG TENANT SECONDS THREADS ID...
 * prints: "<transactions> <seconds>"
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "idlist.h"
#include "rosterset.h"
#include "student.h"

struct run {
	const struct config	*cfg;
	uint64_t		 tenant;
	const uint64_t		*ids;
	size_t			 nids;
	double			 until;
	atomic_ulong		 done;
	atomic_int		 failed;
};

/* One thread's own connection (opened by main, one after the other). */
struct conn {
	struct run	*run;
	struct db	*db;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One archive or reactivation of id, as the handler makes it. */
static tc_status
one(struct db *db, struct arena *a, uint64_t tenant, uint64_t id, bool archive)
{
	struct idlist ids, unknown;
	uint64_t changed;
	tc_status st;

	arena_reset(a);
	idlist_init(&ids, a);
	if ((st = idlist_add(&ids, id)) != TC_OK)
		return st;
	return rosterset_set_active(db, &student_set, tenant, 0, &ids, !archive, &changed,
	    &unknown);
}

static void *
worker(void *arg)
{
	struct conn *c = arg;
	struct run *r = c->run;
	struct arena *a = arena_new();
	unsigned seed = (unsigned)(uintptr_t)&a;
	unsigned long n = 0;

	while (a != NULL && now() < r->until) {
		/* In turn, as the bench's wrk script: every second call archives. */
		if (one(c->db, a, r->tenant, r->ids[rand_r(&seed) % r->nids], n % 2 == 1) != TC_OK) {
			atomic_fetch_add(&r->failed, 1);
			continue;
		}
		n++;
	}
	atomic_fetch_add(&r->done, n);
	arena_free(a);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct run r = { 0 };
	pthread_t *th;
	struct conn *conns;
	uint64_t *ids;
	char err[256];
	double start;
	int nth;

	if (argc < 6) {
		fprintf(stderr, "usage: txn_ceiling CONFIG TENANT SECONDS THREADS ID...\n");
		return 2;
	}
	config_defaults(&cfg);
	if (config_load(&cfg, argv[1], err, sizeof(err)) != TC_OK) {
		fprintf(stderr, "txn_ceiling: %s\n", err);
		return 2;
	}
	nth = atoi(argv[4]);
	if (nth < 1 || (ids = calloc((size_t)argc, sizeof(*ids))) == NULL ||
	    (th = calloc((size_t)nth, sizeof(*th))) == NULL ||
	    (conns = calloc((size_t)nth, sizeof(*conns))) == NULL)
		return 2;
	for (int i = 0; i < nth; i++) {
		conns[i].run = &r;
		if (db_open(&cfg, &conns[i].db) != TC_OK || db_ping(conns[i].db) != TC_OK) {
			fprintf(stderr, "txn_ceiling: no connection to MariaDB\n");
			return 1;
		}
	}
	for (int i = 5; i < argc; i++)
		ids[i - 5] = strtoull(argv[i], NULL, 10);
	r.cfg = &cfg;
	r.tenant = strtoull(argv[2], NULL, 10);
	r.ids = ids;
	r.nids = (size_t)argc - 5;
	start = now();
	r.until = start + atof(argv[3]);
	for (int i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, worker, &conns[i]);
	for (int i = 0; i < nth; i++) {
		pthread_join(th[i], NULL);
		db_close(conns[i].db);
	}
	printf("%lu %.3f\n", (unsigned long)atomic_load(&r.done), now() - start);
	if (atomic_load(&r.failed) > 0)
		fprintf(stderr, "txn_ceiling: %d failed\n", atomic_load(&r.failed));
	free(conns);
	free(ids);
	free(th);
	return 0;
}
