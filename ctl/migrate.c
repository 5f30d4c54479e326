/* migrate.c - apply sql/NNN_*.sql in order, each once. */
#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MIGRATIONS_MAX	999

static const char sql_create[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(200) NOT NULL,"
    " applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
static const char sql_current[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_applied[] = "SELECT COUNT(*) FROM schema_migrations WHERE version = ?";
static const char sql_record[] = "INSERT INTO schema_migrations (version, name) VALUES (?, ?)";

struct migration {
	int	version;
	char	name[256];
};

static int
cmp_migration(const void *a, const void *b)
{
	return ((const struct migration *)a)->version - ((const struct migration *)b)->version;
}

/* NNN_word.sql → version NNN; -1 for any other name. */
static int
migration_version(const char *name)
{
	size_t n = strlen(name);
	int v = 0;

	if (n < 9 || strcmp(name + n - 4, ".sql") != 0 || name[3] != '_')
		return -1;
	for (int i = 0; i < 3; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v > 0 ? v : -1;
}

static tc_status
list_migrations(const char *dir, struct migration *m, size_t *n, char *err, size_t errlen)
{
	struct dirent *de;
	DIR *d;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return TC_INVALID;
	}
	while ((de = readdir(d)) != NULL) {
		int v = migration_version(de->d_name);

		if (v < 0)
			continue;
		if (*n == MIGRATIONS_MAX || strlen(de->d_name) >= sizeof(m->name)) {
			closedir(d);
			snprintf(err, errlen, "%s: too many migrations", dir);
			return TC_INVALID;
		}
		m[*n].version = v;
		snprintf(m[*n].name, sizeof(m[*n].name), "%s", de->d_name);
		(*n)++;
	}
	closedir(d);
	qsort(m, *n, sizeof(*m), cmp_migration);
	for (size_t i = 1; i < *n; i++)
		if (m[i].version == m[i - 1].version) {
			snprintf(err, errlen, "%s and %s have the same number", m[i - 1].name,
			    m[i].name);
			return TC_INVALID;
		}
	return TC_OK;
}

static char *
read_file(const char *path, char *err, size_t errlen)
{
	FILE *f;
	long size;
	char *buf;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)size + 1)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "%s: cannot read", path);
		return NULL;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		snprintf(err, errlen, "%s: short read", path);
		return NULL;
	}
	fclose(f);
	buf[size] = '\0';
	return buf;
}

tc_status
migrate_current(struct db *db, long long *version)
{
	tc_status st;

	if ((st = db_exec(db, sql_create, DB_NOARGS, NULL, NULL)) != TC_OK)
		return st;
	return db_query_int(db, sql_current, DB_NOARGS, version);
}

tc_status
migrate_apply(struct db *db, const char *dir, FILE *out, char *err, size_t errlen)
{
	static struct migration m[MIGRATIONS_MAX];	/* tcctl is single-threaded */
	char path[TC_PATH_MAX + 256];
	long long current, applied;
	size_t n;
	tc_status st;
	int done = 0;

	if ((st = list_migrations(dir, m, &n, err, errlen)) != TC_OK)
		return st;
	if ((st = migrate_current(db, &current)) != TC_OK) {
		snprintf(err, errlen, "cannot read schema_migrations (%s)", status_name(st));
		return st;
	}
	if (n > 0 && current > m[n - 1].version) {
		snprintf(err, errlen, "the database is at migration %lld, newer than this "
		    "program knows (%d): upgrade tcctl first", current, m[n - 1].version);
		return TC_CONFLICT;
	}
	for (size_t i = 0; i < n; i++) {
		char *text;

		if ((st = db_query_int(db, sql_applied, DB_ARGS(DB_INT(m[i].version)), &applied)) != TC_OK)
			return st;
		if (applied > 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, m[i].name);
		if ((text = read_file(path, err, errlen)) == NULL)
			return TC_INVALID;
		st = db_run_script(db, text, err, errlen);
		free(text);
		if (st != TC_OK)
			return st;
		if ((st = db_exec(db, sql_record, DB_ARGS(DB_INT(m[i].version), DB_STR(m[i].name)),
		    NULL, NULL)) != TC_OK) {
			snprintf(err, errlen, "%s applied but not recorded", m[i].name);
			return st;
		}
		fprintf(out, "applied %s\n", m[i].name);
		done++;
	}
	if (done == 0)
		fprintf(out, "database is up to date (migration %lld)\n", current);
	return TC_OK;
}
