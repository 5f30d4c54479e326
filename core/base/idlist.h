/*
 * idlist.h - a list of record ids for the bulk calls (deactivate, reactivate,
 * delete, group membership), kept in arena memory.
 *
 * Bulk statements take the ids as one JSON array parameter ("[1,2,3]") that
 * MariaDB reads with JSON_TABLE, so one constant statement serves any number
 * of ids (up to TC_BULK_IDS_MAX).  Audit entries take them comma-separated.
 */
#ifndef TC_IDLIST_H
#define TC_IDLIST_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "status.h"

/* The ids of one JSON array parameter as a subquery: "... AND id IN " IDLIST_SQL
 * (for SELECT and INSERT ... SELECT, which MariaDB runs as a semi-join).  Good
 * when the column follows tenant_id in the primary key; otherwise MariaDB may
 * read every row of the school and filter: let IDLIST_TABLE drive the join. */
#define IDLIST_SQL "(SELECT j.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS j)"

/* The ids as a table: "FROM " IDLIST_TABLE " JOIN ..." where the ids should
 * drive the join (with STRAIGHT_JOIN), or joined to a table: for UPDATE and
 * DELETE MariaDB 10.11 runs a subquery once per row (quadratic), a join once.
 * "UPDATE students s " IDLIST_JOIN "s.id SET ..."; the JSON parameter comes
 * first. */
#define IDLIST_TABLE "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS j"
#define IDLIST_JOIN "JOIN " IDLIST_TABLE " ON j.id = "

struct idlist {
	uint64_t	*v;
	size_t		 n;
	size_t		 cap;
	struct arena	*arena;		/* owns v */
};

/* An empty list whose memory comes from a. */
void		 idlist_init(struct idlist *, struct arena *a);

/* Appends id.  TC_TOO_LARGE past TC_BULK_IDS_MAX, TC_INTERNAL without memory. */
tc_status	 idlist_add(struct idlist *, uint64_t id);

/* Sorts ascending and drops duplicates. */
void		 idlist_normalize(struct idlist *);

/* True when id is in l (which must be normalized). */
int		 idlist_contains(const struct idlist *l, uint64_t id);

/* "[1,2,3]" for a JSON_TABLE parameter, in arena memory; NULL without memory. */
char		*idlist_json(const struct idlist *);

/* "1,2,3" for audit entries ("" for none), in arena memory; NULL without memory. */
char		*idlist_csv(const struct idlist *);

/* A db_row_fn that appends the first column of each row to the idlist arg. */
tc_status	 idlist_collect(void *arg, const struct db_row *row);

#endif
