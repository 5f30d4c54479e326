/* request.c - FastCGI parameters, query string, cookies and the JSON body. */
#include "request.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
env(FCGX_Request *f, const char *name)
{
	const char *v = FCGX_GetParam(name, f->envp);

	return v != NULL ? v : "";
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes %XX and '+' of s[0..n) into arena memory; NULL on a bad escape or NUL. */
static char *
url_decode(struct arena *a, const char *s, size_t n)
{
	char *out, *o;

	if ((out = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	for (o = out; n > 0; s++, n--) {
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%') {
			int hi, lo;

			if (n < 3 || (hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0 ||
			    (hi == 0 && lo == 0))
				return NULL;
			*o++ = (char)(hi * 16 + lo);
			s += 2;
			n -= 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

tc_status
request_parse_query(struct arena *a, const char *query, struct param *params, size_t max,
    size_t *n)
{
	const char *p = query, *amp, *eq;

	*n = 0;
	if (strlen(query) > TC_QUERY_MAX)
		return TC_TOO_LARGE;
	while (*p != '\0') {
		size_t len;

		amp = strchr(p, '&');
		len = amp != NULL ? (size_t)(amp - p) : strlen(p);
		if (len > 0) {
			if (*n == max)
				return TC_INVALID;
			eq = memchr(p, '=', len);
			if (eq == NULL) {
				params[*n].name = url_decode(a, p, len);
				params[*n].value = "";
			} else {
				params[*n].name = url_decode(a, p, (size_t)(eq - p));
				params[*n].value = url_decode(a, eq + 1, len - (size_t)(eq - p) - 1);
			}
			if (params[*n].name == NULL || params[*n].value == NULL)
				return TC_INVALID;
			(*n)++;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return TC_OK;
}

const char *
request_cookie(struct arena *a, const char *header, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (strlen(header) > TC_COOKIE_MAX)
		return NULL;
	while (*p != '\0') {
		const char *end;

		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			return arena_strndup(a, p + nlen + 1, (size_t)(end - p) - nlen - 1);
		p = end;
	}
	return NULL;
}

static void
request_make_id(struct request *r)
{
	const char *given = env(r->fcgx, "REQUEST_ID");
	size_t n = strlen(given);
	bool ok = n >= 8 && n < sizeof(r->reqid);

	for (size_t i = 0; ok && i < n; i++)
		ok = isxdigit((unsigned char)given[i]);
	if (ok) {
		memcpy(r->reqid, given, n + 1);
		return;
	}
	{
		char tok[TC_TOKEN_HEX + 1];

		session_random_token(tok);
		snprintf(r->reqid, sizeof(r->reqid), "%.16s", tok);
	}
}

tc_status
request_init(struct request *r, FCGX_Request *f, struct worker *w, struct arena *a)
{
	const char *uri, *q, *cookies, *cl;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &r->started);
	r->fcgx = f;
	r->arena = a;
	r->w = w;
	r->cfg = w->cfg;
	r->status = 200;
	request_make_id(r);
	r->log.reqid = r->reqid;
	r->log.module = "http";
	r->method = env(f, "REQUEST_METHOD");
	r->host = env(f, "HTTP_HOST");
	r->remote_addr = env(f, "REMOTE_ADDR");
	r->content_type = env(f, "CONTENT_TYPE");
	r->csrf_header = env(f, "HTTP_X_CSRF_TOKEN");
	cl = env(f, "CONTENT_LENGTH");
	r->content_length = cl[0] != '\0' ? strtol(cl, NULL, 10) : 0;
	uri = env(f, "DOCUMENT_URI");
	if (uri[0] == '\0') {
		uri = env(f, "REQUEST_URI");
		if ((q = strchr(uri, '?')) != NULL)
			uri = arena_strndup(a, uri, (size_t)(q - uri));
	}
	r->path = uri;
	r->query = env(f, "QUERY_STRING");
	r->route = "-";
	if (request_parse_query(a, r->query, r->params, TC_PARAMS_MAX, &r->nparams) != TC_OK)
		return TC_INVALID;
	cookies = env(f, "HTTP_COOKIE");
	if (strlen(cookies) > TC_COOKIE_MAX)
		return TC_INVALID;
	r->session_token = request_cookie(a, cookies, request_session_cookie(r->cfg));
	return TC_OK;
}

const char *
request_session_cookie(const struct config *cfg)
{
	return cfg->session_secure_cookie ? "__Host-tc_session" : "tc_session";
}

const char *
request_param(const struct request *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	return NULL;
}

static void
json_release(void *p)
{
	json_decref(p);
}

tc_status
request_read_json(struct request *r)
{
	long max = r->cfg->body_max, cap;
	char *buf;
	int n, total = 0;
	json_error_t jerr;
	json_t *j;

	if (r->content_length > max)
		return TC_TOO_LARGE;
	/*
	 * A buffer of the announced length (nginx always sends CONTENT_LENGTH
	 * with a body), not of the largest allowed body: a megabyte zeroed and
	 * mapped per request cost more than the rest of a one-pupil archive.
	 */
	cap = r->content_length > 0 ? r->content_length : max;
	if ((buf = arena_alloc(r->arena, (size_t)cap + 1)) == NULL)
		return TC_INTERNAL;
	while (total <= cap && (n = FCGX_GetStr(buf + total, (int)(cap + 1 - total),
	    r->fcgx->in)) > 0)
		total += n;
	if (total > cap)
		return r->content_length > 0 ? TC_INVALID : TC_TOO_LARGE;
	if (total == 0)
		return TC_INVALID;
	j = json_loadb(buf, (size_t)total, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		return TC_INVALID;
	arena_defer(r->arena, json_release, j);
	if (!json_is_object(j))
		return TC_INVALID;
	r->body = j;
	return TC_OK;
}

double
request_elapsed_ms(const struct request *r)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - r->started.tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - r->started.tv_nsec) / 1e6;
}
