/*
 * dueimport.h - the import a school owes (year_import_due(), year.h): a
 * school whose year was activated automatically gets one reminder a day
 * until an import of that year is applied, and the reminder's link must
 * lead to a live import.  So an import that was cancelled, that expired
 * (import.ttl_days) or that Redis lost is fetched again, never dropped; the
 * owed state itself is in MariaDB.  docs/jobs.md.
 */
#ifndef TC_DUEIMPORT_H
#define TC_DUEIMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "import.h"
#include "kv.h"
#include "log.h"
#include "status.h"
#include "tenant.h"

/*
 * Makes sure the school has a live import of year (fetching, review,
 * applying or failed): the one in progress (whoever started it; a nightly
 * sync gives way, import.h), else a new one (started_by "auto") whose fetch
 * is put on the job stream (*started true).  With renew (the nightly run):
 * an automatic import that failed is fetched again, and one whose data
 * expire within a day is replaced by a fresh one.  *out is the import.
 * TC_NOT_FOUND when there is none and the school has no LAS link (it
 * imports a file); TC_CONFLICT when a sync is being applied (try again in a
 * moment).
 */
tc_status	dueimport_ensure(struct kv *, const struct config *, const struct tenant *,
		    int year, bool renew, long long now,
		    const struct log_ctx *, struct import_state *out, bool *started);

#endif
