/*
 * route.h - the routing table and the dispatcher.
 *
 * Dispatch checks, in this order: route (404), method (405), school from
 * the Host header (404), session (401), role (403), CSRF token on a change
 * (403), JSON body (415, 413, 400) — and only then calls the handler.
 * `tc-fcgi --routes` prints the table; a test checks docs/api.md against it.
 */
#ifndef TC_ROUTE_H
#define TC_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

enum route_auth {
	AUTH_NONE,	/* no school needed: health */
	AUTH_SCHOOL,	/* a known school host, no session: login */
	AUTH_SESSION,	/* a session of this school, any role */
	AUTH_ADMIN	/* a session of this school's administrator */
};

/* What a route does with the school's cached list answers (answer.h). */
enum route_answers {
	ANSWER_NONE,	/* no lookup, no bump by the route (a change it makes
			 * through core/year/import.c bumps there) */
	ANSWER_CACHED,	/* a list: an administrator's 200 answers are cached */
	ANSWER_CACHED_IMPORT,	/* the same, never longer than the import {id} lives */
	ANSWER_STALE	/* a change of records: marks the cached answers stale */
};

typedef void	(*route_fn)(struct request *);

struct route {
	const char	*method;
	const char	*pattern;	/* "/api/students/{id}" */
	route_fn	 fn;
	enum route_auth	 auth;
	bool		 body;		/* a JSON object body is required */
	enum route_answers answers;
};

/* Serves r: finds the route, runs the checks, calls the handler. */
void			 route_dispatch(struct request *);

/* The table, for --routes. */
const struct route	*route_table(size_t *n);

/* Matches path against pattern; fills r->ids for {id} parts.  For tests. */
bool			 route_match(const char *pattern, const char *path, uint64_t *ids,
			    size_t *nids);

#endif
