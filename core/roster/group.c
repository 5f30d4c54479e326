/* group.c - the school_groups, group_members and teacher_groups tables. */
#include "group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "student.h"
#include "year.h"

#define GROUP_COLS "g.id, g.year_start, g.kind, g.name, g.jaargroep, g.status," \
	" DATE_FORMAT(g.deactivated_at, '%Y-%m-%dT%H:%i:%sZ'), g.las_key IS NOT NULL," \
	" (SELECT COUNT(*) FROM group_members c WHERE c.tenant_id = g.tenant_id" \
	" AND c.group_id = g.id)"

#define TEACHER_SEES_GROUP " AND (? = 0 OR EXISTS (SELECT 1 FROM teacher_groups tg" \
	" WHERE tg.tenant_id = g.tenant_id AND tg.group_id = g.id AND tg.user_id = ?))"

/* Parameters: tenant, status (NULL: all), status, year (0: all), year,
 * teacher?, teacher, like (NULL: no search), like. */
#define LIST_WHERE " FROM school_groups g WHERE g.tenant_id = ?" \
	" AND (? IS NULL OR g.status = ?) AND (? = 0 OR g.year_start = ?)" TEACHER_SEES_GROUP \
	" AND (? IS NULL OR g.name LIKE ?)"

#define LIST_SQL(order) "SELECT " GROUP_COLS LIST_WHERE " ORDER BY " order " LIMIT ? OFFSET ?"

static const char *const sql_list[GROUP_SORT_MAX] = {
	[GROUP_SORT_NAME] = LIST_SQL("g.year_start DESC, g.name, g.id"),
	[GROUP_SORT_NAME_DESC] = LIST_SQL("g.year_start DESC, g.name DESC, g.id DESC"),
	[GROUP_SORT_JAARGROEP] = LIST_SQL("g.year_start DESC, g.jaargroep, g.name, g.id"),
	[GROUP_SORT_JAARGROEP_DESC] = LIST_SQL("g.year_start DESC, g.jaargroep DESC, g.name, g.id"),
	[GROUP_SORT_ID] = LIST_SQL("g.id"),
};

static const char *const sort_names[GROUP_SORT_MAX] = {
	[GROUP_SORT_NAME] = "name",
	[GROUP_SORT_NAME_DESC] = "-name",
	[GROUP_SORT_JAARGROEP] = "jaargroep",
	[GROUP_SORT_JAARGROEP_DESC] = "-jaargroep",
	[GROUP_SORT_ID] = "id",
};

#define MEMBERSHIP_COLS "gm.student_id, g.id, g.year_start, g.kind, g.name, g.status," \
	" DATE_FORMAT(gm.created_at, '%Y-%m-%dT%H:%i:%sZ')"

enum {
	SQL_COUNT, SQL_GET, SQL_NAME_TAKEN, SQL_INSERT, SQL_LOCK_ONE, SQL_UPDATE,
	SQL_ADD_MEMBERS, SQL_REMOVE_MEMBERS, SQL_TEACHER_IDS, SQL_ADD_TEACHERS,
	SQL_REMOVE_TEACHERS, SQL_DEACTIVATE_YEAR_IDS, SQL_MEMBERSHIPS_ACTIVE,
	SQL_MEMBERSHIPS_OF, SQL_TEACHERS_OF
};

