/*
 * answercache.h - answers of a school's list pages kept in Redis, exact.
 *
 * Every school has a generation, tc:{t}:answers:gen, that every writer of
 * the school's records bumps after its COMMIT and before it tells anyone
 * (the HTTP answer, the import's status, tcctl's exit).  A cached answer is
 * stored in the hash tc:{t}:answers:page as "<generation>\n<body>", tagged
 * with the generation read *before* the records were read, and is used only
 * while that generation is still the current one.  So an answer that may
 * predate a write is never served after the write was acknowledged, and a
 * school's answers live under its own key: no school can see another's.
 *
 * A bump also drops the hash (memory), and the hash expires at most
 * fcgi.answer_cache_seconds after its first answer (EXPIRE ... LT: a later
 * answer never lengthens it).  The generation never expires; after a data
 * loss in Redis it starts again at a random value, so a reader in flight
 * cannot match a generation of before the loss.
 */
#ifndef TC_ANSWERCACHE_H
#define TC_ANSWERCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "kv.h"
#include "limits.h"
#include "status.h"

#define ANSWERCACHE_FIELDS_MAX	64		/* cached answers per school at once */
#define ANSWERCACHE_BODY_MAX	(256 * 1024)	/* larger answers are not kept */
#define ANSWERCACHE_GEN_MAX	24

/* The two keys of tenant.  -1 when a key does not fit. */
int		answercache_keys(uint64_t tenant, char gen[TC_KEY_MAX], char page[TC_KEY_MAX]);

/* Marks every cached answer of tenant stale: after the COMMIT of any write of
 * the school's records, before it is acknowledged.  Waits for
 * redis.wait_replicas like every write that must survive a failover.  Not
 * TC_OK: the answers of the school may be stale for up to
 * fcgi.answer_cache_seconds; the caller retries or says so in its log. */
tc_status	answercache_bump(struct kv *, uint64_t tenant);

/* Stores body (len bytes) as the answer of field under generation gen.  The
 * school's answers live at most fcgi.answer_cache_seconds from the first one
 * stored, and never longer than max_seconds (0: no bound of the caller; an
 * import's review answer is bound by the import's own expiry). */
tc_status	answercache_store(struct kv *, const struct config *, uint64_t tenant,
		    const char *field, const char *gen, const char *body, size_t len,
		    long long max_seconds);

/* Gives tenant a generation when it has none (a new school, or Redis lost
 * its data): a random start, never one that was current before. */
tc_status	answercache_start(struct kv *, uint64_t tenant);

/* The body in a cached value when it was stored under generation gen, or NULL;
 * *len gets its length. */
const char	*answercache_match(const char *value, size_t vlen, const char *gen, size_t *len);

#endif
