/*
 * pwreset.h - "wachtwoord vergeten": single-use password reset tokens.
 *
 * The e-mailed link holds a random token (32 bytes, 64 hex characters);
 * Redis holds only a BLAKE2b hash of it, under the school's key
 * tc:{tenant}:pwreset:<hash>, with the user id as value and a TTL of
 * PWRESET_TTL seconds.  A token is taken (read and deleted) in one GETDEL,
 * so it works once, and a token of one school does not exist at another.
 * A new token of a user revokes the one before (tc:{tenant}:pwreset-user:<id>
 * names the newest).  The request only queues a job (pwreset_mail, run by
 * tc-worker), so its answer takes the same time whether the address exists
 * or not; the confirmation checks the token before it hashes the password.
 */
#ifndef TC_PWRESET_H
#define TC_PWRESET_H

#include <stdint.h>

#include "kv.h"
#include "limits.h"
#include "status.h"

#define PWRESET_TTL		3600	/* a link works for one hour */
#define PWRESET_MAX_PER_HOUR	3	/* reset e-mails per address and hour */
/* Requests and confirmations per client address and school, in a window of
 * PWRESET_ADDR_WINDOW seconds: enough for a school's staff behind one NAT,
 * too few to make the servers hash or mail for an attacker. */
#define PWRESET_MAX_PER_ADDR	30
#define PWRESET_ADDR_WINDOW	900

/* Creates a token for user_id at tenant_id (the user's earlier one stops
 * working); writes it (TC_TOKEN_HEX + 1 bytes) into token.  The caller
 * e-mails it and forgets it. */
tc_status	pwreset_create(struct kv *, uint64_t tenant_id, uint64_t user_id,
		    char token[TC_TOKEN_HEX + 1]);

/* TC_OK when token is a live token (it stays), TC_NOT_FOUND when not: the
 * cheap check before the password is hashed. */
tc_status	pwreset_peek(struct kv *, uint64_t tenant_id, const char *token);

/* Takes the token: on TC_OK *user_id is its user and the token is gone.
 * TC_NOT_FOUND when it is malformed, unknown, used or expired. */
tc_status	pwreset_take(struct kv *, uint64_t tenant_id, const char *token,
		    uint64_t *user_id);

/* Writes the rate-limit key of an e-mail address at tenant_id into buf (a
 * hash of folded, the address as the lookup compares it: user_email_fold;
 * never the address).  -1 if it does not fit. */
int		pwreset_rate_key(char *buf, size_t size, uint64_t tenant_id, const char *folded);

#endif
