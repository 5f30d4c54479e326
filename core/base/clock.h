/*
 * clock.h - the one clock of Testcentrum.
 *
 * All date logic (the activation window, 2 October, the 08:00 reminders)
 * asks clock_now().  Where the configuration allows it (clock.settable: the
 * demo's and the tests' do, production never), `tcctl clock set` moves the
 * clock of the whole deployment by storing an offset in Redis (tc:clock);
 * every process reads it at most once a second.  Never settable from a request.
 * Civil dates and times are Europe/Amsterdam: each program sets TZ at start.
 */
#ifndef TC_CLOCK_H
#define TC_CLOCK_H

#include <time.h>

#include "civildate.h"
#include "config.h"
#include "kv.h"
#include "status.h"

/* A thread's view of the clock.  Not shared between threads. */
struct clock {
	const struct config	*cfg;
	time_t			 checked;	/* real time of the last offset read */
	long long		 offset;	/* seconds added to the real time */
};

void		clock_init(struct clock *, const struct config *);

/* The deployment's time now. */
time_t		clock_now(struct clock *, struct kv *);

/* The Europe/Amsterdam civil date (and hour, minute; may be NULL) of t. */
void		clock_local(time_t t, struct civil_date *d, int *hour, int *minute);

/* The instant of 00:00 Europe/Amsterdam on day d. */
time_t		clock_local_midnight(struct civil_date d);

/* Parses "YYYY-MM-DDTHH:MM" (Europe/Amsterdam). */
tc_status	clock_parse_local(const char *s, time_t *out);

/* Writes "YYYY-MM-DD" of t (Europe/Amsterdam) into buf (11 bytes or more). */
void		clock_format_date(time_t t, char *buf, size_t size);

/* Sets the deployment's clock to at (TC_FORBIDDEN unless clock.settable). */
tc_status	clock_set(const struct config *, struct kv *, time_t at);

/* Back to the real time. */
tc_status	clock_reset(struct kv *);

#endif
