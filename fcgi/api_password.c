/* api_password.c - "wachtwoord vergeten": the reset request and its link. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "jobqueue.h"
#include "pwreset.h"
#include "ratelimit.h"
#include "response.h"
#include "session.h"
#include "user.h"

/*
 * Counts one request of this client address at this school (issue 19): the
 * reset request and its confirmation cost the servers a job or a hash, so an
 * address gets PWRESET_MAX_PER_ADDR of them per window.  true when this one
 * is one too many (and the answer is sent).
 */
static bool
addr_limited(struct request *r, const char *kind)
{
	char key[TC_KEY_MAX], id[96];
	bool blocked;
	int wait;
	tc_status st;

	snprintf(id, sizeof(id), "%.64s", r->remote_addr != NULL ? r->remote_addr : "");
	if (kv_key(key, sizeof(key), r->tenant.id, kind, id) != 0)
		st = TC_INTERNAL;
	else
		st = ratelimit_hit(r->w->kv, key, PWRESET_MAX_PER_ADDR, PWRESET_ADDR_WINDOW,
		    &blocked, &wait);
	if (st != TC_OK) {
		response_status(r, st);
		return true;
	}
	if (blocked) {
		char *hdr = arena_printf(r->arena, "Retry-After: %d", wait);

		if (hdr != NULL)
			response_header(r, hdr);
		response_error_with(r, 429, "too_many_attempts", "Te veel verzoeken vanaf dit adres. "
		    "Probeer het later opnieuw.", json_pack("{s:i}", "retry_after", wait));
		return true;
	}
	return false;
}

/*
 * POST /api/password-reset {email}.  The same work and the same answer
 * whether the address exists or not: the request only counts and queues a
 * job (pwreset_mail, tc-worker); the worker looks the address up and sends
 * the e-mail.  Nothing here waits for a mail relay.
 */
void
api_password_reset(struct request *r)
{
	static const char *const allowed[] = { "email", NULL };
	char key[TC_KEY_MAX], folded[USER_EMAIL_FOLD_SIZE];
	const char *email;
	json_t *payload;
	bool blocked;
	int wait;
	tc_status st;

	if (!api_body_only(r, allowed))
		return;
	if (json_unpack(r->body, "{s:s}", "email", &email) != 0 ||
	    strlen(email) > TC_EMAIL_MAX || !user_email_valid(email)) {
		api_invalid(r, "email", "Vul een geldig e-mailadres in.");
		return;
	}
	if (addr_limited(r, "pwreset-addr"))
		return;
	if ((st = user_email_fold(r->w->db, email, folded, sizeof(folded))) != TC_OK) {
		response_status(r, st);
		return;
	}
	if (pwreset_rate_key(key, sizeof(key), r->tenant.id, folded) != 0) {
		response_status(r, TC_INTERNAL);
		return;
	}
	/* Every request counts, known address or not: the same answer either way. */
	if ((st = ratelimit_hit(r->w->kv, key, PWRESET_MAX_PER_HOUR, PWRESET_TTL, &blocked,
	    &wait)) != TC_OK) {
		response_status(r, st);
		return;
	}
	if (!blocked) {
		payload = json_pack("{s:s}", "email", email);
		st = payload != NULL ? jobqueue_add(r->w->kv, "pwreset_mail", r->tenant.id, 0, payload,
		    NULL, 0) : TC_INTERNAL;
		json_decref(payload);
		if (st != TC_OK) {
			response_status(r, st);
			return;
		}
	}
	response_json(r, 202, json_pack("{s:s}", "message", "Als dit e-mailadres bij ons "
	    "bekend is, ontvangt u binnen enkele minuten een e-mail met een link om een nieuw "
	    "wachtwoord te kiezen."));
}

static void
link_gone(struct request *r)
{
	response_error(r, 410, "reset_link_invalid", "Deze link is verlopen of al "
	    "gebruikt. Vraag een nieuwe link aan via \"Wachtwoord vergeten\".");
}

void
api_password_reset_confirm(struct request *r)
{
	static const char *const allowed[] = { "token", "password", NULL };
	char hash[PASSWORD_HASH_MAX];
	const char *token, *password;
	uint64_t user_id;
	struct user u;
	size_t n;
	tc_status st;

	if (!api_body_only(r, allowed))
		return;
	if (json_unpack(r->body, "{s:s, s:s}", "token", &token, "password", &password) != 0) {
		response_error(r, 400, "invalid", "Vul een nieuw wachtwoord in.");
		return;
	}
	n = strlen(password);
	if (n < TC_PASSWORD_MIN || n > TC_PASSWORD_MAX) {
		char msg[120];

		snprintf(msg, sizeof(msg), "Kies een wachtwoord van minstens %d tekens.",
		    TC_PASSWORD_MIN);
		api_invalid(r, "password", msg);
		return;
	}
	/* Cheap things first (issue 19): the address's count and the token,
	 * before Argon2id spends 64 MiB and a core on the password. */
	if (addr_limited(r, "pwreset-confirm-addr"))
		return;
	if ((st = pwreset_peek(r->w->kv, r->tenant.id, token)) != TC_OK) {
		if (st == TC_NOT_FOUND)
			link_gone(r);
		else
			response_status(r, st);
		return;
	}
	/* Hash before taking: a token is only used up by a request that can
	 * succeed (a password the hasher refuses keeps the link working). */
	if ((st = password_hash(password, hash)) != TC_OK) {
		if (st == TC_INVALID)
			api_invalid(r, "password", "Dit wachtwoord kan niet worden gebruikt.");
		else
			response_status(r, st);
		return;
	}
	st = pwreset_take(r->w->kv, r->tenant.id, token, &user_id);
	if (st == TC_OK) {
		st = user_get(r->w->db, r->tenant.id, user_id, &u);
		if (st == TC_OK && !u.active)
			st = TC_NOT_FOUND;
	}
	if (st == TC_NOT_FOUND) {
		link_gone(r);
		return;
	}
	if (st != TC_OK || (st = user_set_password(r->w->db, r->tenant.id, u.id, hash)) != TC_OK) {
		response_status(r, st);
		return;
	}
	if ((st = session_destroy_user(r->w->kv, r->tenant.id, u.id)) != TC_OK)
		log_msg(TC_LOG_ERROR, &r->log, "pwreset: ending the sessions of user %llu: %s",
		    (unsigned long long)u.id, status_name(st));
	(void)audit_write(r->w->db, r->tenant.id, AUDIT_USER, u.id, "password_reset", "user",
	    NULL, 1);
	response_json(r, 200, json_pack("{s:b}", "password_changed", 1));
}
