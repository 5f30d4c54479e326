/* dailytask.c - one job per school for the day's task. */
#include "dailytask.h"

#include <stdio.h>
#include <string.h>

#include "jobqueue.h"
#include "schoolyear.h"
#include "tenant.h"
#include "year.h"

struct scan {
	struct db		*db;
	struct kv		*kv;
	const struct config	*cfg;
	const char		*task;
	const char		*date;
	int			 year;		/* the current school year */
	uint64_t		 only;		/* one school, or 0 */
	unsigned		 count;
};

static tc_status
scan_school(void *arg, const struct tenant *t)
{
	struct scan *s = arg;
	json_t *p;
	int active = 0, due = 0;
	bool las = t->las_url[0] != '\0' && t->has_las_key;
	tc_status st;

	if (!t->active || (s->only != 0 && t->id != s->only))
		return TC_OK;
	if (strcmp(s->task, "activate") == 0) {
		st = year_active(s->db, t->id, &active);
		if (st != TC_OK && st != TC_NOT_FOUND)
			return st;
		/* A school without any year has not started with us yet. */
		if (st == TC_NOT_FOUND)
			return TC_OK;
		/* Active already: the job still keeps the import it owes live. */
		if (active >= s->year && (st = year_import_due(s->db, t->id, las, &due)) != TC_OK)
			return st;
		if (active >= s->year && (due == 0 || !las))
			return TC_OK;
		p = json_pack("{s:s, s:i}", "date", s->date, "year", s->year);
		st = jobqueue_add(s->kv, "auto_activate", t->id, 0, p, NULL, 0);
	} else if (strcmp(s->task, "sync") == 0) {
		if (t->las_url[0] == '\0' || !t->has_las_key || !t->sync_enabled)
			return TC_OK;
		st = year_active(s->db, t->id, &active);
		if (st == TC_NOT_FOUND)
			return TC_OK;
		if (st != TC_OK)
			return st;
		p = json_pack("{s:s}", "date", s->date);
		st = jobqueue_add(s->kv, "sync", t->id, 0, p, NULL, 0);
	} else {
		/* The reminders are owed while the year's import is (year.h). */
		if ((st = year_import_due(s->db, t->id, las, &due)) != TC_OK)
			return st;
		if (due == 0)
			return TC_OK;
		p = json_pack("{s:s}", "date", s->date);
		st = jobqueue_add(s->kv, "reminder", t->id, 0, p, NULL, 0);
	}
	json_decref(p);
	if (st == TC_OK)
		s->count++;
	return st;
}

tc_status
dailytask_enqueue(struct db *db, struct kv *kv, struct clock *c, const struct config *cfg,
    const char *task, uint64_t tenant_id, unsigned *count)
{
	struct civil_date d;
	char date[16];
	struct scan s;
	tc_status st;

	clock_local(clock_now(c, kv), &d, NULL, NULL);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", d.year, d.month, d.day);
	s = (struct scan){ db, kv, cfg, task, date, schoolyear_of(d), tenant_id, 0 };
	st = tenant_list(db, scan_school, &s);
	*count = s.count;
	return st;
}

