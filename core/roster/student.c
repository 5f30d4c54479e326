/* student.c - the students table: rules, list, changes, archive and delete. */
#include "student.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dbtx.h"
#include "import.h"
#include "syncpoints.h"

/* --- statements ----------------------------------------------------------- */

#define STUDENT_COLS "s.id, s.achternaam, s.voorvoegsel, s.roepnaam," \
	" DATE_FORMAT(s.geboortedatum, '%Y-%m-%d'), s.jaargroep, s.status," \
	" DATE_FORMAT(s.deactivated_at, '%Y-%m-%dT%H:%i:%sZ'), s.source"

/* A teacher (? != 0) sees the pupils of the groups linked to it. */
#define TEACHER_SEES_STUDENT " AND (? = 0 OR EXISTS (SELECT 1 FROM group_members tm" \
	" JOIN teacher_groups tg ON tg.tenant_id = tm.tenant_id AND tg.group_id = tm.group_id" \
	" WHERE tm.tenant_id = s.tenant_id AND tm.student_id = s.id AND tg.user_id = ?))"

/* Parameters: tenant, status, group?, group, teacher?, teacher, like, like. */
#define LIST_WHERE " FROM students s WHERE s.tenant_id = ? AND s.status = ?" \
	" AND (? = 0 OR EXISTS (SELECT 1 FROM group_members gm WHERE gm.tenant_id = s.tenant_id" \
	" AND gm.group_id = ? AND gm.student_id = s.id))" \
	TEACHER_SEES_STUDENT \
	" AND (? IS NULL OR CONCAT_WS(' ', s.roepnaam, s.voorvoegsel, s.achternaam) LIKE ?)"

#define LIST_SQL(order) "SELECT " STUDENT_COLS LIST_WHERE " ORDER BY " order " LIMIT ? OFFSET ?"

/*
 * Without a group, teacher or search filter (the usual page) the statements
 * have no "? = 0 OR ..." terms: a prepared statement cannot drop them from its
 * plan.  The total comes from student_counts (kept exact by triggers: see
 * sql/004_student_counts.sql) as the last column of every row, from the same
 * snapshot as the page, instead of a COUNT(*) that visits every pupil of the
 * school.  Parameters: tenant, status (the count), tenant, status.
 */
#define PLAIN_COUNT "SELECT COALESCE(SUM(c.n), 0) FROM student_counts c" \
	" WHERE c.tenant_id = ? AND c.status = ?"
#define PLAIN_WHERE " FROM students s WHERE s.tenant_id = ? AND s.status = ?"
#define PLAIN_SQL(order) "SELECT " STUDENT_COLS ", (" PLAIN_COUNT ")" PLAIN_WHERE \
	" ORDER BY " order " LIMIT ? OFFSET ?"
/*
 * Each order is the order of an index of (tenant_id, status, ...) with the id
 * that InnoDB appends (sql/003_roster.sql, sql/005_student_sorts.sql), so a
 * page reads its rows in order and stops: no sort of the school's pupils.
 * A descending order is the exact reverse of its ascending one, which the
 * same index gives read backwards.
 */
#define SORTS(M) { \
	[STUDENT_SORT_ACHTERNAAM] = M("s.achternaam, s.roepnaam, s.id"), \
	[STUDENT_SORT_ACHTERNAAM_DESC] = M("s.achternaam DESC, s.roepnaam DESC, s.id DESC"), \
	[STUDENT_SORT_ROEPNAAM] = M("s.roepnaam, s.achternaam, s.id"), \
	[STUDENT_SORT_ROEPNAAM_DESC] = M("s.roepnaam DESC, s.achternaam DESC, s.id DESC"), \
	[STUDENT_SORT_JAARGROEP] = M("s.jaargroep, s.achternaam, s.roepnaam, s.id"), \
	[STUDENT_SORT_JAARGROEP_DESC] = M("s.jaargroep DESC, s.achternaam DESC, s.roepnaam DESC," \
	    " s.id DESC"), \
	[STUDENT_SORT_GEBOORTEDATUM] = M("s.geboortedatum, s.achternaam, s.id"), \
	[STUDENT_SORT_GEBOORTEDATUM_DESC] = M("s.geboortedatum DESC, s.achternaam DESC, s.id DESC"), \
	[STUDENT_SORT_DEACTIVATED_AT] = M("s.deactivated_at, s.achternaam, s.id"), \
	[STUDENT_SORT_DEACTIVATED_AT_DESC] = M("s.deactivated_at DESC, s.achternaam DESC, s.id DESC"), \
	[STUDENT_SORT_ID] = M("s.id"), \
	[STUDENT_SORT_ID_DESC] = M("s.id DESC"), \
}

