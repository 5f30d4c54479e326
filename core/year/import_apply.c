/* import_apply.c - one transaction of constant statements fed with JSON. */
#include "import_apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dbtx.h"
#include "schoolyear.h"

enum {
	SQL_RUN_INSERT, SQL_RUN_RESULT, SQL_RUN_SET_RESULT, SQL_YEAR_REGISTER,
	SQL_GROUP_INSERT, SQL_GROUP_UPDATE, SQL_GROUP_MAP, SQL_MEMBERS_CLEAR, SQL_MEMBERS_INSERT,
	SQL_STUDENT_INSERT, SQL_STUDENT_UPDATE, SQL_STUDENT_MAP,
	SQL_TEACHER_INSERT, SQL_TEACHER_UPDATE, SQL_TEACHER_MAP, SQL_TGROUPS_CLEAR,
	SQL_TGROUPS_INSERT, SQL_LEAVERS_ARCHIVE, SQL_YEAR_UNSET, SQL_YEAR_SET,
	SQL_STUDENTS_ARCHIVED, SQL_STUDENTS_REACTIVATE
};

#define STUDENT_COLS \
	"las_key VARCHAR(256) PATH '$.las_key', eckid VARCHAR(256) PATH '$.eckid'," \
	" achternaam VARCHAR(200) PATH '$.achternaam', voorvoegsel VARCHAR(20) PATH '$.voorvoegsel'," \
	" roepnaam VARCHAR(100) PATH '$.roepnaam', geboortedatum DATE PATH '$.geboortedatum'," \
	" jaargroep VARCHAR(2) PATH '$.jaargroep'"
#define PAIRS "JSON_TABLE(?, '$[*]' COLUMNS (a BIGINT UNSIGNED PATH '$[0]'," \
	" b BIGINT UNSIGNED PATH '$[1]')) AS j"
#define IDTABLE "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS j"

