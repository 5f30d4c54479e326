/* import_review.c - choices over the staged records and their rules. */
#include "import_review.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SQL_HAS_STUDENT, SQL_HAS_GROUP, SQL_HAS_TEACHER };

static const char *const sql[] = {
	[SQL_HAS_STUDENT] = "SELECT COUNT(*) FROM students WHERE tenant_id = ? AND id = ?",
	[SQL_HAS_GROUP] = "SELECT COUNT(*) FROM school_groups WHERE tenant_id = ? AND id = ?",
	[SQL_HAS_TEACHER] = "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND id = ?"
	    " AND role = 'teacher'",
};

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
decision_key(char *buf, size_t size, enum import_kind k, const char *key)
{
	snprintf(buf, size, "%s:%s", import_kind_name(k), key);
}

/* The chosen or default category of a group key (NULL when unknown). */
static const char *
group_cat(const struct import_review *rv, const char *key)
{
	return key != NULL ? json_string_value(json_object_get(rv->group_category, key)) : NULL;
}

const char *
import_review_category(const struct import_review *rv, enum import_kind k, const json_t *rec,
    uint64_t *link_id)
{
	char dk[600];
	const json_t *d;
	const char *cat, *gc;
	json_int_t link = 0;

	decision_key(dk, sizeof(dk), k, jstr(rec, "key"));
	d = json_object_get(rv->decisions, dk);
	cat = d != NULL && jstr(d, "category") != NULL ? jstr(d, "category") : jstr(rec, "category");
	if (k == IMPORT_STUDENT && (gc = group_cat(rv, jstr(rec, "stamgroep"))) != NULL &&
	    strcmp(gc, "skip") == 0)
		cat = "skip";
	if (cat != NULL && strcmp(cat, "existing") == 0) {
		link = d != NULL ? json_integer_value(json_object_get(d, "link_id")) : 0;
		if (link == 0)
			link = json_integer_value(json_object_get(rec, "link_id"));
	}
	if (link_id != NULL)
		*link_id = (uint64_t)link;
	/* Static strings, so that the answer outlives the JSON. */
	static const char *const cats[] = { "new", "existing", "skip", "archive", "keep" };
	for (size_t i = 0; cat != NULL && i < sizeof(cats) / sizeof(cats[0]); i++)
		if (strcmp(cat, cats[i]) == 0)
			return cats[i];
	return k == IMPORT_LEAVER ? "keep" : "skip";
}

static void
compute_groups(struct import_review *rv)
{
	json_t *g;
	size_t i;

	json_object_clear(rv->group_category);
	json_array_foreach(rv->records[IMPORT_GROUP], i, g)
		json_object_set_new(rv->group_category, jstr(g, "key"),
		    json_string(import_review_category(rv, IMPORT_GROUP, g, NULL)));
}

/* Indexes the records and computes the groups' categories; the records and
 * decisions are already in rv. */
static tc_status
review_index(struct import_review *rv)
{
	for (int k = 0; k < IMPORT_KIND_MAX; k++) {
		json_t *rec;
		size_t i;

		if (rv->records[k] == NULL || (rv->index[k] = json_object()) == NULL)
			return TC_INTERNAL;
		json_array_foreach(rv->records[k], i, rec)
			json_object_set(rv->index[k], jstr(rec, "key"), rec);
	}
	if (rv->decisions == NULL || (rv->group_category = json_object()) == NULL)
		return TC_INTERNAL;
	compute_groups(rv);
	return TC_OK;
}

/* Loads the records of the kinds in mask (bit 1 << kind); the others stay
 * empty arrays.  The version first (import.h). */
static tc_status
review_load(struct kv *kv, uint64_t t, const char *id, unsigned mask,
    struct import_review *out)
{
	tc_status st;

	memset(out, 0, sizeof(*out));
	st = import_review_version(kv, t, id, &out->version);
	for (int k = 0; k < IMPORT_KIND_MAX && st == TC_OK; k++)
		st = !(mask & 1u << k) ? ((out->records[k] = json_array()) != NULL ? TC_OK :
		    TC_INTERNAL) : import_load_records(kv, t, id, (enum import_kind)k,
		    &out->records[k]);
	if (st == TC_OK)
		st = import_load_decisions(kv, t, id, &out->decisions);
	if (st == TC_OK)
		st = review_index(out);
	if (st != TC_OK)
		import_review_free(out);
	return st;
}

