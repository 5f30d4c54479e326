/*
 * fcgi_hello.c - the baseline of tests/bench/run: the barest libfcgi
 * responder, with the same threading as tc-fcgi (T threads accepting on one
 * socket with FCGX_Accept_r), answering every request with a small JSON
 * body.  Whatever tc-fcgi costs on top of this is ours.
 *
 *   fcgi_hello unix:/path/sock [THREADS]      (default 8 threads)
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcgiapp.h>

static int listen_fd;

/* libfcgi's own SIGTERM handler only sets a flag that a blocked accept never
 * sees: stop at once instead (there is nothing to finish). */
static void
on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static void *
serve(void *arg)
{
	FCGX_Request r;

	(void)arg;
	if (FCGX_InitRequest(&r, listen_fd, 0) != 0)
		return NULL;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n"
		    "{\"status\":\"ok\"}", r.out);
		FCGX_Finish_r(&r);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *path;
	pthread_t *t;
	int n;

	if (argc < 2 || strncmp(argv[1], "unix:", 5) != 0) {
		fprintf(stderr, "usage: fcgi_hello unix:PATH [THREADS]\n");
		return 2;
	}
	path = argv[1] + 5;
	n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 8;
	if (n < 1 || n > 256)
		n = 8;
	if (FCGX_Init() != 0)
		return 1;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	unlink(path);
	if ((listen_fd = FCGX_OpenSocket(path, 1024)) < 0) {
		perror(path);
		return 1;
	}
	chmod(path, 0666);
	if ((t = calloc((size_t)n, sizeof(*t))) == NULL)
		return 1;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, serve, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
