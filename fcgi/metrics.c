/* metrics.c - a process's atomic counters and their Prometheus text. */
#include "metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobqueue.h"
#include "route.h"

/* Upper bounds of the latency buckets, in seconds (+Inf is implied). */
static const double bounds[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
};
#define NBOUNDS		(sizeof(bounds) / sizeof(bounds[0]))
#define NCLASSES	5	/* 1xx .. 5xx */
#define JOB_FIELDS_MAX	64	/* kind:outcome pairs shown from tc:stats:jobs */

struct route_stats {
	atomic_uint_fast64_t	classes[NCLASSES];
	atomic_uint_fast64_t	buckets[NBOUNDS + 1];	/* not cumulative; last: +Inf */
	atomic_uint_fast64_t	sum_us;
	atomic_uint_fast64_t	count;
};

/* Written only by its own thread; summed at scrape time. */
struct thread_slot {
	atomic_uint_fast64_t	db_reconnects, db_errors, kv_reconnects, kv_errors;
	char			pad[64];	/* keeps threads off each other's cache line */
};

struct metrics {
	const struct route	*routes;
	size_t			 nroutes;
	struct route_stats	*stats;		/* nroutes + 1: the last is "unmatched" */
	struct thread_slot	*slots;
	int			 nthreads;
	atomic_int		 in_flight;
	time_t			 started;
};

struct metrics *
metrics_new(int nthreads)
{
	struct metrics *m;

	if (nthreads < 1 || (m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->routes = route_table(&m->nroutes);
	m->stats = calloc(m->nroutes + 1, sizeof(*m->stats));
	m->slots = calloc((size_t)nthreads, sizeof(*m->slots));
	if (m->stats == NULL || m->slots == NULL) {
		metrics_free(m);
		return NULL;
	}
	/* calloc's zero bytes are valid initial atomics on every platform we build for. */
	m->nthreads = nthreads;
	atomic_init(&m->in_flight, 0);
	m->started = time(NULL);
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->stats);
	free(m->slots);
	free(m);
}

void
metrics_begin(struct metrics *m)
{
	if (m != NULL)
		atomic_fetch_add_explicit(&m->in_flight, 1, memory_order_relaxed);
}

/* The index of the route entry (method, pattern), or nroutes when none. */
static size_t
route_index(const struct metrics *m, const char *method, const char *route)
{
	if (route == NULL || method == NULL)
		return m->nroutes;
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < m->nroutes; i++)
		if (strcmp(m->routes[i].pattern, route) == 0 &&
		    strcmp(m->routes[i].method, method) == 0)
			return i;
	return m->nroutes;
}

