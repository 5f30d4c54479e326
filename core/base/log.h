/*
 * log.h - one JSON object per line on standard error.
 *
 * Every line has time, level, program, module and message; a line about a
 * request also has its request id and school slug.  Log ids and counts, never
 * names, birth dates, passwords, session ids or UWLR keys.
 */
#ifndef TC_LOG_H
#define TC_LOG_H

#include <stdarg.h>

enum log_level {
	TC_LOG_ERROR = 0,
	TC_LOG_WARN,
	TC_LOG_INFO,
	TC_LOG_DEBUG
};

/* Where a line comes from.  Any member may be NULL. */
struct log_ctx {
	const char	*reqid;		/* request or job id */
	const char	*tenant;	/* school slug */
	const char	*module;	/* "db", "session", ... */
};

/* Set the program name and the lowest level written.  Call once at start. */
void	log_init(const char *program, enum log_level level);

/* Parses "error", "warn", "info", "debug".  Returns -1 on anything else. */
int	log_level_parse(const char *s);

void	log_msg(enum log_level, const struct log_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	log_vmsg(enum log_level, const struct log_ctx *, const char *fmt, va_list)
	    __attribute__((format(printf, 3, 0)));

/* The access line of one finished request. */
void	log_request(const struct log_ctx *, const char *method, const char *route,
	    int status, double duration_ms);

#endif
