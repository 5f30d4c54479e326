/*
 * import_stage.h - turning a LAS answer into the records of "Controle import
 * uit LAS": each group, pupil and teacher is matched against the school's
 * records and gets its default category.
 *
 * Matching, in this order: pupils by ECK-iD, then by LAS key; teachers by
 * ECK-iD, LAS key, then e-mail; groups by LAS key within the school year.
 * A match is "existing" (Bestaand, linked); anything else is "new" (Nieuw).
 * An unmatched pupil gets as candidates the pupils entered by hand with the
 * same name (accent- and case-insensitive) and birth date when both have one.
 * Active pupils the LAS no longer lists are leavers: "archive" by default for
 * pupils that came from the LAS, "keep" for pupils entered by hand.
 *
 * A pupil's record leaves out every member that is null or an empty list
 * (eckid, groups, link_id, changes, candidates, warnings, ...): readers take
 * a missing member for null or [], and the API shows them as before
 * (import_review.h).
 */
#ifndef TC_IMPORT_STAGE_H
#define TC_IMPORT_STAGE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "import.h"
#include "status.h"
#include "uwlr.h"

struct import_staged {
	json_t	*records[IMPORT_KIND_MAX];	/* one JSON array per kind */
	json_t	*warnings;			/* array of {kind, key, message} */
};

/* Builds the staged records of res for year.  On TC_OK the caller owns the
 * arrays (import_staged_free).  TC_INVALID with a Dutch reason in err when
 * the answer cannot be imported (duplicate keys, another school year). */
tc_status	import_stage(struct db *, uint64_t tenant_id, int year, const struct uwlr_result *res,
		    struct import_staged *out, char *err, size_t errlen);

void		import_staged_free(struct import_staged *);

/* "Roepnaam voorvoegsel Achternaam" of a record or row (malloc'd). */
char		*import_display_name(const char *roepnaam, const char *voorvoegsel,
		    const char *achternaam);

#endif
