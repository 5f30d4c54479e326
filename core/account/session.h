/*
 * session.h - login sessions in Redis, under the school's key.
 *
 * The cookie holds a random token; Redis holds only a hash of it
 * (tc:{tenant}:session:<hash>), so a Redis dump gives no usable session.
 * A session expires after session.idle_seconds without use and
 * session.absolute_seconds after login.  A session is bound to its school:
 * looked up with another school's id it does not exist.
 */
#ifndef TC_SESSION_H
#define TC_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "kv.h"
#include "limits.h"
#include "status.h"

struct session {
	uint64_t	tenant_id;
	uint64_t	user_id;
	char		role[16];			/* "admin" or "teacher" */
	char		csrf[TC_TOKEN_HEX + 1];		/* for X-CSRF-Token */
	time_t		created;
};

/* Creates a session; writes the cookie token (TC_TOKEN_HEX + 1 bytes). */
tc_status	session_create(struct kv *, const struct config *, uint64_t tenant_id,
		    uint64_t user_id, const char *role, char *token, struct session *out);

/* Finds the session of token at tenant_id and renews its idle expiry.
 * TC_NOT_FOUND when absent, expired or malformed. */
tc_status	session_lookup(struct kv *, const struct config *, uint64_t tenant_id,
		    const char *token, struct session *out);

/* Same, with n more commands (at most KV_PIPELINE_MAX - 2, argument vectors
 * of C strings, safe to send twice) in the same round trip.  On TC_OK their
 * replies are in extra[], owned by the caller (freeReplyObject each); on any
 * other result there are none. */
tc_status	session_lookup_with(struct kv *, const struct config *, uint64_t tenant_id,
		    const char *token, struct session *out, int n, const int *argc,
		    const char *const *const *argv, redisReply **extra);

/* Deletes the session of token.  No error when it does not exist. */
tc_status	session_destroy(struct kv *, uint64_t tenant_id, const char *token);

/* Deletes every session of a user (on disable or password reset). */
tc_status	session_destroy_user(struct kv *, uint64_t tenant_id, uint64_t user_id);

/* Writes 32 random bytes as 64 hex characters plus NUL into out. */
void		session_random_token(char out[TC_TOKEN_HEX + 1]);

/* True for a token of session_random_token's shape. */
bool		session_token_valid(const char *token);

/* The Redis key tc:{tenant}:<kind>:<hash of token>: secret tokens (sessions,
 * password resets) are never stored themselves.  -1 when it does not fit. */
int		session_token_key(char *buf, size_t size, uint64_t tenant_id, const char *kind,
		    const char *token);

#endif
