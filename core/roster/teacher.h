/*
 * teacher.h - teachers (leerkrachten): users with role teacher, linked to
 * groups (group_set_teachers links them).  A teacher sees only its own
 * groups and their pupils; see the teacher_id of student.h and group.h.
 */
#ifndef TC_TEACHER_H
#define TC_TEACHER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "status.h"

struct teacher {
	uint64_t	 id;
	const char	*name;
	const char	*email;
	bool		 active;
	bool		 from_las;
	const char	*groups_json;	/* [{"id":..,"name":..,"school_year":..,"status":..}] */
};

/* One page of the school's teachers by name; *total gets their count. */
tc_status	teacher_list(struct db *, uint64_t tenant_id, unsigned limit, unsigned offset,
		    tc_status (*fn)(void *arg, const struct teacher *), void *arg,
		    uint64_t *total);

#endif
