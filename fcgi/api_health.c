/* api_health.c - /healthz (the process lives) and /readyz (it can serve). */
#include "api.h"

#include <string.h>

#include "response.h"

void
api_healthz(struct request *r)
{
	response_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void
api_readyz(struct request *r)
{
	bool db_ok = db_ping(r->w->db) == TC_OK;
	bool kv_ok = kv_ping(r->w->kv) == TC_OK;

	response_json(r, db_ok && kv_ok ? 200 : 503, json_pack("{s:s, s:s, s:s}",
	    "status", db_ok && kv_ok ? "ready" : "not_ready",
	    "mariadb", db_ok ? "ok" : "unavailable",
	    "redis", kv_ok ? "ok" : "unavailable"));
}
