/*
 * uwlr_client.c - UWLR SOAP client on libcurl and libxml2's xmlTextWriter.
 *
 * One CURL easy handle per attempt: a fetch is rare (a school a day at
 * most) and long, so handle reuse buys nothing and a fresh handle carries no
 * state (cookies, connections) from one school to the next.
 */
#include "uwlr_client.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "limits.h"
#include "log.h"

static const char *const soapactions[UWLR_OP_MAX] = {
	[UWLR_OP_LEERLINGGEGEVENS] = "HaalLeerlinggegevens",
};

static const char *const request_elements[UWLR_OP_MAX] = {
	[UWLR_OP_LEERLINGGEGEVENS] = "leerlinggegevens_verzoek",
};

static void
set_err(struct uwlr_error *err, enum uwlr_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(struct uwlr_error *err, enum uwlr_error_kind kind, const char *fmt, ...)
{
	va_list ap;

	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

const char *
uwlr_soapaction(enum uwlr_operation op)
{
	if ((unsigned)op >= UWLR_OP_MAX)
		return NULL;
	return soapactions[op];
}

const char *
uwlr_error_kind_name(enum uwlr_error_kind k)
{
	static const char *const names[UWLR_ERR_KIND_MAX] = {
		[UWLR_ERR_NONE] = "none",
		[UWLR_ERR_CONFIG] = "config",
		[UWLR_ERR_REFUSED_ADDRESS] = "refused_address",
		[UWLR_ERR_CONNECT] = "connect",
		[UWLR_ERR_TIMEOUT] = "timeout",
		[UWLR_ERR_STALLED] = "stalled",
		[UWLR_ERR_TLS] = "tls",
		[UWLR_ERR_TRANSPORT] = "transport",
		[UWLR_ERR_HTTP] = "http",
		[UWLR_ERR_FAULT] = "fault",
		[UWLR_ERR_PARSE] = "parse",
		[UWLR_ERR_TOO_LARGE] = "too_large",
		[UWLR_ERR_MISMATCH] = "mismatch",
		[UWLR_ERR_INTERNAL] = "internal",
	};
	if ((unsigned)k >= UWLR_ERR_KIND_MAX)
		return "unknown";
	return names[k];
}

tc_status
uwlr_client_init(void)
{
	xmlInitParser();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return TC_INTERNAL;
	return TC_OK;
}

void
uwlr_client_cleanup(void)
{
	curl_global_cleanup();
}

/* ---- validation ------------------------------------------------------- */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
valid_schooljaar(const char *s)
{
	int a = 0, b = 0;

	if (s == NULL || strlen(s) != 9 || s[4] != '-')
		return false;
	for (int i = 0; i < 9; i++) {
		if (i == 4)
			continue;
		if (!is_digit(s[i]))
			return false;
		if (i < 4)
			a = a * 10 + (s[i] - '0');
		else
			b = b * 10 + (s[i] - '0');
	}
	return b == a + 1;
}

static bool
valid_brin(const char *s)
{
	return s != NULL && strlen(s) == 4 && is_digit(s[0]) && is_digit(s[1]) &&
	    s[2] >= 'A' && s[2] <= 'Z' && s[3] >= 'A' && s[3] <= 'Z';
}

static bool
valid_dependance(const char *s)
{
	return s != NULL && strlen(s) == 2 && is_digit(s[0]) && is_digit(s[1]);
}

/* YYYY-MM-DDTHH:MM:SS with optional fraction/zone: shape check only. */
static bool
valid_datetime(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t n = strlen(s);

	if (n < 19 || n > 40)
		return false;
	for (size_t i = 0; i < 19; i++) {
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
			return false;
	}
	for (size_t i = 19; i < n; i++)
		if (!(is_digit(s[i]) || s[i] == '.' || s[i] == '+' || s[i] == '-' ||
		    s[i] == ':' || s[i] == 'Z'))
			return false;
	return true;
}

/* Non-empty, at most max bytes, no control characters. */
static bool
valid_text(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static const char *
link_dependance(const struct uwlr_link *l)
{
	return l->dependancecode != NULL && *l->dependancecode ? l->dependancecode : "00";
}

static const char *
link_xsdversie(const struct uwlr_link *l)
{
	return l->xsdversie != NULL && *l->xsdversie ? l->xsdversie : "2.3";
}

static bool
check_request(const struct uwlr_link *l, const struct uwlr_request *req, struct uwlr_error *err)
{
	const char *x = link_xsdversie(l);

	if ((unsigned)req->op >= UWLR_OP_MAX)
		set_err(err, UWLR_ERR_CONFIG, "unknown operation");
	else if (!valid_schooljaar(req->schooljaar))
		set_err(err, UWLR_ERR_CONFIG, "schooljaar must look like 2024-2025");
	else if (!valid_brin(l->brincode))
		set_err(err, UWLR_ERR_CONFIG, "brincode must be 2 digits and 2 capitals");
	else if (!valid_dependance(link_dependance(l)))
		set_err(err, UWLR_ERR_CONFIG, "dependancecode must be 2 digits");
	else if (strcmp(x, "2.2") != 0 && strcmp(x, "2.3") != 0)
		set_err(err, UWLR_ERR_CONFIG, "xsdversie must be 2.2 or 2.3");
	else if (!valid_text(l->klantcode, TC_NAME_MAX))
		set_err(err, UWLR_ERR_CONFIG, "klantcode is missing or malformed");
	else if (!valid_text(l->klantnaam, TC_NAME_MAX))
		set_err(err, UWLR_ERR_CONFIG, "klantnaam is missing or malformed");
	else if (!valid_text(l->autorisatiesleutel, TC_LAS_KEY_MAX))
		set_err(err, UWLR_ERR_CONFIG, "autorisatiesleutel is missing or malformed");
	else if (l->gegevenssetid != NULL && *l->gegevenssetid &&
	    !valid_text(l->gegevenssetid, TC_NAME_MAX))
		set_err(err, UWLR_ERR_CONFIG, "gegevenssetid is malformed");
	else if (req->since != NULL && !valid_datetime(req->since))
		set_err(err, UWLR_ERR_CONFIG, "laatstontvangengegevens must be an xs:dateTime");
	else
		return true;
	return false;
}

/* ---- request ---------------------------------------------------------- */

#define W(call)	do { if ((call) < 0) goto fail; } while (0)

tc_status
uwlr_request_build(const struct uwlr_link *l, const struct uwlr_request *req, char **xml,
    size_t *len, struct uwlr_error *err)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	const xmlChar *ll = BAD_CAST "ll";

	*xml = NULL;
	*len = 0;
	memset(err, 0, sizeof(*err));
	if (!check_request(l, req, err))
		return TC_INVALID;
	if ((buf = xmlBufferCreate()) == NULL || (w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		goto fail;
	W(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	W(xmlTextWriterStartElementNS(w, BAD_CAST "soap", BAD_CAST "Envelope", NULL));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:soap", BAD_CAST UWLR_NS_SOAP));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:aut", BAD_CAST UWLR_NS_AUT));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:ll", BAD_CAST UWLR_NS_LL));
	W(xmlTextWriterStartElementNS(w, BAD_CAST "soap", BAD_CAST "Header", NULL));
	W(xmlTextWriterStartElementNS(w, BAD_CAST "aut", BAD_CAST "autorisatie", NULL));
	W(xmlTextWriterWriteElementNS(w, BAD_CAST "aut", BAD_CAST "autorisatiesleutel", NULL,
	    BAD_CAST l->autorisatiesleutel));
	W(xmlTextWriterWriteElementNS(w, BAD_CAST "aut", BAD_CAST "klantcode", NULL,
	    BAD_CAST l->klantcode));
	W(xmlTextWriterWriteElementNS(w, BAD_CAST "aut", BAD_CAST "klantnaam", NULL,
	    BAD_CAST l->klantnaam));
	W(xmlTextWriterEndElement(w));	/* autorisatie */
	W(xmlTextWriterEndElement(w));	/* Header */
	W(xmlTextWriterStartElementNS(w, BAD_CAST "soap", BAD_CAST "Body", NULL));
	W(xmlTextWriterStartElementNS(w, ll, BAD_CAST request_elements[req->op], NULL));
	/* schema order: schooljaar, brincode, dependancecode, schoolkey,
	 * xsdversie, gegevenssetid, laatstontvangengegevens */
	W(xmlTextWriterWriteElementNS(w, ll, BAD_CAST "schooljaar", NULL, BAD_CAST req->schooljaar));
	W(xmlTextWriterWriteElementNS(w, ll, BAD_CAST "brincode", NULL, BAD_CAST l->brincode));
	W(xmlTextWriterWriteElementNS(w, ll, BAD_CAST "dependancecode", NULL,
	    BAD_CAST link_dependance(l)));
	W(xmlTextWriterWriteElementNS(w, ll, BAD_CAST "xsdversie", NULL, BAD_CAST link_xsdversie(l)));
	if (l->gegevenssetid != NULL && *l->gegevenssetid)
		W(xmlTextWriterWriteElementNS(w, ll, BAD_CAST "gegevenssetid", NULL,
		    BAD_CAST l->gegevenssetid));
	if (req->since != NULL)
		W(xmlTextWriterWriteElementNS(w, ll, BAD_CAST "laatstontvangengegevens", NULL,
		    BAD_CAST req->since));
	W(xmlTextWriterEndDocument(w));	/* closes every open element */
	xmlFreeTextWriter(w);
	w = NULL;
	*len = (size_t)xmlBufferLength(buf);
	if ((*xml = malloc(*len + 1)) == NULL)
		goto fail;
	memcpy(*xml, xmlBufferContent(buf), *len);
	(*xml)[*len] = '\0';
	/* the buffer held the key: wipe it before giving it back */
	memset((void *)xmlBufferContent(buf), 0, (size_t)xmlBufferLength(buf));
	xmlBufferFree(buf);
	return TC_OK;
fail:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	*len = 0;
	set_err(err, UWLR_ERR_INTERNAL, "building the request failed");
	return TC_INTERNAL;
}

/* ---- address policy --------------------------------------------------- */

/* IPv4 special-use ranges (IANA registry, RFC 6890 and later) that never
 * host a LAS: this host, private, shared, link-local, documentation,
 * benchmarking, protocol assignments, 6to4 relays, multicast and reserved. */
static bool
v4_private(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64) ||	/* 100.64/10 CGNAT */
	    (a[0] == 169 && a[1] == 254) ||
	    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 192 && a[1] == 0 && a[2] == 0) ||	/* 192.0.0/24 */
	    (a[0] == 192 && a[1] == 0 && a[2] == 2) ||	/* 192.0.2/24 TEST-NET-1 */
	    (a[0] == 192 && a[1] == 88 && a[2] == 99) ||	/* 192.88.99/24 6to4 relay */
	    (a[0] == 198 && (a[1] & 0xfe) == 18) ||	/* 198.18/15 benchmarking */
	    (a[0] == 198 && a[1] == 51 && a[2] == 100) ||	/* 198.51.100/24 TEST-NET-2 */
	    (a[0] == 203 && a[1] == 0 && a[2] == 113) ||	/* 203.0.113/24 TEST-NET-3 */
	    a[0] >= 224;				/* multicast, reserved, broadcast */
}

bool
uwlr_addr_is_private(const struct sockaddr *sa, size_t len)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return v4_private((const unsigned char *)&in->sin_addr);
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		const unsigned char *a = in6->sin6_addr.s6_addr;
		static const unsigned char zero[16];
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) || IN6_IS_ADDR_V4COMPAT(&in6->sin6_addr))
			return memcmp(a, zero, 12) == 0 && memcmp(a + 12, zero, 4) == 0 ?
			    true : v4_private(a + 12);
		return IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) ||
		    IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
		    (a[0] & 0xfe) == 0xfc ||			/* fc00::/7 */
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||	/* fe80::/10 */
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) ||	/* fec0::/10 */
		    a[0] == 0xff ||				/* multicast */
		    (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b &&
		     a[4] == 0x00 && a[5] == 0x01) ||		/* 64:ff9b:1::/48 local NAT64 */
		    (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b &&
		     v4_private(a + 12)) ||			/* NAT64 of a private v4 */
		    (a[0] == 0x01 && a[1] == 0x00 && memcmp(a + 2, zero, 6) == 0) ||
							/* 100::/64 discard-only */
		    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00) ||
							/* 2001::/32 Teredo */
		    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x02 &&
		     a[4] == 0x00 && a[5] == 0x00) ||		/* 2001:2::/48 benchmarking */
		    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 &&
		     ((a[3] & 0xf0) == 0x10 || (a[3] & 0xf0) == 0x20)) ||
							/* 2001:10::/28, 2001:20::/28 ORCHID */
		    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) ||
							/* 2001:db8::/32 documentation */
		    (a[0] == 0x20 && a[1] == 0x02 && v4_private(a + 2)) ||
							/* 6to4 of a private v4 */
		    (a[0] == 0x3f && a[1] == 0xff && (a[2] & 0xf0) == 0x00) ||
							/* 3fff::/20 documentation */
		    (a[0] == 0x5f && a[1] == 0x00);		/* 5f00::/16 SRv6 SIDs */
	}
	return true;	/* anything else (AF_UNIX, ...) is never a LAS */
}

