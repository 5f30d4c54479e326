/*
 * import_apply.h - "Gegevens importeren": the reviewed import written to
 * MariaDB in one transaction, all or nothing, exactly once.
 *
 * The import id is the primary key of import_runs and is inserted first: a
 * second apply (a second click, a second browser, a job run again after a
 * worker died) waits for the first transaction and then finds the row, and
 * returns the first result without writing anything.  Bulk rows travel as
 * one JSON parameter per statement (JSON_TABLE), so the statements are
 * constants and their number does not grow with the school.
 */
#ifndef TC_IMPORT_APPLY_H
#define TC_IMPORT_APPLY_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "import.h"
#include "import_review.h"
#include "status.h"

/*
 * Applies rv for the import s; actor is the user who asked (0: none).  On
 * TC_OK *result is the JSON text of the counts (malloc'd).  A fault leaves
 * nothing written (TC_UNAVAILABLE: try again; TC_CONFLICT: the data changed
 * under the review, err says how).
 */
tc_status	import_apply(struct db *, uint64_t tenant_id, const struct import_state *s,
		    const struct import_review *rv, uint64_t actor, char **result, char *err,
		    size_t errlen);

#endif
