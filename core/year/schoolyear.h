/*
 * schoolyear.h - school-year arithmetic (DESIGN.md section 2).
 *
 * A school year runs 1 August - 31 July and is written "2026-2027"; it is
 * kept as its first calendar year (2026).  Dates are Europe/Amsterdam civil
 * dates.  The new year y can be activated from 1 August of y through 1
 * October of y; from 2 October it is activated automatically.
 */
#ifndef TC_SCHOOLYEAR_H
#define TC_SCHOOLYEAR_H

#include <stdbool.h>
#include <stddef.h>

#include "civildate.h"
#include "status.h"

/* The school year (first calendar year) that contains date d. */
int		schoolyear_of(struct civil_date d);

/* Parses "2026-2027" (second year = first + 1, 2000..2199).  TC_INVALID else. */
tc_status	schoolyear_parse(const char *s, int *year_start);

/* Writes "2026-2027" into buf (at least 10 bytes). */
void		schoolyear_format(int year_start, char *buf, size_t size);

/* The activation window of school year y: first and last day. */
void		schoolyear_window(int year_start, struct civil_date *first, struct civil_date *last);

/* True when school year y may be activated by hand on day d. */
bool		schoolyear_can_activate(int year_start, struct civil_date d);

/* True when, on day d, school year y should have been activated automatically
 * (d is after the window and still in year y). */
bool		schoolyear_overdue(int year_start, struct civil_date d);

#endif