static const char *const sql[] = {
	[SQL_COUNT] = "SELECT COUNT(*)" LIST_WHERE,
	[SQL_GET] = "SELECT " GROUP_COLS " FROM school_groups g WHERE g.tenant_id = ? AND g.id = ?"
	    TEACHER_SEES_GROUP,
	[SQL_NAME_TAKEN] = "SELECT COUNT(*) FROM school_groups WHERE tenant_id = ?"
	    " AND year_start = ? AND name = ? AND id <> ?",
	[SQL_INSERT] = "INSERT INTO school_groups (tenant_id, year_start, kind, name, jaargroep)"
	    " VALUES (?, ?, ?, ?, ?)",
	[SQL_LOCK_ONE] = "SELECT status, year_start, name FROM school_groups WHERE tenant_id = ?"
	    " AND id = ? FOR UPDATE",
	[SQL_UPDATE] = "UPDATE school_groups SET name = IF(?, ?, name), kind = IF(?, ?, kind),"
	    " jaargroep = IF(?, ?, jaargroep) WHERE tenant_id = ? AND id = ?",
	[SQL_ADD_MEMBERS] = "INSERT IGNORE INTO group_members (tenant_id, group_id, student_id)"
	    " SELECT s.tenant_id, ?, s.id FROM students s WHERE s.tenant_id = ?"
	    " AND s.id IN " IDLIST_SQL,
	/* Bulk changes join the ids (parameter 1) instead of IN: see idlist.h. */
	[SQL_REMOVE_MEMBERS] = "DELETE m FROM group_members m " IDLIST_JOIN "m.student_id"
	    " WHERE m.tenant_id = ? AND m.group_id = ?",
	[SQL_TEACHER_IDS] = "SELECT id FROM users WHERE tenant_id = ? AND role = 'teacher'"
	    " AND id IN " IDLIST_SQL,
	[SQL_ADD_TEACHERS] = "INSERT IGNORE INTO teacher_groups (tenant_id, user_id, group_id)"
	    " SELECT u.tenant_id, u.id, ? FROM users u WHERE u.tenant_id = ?"
	    " AND u.role = 'teacher' AND u.id IN " IDLIST_SQL,
	[SQL_REMOVE_TEACHERS] = "DELETE t FROM teacher_groups t " IDLIST_JOIN "t.user_id"
	    " WHERE t.tenant_id = ? AND t.group_id = ?",
	[SQL_DEACTIVATE_YEAR_IDS] = "SELECT id FROM school_groups WHERE tenant_id = ?"
	    " AND year_start = ? AND status = 'active' ORDER BY id FOR UPDATE",
	/* The page's ids drive the join, through the student index: as
	 * "student_id IN (subquery)" MariaDB read every membership of the school
	 * (5 ms for 5,000 pupils, more than the rest of the page). */
	[SQL_MEMBERSHIPS_ACTIVE] = "SELECT STRAIGHT_JOIN " MEMBERSHIP_COLS " FROM " IDLIST_TABLE
	    " JOIN group_members gm FORCE INDEX (group_members_student)"
	    " ON gm.tenant_id = ? AND gm.student_id = j.id"
	    " JOIN school_groups g ON g.tenant_id = gm.tenant_id AND g.id = gm.group_id"
	    " JOIN school_years y ON y.tenant_id = g.tenant_id AND y.year_start = g.year_start"
	    " AND y.active = 1"
	    " ORDER BY gm.student_id, g.kind, g.name, g.id",
	[SQL_MEMBERSHIPS_OF] = "SELECT " MEMBERSHIP_COLS " FROM group_members gm"
	    " JOIN school_groups g ON g.tenant_id = gm.tenant_id AND g.id = gm.group_id"
	    " WHERE gm.tenant_id = ? AND gm.student_id = ?"
	    " ORDER BY g.year_start DESC, g.kind, g.name, g.id",
	[SQL_TEACHERS_OF] = "SELECT u.id, u.name FROM teacher_groups tg JOIN users u"
	    " ON u.tenant_id = tg.tenant_id AND u.id = tg.user_id"
	    " WHERE tg.tenant_id = ? AND tg.group_id = ? ORDER BY u.name, u.id",
};

/* Archive, reactivate and delete as a set (rosterset.h). */
static const char sql_lock_ids[] = "SELECT g.id, g.status FROM school_groups g WHERE g.tenant_id = ?"
    " AND g.id IN " IDLIST_SQL " FOR UPDATE";
static const char sql_deactivate[] = "UPDATE school_groups g " IDLIST_JOIN "g.id"
    " SET g.status = 'deactivated', g.deactivated_at = UTC_TIMESTAMP()"
    " WHERE g.tenant_id = ? AND g.status = 'active'";
