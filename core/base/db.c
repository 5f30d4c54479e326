/* db.c - MariaDB Connector/C with prepared statements cached per connection. */
#include "db.h"

#include <errno.h>
#include <poll.h>
#include <mysql.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

struct stmt_slot {
	const char	*sql;		/* the module's constant: identity is the address */
	MYSQL_STMT	*stmt;
};

struct db {
	const struct config *cfg;
	MYSQL		*my;		/* NULL while disconnected */
	bool		 in_tx;
	size_t		 nstmts;
	struct stmt_slot stmts[TC_STMT_CACHE_MAX];
	uint64_t	 reconnects;
	uint64_t	 errors;
	enum db_fault	 fault;		/* of the last failure, reset by db_begin */
};

static const struct log_ctx dbctx = { NULL, NULL, "db" };

struct db_val
db_str(const char *s)
{
	if (s == NULL)
		return (struct db_val){ .type = DBV_NULL };
	return (struct db_val){ .type = DBV_STR, .s = s, .len = strlen(s) };
}

static void
db_disconnect(struct db *db)
{
	for (size_t i = 0; i < db->nstmts; i++)
		mysql_stmt_close(db->stmts[i].stmt);
	db->nstmts = 0;
	if (db->my != NULL)
		mysql_close(db->my);
	db->my = NULL;
	db->in_tx = false;
}

/*
 * TLS to MariaDB (issue 19), kept apart from the connect path so that it goes
 * with whichever server that path picks.  With db.tls the connection is TLS
 * or nothing (MYSQL_OPT_SSL_ENFORCE), and the server's certificate must be
 * signed by db.tls_ca (empty: the system's CAs) and name the host connected
 * to (MYSQL_OPT_SSL_VERIFY_SERVER_CERT); db.tls_cert/db.tls_key give a client
 * certificate for accounts created REQUIRE X509.  Over a unix socket TLS is
 * not used (the server counts a socket as secure).
 */
static int
db_tls_options(MYSQL *my, const struct config *cfg)
{
	my_bool on = 1;

	if (!cfg->db_tls || cfg->db_socket[0] != '\0')
		return 0;
	if (mysql_optionsv(my, MYSQL_OPT_SSL_ENFORCE, &on) != 0 ||
	    mysql_optionsv(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on) != 0)
		return -1;
	if (cfg->db_tls_ca[0] != '\0' && mysql_optionsv(my, MYSQL_OPT_SSL_CA, cfg->db_tls_ca) != 0)
		return -1;
	if (cfg->db_tls_cert[0] != '\0' &&
	    (mysql_optionsv(my, MYSQL_OPT_SSL_CERT, cfg->db_tls_cert) != 0 ||
	    mysql_optionsv(my, MYSQL_OPT_SSL_KEY, cfg->db_tls_key) != 0))
		return -1;
	return 0;
}

static tc_status
db_connect(struct db *db)
{
	const struct config *cfg = db->cfg;
	unsigned int timeout = 5, rwtimeout = 60;
	my_bool off = 0;
	MYSQL *my;

	if ((my = mysql_init(NULL)) == NULL)
		return TC_INTERNAL;
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rwtimeout);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &rwtimeout);
	mysql_options(my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', collation_connection = 'utf8mb4_uca1400_ai_ci'");
	if (db_tls_options(my, cfg) != 0) {
		log_msg(TC_LOG_ERROR, &dbctx, "TLS options refused by the client library");
		mysql_close(my);
		return TC_INTERNAL;
	}
	if (mysql_real_connect(my,
	    cfg->db_socket[0] != '\0' ? NULL : cfg->db_host,
	    cfg->db_user, cfg->db_password, cfg->db_name,
	    cfg->db_socket[0] != '\0' ? 0 : (unsigned)cfg->db_port,
	    cfg->db_socket[0] != '\0' ? cfg->db_socket : NULL, 0) == NULL) {
		log_msg(TC_LOG_WARN, &dbctx, "connect failed: %s", mysql_error(my));
		mysql_close(my);
		db->errors++;
		return TC_UNAVAILABLE;
	}
	db->my = my;
	return TC_OK;
}

static tc_status	db_connect_wait(struct db *);

tc_status
db_open(const struct config *cfg, struct db **out)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return TC_INTERNAL;
	db->cfg = cfg;
	*out = db;
	/* A server that is down now is no reason to fail: calls reconnect. */
	return db_connect_wait(db);
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

