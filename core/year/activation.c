/* activation.c - switch the active school year in one transaction. */
#include "activation.h"

#include <string.h>

#include "audit.h"

enum { SQL_ACTIVE, SQL_REGISTER, SQL_UNSET, SQL_SET };

static const char *const sql[] = {
	[SQL_ACTIVE] = "SELECT year_start FROM school_years WHERE tenant_id = ? AND active = 1",
	[SQL_REGISTER] = "INSERT IGNORE INTO school_years (tenant_id, year_start) VALUES (?, ?)",
	[SQL_UNSET] = "UPDATE school_years SET active = NULL WHERE tenant_id = ? AND active = 1",
	[SQL_SET] = "UPDATE school_years SET active = 1, activated_at = NOW(), activated_by = ?"
	    " WHERE tenant_id = ? AND year_start = ?",
};

tc_status
activation_activate(struct db *db, uint64_t t, int year, const char *by, bool *done)
{
	long long active = 0;
	tc_status st;

	*done = false;
	if ((st = db_begin(db)) != TC_OK)
		return st;
	st = db_query_int(db, sql[SQL_ACTIVE], DB_ARGS(DB_INT(t)), &active);
	if (st == TC_NOT_FOUND)
		st = TC_OK;
	if (st == TC_OK && active >= year) {
		db_rollback(db);
		return TC_OK;	/* this year (or a later one) is active already */
	}
	if (st == TC_OK)
		st = db_exec(db, sql[SQL_REGISTER], DB_ARGS(DB_INT(t), DB_INT(year)), NULL, NULL);
	if (st == TC_OK)
		st = db_exec(db, sql[SQL_UNSET], DB_ARGS(DB_INT(t)), NULL, NULL);
	if (st == TC_OK)
		st = db_exec(db, sql[SQL_SET], DB_ARGS(DB_STR(by), DB_INT(t), DB_INT(year)), NULL, NULL);
	if (st == TC_OK)
		st = audit_write(db, t, strcmp(by, "operator") == 0 ? AUDIT_OPERATOR : AUDIT_SYSTEM, 0,
		    strcmp(by, "auto") == 0 ? "school_year_activate_auto" : "school_year_activate",
		    "school_year", NULL, 1);
	if (st == TC_OK)
		st = db_commit(db);
	else
		db_rollback(db);
	*done = st == TC_OK;
	return st;
}
