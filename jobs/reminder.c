/* reminder.c - one e-mail per administrator per day, never twice. */
#include "reminder.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dueimport.h"
#include "import.h"
#include "mail.h"
#include "schoolyear.h"
#include "tenant.h"
#include "user.h"
#include "year.h"

enum { SQL_SENT, SQL_RECORD };

static const char *const sql[] = {
	[SQL_SENT] = "SELECT COUNT(*) FROM email_log WHERE tenant_id = ? AND dedup_key = ?",
	[SQL_RECORD] = "INSERT INTO email_log (tenant_id, kind, dedup_key, recipient_hash)"
	    " VALUES (?, 'reminder', ?, ?)",
};

struct admins {
	struct user	*v;
	size_t		 n;
};

static tc_status
collect_admin(void *arg, const struct user *u)
{
	struct admins *a = arg;
	struct user *nv;

	if (!u->active || strcmp(u->role, "admin") != 0)
		return TC_OK;
	if ((nv = realloc(a->v, (a->n + 1) * sizeof(*nv))) == NULL)
		return TC_INTERNAL;
	a->v = nv;
	a->v[a->n++] = *u;
	return TC_OK;
}

/*
 * What one day's reminder of a school says: its paragraphs (plain text, the
 * same for every administrator), where its link leads and what the link
 * says.  Never that the data were fetched when they were not.
 */
struct reminder_text {
	char	intro[1200];	/* what happened */
	char	todo[768];	/* what to do */
	char	link[1200];
	char	link_label[64];
};

/* A page of the portal on the school's own host ("#/import/<id>"). */
static void
portal_link(const struct config *cfg, const struct tenant *t, const char *route, char *buf,
    size_t size)
{
	char port[16] = "";

	if (cfg->public_port != 0 && !((strcmp(cfg->public_scheme, "https") == 0 &&
	    cfg->public_port == 443) || (strcmp(cfg->public_scheme, "http") == 0 &&
	    cfg->public_port == 80)))
		snprintf(port, sizeof(port), ":%d", cfg->public_port);
	snprintf(buf, size, "%s://%s%s/#/%s", cfg->public_scheme, t->host, port, route);
}

static const struct log_ctx composectx = { NULL, NULL, "reminder" };

/* The text for import s (NULL: the school has no LAS link and no import). */
static void
compose(const struct config *cfg, const struct tenant *t, const struct import_state *s,
    const char *year, struct reminder_text *rt)
{
	char route[32 + IMPORT_ID_LEN];

	if (s == NULL) {
		snprintf(rt->intro, sizeof(rt->intro), "Het nieuwe schooljaar %s is automatisch "
		    "geactiveerd voor %s. Er zijn nog geen groepen, leerlingen en leerkrachten voor "
		    "dit schooljaar: uw school heeft geen koppeling met een LAS.", year, t->name);
		snprintf(rt->todo, sizeof(rt->todo), "Exporteer een EDEXML-bestand uit uw LAS en "
		    "importeer het bij Overgang nieuw schooljaar, of maak de groepen zelf aan bij "
		    "Groepen beheren. Wilt u een koppeling met uw LAS? Neem dan contact op met de "
		    "klantenservice van Testcentrum.");
		portal_link(cfg, t, "overgang", rt->link, sizeof(rt->link));
		snprintf(rt->link_label, sizeof(rt->link_label), "Ga naar Overgang nieuw schooljaar");
		return;
	}
	snprintf(route, sizeof(route), "import/%.*s", IMPORT_ID_LEN, s->id);
	portal_link(cfg, t, route, rt->link, sizeof(rt->link));
	if (s->status == IMPORT_FAILED) {
		bool file = strcmp(s->source, "file") == 0;

		/* A school's name (TC_NAME_MAX) and both messages fit: the check
		 * only tells the compiler that a cut is seen. */
		if (snprintf(rt->intro, sizeof(rt->intro), "Het nieuwe schooljaar %s is "
		    "automatisch geactiveerd voor %s, maar het ophalen van de gegevens %s is "
		    "mislukt: %s%s%s%s", year, t->name, file ? "uit het bestand" : "uit uw LAS",
		    s->error_message[0] != '\0' ? s->error_message : "onbekende fout.",
		    s->las_message[0] != '\0' ? " De LAS meldt: \"" : "", s->las_message,
		    s->las_message[0] != '\0' ? "\"" : "") >= (int)sizeof(rt->intro))
			log_msg(TC_LOG_WARN, &composectx, "reminder text cut short");
		snprintf(rt->todo, sizeof(rt->todo), "%s", file ?
		    "Open de import via de link hieronder en annuleer hem. Exporteer daarna een "
		    "nieuw EDEXML-bestand uit uw LAS en importeer het bij Overgang nieuw schooljaar." :
		    "Open de import via de link hieronder en kies \"Opnieuw proberen\". Lukt het "
		    "dan nog niet, controleer dan in uw LAS of de koppeling (UWLR) met Testcentrum "
		    "aan staat, of neem contact op met de klantenservice van Testcentrum. Testcentrum "
		    "probeert het ook elke nacht zelf opnieuw.");
		snprintf(rt->link_label, sizeof(rt->link_label), "Ga direct naar de import");
		return;
	}
	if (s->status == IMPORT_FETCHING) {
		snprintf(rt->intro, sizeof(rt->intro), "Het nieuwe schooljaar %s is automatisch "
		    "geactiveerd voor %s. De gegevens worden op dit moment opgehaald uit uw LAS.",
		    year, t->name);
		snprintf(rt->todo, sizeof(rt->todo), "Via de link hieronder ziet u de voortgang. "
		    "Controleer daarna de groepen, leerlingen en leerkrachten en kies \"Gegevens "
		    "importeren\".");
		snprintf(rt->link_label, sizeof(rt->link_label), "Ga direct naar de import");
		return;
	}
	snprintf(rt->intro, sizeof(rt->intro), "Het nieuwe schooljaar %s is automatisch "
	    "geactiveerd voor %s en de gegevens uit uw LAS zijn opgehaald. De import is nog niet "
	    "afgerond.", year, t->name);
	snprintf(rt->todo, sizeof(rt->todo), "Controleer de groepen, leerlingen en leerkrachten "
	    "en kies daarna \"Gegevens importeren\".");
	snprintf(rt->link_label, sizeof(rt->link_label), "Ga direct naar Controle import uit LAS");
}

