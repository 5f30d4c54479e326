/*
 * main.c - tc-fcgi: the FastCGI worker.
 *
 * One process runs T threads; each thread accepts requests on the shared
 * socket and owns one MariaDB and one Redis connection.  SIGTERM (or SIGINT)
 * stops accepting, lets every request in flight finish, then exits.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mail.h"
#include "metrics.h"
#include "request.h"
#include "response.h"
#include "route.h"

struct server {
	const struct config	*cfg;
	int			 listen_fd;
	atomic_bool		 stopping;
	atomic_int		 busy;		/* requests in flight */
};

#define STOP_GRACE	30	/* seconds for requests in flight at SIGTERM */

static const struct log_ctx mainctx = { NULL, NULL, "main" };

static void
serve_one(struct worker *w, FCGX_Request *f, struct arena *a)
{
	struct request r;
	double ms;

	metrics_begin(w->metrics);
	if (request_init(&r, f, w, a) != TC_OK)
		response_error(&r, 400, "bad_request", "Het verzoek is niet geldig.");
	else
		route_dispatch(&r);
	ms = request_elapsed_ms(&r);
	log_request(&r.log, r.method, r.route, r.status, ms);
	metrics_end(w->metrics, r.method, r.route, r.status, ms);
	metrics_connections(w->metrics, w->index, w->db, w->kv);
}

static void *
thread_main(void *arg)
{
	struct worker *w = arg;
	struct server *srv = w->server;
	FCGX_Request f;
	struct arena *a;
	int rc;

	if ((a = arena_new()) == NULL || FCGX_InitRequest(&f, srv->listen_fd, 0) != 0) {
		log_msg(TC_LOG_ERROR, &mainctx, "thread %d: out of memory", w->index);
		arena_free(a);
		return NULL;
	}
	(void)db_open(w->cfg, &w->db);
	(void)kv_open(w->cfg, &w->kv);
	clock_init(&w->clock, w->cfg);
	w->tenants = resolve_new();
	/*
	 * No accept lock: accept(2) is thread-safe on Linux, and a lock held
	 * while libfcgi waits for the next request on a kept nginx connection
	 * would stop every other thread.
	 */
	while (!atomic_load(&srv->stopping)) {
		rc = FCGX_Accept_r(&f);
		if (rc < 0) {
			if (atomic_load(&srv->stopping))
				break;
			continue;
		}
		atomic_fetch_add(&srv->busy, 1);
		serve_one(w, &f, a);
		FCGX_Finish_r(&f);
		arena_reset(a);
		atomic_fetch_sub(&srv->busy, 1);
	}
	FCGX_Free(&f, 1);
	arena_free(a);
	resolve_free(w->tenants);
	db_close(w->db);
	kv_close(w->kv);
	return NULL;
}

/*
 * The FastCGI socket (issue 19): whoever can write to it can forge the client
 * address and the school host, so a unix socket is 0660, created so (umask,
 * no window at 0666), and given to fcgi.socket_group, the group nginx's
 * workers run in.  A TCP listener on all addresses is warned about: it
 * belongs on a private address behind a firewall (docs/operations.md).
 */
static int
open_listener(const struct config *cfg)
{
	const char *listen = cfg->fcgi_listen;
	int fd;

	if (strncmp(listen, "unix:", 5) == 0) {
		const char *path = listen + 5;
		struct group *gr = NULL;
		mode_t old;

		if (cfg->fcgi_socket_group[0] != '\0' &&
		    (gr = getgrnam(cfg->fcgi_socket_group)) == NULL) {
			fprintf(stderr, "tc-fcgi: fcgi.socket_group: no group \"%s\"\n",
			    cfg->fcgi_socket_group);
			return -1;
		}
		unlink(path);
		old = umask(0117);
		fd = FCGX_OpenSocket(path, 1024);
		umask(old);
		if (fd >= 0 && ((gr != NULL && chown(path, (uid_t)-1, gr->gr_gid) != 0) ||
		    chmod(path, 0660) != 0)) {
			close(fd);
			return -1;
		}
		return fd;
	}
	/* host:port; libfcgi takes ":port" for all addresses or "host:port". */
	if (listen[0] == ':' || strncmp(listen, "0.0.0.0:", 8) == 0 ||
	    strncmp(listen, "*:", 2) == 0 || strncmp(listen, "[::]:", 5) == 0)
		log_msg(TC_LOG_WARN, &mainctx, "fcgi.listen %s: FastCGI on all addresses; anyone "
		    "who reaches it can forge the client address and the school: listen on a "
		    "private address behind a firewall", listen);
	return FCGX_OpenSocket(listen, 1024);
}

static void
usage(void)
{
	fprintf(stderr, "usage: tc-fcgi [--config FILE] [--listen unix:PATH|HOST:PORT]"
	    " [--threads N] [--check-config] [--routes]\n");
	exit(2);
}