static const char *const sql[] = {
	[SQL_RUN_INSERT] = "INSERT INTO import_runs (tenant_id, id, year_start, kind, started_by,"
	    " applied_by, result) VALUES (?, ?, ?, ?, ?, ?, '{}')",
	[SQL_RUN_RESULT] = "SELECT result FROM import_runs WHERE tenant_id = ? AND id = ?",
	[SQL_RUN_SET_RESULT] = "UPDATE import_runs SET result = ? WHERE tenant_id = ? AND id = ?",
	[SQL_YEAR_REGISTER] = "INSERT IGNORE INTO school_years (tenant_id, year_start) VALUES (?, ?)",
	[SQL_GROUP_INSERT] = "INSERT INTO school_groups (tenant_id, year_start, kind, name,"
	    " jaargroep, las_key) SELECT ?, ?, j.kind, j.name, j.jaargroep, j.las_key FROM"
	    " JSON_TABLE(?, '$[*]' COLUMNS (kind VARCHAR(16) PATH '$.kind', name VARCHAR(200)"
	    " PATH '$.name', jaargroep VARCHAR(2) PATH '$.jaargroep', las_key VARCHAR(256)"
	    " PATH '$.las_key')) AS j",
	[SQL_GROUP_UPDATE] = "UPDATE school_groups g JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT"
	    " UNSIGNED PATH '$.id', name VARCHAR(200) PATH '$.name', jaargroep VARCHAR(2) PATH"
	    " '$.jaargroep', las_key VARCHAR(256) PATH '$.las_key')) AS j ON g.id = j.id"
	    " SET g.name = j.name, g.jaargroep = j.jaargroep, g.las_key = j.las_key"
	    " WHERE g.tenant_id = ?",
	[SQL_GROUP_MAP] = "SELECT id, las_key FROM school_groups WHERE tenant_id = ?"
	    " AND year_start = ? AND las_key IS NOT NULL",
	/* Joins, not IN (subquery): MariaDB 10.11 re-runs the subquery per row.
	 * FORCE INDEX (PRIMARY) on the groups: in an INSERT … SELECT MariaDB
	 * otherwise reads every group of the school's year for each pair
	 * (school_groups_year), 150× the rows of a 3,000-pupil import. */
	/* An archived group takes no pupils and keeps the members it had. */
	[SQL_MEMBERS_CLEAR] = "DELETE gm FROM group_members gm JOIN " IDTABLE
	    " ON gm.group_id = j.id JOIN school_groups g ON g.tenant_id = gm.tenant_id"
	    " AND g.id = gm.group_id AND g.status = 'active' WHERE gm.tenant_id = ?",
	[SQL_MEMBERS_INSERT] = "INSERT IGNORE INTO group_members (tenant_id, group_id, student_id)"
	    " SELECT ?, j.a, j.b FROM " PAIRS " JOIN students s ON s.tenant_id = ? AND s.id = j.b"
	    " AND s.status = 'active' JOIN school_groups g FORCE INDEX (PRIMARY)"
	    " ON g.tenant_id = s.tenant_id AND g.id = j.a AND g.status = 'active'",
	[SQL_STUDENT_INSERT] = "INSERT INTO students (tenant_id, las_key, eckid, achternaam,"
	    " voorvoegsel, roepnaam, geboortedatum, jaargroep, source) SELECT ?, j.las_key,"
	    " j.eckid, COALESCE(j.achternaam, ''), j.voorvoegsel, j.roepnaam, j.geboortedatum,"
	    " j.jaargroep, 'las' FROM JSON_TABLE(?, '$[*]' COLUMNS (" STUDENT_COLS ")) AS j",
	[SQL_STUDENT_UPDATE] = "UPDATE students s JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT"
	    " UNSIGNED PATH '$.id', " STUDENT_COLS ")) AS j ON s.id = j.id SET"
	    " s.las_key = COALESCE(j.las_key, s.las_key), s.eckid = COALESCE(j.eckid, s.eckid),"
	    " s.achternaam = COALESCE(j.achternaam, s.achternaam),"
	    " s.voorvoegsel = j.voorvoegsel, s.roepnaam = COALESCE(j.roepnaam, s.roepnaam),"
	    " s.geboortedatum = COALESCE(j.geboortedatum, s.geboortedatum),"
	    " s.jaargroep = COALESCE(j.jaargroep, s.jaargroep), s.source = 'las'"
	    " WHERE s.tenant_id = ?",
	[SQL_STUDENT_MAP] = "SELECT id, las_key, eckid FROM students WHERE tenant_id = ?",
	[SQL_TEACHER_INSERT] = "INSERT IGNORE INTO users (tenant_id, email, name, role, las_key,"
	    " eckid) SELECT ?, j.email, j.name, 'teacher', j.las_key, j.eckid FROM"
	    " JSON_TABLE(?, '$[*]' COLUMNS (email VARCHAR(254) PATH '$.email', name VARCHAR(200)"
	    " PATH '$.name', las_key VARCHAR(256) PATH '$.las_key', eckid VARCHAR(256)"
	    " PATH '$.eckid')) AS j",
	[SQL_TEACHER_UPDATE] = "UPDATE users u JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT"
	    " UNSIGNED PATH '$.id', las_key VARCHAR(256) PATH '$.las_key', eckid VARCHAR(256)"
	    " PATH '$.eckid')) AS j ON u.id = j.id SET u.las_key = COALESCE(j.las_key, u.las_key),"
	    " u.eckid = COALESCE(j.eckid, u.eckid) WHERE u.tenant_id = ? AND u.role = 'teacher'",
	[SQL_TEACHER_MAP] = "SELECT id, las_key, eckid FROM users WHERE tenant_id = ?"
	    " AND role = 'teacher'",
	[SQL_TGROUPS_CLEAR] = "DELETE tg FROM teacher_groups tg JOIN " IDTABLE
	    " ON tg.group_id = j.id JOIN school_groups g ON g.tenant_id = tg.tenant_id"
	    " AND g.id = tg.group_id AND g.status = 'active' WHERE tg.tenant_id = ?",
	[SQL_TGROUPS_INSERT] = "INSERT IGNORE INTO teacher_groups (tenant_id, user_id, group_id)"
	    " SELECT ?, j.a, j.b FROM " PAIRS " JOIN school_groups g FORCE INDEX (PRIMARY)"
	    " ON g.tenant_id = ? AND g.id = j.b AND g.status = 'active'",
	[SQL_LEAVERS_ARCHIVE] = "UPDATE students s JOIN " IDTABLE " ON s.id = j.id"
	    " SET s.status = 'deactivated', s.deactivated_at = NOW()"
	    " WHERE s.tenant_id = ? AND s.status = 'active'",
	[SQL_YEAR_UNSET] = "UPDATE school_years SET active = NULL WHERE tenant_id = ?"
	    " AND active = 1 AND year_start <> ?",
	[SQL_YEAR_SET] = "UPDATE school_years SET active = 1, activated_at = COALESCE(activated_at,"
	    " NOW()), activated_by = COALESCE(activated_by, 'user') WHERE tenant_id = ?"
	    " AND year_start = ?",
	/* An archived pupil the LAS lists again: active in its new group, results kept. */
	[SQL_STUDENTS_ARCHIVED] = "SELECT s.id FROM students s JOIN " IDTABLE " ON s.id = j.id"
	    " WHERE s.tenant_id = ? AND s.status = 'deactivated'",
	[SQL_STUDENTS_REACTIVATE] = "UPDATE students s JOIN " IDTABLE " ON s.id = j.id"
	    " SET s.status = 'active', s.deactivated_at = NULL"
	    " WHERE s.tenant_id = ? AND s.status = 'deactivated'",
};

