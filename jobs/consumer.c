/* consumer.c - XREADGROUP, XAUTOCLAIM, retries with back-off, dead jobs. */
#include "consumer.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "jobqueue.h"
#include "tasks.h"
#include "tenant.h"

#define TICK_SECONDS	2	/* the clock-driven tasks */

static long long
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void
set_inflight(struct wctx *w, const char *id)
{
	pthread_mutex_lock(&w->proc->lock);
	snprintf(w->proc->inflight[w->index], sizeof(w->proc->inflight[0]), "%s", id);
	pthread_mutex_unlock(&w->proc->lock);
}

/* Reads the fields of one stream entry ([id, [k, v, ...]]) into j. */
static bool
parse_entry(const redisReply *e, struct job *j, json_t **payload)
{
	const redisReply *f;

	memset(j, 0, sizeof(*j));
	*payload = NULL;
	if (e == NULL || e->type != REDIS_REPLY_ARRAY || e->elements < 2 ||
	    e->element[0]->type != REDIS_REPLY_STRING)
		return false;
	snprintf(j->id, sizeof(j->id), "%s", e->element[0]->str);
	f = e->element[1];
	if (f->type != REDIS_REPLY_ARRAY)
		return true;	/* deleted meanwhile: acknowledge only */
	for (size_t i = 0; i + 1 < f->elements; i += 2) {
		const char *k = f->element[i]->str, *v = f->element[i + 1]->str;

		if (k == NULL || v == NULL)
			continue;
		if (strcmp(k, "kind") == 0)
			snprintf(j->kind, sizeof(j->kind), "%s", v);
		else if (strcmp(k, "tenant") == 0)
			j->tenant = strtoull(v, NULL, 10);
		else if (strcmp(k, "attempt") == 0)
			j->attempt = (int)strtol(v, NULL, 10);
		else if (strcmp(k, "payload") == 0)
			*payload = json_loads(v, 0, NULL);
	}
	if (*payload == NULL || !json_is_object(*payload)) {
		json_decref(*payload);
		*payload = json_object();
	}
	j->payload = *payload;
	return true;
}

static void
ack(struct wctx *w, const char *id)
{
	char stream[TC_KEY_MAX];

	kv_global_key(stream, sizeof(stream), JOBQUEUE_STREAM);
	(void)kv_exec(w->kv, "XACK %s %s %s", stream, JOBQUEUE_GROUP, id);
	(void)kv_exec(w->kv, "XDEL %s %s", stream, id);
}

/* Puts the job back for later (attempt as given). */
static tc_status
delay(struct wctx *w, const struct job *j, int attempt, long long due_ms)
{
	char key[TC_KEY_MAX], score[32];
	char *member;
	json_t *o;
	tc_status st;

	kv_global_key(key, sizeof(key), "jobs:delayed");
	o = json_pack("{s:s, s:s, s:I, s:i, s:O}", "from", j->id, "kind", j->kind,
	    "tenant", (json_int_t)j->tenant, "attempt", attempt, "payload", j->payload);
	member = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (member == NULL)
		return TC_INTERNAL;
	snprintf(score, sizeof(score), "%lld", due_ms);
	st = kv_exec(w->kv, "ZADD %s %s %s", key, score, member);
	free(member);
	return st;
}

static tc_status
park_dead(struct wctx *w, const struct job *j, const char *err)
{
	char key[TC_KEY_MAX];
	char *text;
	json_t *o;
	tc_status st;

	kv_global_key(key, sizeof(key), JOBQUEUE_DEAD);
	o = json_pack("{s:s, s:I, s:i, s:O, s:s, s:I}", "kind", j->kind, "tenant",
	    (json_int_t)j->tenant, "attempt", j->attempt, "payload", j->payload, "error", err,
	    "at", (json_int_t)time(NULL));
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL)
		return TC_INTERNAL;
	st = kv_exec(w->kv, "HSET %s %s %s", key, j->id, text);
	free(text);
	return st;
}

