/* user.c - the users table. */
#include "user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	SQL_INSERT, SQL_BY_EMAIL, SQL_BY_ID, SQL_LIST, SQL_SET_STATUS, SQL_SET_PASSWORD,
	SQL_FOLD
};

#define USER_COLS "id, tenant_id, email, name, role, status, password_hash"

static const char *const sql[] = {
	[SQL_INSERT] = "INSERT INTO users (tenant_id, email, name, role, password_hash)"
	    " VALUES (?, ?, ?, ?, ?)",
	[SQL_BY_EMAIL] = "SELECT " USER_COLS " FROM users WHERE tenant_id = ? AND email = ?",
	[SQL_BY_ID] = "SELECT " USER_COLS " FROM users WHERE tenant_id = ? AND id = ?",
	[SQL_LIST] = "SELECT " USER_COLS " FROM users WHERE tenant_id = ? ORDER BY email",
	[SQL_SET_STATUS] = "UPDATE users SET status = ? WHERE tenant_id = ? AND id = ?",
	[SQL_SET_PASSWORD] = "UPDATE users SET password_hash = ? WHERE tenant_id = ? AND id = ?",
	/* users.email's collation, as "email = ?" compares (PAD SPACE: trailing
	 * spaces do not count), no table: the school is in the caller's key. */
	[SQL_FOLD] = "SELECT SHA2(WEIGHT_STRING(RTRIM(CONVERT(? USING utf8mb4))"
	    " COLLATE utf8mb4_uca1400_ai_ci), 256)",
};

bool
user_email_valid(const char *email)
{
	const char *at, *p;
	size_t n = strlen(email);

	if (n < 3 || n > TC_EMAIL_MAX)
		return false;
	for (p = email; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',')
			return false;
	if ((at = strchr(email, '@')) == NULL || at == email || strchr(at + 1, '@') != NULL)
		return false;
	p = strchr(at + 1, '.');
	return p != NULL && p > at + 1 && p[1] != '\0';
}

bool
user_role_valid(const char *role)
{
	return strcmp(role, "admin") == 0 || strcmp(role, "teacher") == 0;
}

tc_status
user_add(struct db *db, uint64_t tenant_id, const char *email, const char *name,
    const char *role, const char *hash, uint64_t *id)
{
	if (!user_email_valid(email) || !user_role_valid(role) || name[0] == '\0' ||
	    strlen(name) > TC_NAME_MAX)
		return TC_INVALID;
	return db_exec(db, sql[SQL_INSERT], DB_ARGS(DB_INT(tenant_id), DB_STR(email),
	    DB_STR(name), DB_STR(role), DB_STR(hash)), NULL, id);
}

static void
user_from_row(const struct db_row *row, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = strtoull(row->vals[0], NULL, 10);
	u->tenant_id = strtoull(row->vals[1], NULL, 10);
	snprintf(u->email, sizeof(u->email), "%s", row->vals[2]);
	snprintf(u->name, sizeof(u->name), "%s", row->vals[3]);
	snprintf(u->role, sizeof(u->role), "%s", row->vals[4]);
	u->active = strcmp(row->vals[5], "active") == 0;
	if (row->vals[6] != NULL)
		snprintf(u->password_hash, sizeof(u->password_hash), "%s", row->vals[6]);
}

struct one_user {
	struct user	*u;
	bool		 found;
};

static tc_status
one_row(void *arg, const struct db_row *row)
{
	struct one_user *o = arg;

	user_from_row(row, o->u);
	o->found = true;
	return TC_OK;
}

tc_status
user_find_by_email(struct db *db, uint64_t tenant_id, const char *email, struct user *out)
{
	struct one_user o = { out, false };
	tc_status st;

	st = db_query(db, sql[SQL_BY_EMAIL], DB_ARGS(DB_INT(tenant_id), DB_STR(email)),
	    one_row, &o);
	if (st != TC_OK)
		return st;
	return o.found ? TC_OK : TC_NOT_FOUND;
}

tc_status
user_get(struct db *db, uint64_t tenant_id, uint64_t id, struct user *out)
{
	struct one_user o = { out, false };
	tc_status st;

	st = db_query(db, sql[SQL_BY_ID], DB_ARGS(DB_INT(tenant_id), DB_INT(id)), one_row, &o);
	if (st != TC_OK)
		return st;
	return o.found ? TC_OK : TC_NOT_FOUND;
}

struct list_ctx {
	tc_status	(*fn)(void *, const struct user *);
	void		*arg;
};

static tc_status
list_row(void *arg, const struct db_row *row)
{
	struct list_ctx *l = arg;
	struct user u;

	user_from_row(row, &u);
	return l->fn(l->arg, &u);
}

tc_status
user_list(struct db *db, uint64_t tenant_id, tc_status (*fn)(void *, const struct user *),
    void *arg)
{
	struct list_ctx l = { fn, arg };

	return db_query(db, sql[SQL_LIST], DB_ARGS(DB_INT(tenant_id)), list_row, &l);
}

tc_status
user_set_active(struct db *db, uint64_t tenant_id, uint64_t id, bool active)
{
	uint64_t n;
	tc_status st;

	st = db_exec(db, sql[SQL_SET_STATUS], DB_ARGS(DB_STR(active ? "active" : "disabled"),
	    DB_INT(tenant_id), DB_INT(id)), &n, NULL);
	return st;
}

tc_status
user_set_password(struct db *db, uint64_t tenant_id, uint64_t id, const char *hash)
{
	return db_exec(db, sql[SQL_SET_PASSWORD], DB_ARGS(DB_STR(hash), DB_INT(tenant_id),
	    DB_INT(id)), NULL, NULL);
}

struct fold_ctx {
	char	*out;
	size_t	 size;
	bool	 found;
};

static tc_status
fold_row(void *arg, const struct db_row *r)
{
	struct fold_ctx *f = arg;

	if (r->vals[0] == NULL || strlen(r->vals[0]) >= f->size)
		return TC_INTERNAL;
	snprintf(f->out, f->size, "%s", r->vals[0]);
	f->found = true;
	return TC_OK;
}

tc_status
user_email_fold(struct db *db, const char *email, char *out, size_t size)
{
	struct fold_ctx f = { out, size, false };
	tc_status st;

	if ((st = db_query(db, sql[SQL_FOLD], DB_ARGS(DB_STR(email)), fold_row, &f)) != TC_OK)
		return st;
	return f.found ? TC_OK : TC_INTERNAL;
}
