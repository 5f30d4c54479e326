/*
 * arena.h - one memory pool per request or job.
 *
 * Everything a request allocates comes from its arena or is registered on it
 * with a cleanup hook (MYSQL_RES, json_t, xmlDoc, redisReply, ...), so one
 * arena_free() at the end releases it all and early returns cannot leak.
 */
#ifndef TC_ARENA_H
#define TC_ARENA_H

#include <stddef.h>

struct arena;

/* Returns a new arena, or NULL when out of memory.  Free with arena_free(). */
struct arena	*arena_new(void);

/* Runs the cleanup hooks (last registered first) and frees every block. */
void		 arena_free(struct arena *);

/* Same as free and new, but keeps the first block for the next request. */
void		 arena_reset(struct arena *);

/* Zeroed memory owned by the arena, or NULL when out of memory. */
void		*arena_alloc(struct arena *, size_t size);

/* A copy of s (of n bytes plus a NUL) owned by the arena. */
char		*arena_strndup(struct arena *, const char *s, size_t n);
char		*arena_strdup(struct arena *, const char *s);

/* printf into arena memory. */
char		*arena_printf(struct arena *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Calls fn(ptr) when the arena is freed or reset.  Returns 0, -1 when out of
 * memory (then fn(ptr) has already been called). */
int		 arena_defer(struct arena *, void (*fn)(void *), void *ptr);

#endif