/* ---- transfer --------------------------------------------------------- */

struct xfer {
	struct uwlr_parser	*parser;
	size_t			 bytes, max;
	bool			 too_large, parse_failed, refused;
	bool			 allow_private;
	const struct uwlr_request *req;
};

static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = arg;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (!x->allow_private && uwlr_addr_is_private(&a->addr, a->addrlen)) {
		x->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	tc_status st;

	if (n > x->max - x->bytes) {
		x->too_large = true;
		return 0;
	}
	x->bytes += n;
	st = uwlr_parser_feed(x->parser, data, n);
	if (st == TC_TOO_LARGE) {
		x->too_large = true;
		return 0;
	}
	if (st != TC_OK) {
		/* not worth reading the rest: the answer is already lost */
		x->parse_failed = true;
		return 0;
	}
	if (x->req->progress != NULL)
		x->req->progress(x->req->progress_arg, x->bytes);
	return n;
}

static enum uwlr_error_kind
curl_kind(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return UWLR_ERR_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return UWLR_ERR_CONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
		return UWLR_ERR_TLS;
	case CURLE_FILESIZE_EXCEEDED:
		return UWLR_ERR_TOO_LARGE;
	case CURLE_OUT_OF_MEMORY:
		return UWLR_ERR_INTERNAL;
	default:
		return UWLR_ERR_TRANSPORT;
	}
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/*
 * A timeout after the connection was made and before the whole-call limit:
 * curl's low-speed limit cut it (curl gives both the same code).
 */