tc_status
import_review_from(json_t *const records[IMPORT_KIND_MAX], json_t *decisions, long long version,
    struct import_review *out)
{
	tc_status st;

	memset(out, 0, sizeof(*out));
	for (int k = 0; k < IMPORT_KIND_MAX; k++)
		out->records[k] = json_incref(records[k]);
	out->decisions = decisions;
	out->version = version;
	if ((st = review_index(out)) != TC_OK)
		import_review_free(out);
	return st;
}

tc_status
import_review_load(struct kv *kv, uint64_t t, const char *id, struct import_review *out)
{
	return review_load(kv, t, id, (1u << IMPORT_KIND_MAX) - 1, out);
}

tc_status
import_review_load_kind(struct kv *kv, uint64_t t, const char *id, enum import_kind k,
    struct import_review *out)
{
	/* A pupil's category follows its stamgroep's: the groups always. */
	return review_load(kv, t, id, 1u << IMPORT_GROUP | 1u << k, out);
}

void
import_review_free(struct import_review *rv)
{
	for (int k = 0; k < IMPORT_KIND_MAX; k++) {
		json_decref(rv->records[k]);
		json_decref(rv->index[k]);
	}
	json_decref(rv->decisions);
	json_decref(rv->group_category);
	memset(rv, 0, sizeof(*rv));
}

/* Case-insensitive (ASCII) substring test. */
static bool
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (hay == NULL)
		return false;
	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

static json_t *
link_json(const json_t *rec, uint64_t link)
{
	const json_t *c;
	size_t i;

	if (link == 0)
		return json_null();
	if ((uint64_t)json_integer_value(json_object_get(rec, "link_id")) == link)
		return json_pack("{s:I, s:s?}", "id", (json_int_t)link, "display",
		    jstr(rec, "link_display"));
	json_array_foreach(json_object_get(rec, "candidates"), i, c)
		if ((uint64_t)json_integer_value(json_object_get(c, "id")) == link)
			return json_pack("{s:I, s:s?}", "id", (json_int_t)link, "display",
			    jstr(c, "display"));
	return json_pack("{s:I}", "id", (json_int_t)link);
}

bool
import_review_linked_archived(const struct import_review *rv, enum import_kind k,
    const json_t *rec)
{
	uint64_t link;
	const char *cat = import_review_category(rv, k, rec, &link), *ls = jstr(rec, "link_status");

	/* The status is the staged one's: a link chosen by hand is not known here. */
	return strcmp(cat, "existing") == 0 && link != 0 &&
	    (uint64_t)json_integer_value(json_object_get(rec, "link_id")) == link &&
	    ls != NULL && strcmp(ls, "deactivated") == 0;
}

/* The fields of a record of each kind, null when the record leaves one out. */
static const char *const record_fields[IMPORT_KIND_MAX][8] = {
	[IMPORT_GROUP] = { "naam", "jaargroep", "group_kind", NULL },
	[IMPORT_STUDENT] = { "las_key", "eckid", "achternaam", "voorvoegsel", "roepnaam",
	    "geboortedatum", "jaargroep", NULL },
	[IMPORT_TEACHER] = { "las_key", "eckid", "achternaam", "voorvoegsel", "roepnaam",
	    "email", NULL },
	[IMPORT_LEAVER] = { "jaargroep", "source", NULL },
};

const char *const *
import_review_fields(enum import_kind k)
{
	return record_fields[k];
}

/* A list member of rec, [] when it is left out (a new reference). */
static json_t *
list_of(const json_t *rec, const char *name)
{
	json_t *v = json_object_get(rec, name);

	return json_is_array(v) ? json_incref(v) : json_array();
}

