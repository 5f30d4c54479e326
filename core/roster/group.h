/*
 * group.h - a school's groups (groepen): stamgroepen and samengestelde groepen
 * (clusters) of one school year, their pupils, archiving (deactiveren),
 * reactivating and deleting for good.  DESIGN.md section 2, step 3.
 *
 * Results belong to pupils, not to groups: nothing here ever deletes a pupil
 * or a test administration.  Changes are transactions that write one audit
 * entry (ids and counts).  A teacher_id other than 0 limits what is seen to
 * the groups linked to that teacher.
 */
#ifndef TC_GROUP_H
#define TC_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "idlist.h"
#include "limits.h"
#include "rosterset.h"
#include "status.h"

struct group {
	uint64_t	id;
	int		year_start;
	bool		samengesteld;		/* kind: false = stamgroep */
	char		name[TC_GROUP_NAME_MAX + 1];
	char		jaargroep[3];		/* "" when none */
	bool		active;
	char		deactivated_at[24];	/* "YYYY-MM-DDTHH:MM:SSZ", "" when active */
	bool		from_las;
	uint64_t	student_count;		/* members, active or not */
};

/* Normalizes a group name: trims, folds runs of white space into one space;
 * valid UTF-8 without control characters or < > " ` \, 1 to max bytes.
 * TC_INVALID otherwise. */
tc_status	group_name_normalize(const char *in, char *out, size_t size, size_t max);

/* "stamgroep" or "samengesteld" (NULL or "" is stamgroep).  TC_INVALID else. */
tc_status	group_kind_parse(const char *s, bool *samengesteld);
const char	*group_kind_name(bool samengesteld);

/* Sort orders of the list; each ends with the id. */
enum group_sort {
	GROUP_SORT_NAME,		/* "name" (default): school year (newest first), name */
	GROUP_SORT_NAME_DESC,		/* "-name" */
	GROUP_SORT_JAARGROEP,		/* "jaargroep", then name */
	GROUP_SORT_JAARGROEP_DESC,	/* "-jaargroep" */
	GROUP_SORT_ID,			/* "id" */
	GROUP_SORT_MAX
};

tc_status	group_sort_parse(const char *s, enum group_sort *out);

enum group_status_filter { GROUP_STATUS_ACTIVE, GROUP_STATUS_DEACTIVATED, GROUP_STATUS_ALL };

/* "active" (NULL or ""), "deactivated" or "all". */
tc_status	group_status_parse(const char *s, enum group_status_filter *out);

struct group_filter {
	enum group_status_filter status;
	int		 year_start;	/* 0: every year */
	uint64_t	 teacher_id;	/* 0: every group of the school */
	const char	*like;		/* name search, from student_like_pattern; NULL: none */
	enum group_sort	 sort;
	unsigned	 limit, offset;
};

typedef tc_status (*group_fn)(void *arg, const struct group *);

tc_status	group_list(struct db *, uint64_t tenant_id, const struct group_filter *,
		    group_fn fn, void *arg, uint64_t *total);

/* One group.  TC_NOT_FOUND when not of this school (or not the teacher's). */
tc_status	group_get(struct db *, uint64_t tenant_id, uint64_t teacher_id, uint64_t id,
		    struct group *out);

/* Creates a group in year_start (which is registered as a school year of the
 * school).  TC_CONFLICT when the year has a group of that name already. */
tc_status	group_create(struct db *, uint64_t tenant_id, uint64_t actor_id, int year_start,
		    const char *name, bool samengesteld, const char *jaargroep, uint64_t *id);

/* Changes name (NULL: keep), kind (kind_set) and jaargroep (NULL: keep, "":
 * clear).  TC_CONFLICT with *rule "group_deactivated" or "name_taken". */
tc_status	group_update(struct db *, uint64_t tenant_id, uint64_t actor_id, uint64_t id,
		    const char *name, bool kind_set, bool samengesteld, const char *jaargroep,
		    const char **rule);

/* Adds (add) or removes pupils.  Refused for an archived group (TC_CONFLICT,
 * *rule "group_deactivated"), for ids that are not pupils of this school
 * (TC_NOT_FOUND, *offending) and for archived pupils (TC_CONFLICT, *rule
 * "student_deactivated", *offending).  *changed: memberships added/removed
 * (a pupil already in, or not in, the group is no error). */
tc_status	group_set_students(struct db *, uint64_t tenant_id, uint64_t actor_id, uint64_t id,
		    const struct idlist *students, bool add, uint64_t *changed,
		    struct idlist *offending, const char **rule);

/* Links (add) or unlinks teachers (users with role teacher).  TC_NOT_FOUND
 * with *offending for ids that are not teachers of this school. */
tc_status	group_set_teachers(struct db *, uint64_t tenant_id, uint64_t actor_id, uint64_t id,
		    const struct idlist *teachers, bool add, uint64_t *changed,
		    struct idlist *offending);

/* Groups as a set: archive, reactivate, delete for good (rosterset.h).
 * Deletion takes their memberships and teacher links along (never a pupil
 * or a result). */
extern const struct rosterset_kind group_set;

/* Archives every active group of a school year (the manual's bulk step). */
tc_status	group_deactivate_year(struct db *, uint64_t tenant_id, uint64_t actor_id,
		    int year_start, uint64_t *changed);

/* A pupil's group, for the lists and the history. */
struct group_membership {
	uint64_t	student_id;
	uint64_t	group_id;
	int		year_start;
	bool		samengesteld;
	const char	*name;
	bool		active;
	const char	*since;		/* "YYYY-MM-DDTHH:MM:SSZ" */
};

typedef tc_status (*group_membership_fn)(void *arg, const struct group_membership *);

/* The groups of the active school year of each pupil of students (a page). */
tc_status	group_memberships_active_year(struct db *, uint64_t tenant_id,
		    const struct idlist *students, group_membership_fn fn, void *arg);

/* Every group a pupil is in, any year, newest year first. */
tc_status	group_memberships_of(struct db *, uint64_t tenant_id, uint64_t student_id,
		    group_membership_fn fn, void *arg);

/* The teachers of a group: id and name of each. */
tc_status	group_teachers(struct db *, uint64_t tenant_id, uint64_t id,
		    tc_status (*fn)(void *arg, uint64_t user_id, const char *name), void *arg);

#endif
