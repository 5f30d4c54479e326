/* answer.c - list answers from the school's cache, and keeping it exact. */
#include "answer.h"

#include <stdio.h>
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

/* An import's review is not taken from the cache in its last ms. */
#define IMPORT_LAST_MS	2000

/* Reads the generation, the cached value and, for an import's review, the
 * import's remaining life (pttl, else NULL) from the replies x[]. */
static void
answer_probe(struct request *r, redisReply **x, const redisReply *pttl, redisReply **hit,
    const char **body, size_t *len)
{
	const redisReply *gen = x[0], *val = x[1], *count = x[2];
	long long life = 0;	/* ms the import still lives; 0: not bound */

	if (strcmp(r->session.role, "admin") != 0)
		return;
	if (pttl != NULL) {
		if (pttl->type != REDIS_REPLY_INTEGER || pttl->integer < IMPORT_LAST_MS)
			return;		/* gone, or about to go: never from the cache */
		life = pttl->integer;
	}
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
	r->answer.max_seconds = life / 1000;
	r->answer.store = count->type == REDIS_REPLY_INTEGER &&
	    count->integer < ANSWERCACHE_FIELDS_MAX;
}

tc_status
answer_session(struct request *r, enum route_answers kind, redisReply **hit, const char **body,
    size_t *len)
{
	struct worker *w = r->w;
	char gkey[TC_KEY_MAX], pkey[TC_KEY_MAX], ikey[TC_KEY_MAX], id[24];
	const char *get[] = { "GET", gkey };
	const char *hget[] = { "HGET", pkey, NULL };
	const char *hlen[] = { "HLEN", pkey };
	const char *pttl[] = { "PTTL", ikey };
	const char *const *cmds[] = { get, hget, hlen, pttl };
	const int argc[] = { 2, 3, 2, 2 };
	bool import = kind == ANSWER_CACHED_IMPORT;	/* also the PTTL of its state */
	int n = import ? 4 : 3;
	redisReply *x[4];
	tc_status st;

	*hit = NULL;
	*body = NULL;
	if (import)		/* the import of {id}: its state key */
		snprintf(id, sizeof(id), "%llu", (unsigned long long)r->ids[0]);
	if ((kind != ANSWER_CACHED && !import) ||
	    r->cfg->fcgi_answer_cache == 0 || answercache_keys(r->tenant.id, gkey, pkey) != 0 ||
	    (import && kv_key(ikey, sizeof(ikey), r->tenant.id, "import", id) != 0) ||
	    (r->answer.field = answer_field(r)) == NULL)
		return session_lookup(w->kv, r->cfg, r->tenant.id, r->session_token, &r->session);
	hget[2] = r->answer.field;
	st = session_lookup_with(w->kv, r->cfg, r->tenant.id, r->session_token, &r->session,
	    n, argc, cmds, x);
	if (st != TC_OK)
		return st;
	answer_probe(r, x, import ? x[3] : NULL, hit, body, len);
	for (int i = 0; i < n; i++)
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
		    r->answer.gen, body, len, r->answer.max_seconds);
	}
}
