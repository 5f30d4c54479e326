/* answer.c - list answers from the school's cache, and keeping it exact. */
#include "answer.h"

#include <string.h>

#include "answercache.h"

/* The cache's field of r: the path and the query as sent. */
static const char *
answer_field(struct request *r)
{
	if (r->query == NULL || r->query[0] == '\0')
		return r->path;
	return arena_printf(r->arena, "%s?%s", r->path, r->query);
}

/* Reads the generation and the cached value from the replies. */
static void
answer_probe(struct request *r, redisReply **x, redisReply **hit, const char **body,
    size_t *len)
{
	const redisReply *gen = x[0], *val = x[1], *count = x[2];

	if (strcmp(r->session.role, "admin") != 0)
		return;
	if (gen->type != REDIS_REPLY_STRING || gen->len >= ANSWERCACHE_GEN_MAX) {
		(void)answercache_start(r->w->kv, r->tenant.id);	/* next time */
		return;
	}
	if (val->type == REDIS_REPLY_STRING &&
	    (*body = answercache_match(val->str, val->len, gen->str, len)) != NULL) {
		*hit = x[1];
		x[1] = NULL;
		return;
	}
	*body = NULL;
	memcpy(r->answer.gen, gen->str, gen->len + 1);
	r->answer.store = count->type == REDIS_REPLY_INTEGER &&
	    count->integer < ANSWERCACHE_FIELDS_MAX;
}

tc_status
answer_session(struct request *r, bool cached, redisReply **hit, const char **body,
    size_t *len)
{
	struct worker *w = r->w;
	char gkey[TC_KEY_MAX], pkey[TC_KEY_MAX];
	const char *get[] = { "GET", gkey };
	const char *hget[] = { "HGET", pkey, NULL };
	const char *hlen[] = { "HLEN", pkey };
	const char *const *cmds[] = { get, hget, hlen };
	const int argc[] = { 2, 3, 2 };
	redisReply *x[3];
	tc_status st;

	*hit = NULL;
	*body = NULL;
	if (!cached || r->cfg->fcgi_answer_cache == 0 ||
	    answercache_keys(r->tenant.id, gkey, pkey) != 0 ||
	    (r->answer.field = answer_field(r)) == NULL)
		return session_lookup(w->kv, r->cfg, r->tenant.id, r->session_token, &r->session);
	hget[2] = r->answer.field;
	st = session_lookup_with(w->kv, r->cfg, r->tenant.id, r->session_token, &r->session,
	    3, argc, cmds, x);
	if (st != TC_OK)
		return st;
	answer_probe(r, x, hit, body, len);
	for (int i = 0; i < 3; i++)
		if (x[i] != NULL)
			freeReplyObject(x[i]);
	return TC_OK;
}

void
answer_before_response(struct request *r, int status, const char *body, size_t len)
{
	/* A refused change (4xx) changed nothing; after a fault (5xx) the
	 * COMMIT may have happened. */
	if (r->answer.changed && r->has_tenant && (status < 400 || status >= 500)) {
		r->answer.changed = false;
		if (answercache_bump(r->w->kv, r->tenant.id) != TC_OK)
			log_msg(TC_LOG_WARN, &r->log, "the school's cached lists may be stale for "
			    "up to %d s", r->cfg->fcgi_answer_cache);
		return;
	}
	if (r->answer.store && status == 200) {
		r->answer.store = false;
		(void)answercache_store(r->w->kv, r->cfg, r->tenant.id, r->answer.field,
		    r->answer.gen, body, len);
	}
}
