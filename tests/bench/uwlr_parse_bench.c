/*
 * uwlr_parse_bench.c - parse a UWLR response from a file in 64 KiB chunks,
 * as the client does from curl's write callback, and print one line:
 *   bytes seconds MB/s pupils groups teachers maxrss_kb
 * Usage: uwlr_parse_bench FILE [REPEAT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "uwlr.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static char buf[65536];
	struct rusage ru;
	double best = 1e30;
	size_t bytes = 0, np = 0, ng = 0, nt = 0;
	int repeat = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1;

	if (argc < 2) {
		fprintf(stderr, "usage: uwlr_parse_bench FILE [REPEAT]\n");
		return 2;
	}
	for (int i = 0; i < (repeat > 0 ? repeat : 1); i++) {
		FILE *f = fopen(argv[1], "rb");
		struct uwlr_parser *p = uwlr_parser_new(0);
		struct uwlr_result *r = NULL;
		char err[256];
		size_t n;
		double t0;

		if (f == NULL || p == NULL) {
			perror(argv[1]);
			return 1;
		}
		bytes = 0;
		t0 = now();
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
			bytes += n;
			if (uwlr_parser_feed(p, buf, n) != TC_OK)
				break;
		}
		if (uwlr_parser_finish(p, &r, err, sizeof(err)) != TC_OK) {
			fprintf(stderr, "%s: %s\n", argv[1], err);
			return 1;
		}
		if (now() - t0 < best)
			best = now() - t0;
		np = r->n_pupils;
		ng = r->n_groups;
		nt = r->n_teachers;
		uwlr_result_free(r);
		uwlr_parser_free(p);
		fclose(f);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%zu %.3f %.1f %zu %zu %zu %ld\n", bytes, best, (double)bytes / 1e6 / best, np, ng,
	    nt, ru.ru_maxrss);
	return 0;
}