static bool
db_gone(unsigned int err)
{
	return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST ||
	    err == CR_CONNECTION_ERROR || err == CR_CONN_HOST_ERROR ||
	    err == CR_COMMANDS_OUT_OF_SYNC || err == 1927 /* ER_CONNECTION_KILLED */ ||
	    /* Over TLS a server that went away is "unexpected eof" here. */
	    err == CR_SSL_CONNECTION_ERROR ||
	    err == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */ ||
	    /* Galera: this node is not Synced or not in the primary component
	     * (ER_UNKNOWN_COM_ERROR "WSREP has not yet prepared node"): leave
	     * it, the proxy sends the next connection to one that is. */
	    err == 1047;
}

/*
 * Connects if needed.  With db.failover_seconds, a connection that cannot be
 * made is tried again with a back-off (100 ms doubling to 1 s) for that long:
 * the time a proxy needs to take a dead Galera node out (docs/scaling.md).
 */
static tc_status
db_connect_wait(struct db *db)
{
	struct timespec t0, now;
	long delay = 100;
	tc_status st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if ((st = db_connect(db)) != TC_UNAVAILABLE)
			return st;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000L + (now.tv_nsec - t0.tv_nsec) / 1000000L + delay >
		    db->cfg->db_failover_seconds * 1000L)
			return st;
		nanosleep(&(struct timespec){ delay / 1000, (delay % 1000) * 1000000L }, NULL);
		delay = delay * 2 > 1000 ? 1000 : delay * 2;
	}
}

/*
 * True when the server closed an idle connection (restarted, killed it):
 * outside a transaction nothing is owed to us, so a readable socket means
 * its end (EOF, a TLS close or an error packet).  A plain socket would say
 * "gone" before a statement ran; over TLS the statement would be sent and
 * lost without knowing whether it ran, so the dead connection is found first.
 */
static bool
db_closed_by_server(struct db *db)
{
	struct pollfd p = { .fd = mysql_get_socket(db->my), .events = POLLIN };

	return !db->in_tx && p.fd >= 0 && poll(&p, 1, 0) > 0;
}

static tc_status
db_ensure(struct db *db)
{
	if (db->my != NULL && db_closed_by_server(db)) {
		log_msg(TC_LOG_INFO, &dbctx, "the server closed the connection: opening a new one");
		db_disconnect(db);
	}
	if (db->my != NULL)
		return TC_OK;
	db->reconnects++;
	return db_connect_wait(db);
}

tc_status
db_ping(struct db *db)
{
	tc_status st;

	if ((st = db_ensure(db)) != TC_OK)
		return st;
	if (mysql_ping(db->my) == 0)
		return TC_OK;
	db_disconnect(db);
	if ((st = db_ensure(db)) != TC_OK)
		return st;
	return mysql_ping(db->my) == 0 ? TC_OK : TC_UNAVAILABLE;
}

/*
 * The server's text of an error, or what of it may be logged (issue 19):
 * texts that quote the values of a row ("Duplicate entry 'ECK-iD' for key
 * ...", "Incorrect date value: '...'") can hold an ECK-iD, a LAS key or an
 * e-mail address, so of those only the key or column name is kept.
 */
const char *
db_error_loggable(unsigned int err, const char *msg, char *buf, size_t size)
{
	const char *name;

	switch (err) {
	case 1062:	/* ER_DUP_ENTRY: Duplicate entry '<values>' for key '<name>' */
	case 1586:	/* ER_DUP_ENTRY_WITH_KEY_NAME */
		name = msg != NULL ? strstr(msg, "' for key ") : NULL;
		snprintf(buf, size, "duplicate entry for key %.80s",
		    name != NULL ? name + 10 : "(unnamed)");
		return buf;
	case 1292:	/* ER_TRUNCATED_WRONG_VALUE: Incorrect <type> value: '<value>' ... */
	case 1366:	/* ER_TRUNCATED_WRONG_VALUE_FOR_FIELD */
	case 1367:	/* ER_ILLEGAL_VALUE_FOR_TYPE */
	case 1411:	/* ER_WRONG_VALUE_FOR_TYPE */
	case 1525:	/* ER_WRONG_VALUE */
	case 1265:	/* WARN_DATA_TRUNCATED */
		name = msg != NULL ? strstr(msg, " for column ") : NULL;
		snprintf(buf, size, "wrong value%.80s", name != NULL ? name : "");
		return buf;
	default:
		return msg;
	}
}

