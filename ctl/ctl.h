/*
 * ctl.h - what the files of tcctl share: the connections of one run, the
 * error conventions (a bad argument: one line on stderr and exit 2, nothing
 * changed; a failing server: exit 1), and the commands of tcctl_ops.c.
 */
#ifndef TC_CTL_H
#define TC_CTL_H

#include "config.h"
#include "db.h"
#include "kv.h"
#include "status.h"
#include "tenant.h"

#define EXIT_USAGE	2

struct ctl {
	struct config	 cfg;
	struct db	*db;	/* opened on first use */
	struct kv	*kv;	/* opened on first use */
};

/* Prints "tcctl: <message>" and exits 2. */
void		ctl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Prints "tcctl: what: status" and returns the exit status for st. */
int		ctl_fail(tc_status st, const char *what);

/* The connections, opened on first use (MariaDB down: exit 1). */
struct db	*ctl_db(struct ctl *);
struct kv	*ctl_kv(struct ctl *);

/* The school with slug, or exit 2. */
void		ctl_find_tenant(struct ctl *, const char *slug, struct tenant *t);

/* After a COMMIT that changed records of t: its cached lists are stale
 * (answercache.h); a warning on stderr when Redis cannot be told. */
void		ctl_changed(struct ctl *, const struct tenant *t);

/* tcctl_ops.c */
int		ctl_clock_set(struct ctl *, int argc, char **argv);
int		ctl_clock_reset(struct ctl *, int argc, char **argv);
int		ctl_clock_show(struct ctl *, int argc, char **argv);
int		ctl_jobs_list(struct ctl *, int argc, char **argv);
int		ctl_jobs_show(struct ctl *, int argc, char **argv);
int		ctl_jobs_retry(struct ctl *, int argc, char **argv);
int		ctl_jobs_drop(struct ctl *, int argc, char **argv);
int		ctl_task_run(struct ctl *, int argc, char **argv);
int		ctl_las_test(struct ctl *, int argc, char **argv);
int		ctl_las_fetch(struct ctl *, int argc, char **argv);
int		ctl_import_run(struct ctl *, int argc, char **argv);
int		ctl_import_show(struct ctl *, int argc, char **argv);
int		ctl_mail_test(struct ctl *, int argc, char **argv);
int		ctl_cache_drop(struct ctl *, int argc, char **argv);

/* tcctl_care.c */
int		ctl_status(struct ctl *, int argc, char **argv);
int		ctl_export(struct ctl *, int argc, char **argv);
int		ctl_erase_tenant(struct ctl *, int argc, char **argv);

#endif
