/*
 * year.h - a school's school years in MariaDB: which one is active, and
 * registering a year that groups are made for.  The arithmetic of years is
 * schoolyear.h; activating a new year is the activation module's.
 */
#ifndef TC_YEAR_H
#define TC_YEAR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "schoolyear.h"
#include "status.h"

/* The first calendar year of the school's active school year.
 * TC_NOT_FOUND when the school has none. */
tc_status	year_active(struct db *, uint64_t tenant_id, int *year_start);

/* Makes sure year_start is a known (not necessarily active) year of the school. */
tc_status	year_register(struct db *, uint64_t tenant_id, int year_start);

/* For a school without an active year only (new schools, the demo): makes
 * year_start the active one.  TC_CONFLICT when another year is active. */
tc_status	year_set_first_active(struct db *, uint64_t tenant_id, int year_start);

/*
 * The school year whose import the school owes (*year_start), or 0.  A year
 * activated automatically (2 October) owes its import until an import of
 * that year (not the nightly sync) is applied; for a school without a LAS
 * link (has_las_link false), also until the year has a group made by hand.
 * This is the state of the daily reminders (docs/jobs.md): kept in MariaDB
 * (school_years.activated_by, import_runs), so losing Redis loses none.
 */
tc_status	year_import_due(struct db *, uint64_t tenant_id, bool has_las_link,
		    int *year_start);

#endif
