/* pwreset.c - reset tokens as Redis strings keyed by a hash of the token. */
#include "pwreset.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

static bool
token_valid(const char *token)
{
	size_t n = 0;

	if (token == NULL)
		return false;
	for (; token[n] != '\0'; n++)
		if (!((token[n] >= '0' && token[n] <= '9') || (token[n] >= 'a' && token[n] <= 'f')))
			return false;
	return n == TC_TOKEN_HEX;
}

/* The Redis key of a token: its BLAKE2b hash, never the token itself. */
static int
token_key(char *buf, size_t size, uint64_t tenant_id, const char *token)
{
	unsigned char h[32];
	char hex[65];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return kv_key(buf, size, tenant_id, "pwreset", hex);
}

int
pwreset_rate_key(char *buf, size_t size, uint64_t tenant_id, const char *email)
{
	unsigned char h[16];
	char hex[33], lower[TC_EMAIL_MAX + 1];
	size_t i;

	for (i = 0; email[i] != '\0' && i < TC_EMAIL_MAX; i++)
		lower[i] = (char)((email[i] >= 'A' && email[i] <= 'Z') ? email[i] + 32 : email[i]);
	lower[i] = '\0';
	crypto_generichash(h, sizeof(h), (const unsigned char *)lower, i, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return kv_key(buf, size, tenant_id, "pwreset-rate", hex);
}

tc_status
pwreset_create(struct kv *kv, uint64_t tenant_id, uint64_t user_id, char token[TC_TOKEN_HEX + 1])
{
	char key[TC_KEY_MAX], uid[24], ttl[16];
	redisReply *r;
	tc_status st;

	session_random_token(token);
	if (token_key(key, sizeof(key), tenant_id, token) != 0)
		return TC_INTERNAL;
	snprintf(uid, sizeof(uid), "%llu", (unsigned long long)user_id);
	snprintf(ttl, sizeof(ttl), "%d", PWRESET_TTL);
	if ((st = kv_command(kv, &r, "SET %s %s EX %s", key, uid, ttl)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}

tc_status
pwreset_take(struct kv *kv, uint64_t tenant_id, const char *token, uint64_t *user_id)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st = TC_NOT_FOUND;

	*user_id = 0;
	if (!token_valid(token))
		return TC_NOT_FOUND;
	if (token_key(key, sizeof(key), tenant_id, token) != 0)
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
