/* dbtx.c - a transaction retried as a whole where that is safe. */
#include "dbtx.h"

#include <time.h>

#include "log.h"

static const struct log_ctx txctx = { NULL, NULL, "db" };

static void
dbtx_pause(int attempt)
{
	long ms = 50L << attempt;

	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000L }, NULL);
}

tc_status
dbtx_run(struct db *db, dbtx_fn fn, dbtx_check_fn check, void *arg)
{
	tc_status st = TC_UNAVAILABLE;

	for (int attempt = 0; attempt < DBTX_ATTEMPTS; attempt++) {
		if (attempt > 0)
			dbtx_pause(attempt - 1);
		if ((st = db_begin(db)) != TC_OK) {
			if (st == TC_UNAVAILABLE)
				continue;	/* nothing ran */
			return st;
		}
		if ((st = fn(db, arg)) != TC_OK) {
			enum db_fault f = db_fault(db);

			db_rollback(db);
			if (st == TC_UNAVAILABLE && f != DB_FAULT_NONE) {
				log_msg(TC_LOG_INFO, &txctx, "transaction %s: running it again (%d)",
				    f == DB_FAULT_RETRY ? "lost a conflict" : "lost its node",
				    attempt + 1);
				continue;
			}
			return st;
		}
		if ((st = db_commit(db)) == TC_OK)
			return TC_OK;
		if (db_fault(db) == DB_FAULT_RETRY) {
			/* Certification failed at COMMIT: rolled back everywhere. */
			log_msg(TC_LOG_INFO, &txctx, "commit lost a certification conflict: "
			    "running it again (%d)", attempt + 1);
			continue;
		}
		if (db_fault(db) != DB_FAULT_GONE)
			return st;
		/* The connection went during COMMIT: committed or not? */
		if (check == NULL) {
			log_msg(TC_LOG_WARN, &txctx, "connection lost during COMMIT: outcome unknown");
			return TC_UNAVAILABLE;
		}
		st = check(db, arg);
		if (st == TC_OK) {
			log_msg(TC_LOG_INFO, &txctx, "connection lost during COMMIT: it committed");
			return TC_OK;
		}
		if (st != TC_NOT_FOUND)
			return TC_UNAVAILABLE;
		log_msg(TC_LOG_INFO, &txctx, "connection lost during COMMIT: it did not commit, "
		    "running it again (%d)", attempt + 1);
	}
	return st == TC_OK ? TC_OK : TC_UNAVAILABLE;
}
