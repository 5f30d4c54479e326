/* kv.c - hiredis connection that rebuilds itself after errors. */
#include "kv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "log.h"

struct kv {
	const struct config *cfg;
	redisContext	*ctx;		/* NULL while disconnected */
	uint64_t	 reconnects;
	uint64_t	 errors;
};

static const struct log_ctx kvctx = { NULL, NULL, "redis" };

/*
 * Authenticates a fresh connection (issue 19): AUTH user password (a Redis 6+
 * ACL user) or AUTH password (requirepass), when redis.password is set.  Kept
 * apart from the connect path so that it goes with whichever server that path
 * finds (a Sentinel's master, a failover's new one).  The password is never
 * logged.  hiredis 0.14 (Debian bookworm) has no TLS: docs/operations.md,
 * "Redis over TLS", puts a TLS tunnel (stunnel) on the application host.
 */
static tc_status
kv_auth(const struct config *cfg, redisContext *c)
{
	redisReply *r;
	tc_status st = TC_OK;

	if (cfg->redis_password[0] == '\0')
		return TC_OK;
	if (cfg->redis_user[0] != '\0')
		r = redisCommand(c, "AUTH %s %s", cfg->redis_user, cfg->redis_password);
	else
		r = redisCommand(c, "AUTH %s", cfg->redis_password);
	if (r == NULL) {
		log_msg(TC_LOG_WARN, &kvctx, "AUTH failed: %s", c->errstr);
		return TC_UNAVAILABLE;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		/* WRONGPASS or an ACL error: the server's words name no secret. */
		log_msg(TC_LOG_ERROR, &kvctx, "AUTH refused for user \"%s\": %.120s",
		    cfg->redis_user[0] != '\0' ? cfg->redis_user : "default", r->str);
		st = TC_UNAVAILABLE;
	}
	freeReplyObject(r);
	return st;
}

static tc_status
kv_connect(struct kv *kv)
{
	struct timeval tv = { 2, 0 }, io = { 10, 0 };
	redisContext *c;

	if (kv->cfg->redis_socket[0] != '\0')
		c = redisConnectUnixWithTimeout(kv->cfg->redis_socket, tv);
	else
		c = redisConnectWithTimeout(kv->cfg->redis_host, kv->cfg->redis_port, tv);
	if (c == NULL || c->err) {
		log_msg(TC_LOG_WARN, &kvctx, "connect failed: %s",
		    c != NULL ? c->errstr : "out of memory");
		if (c != NULL)
			redisFree(c);
		kv->errors++;
		return TC_UNAVAILABLE;
	}
	redisSetTimeout(c, io);
	if (kv_auth(kv->cfg, c) != TC_OK) {
		redisFree(c);
		kv->errors++;
		return TC_UNAVAILABLE;
	}
	kv->ctx = c;
	return TC_OK;
}

tc_status
kv_open(const struct config *cfg, struct kv **out)
{
	struct kv *kv;

	if ((kv = calloc(1, sizeof(*kv))) == NULL)
		return TC_INTERNAL;
	kv->cfg = cfg;
	*out = kv;
	return kv_connect(kv);
}

void
kv_close(struct kv *kv)
{
	if (kv == NULL)
		return;
	if (kv->ctx != NULL)
		redisFree(kv->ctx);
	free(kv);
}

static void
kv_drop(struct kv *kv)
{
	if (kv->ctx != NULL)
		redisFree(kv->ctx);
	kv->ctx = NULL;
	kv->errors++;
}

/* Sends a prepared command (already formatted by hiredis) and reads its reply. */
static tc_status
kv_send(struct kv *kv, redisReply **reply, const char *cmd, size_t len)
{
	void *r = NULL;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		bool fresh = kv->ctx == NULL;

		if (kv->ctx == NULL) {
			kv->reconnects++;
			if (kv_connect(kv) != TC_OK)
				return TC_UNAVAILABLE;
		}
		if (redisAppendFormattedCommand(kv->ctx, cmd, len) == REDIS_OK &&
		    redisGetReply(kv->ctx, &r) == REDIS_OK && r != NULL)
			break;
		log_msg(TC_LOG_WARN, &kvctx, "command failed: %s", kv->ctx->errstr);
		kv_drop(kv);
		if (fresh)
			return TC_UNAVAILABLE;
	}
	if (r == NULL)
		return TC_UNAVAILABLE;
	if (((redisReply *)r)->type == REDIS_REPLY_ERROR) {
		log_msg(TC_LOG_ERROR, &kvctx, "error reply: %.200s", ((redisReply *)r)->str);
		freeReplyObject(r);
		kv->errors++;
		return TC_INTERNAL;
	}
	*reply = r;
	return TC_OK;
}

