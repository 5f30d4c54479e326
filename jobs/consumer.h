/*
 * consumer.h - the job stream consumer of tc-worker.
 *
 * Each thread is a consumer of the group "workers" on tc:jobs.  A job is
 * acknowledged and deleted when its handler is done.  A failure that may
 * pass is retried after worker.retry_seconds × 2^attempt (the sorted set
 * tc:jobs:delayed), up to worker.max_attempts, then parked in the hash
 * tc:jobs:dead with its error (`tcctl jobs`).  A job whose consumer died is
 * claimed by another after worker.claim_idle_seconds; a running job is kept
 * claimed by the process's heartbeat thread.
 */
#ifndef TC_CONSUMER_H
#define TC_CONSUMER_H

#include <pthread.h>
#include <stdatomic.h>

#include "job.h"

#define CONSUMER_MAX_THREADS	256

/* The process: what the threads share. */
struct proc {
	const struct config	*cfg;
	atomic_bool		 stopping;
	pthread_mutex_t		 lock;		/* guards inflight */
	char			 inflight[CONSUMER_MAX_THREADS][64];	/* job id per thread */
	char			 consumers[CONSUMER_MAX_THREADS][128];
	int			 nthreads;
};

/* The loop of one worker thread (arg: struct wctx *). */
void		*consumer_thread(void *arg);

/* The heartbeat thread (arg: struct proc *): re-claims in-flight jobs. */
void		*consumer_heartbeat(void *arg);

#endif
