/* lasslot.c - a counting semaphore per LAS host in one Lua script. */
#include "lasslot.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "limits.h"

/* tc:las-slots:<host of url>. */
static void
slot_key(char *buf, size_t size, const char *url)
{
	const char *h = strstr(url, "://");
	size_t n;

	h = h != NULL ? h + 3 : url;
	n = strcspn(h, "/?#");
	if (n > TC_HOST_MAX + 6)
		n = TC_HOST_MAX + 6;
	snprintf(buf, size, "tc:las-slots:%.*s", (int)n, h);
}

static long long
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

tc_status
lasslot_take(struct kv *kv, const char *url, const char *holder, int limit, int ttl_seconds,
    bool *got)
{
	static const char script[] =
	    "local now = tonumber(ARGV[1]) local ttl = tonumber(ARGV[2]) "
	    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) "
	    "if redis.call('ZSCORE', KEYS[1], ARGV[4]) or "
	    "redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then "
	    "redis.call('ZADD', KEYS[1], now + ttl, ARGV[4]) "
	    "redis.call('PEXPIRE', KEYS[1], ttl) return 1 end return 0";
	char key[TC_KEY_MAX], now[24], ttl[24], lim[16];
	redisReply *r;
	tc_status st;

	slot_key(key, sizeof(key), url);
	snprintf(now, sizeof(now), "%lld", now_ms());
	snprintf(ttl, sizeof(ttl), "%lld", (long long)ttl_seconds * 1000);
	snprintf(lim, sizeof(lim), "%d", limit);
	if ((st = kv_command(kv, &r, "EVAL %s 1 %s %s %s %s %s", script, key, now, ttl, lim,
	    holder)) != TC_OK)
		return st;
	*got = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return TC_OK;
}

void
lasslot_give(struct kv *kv, const char *url, const char *holder)
{
	char key[TC_KEY_MAX];

	slot_key(key, sizeof(key), url);
	(void)kv_exec(kv, "ZREM %s %s", key, holder);
}
