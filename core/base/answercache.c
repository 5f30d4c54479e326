/* answercache.c - a school's cached list answers and their generation. */
#include "answercache.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const struct log_ctx acctx = { NULL, NULL, "answercache" };

int
answercache_keys(uint64_t tenant, char gen[TC_KEY_MAX], char page[TC_KEY_MAX])
{
	if (kv_key(gen, TC_KEY_MAX, tenant, "answers", "gen") != 0 ||
	    kv_key(page, TC_KEY_MAX, tenant, "answers", "page") != 0)
		return -1;
	return 0;
}

/* A random generation below 2^62: INCR can run for ever without overflow. */
static void
random_gen(char out[ANSWERCACHE_GEN_MAX])
{
	uint64_t v;

	randombytes_buf(&v, sizeof(v));
	snprintf(out, ANSWERCACHE_GEN_MAX, "%llu", (unsigned long long)(v >> 2));
}

tc_status
answercache_bump(struct kv *kv, uint64_t tenant)
{
	char gen[TC_KEY_MAX], page[TC_KEY_MAX], start[ANSWERCACHE_GEN_MAX];
	const char *set[] = { "SET", gen, start, "NX" };
	const char *incr[] = { "INCR", gen };
	const char *del[] = { "DEL", page };
	const char *const *cmds[] = { set, incr, del };
	const int argc[] = { 4, 2, 2 };
	redisReply *rs[3];
	uint64_t session;
	tc_status st;

	if (answercache_keys(tenant, gen, page) != 0)
		return TC_INTERNAL;
	random_gen(start);
	/* Sent twice after a stale connection: one more INCR, still a bump. */
	session = kv_session(kv);
	if ((st = kv_pipeline_argv(kv, 3, argc, cmds, rs)) != TC_OK) {
		log_msg(TC_LOG_WARN, &acctx, "school %llu: answers not marked stale: %s",
		    (unsigned long long)tenant, status_name(st));
		return st;
	}
	for (int i = 0; i < 3; i++)
		freeReplyObject(rs[i]);
	return kv_wait_replicas(kv, session);
}

tc_status
answercache_start(struct kv *kv, uint64_t tenant)
{
	char gen[TC_KEY_MAX], page[TC_KEY_MAX], start[ANSWERCACHE_GEN_MAX];

	if (answercache_keys(tenant, gen, page) != 0)
		return TC_INTERNAL;
	random_gen(start);
	return kv_exec(kv, "SET %s %s NX", gen, start);
}

tc_status
answercache_store(struct kv *kv, const struct config *cfg, uint64_t tenant, const char *field,
    const char *gen, const char *body, size_t len, long long max_seconds)
{
	char gkey[TC_KEY_MAX], page[TC_KEY_MAX], ttl[24];
	size_t glen = strlen(gen);
	const char *hset[] = { "HSET", page, field, NULL };
	const char *expire[] = { "EXPIRE", page, ttl, "LT" };
	const char *const *cmds[] = { hset, expire };
	const int argc[] = { 4, 4 };
	redisReply *rs[2];
	char *value;		/* "<gen>\n<body>", freed here */
	long long secs = cfg->fcgi_answer_cache;
	tc_status st;

	if (max_seconds > 0 && max_seconds < secs)
		secs = max_seconds;
	if (secs <= 0 || len > ANSWERCACHE_BODY_MAX || memchr(body, '\0', len) != NULL)
		return TC_OK;
	if (answercache_keys(tenant, gkey, page) != 0)
		return TC_INTERNAL;
	if ((value = malloc(glen + 1 + len + 1)) == NULL)
		return TC_INTERNAL;
	memcpy(value, gen, glen);
	value[glen] = '\n';
	memcpy(value + glen + 1, body, len);
	value[glen + 1 + len] = '\0';
	hset[3] = value;
	snprintf(ttl, sizeof(ttl), "%lld", secs);
	st = kv_pipeline_argv(kv, 2, argc, cmds, rs);
	free(value);
	if (st != TC_OK)
		return st;
	freeReplyObject(rs[0]);
	freeReplyObject(rs[1]);
	return TC_OK;
}

const char *
answercache_match(const char *value, size_t vlen, const char *gen, size_t *len)
{
	size_t glen = strlen(gen);

	if (value == NULL || glen == 0 || vlen <= glen || value[glen] != '\n' ||
	    memcmp(value, gen, glen) != 0)
		return NULL;
	*len = vlen - glen - 1;
	return value + glen + 1;
}