/* What one apply writes, built from the review before the transaction. */
struct plan {
	json_t	*groups_new, *groups_upd;
	json_t	*students_new, *students_upd;
	json_t	*teachers_new, *teachers_upd;
	json_t	*leavers;		/* ids to archive */
	json_t	*link_targets;		/* student ids linked by this import */
	json_t	*linked_ids;		/* the same, as an array */
	json_t	*group_ids;		/* key → id, after the groups are written */
	json_t	*student_ids;		/* record key → id */
	json_t	*teacher_ids;		/* record key → id */
	long	 memberships;
};

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
plan_free(struct plan *p)
{
	json_decref(p->groups_new);
	json_decref(p->groups_upd);
	json_decref(p->students_new);
	json_decref(p->students_upd);
	json_decref(p->teachers_new);
	json_decref(p->teachers_upd);
	json_decref(p->leavers);
	json_decref(p->link_targets);
	json_decref(p->linked_ids);
	json_decref(p->group_ids);
	json_decref(p->student_ids);
	json_decref(p->teacher_ids);
}

/* Copies the members of rec listed in names (when present and not null). */
static json_t *
pick(const json_t *rec, const char *const *names)
{
	json_t *o = json_object(), *v;

	for (size_t i = 0; names[i] != NULL; i++)
		if ((v = json_object_get(rec, names[i])) != NULL && !json_is_null(v))
			json_object_set(o, names[i], v);
	return o;
}

