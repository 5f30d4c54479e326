/* pwreset.c - reset tokens as Redis strings keyed by a hash of the token. */
#include "pwreset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"
#include "session.h"

int
pwreset_rate_key(char *buf, size_t size, uint64_t tenant_id, const char *folded)
{
	return ratelimit_email_key(buf, size, tenant_id, "pwreset-rate", folded);
}

/*
 * One token per user (issue 19): the user's pointer tc:{t}:pwreset-user:<id>
 * names the key of the newest token, and a new token deletes the one it
 * replaces, in one script.
 */
static const char create_script[] =
    "local old = redis.call('GET', KEYS[2]) "
    "if old and old ~= KEYS[1] then redis.call('DEL', old) end "
    "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) "
    "redis.call('SET', KEYS[2], KEYS[1], 'EX', ARGV[2]) "
    "return 1";

tc_status
pwreset_create(struct kv *kv, uint64_t tenant_id, uint64_t user_id, char token[TC_TOKEN_HEX + 1])
{
	char key[TC_KEY_MAX], ukey[TC_KEY_MAX], uid[24], ttl[16];
	redisReply *r;
	tc_status st;

	session_random_token(token);
	snprintf(uid, sizeof(uid), "%llu", (unsigned long long)user_id);
	if (session_token_key(key, sizeof(key), tenant_id, "pwreset", token) != 0 ||
	    kv_key(ukey, sizeof(ukey), tenant_id, "pwreset-user", uid) != 0)
		return TC_INTERNAL;
	snprintf(ttl, sizeof(ttl), "%d", PWRESET_TTL);
	if ((st = kv_command(kv, &r, "EVAL %s 2 %s %s %s %s", create_script, key, ukey, uid,
	    ttl)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}

tc_status
pwreset_peek(struct kv *kv, uint64_t tenant_id, const char *token)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	if (!session_token_valid(token))
		return TC_NOT_FOUND;
	if (session_token_key(key, sizeof(key), tenant_id, "pwreset", token) != 0)
		return TC_INTERNAL;
	if ((st = kv_command(kv, &r, "EXISTS %s", key)) != TC_OK)
		return st;
	st = r->type == REDIS_REPLY_INTEGER && r->integer == 1 ? TC_OK : TC_NOT_FOUND;
	freeReplyObject(r);
	return st;
}

tc_status
pwreset_take(struct kv *kv, uint64_t tenant_id, const char *token, uint64_t *user_id)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st = TC_NOT_FOUND;

	*user_id = 0;
	if (!session_token_valid(token))
		return TC_NOT_FOUND;
	if (session_token_key(key, sizeof(key), tenant_id, "pwreset", token) != 0)
		return TC_INTERNAL;
	/* GETDEL: read and delete at once, so two clicks cannot both use it. */
	if ((st = kv_command(kv, &r, "GETDEL %s", key)) != TC_OK)
		return st;
	st = TC_NOT_FOUND;
	if (r->type == REDIS_REPLY_STRING) {
		char *end;
		unsigned long long v = strtoull(r->str, &end, 10);

		if (*end == '\0' && v > 0) {
			*user_id = (uint64_t)v;
			st = TC_OK;
		}
	}
	freeReplyObject(r);
	return st;
}
