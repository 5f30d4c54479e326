/* audit.c - one INSERT per entry. */
#include "audit.h"

static const char *const actor_names[] = { "user", "system", "operator" };

static const char sql_audit_insert[] =
    "INSERT INTO audit_log (tenant_id, actor_kind, actor_id, action, object_kind,"
    " object_ids, count) VALUES (?, ?, ?, ?, ?, ?, ?)";

tc_status
audit_write(struct db *db, uint64_t tenant_id, enum audit_actor actor, uint64_t actor_id,
    const char *action, const char *object_kind, const char *ids, unsigned long count)
{
	return db_exec(db, sql_audit_insert, DB_ARGS(DB_INT(tenant_id),
	    DB_STR(actor_names[actor]), actor_id != 0 ? DB_INT(actor_id) : DB_NULLV,
	    DB_STR(action), DB_STR(object_kind), DB_STR(ids), DB_INT(count)), NULL, NULL);
}
