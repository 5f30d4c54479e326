/* resolve.c - a small per-thread cache in front of tenant_find_by_host. */
#include "resolve.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
	bool		used;
	bool		found;		/* false: a cached "no such school" */
	time_t		at;
	struct tenant	t;
	char		host[TC_HOST_MAX + 1];
};

struct resolve_cache {
	long long	version;	/* registry version the slots belong to */
	time_t		checked;	/* when version was last read */
	struct slot	slots[RESOLVE_SLOTS];
};

struct resolve_cache *
resolve_new(void)
{
	struct resolve_cache *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->version = -1;
	return c;
}

void
resolve_free(struct resolve_cache *c)
{
	free(c);
}

static unsigned
host_hash(const char *s)
{
	unsigned h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h % RESOLVE_SLOTS;
}

/* Drops every slot when the registry changed (or Redis cannot tell). */
static void
resolve_check_version(struct resolve_cache *c, struct kv *kv, time_t now)
{
	long long v;

	if (c->checked == now)
		return;
	c->checked = now;
	if (tenant_version(kv, &v) != TC_OK)
		v = -2;		/* unknown: trust only the TTL */
	if (v != c->version) {
		memset(c->slots, 0, sizeof(c->slots));
		c->version = v;
	}
}

tc_status
resolve_host(struct resolve_cache *c, struct db *db, struct kv *kv, const char *host,
    struct tenant *out)
{
	char norm[TC_HOST_MAX + 1];
	struct slot *s;
	time_t now = time(NULL);
	tc_status st;

	if (tenant_host_normalize(host, norm, sizeof(norm)) != TC_OK)
		return TC_NOT_FOUND;
	resolve_check_version(c, kv, now);
	s = &c->slots[host_hash(norm)];
	if (s->used && strcmp(s->host, norm) == 0 && now - s->at < RESOLVE_TTL) {
		if (!s->found)
			return TC_NOT_FOUND;
		*out = s->t;
		return TC_OK;
	}
	st = tenant_find_by_host(db, norm, out);
	if (st != TC_OK && st != TC_NOT_FOUND)
		return st;
	s->used = true;
	s->at = now;
	s->found = st == TC_OK && out->active;
	memcpy(s->host, norm, sizeof(norm));
	if (s->found)
		s->t = *out;
	return s->found ? TC_OK : TC_NOT_FOUND;
}
