/* ratelimit.c - INCR with an expiry set at the first failure. */
#include "ratelimit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "limits.h"

int
ratelimit_email_key(char *buf, size_t size, uint64_t tenant_id, const char *kind,
    const char *email)
{
	unsigned char h[16];
	char hex[33], lower[TC_EMAIL_MAX + 1];
	size_t i;

	for (i = 0; email[i] != '\0' && i < TC_EMAIL_MAX; i++)
		lower[i] = (char)((email[i] >= 'A' && email[i] <= 'Z') ? email[i] + 32 : email[i]);
	lower[i] = '\0';
	crypto_generichash(h, sizeof(h), (const unsigned char *)lower, i, NULL, 0);
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
	*blocked = true;
	*retry_after = ttl > 0 ? (int)ttl : 1;
	return TC_OK;
}

tc_status
ratelimit_fail(struct kv *kv, const char *key, int window)
{
	char w[16];
	redisReply *r;
	tc_status st;

	snprintf(w, sizeof(w), "%d", window);
	if ((st = kv_command(kv, &r, "INCR %s", key)) != TC_OK)
		return st;
	freeReplyObject(r);
	if ((st = kv_command(kv, &r, "EXPIRE %s %s NX", key, w)) != TC_OK)
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
