/* teacher.c - the teachers of a school and their groups. */
#include "teacher.h"

#include <stdlib.h>
#include <string.h>

#include "limits.h"

enum { SQL_COUNT, SQL_LIST };

static const char *const sql[] = {
	[SQL_COUNT] = "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND role = 'teacher'",
	[SQL_LIST] = "SELECT u.id, u.name, u.email, u.status, u.las_key IS NOT NULL,"
	    " (SELECT JSON_ARRAYAGG(JSON_OBJECT('id', g.id, 'name', g.name,"
	    " 'school_year', CONCAT(g.year_start, '-', g.year_start + 1), 'status', g.status))"
	    " FROM teacher_groups tg JOIN school_groups g ON g.tenant_id = tg.tenant_id"
	    " AND g.id = tg.group_id WHERE tg.tenant_id = u.tenant_id AND tg.user_id = u.id)"
	    " FROM users u WHERE u.tenant_id = ? AND u.role = 'teacher'"
	    " ORDER BY u.name, u.id LIMIT ? OFFSET ?",
};

struct list_ctx {
	tc_status	(*fn)(void *, const struct teacher *);
	void		*arg;
};

static tc_status
list_row(void *arg, const struct db_row *row)
{
	struct list_ctx *l = arg;
	struct teacher t = {
		.id = strtoull(row->vals[0], NULL, 10),
		.name = row->vals[1],
		.email = row->vals[2],
		.active = strcmp(row->vals[3], "active") == 0,
		.from_las = row->vals[4] != NULL && strcmp(row->vals[4], "1") == 0,
		.groups_json = row->vals[5] != NULL ? row->vals[5] : "[]",
	};

	return l->fn(l->arg, &t);
}

tc_status
teacher_list(struct db *db, uint64_t tenant_id, unsigned limit, unsigned offset,
    tc_status (*fn)(void *, const struct teacher *), void *arg, uint64_t *total)
{
	struct list_ctx l = { fn, arg };
	long long n;
	tc_status st;

	if (limit == 0 || limit > TC_LIST_LIMIT_MAX)
		return TC_INVALID;
	if ((st = db_query_int(db, sql[SQL_COUNT], DB_ARGS(DB_INT(tenant_id)), &n)) != TC_OK)
		return st;
	*total = (uint64_t)n;
	if (offset >= *total)
		return TC_OK;
	return db_query(db, sql[SQL_LIST], DB_ARGS(DB_INT(tenant_id), DB_INT(limit),
	    DB_INT(offset)), list_row, &l);
}