/* Maps a server error to a status; drops the connection when it is gone. */
static tc_status
db_fail(struct db *db, unsigned int err, const char *what, const char *text)
{
	char safe[160];
	const char *msg = db_error_loggable(err, text, safe, sizeof(safe));

	db->errors++;
	if (db_gone(err)) {
		log_msg(TC_LOG_WARN, &dbctx, "%s: connection lost (%u): %s", what, err, msg);
		db_disconnect(db);
		db->fault = DB_FAULT_GONE;
		return TC_UNAVAILABLE;
	}
	switch (err) {
	case 1213:	/* ER_LOCK_DEADLOCK, also Galera's certification conflict */
	case 1205:	/* ER_LOCK_WAIT_TIMEOUT */
	case 1180:	/* ER_ERROR_DURING_COMMIT: Galera could not replicate it */
		/* The transaction is rolled back: it may run again as a whole
		 * (dbtx.h); until then it is "try again", not a rule. */
		log_msg(TC_LOG_INFO, &dbctx, "%s: %u: %s", what, err, msg);
		db->fault = DB_FAULT_RETRY;
		return TC_UNAVAILABLE;
	case 1062:	/* ER_DUP_ENTRY */
	case 1451:	/* ER_ROW_IS_REFERENCED_2 */
	case 1452:	/* ER_NO_REFERENCED_ROW_2 */
		log_msg(TC_LOG_INFO, &dbctx, "%s: %u: %s", what, err, msg);
		return TC_CONFLICT;
	case 1406:	/* ER_DATA_TOO_LONG */
	case 1366:	/* ER_TRUNCATED_WRONG_VALUE_FOR_FIELD */
	case 1292:	/* ER_TRUNCATED_WRONG_VALUE */
		log_msg(TC_LOG_INFO, &dbctx, "%s: %u: %s", what, err, msg);
		return TC_INVALID;
	default:
		log_msg(TC_LOG_ERROR, &dbctx, "%s: %u: %s", what, err, msg);
		return TC_INTERNAL;
	}
}

static tc_status
db_prepare(struct db *db, const char *sql, MYSQL_STMT **out)
{
	MYSQL_STMT *stmt;
	my_bool on = 1;
	tc_status st;

	for (size_t i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql) {
			*out = db->stmts[i].stmt;
			return TC_OK;
		}
	if ((stmt = mysql_stmt_init(db->my)) == NULL)
		return db_fail(db, mysql_errno(db->my), "stmt_init", mysql_error(db->my));
	if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
		unsigned int err = mysql_stmt_errno(stmt);
		char msg[512];

		snprintf(msg, sizeof(msg), "%s [%.120s]", mysql_stmt_error(stmt), sql);
		mysql_stmt_close(stmt);
		return db_fail(db, err, "prepare", msg);
	}
	mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (db->nstmts < TC_STMT_CACHE_MAX) {
		db->stmts[db->nstmts].sql = sql;
		db->stmts[db->nstmts].stmt = stmt;
		db->nstmts++;
		*out = stmt;
		return TC_OK;
	}
	/* A module holding more statements than the cache is a programmer error. */
	mysql_stmt_close(stmt);
	st = TC_INTERNAL;
	log_msg(TC_LOG_ERROR, &dbctx, "statement cache full (%d)", TC_STMT_CACHE_MAX);
	return st;
}

static tc_status
db_bind_args(struct db *db, MYSQL_STMT *stmt, const struct db_val *args, size_t nargs)
{
	MYSQL_BIND bind[TC_SQL_PARAMS_MAX];

	if (nargs > TC_SQL_PARAMS_MAX || nargs != mysql_stmt_param_count(stmt)) {
		log_msg(TC_LOG_ERROR, &dbctx, "statement wants %lu parameters, got %zu",
		    mysql_stmt_param_count(stmt), nargs);
		return TC_INTERNAL;
	}
	if (nargs == 0)
		return TC_OK;
	memset(bind, 0, sizeof(bind));
	for (size_t i = 0; i < nargs; i++) {
		switch (args[i].type) {
		case DBV_NULL:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DBV_INT:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)&args[i].i;
			break;
		case DBV_STR:
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = (void *)(args[i].s != NULL ? args[i].s : "");
			bind[i].buffer_length = args[i].len;
			/* NULL: the library uses buffer_length of its own copy of the
			 * bind.  A pointer into this local array would dangle by
			 * the time mysql_stmt_execute reads it. */
			bind[i].length = NULL;
			break;
		}
	}
	if (mysql_stmt_bind_param(stmt, bind) != 0)
		return db_fail(db, mysql_stmt_errno(stmt), "bind", mysql_stmt_error(stmt));
	return TC_OK;
}

