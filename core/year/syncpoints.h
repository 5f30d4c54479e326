/*
 * syncpoints.h - what the last nightly sync of a school left for its
 * administrator to decide (issue: tc-worker, "Nightly sync"):
 *
 *   leavers     pupils that came from the LAS, are no longer in it, and are
 *               still active here (the sync keeps them);
 *   archived    pupils the administrator deactivated whom the LAS still
 *               lists (the sync never reactivates them);
 *   lookalikes  new pupils of the LAS that look like a pupil entered by hand
 *               (the sync does not import them).
 *
 * Saved by the sync in tc:{tenant}:sync:points (8 days, replaced by the next
 * sync) as ids; read back against the pupils as they are now, so that a
 * pupil deactivated, reactivated or deleted since drops off the list.  A
 * leaver or archived pupil the administrator dismissed ("Negeren") stays off
 * (tc:{tenant}:sync:dismissed, a set of pupil ids, a year).
 */
#ifndef TC_SYNCPOINTS_H
#define TC_SYNCPOINTS_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "idlist.h"
#include "import_review.h"
#include "kv.h"
#include "status.h"

/* The points of a sync's review rv, as ids (a new object; json_decref). */
json_t		*syncpoints_from_review(const struct import_review *rv);

/*
 * Saves points (from syncpoints_from_review; not taken over) as those of the
 * sync of date; held is true when that sync waits for approval as import
 * import_id, false when it was applied.
 */
tc_status	syncpoints_save(struct kv *, uint64_t tenant_id, const char *date, bool held,
		    const char *import_id, json_t *points);

/*
 * The points as they are now: *out is JSON null when there are none, or
 * {date, status ("applied"; "held" while its import waits for approval;
 * "decided" once approved or cancelled), import_id, leavers: [{id, name}],
 * archived: [{id, name}], lookalikes: [{name, geboortedatum, candidates:
 * [{id, name}]}]} (caller: json_decref).
 */
tc_status	syncpoints_get(struct db *, struct kv *, uint64_t tenant_id, json_t **out);

/*
 * Checks that every one of ids is on the leavers or archived pupils now:
 * TC_NOT_FOUND with the others in unknown when not.
 */
tc_status	syncpoints_check(struct db *, struct kv *, uint64_t tenant_id,
		    const struct idlist *ids, struct idlist *unknown);

/* Takes the pupils ids off the leavers and archived pupils for good. */
tc_status	syncpoints_dismiss(struct kv *, uint64_t tenant_id, const struct idlist *ids);

/*
 * Pupils ids were deleted for good (issue 19): off the leavers, the archived
 * pupils and the dismissed ones, and off the look-alikes' candidates (a
 * look-alike left without a candidate goes: it named the deleted pupil).
 */
tc_status	syncpoints_forget(struct kv *, uint64_t tenant_id, const struct idlist *ids);

#endif
