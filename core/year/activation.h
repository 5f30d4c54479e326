/*
 * activation.h - making a new school year the active one (DESIGN.md §2.4).
 *
 * By hand the new year becomes active when its transition import is applied
 * (import_apply.h).  A school that has not activated the new year by the end
 * of 1 October gets it activated automatically on 2 October (activation_auto,
 * run by tc-worker), and its import started; the import is never applied by
 * itself.  The previous year's data stays.
 */
#ifndef TC_ACTIVATION_H
#define TC_ACTIVATION_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "status.h"

/* Makes year the school's active year (by "auto" or "operator"), with an
 * audit entry.  *done is false when it was active already (nothing written). */
tc_status	activation_activate(struct db *, uint64_t tenant_id, int year, const char *by,
		    bool *done);

#endif
