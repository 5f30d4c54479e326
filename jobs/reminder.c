/* reminder.c - one e-mail per administrator per day, never twice. */
#include "reminder.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "mail.h"
#include "schoolyear.h"
#include "tenant.h"
#include "user.h"

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

/* The check screen of the import on the school's own host. */
static void
check_link(const struct config *cfg, const struct tenant *t, const char *id, char *buf,
    size_t size)
{
	char port[16] = "";

	if (cfg->public_port != 0 && !((strcmp(cfg->public_scheme, "https") == 0 &&
	    cfg->public_port == 443) || (strcmp(cfg->public_scheme, "http") == 0 &&
	    cfg->public_port == 80)))
		snprintf(port, sizeof(port), ":%d", cfg->public_port);
	snprintf(buf, size, "%s://%s%s/#/import/%s", cfg->public_scheme, t->host, port, id);
}

static tc_status
send_one(struct wctx *w, const struct tenant *t, const struct import_state *s,
    const struct user *u, const char *link, const char *year, char *err, size_t errlen)
{
	char *text = NULL, *html = NULL, *subject = NULL, *ename = mail_html_escape(u->name),
	    *eschool = mail_html_escape(t->name);
	struct mail m;
	tc_status st = TC_INTERNAL;

	if (ename == NULL || eschool == NULL)
		goto out;
	if (asprintf(&subject, "Herinnering: rond de import voor schooljaar %s af", year) < 0 ||
	    asprintf(&text,
	    "Beste %s,\n\n"
	    "Het nieuwe schooljaar %s is automatisch geactiveerd voor %s en de gegevens uit uw "
	    "LAS zijn opgehaald. De import is nog niet afgerond: controleer de groepen, "
	    "leerlingen en leerkrachten en kies daarna \"Gegevens importeren\".\n\n"
	    "Ga direct naar Controle import uit LAS:\n%s\n\n"
	    "U ontvangt deze herinnering elke dag tot de import is afgerond.\n\n"
	    "Met vriendelijke groet,\nTestcentrum\n", u->name, year, t->name, link) < 0 ||
	    asprintf(&html,
	    "<!doctype html><html lang=\"nl\"><body style=\"font-family:sans-serif\">"
	    "<p>Beste %s,</p>"
	    "<p>Het nieuwe schooljaar %s is automatisch geactiveerd voor %s en de gegevens uit "
	    "uw LAS zijn opgehaald. De import is nog niet afgerond: controleer de groepen, "
	    "leerlingen en leerkrachten en kies daarna <strong>Gegevens importeren</strong>.</p>"
	    "<p><a href=\"%s\">Ga direct naar Controle import uit LAS</a></p>"
	    "<p>U ontvangt deze herinnering elke dag tot de import is afgerond.</p>"
	    "<p>Met vriendelijke groet,<br>Testcentrum</p></body></html>",
	    ename, year, eschool, link) < 0)
		goto out;
	m.to = u->email;
	m.subject = subject;
	m.text = text;
	m.html = html;
	st = mail_send(w->cfg, &m, err, errlen);
out:
	(void)s;
	free(subject);
	free(text);
	free(html);
	free(ename);
	free(eschool);
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
remind_admin(struct wctx *w, const struct job *j, const struct tenant *t,
    const struct import_state *s, const struct user *u, const char *link, const char *year,
    const char *date, char *err, size_t errlen)
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
		st = send_one(w, t, s, u, link, year, err, errlen);
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

tc_status
job_reminder(struct wctx *w, const struct job *j, char *err, size_t errlen)
{
	const char *date = json_string_value(json_object_get(j->payload, "date"));
	struct admins a = { NULL, 0 };
	struct import_state s;
	const struct tenant *t = &j->school;
	char link[1200], year[16];
	tc_status st, worst = TC_OK;

	if (date == NULL || strlen(date) != 10) {
		snprintf(err, errlen, "payload without a date");
		return TC_INVALID;
	}
	if (j->school_st != TC_OK)
		return JOB_NO_SCHOOL(j);
	if ((st = import_current(w->kv, j->tenant, &s)) != TC_OK)
		return st == TC_NOT_FOUND ? TC_OK : st;	/* applied or cancelled: no more */
	if (!t->active || strcmp(s.started_by, "auto") != 0)
		return TC_OK;
	if ((st = user_list(w->db, j->tenant, collect_admin, &a)) != TC_OK) {
		free(a.v);
		return st;
	}
	check_link(w->cfg, t, s.id, link, sizeof(link));
	schoolyear_format(s.year, year, sizeof(year));
	for (size_t i = 0; i < a.n; i++) {
		st = remind_admin(w, j, t, &s, &a.v[i], link, year, date, err, errlen);
		/* A failure (back-off, a try counted) outweighs "not now". */
		if (st != TC_OK && (worst == TC_OK || worst == TC_CONFLICT))
			worst = st;
	}
	free(a.v);
	return worst;
}