/*
 * group= without a teacher or search filter: the group's members drive the
 * join (group_members' primary key), a few dozen rows instead of every pupil
 * of the school tested with EXISTS.  Parameters: tenant, group, status.
 */
#define GROUP_WHERE " FROM group_members gm JOIN students s ON s.tenant_id = gm.tenant_id" \
	" AND s.id = gm.student_id WHERE gm.tenant_id = ? AND gm.group_id = ? AND s.status = ?"
#define GROUP_SQL(order) "SELECT " STUDENT_COLS GROUP_WHERE " ORDER BY " order " LIMIT ? OFFSET ?"

static const char *const sql_plain_list[STUDENT_SORT_MAX] = SORTS(PLAIN_SQL);
static const char sql_plain_count[] = PLAIN_COUNT;
static const char *const sql_group_list[STUDENT_SORT_MAX] = SORTS(GROUP_SQL);
static const char sql_group_count[] = "SELECT COUNT(*)" GROUP_WHERE;

/* One constant statement per sort order: user text never reaches ORDER BY. */
static const char *const sql_list[STUDENT_SORT_MAX] = SORTS(LIST_SQL);

static const char *const sort_names[STUDENT_SORT_MAX] = {
	[STUDENT_SORT_ACHTERNAAM] = "achternaam",
	[STUDENT_SORT_ACHTERNAAM_DESC] = "-achternaam",
	[STUDENT_SORT_ROEPNAAM] = "roepnaam",
	[STUDENT_SORT_ROEPNAAM_DESC] = "-roepnaam",
	[STUDENT_SORT_JAARGROEP] = "jaargroep",
	[STUDENT_SORT_JAARGROEP_DESC] = "-jaargroep",
	[STUDENT_SORT_GEBOORTEDATUM] = "geboortedatum",
	[STUDENT_SORT_GEBOORTEDATUM_DESC] = "-geboortedatum",
	[STUDENT_SORT_DEACTIVATED_AT] = "deactivated_at",
	[STUDENT_SORT_DEACTIVATED_AT_DESC] = "-deactivated_at",
	[STUDENT_SORT_ID] = "id",
	[STUDENT_SORT_ID_DESC] = "-id",
};

enum {
	SQL_COUNT, SQL_GET, SQL_INSERT, SQL_LOCK_ONE, SQL_UPDATE
};

static const char *const sql[] = {
	[SQL_COUNT] = "SELECT COUNT(*)" LIST_WHERE,
	[SQL_GET] = "SELECT " STUDENT_COLS " FROM students s WHERE s.tenant_id = ? AND s.id = ?"
	    TEACHER_SEES_STUDENT,
	[SQL_INSERT] = "INSERT INTO students (tenant_id, achternaam, voorvoegsel, roepnaam,"
	    " geboortedatum, jaargroep, source) VALUES (?, ?, ?, ?, ?, ?, 'manual')",
	[SQL_LOCK_ONE] = "SELECT status, source FROM students WHERE tenant_id = ? AND id = ?"
	    " FOR UPDATE",
	[SQL_UPDATE] = "UPDATE students SET achternaam = IF(?, ?, achternaam),"
	    " voorvoegsel = IF(?, ?, voorvoegsel), roepnaam = IF(?, ?, roepnaam),"
	    " geboortedatum = IF(?, ?, geboortedatum), jaargroep = IF(?, ?, jaargroep)"
	    " WHERE tenant_id = ? AND id = ?",
};

