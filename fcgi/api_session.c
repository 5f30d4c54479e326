/* api_session.c - log in, log out, who am I. */
#include "api.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "ratelimit.h"
#include "response.h"
#include "user.h"

bool
api_body_only(struct request *r, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(r->body, key, v) {
		size_t i;

		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] == NULL) {
			response_error_with(r, 400, "unknown_field",
			    "Het verzoek bevat een onbekend veld.", json_pack("{s:s}", "field", key));
			return false;
		}
	}
	return true;
}

json_t *
api_user_json(const struct user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u->id, "email", u->email,
	    "name", u->name, "role", u->role);
}

static json_t *
school_json(const struct tenant *t)
{
	return json_pack("{s:s, s:s}", "slug", t->slug, "name", t->name);
}

/* Rate-limit keys: per account at this school (the address as the lookup
 * compares it, so "Jan@X.nl " counts with "jan@x.nl"), and per client
 * address. */
static tc_status
login_keys(const struct request *r, const char *email, char *acct, size_t asize, char *addr,
    size_t bsize)
{
	char folded[USER_EMAIL_FOLD_SIZE];
	tc_status st;

	if ((st = user_email_fold(r->w->db, email, folded, sizeof(folded))) != TC_OK)
		return st;
	if (ratelimit_email_key(acct, asize, r->tenant.id, "login-fail", folded) != 0)
		return TC_INTERNAL;
	snprintf(addr, bsize, "tc:login-fail-addr:%.64s", r->remote_addr);
	return TC_OK;
}

static void
login_refused(struct request *r, int retry_after)
{
	char msg[160], *hdr;

	snprintf(msg, sizeof(msg), "Te veel mislukte inlogpogingen. Probeer het over %d "
	    "minu%s opnieuw.", (retry_after + 59) / 60, (retry_after + 59) / 60 == 1 ? "ut" : "ten");
	hdr = arena_printf(r->arena, "Retry-After: %d", retry_after);
	if (hdr != NULL)
		response_header(r, hdr);
	response_error_with(r, 429, "too_many_attempts", msg,
	    json_pack("{s:i}", "retry_after", retry_after));
}

void
api_session_create(struct request *r)
{
	static const char *const allowed[] = { "email", "password", NULL };
	const struct config *cfg = r->cfg;
	const char *email, *password;
	char acct[TC_KEY_MAX], addr[TC_KEY_MAX], token[TC_TOKEN_HEX + 1], *cookie;
	struct session s;
	struct user u;
	bool blocked, found, ok;
	int wait = 0, wait2 = 0;
	tc_status st;

	if (!api_body_only(r, allowed))
		return;
	if (json_unpack(r->body, "{s:s, s:s}", "email", &email, "password", &password) != 0 ||
	    strlen(email) > TC_EMAIL_MAX || strlen(password) > TC_PASSWORD_MAX) {
		response_error(r, 400, "invalid", "Vul een e-mailadres en een wachtwoord in.");
		return;
	}
	/* Count first, in one atomic step per counter, then verify: parallel
	 * guesses cannot all pass a check before any of them is counted. */
	if ((st = login_keys(r, email, acct, sizeof(acct), addr, sizeof(addr))) != TC_OK ||
	    (st = ratelimit_hit(r->w->kv, acct, cfg->login_max_failures, cfg->login_window,
	    &blocked, &wait)) != TC_OK ||
	    (!blocked && (st = ratelimit_hit(r->w->kv, addr, cfg->login_max_failures_addr,
	    cfg->login_window, &blocked, &wait2)) != TC_OK)) {
		response_status(r, st);
		return;
	}
	if (blocked) {
		login_refused(r, wait2 > 0 ? wait2 : wait);
		return;
	}
	st = user_find_by_email(r->w->db, r->tenant.id, email, &u);
	if (st != TC_OK && st != TC_NOT_FOUND) {
		response_status(r, st);
		return;
	}
	found = st == TC_OK && u.active;
	/* One Argon2id verification on every path: same answer, same time. */
	ok = password_verify(found ? u.password_hash : NULL, password) && found;
	if (!ok) {
		response_error(r, 401, "invalid_credentials", "E-mailadres of wachtwoord onjuist.");
		return;
	}
	/* A login that succeeds is no failure: it clears the account's count
	 * and takes its attempt back from the address's. */
	(void)ratelimit_undo(r->w->kv, addr);
	(void)ratelimit_clear(r->w->kv, acct);
	if ((st = session_create(r->w->kv, cfg, r->tenant.id, u.id, u.role, token, &s)) != TC_OK) {
		response_status(r, st);
		return;
	}
	(void)audit_write(r->w->db, r->tenant.id, AUDIT_USER, u.id, "login", "user", NULL, 1);
	cookie = arena_printf(r->arena, "Set-Cookie: %s=%s; Path=/; HttpOnly; "
	    "SameSite=Lax; Max-Age=%d%s", request_session_cookie(cfg), token,
	    cfg->session_absolute, cfg->session_secure_cookie ? "; Secure" : "");
	if (cookie == NULL) {
		response_status(r, TC_INTERNAL);
		return;
	}
	response_header(r, cookie);
	response_json(r, 200, json_pack("{s:o, s:o, s:s}", "user", api_user_json(&u),
	    "school", school_json(&r->tenant), "csrf_token", s.csrf));
}

void
api_session_delete(struct request *r)
{
	char *cookie;
	tc_status st;

	if ((st = session_destroy(r->w->kv, r->tenant.id, r->session_token)) != TC_OK) {
		response_status(r, st);
		return;
	}
	cookie = arena_printf(r->arena, "Set-Cookie: %s=; Path=/; HttpOnly; SameSite=Lax; "
	    "Max-Age=0%s", request_session_cookie(r->cfg),
	    r->cfg->session_secure_cookie ? "; Secure" : "");
	if (cookie != NULL)
		response_header(r, cookie);
	response_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}

void
api_me(struct request *r)
{
	struct user u;
	tc_status st;

	st = user_get(r->w->db, r->tenant.id, r->session.user_id, &u);
	if (st == TC_NOT_FOUND || (st == TC_OK && !u.active)) {
		(void)session_destroy(r->w->kv, r->tenant.id, r->session_token);
		response_error(r, 401, "not_logged_in", "U bent niet (meer) ingelogd.");
		return;
	}
	if (st != TC_OK) {
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:o, s:o, s:s}", "user", api_user_json(&u),
	    "school", school_json(&r->tenant), "csrf_token", r->session.csrf));
}