static json_t *
record_item(const struct import_review *rv, enum import_kind k, const json_t *rec)
{
	const char *const *names = import_review_fields(k);
	uint64_t link;
	const char *cat = import_review_category(rv, k, rec, &link);
	json_t *fields = json_object(), *groups = json_array(), *v;

	for (size_t i = 0; names[i] != NULL; i++)
		json_object_set_new(fields, names[i], (v = json_object_get(rec, names[i])) != NULL ?
		    json_incref(v) : json_null());
	if (jstr(rec, "stamgroep") != NULL)
		json_array_append(groups, json_object_get(rec, "stamgroep"));
	if (json_is_array(json_object_get(rec, "groups")))
		json_array_extend(groups, json_object_get(rec, "groups"));
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s?, s:b}",
	    "kind", import_kind_name(k), "key", jstr(rec, "key"), "category", cat,
	    "display", jstr(rec, "display") != NULL ? jstr(rec, "display") : jstr(rec, "naam"),
	    "fields", fields, "group_keys", groups, "link", link_json(rec, link),
	    "changes", list_of(rec, "changes"), "candidates", list_of(rec, "candidates"),
	    "warnings", list_of(rec, "warnings"), "stamgroep", jstr(rec, "stamgroep"),
	    "archived", import_review_linked_archived(rv, k, rec));
}

tc_status
import_review_list(const struct import_review *rv, enum import_kind k, const char *cat,
    const char *q, long limit, long offset, json_t **out)
{
	json_t *items = json_array(), *rec;
	long total = 0;
	size_t i;

	json_array_foreach(rv->records[k], i, rec) {
		const char *c = import_review_category(rv, k, rec, NULL);

		if (cat != NULL && strcmp(cat, c) != 0)
			continue;
		if (q != NULL && q[0] != '\0' && !contains(jstr(rec, "display"), q) &&
		    !contains(jstr(rec, "naam"), q) && !contains(jstr(rec, "key"), q))
			continue;
		if (total >= offset && total < offset + limit)
			json_array_append_new(items, record_item(rv, k, rec));
		total++;
	}
	*out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	return *out != NULL ? TC_OK : TC_INTERNAL;
}

json_t *
import_review_counts(const struct import_review *rv)
{
	json_t *counts = json_object(), *tabs = json_array(), *rec;
	json_int_t archive = 0, reactivate = 0;
	bool new_teachers = false;

	for (int k = 0; k < IMPORT_KIND_MAX; k++) {
		json_t *c = k == IMPORT_LEAVER ? json_pack("{s:i, s:i}", "archive", 0, "keep", 0) :
		    json_pack("{s:i, s:i, s:i}", "new", 0, "existing", 0, "skip", 0);
		size_t i;

		json_array_foreach(rv->records[k], i, rec) {
			const char *cat = import_review_category(rv, (enum import_kind)k, rec, NULL);

			json_object_set_new(c, cat, json_integer(
			    json_integer_value(json_object_get(c, cat)) + 1));
			if (k == IMPORT_TEACHER && strcmp(jstr(rec, "category"), "new") == 0)
				new_teachers = true;
			if (k == IMPORT_LEAVER && strcmp(cat, "archive") == 0)
				archive++;
			if (k == IMPORT_STUDENT && import_review_linked_archived(rv, IMPORT_STUDENT, rec))
				reactivate++;
		}
		json_object_set_new(counts, import_kind_name((enum import_kind)k), c);
	}
	json_array_append_new(tabs, json_string("groups"));
	json_array_append_new(tabs, json_string("students"));
	/* The Leerkrachten tab only when the LAS has teachers new to us. */
	if (new_teachers)
		json_array_append_new(tabs, json_string("teachers"));
	return json_pack("{s:o, s:o, s:I, s:I}", "counts", counts, "tabs", tabs,
	    "leavers_to_archive", archive, "students_to_reactivate", reactivate);
}

tc_status
import_review_counts_get(struct kv *kv, uint64_t t, const char *id, json_t **out)
{
	struct import_review rv;
	tc_status st;

	if ((st = import_load_counts(kv, t, id, out)) != TC_OK || *out != NULL)
		return st;
	if ((st = import_review_load(kv, t, id, &rv)) != TC_OK)
		return st;
	*out = import_review_counts(&rv);
	/* Kept for the next caller; when that fails they are counted again. */
	(void)import_store_counts(kv, t, id, *out, rv.version);
	import_review_free(&rv);
	return *out != NULL ? TC_OK : TC_INTERNAL;
}

