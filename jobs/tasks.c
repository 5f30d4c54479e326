/* tasks.c - the daily scans: activation after 1 October, reminders at 08:00. */
#include "tasks.h"

#include <stdio.h>
#include <string.h>

#include "dailytask.h"
#include "schoolyear.h"

/* True once the activation day of the current school year has come. */
static bool
activation_due(const struct config *cfg, struct civil_date d)
{
	struct civil_date first = { schoolyear_of(d), cfg->activation_month, cfg->activation_day };

	return civil_date_cmp(d, first) >= 0;
}

static void
run_scan(struct wctx *w, const char *task, const char *date)
{
	char marker[TC_KEY_MAX], sub[64];
	redisReply *r;
	unsigned n = 0;
	bool mine;
	tc_status st;

	snprintf(sub, sizeof(sub), "task-scan:%s:%s", task, date);
	kv_global_key(marker, sizeof(marker), sub);
	if (kv_command(w->kv, &r, "SET %s %s NX EX 172800", marker, w->consumer) != TC_OK)
		return;
	mine = r->type == REDIS_REPLY_STATUS;
	freeReplyObject(r);
	if (!mine)
		return;
	st = dailytask_enqueue(w->db, w->kv, &w->clock, w->cfg, task, 0, &n);
	if (st != TC_OK) {
		/* Try again on a later tick. */
		(void)kv_exec(w->kv, "DEL %s", marker);
		log_msg(TC_LOG_WARN, &w->log, "scan %s %s failed: %s", task, date, status_name(st));
		return;
	}
	log_msg(TC_LOG_INFO, &w->log, "scan %s %s: %u school(s)", task, date, n);
}

void
tasks_tick(struct wctx *w)
{
	struct civil_date d;
	char date[16];
	int hour;

	clock_local(clock_now(&w->clock, w->kv), &d, &hour, NULL);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", d.year, d.month, d.day);
	if (activation_due(w->cfg, d))
		run_scan(w, "activate", date);
	if (hour >= w->cfg->reminder_hour)
		run_scan(w, "reminders", date);
	if (w->cfg->sync_enabled && hour >= w->cfg->sync_hour)
		run_scan(w, "sync", date);
}
