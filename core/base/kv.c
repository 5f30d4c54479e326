/* kv.c - hiredis connection that rebuilds itself after errors. */
#include "kv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"
#include "sentinel.h"

struct kv {
	const struct config *cfg;
	redisContext	*ctx;		/* NULL while disconnected */
	uint64_t	 reconnects;
	uint64_t	 errors;
	uint64_t	 session;	/* one more per connection made (kv_session) */
};

static const struct log_ctx kvctx = { NULL, NULL, "redis" };

/*
 * Kept apart from the connect path so that it goes with whichever server that
 * path finds (a Sentinel's master, a failover's new one) and with the
 * Sentinels themselves.  The password is never logged.  hiredis 0.14 (Debian
 * bookworm) has no TLS: docs/operations.md, "Redis over TLS", puts a TLS
 * tunnel (stunnel) on the application host.
 */
tc_status
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
	char mhost[TC_HOST_MAX + 1];
	int mport;
	redisContext *c;

	if (sentinel_configured(kv->cfg)) {
		/* The cluster: the master the Sentinels name now. */
		if (sentinel_master_addr(kv->cfg, mhost, sizeof(mhost), &mport) != TC_OK) {
			kv->errors++;
			return TC_UNAVAILABLE;
		}
		c = redisConnectWithTimeout(mhost, mport, tv);
	} else if (kv->cfg->redis_socket[0] != '\0')
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
	/* Authenticated first; then never a replica (a Sentinel's answer may
	 * be a failover behind). */
	if (kv_auth(kv->cfg, c) != TC_OK || sentinel_is_master(c) != TC_OK) {
		redisFree(c);
		kv->errors++;
		return TC_UNAVAILABLE;
	}
	kv->ctx = c;
	kv->session++;
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