static void
plan_build(const struct import_review *rv, struct plan *p)
{
	json_t *rec;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->groups_new = json_array();
	p->groups_upd = json_array();
	p->students_new = json_array();
	p->students_upd = json_array();
	p->teachers_new = json_array();
	p->teachers_upd = json_array();
	p->leavers = json_array();
	p->link_targets = json_object();
	p->linked_ids = json_array();
	p->group_ids = json_object();
	p->student_ids = json_object();
	p->teacher_ids = json_object();
	json_array_foreach(rv->records[IMPORT_GROUP], i, rec) {
		uint64_t link;
		const char *cat = import_review_category(rv, IMPORT_GROUP, rec, &link);
		json_t *g = json_pack("{s:s, s:s, s:O, s:s}", "kind", jstr(rec, "group_kind"),
		    "name", jstr(rec, "naam"), "jaargroep", json_object_get(rec, "jaargroep"),
		    "las_key", jstr(rec, "key"));

		if (strcmp(cat, "new") == 0)
			json_array_append_new(p->groups_new, g);
		else if (strcmp(cat, "existing") == 0) {
			json_object_set_new(g, "id", json_integer((json_int_t)link));
			json_array_append_new(p->groups_upd, g);
		} else
			json_decref(g);
	}
	json_array_foreach(rv->records[IMPORT_STUDENT], i, rec) {
		uint64_t link;
		const char *cat = import_review_category(rv, IMPORT_STUDENT, rec, &link);
		json_t *s;

		if (strcmp(cat, "skip") == 0)
			continue;
		if (strcmp(cat, "existing") == 0) {
			char n[24];

			s = pick(rec, import_review_fields(IMPORT_STUDENT));
			json_object_set_new(s, "id", json_integer((json_int_t)link));
			json_array_append_new(p->students_upd, s);
			snprintf(n, sizeof(n), "%llu", (unsigned long long)link);
			json_object_set_new(p->link_targets, n, json_true());
			json_array_append_new(p->linked_ids, json_integer((json_int_t)link));
		} else	/* the record itself: SQL_STUDENT_INSERT reads its fields */
			json_array_append(p->students_new, rec);
	}
	json_array_foreach(rv->records[IMPORT_TEACHER], i, rec) {
		static const char *const tf[] = { "las_key", "eckid", NULL };
		uint64_t link;
		const char *cat = import_review_category(rv, IMPORT_TEACHER, rec, &link);
		json_t *t;

		if (strcmp(cat, "skip") == 0)
			continue;
		t = pick(rec, tf);
		if (strcmp(cat, "existing") == 0) {
			json_object_set_new(t, "id", json_integer((json_int_t)link));
			json_array_append_new(p->teachers_upd, t);
		} else if (jstr(rec, "email") != NULL) {
			json_object_set(t, "email", json_object_get(rec, "email"));
			json_object_set(t, "name", json_object_get(rec, "display"));
			json_array_append_new(p->teachers_new, t);
		} else
			json_decref(t);
	}
	json_array_foreach(rv->records[IMPORT_LEAVER], i, rec) {
		/* A pupil linked by hand to a LAS record is no leaver. */
		if (strcmp(import_review_category(rv, IMPORT_LEAVER, rec, NULL), "archive") == 0 &&
		    json_object_get(p->link_targets, jstr(rec, "key")) == NULL)
			json_array_append(p->leavers, json_object_get(rec, "id"));
	}
}

/* Runs a statement whose only parameters are (tenant, json) or (json, tenant). */
static tc_status
exec_json(struct db *db, int which, uint64_t t, json_t *rows, bool json_first, uint64_t *n)
{
	char *text;
	tc_status st;

	*n = 0;
	if (json_array_size(rows) == 0)
		return TC_OK;
	if ((text = json_dumps(rows, JSON_COMPACT)) == NULL)
		return TC_INTERNAL;
	if (json_first)
		st = db_exec(db, sql[which], DB_ARGS(DB_STR(text), DB_INT(t)), n, NULL);
	else
		st = db_exec(db, sql[which], DB_ARGS(DB_INT(t), DB_STR(text)), n, NULL);
	free(text);
	return st;
}

static tc_status
map_row(void *arg, const struct db_row *r)
{
	json_t *map = arg;
	json_t *id = json_integer((json_int_t)strtoull(r->vals[0], NULL, 10));

	if (r->vals[1] != NULL)
		json_object_set(map, r->vals[1], id);
	/* Pupils and teachers without a LAS key are found by "eckid:<eckid>". */
	if (r->ncols > 2 && r->vals[2] != NULL) {
		char *k = NULL;

		if (asprintf(&k, "eckid:%s", r->vals[2]) >= 0) {
			json_object_set(map, k, id);
			free(k);
		}
	}
	json_decref(id);
	return TC_OK;
}