/* Counts one outcome of a job kind in tc:stats:jobs (shown by /metrics). */
static void
count_outcome(struct wctx *w, const char *kind, const char *outcome)
{
	char key[TC_KEY_MAX], field[64];

	kv_global_key(key, sizeof(key), "stats:jobs");
	snprintf(field, sizeof(field), "%s:%s", kind, outcome);
	(void)kv_exec(w->kv, "HINCRBY %s %s 1", key, field);
}

/*
 * glibc's malloc is the allocator unless a sanitizer replaced it: ASan
 * intercepts malloc and free but not malloc_trim, which then reaches glibc's
 * own arenas that nothing ever used (issue 20).
 */
#if defined(__SANITIZE_ADDRESS__)
#define GLIBC_ALLOCATOR	0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GLIBC_ALLOCATOR	0
#endif
#endif
#if !defined(GLIBC_ALLOCATOR) && defined(__GLIBC__)
#define GLIBC_ALLOCATOR	1
#elif !defined(GLIBC_ALLOCATOR)
#define GLIBC_ALLOCATOR	0
#endif

/*
 * After a large job: its memory stays free in this thread's malloc arena,
 * where the next large job, often on another thread, cannot use it, so the
 * process would creep towards one school per thread.  Give it back to the
 * system.  tests/bench/release-memory (release build, rounds of four
 * 10,000-pupil imports on four threads): peak 207-220 MB instead of
 * 233-244 MB, and 24-45 MB instead of 205-244 MB between rounds, where
 * without it the peak grew with every round.  Only with glibc's allocator:
 * under ASan, malloc_trim set up glibc's unused main arena on its first call
 * and marked it ready before filling its bins, so a second thread trimming
 * at that moment walked empty bins and crashed (SEGV in malloc_trim).  One
 * thread trims at a time: a trim locks every arena in turn, a second one at
 * once would only wait for the same locks and find nothing more.
 */
static void
release_memory(void)
{
#if GLIBC_ALLOCATOR
	static pthread_mutex_t trimming = PTHREAD_MUTEX_INITIALIZER;

	if (pthread_mutex_trylock(&trimming) != 0)
		return;
	(void)malloc_trim(0);
	pthread_mutex_unlock(&trimming);
#endif
}

static void
run_job(struct wctx *w, struct job *j)
{
	bool large;
	job_fn fn = job_handler(j->kind, &large);
	char err[512] = "";
	long long backoff;
	tc_status st;

	w->log.reqid = j->id;
	w->log.tenant = NULL;
	j->school_st = j->tenant != 0 ? tenant_find_by_id(w->db, j->tenant, &j->school) :
	    TC_NOT_FOUND;
	if (j->school_st == TC_OK)
		w->log.tenant = j->school.slug;
	if (fn == NULL) {
		snprintf(err, sizeof(err), "unknown job kind %s", j->kind);
		st = TC_INVALID;
	} else {
		set_inflight(w, j->id);
		st = fn(w, j, err, sizeof(err));
		set_inflight(w, "");
		if (large)
			release_memory();
	}
	count_outcome(w, fn != NULL ? j->kind : "unknown", st == TC_OK ? "done" :
	    st == TC_CONFLICT ? "deferred" : (st == TC_UNAVAILABLE || st == TC_INTERNAL) &&
	    j->attempt + 1 < w->cfg->worker_max_attempts ? "retry" : "dead");
	if (st == TC_OK) {
		log_msg(TC_LOG_INFO, &w->log, "job %s done", j->kind);
	} else if (st == TC_CONFLICT) {
		/* Not now (no LAS slot, an e-mail's claim held): soon again,
		 * no attempt counted. */
		if (delay(w, j, j->attempt, now_ms() + 500 + (long long)(rand() % 500)) != TC_OK)
			return;		/* left pending: claimed again later */
	} else if ((st == TC_UNAVAILABLE || st == TC_INTERNAL) &&
	    j->attempt + 1 < w->cfg->worker_max_attempts) {
		backoff = (long long)w->cfg->worker_retry_seconds * 1000 << (j->attempt < 16 ? j->attempt : 16);
		log_msg(TC_LOG_WARN, &w->log, "job %s failed (%s), retry %d in %lld s", j->kind,
		    err[0] != '\0' ? err : status_name(st), j->attempt + 1, backoff / 1000);
		if (delay(w, j, j->attempt + 1, now_ms() + backoff) != TC_OK)
			return;
	} else {
		log_msg(TC_LOG_ERROR, &w->log, "job %s parked as dead: %s", j->kind,
		    err[0] != '\0' ? err : status_name(st));
		if (park_dead(w, j, err[0] != '\0' ? err : status_name(st)) != TC_OK)
			return;
	}
	ack(w, j->id);
	w->log.reqid = NULL;
	w->log.tenant = NULL;
}

