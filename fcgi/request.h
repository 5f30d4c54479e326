/*
 * request.h - one HTTP request as tc-fcgi sees it, and the thread that
 * serves it.
 *
 * A request owns an arena: everything it allocates, and every library object
 * registered on it, is released after the response (request_finish).
 * Handlers see validated values only: the dispatcher (route.c) has resolved
 * the school, the session and the JSON body before a handler runs.
 */
#ifndef TC_REQUEST_H
#define TC_REQUEST_H

#include <fcgiapp.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "answercache.h"
#include "arena.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "kv.h"
#include "limits.h"
#include "log.h"
#include "resolve.h"
#include "session.h"
#include "tenant.h"

struct metrics;
struct server;

/* One serving thread: owns its connections and its cache.  Not shared. */
struct worker {
	const struct config	*cfg;
	struct db		*db;
	struct kv		*kv;
	struct resolve_cache	*tenants;
	struct metrics		*metrics;	/* shared, atomic counters */
	struct server		*server;	/* the process: socket, stop flag */
	struct clock		 clock;		/* the deployment's clock, per thread */
	int			 index;
};

struct param {
	const char	*name;
	const char	*value;
};

struct request {
	FCGX_Request		*fcgx;
	struct arena		*arena;
	struct worker		*w;
	const struct config	*cfg;
	char			 reqid[TC_REQID_MAX];
	struct timespec		 started;

	/* From the FastCGI parameters (owned by libfcgi until finish). */
	const char		*method;
	const char		*path;		/* without the query string */
	const char		*query;
	const char		*host;		/* raw Host header */
	const char		*remote_addr;
	const char		*content_type;
	const char		*csrf_header;
	long			 content_length;

	/* Parsed on demand, arena memory. */
	struct param		 params[TC_PARAMS_MAX];
	size_t			 nparams;
	const char		*session_token;		/* cookie tc_session */
	json_t			*body;			/* parsed JSON body or NULL */

	/* Set by the dispatcher. */
	const char		*route;			/* pattern, for logs and metrics */
	const char		*args[TC_ROUTE_ARGS_MAX];	/* {id} parts */
	uint64_t		 ids[TC_ROUTE_ARGS_MAX];
	bool			 has_tenant;
	struct tenant		 tenant;
	bool			 has_session;
	struct session		 session;

	/* The school's answer cache (answer.h). */
	struct {
		const char	*field;		/* path?query, arena memory */
		char		 gen[ANSWERCACHE_GEN_MAX];	/* read before the handler */
		bool		 store;		/* a miss: store a 200 answer */
		long long	 max_seconds;	/* its life's bound, 0: none */
		bool		 changed;	/* a change ran: bump before answering */
	}			 answer;

	/* Response state. */
	int			 status;
	bool			 responded;
	const char		*extra_headers[8];
	size_t			 nextra;
	struct log_ctx		 log;
};

/* Fills r from an accepted FastCGI request; parses the query and cookies.
 * TC_INVALID when the query string or cookies are malformed or too long. */
tc_status	request_init(struct request *, FCGX_Request *, struct worker *, struct arena *);

/* Reads and parses the JSON body (at most cfg->body_max bytes).
 * TC_TOO_LARGE, or TC_INVALID for a body that is not a JSON object. */
tc_status	request_read_json(struct request *);

/* The value of query parameter name, or NULL. */
const char	*request_param(const struct request *, const char *name);

/* Parses a query string "a=1&b=x%20y" into params (arena memory). */
tc_status	request_parse_query(struct arena *, const char *query, struct param *params,
		    size_t max, size_t *n);

/*
 * The session cookie's name (issue 19): "__Host-tc_session" when it is sent
 * with Secure (session.secure_cookie): the browser then takes it only from
 * HTTPS, for exactly this host, Path=/ and without Domain, so a sibling host
 * cannot plant or shadow it.  Browsers refuse a __Host- cookie without
 * Secure, so the plain-HTTP tests (secure_cookie = no) use "tc_session".
 */
const char	*request_session_cookie(const struct config *);

/* Finds cookie name in a Cookie header; returns an arena copy or NULL. */
const char	*request_cookie(struct arena *, const char *header, const char *name);

/* Milliseconds since the request started. */
double		request_elapsed_ms(const struct request *);

#endif
