/*
 * migrate.h - numbered schema migrations (sql/NNN_name.sql), applied in
 * order, each once, recorded in schema_migrations.  A database that has a
 * migration newer than this program knows is refused.
 */
#ifndef TC_MIGRATE_H
#define TC_MIGRATE_H

#include <stdio.h>

#include "db.h"
#include "status.h"

/* Applies what is missing from dir; reports each step on out.  On failure
 * writes the reason into err. */
tc_status	migrate_apply(struct db *, const char *dir, FILE *out, char *err, size_t errlen);

/* The highest applied version (0 for an empty database). */
tc_status	migrate_current(struct db *, long long *version);

#endif