static long long
kv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The server is no longer (or not yet) a master that takes commands: a
 * replica after a failover (READONLY, also inside a script's error), a server
 * loading its data, or one that lost its own master. */
static bool
kv_not_master(const redisReply *r)
{
	return r->type == REDIS_REPLY_ERROR && r->str != NULL &&
	    (strstr(r->str, "READONLY") != NULL || strncmp(r->str, "LOADING", 7) == 0 ||
	    strncmp(r->str, "MASTERDOWN", 10) == 0);
}

static void
kv_free_replies(int n, redisReply **replies)
{
	for (int i = 0; i < n; i++) {
		if (replies[i] != NULL)
			freeReplyObject(replies[i]);
		replies[i] = NULL;
	}
}

/* Sends n prepared commands in one round trip and reads their n replies;
 * false (replies freed) when the connection failed on the way. */
static bool
kv_round_trip(struct kv *kv, int n, char *const *cmds, const int *lens, redisReply **replies)
{
	int i;

	for (i = 0; i < n; i++)
		if (redisAppendFormattedCommand(kv->ctx, cmds[i], (size_t)lens[i]) != REDIS_OK)
			return false;
	for (i = 0; i < n; i++) {
		void *r = NULL;

		if (redisGetReply(kv->ctx, &r) != REDIS_OK || r == NULL) {
			kv_free_replies(n, replies);
			return false;
		}
		replies[i] = r;
	}
	return true;
}

/*
 * Sends n prepared commands (already formatted by hiredis) in one round trip
 * and reads their replies into replies[] (the caller's, freeReplyObject each).
 * A connection found stale is rebuilt and the commands sent once more at once.
 * No master (none reachable, or READONLY/LOADING/MASTERDOWN): the connection
 * is dropped, the master looked up again (sentinel.h) and the commands sent
 * again, with a back-off from 50 ms doubling to 1 s, for at most
 * redis.failover_seconds (0: no waiting, the single server's behaviour).
 * An error reply to any command gives TC_INTERNAL and no replies.
 */
static tc_status
kv_send(struct kv *kv, int n, char *const *cmds, const int *lens, redisReply **replies)
{
	long long deadline = kv_now_ms() + kv->cfg->redis_failover_seconds * 1000LL;
	long delay = 50;
	tc_status st = TC_OK;
	int i;

	for (i = 0; i < n; i++)
		replies[i] = NULL;
	for (;;) {
		bool fresh = kv->ctx == NULL, master = true;

		if (kv->ctx == NULL) {
			kv->reconnects++;
			if (kv_connect(kv) != TC_OK)
				goto later;
		}
		if (kv_round_trip(kv, n, cmds, lens, replies)) {
			for (i = 0; i < n && master; i++)
				master = !kv_not_master(replies[i]);
			if (master)
				break;
			log_msg(TC_LOG_WARN, &kvctx, "%.120s: looking for the master again",
			    replies[i - 1]->str);
			kv_free_replies(n, replies);
			kv_drop(kv);
			goto later;
		}
		log_msg(TC_LOG_WARN, &kvctx, "command failed: %s", kv->ctx->errstr);
		kv_drop(kv);
		if (!fresh)
			continue;	/* a stale connection: once more, at once */
later:
		if (kv_now_ms() + delay > deadline)
			return TC_UNAVAILABLE;
		nanosleep(&(struct timespec){ delay / 1000, (delay % 1000) * 1000000L }, NULL);
		delay = delay * 2 > 1000 ? 1000 : delay * 2;
	}
	for (i = 0; i < n; i++)
		if (replies[i]->type == REDIS_REPLY_ERROR) {
			log_msg(TC_LOG_ERROR, &kvctx, "error reply: %.200s", replies[i]->str);
			kv->errors++;
			st = TC_INTERNAL;
		}
	if (st != TC_OK)
		kv_free_replies(n, replies);
	return st;
}

static tc_status
kv_vcommand(struct kv *kv, redisReply **reply, const char *fmt, va_list ap)
{
	char *cmd;
	int len;
	tc_status st;

	if ((len = redisvFormatCommand(&cmd, fmt, ap)) < 0)
		return TC_INTERNAL;
	st = kv_send(kv, 1, &cmd, &len, reply);
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
	st = kv_send(kv, 1, &cmd, &len, reply);
	redisFreeCommand(cmd);
	return st;
}

tc_status
kv_pipeline_argv(struct kv *kv, int n, const int *argc, const char *const *const *argv,
    redisReply **replies)
{
	char *cmds[KV_PIPELINE_MAX];
	int lens[KV_PIPELINE_MAX];
	tc_status st;
	int i;

	if (n < 1 || n > KV_PIPELINE_MAX)
		return TC_INTERNAL;
	for (i = 0; i < n; i++)
		if ((lens[i] = redisFormatCommandArgv(&cmds[i], argc[i], (const char **)argv[i],
		    NULL)) < 0) {
			while (--i >= 0)
				redisFreeCommand(cmds[i]);
			return TC_INTERNAL;
		}
	st = kv_send(kv, n, cmds, lens, replies);
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

uint64_t
kv_session(const struct kv *kv)
{
	return kv->session;
}

tc_status
kv_wait_replicas(struct kv *kv, uint64_t session)
{
	redisReply *r;
	tc_status st;
	long long acked;

	if (kv->cfg->redis_wait_replicas == 0)
		return TC_OK;
	if (kv->ctx == NULL || kv->session != session) {
		log_msg(TC_LOG_WARN, &kvctx, "WAIT: the connection changed since the writes");
		return TC_UNAVAILABLE;
	}
	if ((st = kv_command(kv, &r, "WAIT %d %d", kv->cfg->redis_wait_replicas,
	    kv->cfg->redis_wait_ms)) != TC_OK)
		return st;
	acked = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
	freeReplyObject(r);
	if (kv->session != session || acked < kv->cfg->redis_wait_replicas) {
		log_msg(TC_LOG_WARN, &kvctx, "WAIT: %lld of %d replicas hold the writes", acked,
		    kv->cfg->redis_wait_replicas);
		return TC_UNAVAILABLE;
	}
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
