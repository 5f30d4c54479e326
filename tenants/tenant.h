/*
 * tenant.h - the registry of schools (tenants) and their LAS links.
 *
 * The registry is the one table not keyed by tenant_id: it is what maps a
 * Host header or a slug to a school.  Changes bump a version in Redis
 * (tenant_touch) so that every tc-fcgi process drops its cached lookups.
 */
#ifndef TC_TENANT_H
#define TC_TENANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "kv.h"
#include "limits.h"
#include "status.h"

struct tenant {
	uint64_t	id;
	char		slug[TC_SLUG_MAX + 1];
	char		name[TC_NAME_MAX + 1];
	char		host[TC_HOST_MAX + 1];
	bool		active;
	/* The UWLR link; las_url[0] == '\0' when the school has none. */
	char		brin[5];
	char		dependancecode[3];
	char		las_url[1001];
	char		las_klantcode[257];
	char		las_klantnaam[257];
	char		las_xsd[8];
	char		las_gegevenssetid[65];
	bool		las_soapaction_quoted;
	char		las_client_cert[TC_PATH_MAX];
	char		las_client_key[TC_PATH_MAX];
	char		las_ca_file[TC_PATH_MAX];
	bool		has_las_key;
	bool		sync_enabled;
};

/* Field validators: true when s is acceptable. */
bool		tenant_slug_valid(const char *s);	/* [a-z0-9-], 2..40, no leading '-' */
bool		tenant_brin_valid(const char *s);	/* 2 digits + 2 capitals */
bool		tenant_dependancecode_valid(const char *s);	/* 2 digits */
bool		tenant_las_url_valid(const char *s);	/* http:// or https:// */
bool		tenant_xsd_valid(const char *s);	/* "2.2" or "2.3" */

/* Normalises a Host header value into out: lower case, port and a trailing dot
 * removed.  TC_INVALID when it is not a plausible host name. */
tc_status	tenant_host_normalize(const char *in, char *out, size_t size);

/* Adds t (id ignored); sealed_key may be NULL.  TC_CONFLICT when the slug or
 * host is taken. */
tc_status	tenant_add(struct db *, const struct tenant *t, const unsigned char *sealed_key,
		    size_t sealed_len, uint64_t *id);

/* Writes every field of t except id and slug; sealed_key NULL keeps the key. */
tc_status	tenant_update(struct db *, const struct tenant *t,
		    const unsigned char *sealed_key, size_t sealed_len);

tc_status	tenant_find_by_host(struct db *, const char *host, struct tenant *out);
tc_status	tenant_find_by_slug(struct db *, const char *slug, struct tenant *out);
tc_status	tenant_find_by_id(struct db *, uint64_t id, struct tenant *out);

/* The sealed UWLR key of a school into buf (size bytes); *len 0 when none. */
tc_status	tenant_sealed_key(struct db *, uint64_t id, unsigned char *buf, size_t size,
		    size_t *len);

/* Calls fn for every school, ordered by slug. */
tc_status	tenant_list(struct db *, tc_status (*fn)(void *arg, const struct tenant *),
		    void *arg);

/* Tells every process that the registry changed. */
tc_status	tenant_touch(struct kv *);

/* The registry version (0 when never changed). */
tc_status	tenant_version(struct kv *, long long *version);

#endif
