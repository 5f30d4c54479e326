/*
 * main.c - tc-worker: consumes the job stream and runs the clock-driven
 * tasks (docs/jobs.md).  worker.threads threads, each with its own MariaDB
 * and Redis connection; SIGTERM lets every thread finish its job, then exits.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "consumer.h"
#include "log.h"
#include "uwlr_client.h"

static const struct log_ctx ctx = { NULL, NULL, "worker" };

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "check-config", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config cfg;
	static struct proc proc;
	struct wctx *w;
	pthread_t *threads, hb;
	const char *path = NULL;
	char err[512] = "", name[96] = "", host[64];
	bool check_only = false;
	sigset_t sigs;
	int ch, sig, n;

	while ((ch = getopt_long(argc, argv, "c:n:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'n': snprintf(name, sizeof(name), "%s", optarg); break;
		case 'C': check_only = true; break;
		default:
			fprintf(stderr, "usage: tc-worker [--config FILE] [--name NAME] [--check-config]\n");
			return 2;
		}
	}
	if (sodium_init() < 0 || config_load(&cfg, path, err, sizeof(err)) != TC_OK) {
		fprintf(stderr, "tc-worker: %s\n", err);
		return 1;
	}
	if (check_only) {
		printf("tc-worker: configuration ok\n");
		return 0;
	}
	log_init("tc-worker", (enum log_level)cfg.log_level);
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	if (uwlr_client_init() != TC_OK) {
		fprintf(stderr, "tc-worker: libcurl failed to start\n");
		return 1;
	}
	if (name[0] == '\0') {
		gethostname(host, sizeof(host));
		host[sizeof(host) - 1] = '\0';
		snprintf(name, sizeof(name), "%s-%ld", host, (long)getpid());
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	n = cfg.worker_threads < CONSUMER_MAX_THREADS ? cfg.worker_threads : CONSUMER_MAX_THREADS;
	proc.cfg = &cfg;
	proc.nthreads = n;
	atomic_init(&proc.stopping, false);
	pthread_mutex_init(&proc.lock, NULL);
	w = calloc((size_t)n, sizeof(*w));
	threads = calloc((size_t)n, sizeof(*threads));
	if (w == NULL || threads == NULL)
		return 1;
	for (int i = 0; i < n; i++) {
		w[i].cfg = &cfg;
		w[i].proc = &proc;
		w[i].index = i;
		w[i].log.module = "worker";
		snprintf(w[i].consumer, sizeof(w[i].consumer), "%s-%d", name, i);
		snprintf(proc.consumers[i], sizeof(proc.consumers[i]), "%s", w[i].consumer);
		(void)db_open(&cfg, &w[i].db);
		(void)kv_open(&cfg, &w[i].kv);
		clock_init(&w[i].clock, &cfg);
		if (pthread_create(&threads[i], NULL, consumer_thread, &w[i]) != 0) {
			fprintf(stderr, "tc-worker: cannot start thread %d\n", i);
			return 1;
		}
	}
	pthread_create(&hb, NULL, consumer_heartbeat, &proc);
	log_msg(TC_LOG_INFO, &ctx, "started as %s with %d thread(s)", name, n);

	sigwait(&sigs, &sig);
	log_msg(TC_LOG_INFO, &ctx, "signal %d: finishing the jobs in hand", sig);
	atomic_store(&proc.stopping, true);
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	pthread_join(hb, NULL);
	for (int i = 0; i < n; i++) {
		db_close(w[i].db);
		kv_close(w[i].kv);
	}
	free(w);
	free(threads);
	uwlr_client_cleanup();
	log_msg(TC_LOG_INFO, &ctx, "stopped");
	return 0;
}
