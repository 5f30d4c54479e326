/* rosterset.c - archive, reactivate and delete a set of pupils or groups. */
#include "rosterset.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dbtx.h"
#include "log.h"

static const struct log_ctx ctx = { NULL, NULL, "rosterset" };

static enum audit_actor
actor_kind(uint64_t actor_id)
{
	return actor_id != 0 ? AUDIT_USER : AUDIT_OPERATOR;
}

struct lock_rows {
	struct idlist	*active, *deactivated, found;
};

static tc_status
lock_row(void *arg, const struct db_row *row)
{
	struct lock_rows *l = arg;
	uint64_t id = strtoull(row->vals[0], NULL, 10);
	struct idlist *to = strcmp(row->vals[1], "active") == 0 ? l->active : l->deactivated;
	tc_status st;

	if ((st = idlist_add(&l->found, id)) != TC_OK)
		return st;
	return to != NULL ? idlist_add(to, id) : TC_OK;
}

tc_status
rosterset_lock(struct db *db, const struct rosterset_kind *k, uint64_t tenant_id,
    const struct idlist *ids, struct idlist *unknown, struct idlist *active,
    struct idlist *deactivated)
{
	struct lock_rows l = { active, deactivated, { 0 } };
	const char *json;
	tc_status st;

	idlist_init(&l.found, ids->arena);
	if (unknown != NULL)
		idlist_init(unknown, ids->arena);
	if (active != NULL)
		idlist_init(active, ids->arena);
	if (deactivated != NULL)
		idlist_init(deactivated, ids->arena);
	if ((json = idlist_json(ids)) == NULL)
		return TC_INTERNAL;
	if ((st = db_query(db, k->sql_lock, DB_ARGS(DB_INT(tenant_id), DB_STR(json)),
	    lock_row, &l)) != TC_OK)
		return st;
	idlist_normalize(&l.found);
	if (unknown != NULL)
		for (size_t i = 0; i < ids->n; i++)
			if (!idlist_contains(&l.found, ids->v[i]) &&
			    (st = idlist_add(unknown, ids->v[i])) != TC_OK)
				return st;
	return TC_OK;
}

tc_status
rosterset_set_active_locked(struct db *db, const struct rosterset_kind *k, uint64_t tenant_id,
    uint64_t actor_id, const struct idlist *ids, bool active, uint64_t *changed,
    struct idlist *unknown)
{
	struct idlist act, deact;
	const struct idlist *changing;
	const char *json, *csv;
	tc_status st;

	*changed = 0;
	if ((json = idlist_json(ids)) == NULL)
		return TC_INTERNAL;
	if ((st = rosterset_lock(db, k, tenant_id, ids, unknown, &act, &deact)) != TC_OK)
		return st;
	if (unknown->n > 0)
		return TC_NOT_FOUND;
	changing = active ? &deact : &act;
	if ((csv = idlist_csv(changing)) == NULL)
		return TC_INTERNAL;
	/*
	 * The audit entry first (the rows are locked: exactly these change),
	 * the UPDATE last: its triggers lock the school's pupil counts
	 * (sql/004), which are then held only until the COMMIT that follows,
	 * not across one more round trip.
	 */
	if ((st = audit_write(db, tenant_id, actor_kind(actor_id), actor_id,
	    active ? k->audit_reactivate : k->audit_deactivate, k->object, csv,
	    (unsigned long)changing->n)) != TC_OK)
		return st;
	if ((st = db_exec(db, active ? k->sql_reactivate : k->sql_deactivate,
	    DB_ARGS(DB_STR(json), DB_INT(tenant_id)), changed, NULL)) != TC_OK)
		return st;
	if (*changed != changing->n) {
		log_msg(TC_LOG_ERROR, &ctx, "%s set_active: changed %llu of %zu locked rows",
		    k->object, (unsigned long long)*changed, changing->n);
		return TC_INTERNAL;
	}
	return TC_OK;
}

/* One call's arguments and results, for dbtx_run's bodies. */
struct set_tx {
	const struct rosterset_kind	*k;
	struct kv			*kv;
	uint64_t			 tenant_id, actor_id;
	const struct idlist		*ids;
	bool				 active;
	uint64_t			*n;		/* changed or deleted */
	struct idlist			*offending;	/* unknown (or active) */
};

