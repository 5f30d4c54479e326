/* testadmin.c - the tests and test_administrations tables. */
#include "testadmin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

enum { SQL_CATALOGUE, SQL_TEST_BY_CODE, SQL_LOCK_STUDENT, SQL_INSERT, SQL_HISTORY };

static const char *const sql[] = {
	/* The catalogue is the deployment's: it has no tenant_id. */
	[SQL_CATALOGUE] = "SELECT id, code, name, subject, max_score FROM tests"
	    " ORDER BY subject, code",
	[SQL_TEST_BY_CODE] = "SELECT id, code, name, subject, max_score FROM tests WHERE code = ?",
	[SQL_LOCK_STUDENT] = "SELECT status FROM students WHERE tenant_id = ? AND id = ?"
	    " LOCK IN SHARE MODE",
	[SQL_INSERT] = "INSERT INTO test_administrations (tenant_id, student_id, test_id,"
	    " taken_on, score, level, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[SQL_HISTORY] = "SELECT a.id, a.student_id, t.code, t.name, t.subject, t.max_score,"
	    " DATE_FORMAT(a.taken_on, '%Y-%m-%d'), a.score, a.level,"
	    " DATE_FORMAT(a.created_at, '%Y-%m-%dT%H:%i:%sZ')"
	    " FROM test_administrations a JOIN tests t ON t.id = a.test_id"
	    " WHERE a.tenant_id = ? AND a.student_id = ? ORDER BY a.taken_on DESC, a.id DESC",
};

struct cat_ctx {
	tc_status	(*fn)(void *, const struct testadmin_test *);
	void		*arg;
};

static tc_status
cat_row(void *arg, const struct db_row *row)
{
	struct cat_ctx *c = arg;
	struct testadmin_test t = {
		.id = (unsigned)strtoul(row->vals[0], NULL, 10),
		.code = row->vals[1], .name = row->vals[2], .subject = row->vals[3],
		.max_score = (int)strtol(row->vals[4], NULL, 10),
	};

	return c->fn(c->arg, &t);
}

tc_status
testadmin_catalogue(struct db *db, tc_status (*fn)(void *, const struct testadmin_test *),
    void *arg)
{
	struct cat_ctx c = { fn, arg };

	return db_query(db, sql[SQL_CATALOGUE], DB_NOARGS, cat_row, &c);
}

bool
testadmin_code_valid(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return false;
	return n >= 1 && n <= 32;
}

bool
testadmin_level_valid(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '+' || s[n] == '-'))
			return false;
	return n >= 1 && n <= TC_TEST_LEVEL_MAX;
}

tc_status
testadmin_date_check(const char *s, struct civil_date today)
{
	struct civil_date d;

	if (s == NULL || civil_date_parse(s, &d) != TC_OK)
		return TC_INVALID;
	if (civil_date_cmp(d, today) > 0 || civil_date_cmp(d, (struct civil_date){ 2000, 1, 1 }) < 0)
		return TC_INVALID;
	return TC_OK;
}

struct test_one {
	bool	found;
	long	id;
	int	max_score;
};

static tc_status
test_row(void *arg, const struct db_row *row)
{
	struct test_one *t = arg;

	t->found = true;
	t->id = strtol(row->vals[0], NULL, 10);
	t->max_score = (int)strtol(row->vals[4], NULL, 10);
	return TC_OK;
}

static tc_status
status_row(void *arg, const struct db_row *row)
{
	int *s = arg;

	*s = strcmp(row->vals[0], "active") == 0 ? 1 : 2;
	return TC_OK;
}

tc_status
testadmin_add(struct db *db, uint64_t tenant_id, uint64_t actor_id, uint64_t student_id,
    const char *code, const char *date, int score, const char *level, uint64_t *id,
    const char **field, const char **rule)
{
	struct test_one t = { false, 0, 0 };
	int status = 0;
	char idbuf[24];
	tc_status st;

	*field = *rule = NULL;
	if ((st = db_begin(db)) != TC_OK)
		return st;
	if ((st = db_query(db, sql[SQL_LOCK_STUDENT], DB_ARGS(DB_INT(tenant_id),
	    DB_INT(student_id)), status_row, &status)) != TC_OK)
		goto fail;
	if (status == 0) {
		st = TC_NOT_FOUND;
		goto fail;
	}
	if (status != 1) {
		*rule = "student_deactivated";
		st = TC_CONFLICT;
		goto fail;
	}
	if ((st = db_query(db, sql[SQL_TEST_BY_CODE], DB_ARGS(DB_STR(code)), test_row, &t)) != TC_OK)
		goto fail;
	if (!t.found || score < 0 || score > t.max_score) {
		*field = !t.found ? "test" : "score";
		st = TC_INVALID;
		goto fail;
	}
	if ((st = db_exec(db, sql[SQL_INSERT], DB_ARGS(DB_INT(tenant_id), DB_INT(student_id),
	    DB_INT(t.id), DB_STR(date), DB_INT(score), DB_STR(level),
	    actor_id != 0 ? DB_INT(actor_id) : DB_NULLV), NULL, id)) != TC_OK)
		goto fail;
	snprintf(idbuf, sizeof(idbuf), "%llu", (unsigned long long)student_id);
	if ((st = audit_write(db, tenant_id, actor_id != 0 ? AUDIT_USER : AUDIT_OPERATOR, actor_id, "test_administration_add",
	    "student", idbuf, 1)) != TC_OK || (st = db_commit(db)) != TC_OK)
		goto fail;
	return TC_OK;
fail:
	db_rollback(db);
	return st;
}

struct hist_ctx {
	tc_status	(*fn)(void *, const struct testadmin *);
	void		*arg;
};

static tc_status
hist_row(void *arg, const struct db_row *row)
{
	struct hist_ctx *h = arg;
	struct testadmin a = {
		.id = strtoull(row->vals[0], NULL, 10),
		.student_id = strtoull(row->vals[1], NULL, 10),
		.code = row->vals[2], .name = row->vals[3], .subject = row->vals[4],
		.max_score = (int)strtol(row->vals[5], NULL, 10),
		.date = row->vals[6],
		.score = (int)strtol(row->vals[7], NULL, 10),
		.level = row->vals[8],
		.created_at = row->vals[9] != NULL ? row->vals[9] : "",
	};

	return h->fn(h->arg, &a);
}

tc_status
testadmin_history(struct db *db, uint64_t tenant_id, uint64_t student_id,
    tc_status (*fn)(void *, const struct testadmin *), void *arg)
{
	struct hist_ctx h = { fn, arg };

	return db_query(db, sql[SQL_HISTORY], DB_ARGS(DB_INT(tenant_id), DB_INT(student_id)),
	    hist_row, &h);
}