/* The pairs [group id, member id] of every record of kind. */
static json_t *
pairs(const struct import_review *rv, enum import_kind kind, const struct plan *p,
    json_t *member_ids)
{
	json_t *out = json_array(), *rec, *keys, *k;
	size_t i, j;

	json_array_foreach(rv->records[kind], i, rec) {
		json_t *mid;

		if (strcmp(import_review_category(rv, kind, rec, NULL), "skip") == 0)
			continue;
		/* Identity: the LAS key, else the ECK-iD. */
		mid = json_object_get(member_ids, jstr(rec, "las_key") != NULL ?
		    jstr(rec, "las_key") : jstr(rec, "key"));
		if (mid == NULL)
			continue;
		keys = json_array();
		if (jstr(rec, "stamgroep") != NULL)
			json_array_append(keys, json_object_get(rec, "stamgroep"));
		json_array_extend(keys, json_object_get(rec, "groups"));
		json_array_foreach(keys, j, k) {
			json_t *gid;
			const char *gc = json_string_value(json_object_get(rv->group_category,
			    json_string_value(k)));

			if (gc == NULL || strcmp(gc, "skip") == 0 ||
			    (gid = json_object_get(p->group_ids, json_string_value(k))) == NULL)
				continue;
			json_array_append_new(out, json_pack("[O, O]", gid, mid));
		}
		json_decref(keys);
	}
	return out;
}

/* The ids of the groups this import writes (new and linked). */
static json_t *
written_group_ids(const struct import_review *rv, const struct plan *p)
{
	json_t *ids = json_array(), *rec, *gid;
	size_t i;

	json_array_foreach(rv->records[IMPORT_GROUP], i, rec)
		if (strcmp(import_review_category(rv, IMPORT_GROUP, rec, NULL), "skip") != 0 &&
		    (gid = json_object_get(p->group_ids, jstr(rec, "key"))) != NULL)
			json_array_append(ids, gid);
	return ids;
}

struct text_result {
	char	*text;
};

static tc_status
text_row(void *arg, const struct db_row *r)
{
	struct text_result *t = arg;

	free(t->text);
	t->text = strdup(r->vals[0] != NULL ? r->vals[0] : "{}");
	return TC_OK;
}

/* Appends the id of a row to a JSON array. */
static tc_status
id_row(void *arg, const struct db_row *r)
{
	return json_array_append_new(arg, json_integer((json_int_t)strtoull(r->vals[0], NULL,
	    10))) == 0 ? TC_OK : TC_INTERNAL;
}

/* An audit entry of the system for the pupil ids of a JSON array. */
static tc_status
audit_ids(struct db *db, uint64_t t, const char *action, const json_t *ids, uint64_t n)
{
	char *text = json_dumps(ids, JSON_COMPACT);
	size_t len;
	tc_status st;

	if (text == NULL)
		return TC_INTERNAL;
	/* "[1,2]" → "1,2" for the audit entry. */
	len = strlen(text);
	text[len - 1] = '\0';
	st = audit_write(db, t, AUDIT_SYSTEM, 0, action, "student", text + 1, n);
	free(text);
	return st;
}

