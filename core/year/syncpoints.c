/* syncpoints.c - the nightly sync's points for the administrator. */
#include "syncpoints.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idlist.h"
#include "import.h"
#include "import_stage.h"
#include "limits.h"

#define SYNCPOINTS_TTL	(8 * 86400)	/* seconds: a week of nights, and one */
#define DISMISSED_TTL	(400 * 86400)	/* seconds: a school year, and some */

enum { SQL_PUPILS };

static const char *const sql[] = {
	/* Parameters: the ids (JSON), tenant.  The ids drive the join (idlist.h). */
	[SQL_PUPILS] = "SELECT STRAIGHT_JOIN s.id, s.status, s.roepnaam, s.voorvoegsel,"
	    " s.achternaam FROM " IDLIST_TABLE " JOIN students s ON s.tenant_id = ?"
	    " AND s.id = j.id",
};

/* A pupil id as the key of a JSON object (pupils found, ids dismissed). */
#define ID_KEY_MAX	24
static void
id_key(char k[ID_KEY_MAX], uint64_t id)
{
	snprintf(k, ID_KEY_MAX, "%llu", (unsigned long long)id);
}

static bool
is(const json_t *o, const char *k, const char *want)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v != NULL && strcmp(v, want) == 0;
}

/* The ids of the candidates of one look-alike record (a new array). */
static json_t *
candidate_ids(const json_t *rec)
{
	json_t *ids = json_array(), *c;
	size_t i;

	json_array_foreach(json_object_get(rec, "candidates"), i, c)
		json_array_append(ids, json_object_get(c, "id"));
	return ids;
}

json_t *
syncpoints_from_review(const struct import_review *rv)
{
	json_t *leavers = json_array(), *archived = json_array(), *alike = json_array(), *rec;
	size_t i;

	/* Hand-entered pupils were never in the LAS: not leavers of it. */
	json_array_foreach(rv->records[IMPORT_LEAVER], i, rec)
		if (is(rec, "source", "las"))
			json_array_append(leavers, json_object_get(rec, "id"));
	json_array_foreach(rv->records[IMPORT_STUDENT], i, rec) {
		if (is(rec, "category", "existing") && is(rec, "link_status", "deactivated"))
			json_array_append(archived, json_object_get(rec, "link_id"));
		else if (is(rec, "category", "new") &&
		    json_array_size(json_object_get(rec, "candidates")) > 0)
			json_array_append_new(alike, json_pack("{s:s?, s:O?, s:o}", "name",
			    json_string_value(json_object_get(rec, "display")), "geboortedatum",
			    json_object_get(rec, "geboortedatum"), "candidates", candidate_ids(rec)));
	}
	return json_pack("{s:o, s:o, s:o}", "leavers", leavers, "archived", archived,
	    "lookalikes", alike);
}

tc_status
syncpoints_save(struct kv *kv, uint64_t tenant_id, const char *date, bool held,
    const char *import_id, json_t *points)
{
	char key[TC_KEY_MAX], *text;
	json_t *doc;
	tc_status st;

	if (points == NULL)
		return TC_INTERNAL;
	doc = json_pack("{s:s, s:s, s:s?}", "date", date, "status", held ? "held" : "applied",
	    "import_id", held ? import_id : NULL);
	if (doc == NULL || json_object_update(doc, points) != 0) {
		json_decref(doc);
		return TC_INTERNAL;
	}
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (text == NULL)
		return TC_INTERNAL;
	kv_key(key, sizeof(key), tenant_id, "sync", "points");
	st = kv_exec(kv, "SET %s %b EX %d", key, text, strlen(text), SYNCPOINTS_TTL);
	free(text);
	return st;
}

/* Adds the pupil of one row to the object arg: "id" → {status, name}. */
static tc_status
pupil_row(void *arg, const struct db_row *r)
{
	char *name = import_display_name(r->vals[2], r->vals[3], r->vals[4]);
	json_t *p = json_pack("{s:s, s:s}", "status", r->vals[1], "name", name != NULL ? name : "");

	free(name);
	if (p == NULL || json_object_set_new(arg, r->vals[0], p) != 0)
		return TC_INTERNAL;
	return TC_OK;
}

/* The pupils of ids that exist, with status want (NULL: any) and not
 * dismissed (NULL: none are): [{id, name}]. */
static json_t *
pupils_now(const json_t *ids, const json_t *found, const char *want, const json_t *dismissed)
{
	json_t *out = json_array(), *id, *p;
	char k[ID_KEY_MAX];
	size_t i;

	json_array_foreach(ids, i, id) {
		id_key(k, (uint64_t)json_integer_value(id));
		if ((p = json_object_get(found, k)) == NULL || (want != NULL && !is(p, "status", want)) ||
		    (dismissed != NULL && json_object_get(dismissed, k) != NULL))
			continue;
		json_array_append_new(out, json_pack("{s:O, s:O}", "id", id, "name",
		    json_object_get(p, "name")));
	}
	return out;
}