static const char sql_reactivate[] = "UPDATE school_groups g " IDLIST_JOIN "g.id"
    " SET g.status = 'active', g.deactivated_at = NULL"
    " WHERE g.tenant_id = ? AND g.status = 'deactivated'";
static const char *const sql_delete[] = {
	"DELETE m FROM group_members m " IDLIST_JOIN "m.group_id WHERE m.tenant_id = ?",
	"DELETE t FROM teacher_groups t " IDLIST_JOIN "t.group_id WHERE t.tenant_id = ?",
	"DELETE g FROM school_groups g " IDLIST_JOIN "g.id"
	    " WHERE g.tenant_id = ? AND g.status = 'deactivated'",
	NULL
};

const struct rosterset_kind group_set = {
	.object = "group",
	.audit_deactivate = "group_deactivate",
	.audit_reactivate = "group_reactivate",
	.audit_delete = "group_delete",
	.sql_lock = sql_lock_ids,
	.sql_deactivate = sql_deactivate,
	.sql_reactivate = sql_reactivate,
	.sql_delete = sql_delete,
	.kv_forget = NULL,
};

tc_status
group_name_normalize(const char *in, char *out, size_t size, size_t max)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;
	bool space = false;

	if (size == 0)
		return TC_INVALID;
	out[0] = '\0';
	if (in == NULL)
		return TC_INVALID;
	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t') {
			space = o > 0;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == '`' ||
		    *p == '\\')
			goto bad;
		if (o + (space ? 2 : 1) > max || o + (space ? 2 : 1) >= size)
			goto bad;
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)*p;
	}
	out[o] = '\0';
	/* Whole UTF-8 sequences only: the student rules check the encoding. */
	if (o == 0 || !student_text_valid(out))
		goto bad;
	return TC_OK;
bad:
	out[0] = '\0';
	return TC_INVALID;
}

tc_status
group_kind_parse(const char *s, bool *samengesteld)
{
	if (s == NULL || s[0] == '\0' || strcmp(s, "stamgroep") == 0) {
		*samengesteld = false;
		return TC_OK;
	}
	if (strcmp(s, "samengesteld") == 0) {
		*samengesteld = true;
		return TC_OK;
	}
	return TC_INVALID;
}

const char *
group_kind_name(bool samengesteld)
{
	return samengesteld ? "samengesteld" : "stamgroep";
}

tc_status
group_sort_parse(const char *s, enum group_sort *out)
{
	if (s == NULL || s[0] == '\0') {
		*out = GROUP_SORT_NAME;
		return TC_OK;
	}
	for (int i = 0; i < GROUP_SORT_MAX; i++)
		if (strcmp(s, sort_names[i]) == 0) {
			*out = (enum group_sort)i;
			return TC_OK;
		}
	return TC_INVALID;
}

tc_status
group_status_parse(const char *s, enum group_status_filter *out)
{
	if (s == NULL || s[0] == '\0' || strcmp(s, "active") == 0)
		*out = GROUP_STATUS_ACTIVE;
	else if (strcmp(s, "deactivated") == 0)
		*out = GROUP_STATUS_DEACTIVATED;
	else if (strcmp(s, "all") == 0)
		*out = GROUP_STATUS_ALL;
	else
		return TC_INVALID;
	return TC_OK;
}

static void
copy_col(char *dst, size_t size, const char *v)
{
	snprintf(dst, size, "%s", v != NULL ? v : "");
}

static void
group_from_row(const struct db_row *row, struct group *g)
{
	memset(g, 0, sizeof(*g));
	g->id = strtoull(row->vals[0], NULL, 10);
	g->year_start = (int)strtol(row->vals[1], NULL, 10);
	g->samengesteld = strcmp(row->vals[2], "samengesteld") == 0;
	copy_col(g->name, sizeof(g->name), row->vals[3]);
	copy_col(g->jaargroep, sizeof(g->jaargroep), row->vals[4]);
	g->active = strcmp(row->vals[5], "active") == 0;
	copy_col(g->deactivated_at, sizeof(g->deactivated_at), row->vals[6]);
	g->from_las = row->vals[7] != NULL && strcmp(row->vals[7], "1") == 0;
	g->student_count = row->vals[8] != NULL ? strtoull(row->vals[8], NULL, 10) : 0;
}