void
metrics_end(struct metrics *m, const char *method, const char *route, int status,
    double duration_ms)
{
	struct route_stats *s;
	double secs = duration_ms / 1000.0;
	size_t b = 0;

	if (m == NULL)
		return;
	atomic_fetch_sub_explicit(&m->in_flight, 1, memory_order_relaxed);
	s = &m->stats[route_index(m, method, route)];
	if (status >= 100 && status < 600)
		atomic_fetch_add_explicit(&s->classes[status / 100 - 1], 1, memory_order_relaxed);
	while (b < NBOUNDS && secs > bounds[b])
		b++;
	atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_us, (uint_fast64_t)(duration_ms > 0 ? duration_ms * 1000 : 0),
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

void
metrics_connections(struct metrics *m, int thread, const struct db *db, const struct kv *kv)
{
	uint64_t rc = 0, err = 0;
	struct thread_slot *t;

	if (m == NULL || thread < 0 || thread >= m->nthreads)
		return;
	t = &m->slots[thread];
	if (db != NULL) {
		db_counters(db, &rc, &err);
		atomic_store_explicit(&t->db_reconnects, rc, memory_order_relaxed);
		atomic_store_explicit(&t->db_errors, err, memory_order_relaxed);
	}
	if (kv != NULL) {
		kv_counters(kv, &rc, &err);
		atomic_store_explicit(&t->kv_reconnects, rc, memory_order_relaxed);
		atomic_store_explicit(&t->kv_errors, err, memory_order_relaxed);
	}
}

/* --- the text ------------------------------------------------------------- */

struct out {
	char	*buf;
	size_t	 size, len;
	bool	 full;
};

static void
put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

static void
help(struct out *o, const char *name, const char *type, const char *text)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void
render_requests(struct metrics *m, struct out *o)
{
	static const char *const classes[NCLASSES] = { "1xx", "2xx", "3xx", "4xx", "5xx" };

	help(o, "tc_fcgi_requests_total", "counter",
	    "Requests answered by this process, by route pattern and status class.");
	for (size_t i = 0; i <= m->nroutes; i++) {
		const char *method = i < m->nroutes ? m->routes[i].method : "-";
		const char *route = i < m->nroutes ? m->routes[i].pattern : "unmatched";

		for (int c = 0; c < NCLASSES; c++) {
			uint_fast64_t v = atomic_load_explicit(&m->stats[i].classes[c],
			    memory_order_relaxed);

			if (v > 0)
				put(o, "tc_fcgi_requests_total{method=\"%s\",route=\"%s\","
				    "code=\"%s\"} %llu\n", method, route, classes[c],
				    (unsigned long long)v);
		}
	}
	help(o, "tc_fcgi_request_duration_seconds", "histogram",
	    "Time from the accepted request to the response, by route pattern.");
	for (size_t i = 0; i <= m->nroutes; i++) {
		struct route_stats *s = &m->stats[i];
		const char *method = i < m->nroutes ? m->routes[i].method : "-";
		const char *route = i < m->nroutes ? m->routes[i].pattern : "unmatched";
		uint_fast64_t cum = 0, count = atomic_load_explicit(&s->count, memory_order_relaxed);

		if (count == 0)
			continue;
		for (size_t b = 0; b <= NBOUNDS; b++) {
			cum += atomic_load_explicit(&s->buckets[b], memory_order_relaxed);
			if (b < NBOUNDS)
				put(o, "tc_fcgi_request_duration_seconds_bucket{method=\"%s\","
				    "route=\"%s\",le=\"%g\"} %llu\n", method, route, bounds[b],
				    (unsigned long long)cum);
			else
				put(o, "tc_fcgi_request_duration_seconds_bucket{method=\"%s\","
				    "route=\"%s\",le=\"+Inf\"} %llu\n", method, route,
				    (unsigned long long)cum);
		}
		put(o, "tc_fcgi_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
		    method, route,
		    (double)atomic_load_explicit(&s->sum_us, memory_order_relaxed) / 1e6);
		/* The +Inf bucket, not count: the two must agree within one scrape. */
		put(o, "tc_fcgi_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
		    method, route, (unsigned long long)cum);
	}
}

static void
render_process(struct metrics *m, struct out *o)
{
	uint64_t dbr = 0, dbe = 0, kvr = 0, kve = 0;

	for (int i = 0; i < m->nthreads; i++) {
		dbr += atomic_load_explicit(&m->slots[i].db_reconnects, memory_order_relaxed);
		dbe += atomic_load_explicit(&m->slots[i].db_errors, memory_order_relaxed);
		kvr += atomic_load_explicit(&m->slots[i].kv_reconnects, memory_order_relaxed);
		kve += atomic_load_explicit(&m->slots[i].kv_errors, memory_order_relaxed);
	}
	help(o, "tc_fcgi_requests_in_flight", "gauge", "Requests being served by this process.");
	put(o, "tc_fcgi_requests_in_flight %d\n",
	    atomic_load_explicit(&m->in_flight, memory_order_relaxed));
	help(o, "tc_fcgi_threads", "gauge", "Accepting threads of this process (fcgi.threads).");
	put(o, "tc_fcgi_threads %d\n", m->nthreads);
	help(o, "tc_fcgi_start_time_seconds", "gauge", "Start of this process, Unix time.");
	put(o, "tc_fcgi_start_time_seconds %lld\n", (long long)m->started);
	help(o, "tc_mariadb_reconnects_total", "counter",
	    "MariaDB connections re-established by this process's threads.");
	put(o, "tc_mariadb_reconnects_total %llu\n", (unsigned long long)dbr);
	help(o, "tc_mariadb_errors_total", "counter",
	    "MariaDB calls of this process that failed (server gone, statement error).");
	put(o, "tc_mariadb_errors_total %llu\n", (unsigned long long)dbe);
	help(o, "tc_redis_reconnects_total", "counter",
	    "Redis connections re-established by this process's threads.");
	put(o, "tc_redis_reconnects_total %llu\n", (unsigned long long)kvr);
	help(o, "tc_redis_errors_total", "counter",
	    "Redis commands of this process that failed (server gone, error reply).");
	put(o, "tc_redis_errors_total %llu\n", (unsigned long long)kve);
}

/* Milliseconds of a stream id "1700000000000-0". */
static long long
stream_id_ms(const char *id)
{
	return id != NULL ? strtoll(id, NULL, 10) : 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An integer reply, or -1. */
static long long
kv_int(struct kv *kv, const char *fmt, const char *key)
{
	redisReply *r;
	long long v = -1;

	if (kv_command(kv, &r, fmt, key) != TC_OK)
		return -1;
	if (r->type == REDIS_REPLY_INTEGER)
		v = r->integer;
	freeReplyObject(r);
	return v;
}

/* A counter kept as a string by INCR: its value, 0 when absent. */
static long long
kv_counter(struct kv *kv, const char *key)
{
	redisReply *r;
	long long v = 0;

	if (kv_command(kv, &r, "GET %s", key) != TC_OK)
		return 0;
	if (r->type == REDIS_REPLY_STRING)
		v = strtoll(r->str, NULL, 10);
	freeReplyObject(r);
	return v;
}

/* The same with a second argument. */
static long long
kv_int2(struct kv *kv, const char *fmt, const char *key, const char *arg)
{
	redisReply *r;
	long long v = -1;

	if (kv_command(kv, &r, fmt, key, arg) != TC_OK)
		return -1;
	if (r->type == REDIS_REPLY_INTEGER)
		v = r->integer;
	freeReplyObject(r);
	return v;
}

/* The value of field name in a flat [name, value, ...] reply, or NULL. */
static const redisReply *
pair_get(const redisReply *r, const char *name)
{
	for (size_t i = 0; r != NULL && i + 1 < r->elements; i += 2)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(r->element[i]->str, name) == 0)
			return r->element[i + 1];
	return NULL;
}

/* Label text from Redis: only [a-z0-9_], at most 32 bytes. */
static bool
label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static void
render_jobs_by_kind(struct kv *kv, struct out *o)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	size_t shown = 0;

	kv_global_key(key, sizeof(key), "stats:jobs");
	help(o, "tc_jobs_total", "counter",
	    "Jobs finished by the tc-worker processes, by kind and outcome (done, retry, "
	    "deferred, dead).");
	if (kv_command(kv, &r, "HGETALL %s", key) != TC_OK)
		return;
	for (size_t i = 0; i + 1 < r->elements && shown < JOB_FIELDS_MAX; i += 2) {
		const char *f = r->element[i]->str, *colon;
		const redisReply *v = r->element[i + 1];

		if (f == NULL || v->str == NULL || (colon = strchr(f, ':')) == NULL ||
		    !label_ok(f, (size_t)(colon - f)) || !label_ok(colon + 1, strlen(colon + 1)))
			continue;
		put(o, "tc_jobs_total{kind=\"%.*s\",outcome=\"%s\"} %lld\n", (int)(colon - f), f,
		    colon + 1, strtoll(v->str, NULL, 10));
		shown++;
	}
	freeReplyObject(r);
}