static tc_status
write_all(struct db *db, uint64_t t, const struct import_state *s, const struct import_review *rv,
    struct plan *p, json_t *counts)
{
	uint64_t n;
	json_t *gids = NULL, *gm = NULL, *tg = NULL, *archived = NULL;
	tc_status st;

#define STEP(call, name) do { \
	if ((st = (call)) != TC_OK) goto out; \
	if ((name) != NULL) json_object_set_new(counts, (name), json_integer((json_int_t)n)); \
} while (0)

	STEP(db_exec(db, sql[SQL_YEAR_REGISTER], DB_ARGS(DB_INT(t), DB_INT(s->year)), &n, NULL), (const char *)NULL);
	if (json_array_size(p->groups_new) > 0) {
		/* (tenant, year, rows): not the shape exec_json knows. */
		char *text = json_dumps(p->groups_new, JSON_COMPACT);

		if (text == NULL) {
			st = TC_INTERNAL;
			goto out;
		}
		st = db_exec(db, sql[SQL_GROUP_INSERT], DB_ARGS(DB_INT(t), DB_INT(s->year),
		    DB_STR(text)), &n, NULL);
		free(text);
		if (st != TC_OK)
			goto out;
		json_object_set_new(counts, "groups_new", json_integer((json_int_t)n));
	}
	/* "updated" counts the linked records written, changed or not. */
	STEP(exec_json(db, SQL_GROUP_UPDATE, t, p->groups_upd, true, &n), (const char *)NULL);
	json_object_set_new(counts, "groups_updated", json_integer((json_int_t)json_array_size(p->groups_upd)));
	STEP(db_query(db, sql[SQL_GROUP_MAP], DB_ARGS(DB_INT(t), DB_INT(s->year)), map_row,
	    p->group_ids), (const char *)NULL);
	STEP(exec_json(db, SQL_STUDENT_INSERT, t, p->students_new, false, &n), "students_new");
	STEP(exec_json(db, SQL_STUDENT_UPDATE, t, p->students_upd, true, &n), (const char *)NULL);
	json_object_set_new(counts, "students_updated", json_integer((json_int_t)json_array_size(p->students_upd)));
	/* Not the nightly sync: it never reactivates what the administrator archived. */
	if (strcmp(s->kind, "sync") != 0 && json_array_size(p->linked_ids) > 0) {
		char *text = json_dumps(p->linked_ids, JSON_COMPACT);

		archived = json_array();
		if (text == NULL) {
			st = TC_INTERNAL;
			goto out;
		}
		st = db_query(db, sql[SQL_STUDENTS_ARCHIVED], DB_ARGS(DB_STR(text), DB_INT(t)),
		    id_row, archived);
		free(text);
		if (st != TC_OK)
			goto out;
		STEP(exec_json(db, SQL_STUDENTS_REACTIVATE, t, archived, true, &n),
		    "students_reactivated");
		if (n > 0 && (st = audit_ids(db, t, "student_reactivate", archived, n)) != TC_OK)
			goto out;
	}
	STEP(db_query(db, sql[SQL_STUDENT_MAP], DB_ARGS(DB_INT(t)), map_row, p->student_ids),
	    (const char *)NULL);
	STEP(exec_json(db, SQL_TEACHER_INSERT, t, p->teachers_new, false, &n), "teachers_new");
	STEP(exec_json(db, SQL_TEACHER_UPDATE, t, p->teachers_upd, true, &n), (const char *)NULL);
	json_object_set_new(counts, "teachers_updated", json_integer((json_int_t)json_array_size(p->teachers_upd)));
	STEP(db_query(db, sql[SQL_TEACHER_MAP], DB_ARGS(DB_INT(t)), map_row, p->teacher_ids),
	    (const char *)NULL);
	/* Memberships of the written groups are replaced by the LAS's. */
	gids = written_group_ids(rv, p);
	if (json_array_size(gids) > 0) {
		STEP(exec_json(db, SQL_MEMBERS_CLEAR, t, gids, true, &n), (const char *)NULL);
		STEP(exec_json(db, SQL_TGROUPS_CLEAR, t, gids, true, &n), (const char *)NULL);
	}
	gm = pairs(rv, IMPORT_STUDENT, p, p->student_ids);
	if (json_array_size(gm) > 0) {
		char *text = json_dumps(gm, JSON_COMPACT);

		if (text == NULL) {
			st = TC_INTERNAL;
			goto out;
		}
		st = db_exec(db, sql[SQL_MEMBERS_INSERT], DB_ARGS(DB_INT(t), DB_STR(text), DB_INT(t)),
		    &n, NULL);
		free(text);
		if (st != TC_OK)
			goto out;
		json_object_set_new(counts, "memberships", json_integer((json_int_t)n));
	}
	/* teacher_groups wants [user, group]: swap the pairs. */
	tg = pairs(rv, IMPORT_TEACHER, p, p->teacher_ids);
	{
		json_t *swapped = json_array(), *pr;
		size_t i;

		json_array_foreach(tg, i, pr)
			json_array_append_new(swapped, json_pack("[O, O]", json_array_get(pr, 1),
			    json_array_get(pr, 0)));
		char *text = json_array_size(swapped) > 0 ? json_dumps(swapped, JSON_COMPACT) : NULL;

		json_decref(swapped);
		n = 0;
		st = TC_OK;
		if (text != NULL) {
			st = db_exec(db, sql[SQL_TGROUPS_INSERT], DB_ARGS(DB_INT(t), DB_STR(text),
			    DB_INT(t)), &n, NULL);
			free(text);
		}
		if (st != TC_OK)
			goto out;
		json_object_set_new(counts, "teacher_groups", json_integer((json_int_t)n));
	}
	STEP(exec_json(db, SQL_LEAVERS_ARCHIVE, t, p->leavers, true, &n), "leavers_archived");
	if (json_array_size(p->leavers) > 0 &&
	    (st = audit_ids(db, t, "student_deactivate", p->leavers, n)) != TC_OK)
		goto out;
	if (strcmp(s->kind, "transition") == 0) {
		STEP(db_exec(db, sql[SQL_YEAR_UNSET], DB_ARGS(DB_INT(t), DB_INT(s->year)), &n, NULL),
		    (const char *)NULL);
		STEP(db_exec(db, sql[SQL_YEAR_SET], DB_ARGS(DB_INT(t), DB_INT(s->year)), &n, NULL),
		    (const char *)NULL);
		json_object_set_new(counts, "activated", json_true());
	}
	st = TC_OK;