struct list_ctx {
	group_fn	 fn;
	void		*arg;
	struct group	*one;
	bool		 found;
};

static tc_status
list_row(void *arg, const struct db_row *row)
{
	struct list_ctx *l = arg;
	struct group g;

	if (l->one != NULL) {
		group_from_row(row, l->one);
		l->found = true;
		return TC_OK;
	}
	group_from_row(row, &g);
	return l->fn(l->arg, &g);
}

static const char *
status_value(enum group_status_filter f)
{
	return f == GROUP_STATUS_ALL ? NULL : f == GROUP_STATUS_ACTIVE ? "active" : "deactivated";
}

tc_status
group_list(struct db *db, uint64_t tenant_id, const struct group_filter *f, group_fn fn,
    void *arg, uint64_t *total)
{
	struct list_ctx l = { fn, arg, NULL, false };
	const char *status = status_value(f->status);
	long long n;
	tc_status st;

	if ((unsigned)f->sort >= GROUP_SORT_MAX || f->limit == 0 || f->limit > TC_LIST_LIMIT_MAX)
		return TC_INVALID;
	st = db_query_int(db, sql[SQL_COUNT], DB_ARGS(DB_INT(tenant_id), DB_STR(status),
	    DB_STR(status), DB_INT(f->year_start), DB_INT(f->year_start),
	    DB_INT(f->teacher_id != 0), DB_INT(f->teacher_id), DB_STR(f->like), DB_STR(f->like)),
	    &n);
	if (st != TC_OK)
		return st;
	*total = (uint64_t)n;
	if (f->offset >= *total)
		return TC_OK;
	return db_query(db, sql_list[f->sort], DB_ARGS(DB_INT(tenant_id), DB_STR(status),
	    DB_STR(status), DB_INT(f->year_start), DB_INT(f->year_start),
	    DB_INT(f->teacher_id != 0), DB_INT(f->teacher_id), DB_STR(f->like), DB_STR(f->like),
	    DB_INT(f->limit), DB_INT(f->offset)), list_row, &l);
}

tc_status
group_get(struct db *db, uint64_t tenant_id, uint64_t teacher_id, uint64_t id, struct group *out)
{
	struct list_ctx l = { NULL, NULL, out, false };
	tc_status st;

	st = db_query(db, sql[SQL_GET], DB_ARGS(DB_INT(tenant_id), DB_INT(id),
	    DB_INT(teacher_id != 0), DB_INT(teacher_id)), list_row, &l);
	if (st != TC_OK)
		return st;
	return l.found ? TC_OK : TC_NOT_FOUND;
}

static char *
id_text(char *buf, size_t size, uint64_t id)
{
	snprintf(buf, size, "%llu", (unsigned long long)id);
	return buf;
}

static tc_status
name_taken(struct db *db, uint64_t tenant_id, int year_start, const char *name, uint64_t id,
    bool *taken)
{
	long long n = 0;
	tc_status st;

	st = db_query_int(db, sql[SQL_NAME_TAKEN], DB_ARGS(DB_INT(tenant_id), DB_INT(year_start),
	    DB_STR(name), DB_INT(id)), &n);
	*taken = n > 0;
	return st;
}

tc_status
group_create(struct db *db, uint64_t tenant_id, uint64_t actor_id, int year_start,
    const char *name, bool samengesteld, const char *jaargroep, uint64_t *id)
{
	char idbuf[24];
	bool taken;
	tc_status st;

	if (name[0] == '\0' || strlen(name) > TC_GROUP_NAME_MAX)
		return TC_INVALID;
	if ((st = db_begin(db)) != TC_OK)
		return st;
	if ((st = year_register(db, tenant_id, year_start)) != TC_OK ||
	    (st = name_taken(db, tenant_id, year_start, name, 0, &taken)) != TC_OK)
		goto fail;
	if (taken) {
		st = TC_CONFLICT;
		goto fail;
	}
	if ((st = db_exec(db, sql[SQL_INSERT], DB_ARGS(DB_INT(tenant_id), DB_INT(year_start),
	    DB_STR(group_kind_name(samengesteld)), DB_STR(name),
	    jaargroep != NULL && jaargroep[0] != '\0' ? DB_STR(jaargroep) : DB_NULLV), NULL,
	    id)) != TC_OK ||
	    (st = audit_write(db, tenant_id, actor_id != 0 ? AUDIT_USER : AUDIT_OPERATOR, actor_id, "group_create", "group",
	    id_text(idbuf, sizeof(idbuf), *id), 1)) != TC_OK ||
	    (st = db_commit(db)) != TC_OK)
		goto fail;
	return TC_OK;
fail:
	db_rollback(db);
	return st;
}