static json_t *
problem(const char *code, const char *message, json_t *keys)
{
	return json_pack("{s:s, s:s, s:o}", "code", code, "message", message,
	    "keys", keys != NULL ? keys : json_array());
}

static bool
category_valid(enum import_kind k, const char *c)
{
	if (c == NULL)
		return false;
	if (k == IMPORT_LEAVER)
		return strcmp(c, "archive") == 0 || strcmp(c, "keep") == 0;
	return strcmp(c, "new") == 0 || strcmp(c, "existing") == 0 || strcmp(c, "skip") == 0;
}

static tc_status
link_exists(struct db *db, uint64_t t, enum import_kind k, uint64_t id, bool *ok)
{
	long long n = 0;
	int which = k == IMPORT_STUDENT ? SQL_HAS_STUDENT : k == IMPORT_GROUP ? SQL_HAS_GROUP :
	    SQL_HAS_TEACHER;
	tc_status st;

	st = db_query_int(db, sql[which], DB_ARGS(DB_INT(t), DB_INT(id)), &n);
	*ok = st == TC_OK && n > 0;
	return st == TC_NOT_FOUND ? TC_OK : st;
}

/* Two records linked to one existing record: the keys of the second ones. */
static json_t *
linked_twice(const struct import_review *rv)
{
	json_t *dups = json_array();

	for (int k = 0; k < IMPORT_LEAVER; k++) {
		json_t *seen = json_object(), *rec;
		size_t i;

		json_array_foreach(rv->records[k], i, rec) {
			uint64_t link;
			char n[24];

			if (strcmp(import_review_category(rv, (enum import_kind)k, rec, &link),
			    "existing") != 0 || link == 0)
				continue;
			snprintf(n, sizeof(n), "%llu", (unsigned long long)link);
			if (json_object_get(seen, n) != NULL)
				json_array_append(dups, json_object_get(rec, "key"));
			json_object_set_new(seen, n, json_true());
		}
		json_decref(seen);
	}
	return dups;
}

