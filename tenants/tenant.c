/* tenant.c - the tenants table (the registry: not keyed by tenant_id). */
#include "tenant.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	SQL_INSERT, SQL_UPDATE, SQL_UPDATE_KEY, SQL_BY_HOST, SQL_BY_SLUG, SQL_BY_ID,
	SQL_LIST, SQL_KEY
};

#define TENANT_COLS "id, slug, name, host, status, brin, dependancecode, las_url," \
	" las_klantcode, las_klantnaam, las_xsd, las_gegevenssetid, las_soapaction_quoted," \
	" las_client_cert, las_client_key, las_ca_file, las_key_enc IS NOT NULL, sync_enabled"

static const char *const sql[] = {
	[SQL_INSERT] = "INSERT INTO tenants (slug, name, host, status, brin, dependancecode,"
	    " las_url, las_klantcode, las_klantnaam, las_xsd, las_gegevenssetid,"
	    " las_soapaction_quoted, las_client_cert, las_client_key, las_ca_file,"
	    " sync_enabled, las_key_enc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_UPDATE] = "UPDATE tenants SET name = ?, host = ?, status = ?, brin = ?,"
	    " dependancecode = ?, las_url = ?, las_klantcode = ?, las_klantnaam = ?,"
	    " las_xsd = ?, las_gegevenssetid = ?, las_soapaction_quoted = ?,"
	    " las_client_cert = ?, las_client_key = ?, las_ca_file = ?, sync_enabled = ?"
	    " WHERE id = ?",
	[SQL_UPDATE_KEY] = "UPDATE tenants SET las_key_enc = ? WHERE id = ?",
	[SQL_BY_HOST] = "SELECT " TENANT_COLS " FROM tenants WHERE host = ?",
	[SQL_BY_SLUG] = "SELECT " TENANT_COLS " FROM tenants WHERE slug = ?",
	[SQL_BY_ID] = "SELECT " TENANT_COLS " FROM tenants WHERE id = ?",
	[SQL_LIST] = "SELECT " TENANT_COLS " FROM tenants ORDER BY slug",
	[SQL_KEY] = "SELECT las_key_enc FROM tenants WHERE id = ?",
};

bool
tenant_slug_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > TC_SLUG_MAX || s[0] == '-')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

bool
tenant_brin_valid(const char *s)
{
	return strlen(s) == 4 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isupper((unsigned char)s[2]) && isupper((unsigned char)s[3]);
}

bool
tenant_dependancecode_valid(const char *s)
{
	return strlen(s) == 2 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]);
}

bool
tenant_las_url_valid(const char *s)
{
	size_t n = strlen(s);

	if (n > 1000)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return false;
	return (strncmp(s, "https://", 8) == 0 && n > 8) || (strncmp(s, "http://", 7) == 0 && n > 7);
}

bool
tenant_xsd_valid(const char *s)
{
	return strcmp(s, "2.2") == 0 || strcmp(s, "2.3") == 0;
}

tc_status
tenant_host_normalize(const char *in, char *out, size_t size)
{
	size_t n = 0;
	const char *p = in;

	if (in == NULL || size == 0)
		return TC_INVALID;
	/* host[:port]; IPv6 literals are not school hosts. */
	for (; *p != '\0' && *p != ':'; p++) {
		char c = (char)tolower((unsigned char)*p);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return TC_INVALID;
		if (n + 1 >= size || n >= TC_HOST_MAX)
			return TC_INVALID;
		out[n++] = c;
	}
	if (*p == ':') {
		const char *q = p + 1;

		if (*q == '\0' || strlen(q) > 5)
			return TC_INVALID;
		for (; *q != '\0'; q++)
			if (!isdigit((unsigned char)*q))
				return TC_INVALID;
	}
	if (n > 0 && out[n - 1] == '.')
		n--;
	out[n] = '\0';
	/* "host.." would keep a trailing dot (an empty label): found by
	 * tests/fuzz/fuzz_host, which checks that normalizing is idempotent. */
	if (n == 0 || out[0] == '.' || out[0] == '-' || out[n - 1] == '.' ||
	    strstr(out, "..") != NULL)
		return TC_INVALID;
	return TC_OK;
}

static struct db_val
opt(const char *s)
{
	return s[0] != '\0' ? DB_STR(s) : DB_NULLV;
}

tc_status
tenant_add(struct db *db, const struct tenant *t, const unsigned char *sealed_key,
    size_t sealed_len, uint64_t *id)
{
	return db_exec(db, sql[SQL_INSERT], DB_ARGS(DB_STR(t->slug), DB_STR(t->name),
	    DB_STR(t->host), DB_STR(t->active ? "active" : "disabled"), opt(t->brin),
	    opt(t->dependancecode), opt(t->las_url), opt(t->las_klantcode),
	    opt(t->las_klantnaam), DB_STR(t->las_xsd[0] != '\0' ? t->las_xsd : "2.3"),
	    opt(t->las_gegevenssetid), DB_INT(t->las_soapaction_quoted),
	    opt(t->las_client_cert), opt(t->las_client_key), opt(t->las_ca_file),
	    DB_INT(t->sync_enabled),
	    sealed_key != NULL ? DB_STRN((const char *)sealed_key, sealed_len) : DB_NULLV),
	    NULL, id);
}

