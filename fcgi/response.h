/*
 * response.h - the one writer of responses: status line, content type,
 * security headers, request id, JSON body.  The only place where a tc_status
 * becomes an HTTP status.
 */
#ifndef TC_RESPONSE_H
#define TC_RESPONSE_H

#include <jansson.h>

#include "request.h"

/* Sends body (a JSON value; the reference is stolen) with status. */
void	response_json(struct request *, int status, json_t *body);

/* Sends {"error":{"code":code,"message":message}} with status. */
void	response_error(struct request *, int status, const char *code, const char *message);

/* Same with extra members merged into the error object (stolen). */
void	response_error_with(struct request *, int status, const char *code,
	    const char *message, json_t *extra);

/* Sends the error that belongs to st (TC_NOT_FOUND → 404 not_found, ...). */
void	response_status(struct request *, tc_status st);

/* Adds a header line ("Name: value", arena memory) to the coming response. */
void	response_header(struct request *, const char *line);

/* Sends a text body (for /metrics, /healthz). */
void	response_text(struct request *, int status, const char *content_type, const char *body,
	    size_t len);

#endif
