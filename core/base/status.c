/* status.c - names of the result type. */
#include "status.h"

static const char *const status_names[TC_STATUS_MAX] = {
	[TC_OK] = "ok",
	[TC_NOT_FOUND] = "not_found",
	[TC_INVALID] = "invalid",
	[TC_CONFLICT] = "conflict",
	[TC_FORBIDDEN] = "forbidden",
	[TC_UNAVAILABLE] = "unavailable",
	[TC_TOO_LARGE] = "too_large",
	[TC_INTERNAL] = "internal",
};

const char *
status_name(tc_status st)
{
	if ((unsigned)st >= TC_STATUS_MAX)
		return "internal";
	return status_names[st];
}
