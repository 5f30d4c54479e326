/*
 * db.h - one MariaDB connection with its prepared statements.
 *
 * A connection belongs to one thread.  Statements are constants kept by each
 * module in a table; db_exec and db_query prepare each once per connection
 * (keyed by the address of its text) and always bind parameters: there is no
 * way to run SQL built from strings.  After a lost connection the next call
 * reconnects; a statement that found the server gone outside a transaction
 * is retried once.
 */
#ifndef TC_DB_H
#define TC_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "status.h"

struct db;

enum db_type { DBV_NULL, DBV_INT, DBV_STR };

/* One bound parameter.  Strings are borrowed for the call only. */
struct db_val {
	enum db_type	 type;
	long long	 i;
	const char	*s;
	size_t		 len;
};

#define DB_INT(v)	((struct db_val){ .type = DBV_INT, .i = (long long)(v) })
#define DB_STR(v)	db_str(v)
#define DB_STRN(v, n)	((struct db_val){ .type = DBV_STR, .s = (v), .len = (n) })
#define DB_NULLV	((struct db_val){ .type = DBV_NULL })
/* DB_ARGS(a, b, c) expands to "array, count" for db_exec and db_query. */
#define DB_ARGS(...)	(const struct db_val[]){ __VA_ARGS__ }, \
	(sizeof((const struct db_val[]){ __VA_ARGS__ }) / sizeof(struct db_val))
#define DB_NOARGS	NULL, 0

/* A string parameter; NULL binds SQL NULL. */
struct db_val	db_str(const char *s);

/* One row of a result: every column as text (NULL when SQL NULL). */
struct db_row {
	size_t		  ncols;
	const char	**vals;
	const unsigned long *lens;
};

/* Called once per row; a status other than TC_OK stops and is returned. */
typedef tc_status (*db_row_fn)(void *arg, const struct db_row *row);

/* Connects (or returns TC_UNAVAILABLE, and a later call retries). The
 * connection is freed with db_close(). */
tc_status	db_open(const struct config *cfg, struct db **out);
void		db_close(struct db *);

/* Makes sure the server answers; reconnects if needed. */
tc_status	db_ping(struct db *);

/* Runs a statement without result rows.  affected and insert_id may be NULL. */
tc_status	db_exec(struct db *, const char *sql, const struct db_val *args, size_t nargs,
		    uint64_t *affected, uint64_t *insert_id);

/* Runs a statement and calls fn for each row. */
tc_status	db_query(struct db *, const char *sql, const struct db_val *args, size_t nargs,
		    db_row_fn fn, void *arg);

/* Runs a statement expected to give at most one row with one integer column.
 * TC_NOT_FOUND when there is no row. */
tc_status	db_query_int(struct db *, const char *sql, const struct db_val *args,
		    size_t nargs, long long *out);

/* Explicit transactions.  db_rollback is safe to call when none is open. */
tc_status	db_begin(struct db *);
tc_status	db_commit(struct db *);
void		db_rollback(struct db *);
bool		db_in_transaction(const struct db *);

/*
 * Why the current transaction's last call failed, for dbtx.h: a deadlock or a
 * Galera certification conflict (rolled back: may run again), or a lost
 * connection (rolled back if it was lost before COMMIT; unknown during it).
 * db_begin resets it.
 */
enum db_fault { DB_FAULT_NONE, DB_FAULT_RETRY, DB_FAULT_GONE };
enum db_fault	db_fault(const struct db *);

/* Runs SQL text without parameters: for migrations (tcctl) only. */
tc_status	db_run_script(struct db *, const char *sql, char *err, size_t errlen);

/* Counts of reconnects and errors since start, for /metrics. */
void		db_counters(const struct db *, uint64_t *reconnects, uint64_t *errors);

/*
 * What of a server error's text may be logged (issue 19): for the errors
 * whose text quotes a row's values (duplicate key, wrong value) only the key
 * or column name, written into buf; any other text is msg itself.
 */
const char	*db_error_loggable(unsigned int err, const char *msg, char *buf, size_t size);

#endif