static void
print_routes(void)
{
	static const char *const auth[] = { "none", "school", "session", "admin" };
	const struct route *rt;
	size_t n;

	rt = route_table(&n);
	for (size_t i = 0; i < n; i++)
		printf("%s %s %s\n", rt[i].method, rt[i].pattern, auth[rt[i].auth]);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "routes", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config cfg;
	struct server srv;
	struct metrics *metrics;
	struct worker *workers;
	pthread_t *threads;
	const char *path = NULL, *listen = NULL, *threads_arg = NULL;
	char err[512];
	bool check_only = false;
	sigset_t sigs;
	int ch, sig, n;

	while ((ch = getopt_long(argc, argv, "c:l:t:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'l': listen = optarg; break;
		case 't': threads_arg = optarg; break;
		case 'C': check_only = true; break;
		case 'R': print_routes(); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (sodium_init() < 0) {
		fprintf(stderr, "tc-fcgi: libsodium failed to start\n");
		return 1;
	}
	if (config_load(&cfg, path, err, sizeof(err)) != TC_OK ||
	    (listen != NULL && config_set(&cfg, "fcgi.listen", listen, err, sizeof(err)) != TC_OK) ||
	    (threads_arg != NULL &&
	    config_set(&cfg, "fcgi.threads", threads_arg, err, sizeof(err)) != TC_OK)) {
		fprintf(stderr, "tc-fcgi: %s\n", err);
		return 1;
	}
	/* The web tier never decrypts a LAS key (issue 19): only tc-worker and
	 * tcctl call the LAS, so a compromised tc-fcgi must not hold the key. */
	if (cfg.secret_key_file[0] != '\0') {
		fprintf(stderr, "tc-fcgi: secret.key_file: tc-fcgi must not hold the key of the LAS "
		    "keys; leave it out of tc-fcgi's configuration (or set TC_SECRET_KEY_FILE=)\n");
		return 1;
	}
	if (check_only) {
		printf("tc-fcgi: configuration ok\n");
		return 0;
	}
	log_init("tc-fcgi", (enum log_level)cfg.log_level);
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();

	/* Signals are taken by sigwait below, never by a handler. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (mail_init() != TC_OK) {
		fprintf(stderr, "tc-fcgi: libcurl failed to start\n");
		return 1;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "tc-fcgi: FCGX_Init failed\n");
		return 1;
	}
	memset(&srv, 0, sizeof(srv));
	srv.cfg = &cfg;
	atomic_init(&srv.stopping, false);
	atomic_init(&srv.busy, 0);
	if ((srv.listen_fd = open_listener(&cfg)) < 0) {
		fprintf(stderr, "tc-fcgi: cannot listen on %s: %s\n", cfg.fcgi_listen,
		    strerror(errno));
		return 1;
	}
	n = cfg.fcgi_threads;
	workers = calloc((size_t)n, sizeof(*workers));
	threads = calloc((size_t)n, sizeof(*threads));
	metrics = metrics_new(n);
	if (workers == NULL || threads == NULL || metrics == NULL)
		return 1;
	for (int i = 0; i < n; i++) {
		workers[i].cfg = &cfg;
		workers[i].metrics = metrics;
		workers[i].index = i;
		workers[i].server = &srv;
		if (pthread_create(&threads[i], NULL, thread_main, &workers[i]) != 0) {
			fprintf(stderr, "tc-fcgi: cannot start thread %d\n", i);
			return 1;
		}
	}
	log_msg(TC_LOG_INFO, &mainctx, "listening on %s with %d threads", cfg.fcgi_listen, n);

	sigwait(&sigs, &sig);
	log_msg(TC_LOG_INFO, &mainctx, "signal %d: finishing requests in flight", sig);
	atomic_store(&srv.stopping, true);
	FCGX_ShutdownPending();
	/* Wakes the threads blocked in accept(); no new connection is taken. */
	shutdown(srv.listen_fd, SHUT_RDWR);
	/*
	 * Wait for the requests in flight (at most STOP_GRACE seconds).  Threads
	 * idle on a kept nginx connection are not waited for: nginx retries an
	 * idempotent request elsewhere when the connection closes.
	 */
	for (int waited = 0; waited < STOP_GRACE * 20; waited++) {
		usleep(50 * 1000);
		if (atomic_load(&srv.busy) == 0)
			break;
	}
	close(srv.listen_fd);
	if (strncmp(cfg.fcgi_listen, "unix:", 5) == 0)
		unlink(cfg.fcgi_listen + 5);
	log_msg(TC_LOG_INFO, &mainctx, "stopped");
	/* Threads may still sit in read(2) on kept connections: leave now. */
	fflush(NULL);
	_exit(0);
}
