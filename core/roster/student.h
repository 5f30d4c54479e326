/*
 * student.h - a school's pupils (leerlingen): the field rules, the list,
 * entering and changing pupils by hand, archiving (deactiveren), reactivating
 * and deleting for good (verwijderen).  DESIGN.md section 2, steps 1 and 2.
 *
 * Every call takes the school first.  Archiving, reactivating and deleting
 * a set of pupils is rosterset.h's, with student_set.  A teacher_id other than
 * 0 limits what is seen to the pupils of that teacher's groups.
 */
#ifndef TC_STUDENT_H
#define TC_STUDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "idlist.h"
#include "kv.h"
#include "limits.h"
#include "rosterset.h"
#include "schoolyear.h"
#include "status.h"

struct student {
	uint64_t	id;
	char		achternaam[TC_ACHTERNAAM_MAX + 1];
	char		voorvoegsel[TC_VOORVOEGSEL_MAX + 1];	/* "" when none */
	char		roepnaam[TC_ROEPNAAM_MAX + 1];
	char		geboortedatum[11];	/* "YYYY-MM-DD", "" when not stored */
	char		jaargroep[3];		/* "" when not stored */
	bool		active;
	char		deactivated_at[24];	/* "YYYY-MM-DDTHH:MM:SSZ", "" when active */
	bool		from_las;
};

/* --- field rules (pure) --------------------------------------------------- */

/* Normalizes a name: trims, folds runs of white space into one space, and
 * checks it: valid UTF-8, no control characters, of ASCII only letters,
 * space, apostrophe, hyphen and dot (any non-ASCII letter is allowed: é, ë,
 * ç, ı, ...), at most max bytes.  "" is valid here (callers decide whether a
 * field is required).  TC_INVALID otherwise; out is always terminated. */
tc_status	student_name_normalize(const char *in, char *out, size_t size, size_t max);

/* True when s is valid UTF-8 without control characters (C0, C1, DEL). */
bool		student_text_valid(const char *s);

/* True for a jaargroep: "1" to "8" (groep 1 to 8 of primary school). */
bool		student_jaargroep_valid(const char *s);

/* A date of birth: a valid "YYYY-MM-DD" not after today and at most 30
 * years before it.  TC_INVALID otherwise. */
tc_status	student_birthdate_check(const char *s, struct civil_date today);

/* The search text q as a LIKE pattern "%q%" with %, _ and \ escaped.
 * TC_INVALID when q is longer than TC_SEARCH_MAX or has control characters. */
tc_status	student_like_pattern(const char *q, char *out, size_t size);

/* Sort orders of the list: every order ends with the id, so pages are stable. */
enum student_sort {
	STUDENT_SORT_ACHTERNAAM,	/* "achternaam" (default), then roepnaam */
	STUDENT_SORT_ACHTERNAAM_DESC,	/* "-achternaam" */
	STUDENT_SORT_ROEPNAAM,		/* "roepnaam", then achternaam */
	STUDENT_SORT_ROEPNAAM_DESC,
	STUDENT_SORT_JAARGROEP,		/* "jaargroep", then achternaam */
	STUDENT_SORT_JAARGROEP_DESC,
	STUDENT_SORT_GEBOORTEDATUM,	/* "geboortedatum", then achternaam */
	STUDENT_SORT_GEBOORTEDATUM_DESC,
	STUDENT_SORT_DEACTIVATED_AT,	/* "deactivated_at", then achternaam */
	STUDENT_SORT_DEACTIVATED_AT_DESC,
	STUDENT_SORT_ID,		/* "id" */
	STUDENT_SORT_ID_DESC,
	STUDENT_SORT_MAX
};

/* Parses a sort= value; NULL or "" gives the default.  TC_INVALID otherwise. */
tc_status	student_sort_parse(const char *s, enum student_sort *out);

/* Parses status= ("active" or "deactivated"; NULL or "" is active). */
tc_status	student_status_parse(const char *s, bool *active);

/* --- reading ------------------------------------------------------------- */

struct student_filter {
	bool		 active;	/* the active or the deactivated list */
	uint64_t	 group_id;	/* 0: any group */
	uint64_t	 teacher_id;	/* 0: every pupil of the school */
	const char	*like;		/* from student_like_pattern, NULL: no search */
	enum student_sort sort;
	unsigned	 limit;		/* 1..TC_LIST_LIMIT_MAX */
	unsigned	 offset;
};

typedef tc_status (*student_fn)(void *arg, const struct student *);

/* Calls fn for each pupil of one page; *total gets the count of all matches. */
tc_status	student_list(struct db *, uint64_t tenant_id, const struct student_filter *,
		    student_fn fn, void *arg, uint64_t *total);

/* One pupil, also a deactivated one.  TC_NOT_FOUND when it is not of this
 * school (or, with teacher_id, not in one of that teacher's groups). */
tc_status	student_get(struct db *, uint64_t tenant_id, uint64_t teacher_id, uint64_t id,
		    struct student *out);

/* --- changing (administrators) -------------------------------------------- */

enum student_field {
	STUDENT_F_ACHTERNAAM	= 1 << 0,
	STUDENT_F_VOORVOEGSEL	= 1 << 1,
	STUDENT_F_ROEPNAAM	= 1 << 2,
	STUDENT_F_GEBOORTEDATUM	= 1 << 3,
	STUDENT_F_JAARGROEP	= 1 << 4
};

/* Checked, normalized fields; "" clears a field that may be empty. */
struct student_input {
	unsigned	set;		/* enum student_field bits: the fields given */
	char		achternaam[TC_ACHTERNAAM_MAX + 1];
	char		voorvoegsel[TC_VOORVOEGSEL_MAX + 1];
	char		roepnaam[TC_ROEPNAAM_MAX + 1];
	char		geboortedatum[11];
	char		jaargroep[3];
};

/* Enters a pupil by hand (source manual).  achternaam and roepnaam are
 * required: TC_INVALID without them. */
tc_status	student_create(struct db *, uint64_t tenant_id, uint64_t actor_id,
		    const struct student_input *, uint64_t *id);

/* Changes the given fields.  TC_NOT_FOUND, TC_INVALID (a required field made
 * empty), or TC_CONFLICT with *rule "student_deactivated" or "from_las"
 * (pupils of the LAS are changed in the LAS). */
tc_status	student_update(struct db *, uint64_t tenant_id, uint64_t actor_id, uint64_t id,
		    const struct student_input *, const char **rule);

/* Pupils as a set: archive, reactivate, delete for good (rosterset.h).
 * Deletion takes their group memberships, their test administrations and
 * their Redis keys along. */
extern const struct rosterset_kind student_set;

/* The Redis key of anything kept about one pupil: tc:{tenant}:student:<id>.
 * Whatever caches a pupil in Redis uses this key, so deletion finds it. */
int		student_kv_key(char *buf, size_t size, uint64_t tenant_id, uint64_t id);

#endif