/* Runs every entry of a reply array of entries. */
static void
run_entries(struct wctx *w, const redisReply *entries)
{
	for (size_t i = 0; entries != NULL && i < entries->elements; i++) {
		struct job j;
		json_t *payload;

		if (atomic_load(&w->proc->stopping))
			break;		/* left pending: another worker claims it */
		if (!parse_entry(entries->element[i], &j, &payload))
			continue;
		if (j.kind[0] == '\0')
			ack(w, j.id);
		else
			run_job(w, &j);
		json_decref(payload);
	}
}

/* Moves due delayed jobs to the stream; ZREM decides who moves each. */
static void
move_delayed(struct wctx *w)
{
	char key[TC_KEY_MAX], now[32];
	redisReply *r, *z;

	kv_global_key(key, sizeof(key), "jobs:delayed");
	snprintf(now, sizeof(now), "%lld", now_ms());
	if (kv_command(w->kv, &r, "ZRANGEBYSCORE %s -inf %s LIMIT 0 50", key, now) != TC_OK)
		return;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
		const char *m = r->element[i]->str;
		json_t *o;
		bool mine;

		if (m == NULL || kv_command(w->kv, &z, "ZREM %s %s", key, m) != TC_OK)
			continue;
		mine = z->type == REDIS_REPLY_INTEGER && z->integer == 1;
		freeReplyObject(z);
		if (!mine || (o = json_loads(m, 0, NULL)) == NULL)
			continue;
		if (jobqueue_add(w->kv, json_string_value(json_object_get(o, "kind")),
		    (uint64_t)json_integer_value(json_object_get(o, "tenant")),
		    (int)json_integer_value(json_object_get(o, "attempt")),
		    json_object_get(o, "payload"), NULL, 0) != TC_OK)
			(void)kv_exec(w->kv, "ZADD %s %s %s", key, now, m);	/* put it back */
		json_decref(o);
	}
	freeReplyObject(r);
}

/* Takes over jobs whose consumer has been silent for claim_idle seconds. */
static void
autoclaim(struct wctx *w)
{
	char stream[TC_KEY_MAX], idle[24];
	redisReply *r;

	kv_global_key(stream, sizeof(stream), JOBQUEUE_STREAM);
	snprintf(idle, sizeof(idle), "%lld", (long long)w->cfg->worker_claim_idle * 1000);
	if (kv_command(w->kv, &r, "XAUTOCLAIM %s %s %s %s 0-0 COUNT 10", stream, JOBQUEUE_GROUP,
	    w->consumer, idle) != TC_OK)
		return;
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 && r->element[1]->elements > 0) {
		log_msg(TC_LOG_INFO, &w->log, "claimed %zu job(s) of a silent worker",
		    r->element[1]->elements);
		run_entries(w, r->element[1]);
	}
	freeReplyObject(r);
}

