/* clock.c - real time plus an offset kept in Redis for the demo and tests. */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLOCK_KEY	"clock"

void
clock_init(struct clock *c, const struct config *cfg)
{
	c->cfg = cfg;
	c->checked = 0;
	c->offset = 0;
}

static void
clock_refresh(struct clock *c, struct kv *kv, time_t real)
{
	char key[TC_KEY_MAX];
	redisReply *r;

	if (!c->cfg->clock_settable || c->checked == real)
		return;
	c->checked = real;
	kv_global_key(key, sizeof(key), CLOCK_KEY);
	if (kv == NULL || kv_command(kv, &r, "GET %s", key) != TC_OK)
		return;		/* keep the last known offset */
	c->offset = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
	freeReplyObject(r);
}

time_t
clock_now(struct clock *c, struct kv *kv)
{
	time_t real = time(NULL);

	clock_refresh(c, kv, real);
	return real + (time_t)c->offset;
}

void
clock_local(time_t t, struct civil_date *d, int *hour, int *minute)
{
	struct tm tm;

	localtime_r(&t, &tm);
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
	if (hour != NULL)
		*hour = tm.tm_hour;
	if (minute != NULL)
		*minute = tm.tm_min;
}

time_t
clock_local_midnight(struct civil_date d)
{
	struct tm tm = { .tm_year = d.year - 1900, .tm_mon = d.month - 1, .tm_mday = d.day,
	    .tm_isdst = -1 };

	/* The summer-time switches happen at 02:00 and 03:00: midnight is unique. */
	return mktime(&tm);
}

tc_status
clock_parse_local(const char *s, time_t *out)
{
	struct civil_date d;
	struct tm tm;
	char date[11];
	time_t t;

	if (s == NULL || strlen(s) != 16 || s[10] != 'T' || s[13] != ':')
		return TC_INVALID;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (civil_date_parse(date, &d) != TC_OK)
		return TC_INVALID;
	if (s[11] < '0' || s[11] > '2' || s[12] < '0' || s[12] > '9' ||
	    s[14] < '0' || s[14] > '5' || s[15] < '0' || s[15] > '9')
		return TC_INVALID;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_hour = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_min = (s[14] - '0') * 10 + (s[15] - '0');
	tm.tm_isdst = -1;
	if (tm.tm_hour > 23 || (t = mktime(&tm)) == (time_t)-1)
		return TC_INVALID;
	*out = t;
	return TC_OK;
}

void
clock_format_date(time_t t, char *buf, size_t size)
{
	struct civil_date d;

	clock_local(t, &d, NULL, NULL);
	snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
}

tc_status
clock_set(const struct config *cfg, struct kv *kv, time_t at)
{
	char key[TC_KEY_MAX], v[32];
	redisReply *r;
	tc_status st;

	if (!cfg->clock_settable)
		return TC_FORBIDDEN;
	kv_global_key(key, sizeof(key), CLOCK_KEY);
	snprintf(v, sizeof(v), "%lld", (long long)(at - time(NULL)));
	if ((st = kv_command(kv, &r, "SET %s %s", key, v)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}

tc_status
clock_reset(struct kv *kv)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	kv_global_key(key, sizeof(key), CLOCK_KEY);
	if ((st = kv_command(kv, &r, "DEL %s", key)) != TC_OK)
		return st;
	freeReplyObject(r);
	return TC_OK;
}