/* Prepares, binds and executes; retries once on a connection found gone. */
static tc_status
db_run(struct db *db, const char *sql, const struct db_val *args, size_t nargs,
    MYSQL_STMT **out)
{
	MYSQL_STMT *stmt;
	tc_status st;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		bool was_tx = db->in_tx;

		if ((st = db_ensure(db)) != TC_OK)
			return st;
		if ((st = db_prepare(db, sql, &stmt)) == TC_OK &&
		    (st = db_bind_args(db, stmt, args, nargs)) == TC_OK) {
			if (mysql_stmt_execute(stmt) == 0) {
				*out = stmt;
				return TC_OK;
			}
			unsigned int err = mysql_stmt_errno(stmt);
			st = db_fail(db, err, "execute", mysql_stmt_error(stmt));
			/* Only "gone before it ran", or a read, is safe to repeat
			 * (over TLS a lost server is CR_SSL_CONNECTION_ERROR). */
			if (err != CR_SERVER_GONE_ERROR &&
			    !((err == CR_SERVER_LOST || err == CR_SSL_CONNECTION_ERROR) &&
			    strncmp(sql, "SELECT", 6) == 0))
				return st;
		}
		if (st != TC_UNAVAILABLE || was_tx)
			return st;
	}
	return st;
}

tc_status
db_exec(struct db *db, const char *sql, const struct db_val *args, size_t nargs,
    uint64_t *affected, uint64_t *insert_id)
{
	MYSQL_STMT *stmt;
	tc_status st;

	if ((st = db_run(db, sql, args, nargs, &stmt)) != TC_OK)
		return st;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(stmt);
	if (insert_id != NULL)
		*insert_id = mysql_stmt_insert_id(stmt);
	mysql_stmt_free_result(stmt);
	return TC_OK;
}

