/* ratelimit.c - INCR with an expiry set at the first failure. */
#include "ratelimit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

int
ratelimit_email_key(char *buf, size_t size, uint64_t tenant_id, const char *kind,
    const char *folded)
{
	unsigned char h[16];
	char hex[33];

	crypto_generichash(h, sizeof(h), (const unsigned char *)folded, strlen(folded), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return kv_key(buf, size, tenant_id, kind, hex);
}

tc_status
ratelimit_check(struct kv *kv, const char *key, int max, bool *blocked, int *retry_after)
{
	redisReply *r;
	tc_status st;
	long long n = 0, ttl;

	*blocked = false;
	*retry_after = 0;
	if ((st = kv_command(kv, &r, "GET %s", key)) != TC_OK)
		return st;
	if (r->type == REDIS_REPLY_STRING)
		n = strtoll(r->str, NULL, 10);
	freeReplyObject(r);
	if (n < max)
		return TC_OK;
	if ((st = kv_command(kv, &r, "TTL %s", key)) != TC_OK)
		return st;
	ttl = r->type == REDIS_REPLY_INTEGER ? r->integer : 1;
	freeReplyObject(r);
	if (ttl == -1) {
		/* A counter without an expiry would lock for good: forget it. */
		return ratelimit_clear(kv, key);
	}
	*blocked = true;
	*retry_after = ttl > 0 ? (int)ttl : 1;
	return TC_OK;
}

/*
 * One atomic step (issue 19): INCR, and the window's expiry whenever the key
 * has none (a new counter, or one whose EXPIRE was lost), so that parallel
 * requests cannot all pass a check before any counts, and no counter ever
 * lives for good.  Returns {count, seconds left}.
 */
static const char hit_script[] =
    "local n = redis.call('INCR', KEYS[1]) "
    "local t = redis.call('TTL', KEYS[1]) "
    "if t < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) t = tonumber(ARGV[1]) end "
    "return {n, t}";

tc_status
ratelimit_hit(struct kv *kv, const char *key, int max, int window, bool *blocked,
    int *retry_after)
{
	char w[16];
	redisReply *r;
	tc_status st;

	*blocked = false;
	*retry_after = 0;
	snprintf(w, sizeof(w), "%d", window);
	if ((st = kv_command(kv, &r, "EVAL %s 1 %s %s", hit_script, key, w)) != TC_OK)
		return st;
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[0]->type == REDIS_REPLY_INTEGER && r->element[1]->type == REDIS_REPLY_INTEGER) {
		*blocked = r->element[0]->integer > max;
		*retry_after = r->element[1]->integer > 0 ? (int)r->element[1]->integer : 1;
	} else
		st = TC_INTERNAL;
	freeReplyObject(r);
	return st;
}

tc_status
ratelimit_fail(struct kv *kv, const char *key, int window)
{
	bool blocked;
	int wait;

	return ratelimit_hit(kv, key, 0, window, &blocked, &wait);
}

tc_status
ratelimit_undo(struct kv *kv, const char *key)
{
	redisReply *r;
	tc_status st;

	if ((st = kv_command(kv, &r, "DECR %s", key)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}

tc_status
ratelimit_clear(struct kv *kv, const char *key)
{
	redisReply *r;
	tc_status st;

	if ((st = kv_command(kv, &r, "DEL %s", key)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}
