/* jobqueue.c - XADD to the job stream. */
#include "jobqueue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

tc_status
jobqueue_add(struct kv *kv, const char *kind, uint64_t tenant_id, int attempt, json_t *payload,
    char *id, size_t idsize)
{
	char key[TC_KEY_MAX], tenant[24], att[12];
	char *text;
	redisReply *r;
	tc_status st;

	kv_global_key(key, sizeof(key), JOBQUEUE_STREAM);
	snprintf(tenant, sizeof(tenant), "%llu", (unsigned long long)tenant_id);
	snprintf(att, sizeof(att), "%d", attempt);
	text = payload != NULL ? json_dumps(payload, JSON_COMPACT) : strdup("{}");
	if (text == NULL)
		return TC_INTERNAL;
	st = kv_command(kv, &r, "XADD %s * kind %s tenant %s attempt %s payload %s", key, kind,
	    tenant, att, text);
	free(text);
	if (st != TC_OK)
		return st;
	if (id != NULL)
		snprintf(id, idsize, "%s", r->type == REDIS_REPLY_STRING ? r->str : "");
	freeReplyObject(r);
	return TC_OK;
}

tc_status
jobqueue_ensure(struct kv *kv)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	kv_global_key(key, sizeof(key), JOBQUEUE_STREAM);
	/* An existing group answers BUSYGROUP, an error reply: that is fine. */
	st = kv_command(kv, &r, "XGROUP CREATE %s %s 0 MKSTREAM", key, JOBQUEUE_GROUP);
	if (st == TC_OK)
		freeReplyObject(r);
	return st == TC_UNAVAILABLE ? st : TC_OK;
}
