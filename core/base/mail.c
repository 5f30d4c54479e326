/* mail.c - libcurl SMTP with a MIME multipart/alternative body. */
#include "mail.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "limits.h"

/* The bare address of "Name <addr>" or "addr", into out. */
static void
mail_address(const char *from, char *out, size_t size)
{
	const char *lt = strchr(from, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		snprintf(out, size, "<%.*s>", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, size, "<%s>", from);
}

/* RFC 2047 encoded-word for a UTF-8 header value (always encoded: simple). */
static char *
mail_encode_header(const char *s)
{
	size_t len = strlen(s), b64 = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(b64 + 16);

	if (out == NULL)
		return NULL;
	memcpy(out, "=?UTF-8?B?", 10);
	sodium_bin2base64(out + 10, b64, (const unsigned char *)s, len, sodium_base64_VARIANT_ORIGINAL);
	memcpy(out + 10 + strlen(out + 10), "?=", 3);
	return out;
}

char *
mail_html_escape(const char *s)
{
	size_t n = 0;
	const char *p;
	char *out, *o;

	for (p = s; *p != '\0'; p++)
		n += *p == '&' ? 5 : (*p == '<' || *p == '>') ? 4 : (*p == '"' || *p == '\'') ? 6 : 1;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (p = s, o = out; *p != '\0'; p++) {
		const char *rep = NULL;

		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		}
		if (rep != NULL) {
			size_t k = strlen(rep);

			memcpy(o, rep, k);
			o += k;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

tc_status
mail_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? TC_OK : TC_INTERNAL;
}

/* STARTTLS required (smtp.require_tls, default yes: a relay whose offer of
 * STARTTLS was stripped by someone in the middle gets nothing, issue 19),
 * and always when a login is to be sent; "when offered" only with
 * smtp.require_tls = no (a test relay without TLS). */
static long
mail_tls(const struct config *cfg)
{
	return cfg->smtp_require_tls || cfg->smtp_user[0] != '\0' ? (long)CURLUSESSL_ALL :
	    (long)CURLUSESSL_TRY;
}

/*
 * A timeout after the connection was made and before smtp.timeout_seconds:
 * curl's low-speed limit cut it (curl gives both the same code).
 */
static bool
mail_stalled(CURL *curl, const struct config *cfg)
{
	curl_off_t connect_us = 0, total_us = 0;

	if (curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connect_us) != CURLE_OK ||
	    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total_us) != CURLE_OK)
		return false;
	return connect_us > 0 && total_us / 1000 < (curl_off_t)cfg->smtp_timeout * 1000 - 500;
}

tc_status
mail_send(const struct config *cfg, const struct mail *m, char *err, size_t errlen)
{
	char from_addr[TC_CONFIG_VALUE_MAX + 3], to_addr[TC_EMAIL_MAX + 3], date[64], msgid[128];
	char *subject = NULL, *h_subject = NULL, *h_from = NULL, *h_to = NULL, *h_date = NULL,
	    *h_id = NULL, curlerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *rcpt = NULL, *headers = NULL, *alt_headers = NULL;
	curl_mime *mime = NULL, *alt = NULL;
	curl_mimepart *part;
	unsigned char rnd[12];
	char rndhex[25];
	long code = 0;
	time_t now = time(NULL);
	struct tm tm;
	tc_status st = TC_INTERNAL;
	CURLcode rc;
	CURL *curl;

	if (strlen(m->to) > TC_EMAIL_MAX || strchr(m->to, '\n') != NULL || strchr(m->to, '\r') != NULL) {
		snprintf(err, errlen, "invalid recipient");
		return TC_INVALID;
	}
	if ((curl = curl_easy_init()) == NULL)
		return TC_INTERNAL;
	mail_address(cfg->smtp_from, from_addr, sizeof(from_addr));
	snprintf(to_addr, sizeof(to_addr), "<%s>", m->to);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(rndhex, sizeof(rndhex), rnd, sizeof(rnd));
	snprintf(msgid, sizeof(msgid), "<%s.%lld@testcentrum>", rndhex, (long long)now);
	if ((subject = mail_encode_header(m->subject)) == NULL)
		goto out;
	if (asprintf(&h_subject, "Subject: %s", subject) < 0 ||
	    asprintf(&h_from, "From: %s", cfg->smtp_from) < 0 ||
	    asprintf(&h_to, "To: %s", m->to) < 0 ||
	    asprintf(&h_date, "Date: %s", date) < 0 ||
	    asprintf(&h_id, "Message-ID: %s", msgid) < 0)
		goto out;
	headers = curl_slist_append(headers, h_date);
	headers = curl_slist_append(headers, h_from);
	headers = curl_slist_append(headers, h_to);
	headers = curl_slist_append(headers, h_subject);
	headers = curl_slist_append(headers, h_id);
	rcpt = curl_slist_append(rcpt, to_addr);

	/* multipart/alternative: plain text first, HTML second. */
	mime = curl_mime_init(curl);
	alt = curl_mime_init(curl);
	part = curl_mime_addpart(alt);
	curl_mime_data(part, m->text, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(alt);
	curl_mime_data(part, m->html, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/html; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);
	alt = NULL;	/* owned by mime now */
	curl_mime_type(part, "multipart/alternative");
	alt_headers = curl_slist_append(NULL, "Content-Disposition: inline");
	curl_mime_headers(part, alt_headers, 1);
	alt_headers = NULL;

	curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_addr);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, mail_tls(cfg));
	if (cfg->smtp_ca_file[0] != '\0')
		curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->smtp_ca_file);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)cfg->smtp_connect_timeout);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->smtp_timeout);
	/* A stalled relay: the low-speed limit covers the message's upload,
	 * the response timeout each answer of the conversation (curl does not
	 * apply the first while it waits for an answer to a command). */
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, cfg->smtp_low_speed_bytes);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, (long)cfg->smtp_low_speed_seconds);
	curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)cfg->smtp_low_speed_seconds);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curlerr);
	if (cfg->smtp_user[0] != '\0') {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		st = TC_OK;
	} else if (rc == CURLE_OPERATION_TIMEDOUT && mail_stalled(curl, cfg)) {
		snprintf(err, errlen, "smtp: the relay stalled: no answer, or less than %ld bytes/s, "
		    "for %d s (smtp.low_speed_bytes, smtp.low_speed_seconds)",
		    cfg->smtp_low_speed_bytes, cfg->smtp_low_speed_seconds);
		st = TC_UNAVAILABLE;
	} else {
		snprintf(err, errlen, "smtp: %s (%ld)", curlerr[0] != '\0' ? curlerr :
		    curl_easy_strerror(rc), code);
		/* A 5xx answer is permanent; everything else may pass later. */
		st = code >= 500 && code < 600 ? TC_INVALID : TC_UNAVAILABLE;
	}
out:
	curl_easy_cleanup(curl);
	curl_mime_free(mime);
	curl_mime_free(alt);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(headers);
	curl_slist_free_all(alt_headers);
	free(subject);
	free(h_subject);
	free(h_from);
	free(h_to);
	free(h_date);
	free(h_id);
	return st;
}

void
mail_count(struct kv *kv, tc_status st)
{
	char key[TC_KEY_MAX];

	if (kv == NULL)
		return;
	kv_global_key(key, sizeof(key), st == TC_OK ? "stats:mail_sent" : "stats:mail_failed");
	(void)kv_exec(kv, "INCR %s", key);
}
