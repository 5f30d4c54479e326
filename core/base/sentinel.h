/*
 * sentinel.h - finding the Redis master through Redis Sentinel.
 *
 * redis.sentinels lists the Sentinels ("host:port,host:port,..."); an empty
 * list means a single Redis (redis.socket or redis.host/port) that is its own
 * master: the demo is a cluster of one on the same code path (kv.c asks
 * sentinel_configured() and connects either way, then runs the same checks
 * and the same back-off).  Following the Sentinel client guidelines, the
 * address a Sentinel names is trusted only after the server itself answers
 * ROLE with "master": a client never writes to a replica.
 */
#ifndef TC_SENTINEL_H
#define TC_SENTINEL_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "status.h"

#define SENTINEL_MAX	8	/* Sentinels in redis.sentinels */

/* Checks a redis.sentinels value: "" or up to SENTINEL_MAX "host:port"
 * separated by commas.  TC_INVALID with a message in err otherwise. */
tc_status	sentinel_check_list(const char *list, char *err, size_t errlen);

/* True when cfg names Sentinels. */
bool		sentinel_configured(const struct config *cfg);

/*
 * Asks the Sentinels in turn (each with a short timeout) for the address of
 * the master redis.master_name; the first one that names it wins.  Writes
 * the host (NUL-terminated) and port.  TC_UNAVAILABLE when none answers.
 */
tc_status	sentinel_master_addr(const struct config *cfg, char *host, size_t hostsize,
		    int *port);

/* TC_OK when the server of c answers ROLE with "master"; TC_UNAVAILABLE for a
 * replica, a server still loading, or no answer. */
tc_status	sentinel_is_master(redisContext *c);

#endif
