/*
 * lasslot.h - at most las.host_concurrency fetches at once per LAS host,
 * over all tc-worker processes (10,000 schools may share a handful of LAS
 * vendors).  A slot is a member of the sorted set tc:las-slots:<host> whose
 * score is its expiry, so a slot of a killed worker frees itself.
 */
#ifndef TC_LASSLOT_H
#define TC_LASSLOT_H

#include <stdbool.h>

#include "kv.h"
#include "status.h"

/* Takes a slot for holder at the host of url.  *got false when all are taken. */
tc_status	lasslot_take(struct kv *, const char *url, const char *holder, int limit,
		    int ttl_seconds, bool *got);

/* Gives the slot back. */
void		lasslot_give(struct kv *, const char *url, const char *holder);

#endif