struct lock_one {
	bool	found, active;
	int	year_start;
};

static tc_status
lock_one_row(void *arg, const struct db_row *row)
{
	struct lock_one *l = arg;

	l->found = true;
	l->active = strcmp(row->vals[0], "active") == 0;
	l->year_start = (int)strtol(row->vals[1], NULL, 10);
	return TC_OK;
}

/* Locks one group; TC_NOT_FOUND, or TC_CONFLICT "group_deactivated". */
static tc_status
lock_active_group(struct db *db, uint64_t tenant_id, uint64_t id, struct lock_one *l,
    const char **rule)
{
	tc_status st;

	memset(l, 0, sizeof(*l));
	if ((st = db_query(db, sql[SQL_LOCK_ONE], DB_ARGS(DB_INT(tenant_id), DB_INT(id)),
	    lock_one_row, l)) != TC_OK)
		return st;
	if (!l->found)
		return TC_NOT_FOUND;
	if (!l->active) {
		*rule = "group_deactivated";
		return TC_CONFLICT;
	}
	return TC_OK;
}

tc_status
group_update(struct db *db, uint64_t tenant_id, uint64_t actor_id, uint64_t id,
    const char *name, bool kind_set, bool samengesteld, const char *jaargroep,
    const char **rule)
{
	struct lock_one l;
	char idbuf[24];
	bool taken = false;
	tc_status st;

	*rule = NULL;
	if (name != NULL && (name[0] == '\0' || strlen(name) > TC_GROUP_NAME_MAX))
		return TC_INVALID;
	if ((st = db_begin(db)) != TC_OK)
		return st;
	if ((st = lock_active_group(db, tenant_id, id, &l, rule)) != TC_OK)
		goto fail;
	if (name != NULL && (st = name_taken(db, tenant_id, l.year_start, name, id, &taken)) != TC_OK)
		goto fail;
	if (taken) {
		*rule = "name_taken";
		st = TC_CONFLICT;
		goto fail;
	}
	if ((st = db_exec(db, sql[SQL_UPDATE], DB_ARGS(DB_INT(name != NULL), DB_STR(name),
	    DB_INT(kind_set), DB_STR(group_kind_name(samengesteld)),
	    DB_INT(jaargroep != NULL), jaargroep != NULL && jaargroep[0] != '\0' ?
	    DB_STR(jaargroep) : DB_NULLV, DB_INT(tenant_id), DB_INT(id)), NULL, NULL)) != TC_OK ||
	    (st = audit_write(db, tenant_id, actor_id != 0 ? AUDIT_USER : AUDIT_OPERATOR, actor_id, "group_update", "group",
	    id_text(idbuf, sizeof(idbuf), id), 1)) != TC_OK ||
	    (st = db_commit(db)) != TC_OK)
		goto fail;
	return TC_OK;
fail:
	db_rollback(db);
	return st;
}

/* The pupils or the teachers of a group: statements and audit names. */
struct links {
	int		 add_sql, remove_sql;
	const char	*add_action, *remove_action, *object_kind;
};

static const struct links member_links = { SQL_ADD_MEMBERS, SQL_REMOVE_MEMBERS,
	"group_students_add", "group_students_remove", "student" };
static const struct links teacher_links = { SQL_ADD_TEACHERS, SQL_REMOVE_TEACHERS,
	"group_teachers_add", "group_teachers_remove", "user" };