/* Archive, reactivate and delete as a set (rosterset.h).  Bulk changes join
 * the ids (parameter 1) instead of IN: see idlist.h. */
static const char sql_lock_ids[] = "SELECT s.id, s.status FROM students s WHERE s.tenant_id = ?"
    " AND s.id IN " IDLIST_SQL " FOR UPDATE";
static const char sql_deactivate[] = "UPDATE students s " IDLIST_JOIN "s.id"
    " SET s.status = 'deactivated', s.deactivated_at = UTC_TIMESTAMP()"
    " WHERE s.tenant_id = ? AND s.status = 'active'";
static const char sql_reactivate[] = "UPDATE students s " IDLIST_JOIN "s.id"
    " SET s.status = 'active', s.deactivated_at = NULL"
    " WHERE s.tenant_id = ? AND s.status = 'deactivated'";
static const char *const sql_delete[] = {
	"DELETE a FROM test_administrations a " IDLIST_JOIN "a.student_id WHERE a.tenant_id = ?",
	"DELETE m FROM group_members m " IDLIST_JOIN "m.student_id WHERE m.tenant_id = ?",
	"DELETE s FROM students s " IDLIST_JOIN "s.id"
	    " WHERE s.tenant_id = ? AND s.status = 'deactivated'",
	NULL
};

static tc_status	forget_students(struct kv *, uint64_t, const struct idlist *);

const struct rosterset_kind student_set = {
	.object = "student",
	.audit_deactivate = "student_deactivate",
	.audit_reactivate = "student_reactivate",
	.audit_delete = "student_delete",
	.sql_lock = sql_lock_ids,
	.sql_deactivate = sql_deactivate,
	.sql_reactivate = sql_reactivate,
	.sql_delete = sql_delete,
	.kv_forget = forget_students,
};

/* --- field rules ------------------------------------------------------------ */

/* Length of the UTF-8 sequence at p (1-4), or 0 when it is not valid.  C0 and
 * C1 control characters, surrogates and overlong forms are not valid. */
static size_t
utf8_char(const unsigned char *p)
{
	unsigned cp;
	size_t n;

	if (p[0] < 0x80)
		return p[0] < 0x20 || p[0] == 0x7f ? 0 : 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

static bool
name_ascii_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '\'' ||
	    c == '-' || c == '.';
}

tc_status
student_name_normalize(const char *in, char *out, size_t size, size_t max)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, n;
	bool space = false;

	if (size == 0)
		return TC_INVALID;
	out[0] = '\0';
	if (in == NULL)
		return TC_INVALID;
	while (*p != '\0') {
		if (*p == ' ' || *p == '\t') {
			space = o > 0;
			p++;
			continue;
		}
		if ((n = utf8_char(p)) == 0 || (n == 1 && !name_ascii_ok(*p)))
			goto bad;
		if (o + (space ? 1 : 0) + n > max || o + (space ? 1 : 0) + n >= size)
			goto bad;
		if (space)
			out[o++] = ' ';
		space = false;
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
	return TC_OK;
bad:
	out[0] = '\0';
	return TC_INVALID;
}

bool
student_text_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if ((n = utf8_char(p)) == 0)
			return false;
		p += n;
	}
	return true;
}

bool
student_jaargroep_valid(const char *s)
{
	return s != NULL && s[0] >= '1' && s[0] <= '8' && s[1] == '\0';
}

tc_status
student_birthdate_check(const char *s, struct civil_date today)
{
	struct civil_date d, oldest = today;

	if (s == NULL || civil_date_parse(s, &d) != TC_OK)
		return TC_INVALID;
	oldest.year -= 30;
	if (oldest.month == 2 && oldest.day == 29)
		oldest.day = 28;
	if (civil_date_cmp(d, today) > 0 || civil_date_cmp(d, oldest) < 0)
		return TC_INVALID;
	return TC_OK;
}