static tc_status
send_one(struct wctx *w, const struct user *u, const struct reminder_text *rt,
    const char *year, char *err, size_t errlen)
{
	char *text = NULL, *html = NULL, *subject = NULL, *ename = mail_html_escape(u->name),
	    *eintro = mail_html_escape(rt->intro), *etodo = mail_html_escape(rt->todo),
	    *elink = mail_html_escape(rt->link);
	struct mail m;
	tc_status st = TC_INTERNAL;

	if (ename == NULL || eintro == NULL || etodo == NULL || elink == NULL)
		goto out;
	if (asprintf(&subject, "Herinnering: rond de import voor schooljaar %s af", year) < 0 ||
	    asprintf(&text,
	    "Beste %s,\n\n%s\n\n%s\n\n%s:\n%s\n\n"
	    "U ontvangt deze herinnering elke dag tot de import is afgerond.\n\n"
	    "Met vriendelijke groet,\nTestcentrum\n", u->name, rt->intro, rt->todo,
	    rt->link_label, rt->link) < 0 ||
	    asprintf(&html,
	    "<!doctype html><html lang=\"nl\"><body style=\"font-family:sans-serif\">"
	    "<p>Beste %s,</p><p>%s</p><p>%s</p><p><a href=\"%s\">%s</a></p>"
	    "<p>U ontvangt deze herinnering elke dag tot de import is afgerond.</p>"
	    "<p>Met vriendelijke groet,<br>Testcentrum</p></body></html>",
	    ename, eintro, etodo, elink, rt->link_label) < 0)
		goto out;
	m.to = u->email;
	m.subject = subject;
	m.text = text;
	m.html = html;
	st = mail_send(w->cfg, &m, err, errlen);
out:
	free(subject);
	free(text);
	free(html);
	free(ename);
	free(eintro);
	free(etodo);
	free(elink);
	return st;
}

static void
recipient_hash(const char *email, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)email, strlen(email), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/*
 * What to do about the claim of one e-mail (mail-claim:<dedup> in Redis):
 * take it (send), or it is held by another job (look again later), or it
 * says "sent" (the e-mail went out but its record did not make it: write
 * the record, never send again).  A claim outlives the longest send
 * (smtp.timeout_seconds, the connect included) by 30 s: one still held is
 * being sent, or its worker died during the send; it expires in time for a
 * retry to send the e-mail then.
 */
enum claim { CLAIM_MINE, CLAIM_HELD, CLAIM_SENT };

static tc_status
claim_take(struct kv *kv, const struct config *cfg, const char *claim, const char *job,
    enum claim *out)
{
	redisReply *r;
	tc_status st;

	if ((st = kv_command(kv, &r, "SET %s %s NX EX %d", claim, job,
	    cfg->smtp_timeout + 30)) != TC_OK)
		return st;
	*out = r->type == REDIS_REPLY_STATUS ? CLAIM_MINE : CLAIM_HELD;
	freeReplyObject(r);
	if (*out == CLAIM_MINE)
		return TC_OK;
	if ((st = kv_command(kv, &r, "GET %s", claim)) != TC_OK)
		return st;
	if (r->type == REDIS_REPLY_STRING && strcmp(r->str, "sent") == 0)
		*out = CLAIM_SENT;
	freeReplyObject(r);
	return TC_OK;
}

static tc_status
record_sent(struct wctx *w, uint64_t tenant, const char *dedup, const char *email)
{
	char hash[65];

	recipient_hash(email, hash);
	return db_exec(w->db, sql[SQL_RECORD], DB_ARGS(DB_INT(tenant), DB_STR(dedup), DB_STR(hash)),
	    NULL, NULL);
}