/* Every id the points name, as one JSON array text (free()). */
static char *
all_ids(const json_t *doc)
{
	json_t *ids = json_array(), *rec;
	char *text;
	size_t i;

	json_array_extend(ids, json_object_get(doc, "leavers"));
	json_array_extend(ids, json_object_get(doc, "archived"));
	json_array_foreach(json_object_get(doc, "lookalikes"), i, rec)
		json_array_extend(ids, json_object_get(rec, "candidates"));
	text = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	return text;
}

/* The look-alikes whose hand-entered pupils still exist, with their names. */
static json_t *
lookalikes_now(const json_t *doc, const json_t *found)
{
	json_t *out = json_array(), *rec, *cands;
	size_t i;

	json_array_foreach(json_object_get(doc, "lookalikes"), i, rec) {
		cands = pupils_now(json_object_get(rec, "candidates"), found, NULL, NULL);
		if (json_array_size(cands) == 0) {
			json_decref(cands);
			continue;
		}
		json_array_append_new(out, json_pack("{s:O?, s:O?, s:o}", "name",
		    json_object_get(rec, "name"), "geboortedatum",
		    json_object_get(rec, "geboortedatum"), "candidates", cands));
	}
	return out;
}

/* The status to show: a held sync whose import no longer waits was decided. */
static const char *
status_now(struct kv *kv, uint64_t tenant_id, const json_t *doc, tc_status *st)
{
	const char *id = json_string_value(json_object_get(doc, "import_id"));
	struct import_state s;

	*st = TC_OK;
	if (!is(doc, "status", "held") || id == NULL)
		return "applied";
	*st = import_current(kv, tenant_id, &s);
	if (*st == TC_NOT_FOUND) {
		*st = TC_OK;
		return "decided";
	}
	return *st == TC_OK && strcmp(s.id, id) == 0 && s.status == IMPORT_REVIEW ? "held" : "decided";
}

/* The dismissed pupils of the school: an object with their ids as keys. */
static tc_status
dismissed_ids(struct kv *kv, uint64_t tenant_id, json_t **out)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	*out = json_object();
	kv_key(key, sizeof(key), tenant_id, "sync", "dismissed");
	if ((st = kv_command(kv, &r, "SMEMBERS %s", key)) != TC_OK)
		return st;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING)
			json_object_set_new(*out, r->element[i]->str, json_true());
	freeReplyObject(r);
	return TC_OK;
}

tc_status
syncpoints_get(struct db *db, struct kv *kv, uint64_t tenant_id, json_t **out)
{
	char key[TC_KEY_MAX], *ids;
	const char *status;
	json_t *doc, *found, *dismissed = NULL;
	redisReply *r;
	tc_status st;

	*out = NULL;
	kv_key(key, sizeof(key), tenant_id, "sync", "points");
	if ((st = kv_command(kv, &r, "GET %s", key)) != TC_OK)
		return st;
	doc = r->type == REDIS_REPLY_STRING ? json_loadb(r->str, r->len, 0, NULL) : NULL;
	freeReplyObject(r);
	if (doc == NULL) {
		*out = json_null();
		return TC_OK;
	}
	found = json_object();
	status = status_now(kv, tenant_id, doc, &st);
	if (st == TC_OK)
		st = dismissed_ids(kv, tenant_id, &dismissed);
	if (st != TC_OK)
		goto out;
	if ((ids = all_ids(doc)) == NULL) {
		st = TC_INTERNAL;
		goto out;
	}
	st = db_query(db, sql[SQL_PUPILS], DB_ARGS(DB_STR(ids), DB_INT(tenant_id)), pupil_row, found);
	free(ids);
	if (st != TC_OK)
		goto out;
	*out = json_pack("{s:O, s:s, s:O?, s:o, s:o, s:o}", "date", json_object_get(doc, "date"),
	    "status", status, "import_id", json_object_get(doc, "import_id"),
	    "leavers", pupils_now(json_object_get(doc, "leavers"), found, "active", dismissed),
	    "archived", pupils_now(json_object_get(doc, "archived"), found, "deactivated",
	    dismissed),
	    "lookalikes", lookalikes_now(doc, found));
	if (*out == NULL)
		st = TC_INTERNAL;
out:
	json_decref(dismissed);
	json_decref(found);
	json_decref(doc);
	return st;
}