tc_status
student_like_pattern(const char *q, char *out, size_t size)
{
	size_t o = 0, n = strlen(q);

	if (n > TC_SEARCH_MAX || size < 2 * n + 3)
		return TC_INVALID;
	out[o++] = '%';
	for (const unsigned char *p = (const unsigned char *)q; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return TC_INVALID;
		if (*p == '%' || *p == '_' || *p == '\\')
			out[o++] = '\\';
		out[o++] = (char)*p;
	}
	out[o++] = '%';
	out[o] = '\0';
	return TC_OK;
}

tc_status
student_sort_parse(const char *s, enum student_sort *out)
{
	if (s == NULL || s[0] == '\0') {
		*out = STUDENT_SORT_ACHTERNAAM;
		return TC_OK;
	}
	for (int i = 0; i < STUDENT_SORT_MAX; i++)
		if (strcmp(s, sort_names[i]) == 0) {
			*out = (enum student_sort)i;
			return TC_OK;
		}
	return TC_INVALID;
}

tc_status
student_status_parse(const char *s, bool *active)
{
	if (s == NULL || s[0] == '\0' || strcmp(s, "active") == 0) {
		*active = true;
		return TC_OK;
	}
	if (strcmp(s, "deactivated") == 0) {
		*active = false;
		return TC_OK;
	}
	return TC_INVALID;
}

/* --- reading ------------------------------------------------------------------ */

static void
copy_col(char *dst, size_t size, const char *v)
{
	snprintf(dst, size, "%s", v != NULL ? v : "");
}

static void
student_from_row(const struct db_row *row, struct student *s)
{
	memset(s, 0, sizeof(*s));
	s->id = strtoull(row->vals[0], NULL, 10);
	copy_col(s->achternaam, sizeof(s->achternaam), row->vals[1]);
	copy_col(s->voorvoegsel, sizeof(s->voorvoegsel), row->vals[2]);
	copy_col(s->roepnaam, sizeof(s->roepnaam), row->vals[3]);
	copy_col(s->geboortedatum, sizeof(s->geboortedatum), row->vals[4]);
	copy_col(s->jaargroep, sizeof(s->jaargroep), row->vals[5]);
	s->active = row->vals[6] != NULL && strcmp(row->vals[6], "active") == 0;
	copy_col(s->deactivated_at, sizeof(s->deactivated_at), row->vals[7]);
	s->from_las = row->vals[8] != NULL && strcmp(row->vals[8], "las") == 0;
}

struct list_ctx {
	student_fn	 fn;
	void		*arg;
	bool		 rows;		/* a row came */
	uint64_t	 total;		/* the plain list's last column */
};

static tc_status
list_row(void *arg, const struct db_row *row)
{
	struct list_ctx *l = arg;
	struct student s;

	if (row->ncols > 9 && row->vals[9] != NULL)
		l->total = strtoull(row->vals[9], NULL, 10);
	l->rows = true;
	student_from_row(row, &s);
	return l->fn(l->arg, &s);
}