/* The reminder of one administrator for one day: at most once, recorded. */
static tc_status
remind_admin(struct wctx *w, const struct job *j, const struct reminder_text *rt,
    const struct user *u, const char *year, const char *date, char *err, size_t errlen)
{
	char dedup[128], claim[TC_KEY_MAX];
	long long sent = 0;
	enum claim c;
	tc_status st;

	snprintf(dedup, sizeof(dedup), "reminder:%s:%llu", date, (unsigned long long)u->id);
	st = db_query_int(w->db, sql[SQL_SENT], DB_ARGS(DB_INT(j->tenant), DB_STR(dedup)), &sent);
	if (st != TC_OK || sent > 0)
		return st;
	kv_key(claim, sizeof(claim), j->tenant, "mail-claim", dedup);
	if ((st = claim_take(w->kv, w->cfg, claim, j->id, &c)) != TC_OK)
		return st;
	if (c == CLAIM_HELD)
		return TC_CONFLICT;	/* being sent, or its sender died: not now, no try counted */
	if (c == CLAIM_MINE) {
		st = send_one(w, u, rt, year, err, errlen);
		mail_count(w->kv, st);
		if (st != TC_OK) {
			(void)kv_exec(w->kv, "DEL %s", claim);
			log_msg(TC_LOG_WARN, &w->log, "reminder to user %llu not sent: %s",
			    (unsigned long long)u->id, err);
			return st == TC_INVALID ? TC_OK : TC_UNAVAILABLE;	/* 5xx: give up */
		}
		/* Until the record is written, the claim says the e-mail went out. */
		(void)kv_exec(w->kv, "SET %s sent EX 172800", claim);
		log_msg(TC_LOG_INFO, &w->log, "reminder sent to user %llu", (unsigned long long)u->id);
	}
	/* TC_CONFLICT: another job wrote the same row first; that is done too. */
	if ((st = record_sent(w, j->tenant, dedup, u->email)) != TC_OK && st != TC_CONFLICT) {
		log_msg(TC_LOG_ERROR, &w->log, "reminder to user %llu sent but not recorded",
		    (unsigned long long)u->id);
		snprintf(err, errlen, "reminder sent but not recorded");
		return TC_UNAVAILABLE;	/* the retry writes the record, sends nothing */
	}
	(void)kv_exec(w->kv, "DEL %s", claim);
	return TC_OK;
}

/*
 * The import the reminder speaks of, made live if it was not (dueimport.h).
 * TC_CONFLICT ("not now") while a fetch that this reminder's day started is
 * still running: the e-mail then says what the fetch gave.  *none when the
 * school has no LAS link and no import.
 */
static tc_status
reminder_import(struct wctx *w, const struct tenant *t, int due, struct import_state *s,
    bool *none)
{
	long long now = (long long)clock_now(&w->clock, w->kv);
	bool started;
	tc_status st;

	*none = false;
	st = dueimport_ensure(w->kv, w->cfg, t, due, false, now, &w->log, s, &started);
	if (st == TC_NOT_FOUND) {
		*none = true;
		return TC_OK;
	}
	if (st != TC_OK)
		return st;
	if (started || (s->status == IMPORT_FETCHING &&
	    now - s->started_at < (long long)w->cfg->las_timeout + 120))
		return TC_CONFLICT;
	return TC_OK;
}

tc_status
job_reminder(struct wctx *w, const struct job *j, char *err, size_t errlen)
{
	const char *date = json_string_value(json_object_get(j->payload, "date"));
	struct admins a = { NULL, 0 };
	struct import_state s;
	struct reminder_text rt;
	const struct tenant *t = &j->school;
	char year[16];
	int due = 0;
	bool none;
	tc_status st, worst = TC_OK;

	if (date == NULL || strlen(date) != 10) {
		snprintf(err, errlen, "payload without a date");
		return TC_INVALID;
	}
	if (j->school_st != TC_OK)
		return JOB_NO_SCHOOL(j);
	if (!t->active)
		return TC_OK;
	/* Owed while the year activated automatically has no applied import. */
	if ((st = year_import_due(w->db, j->tenant, t->las_url[0] != '\0' && t->has_las_key,
	    &due)) != TC_OK || due == 0)
		return st;
	if ((st = reminder_import(w, t, due, &s, &none)) != TC_OK)
		return st;
	if (!none && s.status == IMPORT_APPLYING)
		return TC_OK;	/* being applied right now: nothing to remind */
	if ((st = user_list(w->db, j->tenant, collect_admin, &a)) != TC_OK) {
		free(a.v);
		return st;
	}
	schoolyear_format(due, year, sizeof(year));
	compose(w->cfg, t, none ? NULL : &s, year, &rt);
	for (size_t i = 0; i < a.n; i++) {
		st = remind_admin(w, j, &rt, &a.v[i], year, date, err, errlen);
		/* A failure (back-off, a try counted) outweighs "not now". */
		if (st != TC_OK && (worst == TC_OK || worst == TC_CONFLICT))
			worst = st;
	}
	free(a.v);
	return worst;
}
