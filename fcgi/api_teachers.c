/* api_teachers.c - the teachers (leerkrachten) of a school and their groups. */
#include "api.h"

#include "response.h"
#include "teacher.h"

static tc_status
teacher_row(void *arg, const struct teacher *t)
{
	json_t *groups = json_loads(t->groups_json, 0, NULL), *item;

	if (groups == NULL)
		groups = json_array();
	item = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)t->id,
	    "name", t->name, "email", t->email, "status", t->active ? "active" : "disabled",
	    "from_las", t->from_las, "groups", groups);
	return json_array_append_new(arg, item) == 0 ? TC_OK : TC_INTERNAL;
}

void
api_teachers_list(struct request *r)
{
	unsigned limit, offset;
	uint64_t total = 0;
	json_t *items;
	tc_status st;

	if (!api_page(r, &limit, &offset))
		return;
	if ((items = json_array()) == NULL) {
		response_status(r, TC_INTERNAL);
		return;
	}
	if ((st = teacher_list(r->w->db, r->tenant.id, limit, offset, teacher_row, items,
	    &total)) != TC_OK) {
		json_decref(items);
		response_status(r, st);
		return;
	}
	response_json(r, 200, json_pack("{s:o, s:I, s:i, s:i}", "items", items,
	    "total", (json_int_t)total, "limit", (int)limit, "offset", (int)offset));
}
