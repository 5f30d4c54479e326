/*
 * main.c - tc-worker: consumes the job stream and runs the clock-driven
 * tasks.  This first version joins the consumer group, waits for jobs, logs
 * what it sees and stops cleanly on SIGTERM; the job kinds arrive with their
 * issues (docs/jobs.md).
 */
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "kv.h"
#include "log.h"

#define JOB_STREAM	"jobs"
#define JOB_GROUP	"workers"

static volatile sig_atomic_t stop_requested;	/* set by the signal handler only */

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const struct log_ctx ctx = { NULL, NULL, "worker" };

static void
ensure_group(struct kv *kv, const char *stream)
{
	redisReply *r;

	/* BUSYGROUP (the group exists) comes back as an error reply: fine. */
	if (kv_command(kv, &r, "XGROUP CREATE %s %s $ MKSTREAM", stream, JOB_GROUP) == TC_OK)
		freeReplyObject(r);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config cfg;
	struct db *db = NULL;
	struct kv *kv = NULL;
	const char *path = NULL;
	char err[512], stream[TC_KEY_MAX], consumer[96], host[64];
	struct sigaction sa;
	int ch;

	consumer[0] = '\0';
	while ((ch = getopt_long(argc, argv, "c:n:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'n': snprintf(consumer, sizeof(consumer), "%s", optarg); break;
		default:
			fprintf(stderr, "usage: tc-worker [--config FILE] [--name NAME]\n");
			return 2;
		}
	}
	if (sodium_init() < 0 || config_load(&cfg, path, err, sizeof(err)) != TC_OK) {
		fprintf(stderr, "tc-worker: %s\n", err);
		return 1;
	}
	log_init("tc-worker", (enum log_level)cfg.log_level);
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	if (consumer[0] == '\0') {
		gethostname(host, sizeof(host));
		host[sizeof(host) - 1] = '\0';
		snprintf(consumer, sizeof(consumer), "%s-%ld", host, (long)getpid());
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	(void)db_open(&cfg, &db);
	(void)kv_open(&cfg, &kv);
	kv_global_key(stream, sizeof(stream), JOB_STREAM);
	ensure_group(kv, stream);
	log_msg(TC_LOG_INFO, &ctx, "started as consumer %s", consumer);
	while (!stop_requested) {
		redisReply *r;

		/* Short blocks so that a stop request is seen within a second. */
		if (kv_command(kv, &r, "XREADGROUP GROUP %s %s COUNT 1 BLOCK 1000 STREAMS %s >",
		    JOB_GROUP, consumer, stream) != TC_OK) {
			ensure_group(kv, stream);
			sleep(1);
			continue;
		}
		if (r->type == REDIS_REPLY_ARRAY && r->elements > 0)
			log_msg(TC_LOG_INFO, &ctx, "job received");
		freeReplyObject(r);
	}
	log_msg(TC_LOG_INFO, &ctx, "stopped");
	db_close(db);
	kv_close(kv);
	return 0;
}
