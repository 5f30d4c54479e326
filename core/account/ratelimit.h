/*
 * ratelimit.h - counting failures in fixed windows (login attempts).
 */
#ifndef TC_RATELIMIT_H
#define TC_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kv.h"
#include "status.h"

/* The key tc:{tenant}:<kind>:<hash of the lower-cased e-mail> of an account's
 * counter (the address itself is never a key).  -1 when it does not fit. */
int		ratelimit_email_key(char *buf, size_t size, uint64_t tenant_id, const char *kind,
		    const char *email);

/* Sets *blocked and *retry_after (seconds) when key has max or more
 * failures in its window.  Does not count. */
tc_status	ratelimit_check(struct kv *, const char *key, int max, bool *blocked,
		    int *retry_after);

/* Counts one failure on key; the window of window seconds starts at the first. */
tc_status	ratelimit_fail(struct kv *, const char *key, int window);

/* Forgets the failures of key (after a successful login). */
tc_status	ratelimit_clear(struct kv *, const char *key);

#endif
