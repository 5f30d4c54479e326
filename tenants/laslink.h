/*
 * laslink.h - a school's UWLR link ready for the client: the registry's
 * fields, the UWLR key decrypted for the call only, and the deployment's
 * policy (which addresses, timeouts, size cap).
 */
#ifndef TC_LASLINK_H
#define TC_LASLINK_H

#include "config.h"
#include "db.h"
#include "limits.h"
#include "status.h"
#include "tenant.h"
#include "uwlr_client.h"

struct laslink {
	struct uwlr_link	link;		/* points into the members below */
	struct uwlr_policy	policy;
	char			key[TC_LAS_KEY_MAX + 1];	/* wiped by laslink_clear */
};

/* Fills l for school t.  TC_NOT_FOUND when the school has no LAS link or no
 * key; TC_INVALID when the key does not open with the configured secret. */
tc_status	laslink_load(struct db *, const struct config *, const struct tenant *t,
		    struct laslink *l);

/* Wipes the decrypted key. */
void		laslink_clear(struct laslink *);

#endif