static bool
stalled(CURL *h, long timeout_ms)
{
	curl_off_t connect_us = 0, total_us = 0;

	if (curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us) != CURLE_OK ||
	    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us) != CURLE_OK)
		return false;
	return connect_us > 0 && total_us / 1000 < (curl_off_t)timeout_ms - 500;
}

#define SETOPT(h, o, v)	do { if (curl_easy_setopt((h), (o), (v)) != CURLE_OK) goto setup_failed; } while (0)

/* One attempt.  Returns TC_OK with *out, or a failure described in err. */
static tc_status
attempt(const struct uwlr_link *l, const struct uwlr_policy *pol, const struct uwlr_request *req,
    const char *body, size_t body_len, struct uwlr_result **out, struct uwlr_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	char soapaction[128];
	char perr[256] = "";
	struct curl_slist *hdr = NULL, *h2;
	struct xfer x = { 0 };
	CURL *h = NULL;
	CURLcode rc;
	long status = 0;
	tc_status st = TC_INTERNAL;
	size_t max = pol->max_bytes ? pol->max_bytes : UWLR_MAX_BYTES_DEFAULT;
	long timeout_ms = pol->timeout_ms > 0 ? pol->timeout_ms : UWLR_TIMEOUT_MS_DEFAULT;
	long low_bytes = pol->low_speed_bytes > 0 ? pol->low_speed_bytes :
	    UWLR_LOW_SPEED_BYTES_DEFAULT;
	long low_seconds = pol->low_speed_seconds > 0 ? pol->low_speed_seconds :
	    UWLR_LOW_SPEED_SECONDS_DEFAULT;

	*out = NULL;
	x.max = max;
	x.req = req;
	x.allow_private = pol->allow_private;
	if ((x.parser = uwlr_parser_new(max)) == NULL || (h = curl_easy_init()) == NULL) {
		set_err(err, UWLR_ERR_INTERNAL, "out of memory");
		goto out;
	}
	snprintf(soapaction, sizeof(soapaction), l->soapaction_quoted ? "SOAPAction: \"%s\"" :
	    "SOAPAction: %s", uwlr_soapaction(req->op));
	const char *hv[] = { "Content-Type: text/xml; charset=utf-8", soapaction,
		"Accept: text/xml", "Expect:" };
	for (size_t i = 0; i < sizeof(hv) / sizeof(hv[0]); i++) {
		if ((h2 = curl_slist_append(hdr, hv[i])) == NULL) {
			set_err(err, UWLR_ERR_INTERNAL, "out of memory");
			goto out;
		}
		hdr = h2;
	}
	SETOPT(h, CURLOPT_URL, l->url);
	SETOPT(h, CURLOPT_PROTOCOLS_STR, pol->allow_http ? "http,https" : "https");
	SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(h, CURLOPT_PROXY, "");
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, pol->connect_timeout_ms > 0 ?
	    pol->connect_timeout_ms : UWLR_CONNECT_TIMEOUT_MS_DEFAULT);
	SETOPT(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	SETOPT(h, CURLOPT_LOW_SPEED_LIMIT, low_bytes);
	SETOPT(h, CURLOPT_LOW_SPEED_TIME, low_seconds);
	SETOPT(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (l->ca_file != NULL && *l->ca_file)
		SETOPT(h, CURLOPT_CAINFO, l->ca_file);
	if (l->cert_file != NULL && *l->cert_file) {
		SETOPT(h, CURLOPT_SSLCERT, l->cert_file);
		if (ends_with(l->cert_file, ".p12") || ends_with(l->cert_file, ".pfx"))
			SETOPT(h, CURLOPT_SSLCERTTYPE, "P12");
	}
	if (l->key_file != NULL && *l->key_file)
		SETOPT(h, CURLOPT_SSLKEY, l->key_file);
	SETOPT(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	SETOPT(h, CURLOPT_OPENSOCKETDATA, &x);
	SETOPT(h, CURLOPT_HTTPHEADER, hdr);
	SETOPT(h, CURLOPT_POST, 1L);
	SETOPT(h, CURLOPT_POSTFIELDS, body);
	SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	SETOPT(h, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(h, CURLOPT_WRITEDATA, &x);
	SETOPT(h, CURLOPT_USERAGENT, "Testcentrum-UWLR/1");

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	err->http_status = status;

	if (x.refused) {
		set_err(err, UWLR_ERR_REFUSED_ADDRESS,
		    "the LAS address is loopback, private or link-local: refused by policy");
		st = TC_FORBIDDEN;
		goto out;
	}
	if (x.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		set_err(err, UWLR_ERR_TOO_LARGE, "response larger than %zu bytes", max);
		st = TC_TOO_LARGE;
		goto out;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT && stalled(h, timeout_ms)) {
		set_err(err, UWLR_ERR_STALLED, "the LAS stalled: less than %ld bytes/s for %ld s "
		    "(las.low_speed_bytes, las.low_speed_seconds)", low_bytes, low_seconds);
		st = TC_UNAVAILABLE;
		goto out;
	}
	if (rc != CURLE_OK && !x.parse_failed) {
		enum uwlr_error_kind k = curl_kind(rc);
		set_err(err, k, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
		err->retryable = k == UWLR_ERR_TIMEOUT;
		st = k == UWLR_ERR_INTERNAL ? TC_INTERNAL : TC_UNAVAILABLE;
		goto out;
	}
	st = uwlr_parser_finish(x.parser, out, perr, sizeof(perr));
	if (st == TC_OK && (*out)->answer == UWLR_ANSWER_FAULT) {
		const struct uwlr_fault *f = &(*out)->fault;
		set_err(err, UWLR_ERR_FAULT, "%s", f->faultstring ? f->faultstring : "");
		snprintf(err->fault_code, sizeof(err->fault_code), "%s", f->code ? f->code : "");
		err->retryable = f->retryable;
		st = f->retryable ? TC_UNAVAILABLE : TC_INVALID;
		uwlr_result_free(*out);
		*out = NULL;
		goto out;
	}
	if (status < 200 || status > 299) {
		uwlr_result_free(*out);
		*out = NULL;
		set_err(err, UWLR_ERR_HTTP, "the LAS answered HTTP %ld", status);
		err->retryable = status >= 500 && status <= 599;
		st = err->retryable ? TC_UNAVAILABLE : TC_INVALID;
		goto out;
	}
	if (st == TC_TOO_LARGE) {
		set_err(err, UWLR_ERR_TOO_LARGE, "%s", perr);
		goto out;
	}
	if (st != TC_OK) {
		set_err(err, st == TC_INTERNAL ? UWLR_ERR_INTERNAL : UWLR_ERR_PARSE,
		    "not a UWLR answer: %s", perr);
		goto out;
	}
	err->kind = UWLR_ERR_NONE;
	goto out;
setup_failed:
	set_err(err, UWLR_ERR_INTERNAL, "libcurl refused an option");
	st = TC_INTERNAL;
out:
	if (h != NULL)
		curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	uwlr_parser_free(x.parser);
	return st;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

tc_status
uwlr_fetch_request(const struct uwlr_link *l, const struct uwlr_policy *pol,
    const struct uwlr_request *req, struct uwlr_result **out, struct uwlr_error *err)
{
	struct log_ctx lc = { NULL, NULL, "uwlr" };
	char *body = NULL;
	size_t body_len;
	tc_status st;
	int retries = pol->retries == 0 ? UWLR_RETRIES_DEFAULT : (pol->retries < 0 ? 0 : pol->retries);
	long backoff = pol->backoff_ms > 0 ? pol->backoff_ms : UWLR_BACKOFF_MS_DEFAULT;
	double t0 = now_ms();
	const char *brin = l->brincode ? l->brincode : "-";

	*out = NULL;
	if (pol->log != NULL) {
		lc.reqid = pol->log->reqid;
		lc.tenant = pol->log->tenant;
	}
	st = uwlr_request_build(l, req, &body, &body_len, err);
	if (st != TC_OK) {
		log_msg(TC_LOG_WARN, &lc, "uwlr request not sent: %s", err->message);
		return st;
	}
	if (l->url == NULL || !(strncmp(l->url, "https://", 8) == 0 ||
	    (pol->allow_http && strncmp(l->url, "http://", 7) == 0))) {
		set_err(err, UWLR_ERR_CONFIG, pol->allow_http ? "the LAS url must be http(s)://" :
		    "the LAS url must be https://");
		st = TC_INVALID;
		goto done;
	}
	for (int i = 0; ; i++) {
		memset(err, 0, sizeof(*err));
		err->attempts = i + 1;
		st = attempt(l, pol, req, body, body_len, out, err);
		err->attempts = i + 1;
		if (st == TC_OK || !err->retryable || i >= retries)
			break;
		log_msg(TC_LOG_INFO, &lc, "uwlr attempt %d failed (%s, http %ld), retrying in %ld ms",
		    i + 1, uwlr_error_kind_name(err->kind), err->http_status, backoff);
		sleep_ms(backoff);
		backoff *= 2;
	}
	if (st == TC_OK && !uwlr_result_matches(*out, req->schooljaar, l->brincode,
	    link_dependance(l))) {
		uwlr_result_free(*out);
		*out = NULL;
		set_err(err, UWLR_ERR_MISMATCH, "the LAS sent data of another school year or school");
		st = TC_INVALID;
	}
done:
	if (st == TC_OK)
		log_msg(TC_LOG_INFO, &lc, "uwlr %s brin=%s answer=%s bytes=%zu pupils=%zu groups=%zu "
		    "teachers=%zu warnings=%zu attempts=%d ms=%.0f", uwlr_soapaction(req->op),
		    brin, uwlr_answer_name((*out)->answer), (*out)->bytes, (*out)->n_pupils,
		    (*out)->n_groups, (*out)->n_teachers, (*out)->n_warnings, err->attempts,
		    now_ms() - t0);
	else
		log_msg(TC_LOG_WARN, &lc, "uwlr %s brin=%s failed: %s http=%ld fault=%s attempts=%d "
		    "ms=%.0f: %s", uwlr_soapaction(req->op), brin, uwlr_error_kind_name(err->kind),
		    err->http_status, err->fault_code[0] ? err->fault_code : "-", err->attempts,
		    now_ms() - t0, err->kind == UWLR_ERR_FAULT ? "(the LAS's fault text)" : err->message);
	if (body != NULL) {
		memset(body, 0, body_len);	/* held the key */
		free(body);
	}
	return st;
}

tc_status
uwlr_fetch(const struct uwlr_link *l, const struct uwlr_policy *pol, const char *schooljaar,
    const char *since, struct uwlr_result **out, struct uwlr_error *err)
{
	struct uwlr_request req = { .op = UWLR_OP_LEERLINGGEGEVENS, .schooljaar = schooljaar,
		.since = since };

	return uwlr_fetch_request(l, pol, &req, out, err);
}