out:
#undef STEP
	json_decref(archived);
	json_decref(gids);
	json_decref(gm);
	json_decref(tg);
	return st;
}

/* Adds the result per kind in the shape of the review's counts:
 * {group: {new, existing, skip}, ..., leaver: {archive, keep}}. */
static void
result_by_kind(json_t *counts, const struct import_review *rv)
{
	static const struct { const char *kind, *plural; } k[] = {
		{ "group", "groups" }, { "student", "students" }, { "teacher", "teachers" }
	};
	json_t *review = import_review_counts(rv), *rc = json_object_get(review, "counts");
	char f[32];

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		json_int_t n, u;

		snprintf(f, sizeof(f), "%s_new", k[i].plural);
		n = json_integer_value(json_object_get(counts, f));
		snprintf(f, sizeof(f), "%s_updated", k[i].plural);
		u = json_integer_value(json_object_get(counts, f));
		json_object_set_new(counts, k[i].kind, json_pack("{s:I, s:I, s:O}", "new", n,
		    "existing", u, "skip", json_object_get(json_object_get(rc, k[i].kind), "skip")));
	}
	/* Of the existing pupils, the archived ones made active again. */
	json_object_set(json_object_get(counts, "student"), "reactivated",
	    json_object_get(counts, "students_reactivated"));
	{
		json_int_t archived = json_integer_value(json_object_get(counts, "leavers_archived"));
		json_int_t all = (json_int_t)json_array_size(rv->records[IMPORT_LEAVER]);

		json_object_set_new(counts, "leaver", json_pack("{s:I, s:I}", "archive", archived,
		    "keep", all - archived));
	}
	json_decref(review);
}

/* One apply as a transaction body (dbtx.h); result and plan are its own. */
struct apply_tx {
	uint64_t			 t;
	const struct import_state	*s;
	const struct import_review	*rv;
	uint64_t			 actor;
	bool				 applied_before;	/* the import_runs row exists */
	char				*text;			/* the counts (malloc'd) */
};

