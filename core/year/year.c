/* year.c - the school_years table. */
#include "year.h"

enum { SQL_ACTIVE, SQL_REGISTER, SQL_ACTIVATE_FIRST, SQL_DUE, SQL_HAS_GROUPS };

static const char *const sql[] = {
	[SQL_ACTIVE] = "SELECT year_start FROM school_years WHERE tenant_id = ? AND active = 1",
	[SQL_REGISTER] = "INSERT IGNORE INTO school_years (tenant_id, year_start) VALUES (?, ?)",
	[SQL_ACTIVATE_FIRST] = "UPDATE school_years SET active = 1, activated_at = UTC_TIMESTAMP(),"
	    " activated_by = 'operator' WHERE tenant_id = ? AND year_start = ?"
	    " AND NOT EXISTS (SELECT 1 FROM (SELECT year_start FROM school_years"
	    " WHERE tenant_id = ? AND active = 1) AS a)",
	/* Activated automatically, and no import of that year applied since. */
	[SQL_DUE] = "SELECT y.year_start FROM school_years y WHERE y.tenant_id = ?"
	    " AND y.active = 1 AND y.activated_by = 'auto' AND NOT EXISTS (SELECT 1"
	    " FROM import_runs r WHERE r.tenant_id = y.tenant_id AND r.year_start = y.year_start"
	    " AND r.kind <> 'sync')",
	[SQL_HAS_GROUPS] = "SELECT COUNT(*) FROM school_groups WHERE tenant_id = ?"
	    " AND year_start = ?",
};

tc_status
year_active(struct db *db, uint64_t tenant_id, int *year_start)
{
	long long y;
	tc_status st;

	if ((st = db_query_int(db, sql[SQL_ACTIVE], DB_ARGS(DB_INT(tenant_id)), &y)) != TC_OK)
		return st;
	*year_start = (int)y;
	return TC_OK;
}

tc_status
year_register(struct db *db, uint64_t tenant_id, int year_start)
{
	return db_exec(db, sql[SQL_REGISTER], DB_ARGS(DB_INT(tenant_id), DB_INT(year_start)),
	    NULL, NULL);
}

tc_status
year_set_first_active(struct db *db, uint64_t tenant_id, int year_start)
{
	int cur;
	tc_status st;

	st = year_active(db, tenant_id, &cur);
	if (st == TC_OK)
		return cur == year_start ? TC_OK : TC_CONFLICT;
	if (st != TC_NOT_FOUND)
		return st;
	if ((st = year_register(db, tenant_id, year_start)) != TC_OK)
		return st;
	return db_exec(db, sql[SQL_ACTIVATE_FIRST], DB_ARGS(DB_INT(tenant_id),
	    DB_INT(year_start), DB_INT(tenant_id)), NULL, NULL);
}


tc_status
year_import_due(struct db *db, uint64_t tenant_id, bool has_las_link, int *year_start)
{
	long long y, groups = 0;
	tc_status st;

	*year_start = 0;
	st = db_query_int(db, sql[SQL_DUE], DB_ARGS(DB_INT(tenant_id)), &y);
	if (st != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;
	/* Without a LAS link, a year the school filled by hand is done too. */
	if (!has_las_link && (st = db_query_int(db, sql[SQL_HAS_GROUPS],
	    DB_ARGS(DB_INT(tenant_id), DB_INT(y)), &groups)) != TC_OK)
		return st;
	if (groups == 0)
		*year_start = (int)y;
	return TC_OK;
}
