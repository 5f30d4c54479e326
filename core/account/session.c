/* session.c - sessions as Redis hashes keyed by a hash of the token. */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
session_random_token(char out[TC_TOKEN_HEX + 1])
{
	unsigned char raw[TC_TOKEN_HEX / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, TC_TOKEN_HEX + 1, raw, sizeof(raw));
}

bool
session_token_valid(const char *token)
{
	size_t n = 0;

	if (token == NULL)
		return 0;
	for (; token[n] != '\0'; n++)
		if (!((token[n] >= '0' && token[n] <= '9') || (token[n] >= 'a' && token[n] <= 'f')))
			return 0;
	return n == TC_TOKEN_HEX;
}

int
session_token_key(char *buf, size_t size, uint64_t tenant_id, const char *kind, const char *token)
{
	unsigned char h[32];
	char hex[65];

	/* BLAKE2b of the token: a Redis dump gives no usable token. */
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return kv_key(buf, size, tenant_id, kind, hex);
}

static int
session_key(char *buf, size_t size, uint64_t tenant_id, const char *token)
{
	return session_token_key(buf, size, tenant_id, "session", token);
}

static int
user_sessions_key(char *buf, size_t size, uint64_t tenant_id, uint64_t user_id)
{
	char id[24];

	snprintf(id, sizeof(id), "%llu", (unsigned long long)user_id);
	return kv_key(buf, size, tenant_id, "user-sessions", id);
}