static tc_status
apply_body(struct db *db, void *arg)
{
	struct apply_tx *a = arg;
	const struct import_state *s = a->s;
	struct plan p;
	json_t *counts;
	char year[16];
	tc_status st;

	free(a->text);
	a->text = NULL;
	/* The marker first: the import id is the key of import_runs. */
	st = db_exec(db, sql[SQL_RUN_INSERT], DB_ARGS(DB_INT(a->t), DB_STR(s->id), DB_INT(s->year),
	    DB_STR(s->kind), DB_STR(s->started_by), a->actor != 0 ? DB_INT(a->actor) : DB_NULLV),
	    NULL, NULL);
	if (st == TC_CONFLICT)
		a->applied_before = true;	/* the first apply has committed */
	if (st != TC_OK)
		return st;
	plan_build(a->rv, &p);
	schoolyear_format(s->year, year, sizeof(year));
	counts = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:b}",
	    "school_year", year, "groups_new", 0, "groups_updated", 0, "students_new", 0,
	    "students_updated", 0, "teachers_new", 0, "teachers_updated", 0, "memberships", 0,
	    "teacher_groups", 0, "leavers_archived", 0, "activated", 0);
	json_object_set_new(counts, "students_reactivated", json_integer(0));
	st = write_all(db, a->t, s, a->rv, &p, counts);
	if (st == TC_OK)
		result_by_kind(counts, a->rv);
	if (st == TC_OK && (a->text = json_dumps(counts, JSON_COMPACT)) == NULL)
		st = TC_INTERNAL;
	if (st == TC_OK)
		st = db_exec(db, sql[SQL_RUN_SET_RESULT], DB_ARGS(DB_STR(a->text), DB_INT(a->t),
		    DB_STR(s->id)), NULL, NULL);
	if (st == TC_OK)
		st = audit_write(db, a->t, a->actor != 0 ? AUDIT_USER : AUDIT_SYSTEM, a->actor,
		    "import_apply", "import", s->id, (unsigned long)(json_array_size(p.students_new) +
		    json_array_size(p.students_upd)));
	plan_free(&p);
	json_decref(counts);
	return st;
}

/* After a connection lost during COMMIT: the import_runs row (with its result)
 * is there exactly when the apply committed. */
static tc_status
apply_committed(struct db *db, void *arg)
{
	struct apply_tx *a = arg;
	struct text_result prev = { NULL };
	tc_status st;

	st = db_query(db, sql[SQL_RUN_RESULT], DB_ARGS(DB_INT(a->t), DB_STR(a->s->id)), text_row,
	    &prev);
	if (st != TC_OK)
		return st;
	if (prev.text == NULL)
		return TC_NOT_FOUND;
	free(a->text);
	a->text = prev.text;
	return TC_OK;
}

tc_status
import_apply(struct db *db, uint64_t t, const struct import_state *s,
    const struct import_review *rv, uint64_t actor, char **result, char *err, size_t errlen)
{
	struct apply_tx a = { t, s, rv, actor, false, NULL };
	struct text_result prev = { NULL };
	tc_status st;

	*result = NULL;
	st = dbtx_run(db, apply_body, apply_committed, &a);
	if (st == TC_CONFLICT && a.applied_before) {
		/* Applied before: its result. */
		st = db_query(db, sql[SQL_RUN_RESULT], DB_ARGS(DB_INT(t), DB_STR(s->id)), text_row, &prev);
		if (st == TC_OK && prev.text != NULL) {
			free(a.text);
			*result = prev.text;
			return TC_OK;
		}
		free(prev.text);
		free(a.text);
		snprintf(err, errlen, "import run found but unreadable");
		return st != TC_OK ? st : TC_INTERNAL;
	}
	if (st != TC_OK) {
		free(a.text);
		snprintf(err, errlen, "apply failed: %s", status_name(st));
		return st;
	}
	*result = a.text;
	return TC_OK;
}
