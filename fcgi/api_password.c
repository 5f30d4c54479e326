/* api_password.c - "wachtwoord vergeten": the reset e-mail and its link. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "mail.h"
#include "pwreset.h"
#include "ratelimit.h"
#include "response.h"
#include "session.h"
#include "user.h"

#define PWRESET_SUBJECT	"Nieuw wachtwoord voor Testcentrum"

/* The link base: <scheme>://<school host>[:port]. */
static char *
reset_link(struct request *r, const char *token)
{
	const struct config *cfg = r->cfg;
	char port[16] = "";

	if (cfg->public_port > 0 &&
	    !(cfg->public_port == 80 && strcmp(cfg->public_scheme, "http") == 0) &&
	    !(cfg->public_port == 443 && strcmp(cfg->public_scheme, "https") == 0))
		snprintf(port, sizeof(port), ":%d", cfg->public_port);
	return arena_printf(r->arena, "%s://%s%s/#/wachtwoord/%s", cfg->public_scheme,
	    r->tenant.host, port, token);
}

/* Sends the reset e-mail to u.  Failures are logged, never shown: the answer
 * to the browser is the same whatever happens here. */
static void
reset_mail(struct request *r, const struct user *u)
{
	char token[TC_TOKEN_HEX + 1], err[256];
	char *link, *text, *html, *ename = NULL, *eschool = NULL, *elink = NULL;
	tc_status st;

	if ((st = pwreset_create(r->w->kv, r->tenant.id, u->id, token)) != TC_OK) {
		log_msg(TC_LOG_ERROR, &r->log, "pwreset: storing a token: %s", status_name(st));
		return;
	}
	link = reset_link(r, token);
	ename = mail_html_escape(u->name);
	eschool = mail_html_escape(r->tenant.name);
	elink = link != NULL ? mail_html_escape(link) : NULL;
	if (link == NULL || ename == NULL || eschool == NULL || elink == NULL)
		goto out;
	text = arena_printf(r->arena,
	    "Beste %s,\n\n"
	    "Er is gevraagd om een nieuw wachtwoord voor uw account bij Testcentrum "
	    "(%s).\n\n"
	    "Kies een nieuw wachtwoord via deze link:\n%s\n\n"
	    "De link werkt één keer en is een uur geldig. Heeft u dit niet zelf "
	    "gevraagd? Dan kunt u dit bericht negeren: uw wachtwoord blijft dan "
	    "hetzelfde.\n\nTestcentrum\n", u->name, r->tenant.name, link);
	html = arena_printf(r->arena,
	    "<p>Beste %s,</p>"
	    "<p>Er is gevraagd om een nieuw wachtwoord voor uw account bij Testcentrum "
	    "(%s).</p>"
	    "<p><a href=\"%s\">Kies een nieuw wachtwoord</a></p>"
	    "<p>De link werkt één keer en is een uur geldig. Heeft u dit niet zelf "
	    "gevraagd? Dan kunt u dit bericht negeren: uw wachtwoord blijft dan "
	    "hetzelfde.</p><p>Testcentrum</p>", ename, eschool, elink);
	if (text == NULL || html == NULL)
		goto out;
	st = mail_send(r->cfg, &(struct mail){ u->email, PWRESET_SUBJECT, text, html },
	    err, sizeof(err));
	mail_count(r->w->kv, st);
	if (st != TC_OK)
		log_msg(TC_LOG_ERROR, &r->log, "pwreset: sending the e-mail of user %llu: %s",
		    (unsigned long long)u->id, err);
out:
	free(ename);
	free(eschool);
	free(elink);
}

void
api_password_reset(struct request *r)
{
	static const char *const allowed[] = { "email", NULL };
	char key[TC_KEY_MAX];
	const char *email;
	struct user u;
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
	if (pwreset_rate_key(key, sizeof(key), r->tenant.id, email) != 0) {
		response_status(r, TC_INTERNAL);
		return;
	}
	if ((st = ratelimit_check(r->w->kv, key, PWRESET_MAX_PER_HOUR, &blocked, &wait)) != TC_OK) {
		response_status(r, st);
		return;
	}
	/* Every request counts, known address or not: the same answer either way. */
	if (!blocked) {
		(void)ratelimit_fail(r->w->kv, key, PWRESET_TTL);
		st = user_find_by_email(r->w->db, r->tenant.id, email, &u);
		if (st != TC_OK && st != TC_NOT_FOUND) {
			response_status(r, st);
			return;
		}
		if (st == TC_OK && u.active)
			reset_mail(r, &u);
	}
	response_json(r, 202, json_pack("{s:s}", "message", "Als dit e-mailadres bij ons "
	    "bekend is, ontvangt u binnen enkele minuten een e-mail met een link om een nieuw "
	    "wachtwoord te kiezen."));
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
	/* Hash first: a token is only used up by a request that can succeed. */
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
		response_error(r, 410, "reset_link_invalid", "Deze link is verlopen of al "
		    "gebruikt. Vraag een nieuwe link aan via \"Wachtwoord vergeten\".");
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