/* The ids on the leavers and archived pupils of p, as the keys of a new object. */
static json_t *
listed_ids(const json_t *p)
{
	static const char *const lists[] = { "leavers", "archived" };
	json_t *out = json_object(), *e;
	char k[ID_KEY_MAX];
	size_t i;

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		json_array_foreach(json_object_get(p, lists[l]), i, e) {
			id_key(k, (uint64_t)json_integer_value(json_object_get(e, "id")));
			json_object_set_new(out, k, json_true());
		}
	return out;
}

/* SADD (or SREM) key id ...: one command for all the ids. */
static tc_status
set_ids(struct kv *kv, const char *cmd, const char *key, const struct idlist *ids)
{
	const char **argv = calloc(ids->n + 2, sizeof(*argv));
	char *buf = malloc(ids->n * 21);	/* 20 digits and a NUL per id */
	redisReply *r;
	tc_status st = TC_INTERNAL;

	if (argv != NULL && buf != NULL) {
		argv[0] = cmd;
		argv[1] = key;
		for (size_t i = 0; i < ids->n; i++) {
			snprintf(buf + i * 21, 21, "%llu", (unsigned long long)ids->v[i]);
			argv[i + 2] = buf + i * 21;
		}
		if ((st = kv_command_argv(kv, &r, (int)ids->n + 2, argv, NULL)) == TC_OK)
			freeReplyObject(r);
	}
	free(argv);
	free(buf);
	return st;
}

tc_status
syncpoints_check(struct db *db, struct kv *kv, uint64_t tenant_id, const struct idlist *ids,
    struct idlist *unknown)
{
	json_t *p, *listed;
	char k[ID_KEY_MAX];
	tc_status st;

	if ((st = syncpoints_get(db, kv, tenant_id, &p)) != TC_OK)
		return st;
	listed = listed_ids(p);
	for (size_t i = 0; st == TC_OK && i < ids->n; i++) {
		id_key(k, ids->v[i]);
		if (json_object_get(listed, k) == NULL)
			st = idlist_add(unknown, ids->v[i]);
	}
	json_decref(listed);
	json_decref(p);
	if (st != TC_OK)
		return st;
	return unknown->n > 0 ? TC_NOT_FOUND : TC_OK;
}

tc_status
syncpoints_dismiss(struct kv *kv, uint64_t tenant_id, const struct idlist *ids)
{
	char key[TC_KEY_MAX];
	tc_status st;

	kv_key(key, sizeof(key), tenant_id, "sync", "dismissed");
	if ((st = set_ids(kv, "SADD", key, ids)) == TC_OK)
		st = kv_exec(kv, "EXPIRE %s %d", key, DISMISSED_TTL);
	return st;
}

/* Drops the ids of arr (a JSON array of ids) that are in ids. */
static void
drop_ids(json_t *arr, const struct idlist *ids)
{
	for (size_t i = 0; i < json_array_size(arr);) {
		json_t *v = json_array_get(arr, i);

		if (json_is_integer(v) && json_integer_value(v) > 0 &&
		    idlist_contains(ids, (uint64_t)json_integer_value(v)))
			json_array_remove(arr, i);
		else
			i++;
	}
}

tc_status
syncpoints_forget(struct kv *kv, uint64_t tenant_id, const struct idlist *ids)
{
	char key[TC_KEY_MAX], *text;
	json_t *doc, *alike;
	redisReply *r;
	tc_status st;

	kv_key(key, sizeof(key), tenant_id, "sync", "points");
	if ((st = kv_command(kv, &r, "GET %s", key)) != TC_OK)
		return st;
	doc = r->type == REDIS_REPLY_STRING ? json_loadb(r->str, r->len, 0, NULL) : NULL;
	freeReplyObject(r);
	if (doc != NULL) {
		drop_ids(json_object_get(doc, "leavers"), ids);
		drop_ids(json_object_get(doc, "archived"), ids);
		alike = json_object_get(doc, "lookalikes");
		for (size_t i = 0; i < json_array_size(alike);) {
			json_t *c = json_object_get(json_array_get(alike, i), "candidates");
			size_t before = json_array_size(c);

			drop_ids(c, ids);
			if (before > 0 && json_array_size(c) == 0)
				json_array_remove(alike, i);
			else
				i++;
		}
		text = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
		if (text == NULL)
			return TC_INTERNAL;
		st = kv_exec(kv, "SET %s %b XX KEEPTTL", key, text, strlen(text));
		free(text);
		if (st != TC_OK)
			return st;
	}
	kv_key(key, sizeof(key), tenant_id, "sync", "dismissed");
	return ids->n > 0 ? set_ids(kv, "SREM", key, ids) : TC_OK;
}
