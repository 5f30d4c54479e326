/* api_audit.c - the audit log of a school, for its administrators. */
#include "api.h"

#include "clock.h"

#include <stdlib.h>
#include <string.h>

#include "auditlog.h"
#include "response.h"
#include "year.h"

/* from= / to= as Europe/Amsterdam dates: from the start of from up to the
 * end of to. */
static bool
date_param(struct request *r, const char *name, bool end, time_t *out)
{
	const char *s = request_param(r, name);
	struct civil_date d;

	*out = 0;
	if (s == NULL || s[0] == '\0')
		return true;
	if (civil_date_parse(s, &d) != TC_OK || d.year < 2000 || d.year > 2099) {
		api_invalid(r, name, "Vul een geldige datum in (JJJJ-MM-DD).");
		return false;
	}
	if (end) {
		struct tm tm = { .tm_year = d.year - 1900, .tm_mon = d.month - 1,
		    .tm_mday = d.day + 1 };
		time_t t = timegm(&tm);	/* normalizes the day after */

		gmtime_r(&t, &tm);
		d = (struct civil_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	}
	*out = clock_local_midnight(d);
	return true;
}

static tc_status
entry_row(void *arg, const struct auditlog_entry *e)
{
	json_t *ids = json_array(), *item;
	const char *p = e->object_ids;

	while (ids != NULL && *p != '\0') {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p)
			break;
		json_array_append_new(ids, json_integer((json_int_t)v));
		p = *end == ',' ? end + 1 : end;
	}
	item = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:I}", "id", (json_int_t)e->id,
	    "at", e->at, "actor_kind", e->actor_kind,
	    "actor_id", e->actor_id != 0 ? json_integer((json_int_t)e->actor_id) : json_null(),
	    "action", e->action, "object_kind", e->object_kind, "ids", ids,
	    "count", (json_int_t)e->count);
	return json_array_append_new(arg, item) == 0 ? TC_OK : TC_INTERNAL;
}

void
api_audit_list(struct request *r)
{
	struct auditlog_filter f;
	const char *action = request_param(r, "action");
	uint64_t total = 0;
	json_t *items;
	tc_status st;

	memset(&f, 0, sizeof(f));
	if (!date_param(r, "from", false, &f.from) || !date_param(r, "to", true, &f.to) ||
	    !api_page(r, &f.limit, &f.offset))
		return;
	if (action != NULL && action[0] != '\0') {
		if (!auditlog_action_valid(action)) {
			api_invalid(r, "action", "Onbekende handeling.");
			return;
		}
		f.action = action;
	}
	if ((items = json_array()) == NULL) {
		response_status(r, TC_INTERNAL);
		return;
	}
	if ((st = auditlog_list(r->w->db, r->tenant.id, &f, entry_row, items, &total)) != TC_OK) {
		json_decref(items);
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:o, s:I, s:i, s:i}", "items", items,
	    "total", (json_int_t)total, "limit", (int)f.limit, "offset", (int)f.offset));
}
