/*
 * rosterset.h - "these ids of this school", archived (deactiveren),
 * reactivated or deleted for good (verwijderen) as one set: DESIGN.md
 * section 2, steps 1 to 3.  Pupils and groups are both changed here; what
 * differs between them (their table, what goes with them on deletion, what
 * Redis keeps of them) is a struct rosterset_kind of theirs.
 *
 * Every change is all or nothing in one transaction: the ids are locked
 * first, an id that is not of the school (or, on deletion, still active)
 * stops it with the list of offending ids, and one audit entry holds the
 * ids and the count.  ids is normalized (sorted, unique: idlist.h); lists
 * given back share its arena.
 */
#ifndef TC_ROSTERSET_H
#define TC_ROSTERSET_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "idlist.h"
#include "kv.h"
#include "status.h"

/* One kind of roster object.  Statements take (tenant, ids as JSON) for
 * sql_lock and (ids as JSON, tenant) for the others (idlist.h). */
struct rosterset_kind {
	const char	*object;	/* audit object: "student", "group" */
	const char	*audit_deactivate, *audit_reactivate, *audit_delete;
	const char	*sql_lock;	/* SELECT id, status ... FOR UPDATE */
	const char	*sql_deactivate, *sql_reactivate;
	/* On deletion, what goes with the objects, then the objects themselves
	 * (the last one, counted; only deactivated ones); NULL-terminated. */
	const char *const *sql_delete;
	/* Removes what Redis keeps of the deleted ids (NULL: nothing). */
	tc_status	(*kv_forget)(struct kv *, uint64_t tenant_id, const struct idlist *);
};

/* Within the caller's transaction: locks the objects of ids and sorts them
 * into unknown (not of this school), active and deactivated (any may be
 * NULL). */
tc_status	rosterset_lock(struct db *, const struct rosterset_kind *, uint64_t tenant_id,
		    const struct idlist *ids, struct idlist *unknown, struct idlist *active,
		    struct idlist *deactivated);

/* Archives (active = false) or reactivates the objects of ids; ids already
 * in that state are no error.  TC_NOT_FOUND with *unknown filled when an id
 * is not of this school: then nothing changed.  *changed: the objects
 * changed.  rosterset_set_active_locked does the same inside the caller's
 * transaction (which it leaves to the caller to end). */
tc_status	rosterset_set_active(struct db *, const struct rosterset_kind *, uint64_t tenant_id,
		    uint64_t actor_id, const struct idlist *ids, bool active, uint64_t *changed,
		    struct idlist *unknown);
tc_status	rosterset_set_active_locked(struct db *, const struct rosterset_kind *,
		    uint64_t tenant_id, uint64_t actor_id, const struct idlist *ids, bool active,
		    uint64_t *changed, struct idlist *unknown);

/* Deletes the objects of ids for good, with what goes with them and what
 * Redis keeps of them.  Only deactivated objects: TC_NOT_FOUND (ids not of
 * this school) or TC_CONFLICT (ids still active) with *offending filled, and
 * then nothing is deleted. */
tc_status	rosterset_delete(struct db *, struct kv *, const struct rosterset_kind *,
		    uint64_t tenant_id, uint64_t actor_id, const struct idlist *ids,
		    uint64_t *deleted, struct idlist *offending);

#endif
