/*
 * fuzz_query.c - libFuzzer target: the parts of a request that tc-fcgi
 * parses itself before any handler runs: the query string
 * (request_parse_query), the Cookie header (request_cookie), the path
 * against every route pattern (route_match), and the query values that the
 * list routes parse (search text, sort orders, status filters).  The input
 * is split at the first two NUL bytes: query, cookie header, path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "request.h"
#include "route.h"
#include "student.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct param params[TC_PARAMS_MAX];
	size_t n = 0, nroutes, nids;
	const struct route *routes;
	uint64_t ids[TC_ROUTE_ARGS_MAX];
	struct arena *a;
	char *buf, *parts[3] = { "", "", "" };
	char like[512];
	size_t at = 0;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (int i = 0; i < 3 && at <= size; i++) {
		parts[i] = buf + at;
		at += strlen(buf + at) + 1;
	}
	if ((a = arena_new()) == NULL) {
		free(buf);
		return 0;
	}
	if (request_parse_query(a, parts[0], params, TC_PARAMS_MAX, &n) == TC_OK) {
		for (size_t i = 0; i < n; i++) {
			const char *v = params[i].value;
			enum student_sort ss;
			enum group_sort gs;
			enum group_status_filter gf;
			bool active;

			if (v == NULL)
				continue;
			(void)student_like_pattern(v, like, sizeof(like));
			(void)student_sort_parse(v, &ss);
			(void)student_status_parse(v, &active);
			(void)group_sort_parse(v, &gs);
			(void)group_status_parse(v, &gf);
		}
	}
	(void)request_cookie(a, parts[1], "tc_session");
	(void)request_cookie(a, parts[1], "");
	routes = route_table(&nroutes);
	for (size_t i = 0; i < nroutes; i++) {
		nids = 0;
		(void)route_match(routes[i].pattern, parts[2], ids, &nids);
	}
	arena_free(a);
	free(buf);
	return 0;
}
