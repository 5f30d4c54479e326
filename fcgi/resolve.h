/*
 * resolve.h - Host header to school, cached per thread.
 *
 * A cached lookup is used while the registry version in Redis is unchanged
 * (checked at most once a second) and for at most RESOLVE_TTL seconds, so a
 * school added, changed or disabled with tcctl is seen within a second.
 */
#ifndef TC_RESOLVE_H
#define TC_RESOLVE_H

#include "db.h"
#include "kv.h"
#include "status.h"
#include "tenant.h"

#define RESOLVE_TTL	10
#define RESOLVE_SLOTS	64

struct resolve_cache;

struct resolve_cache	*resolve_new(void);
void			 resolve_free(struct resolve_cache *);

/* The active school of host (a raw Host header).  TC_NOT_FOUND for an unknown,
 * malformed or disabled host. */
tc_status	resolve_host(struct resolve_cache *, struct db *, struct kv *, const char *host,
		    struct tenant *out);

#endif
