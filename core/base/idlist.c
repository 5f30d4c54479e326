/* idlist.c - id lists for bulk statements and audit entries. */
#include "idlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

void
idlist_init(struct idlist *l, struct arena *a)
{
	memset(l, 0, sizeof(*l));
	l->arena = a;
}

tc_status
idlist_add(struct idlist *l, uint64_t id)
{
	if (l->n == TC_BULK_IDS_MAX)
		return TC_TOO_LARGE;
	if (l->n == l->cap) {
		size_t cap = l->cap == 0 ? 16 : l->cap * 2;
		uint64_t *v;

		if (cap > TC_BULK_IDS_MAX)
			cap = TC_BULK_IDS_MAX;
		if ((v = arena_alloc(l->arena, cap * sizeof(*v))) == NULL)
			return TC_INTERNAL;
		if (l->n > 0)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = id;
	return TC_OK;
}

static int
cmp_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void
idlist_normalize(struct idlist *l)
{
	size_t i, j;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_id);
	for (i = 1, j = 1; i < l->n; i++)
		if (l->v[i] != l->v[j - 1])
			l->v[j++] = l->v[i];
	l->n = j;
}

int
idlist_contains(const struct idlist *l, uint64_t id)
{
	return l->n > 0 && bsearch(&id, l->v, l->n, sizeof(*l->v), cmp_id) != NULL;
}

/* Writes the ids separated by sep between open and close. */
static char *
idlist_join(const struct idlist *l, const char *open, char sep, const char *close)
{
	size_t size = strlen(open) + strlen(close) + l->n * 21 + 1, off;
	char *buf;

	if ((buf = arena_alloc(l->arena, size)) == NULL)
		return NULL;
	off = (size_t)snprintf(buf, size, "%s", open);
	for (size_t i = 0; i < l->n; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%llu", i > 0 ? (char[]){ sep, 0 } : "",
		    (unsigned long long)l->v[i]);
	snprintf(buf + off, size - off, "%s", close);
	return buf;
}

char *
idlist_json(const struct idlist *l)
{
	return idlist_join(l, "[", ',', "]");
}

char *
idlist_csv(const struct idlist *l)
{
	return idlist_join(l, "", ',', "");
}

tc_status
idlist_collect(void *arg, const struct db_row *row)
{
	struct idlist *l = arg;

	if (row->vals[0] == NULL)
		return TC_OK;
	return idlist_add(l, strtoull(row->vals[0], NULL, 10));
}
