/*
 * audit.h - the audit log of a school: who did what to which ids, when.
 *
 * Entries hold ids and counts, never names or other personal data, so they
 * may outlive the pupils they mention.
 */
#ifndef TC_AUDIT_H
#define TC_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "status.h"

enum audit_actor { AUDIT_USER, AUDIT_SYSTEM, AUDIT_OPERATOR };

/* Writes one entry.  ids is a comma-separated list of ids (may be NULL).
 * Runs inside the caller's transaction when one is open.  An operator's entry
 * without an actor_id gets the Unix uid that ran the command (SUDO_UID when
 * run through sudo): who it was, as an id. */
tc_status	audit_write(struct db *, uint64_t tenant_id, enum audit_actor, uint64_t actor_id,
		    const char *action, const char *object_kind, const char *ids,
		    unsigned long count);

#endif