tc_status
import_review_decide(struct import_review *rv, struct db *db, struct kv *kv,
    const struct config *cfg, uint64_t t, const char *id, json_t *choices, json_t **answer,
    json_t **prob)
{
	json_t *changed = json_object(), *old = json_deep_copy(rv->decisions), *cascaded, *c,
	    *skipped = json_array(), *dups, *counts;
	size_t i;
	tc_status st = TC_OK;

	*answer = *prob = NULL;
	if (!json_is_array(choices) || json_array_size(choices) == 0 ||
	    json_array_size(choices) > TC_BULK_IDS_MAX) {
		*prob = problem("invalid", "Geef een lijst met keuzes (decisions).", NULL);
		st = TC_INVALID;
		goto out;
	}
	json_array_foreach(choices, i, c) {
		int k = import_kind_parse(jstr(c, "kind"));
		const char *key = jstr(c, "key"), *cat = jstr(c, "category");
		json_t *rec, *extra;
		json_int_t link = json_integer_value(json_object_get(c, "link_id"));
		char dk[600];
		bool ok;

		if (!json_is_object(c) || k < 0 || key == NULL || !category_valid(k, cat) ||
		    (json_object_get(c, "link_id") != NULL && (!json_is_integer(json_object_get(c,
		    "link_id")) || link <= 0)) || json_object_size(c) > 4) {
			*prob = problem("invalid", "Een keuze is niet geldig: soort, sleutel en "
			    "categorie zijn verplicht.", json_pack("[O?]", json_object_get(c, "key")));
			st = TC_INVALID;
			goto out;
		}
		if ((rec = json_object_get(rv->index[k], key)) == NULL) {
			*prob = problem("not_found", "Deze regel staat niet in de import.",
			    json_pack("[s]", key));
			st = TC_NOT_FOUND;
			goto out;
		}
		if (strcmp(cat, "existing") == 0) {
			if (link == 0)
				link = json_integer_value(json_object_get(rec, "link_id"));
			if (link == 0) {
				*prob = problem("link_required", "Kies bij Bestaand met welke "
				    "bestaande gegevens deze regel wordt gekoppeld.", json_pack("[s]", key));
				st = TC_INVALID;
				goto out;
			}
			if ((st = link_exists(db, t, k, (uint64_t)link, &ok)) != TC_OK)
				goto out;
			if (!ok) {
				*prob = problem("not_found", "De gekozen koppeling bestaat niet bij "
				    "deze school.", json_pack("[s]", key));
				st = TC_NOT_FOUND;
				goto out;
			}
		}
		if (strcmp(cat, "new") == 0 && strcmp(jstr(rec, "category"), "existing") == 0) {
			*prob = problem("already_known", "Deze regel is al bekend (zelfde ECK-iD of "
			    "LAS-sleutel) en kan niet als Nieuw worden geïmporteerd.",
			    json_pack("[s]", key));
			st = TC_CONFLICT;
			goto out;
		}
		decision_key(dk, sizeof(dk), k, key);
		extra = strcmp(cat, "existing") == 0 ?
		    json_pack("{s:s, s:I}", "category", cat, "link_id", link) :
		    json_pack("{s:s}", "category", cat);
		json_object_set(changed, dk, extra);
		json_object_set_new(rv->decisions, dk, extra);
	}
	compute_groups(rv);
	/* A pupil chosen to import whose stamgroep is skipped: refused. */
	json_array_foreach(choices, i, c) {
		const char *gc;
		json_t *rec;

		if (import_kind_parse(jstr(c, "kind")) != IMPORT_STUDENT ||
		    strcmp(jstr(c, "category"), "skip") == 0)
			continue;
		rec = json_object_get(rv->index[IMPORT_STUDENT], jstr(c, "key"));
		if ((gc = group_cat(rv, jstr(rec, "stamgroep"))) != NULL && strcmp(gc, "skip") == 0)
			json_array_append(skipped, json_object_get(rec, "key"));
	}
	if (json_array_size(skipped) > 0) {
		*prob = problem("group_skipped", "Deze leerlingen zitten in een groep die niet "
		    "wordt geïmporteerd en kunnen daarom niet worden geïmporteerd.", skipped);
		skipped = NULL;
		st = TC_CONFLICT;
		goto out;
	}
	if (json_array_size(dups = linked_twice(rv)) > 0) {
		*prob = problem("linked_twice", "Twee regels zijn aan dezelfde bestaande gegevens "
		    "gekoppeld.", dups);
		st = TC_CONFLICT;
		goto out;
	}
	json_decref(dups);
	/* The pupils that the skipped groups of this call took along. */
	cascaded = json_array();
	json_array_foreach(choices, i, c) {
		json_t *rec;
		size_t j;

		if (import_kind_parse(jstr(c, "kind")) != IMPORT_GROUP ||
		    strcmp(jstr(c, "category"), "skip") != 0)
			continue;
		json_array_foreach(rv->records[IMPORT_STUDENT], j, rec)
			if (jstr(rec, "stamgroep") != NULL &&
			    strcmp(jstr(rec, "stamgroep"), jstr(c, "key")) == 0)
				json_array_append_new(cascaded, json_pack("{s:s, s:O}", "kind",
				    "student", "key", json_object_get(rec, "key")));
	}
	counts = import_review_counts(rv);
	st = import_store_decisions(kv, cfg, t, id, changed, rv->version, counts);
	json_decref(counts);
	if (st != TC_OK) {
		json_decref(cascaded);
		goto out;
	}
	*answer = json_pack("{s:I, s:o}", "changed", (json_int_t)json_object_size(changed),
	    "cascaded", cascaded);
out:
	if (st != TC_OK) {
		/* Nothing changed: back to the choices as they were. */
		json_decref(rv->decisions);
		rv->decisions = old;
		old = NULL;
		compute_groups(rv);
	}
	json_decref(old);
	json_decref(changed);
	json_decref(skipped);
	return st;
}

tc_status
import_review_validate(const struct import_review *rv, json_t **prob)
{
	json_t *dups = linked_twice(rv);

	*prob = NULL;
	if (json_array_size(dups) > 0) {
		*prob = problem("linked_twice", "Twee regels zijn aan dezelfde bestaande gegevens "
		    "gekoppeld.", dups);
		return TC_CONFLICT;
	}
	json_decref(dups);
	return TC_OK;
}
