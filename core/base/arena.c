/* arena.c - bump allocator with cleanup hooks. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK	(16 * 1024)

struct block {
	struct block	*next;
	size_t		 size;
	size_t		 used;
	max_align_t	 data[];
};

struct hook {
	struct hook	*next;
	void		(*fn)(void *);
	void		*ptr;
};

struct arena {
	struct block	*blocks;	/* newest first; the last is kept on reset */
	struct hook	*hooks;		/* newest first */
};

static struct block *
block_new(size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *
arena_new(void)
{
	struct arena *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if ((a->blocks = block_new(ARENA_BLOCK)) == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

static void
arena_run_hooks(struct arena *a)
{
	struct hook *h;

	while ((h = a->hooks) != NULL) {
		a->hooks = h->next;
		h->fn(h->ptr);
		/* hooks live in arena memory: nothing to free */
	}
}

void
arena_reset(struct arena *a)
{
	struct block *b;

	if (a == NULL)
		return;
	arena_run_hooks(a);
	while (a->blocks->next != NULL) {
		b = a->blocks;
		a->blocks = b->next;
		free(b);
	}
	a->blocks->used = 0;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a->blocks);
	free(a);
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct block *b = a->blocks;
	size_t align = _Alignof(max_align_t);
	void *p;

	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	if (b->size - b->used < size) {
		if ((b = block_new(size > ARENA_BLOCK ? size : ARENA_BLOCK)) == NULL)
			return NULL;
		b->next = a->blocks;
		a->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int
arena_defer(struct arena *a, void (*fn)(void *), void *ptr)
{
	struct hook *h;

	if ((h = arena_alloc(a, sizeof(*h))) == NULL) {
		fn(ptr);
		return -1;
	}
	h->fn = fn;
	h->ptr = ptr;
	h->next = a->hooks;
	a->hooks = h;
	return 0;
}
