/* log.c - JSON lines on standard error, one write(2) per line. */
#include "log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "limits.h"

/* Configuration, set once by log_init() before any thread starts. */
static const char *log_program = "tc";
static enum log_level log_threshold = TC_LOG_INFO;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
log_init(const char *program, enum log_level level)
{
	log_program = program;
	log_threshold = level;
}

int
log_level_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(s, level_names[i]) == 0)
			return (int)i;
	return -1;
}

static void
log_time(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;
	char base[24];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%.19s.%03dZ", base, (int)(tv.tv_usec / 1000) % 1000);
}

static void
log_emit(json_t *o)
{
	char *line;
	size_t len;

	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line == NULL)
		return;
	len = strlen(line);
	/* One write per line, so lines of threads never interleave. */
	{
		char buf[TC_LOG_LINE_MAX + 2];
		if (len > TC_LOG_LINE_MAX)
			len = TC_LOG_LINE_MAX;
		memcpy(buf, line, len);
		buf[len++] = '\n';
		(void)!write(STDERR_FILENO, buf, len);
	}
	free(line);
}

static json_t *
log_head(enum log_level level, const struct log_ctx *ctx)
{
	char ts[64];
	json_t *o;

	log_time(ts, sizeof(ts));
	o = json_object();
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "time", json_string(ts));
	json_object_set_new(o, "level", json_string(level_names[level]));
	json_object_set_new(o, "program", json_string(log_program));
	if (ctx != NULL && ctx->reqid != NULL)
		json_object_set_new(o, "request_id", json_string(ctx->reqid));
	if (ctx != NULL && ctx->tenant != NULL)
		json_object_set_new(o, "school", json_string(ctx->tenant));
	if (ctx != NULL && ctx->module != NULL)
		json_object_set_new(o, "module", json_string(ctx->module));
	return o;
}

void
log_vmsg(enum log_level level, const struct log_ctx *ctx, const char *fmt, va_list ap)
{
	char msg[TC_LOG_LINE_MAX];
	json_t *o;

	if (level > log_threshold)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if ((o = log_head(level, ctx)) == NULL)
		return;
	/* json_string refuses invalid UTF-8; keep the line anyway. */
	if (json_object_set_new(o, "message", json_string(msg)) != 0)
		json_object_set_new(o, "message", json_string("(message not UTF-8)"));
	log_emit(o);
	json_decref(o);
}

void
log_msg(enum log_level level, const struct log_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, ctx, fmt, ap);
	va_end(ap);
}

void
log_request(const struct log_ctx *ctx, const char *method, const char *route,
    int status, double duration_ms)
{
	json_t *o;

	if (TC_LOG_INFO > log_threshold)
		return;
	if ((o = log_head(TC_LOG_INFO, ctx)) == NULL)
		return;
	json_object_set_new(o, "message", json_string("request"));
	json_object_set_new(o, "method", json_string(method));
	json_object_set_new(o, "route", json_string(route));
	json_object_set_new(o, "status", json_integer(status));
	json_object_set_new(o, "duration_ms", json_real(duration_ms));
	log_emit(o);
	json_decref(o);
}
