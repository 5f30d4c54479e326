/* pwreset_mail.c - the reset e-mail with its single-use link. */
#include "pwreset_mail.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "pwreset.h"
#include "user.h"

#define PWRESET_SUBJECT	"Nieuw wachtwoord voor Testcentrum"

/* The link: <scheme>://<school host>[:port]/#/wachtwoord/<token> (malloc'd). */
static char *
reset_link(const struct config *cfg, const struct tenant *t, const char *token)
{
	char port[16] = "", *link;

	if (cfg->public_port > 0 &&
	    !(cfg->public_port == 80 && strcmp(cfg->public_scheme, "http") == 0) &&
	    !(cfg->public_port == 443 && strcmp(cfg->public_scheme, "https") == 0))
		snprintf(port, sizeof(port), ":%d", cfg->public_port);
	if (asprintf(&link, "%s://%s%s/#/wachtwoord/%s", cfg->public_scheme, t->host, port,
	    token) < 0)
		return NULL;
	return link;
}

tc_status
job_pwreset_mail(struct wctx *w, const struct job *j, char *err, size_t errlen)
{
	char token[TC_TOKEN_HEX + 1];
	char *link = NULL, *text = NULL, *html = NULL, *ename = NULL, *eschool = NULL;
	char *elink = NULL;
	const char *email;
	struct user u;
	tc_status st;

	if (j->school_st != TC_OK)
		return JOB_NO_SCHOOL(j);
	if ((email = json_string_value(json_object_get(j->payload, "email"))) == NULL) {
		snprintf(err, errlen, "payload without email");
		return TC_INVALID;
	}
	st = user_find_by_email(w->db, j->tenant, email, &u);
	if (st == TC_NOT_FOUND || (st == TC_OK && !u.active))
		return TC_OK;	/* nobody to write to: the browser was told the same */
	if (st != TC_OK)
		return st;
	if ((st = pwreset_create(w->kv, j->tenant, u.id, token)) != TC_OK)
		return st;
	link = reset_link(w->cfg, &j->school, token);
	sodium_memzero(token, sizeof(token));
	ename = mail_html_escape(u.name);
	eschool = mail_html_escape(j->school.name);
	elink = link != NULL ? mail_html_escape(link) : NULL;
	st = TC_INTERNAL;
	if (link == NULL || ename == NULL || eschool == NULL || elink == NULL)
		goto out;
	if (asprintf(&text,
	    "Beste %s,\n\n"
	    "Er is gevraagd om een nieuw wachtwoord voor uw account bij Testcentrum "
	    "(%s).\n\n"
	    "Kies een nieuw wachtwoord via deze link:\n%s\n\n"
	    "De link werkt één keer en is een uur geldig. Heeft u dit niet zelf "
	    "gevraagd? Dan kunt u dit bericht negeren: uw wachtwoord blijft dan "
	    "hetzelfde.\n\nTestcentrum\n", u.name, j->school.name, link) < 0) {
		text = NULL;
		goto out;
	}
	if (asprintf(&html,
	    "<p>Beste %s,</p>"
	    "<p>Er is gevraagd om een nieuw wachtwoord voor uw account bij Testcentrum "
	    "(%s).</p>"
	    "<p><a href=\"%s\">Kies een nieuw wachtwoord</a></p>"
	    "<p>De link werkt één keer en is een uur geldig. Heeft u dit niet zelf "
	    "gevraagd? Dan kunt u dit bericht negeren: uw wachtwoord blijft dan "
	    "hetzelfde.</p><p>Testcentrum</p>", ename, eschool, elink) < 0) {
		html = NULL;
		goto out;
	}
	st = mail_send(w->cfg, &(struct mail){ u.email, PWRESET_SUBJECT, text, html }, err, errlen);
	mail_count(w->kv, st);
	if (st != TC_OK) {
		log_msg(TC_LOG_WARN, &w->log, "pwreset: the e-mail of user %llu not sent: %s",
		    (unsigned long long)u.id, err);
		/* A refusal (5xx) is final; anything else is tried again later,
		 * with a new token (this one is revoked by it). */
		st = st == TC_INVALID ? TC_OK : TC_UNAVAILABLE;
	} else
		log_msg(TC_LOG_INFO, &w->log, "pwreset: e-mail sent to user %llu",
		    (unsigned long long)u.id);
out:
	free(link);
	free(text);
	free(html);
	free(ename);
	free(eschool);
	free(elink);
	return st;
}
