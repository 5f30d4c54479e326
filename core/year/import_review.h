/*
 * import_review.h - "Controle import uit LAS": the administrator's choices
 * over the staged records, and their rules.
 *
 * Categories: group, student and teacher records are "new" (Nieuw),
 * "existing" (Bestaand, with the record they link to) or "skip" (Niet
 * importeren); leavers are "archive" or "keep".  A choice overrides the
 * default of import_stage.h.  A pupil whose stamgroep is skipped is skipped
 * too, whatever was chosen for it (the cascade is computed, so un-skipping
 * the group brings its pupils back).  Skipping a samengestelde groep only
 * drops the pupils' membership of it.
 */
#ifndef TC_IMPORT_REVIEW_H
#define TC_IMPORT_REVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "import.h"
#include "kv.h"
#include "status.h"

/* Everything staged for one import, with the choices; loaded once per call. */
struct import_review {
	json_t	*records[IMPORT_KIND_MAX];	/* arrays */
	json_t	*decisions;			/* "kind:key" → {category, link_id} */
	json_t	*index[IMPORT_KIND_MAX];	/* key → record */
	json_t	*group_category;		/* group key → effective category */
	long long version;			/* of the review (import.h) */
};

tc_status	import_review_load(struct kv *, uint64_t tenant_id, const char *id,
		    struct import_review *out);
/* The same with only the records of kind k (and the groups, whose categories
 * a pupil's follows): enough for import_review_list of k, for a page of one
 * tab without reading and parsing every other tab's records. */
tc_status	import_review_load_kind(struct kv *, uint64_t tenant_id, const char *id,
		    enum import_kind k, struct import_review *out);
/* The same from records in memory (each array borrowed) and decisions
 * (stolen), as the fetch job holds them when it has staged them. */
tc_status	import_review_from(json_t *const records[IMPORT_KIND_MAX], json_t *decisions,
		    long long version, struct import_review *out);
void		import_review_free(struct import_review *);

/* The effective category (static string) and link (0 when none) of rec. */
const char	*import_review_category(const struct import_review *, enum import_kind,
		    const json_t *rec, uint64_t *link_id);

/*
 * True when rec is Bestaand and linked to the archived record it was staged
 * with (a pupil the administrator archived, a group archived): such a pupil
 * is made active again by the apply (not by the nightly sync), such a group
 * takes no members.
 */
bool		import_review_linked_archived(const struct import_review *, enum import_kind,
		    const json_t *rec);

/* The fields of a record of kind k (NULL-terminated; static): the "fields"
 * of the records API, and what an apply writes of a pupil. */
const char	*const *import_review_fields(enum import_kind);

/*
 * One page of records of kind with (effective) category cat (NULL: all) whose
 * display name or key contains q (NULL: all).  *out is {items, total}.
 */
tc_status	import_review_list(const struct import_review *, enum import_kind, const char *cat,
		    const char *q, long limit, long offset, json_t **out);

/* Counts per kind and category, and the tabs: {counts, tabs, leavers_to_archive,
 * students_to_reactivate}. */
json_t		*import_review_counts(const struct import_review *);
/* The same for the import's current review: kept with its version (import.h)
 * or counted and kept (*out: the caller's). */
tc_status	import_review_counts_get(struct kv *, uint64_t tenant_id, const char *id,
		    json_t **out);

/*
 * Applies choices (an array of {kind, key, category, link_id?}) after
 * checking them all; nothing is stored unless all pass.  On a refused choice
 * *problem is {code, message, keys} and the status is TC_INVALID (400),
 * TC_NOT_FOUND (404: a link to a record not of this school) or TC_CONFLICT.
 * On TC_OK *answer is {changed, cascaded}.
 */
tc_status	import_review_decide(struct import_review *, struct db *, struct kv *,
		    const struct config *, uint64_t tenant_id, const char *id, json_t *choices,
		    json_t **answer, json_t **problem);

/* Checks the whole set before apply; TC_CONFLICT with *problem as above. */
tc_status	import_review_validate(const struct import_review *, json_t **problem);

#endif
