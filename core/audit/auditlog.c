/* auditlog.c - the audit_log table, read side. */
#include "auditlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

/* Parameters: tenant, from, to, action?, action. */
#define WHERE " FROM audit_log WHERE tenant_id = ? AND at >= FROM_UNIXTIME(?)" \
	" AND at < FROM_UNIXTIME(?) AND (? IS NULL OR action = ?)"

enum { SQL_COUNT, SQL_LIST };

static const char *const sql[] = {
	[SQL_COUNT] = "SELECT COUNT(*)" WHERE,
	/* at is DATETIME(3): "YYYY-MM-DD HH:MM:SS.mmm" with a T, Z added below. */
	[SQL_LIST] = "SELECT id, REPLACE(CAST(at AS CHAR), ' ', 'T'), actor_kind, actor_id,"
	    " action, object_kind, object_ids, count" WHERE " ORDER BY at DESC, id DESC"
	    " LIMIT ? OFFSET ?",
};

bool
auditlog_action_valid(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return false;
	return n >= 1 && n <= 64;
}

struct list_ctx {
	tc_status	(*fn)(void *, const struct auditlog_entry *);
	void		*arg;
};

static tc_status
list_row(void *arg, const struct db_row *row)
{
	struct list_ctx *l = arg;
	char at[32];
	struct auditlog_entry e = {
		.id = strtoull(row->vals[0], NULL, 10),
		.actor_kind = row->vals[2],
		.actor_id = row->vals[3] != NULL ? strtoull(row->vals[3], NULL, 10) : 0,
		.action = row->vals[4],
		.object_kind = row->vals[5],
		.object_ids = row->vals[6] != NULL ? row->vals[6] : "",
		.count = strtoul(row->vals[7], NULL, 10),
	};

	/* %f gives microseconds: keep milliseconds. */
	snprintf(at, sizeof(at), "%.23sZ", row->vals[1]);
	e.at = at;
	return l->fn(l->arg, &e);
}

tc_status
auditlog_list(struct db *db, uint64_t tenant_id, const struct auditlog_filter *f,
    tc_status (*fn)(void *, const struct auditlog_entry *), void *arg, uint64_t *total)
{
	struct list_ctx l = { fn, arg };
	/* 2147483647 is the largest FROM_UNIXTIME of MariaDB 10.11. */
	long long from = f->from, to = f->to != 0 ? f->to : 2147483647LL;
	long long n;
	tc_status st;

	if (f->limit == 0 || f->limit > TC_LIST_LIMIT_MAX)
		return TC_INVALID;
	if (from < 1)
		from = 1;
	if (to > 2147483647LL)
		to = 2147483647LL;
	if (from > to)
		from = to;
	st = db_query_int(db, sql[SQL_COUNT], DB_ARGS(DB_INT(tenant_id), DB_INT(from), DB_INT(to),
	    DB_STR(f->action), DB_STR(f->action)), &n);
	if (st != TC_OK)
		return st;
	*total = (uint64_t)n;
	if (f->offset >= *total)
		return TC_OK;
	return db_query(db, sql[SQL_LIST], DB_ARGS(DB_INT(tenant_id), DB_INT(from), DB_INT(to),
	    DB_STR(f->action), DB_STR(f->action), DB_INT(f->limit), DB_INT(f->offset)),
	    list_row, &l);
}