tc_status
session_create(struct kv *kv, const struct config *cfg, uint64_t tenant_id, uint64_t user_id,
    const char *role, char *token, struct session *out)
{
	char key[TC_KEY_MAX], ukey[TC_KEY_MAX], uid[24], created[24], ttl[16], absttl[16];
	redisReply *r;
	tc_status st;
	time_t now = time(NULL);

	session_random_token(token);
	memset(out, 0, sizeof(*out));
	out->tenant_id = tenant_id;
	out->user_id = user_id;
	snprintf(out->role, sizeof(out->role), "%s", role);
	session_random_token(out->csrf);
	out->created = now;
	if (session_key(key, sizeof(key), tenant_id, token) != 0 ||
	    user_sessions_key(ukey, sizeof(ukey), tenant_id, user_id) != 0)
		return TC_INTERNAL;
	snprintf(uid, sizeof(uid), "%llu", (unsigned long long)user_id);
	snprintf(created, sizeof(created), "%lld", (long long)now);
	snprintf(ttl, sizeof(ttl), "%d", cfg->session_idle);
	snprintf(absttl, sizeof(absttl), "%d", cfg->session_absolute);
	if ((st = kv_command(kv, &r, "HSET %s user %s role %s csrf %s created %s", key, uid,
	    out->role, out->csrf, created)) != TC_OK)
		return st;
	freeReplyObject(r);
	if ((st = kv_command(kv, &r, "EXPIRE %s %s", key, ttl)) != TC_OK)
		return st;
	freeReplyObject(r);
	/* The user's set of session keys, so disabling a user ends them all. */
	if ((st = kv_command(kv, &r, "SADD %s %s", ukey, key)) != TC_OK)
		return st;
	freeReplyObject(r);
	if ((st = kv_command(kv, &r, "EXPIRE %s %s", ukey, absttl)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}

static const char *
reply_field(const redisReply *r, size_t i)
{
	if (i >= r->elements || r->element[i]->type != REDIS_REPLY_STRING)
		return NULL;
	return r->element[i]->str;
}

tc_status
session_lookup(struct kv *kv, const struct config *cfg, uint64_t tenant_id, const char *token,
    struct session *out)
{
	return session_lookup_with(kv, cfg, tenant_id, token, out, 0, NULL, NULL, NULL);
}

tc_status
session_lookup_with(struct kv *kv, const struct config *cfg, uint64_t tenant_id,
    const char *token, struct session *out, int n, const int *xargc,
    const char *const *const *xargv, redisReply **extra)
{
	char key[TC_KEY_MAX], ttl[16];
	const char *user, *role, *csrf, *created;
	const char *hmget[] = { "HMGET", key, "user", "role", "csrf", "created" };
	const char *expire[] = { "EXPIRE", key, ttl };
	const char *const *cmds[KV_PIPELINE_MAX] = { hmget, expire };
	int argc[KV_PIPELINE_MAX] = { 6, 3 };
	redisReply *rs[KV_PIPELINE_MAX], *r;
	tc_status st;

	if (n < 0 || n > KV_PIPELINE_MAX - 2)
		return TC_INTERNAL;
	if (!session_token_valid(token))
		return TC_NOT_FOUND;
	if (session_key(key, sizeof(key), tenant_id, token) != 0)
		return TC_INTERNAL;
	for (int i = 0; i < n; i++) {
		cmds[2 + i] = xargv[i];
		argc[2 + i] = xargc[i];
	}
	/*
	 * The read and the idle timeout's renewal in one round trip, with the
	 * caller's commands.  EXPIRE of a key that is gone does nothing; a
	 * session past its absolute end is destroyed below, so the renewal
	 * never lengthens a dead session.
	 */
	snprintf(ttl, sizeof(ttl), "%d", cfg->session_idle);
	if ((st = kv_pipeline_argv(kv, 2 + n, argc, cmds, rs)) != TC_OK)
		return st;
	freeReplyObject(rs[1]);
	r = rs[0];
	user = reply_field(r, 0);
	role = reply_field(r, 1);
	csrf = reply_field(r, 2);
	created = reply_field(r, 3);
	if (user == NULL || role == NULL || csrf == NULL || created == NULL ||
	    strlen(csrf) != TC_TOKEN_HEX) {
		freeReplyObject(r);
		st = TC_NOT_FOUND;
		goto extras;
	}
	memset(out, 0, sizeof(*out));
	out->tenant_id = tenant_id;
	out->user_id = strtoull(user, NULL, 10);
	snprintf(out->role, sizeof(out->role), "%s", role);
	memcpy(out->csrf, csrf, TC_TOKEN_HEX + 1);
	out->created = (time_t)strtoll(created, NULL, 10);
	freeReplyObject(r);
	if (time(NULL) - out->created >= cfg->session_absolute) {
		(void)session_destroy(kv, tenant_id, token);
		st = TC_NOT_FOUND;
	}
extras:
	for (int i = 0; i < n; i++) {
		if (st == TC_OK)
			extra[i] = rs[2 + i];
		else
			freeReplyObject(rs[2 + i]);
	}
	return st;
}

tc_status
session_destroy(struct kv *kv, uint64_t tenant_id, const char *token)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	if (!session_token_valid(token))
		return TC_OK;
	if (session_key(key, sizeof(key), tenant_id, token) != 0)
		return TC_INTERNAL;
	if ((st = kv_command(kv, &r, "DEL %s", key)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}

tc_status
session_destroy_user(struct kv *kv, uint64_t tenant_id, uint64_t user_id)
{
	char ukey[TC_KEY_MAX];
	redisReply *r, *d;
	tc_status st;

	if (user_sessions_key(ukey, sizeof(ukey), tenant_id, user_id) != 0)
		return TC_INTERNAL;
	if ((st = kv_command(kv, &r, "SMEMBERS %s", ukey)) != TC_OK)
		return st;
	for (size_t i = 0; i < r->elements; i++) {
		if (r->element[i]->type != REDIS_REPLY_STRING)
			continue;
		if ((st = kv_command(kv, &d, "DEL %s", r->element[i]->str)) != TC_OK)
			break;
		freeReplyObject(d);
	}
	freeReplyObject(r);
	if (st == TC_OK && (st = kv_command(kv, &d, "DEL %s", ukey)) == TC_OK)
		freeReplyObject(d);
	return st;
}
