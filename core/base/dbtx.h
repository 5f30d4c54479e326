/*
 * dbtx.h - a transaction that runs again as a whole after a certification
 * conflict or a lost node (MariaDB Galera's rules, docs/scaling.md).
 *
 * Galera aborts a transaction that loses a certification conflict with a
 * deadlock error (1213), and a node that dies takes its open transactions
 * with it.  Both leave nothing written, so the whole transaction (its reads
 * and its decisions too) may run again on the next node.  A connection lost
 * during COMMIT is different: the commit may have happened.  Then the
 * transaction's own marker decides: `check` looks on a fresh connection for
 * a row that the transaction writes (e.g. the import_runs row of an apply);
 * without a check the outcome is reported as unknown (TC_UNAVAILABLE), never
 * guessed.
 */
#ifndef TC_DBTX_H
#define TC_DBTX_H

#include "db.h"
#include "status.h"

#define DBTX_ATTEMPTS	4	/* runs of one transaction at most */

/* The body: statements on db between BEGIN and COMMIT (which dbtx_run does).
 * A status other than TC_OK rolls back. */
typedef tc_status (*dbtx_fn)(struct db *db, void *arg);

/* After a connection lost during COMMIT: TC_OK when the transaction's marker
 * is there (it committed), TC_NOT_FOUND when not (it may run again). */
typedef tc_status (*dbtx_check_fn)(struct db *db, void *arg);

/*
 * Runs fn in a transaction and commits it.  Runs it again as a whole (at most
 * DBTX_ATTEMPTS runs, 50 ms, 100 ms, ... apart) after a deadlock, a
 * certification conflict or a connection lost before COMMIT, and after a
 * connection lost during COMMIT when check says it did not commit.  Returns
 * fn's status (its TC_CONFLICT, TC_NOT_FOUND, ... are rules, never repeated),
 * TC_OK once committed, or TC_UNAVAILABLE when it did not get through or its
 * outcome is unknown.  check may be NULL.
 */
tc_status	dbtx_run(struct db *db, dbtx_fn fn, dbtx_check_fn check, void *arg);

#endif