tc_status
student_list(struct db *db, uint64_t tenant_id, const struct student_filter *f, student_fn fn,
    void *arg, uint64_t *total)
{
	struct list_ctx l = { fn, arg, false, 0 };
	const char *status = f->active ? "active" : "deactivated";
	long long n;
	tc_status st;

	if ((unsigned)f->sort >= STUDENT_SORT_MAX || f->limit == 0 ||
	    f->limit > TC_LIST_LIMIT_MAX)
		return TC_INVALID;
	if (f->group_id == 0 && f->teacher_id == 0 && f->like == NULL) {
		/* One round trip: the page with its total. */
		st = db_query(db, sql_plain_list[f->sort], DB_ARGS(DB_INT(tenant_id),
		    DB_STR(status), DB_INT(tenant_id), DB_STR(status), DB_INT(f->limit),
		    DB_INT(f->offset)), list_row, &l);
		if (st != TC_OK || l.rows) {
			*total = l.total;
			return st;
		}
		/* An empty page (no pupils, or past the end) still tells the total. */
		st = db_query_int(db, sql_plain_count, DB_ARGS(DB_INT(tenant_id), DB_STR(status)), &n);
		if (st != TC_OK)
			return st;
		*total = n > 0 ? (uint64_t)n : 0;
		return TC_OK;
	}
	if (f->group_id != 0 && f->teacher_id == 0 && f->like == NULL) {
		st = db_query_int(db, sql_group_count, DB_ARGS(DB_INT(tenant_id),
		    DB_INT(f->group_id), DB_STR(status)), &n);
		if (st != TC_OK)
			return st;
		*total = (uint64_t)n;
		if (f->offset >= *total)
			return TC_OK;
		return db_query(db, sql_group_list[f->sort], DB_ARGS(DB_INT(tenant_id),
		    DB_INT(f->group_id), DB_STR(status), DB_INT(f->limit), DB_INT(f->offset)),
		    list_row, &l);
	}
	st = db_query_int(db, sql[SQL_COUNT], DB_ARGS(DB_INT(tenant_id), DB_STR(status),
	    DB_INT(f->group_id != 0), DB_INT(f->group_id), DB_INT(f->teacher_id != 0),
	    DB_INT(f->teacher_id), DB_STR(f->like), DB_STR(f->like)), &n);
	if (st != TC_OK)
		return st;
	*total = (uint64_t)n;
	if (f->offset >= *total)
		return TC_OK;
	return db_query(db, sql_list[f->sort], DB_ARGS(DB_INT(tenant_id), DB_STR(status),
	    DB_INT(f->group_id != 0), DB_INT(f->group_id), DB_INT(f->teacher_id != 0),
	    DB_INT(f->teacher_id), DB_STR(f->like), DB_STR(f->like), DB_INT(f->limit),
	    DB_INT(f->offset)), list_row, &l);
}

struct one_ctx {
	struct student	*s;
	bool		 found;
};

static tc_status
one_row(void *arg, const struct db_row *row)
{
	struct one_ctx *o = arg;

	student_from_row(row, o->s);
	o->found = true;
	return TC_OK;
}

tc_status
student_get(struct db *db, uint64_t tenant_id, uint64_t teacher_id, uint64_t id,
    struct student *out)
{
	struct one_ctx o = { out, false };
	tc_status st;

	st = db_query(db, sql[SQL_GET], DB_ARGS(DB_INT(tenant_id), DB_INT(id),
	    DB_INT(teacher_id != 0), DB_INT(teacher_id)), one_row, &o);
	if (st != TC_OK)
		return st;
	return o.found ? TC_OK : TC_NOT_FOUND;
}

/* --- changing --------------------------------------------------------------------- */

/* "" becomes SQL NULL for the fields that may be empty. */
static struct db_val
opt_str(const char *s)
{
	return s[0] != '\0' ? DB_STR(s) : DB_NULLV;
}

static char *
id_text(char *buf, size_t size, uint64_t id)
{
	snprintf(buf, size, "%llu", (unsigned long long)id);
	return buf;
}

struct create_tx {
	uint64_t			 tenant_id, actor_id;
	const struct student_input	*in;
	uint64_t			*id;
};

static tc_status
create_body(struct db *db, void *arg)
{
	struct create_tx *c = arg;
	const struct student_input *in = c->in;
	char idbuf[24];
	tc_status st;

	if ((st = db_exec(db, sql[SQL_INSERT], DB_ARGS(DB_INT(c->tenant_id), DB_STR(in->achternaam),
	    opt_str(in->voorvoegsel), DB_STR(in->roepnaam), opt_str(in->geboortedatum),
	    opt_str(in->jaargroep)), NULL, c->id)) != TC_OK)
		return st;
	return audit_write(db, c->tenant_id, c->actor_id != 0 ? AUDIT_USER : AUDIT_OPERATOR,
	    c->actor_id, "student_create", "student", id_text(idbuf, sizeof(idbuf), *c->id), 1);
}

tc_status
student_create(struct db *db, uint64_t tenant_id, uint64_t actor_id,
    const struct student_input *in, uint64_t *id)
{
	struct create_tx c = { tenant_id, actor_id, in, id };

	if (in->achternaam[0] == '\0' || in->roepnaam[0] == '\0')
		return TC_INVALID;
	/* Again as a whole after a conflict or a lost node; a COMMIT whose
	 * connection was lost is reported (503), not repeated: no pupil twice. */
	return dbtx_run(db, create_body, NULL, &c);
}

