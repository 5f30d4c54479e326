/*
 * civildate.h - calendar dates: a day of the Europe/Amsterdam calendar, with
 * no time and no time zone.  The school year's rules (schoolyear.h) and the
 * clock (clock.h) both speak in these.
 */
#ifndef TC_CIVILDATE_H
#define TC_CIVILDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

struct civil_date {
	int	year;
	int	month;	/* 1-12 */
	int	day;	/* 1-31 */
};

/* Reads the n decimal digits at s into *out; false if one is not a digit. */
bool		civil_digits(const char *s, size_t n, int *out);

/* True when d is a valid calendar date. */
bool		civil_date_valid(struct civil_date d);

/* Parses "YYYY-MM-DD".  TC_INVALID for anything else or an impossible date. */
tc_status	civil_date_parse(const char *s, struct civil_date *out);

/* -1, 0 or 1 as a is before, equal to or after b. */
int		civil_date_cmp(struct civil_date a, struct civil_date b);

#endif
