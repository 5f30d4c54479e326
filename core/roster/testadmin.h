/*
 * testadmin.h - the deployment's test catalogue and the test administrations
 * (toetsafnames) of pupils.  A result belongs to the pupil: it stays when a
 * group is archived or deleted and goes only with the pupil's deletion.
 */
#ifndef TC_TESTADMIN_H
#define TC_TESTADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "limits.h"
#include "schoolyear.h"
#include "status.h"

struct testadmin_test {
	unsigned	 id;
	const char	*code;
	const char	*name;
	const char	*subject;
	int		 max_score;
};

/* Calls fn for each test of the catalogue, ordered by subject and code. */
tc_status	testadmin_catalogue(struct db *,
		    tc_status (*fn)(void *arg, const struct testadmin_test *), void *arg);

/* A test code: 1 to 32 of A-Z, 0-9 and '-'. */
bool		testadmin_code_valid(const char *s);

/* A level: 1 to TC_TEST_LEVEL_MAX of A-Z, a-z, 0-9, '+' and '-' ("1F", "IV", "A+"). */
bool		testadmin_level_valid(const char *s);

/* The date of an administration: a valid "YYYY-MM-DD", not after today and
 * not before 2000-01-01. */
tc_status	testadmin_date_check(const char *s, struct civil_date today);

struct testadmin {
	uint64_t	 id;
	uint64_t	 student_id;
	const char	*code, *name, *subject;
	int		 max_score;
	const char	*date;		/* "YYYY-MM-DD" */
	int		 score;
	const char	*level;		/* NULL when none */
	const char	*created_at;	/* "YYYY-MM-DDTHH:MM:SSZ" */
};

/* Adds an administration of test code for a pupil.  TC_NOT_FOUND (pupil not
 * of this school), TC_INVALID with *field "test" (unknown code) or "score"
 * (outside 0..max_score), TC_CONFLICT with *rule "student_deactivated". */
tc_status	testadmin_add(struct db *, uint64_t tenant_id, uint64_t actor_id,
		    uint64_t student_id, const char *code, const char *date, int score,
		    const char *level, uint64_t *id, const char **field, const char **rule);

/* The test history of a pupil, newest first. */
tc_status	testadmin_history(struct db *, uint64_t tenant_id, uint64_t student_id,
		    tc_status (*fn)(void *arg, const struct testadmin *), void *arg);

#endif
