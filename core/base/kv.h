/*
 * kv.h - one Redis connection (hiredis 0.14) and the key scheme.
 *
 * Every key of a school is built by kv_key() and carries the school in a hash
 * tag, tc:{<tenant id>}:<kind>:<id>, so a Redis Cluster keeps a school's keys
 * on one shard.  Commands are built from arguments (hiredis' %s and %b are
 * separate arguments, never concatenated text).  After a connection error the
 * context is dropped; the next command reconnects and a command that failed
 * on a stale connection is sent once more.
 */
#ifndef TC_KV_H
#define TC_KV_H

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "status.h"

struct kv;

/* Allocates the connection object and tries to connect; a server that is down
 * now gives TC_UNAVAILABLE but *out is still set: later calls reconnect. */
tc_status	kv_open(const struct config *cfg, struct kv **out);
void		kv_close(struct kv *);

/* Runs one command.  On TC_OK *reply is set and owned by the caller
 * (freeReplyObject).  An error reply from Redis gives TC_INTERNAL. */
tc_status	kv_command(struct kv *, redisReply **reply, const char *fmt, ...);

/* Runs one command and drops its reply. */
tc_status	kv_exec(struct kv *, const char *fmt, ...);

/* Same with an argument vector (lens may be NULL for C strings). */
tc_status	kv_command_argv(struct kv *, redisReply **reply, int argc, const char **argv,
		    const size_t *lens);

/* Sends n commands (each an argument vector of C strings) in one round trip
 * and reads their n replies into replies[], owned by the caller
 * (freeReplyObject each).  The commands must be safe to send twice: after a
 * stale connection they all are sent once more.  An error reply to any of
 * them gives TC_INTERNAL and no replies.  n is at most KV_PIPELINE_MAX. */
#define KV_PIPELINE_MAX	6
tc_status	kv_pipeline_argv(struct kv *, int n, const int *argc,
		    const char *const *const *argv, redisReply **replies);

/*
 * Writes that must survive a failover (Redis replicates asynchronously):
 * take s = kv_session() before them, then kv_wait_replicas(kv, s) after them.
 * TC_OK when redis.wait_replicas replicas acknowledged every write of this
 * connection (WAIT, at most redis.wait_ms), or when redis.wait_replicas is 0
 * (a single server).  TC_UNAVAILABLE when fewer did or when the connection
 * was rebuilt since s (writes on the old one may be lost): then answer 503,
 * and the client's repeat, which must be idempotent, makes it good.
 */
uint64_t	kv_session(const struct kv *);
tc_status	kv_wait_replicas(struct kv *, uint64_t session);

/* Authenticates a fresh connection c to a Redis server or a Sentinel: AUTH
 * user password (an ACL user) or AUTH password (requirepass), when
 * redis.password is set; TC_OK without one.  TC_UNAVAILABLE when refused. */
tc_status	kv_auth(const struct config *, redisContext *c);

/* PING. */
tc_status	kv_ping(struct kv *);

/* Writes "tc:{<tenant>}:<kind>:<id>" into buf.  Returns -1 if it does not fit. */
int		kv_key(char *buf, size_t size, uint64_t tenant, const char *kind, const char *id);

/* Writes a deployment-wide key "tc:<kind>" (clock, registry version, job stream). */
int		kv_global_key(char *buf, size_t size, const char *kind);

void		kv_counters(const struct kv *, uint64_t *reconnects, uint64_t *errors);

#endif
