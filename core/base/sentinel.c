/* sentinel.c - the Redis master's address from the Sentinels (hiredis 0.14). */
#include "sentinel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "kv.h"
#include "limits.h"
#include "log.h"

static const struct log_ctx sctx = { NULL, NULL, "sentinel" };

struct sentinel_addr {
	char	host[TC_HOST_MAX + 1];
	int	port;
};

/* Splits list into addrs; -1 (with err) on a malformed entry. */
static int
sentinel_split(const char *list, struct sentinel_addr *addrs, size_t max, size_t *n,
    char *err, size_t errlen)
{
	const char *p = list;

	*n = 0;
	while (*p != '\0') {
		const char *end = strchr(p, ','), *colon;
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char num[8];
		char *e;
		long port;

		while (len > 0 && *p == ' ') {
			p++;
			len--;
		}
		colon = memchr(p, ':', len);
		if (len == 0 || colon == NULL || colon == p || (size_t)(colon - p) > TC_HOST_MAX ||
		    (size_t)(p + len - colon - 1) >= sizeof(num) || *n >= max) {
			snprintf(err, errlen, "redis.sentinels: expected up to %zu host:port "
			    "separated by commas", max);
			return -1;
		}
		memcpy(num, colon + 1, (size_t)(p + len - colon - 1));
		num[p + len - colon - 1] = '\0';
		errno = 0;
		port = strtol(num, &e, 10);
		if (errno != 0 || e == num || (*e != '\0' && *e != ' ') || port < 1 || port > 65535) {
			snprintf(err, errlen, "redis.sentinels: bad port in \"%.*s\"", (int)len, p);
			return -1;
		}
		memcpy(addrs[*n].host, p, (size_t)(colon - p));
		addrs[*n].host[colon - p] = '\0';
		addrs[*n].port = (int)port;
		(*n)++;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

tc_status
sentinel_check_list(const char *list, char *err, size_t errlen)
{
	struct sentinel_addr addrs[SENTINEL_MAX];
	size_t n;

	return sentinel_split(list, addrs, SENTINEL_MAX, &n, err, errlen) == 0 ? TC_OK :
	    TC_INVALID;
}

bool
sentinel_configured(const struct config *cfg)
{
	return cfg->redis_sentinels[0] != '\0';
}

/* One Sentinel's answer to SENTINEL get-master-addr-by-name. */
static tc_status
sentinel_ask(const struct config *cfg, const struct sentinel_addr *a, char *host,
    size_t hostsize, int *port)
{
	struct timeval ctv = { 0, 300000 }, iotv = { 0, 500000 };
	redisContext *c;
	redisReply *r;
	tc_status st = TC_UNAVAILABLE;

	c = redisConnectWithTimeout(a->host, a->port, ctv);
	if (c == NULL || c->err) {
		if (c != NULL)
			redisFree(c);
		return TC_UNAVAILABLE;
	}
	redisSetTimeout(c, iotv);
	/* The Sentinels know the programs' users too (docs/scaling.md); one
	 * that refuses them is left for the next. */
	if (kv_auth(cfg, c) != TC_OK) {
		redisFree(c);
		return TC_UNAVAILABLE;
	}
	r = redisCommand(c, "SENTINEL get-master-addr-by-name %s", cfg->redis_master_name);
	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[0]->type == REDIS_REPLY_STRING && r->element[1]->type == REDIS_REPLY_STRING &&
	    r->element[0]->len < hostsize) {
		long p = strtol(r->element[1]->str, NULL, 10);

		if (p > 0 && p <= 65535) {
			snprintf(host, hostsize, "%s", r->element[0]->str);
			*port = (int)p;
			st = TC_OK;
		}
	}
	if (r != NULL)
		freeReplyObject(r);
	redisFree(c);
	return st;
}

tc_status
sentinel_master_addr(const struct config *cfg, char *host, size_t hostsize, int *port)
{
	struct sentinel_addr addrs[SENTINEL_MAX];
	char err[128];
	size_t n;

	if (sentinel_split(cfg->redis_sentinels, addrs, SENTINEL_MAX, &n, err, sizeof(err)) != 0)
		return TC_INVALID;	/* config_load refused it already */
	for (size_t i = 0; i < n; i++)
		if (sentinel_ask(cfg, &addrs[i], host, hostsize, port) == TC_OK)
			return TC_OK;
	log_msg(TC_LOG_WARN, &sctx, "no Sentinel of %zu named the master \"%s\"", n,
	    cfg->redis_master_name);
	return TC_UNAVAILABLE;
}

tc_status
sentinel_is_master(redisContext *c)
{
	redisReply *r = redisCommand(c, "ROLE");
	tc_status st = TC_UNAVAILABLE;

	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING && strcmp(r->element[0]->str, "master") == 0)
		st = TC_OK;
	else
		log_msg(TC_LOG_WARN, &sctx, "the server named as master is not (yet) one: %s",
		    r == NULL ? c->errstr : r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
		    r->element[0]->type == REDIS_REPLY_STRING ? r->element[0]->str :
		    r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
	if (r != NULL)
		freeReplyObject(r);
	return st;
}