tc_status
tenant_update(struct db *db, const struct tenant *t, const unsigned char *sealed_key,
    size_t sealed_len)
{
	tc_status st;

	st = db_exec(db, sql[SQL_UPDATE], DB_ARGS(DB_STR(t->name), DB_STR(t->host),
	    DB_STR(t->active ? "active" : "disabled"), opt(t->brin), opt(t->dependancecode),
	    opt(t->las_url), opt(t->las_klantcode), opt(t->las_klantnaam), DB_STR(t->las_xsd),
	    opt(t->las_gegevenssetid), DB_INT(t->las_soapaction_quoted),
	    opt(t->las_client_cert), opt(t->las_client_key), opt(t->las_ca_file),
	    DB_INT(t->sync_enabled), DB_INT(t->id)), NULL, NULL);
	if (st != TC_OK || sealed_key == NULL)
		return st;
	return db_exec(db, sql[SQL_UPDATE_KEY], DB_ARGS(
	    DB_STRN((const char *)sealed_key, sealed_len), DB_INT(t->id)), NULL, NULL);
}

static void
copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

static void
tenant_from_row(const struct db_row *r, struct tenant *t)
{
	memset(t, 0, sizeof(*t));
	t->id = strtoull(r->vals[0], NULL, 10);
	copy(t->slug, sizeof(t->slug), r->vals[1]);
	copy(t->name, sizeof(t->name), r->vals[2]);
	copy(t->host, sizeof(t->host), r->vals[3]);
	t->active = strcmp(r->vals[4], "active") == 0;
	copy(t->brin, sizeof(t->brin), r->vals[5]);
	copy(t->dependancecode, sizeof(t->dependancecode), r->vals[6]);
	copy(t->las_url, sizeof(t->las_url), r->vals[7]);
	copy(t->las_klantcode, sizeof(t->las_klantcode), r->vals[8]);
	copy(t->las_klantnaam, sizeof(t->las_klantnaam), r->vals[9]);
	copy(t->las_xsd, sizeof(t->las_xsd), r->vals[10]);
	copy(t->las_gegevenssetid, sizeof(t->las_gegevenssetid), r->vals[11]);
	t->las_soapaction_quoted = r->vals[12] != NULL && r->vals[12][0] == '1';
	copy(t->las_client_cert, sizeof(t->las_client_cert), r->vals[13]);
	copy(t->las_client_key, sizeof(t->las_client_key), r->vals[14]);
	copy(t->las_ca_file, sizeof(t->las_ca_file), r->vals[15]);
	t->has_las_key = r->vals[16] != NULL && r->vals[16][0] == '1';
	t->sync_enabled = r->vals[17] != NULL && r->vals[17][0] == '1';
}

struct one {
	struct tenant	*t;
	bool		 found;
};

static tc_status
one_row(void *arg, const struct db_row *row)
{
	struct one *o = arg;

	tenant_from_row(row, o->t);
	o->found = true;
	return TC_OK;
}

static tc_status
tenant_find(struct db *db, int which, struct db_val v, struct tenant *out)
{
	struct one o = { out, false };
	tc_status st;

	if ((st = db_query(db, sql[which], DB_ARGS(v), one_row, &o)) != TC_OK)
		return st;
	return o.found ? TC_OK : TC_NOT_FOUND;
}

tc_status
tenant_find_by_host(struct db *db, const char *host, struct tenant *out)
{
	return tenant_find(db, SQL_BY_HOST, DB_STR(host), out);
}

tc_status
tenant_find_by_slug(struct db *db, const char *slug, struct tenant *out)
{
	return tenant_find(db, SQL_BY_SLUG, DB_STR(slug), out);
}

tc_status
tenant_find_by_id(struct db *db, uint64_t id, struct tenant *out)
{
	return tenant_find(db, SQL_BY_ID, DB_INT(id), out);
}

struct keybuf {
	unsigned char	*buf;
	size_t		 size;
	size_t		*len;
	tc_status	 st;
};

static tc_status
key_row(void *arg, const struct db_row *row)
{
	struct keybuf *k = arg;

	if (row->vals[0] == NULL)
		return TC_OK;
	if (row->lens[0] > k->size)
		return TC_TOO_LARGE;
	memcpy(k->buf, row->vals[0], row->lens[0]);
	*k->len = row->lens[0];
	return TC_OK;
}

tc_status
tenant_sealed_key(struct db *db, uint64_t id, unsigned char *buf, size_t size, size_t *len)
{
	struct keybuf k = { buf, size, len, TC_OK };

	*len = 0;
	return db_query(db, sql[SQL_KEY], DB_ARGS(DB_INT(id)), key_row, &k);
}

struct list {
	tc_status	(*fn)(void *, const struct tenant *);
	void		*arg;
};

static tc_status
list_row(void *arg, const struct db_row *row)
{
	struct list *l = arg;
	struct tenant t;

	tenant_from_row(row, &t);
	return l->fn(l->arg, &t);
}

tc_status
tenant_list(struct db *db, tc_status (*fn)(void *, const struct tenant *), void *arg)
{
	struct list l = { fn, arg };

	return db_query(db, sql[SQL_LIST], DB_NOARGS, list_row, &l);
}

tc_status
tenant_touch(struct kv *kv)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	kv_global_key(key, sizeof(key), "registry:version");
	if ((st = kv_command(kv, &r, "INCR %s", key)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}

tc_status
tenant_version(struct kv *kv, long long *version)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	kv_global_key(key, sizeof(key), "registry:version");
	if ((st = kv_command(kv, &r, "GET %s", key)) != TC_OK)
		return st;
	*version = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
	freeReplyObject(r);
	return TC_OK;
}