struct lock_one {
	bool	found, active, las;
};

static tc_status
lock_one_row(void *arg, const struct db_row *row)
{
	struct lock_one *l = arg;

	l->found = true;
	l->active = strcmp(row->vals[0], "active") == 0;
	l->las = strcmp(row->vals[1], "las") == 0;
	return TC_OK;
}

tc_status
student_update(struct db *db, uint64_t tenant_id, uint64_t actor_id, uint64_t id,
    const struct student_input *in, const char **rule)
{
	struct lock_one l = { false, false, false };
	unsigned set = in->set;
	char idbuf[24];
	tc_status st;

	*rule = NULL;
	if (((set & STUDENT_F_ACHTERNAAM) && in->achternaam[0] == '\0') ||
	    ((set & STUDENT_F_ROEPNAAM) && in->roepnaam[0] == '\0'))
		return TC_INVALID;
	if ((st = db_begin(db)) != TC_OK)
		return st;
	if ((st = db_query(db, sql[SQL_LOCK_ONE], DB_ARGS(DB_INT(tenant_id), DB_INT(id)),
	    lock_one_row, &l)) != TC_OK)
		goto fail;
	if (!l.found) {
		st = TC_NOT_FOUND;
		goto fail;
	}
	if (!l.active || l.las) {
		*rule = !l.active ? "student_deactivated" : "from_las";
		st = TC_CONFLICT;
		goto fail;
	}
	if ((st = db_exec(db, sql[SQL_UPDATE], DB_ARGS(
	    DB_INT((set & STUDENT_F_ACHTERNAAM) != 0), DB_STR(in->achternaam),
	    DB_INT((set & STUDENT_F_VOORVOEGSEL) != 0), opt_str(in->voorvoegsel),
	    DB_INT((set & STUDENT_F_ROEPNAAM) != 0), DB_STR(in->roepnaam),
	    DB_INT((set & STUDENT_F_GEBOORTEDATUM) != 0), opt_str(in->geboortedatum),
	    DB_INT((set & STUDENT_F_JAARGROEP) != 0), opt_str(in->jaargroep),
	    DB_INT(tenant_id), DB_INT(id)), NULL, NULL)) != TC_OK ||
	    (st = audit_write(db, tenant_id, actor_id != 0 ? AUDIT_USER : AUDIT_OPERATOR, actor_id, "student_update", "student",
	    id_text(idbuf, sizeof(idbuf), id), 1)) != TC_OK ||
	    (st = db_commit(db)) != TC_OK)
		goto fail;
	return TC_OK;
fail:
	db_rollback(db);
	return st;
}

int
student_kv_key(char *buf, size_t size, uint64_t tenant_id, uint64_t id)
{
	char idbuf[24];

	return kv_key(buf, size, tenant_id, "student", id_text(idbuf, sizeof(idbuf), id));
}

/* DEL of every pupil's key, in batches of a few hundred keys. */
static tc_status
forget_students(struct kv *kv, uint64_t tenant_id, const struct idlist *ids)
{
	enum { BATCH = 256 };
	char keys[BATCH][TC_KEY_MAX];
	const char *argv[BATCH + 1];
	redisReply *reply;
	tc_status st;

	for (size_t i = 0; i < ids->n; i += BATCH) {
		size_t n = ids->n - i < BATCH ? ids->n - i : BATCH;

		argv[0] = "DEL";
		for (size_t k = 0; k < n; k++) {
			if (student_kv_key(keys[k], sizeof(keys[k]), tenant_id, ids->v[i + k]) < 0)
				return TC_INTERNAL;
			argv[k + 1] = keys[k];
		}
		if ((st = kv_command_argv(kv, &reply, (int)n + 1, argv, NULL)) != TC_OK)
			return st;
		freeReplyObject(reply);
	}
	/* What an import in progress and the last sync keep of them (issue 19). */
	if ((st = import_forget_students(kv, tenant_id, ids)) != TC_OK)
		return st;
	return syncpoints_forget(kv, tenant_id, ids);
}