void *
consumer_thread(void *arg)
{
	struct wctx *w = arg;
	char stream[TC_KEY_MAX];
	time_t last_tick = 0, last_claim = 0;
	redisReply *r;

	kv_global_key(stream, sizeof(stream), JOBQUEUE_STREAM);
	srand((unsigned)(time(NULL) ^ (w->index * 7919)));
	(void)jobqueue_ensure(w->kv);
	while (!atomic_load(&w->proc->stopping)) {
		time_t now = time(NULL);

		/* Every loop (about a second per thread): a job waiting for a LAS
		 * slot comes back as soon as it is due, not at the next tick. */
		move_delayed(w);
		if (w->index == 0 && now - last_tick >= TICK_SECONDS) {
			last_tick = now;
			tasks_tick(w);
		}
		if (now - last_claim >= (w->cfg->worker_claim_idle + 1) / 2) {
			last_claim = now;
			autoclaim(w);
		}
		/* Short blocks, so that a stop is seen within a second. */
		if (kv_command(w->kv, &r, "XREADGROUP GROUP %s %s COUNT 1 BLOCK 1000 STREAMS %s >",
		    JOBQUEUE_GROUP, w->consumer, stream) != TC_OK) {
			(void)jobqueue_ensure(w->kv);
			sleep(1);
			continue;
		}
		if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
		    r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements >= 2)
			run_entries(w, r->element[0]->element[1]);
		freeReplyObject(r);
	}
	return NULL;
}

/*
 * The process says it lives: tc:workers is a sorted set of process names
 * ("host-pid") scored by the time of their last heartbeat (ms), read by
 * tcctl status and /metrics.  Names not seen for a day are dropped.
 */
static void
announce(struct kv *kv, const struct proc *p)
{
	char key[TC_KEY_MAX], name[128], now[24], old[24];
	const char *dash;
	long long t = now_ms();

	snprintf(name, sizeof(name), "%s", p->consumers[0]);
	if ((dash = strrchr(name, '-')) != NULL)
		name[dash - name] = '\0';
	kv_global_key(key, sizeof(key), "workers");
	snprintf(now, sizeof(now), "%lld", t);
	snprintf(old, sizeof(old), "%lld", t - 86400LL * 1000);
	(void)kv_exec(kv, "ZADD %s %s %s", key, now, name);
	(void)kv_exec(kv, "ZREMRANGEBYSCORE %s -inf %s", key, old);
}

/* A process that stops in order leaves tc:workers at once. */
static void
announce_stop(struct kv *kv, const struct proc *p)
{
	char key[TC_KEY_MAX], name[128];
	const char *dash;

	snprintf(name, sizeof(name), "%s", p->consumers[0]);
	if ((dash = strrchr(name, '-')) != NULL)
		name[dash - name] = '\0';
	kv_global_key(key, sizeof(key), "workers");
	(void)kv_exec(kv, "ZREM %s %s", key, name);
}

void *
consumer_heartbeat(void *arg)
{
	struct proc *p = arg;
	struct kv *kv = NULL;
	char stream[TC_KEY_MAX], id[64], consumer[128];
	int every = p->cfg->worker_claim_idle / 3 > 0 ? p->cfg->worker_claim_idle / 3 : 1;

	(void)kv_open(p->cfg, &kv);
	kv_global_key(stream, sizeof(stream), JOBQUEUE_STREAM);
	while (!atomic_load(&p->stopping)) {
		announce(kv, p);
		for (int s = 0; s < every * 10 && !atomic_load(&p->stopping); s++)
			usleep(100 * 1000);
		for (int i = 0; i < p->nthreads; i++) {
			pthread_mutex_lock(&p->lock);
			snprintf(id, sizeof(id), "%s", p->inflight[i]);
			snprintf(consumer, sizeof(consumer), "%s", p->consumers[i]);
			pthread_mutex_unlock(&p->lock);
			/* XCLAIM by its own consumer resets the entry's idle time. */
			if (id[0] != '\0')
				(void)kv_exec(kv, "XCLAIM %s %s %s 0 %s JUSTID", stream, JOBQUEUE_GROUP,
				    consumer, id);
		}
	}
	announce_stop(kv, p);
	kv_close(kv);
	return NULL;
}