static void
render_deployment(struct kv *kv, int alive_seconds, struct out *o)
{
	char stream[TC_KEY_MAX], key[TC_KEY_MAX], now[24];
	long long len, pending = -1, lag = -1, consumers = -1, oldest_pending = 0,
	    oldest_waiting = 0, t = now_ms();
	redisReply *r, *g;
	bool up;

	kv_global_key(stream, sizeof(stream), JOBQUEUE_STREAM);
	len = kv_int(kv, "XLEN %s", stream);
	up = len >= 0;
	help(o, "tc_redis_up", "gauge", "1 when this scrape could read the job figures from Redis.");
	put(o, "tc_redis_up %d\n", up ? 1 : 0);
	if (!up)
		return;
	if (kv_command(kv, &r, "XINFO GROUPS %s", stream) == TC_OK) {
		for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
			const redisReply *name = pair_get(r->element[i], "name"), *v;
			const redisReply *last;

			if (name == NULL || name->str == NULL ||
			    strcmp(name->str, JOBQUEUE_GROUP) != 0)
				continue;
			if ((v = pair_get(r->element[i], "pending")) != NULL)
				pending = v->integer;
			if ((v = pair_get(r->element[i], "consumers")) != NULL)
				consumers = v->integer;
			if ((v = pair_get(r->element[i], "lag")) != NULL &&
			    v->type == REDIS_REPLY_INTEGER)
				lag = v->integer;
			/* The first entry not yet delivered: how long has it waited? */
			last = pair_get(r->element[i], "last-delivered-id");
			if (last != NULL && last->str != NULL && strlen(last->str) < 40) {
				char from[48];

				snprintf(from, sizeof(from), "(%s", last->str);
				if (kv_command(kv, &g, "XRANGE %s %s + COUNT 1", stream, from) == TC_OK) {
					if (g->type == REDIS_REPLY_ARRAY && g->elements == 1 &&
					    g->element[0]->elements == 2)
						oldest_waiting = t - stream_id_ms(
						    g->element[0]->element[0]->str);
					freeReplyObject(g);
				}
			}
		}
		freeReplyObject(r);
	}
	if (kv_command(kv, &r, "XPENDING %s %s", stream, JOBQUEUE_GROUP) == TC_OK) {
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
		    r->element[1]->type == REDIS_REPLY_STRING)
			oldest_pending = t - stream_id_ms(r->element[1]->str);
		freeReplyObject(r);
	}
	help(o, "tc_jobs_stream_length", "gauge", "Entries in the job stream tc:jobs (XLEN).");
	put(o, "tc_jobs_stream_length %lld\n", len);
	if (pending >= 0) {
		help(o, "tc_jobs_pending", "gauge",
		    "Jobs handed to a worker and not yet acknowledged (running, or of a worker "
		    "that died and not yet claimed).");
		put(o, "tc_jobs_pending %lld\n", pending);
		help(o, "tc_jobs_consumers", "gauge", "Consumers known to the group \"workers\".");
		put(o, "tc_jobs_consumers %lld\n", consumers);
	}
	if (lag >= 0) {
		help(o, "tc_jobs_lag", "gauge",
		    "Jobs on the stream not yet handed to any worker (XINFO GROUPS lag).");
		put(o, "tc_jobs_lag %lld\n", lag);
	}
	help(o, "tc_jobs_oldest_waiting_seconds", "gauge",
	    "Age of the oldest job not yet handed to a worker (0: none waits).");
	put(o, "tc_jobs_oldest_waiting_seconds %.3f\n",
	    oldest_waiting > 0 ? (double)oldest_waiting / 1000 : 0.0);
	help(o, "tc_jobs_oldest_pending_seconds", "gauge",
	    "Age of the oldest job handed to a worker and not yet acknowledged (0: none).");
	put(o, "tc_jobs_oldest_pending_seconds %.3f\n",
	    oldest_pending > 0 ? (double)oldest_pending / 1000 : 0.0);

	kv_global_key(key, sizeof(key), "jobs:delayed");
	help(o, "tc_jobs_delayed", "gauge", "Jobs waiting for a retry or a free LAS slot.");
	put(o, "tc_jobs_delayed %lld\n", kv_int(kv, "ZCARD %s", key));
	kv_global_key(key, sizeof(key), JOBQUEUE_DEAD);
	help(o, "tc_jobs_dead", "gauge", "Jobs parked as dead (tcctl jobs list).");
	put(o, "tc_jobs_dead %lld\n", kv_int(kv, "HLEN %s", key));
	render_jobs_by_kind(kv, o);

	kv_global_key(key, sizeof(key), "workers");
	snprintf(now, sizeof(now), "%lld", t - (long long)alive_seconds * 1000);
	help(o, "tc_workers_alive", "gauge",
	    "tc-worker processes whose heartbeat is recent (worker.claim_idle_seconds).");
	put(o, "tc_workers_alive %lld\n", kv_int2(kv, "ZCOUNT %s %s +inf", key, now));

	kv_global_key(key, sizeof(key), "imports:active");
	snprintf(now, sizeof(now), "%lld", t);
	help(o, "tc_imports_in_progress", "gauge",
	    "Imports started and not yet applied or cancelled, over all schools.");
	if (kv_command(kv, &r, "ZCOUNT %s %s +inf", key, now) == TC_OK) {
		put(o, "tc_imports_in_progress %lld\n", r->type == REDIS_REPLY_INTEGER ?
		    r->integer : 0);
		freeReplyObject(r);
	}
	/* Two GETs, not one MGET: in a Redis Cluster the keys may sit on
	 * different shards (docs/scaling.md). */
	kv_global_key(key, sizeof(key), "stats:mail_sent");
	help(o, "tc_mail_sent_total", "counter",
	    "E-mails handed to the mail relay by every tc-worker and tc-fcgi.");
	put(o, "tc_mail_sent_total %lld\n", kv_counter(kv, key));
	kv_global_key(key, sizeof(key), "stats:mail_failed");
	help(o, "tc_mail_failed_total", "counter",
	    "E-mails the mail relay did not take (each failed try counts).");
	put(o, "tc_mail_failed_total %lld\n", kv_counter(kv, key));
}

long
metrics_render(struct metrics *m, struct kv *kv, int alive_seconds, char *buf, size_t size)
{
	struct out o = { buf, size, 0, false };

	if (size == 0)
		return -1;
	buf[0] = '\0';
	render_requests(m, &o);
	render_process(m, &o);
	if (kv != NULL)
		render_deployment(kv, alive_seconds, &o);
	return o.full ? -1 : (long)o.len;
}