static tc_status
kv_vcommand(struct kv *kv, redisReply **reply, const char *fmt, va_list ap)
{
	char *cmd;
	int len;
	tc_status st;

	if ((len = redisvFormatCommand(&cmd, fmt, ap)) < 0)
		return TC_INTERNAL;
	st = kv_send(kv, reply, cmd, (size_t)len);
	redisFreeCommand(cmd);
	return st;
}

tc_status
kv_command(struct kv *kv, redisReply **reply, const char *fmt, ...)
{
	va_list ap;
	tc_status st;

	va_start(ap, fmt);
	st = kv_vcommand(kv, reply, fmt, ap);
	va_end(ap);
	return st;
}

tc_status
kv_exec(struct kv *kv, const char *fmt, ...)
{
	redisReply *r;
	va_list ap;
	tc_status st;

	va_start(ap, fmt);
	st = kv_vcommand(kv, &r, fmt, ap);
	va_end(ap);
	if (st == TC_OK)
		freeReplyObject(r);
	return st;
}

tc_status
kv_command_argv(struct kv *kv, redisReply **reply, int argc, const char **argv,
    const size_t *lens)
{
	char *cmd;
	int len;
	tc_status st;

	len = redisFormatCommandArgv(&cmd, argc, argv, lens);
	if (len < 0)
		return TC_INTERNAL;
	st = kv_send(kv, reply, cmd, (size_t)len);
	redisFreeCommand(cmd);
	return st;
}

tc_status
kv_pipeline_argv(struct kv *kv, int n, const int *argc, const char *const *const *argv,
    redisReply **replies)
{
	char *cmds[KV_PIPELINE_MAX];
	int lens[KV_PIPELINE_MAX];
	tc_status st = TC_OK;
	int i, attempt, got = 0;

	if (n < 1 || n > KV_PIPELINE_MAX)
		return TC_INTERNAL;
	for (i = 0; i < n; i++) {
		replies[i] = NULL;
		if ((lens[i] = redisFormatCommandArgv(&cmds[i], argc[i], (const char **)argv[i],
		    NULL)) < 0) {
			while (--i >= 0)
				redisFreeCommand(cmds[i]);
			return TC_INTERNAL;
		}
	}
	for (attempt = 0; attempt < 2; attempt++) {
		bool fresh = kv->ctx == NULL;
		bool ok = true;

		if (kv->ctx == NULL) {
			kv->reconnects++;
			if (kv_connect(kv) != TC_OK) {
				st = TC_UNAVAILABLE;
				goto out;
			}
		}
		for (i = 0; i < n && ok; i++)
			ok = redisAppendFormattedCommand(kv->ctx, cmds[i], (size_t)lens[i]) == REDIS_OK;
		for (got = 0; got < n && ok; got++) {
			void *r = NULL;

			ok = redisGetReply(kv->ctx, &r) == REDIS_OK && r != NULL;
			replies[got] = r;
		}
		if (ok)
			break;
		log_msg(TC_LOG_WARN, &kvctx, "pipeline failed: %s", kv->ctx->errstr);
		for (i = 0; i < n; i++) {
			if (replies[i] != NULL)
				freeReplyObject(replies[i]);
			replies[i] = NULL;
		}
		kv_drop(kv);
		if (fresh || attempt == 1) {
			st = TC_UNAVAILABLE;
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		if (replies[i]->type == REDIS_REPLY_ERROR) {
			log_msg(TC_LOG_ERROR, &kvctx, "error reply: %.200s", replies[i]->str);
			kv->errors++;
			st = TC_INTERNAL;
		}
	if (st != TC_OK)
		for (i = 0; i < n; i++) {
			freeReplyObject(replies[i]);
			replies[i] = NULL;
		}
out:
	for (i = 0; i < n; i++)
		redisFreeCommand(cmds[i]);
	return st;
}

tc_status
kv_ping(struct kv *kv)
{
	redisReply *r;
	tc_status st;

	if ((st = kv_command(kv, &r, "PING")) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}

int
kv_key(char *buf, size_t size, uint64_t tenant, const char *kind, const char *id)
{
	int n;

	n = snprintf(buf, size, "tc:{%llu}:%s:%s", (unsigned long long)tenant, kind, id);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
kv_global_key(char *buf, size_t size, const char *kind)
{
	int n;

	n = snprintf(buf, size, "tc:%s", kind);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void
kv_counters(const struct kv *kv, uint64_t *reconnects, uint64_t *errors)
{
	*reconnects = kv->reconnects;
	*errors = kv->errors;
}