static tc_status
set_active_body(struct db *db, void *arg)
{
	struct set_tx *t = arg;

	return rosterset_set_active_locked(db, t->k, t->tenant_id, t->actor_id, t->ids,
	    t->active, t->n, t->offending);
}

/*
 * Runs body on t's set in dbtx_run(): again as a whole after a conflict or a
 * lost node (Galera).  A COMMIT whose connection was lost is answered 503, and
 * the repeat is harmless: the rows are then in the state asked for, or gone
 * (404), and the user sees what happened.
 */
static tc_status
set_run(struct db *db, struct set_tx *t, dbtx_fn body)
{
	tc_status st;

	*t->n = 0;
	idlist_init(t->offending, t->ids->arena);
	if (t->ids->n == 0)
		return TC_INVALID;
	if ((st = dbtx_run(db, body, NULL, t)) != TC_OK)
		*t->n = 0;
	return st;
}

tc_status
rosterset_set_active(struct db *db, const struct rosterset_kind *k, uint64_t tenant_id,
    uint64_t actor_id, const struct idlist *ids, bool active, uint64_t *changed,
    struct idlist *unknown)
{
	struct set_tx t = { k, NULL, tenant_id, actor_id, ids, active, changed, unknown };

	return set_run(db, &t, set_active_body);
}

/* Runs the kind's deletions; *n: the objects themselves deleted. */
static tc_status
delete_rows(struct db *db, const struct rosterset_kind *k, uint64_t tenant_id, const char *json,
    uint64_t *n)
{
	tc_status st;

	for (const char *const *s = k->sql_delete; *s != NULL; s++)
		if ((st = db_exec(db, *s, DB_ARGS(DB_STR(json), DB_INT(tenant_id)),
		    s[1] == NULL ? n : NULL, NULL)) != TC_OK)
			return st;
	return TC_OK;
}

static tc_status
delete_body(struct db *db, void *arg)
{
	struct set_tx *t = arg;
	const struct rosterset_kind *k = t->k;
	struct idlist act, unknown;
	const char *json, *csv;
	uint64_t n = 0;
	tc_status st;

	*t->n = 0;
	idlist_init(t->offending, t->ids->arena);
	if ((json = idlist_json(t->ids)) == NULL || (csv = idlist_csv(t->ids)) == NULL)
		return TC_INTERNAL;
	if ((st = rosterset_lock(db, k, t->tenant_id, t->ids, &unknown, &act, NULL)) != TC_OK)
		return st;
	if (unknown.n > 0 || act.n > 0) {
		*t->offending = unknown.n > 0 ? unknown : act;
		return unknown.n > 0 ? TC_NOT_FOUND : TC_CONFLICT;
	}
	if ((st = delete_rows(db, k, t->tenant_id, json, &n)) != TC_OK)
		return st;
	if (n != t->ids->n) {
		log_msg(TC_LOG_ERROR, &ctx, "%s delete: %llu of %zu locked rows", k->object,
		    (unsigned long long)n, t->ids->n);
		return TC_INTERNAL;
	}
	if ((st = audit_write(db, t->tenant_id, actor_kind(t->actor_id), t->actor_id,
	    k->audit_delete, k->object, csv, (unsigned long)n)) != TC_OK)
		return st;
	/* Redis before the commit: if it cannot be reached, nothing is deleted
	 * (a key removed before a failed commit held only rebuildable data). */
	if (k->kv_forget != NULL && (st = k->kv_forget(t->kv, t->tenant_id, t->ids)) != TC_OK)
		return st;
	*t->n = n;
	return TC_OK;
}

tc_status
rosterset_delete(struct db *db, struct kv *kv, const struct rosterset_kind *k,
    uint64_t tenant_id, uint64_t actor_id, const struct idlist *ids, uint64_t *deleted,
    struct idlist *offending)
{
	struct set_tx t = { k, kv, tenant_id, actor_id, ids, false, deleted, offending };

	return set_run(db, &t, delete_body);
}