tc_status
db_query(struct db *db, const char *sql, const struct db_val *args, size_t nargs,
    db_row_fn fn, void *arg)
{
	MYSQL_STMT *stmt;
	MYSQL_RES *meta = NULL;
	MYSQL_FIELD *fields;
	MYSQL_BIND *bind = NULL;
	char **bufs = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	const char **vals = NULL;
	unsigned int ncols = 0;
	struct db_row row;
	tc_status st;
	int rc;

	if ((st = db_run(db, sql, args, nargs, &stmt)) != TC_OK)
		return st;
	if ((meta = mysql_stmt_result_metadata(stmt)) == NULL) {
		st = TC_INTERNAL;
		goto out;
	}
	if (mysql_stmt_store_result(stmt) != 0) {
		st = db_fail(db, mysql_stmt_errno(stmt), "store", mysql_stmt_error(stmt));
		goto out;
	}
	ncols = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	bind = calloc(ncols, sizeof(*bind));
	bufs = calloc(ncols, sizeof(*bufs));
	lens = calloc(ncols, sizeof(*lens));
	nulls = calloc(ncols, sizeof(*nulls));
	vals = calloc(ncols, sizeof(*vals));
	if (bind == NULL || bufs == NULL || lens == NULL || nulls == NULL || vals == NULL) {
		st = TC_INTERNAL;
		goto out;
	}
	for (unsigned int i = 0; i < ncols; i++) {
		size_t size = fields[i].max_length < 64 ? 64 : fields[i].max_length;

		if ((bufs[i] = malloc(size + 1)) == NULL) {
			st = TC_INTERNAL;
			goto out;
		}
		bind[i].buffer_type = MYSQL_TYPE_STRING;
		bind[i].buffer = bufs[i];
		bind[i].buffer_length = size + 1;
		bind[i].length = &lens[i];
		bind[i].is_null = &nulls[i];
	}
	if (mysql_stmt_bind_result(stmt, bind) != 0) {
		st = db_fail(db, mysql_stmt_errno(stmt), "bind_result", mysql_stmt_error(stmt));
		goto out;
	}
	row.ncols = ncols;
	row.vals = vals;
	row.lens = lens;
	while ((rc = mysql_stmt_fetch(stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		for (unsigned int i = 0; i < ncols; i++) {
			if (nulls[i]) {
				vals[i] = NULL;
				continue;
			}
			bufs[i][lens[i] < bind[i].buffer_length ? lens[i] : bind[i].buffer_length - 1] = '\0';
			vals[i] = bufs[i];
		}
		if ((st = fn(arg, &row)) != TC_OK)
			goto out;
	}
	if (rc == 1)
		st = db_fail(db, mysql_stmt_errno(stmt), "fetch", mysql_stmt_error(stmt));
out:
	if (db->my != NULL)
		mysql_stmt_free_result(stmt);
	if (meta != NULL)
		mysql_free_result(meta);
	if (bufs != NULL)
		for (unsigned int i = 0; i < ncols; i++)
			free(bufs[i]);
	free(bufs);
	free(bind);
	free(lens);
	free(nulls);
	free(vals);
	return st;
}

struct int_result {
	bool		found;
	long long	value;
};

static tc_status
db_int_row(void *arg, const struct db_row *row)
{
	struct int_result *r = arg;

	r->found = true;
	r->value = row->vals[0] != NULL ? strtoll(row->vals[0], NULL, 10) : 0;
	return TC_OK;
}

tc_status
db_query_int(struct db *db, const char *sql, const struct db_val *args, size_t nargs,
    long long *out)
{
	struct int_result r = { false, 0 };
	tc_status st;

	if ((st = db_query(db, sql, args, nargs, db_int_row, &r)) != TC_OK)
		return st;
	if (!r.found)
		return TC_NOT_FOUND;
	*out = r.value;
	return TC_OK;
}

static tc_status
db_simple(struct db *db, const char *what)
{
	if (mysql_real_query(db->my, what, strlen(what)) != 0)
		return db_fail(db, mysql_errno(db->my), what, mysql_error(db->my));
	return TC_OK;
}

tc_status
db_begin(struct db *db)
{
	tc_status st;

	if (db->in_tx) {
		log_msg(TC_LOG_ERROR, &dbctx, "nested transaction");
		return TC_INTERNAL;
	}
	db->fault = DB_FAULT_NONE;
	if ((st = db_ensure(db)) != TC_OK)
		return st;
	if ((st = db_simple(db, "START TRANSACTION")) != TC_OK) {
		/* A stale connection: one fresh try, nothing has run yet. */
		if (st != TC_UNAVAILABLE || (st = db_ensure(db)) != TC_OK ||
		    (st = db_simple(db, "START TRANSACTION")) != TC_OK)
			return st;
	}
	db->in_tx = true;
	db->fault = DB_FAULT_NONE;
	return TC_OK;
}

tc_status
db_commit(struct db *db)
{
	tc_status st;

	if (!db->in_tx || db->my == NULL)
		return TC_UNAVAILABLE;
	st = db_simple(db, "COMMIT");
	db->in_tx = false;
	return st;
}

void
db_rollback(struct db *db)
{
	if (db->in_tx && db->my != NULL)
		(void)db_simple(db, "ROLLBACK");
	db->in_tx = false;
}

bool
db_in_transaction(const struct db *db)
{
	return db->in_tx;
}

tc_status
db_run_script(struct db *db, const char *sql, char *err, size_t errlen)
{
	tc_status st;
	int rc;

	if ((st = db_ensure(db)) != TC_OK) {
		snprintf(err, errlen, "database unavailable");
		return st;
	}
	mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_ON);
	rc = mysql_real_query(db->my, sql, strlen(sql));
	while (rc == 0) {
		MYSQL_RES *res = mysql_store_result(db->my);

		if (res != NULL)
			mysql_free_result(res);
		if ((rc = mysql_next_result(db->my)) == -1) {
			rc = 0;
			break;
		}
	}
	if (rc != 0)
		snprintf(err, errlen, "%u: %s", mysql_errno(db->my), mysql_error(db->my));
	mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return rc == 0 ? TC_OK : TC_INTERNAL;
}

enum db_fault
db_fault(const struct db *db)
{
	return db->fault;
}

void
db_counters(const struct db *db, uint64_t *reconnects, uint64_t *errors)
{
	*reconnects = db->reconnects;
	*errors = db->errors;
}
