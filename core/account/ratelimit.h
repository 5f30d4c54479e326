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

/* The key tc:{tenant}:<kind>:<hash of folded> of an account's counter, where
 * folded is the address as the lookup compares it (user_email_fold: case,
 * accents and trailing spaces do not count), never the address itself.  -1
 * when it does not fit. */
int		ratelimit_email_key(char *buf, size_t size, uint64_t tenant_id, const char *kind,
		    const char *folded);

/* Sets *blocked and *retry_after (seconds) when key has max or more
 * failures in its window.  Does not count (ratelimit_hit counts and checks
 * at once).  A counter found without an expiry is dropped, never a lock. */
tc_status	ratelimit_check(struct kv *, const char *key, int max, bool *blocked,
		    int *retry_after);

/* Counts one attempt on key and tells, in the same atomic step, whether it is
 * one too many (*blocked: more than max in the window of window seconds that
 * started at the first; *retry_after: seconds left).  A counter never lives
 * longer than its window, even when an expiry was lost. */
tc_status	ratelimit_hit(struct kv *, const char *key, int max, int window, bool *blocked,
		    int *retry_after);

/* Takes one attempt back (a login that succeeded). */
tc_status	ratelimit_undo(struct kv *, const char *key);

/* Counts one failure on key; the window of window seconds starts at the first. */
tc_status	ratelimit_fail(struct kv *, const char *key, int window);

/* Forgets the failures of key (after a successful login). */
tc_status	ratelimit_clear(struct kv *, const char *key);

#endif