/* Adds or removes the ids of json (csv for the audit) as links of group id,
 * audits and commits the caller's transaction.  The caller rolls back on
 * failure. */
static tc_status
write_links(struct db *db, uint64_t tenant_id, uint64_t actor_id, uint64_t id, const char *json,
    const char *csv, bool add, const struct links *k, uint64_t *changed)
{
	tc_status st;

	if (add)
		st = db_exec(db, sql[k->add_sql], DB_ARGS(DB_INT(id), DB_INT(tenant_id),
		    DB_STR(json)), changed, NULL);
	else
		st = db_exec(db, sql[k->remove_sql], DB_ARGS(DB_STR(json), DB_INT(tenant_id),
		    DB_INT(id)), changed, NULL);
	if (st != TC_OK)
		return st;
	if ((st = audit_write(db, tenant_id, actor_id != 0 ? AUDIT_USER : AUDIT_OPERATOR, actor_id,
	    add ? k->add_action : k->remove_action, k->object_kind, csv,
	    (unsigned long)*changed)) != TC_OK)
		return st;
	return db_commit(db);
}

tc_status
group_set_students(struct db *db, uint64_t tenant_id, uint64_t actor_id, uint64_t id,
    const struct idlist *students, bool add, uint64_t *changed, struct idlist *offending,
    const char **rule)
{
	struct lock_one l;
	struct idlist unknown, deact;
	const char *json, *csv;
	tc_status st;

	*changed = 0;
	*rule = NULL;
	idlist_init(offending, students->arena);
	if (students->n == 0)
		return TC_INVALID;
	if ((json = idlist_json(students)) == NULL || (csv = idlist_csv(students)) == NULL)
		return TC_INTERNAL;
	if ((st = db_begin(db)) != TC_OK)
		return st;
	if ((st = lock_active_group(db, tenant_id, id, &l, rule)) != TC_OK ||
	    (st = rosterset_lock(db, &student_set, tenant_id, students, &unknown, NULL, &deact)) != TC_OK)
		goto fail;
	if (unknown.n > 0) {
		*offending = unknown;
		st = TC_NOT_FOUND;
		goto fail;
	}
	if (deact.n > 0) {
		*offending = deact;
		*rule = "student_deactivated";
		st = TC_CONFLICT;
		goto fail;
	}
	if ((st = write_links(db, tenant_id, actor_id, id, json, csv, add, &member_links,
	    changed)) != TC_OK)
		goto fail;
	return TC_OK;
fail:
	db_rollback(db);
	*changed = 0;
	return st;
}

tc_status
group_set_teachers(struct db *db, uint64_t tenant_id, uint64_t actor_id, uint64_t id,
    const struct idlist *teachers, bool add, uint64_t *changed, struct idlist *offending)
{
	struct lock_one l;
	struct idlist found;
	const char *json, *csv, *rule = NULL;
	tc_status st;

	*changed = 0;
	idlist_init(offending, teachers->arena);
	idlist_init(&found, teachers->arena);
	if (teachers->n == 0)
		return TC_INVALID;
	if ((json = idlist_json(teachers)) == NULL || (csv = idlist_csv(teachers)) == NULL)
		return TC_INTERNAL;
	if ((st = db_begin(db)) != TC_OK)
		return st;
	/* Teachers may be linked to an archived group too (history). */
	st = lock_active_group(db, tenant_id, id, &l, &rule);
	if (st == TC_CONFLICT)
		st = TC_OK;
	if (st != TC_OK)
		goto fail;
	if ((st = db_query(db, sql[SQL_TEACHER_IDS], DB_ARGS(DB_INT(tenant_id), DB_STR(json)),
	    idlist_collect, &found)) != TC_OK)
		goto fail;
	idlist_normalize(&found);
	for (size_t i = 0; i < teachers->n; i++)
		if (!idlist_contains(&found, teachers->v[i]) &&
		    (st = idlist_add(offending, teachers->v[i])) != TC_OK)
			goto fail;
	if (offending->n > 0) {
		st = TC_NOT_FOUND;
		goto fail;
	}
	if ((st = write_links(db, tenant_id, actor_id, id, json, csv, add, &teacher_links,
	    changed)) != TC_OK)
		goto fail;
	return TC_OK;
fail:
	db_rollback(db);
	*changed = 0;
	return st;
}

