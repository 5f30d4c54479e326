/* audit.c - one INSERT per entry. */
#include "audit.h"

#include <stdlib.h>
#include <unistd.h>

static const char *const actor_names[] = { "user", "system", "operator" };

static const char sql_audit_insert[] =
    "INSERT INTO audit_log (tenant_id, actor_kind, actor_id, action, object_kind,"
    " object_ids, count) VALUES (?, ?, ?, ?, ?, ?, ?)";

/*
 * Who ran an operator's command (issue 19): the Unix uid of the account that
 * ran tcctl, through sudo the caller's (SUDO_UID).  Root itself is 0, which
 * is stored as no id.
 */
static uint64_t
operator_uid(void)
{
	const char *s = getenv("SUDO_UID");
	char *end;
	unsigned long long v;

	if (s != NULL && *s >= '0' && *s <= '9') {
		v = strtoull(s, &end, 10);
		if (*end == '\0')
			return (uint64_t)v;
	}
	return (uint64_t)getuid();
}

tc_status
audit_write(struct db *db, uint64_t tenant_id, enum audit_actor actor, uint64_t actor_id,
    const char *action, const char *object_kind, const char *ids, unsigned long count)
{
	if (actor == AUDIT_OPERATOR && actor_id == 0)
		actor_id = operator_uid();
	return db_exec(db, sql_audit_insert, DB_ARGS(DB_INT(tenant_id),
	    DB_STR(actor_names[actor]), actor_id != 0 ? DB_INT(actor_id) : DB_NULLV,
	    DB_STR(action), DB_STR(object_kind), DB_STR(ids), DB_INT(count)), NULL, NULL);
}
