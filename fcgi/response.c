/* response.c - status, headers and body in one place. */
#include "response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

static void
write_head(struct request *r, int status, const char *content_type)
{
	FCGX_Stream *out = r->fcgx->out;

	r->status = status;
	r->responded = true;
	FCGX_FPrintF(out, "Status: %d %s\r\n", status, reason(status));
	FCGX_FPrintF(out, "Content-Type: %s\r\n", content_type);
	FCGX_FPrintF(out, "X-Request-Id: %s\r\n", r->reqid);
	FCGX_PutS("Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n", out);
	for (size_t i = 0; i < r->nextra; i++)
		FCGX_FPrintF(out, "%s\r\n", r->extra_headers[i]);
	FCGX_PutS("\r\n", out);
}

void
response_text(struct request *r, int status, const char *content_type, const char *body,
    size_t len)
{
	if (r->responded)
		return;
	answer_before_response(r, status, body, len);
	write_head(r, status, content_type);
	if (strcmp(r->method, "HEAD") != 0)
		FCGX_PutStr(body, (int)len, r->fcgx->out);
}

void
response_json(struct request *r, int status, json_t *body)
{
	char *text;

	if (r->responded) {
		json_decref(body);
		return;
	}
	text = body != NULL ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(body);
	if (text == NULL) {
		static const char fail[] = "{\"error\":{\"code\":\"internal\","
		    "\"message\":\"Er ging iets mis aan onze kant. Probeer het later opnieuw.\"}}";
		response_text(r, 500, "application/json; charset=utf-8", fail, sizeof(fail) - 1);
		return;
	}
	response_text(r, status, "application/json; charset=utf-8", text, strlen(text));
	free(text);
}

void
response_error_with(struct request *r, int status, const char *code, const char *message,
    json_t *extra)
{
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);

	if (err != NULL && extra != NULL)
		json_object_update(err, extra);
	json_decref(extra);
	response_json(r, status, json_pack("{s:o*}", "error", err));
}

void
response_error(struct request *r, int status, const char *code, const char *message)
{
	response_error_with(r, status, code, message, NULL);
}

/* tc_status to HTTP: the one table. */
static const struct {
	int		 http;
	const char	*code;
	const char	*message;
} status_map[TC_STATUS_MAX] = {
	[TC_OK] = { 200, "ok", "" },
	[TC_NOT_FOUND] = { 404, "not_found", "Niet gevonden." },
	[TC_INVALID] = { 400, "invalid", "De gegevens zijn niet geldig." },
	[TC_CONFLICT] = { 409, "conflict", "Dit kan nu niet." },
	[TC_FORBIDDEN] = { 403, "forbidden", "U heeft hiervoor geen rechten." },
	[TC_UNAVAILABLE] = { 503, "unavailable",
	    "De dienst is tijdelijk niet beschikbaar. Probeer het zo opnieuw." },
	[TC_TOO_LARGE] = { 413, "too_large", "Het verzoek is te groot." },
	[TC_INTERNAL] = { 500, "internal",
	    "Er ging iets mis aan onze kant. Probeer het later opnieuw." },
};

void
response_status(struct request *r, tc_status st)
{
	if ((unsigned)st >= TC_STATUS_MAX || st == TC_OK)
		st = TC_INTERNAL;
	if (st == TC_UNAVAILABLE)
		response_header(r, "Retry-After: 5");
	response_error(r, status_map[st].http, status_map[st].code, status_map[st].message);
}

void
response_header(struct request *r, const char *line)
{
	if (r->nextra < sizeof(r->extra_headers) / sizeof(r->extra_headers[0]))
		r->extra_headers[r->nextra++] = line;
}