tc_status
group_deactivate_year(struct db *db, uint64_t tenant_id, uint64_t actor_id, int year_start,
    uint64_t *changed)
{
	struct arena *a;
	struct idlist ids, unknown;
	tc_status st;

	*changed = 0;
	if ((a = arena_new()) == NULL)
		return TC_INTERNAL;
	idlist_init(&ids, a);
	if ((st = db_begin(db)) != TC_OK)
		goto out;
	if ((st = db_query(db, sql[SQL_DEACTIVATE_YEAR_IDS], DB_ARGS(DB_INT(tenant_id),
	    DB_INT(year_start)), idlist_collect, &ids)) != TC_OK)
		goto fail;
	if (ids.n == 0) {
		/* Nothing to archive is still an action worth a trace. */
		if ((st = audit_write(db, tenant_id, actor_id != 0 ? AUDIT_USER : AUDIT_OPERATOR, actor_id, "group_deactivate",
		    "group", "", 0)) != TC_OK)
			goto fail;
	} else if ((st = rosterset_set_active_locked(db, &group_set, tenant_id, actor_id, &ids,
	    false, changed, &unknown)) != TC_OK)
		goto fail;
	if ((st = db_commit(db)) != TC_OK)
		goto fail;
	goto out;
fail:
	db_rollback(db);
	*changed = 0;
out:
	arena_free(a);
	return st;
}

struct membership_ctx {
	group_membership_fn	 fn;
	void			*arg;
};

static tc_status
membership_row(void *arg, const struct db_row *row)
{
	struct membership_ctx *m = arg;
	struct group_membership gm = {
		.student_id = strtoull(row->vals[0], NULL, 10),
		.group_id = strtoull(row->vals[1], NULL, 10),
		.year_start = (int)strtol(row->vals[2], NULL, 10),
		.samengesteld = strcmp(row->vals[3], "samengesteld") == 0,
		.name = row->vals[4],
		.active = strcmp(row->vals[5], "active") == 0,
		.since = row->vals[6] != NULL ? row->vals[6] : "",
	};

	return m->fn(m->arg, &gm);
}

tc_status
group_memberships_active_year(struct db *db, uint64_t tenant_id, const struct idlist *students,
    group_membership_fn fn, void *arg)
{
	struct membership_ctx m = { fn, arg };
	const char *json;

	if (students->n == 0)
		return TC_OK;
	if ((json = idlist_json(students)) == NULL)
		return TC_INTERNAL;
	return db_query(db, sql[SQL_MEMBERSHIPS_ACTIVE], DB_ARGS(DB_STR(json), DB_INT(tenant_id)),
	    membership_row, &m);
}

tc_status
group_memberships_of(struct db *db, uint64_t tenant_id, uint64_t student_id,
    group_membership_fn fn, void *arg)
{
	struct membership_ctx m = { fn, arg };

	return db_query(db, sql[SQL_MEMBERSHIPS_OF], DB_ARGS(DB_INT(tenant_id),
	    DB_INT(student_id)), membership_row, &m);
}

struct teachers_ctx {
	tc_status	(*fn)(void *, uint64_t, const char *);
	void		*arg;
};

static tc_status
teacher_row(void *arg, const struct db_row *row)
{
	struct teachers_ctx *t = arg;

	return t->fn(t->arg, strtoull(row->vals[0], NULL, 10), row->vals[1]);
}

tc_status
group_teachers(struct db *db, uint64_t tenant_id, uint64_t id,
    tc_status (*fn)(void *, uint64_t, const char *), void *arg)
{
	struct teachers_ctx t = { fn, arg };

	return db_query(db, sql[SQL_TEACHERS_OF], DB_ARGS(DB_INT(tenant_id), DB_INT(id)),
	    teacher_row, &t);
}
