/*
 * auditlog.h - reading a school's audit log (audit.h writes it), for
 * GET /api/audit and `tcctl audit`.  Entries hold ids and counts only.
 */
#ifndef TC_AUDITLOG_H
#define TC_AUDITLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "status.h"

struct auditlog_entry {
	uint64_t	 id;
	const char	*at;		/* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	const char	*actor_kind;	/* user, system, operator */
	uint64_t	 actor_id;	/* 0 when none */
	const char	*action;
	const char	*object_kind;
	const char	*object_ids;	/* "1,2,3" or "" */
	unsigned long	 count;
};

struct auditlog_filter {
	time_t		 from;		/* first instant (UTC), 0: no bound */
	time_t		 to;		/* instant after the last one, 0: no bound */
	const char	*action;	/* NULL: every action */
	unsigned	 limit, offset;
};

/* An action name: 1 to 64 of a-z, 0-9 and '_'. */
bool		auditlog_action_valid(const char *s);

/* One page of entries, newest first; *total gets the count of all matches. */
tc_status	auditlog_list(struct db *, uint64_t tenant_id, const struct auditlog_filter *,
		    tc_status (*fn)(void *arg, const struct auditlog_entry *), void *arg,
		    uint64_t *total);

#endif
