/* schoolyear.c - 1 August to 31 July. */
#include "schoolyear.h"

#include <stdio.h>
#include <string.h>

int
schoolyear_of(struct civil_date d)
{
	return d.month >= 8 ? d.year : d.year - 1;
}

tc_status
schoolyear_parse(const char *s, int *year_start)
{
	int a, b;

	if (s == NULL || strlen(s) != 9 || s[4] != '-' || !civil_digits(s, 4, &a) ||
	    !civil_digits(s + 5, 4, &b))
		return TC_INVALID;
	if (b != a + 1 || a < 2000 || a > 2199)
		return TC_INVALID;
	*year_start = a;
	return TC_OK;
}

void
schoolyear_format(int year_start, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%04d", year_start, year_start + 1);
}

void
schoolyear_window(int year_start, struct civil_date *first, struct civil_date *last)
{
	*first = (struct civil_date){ year_start, 8, 1 };
	*last = (struct civil_date){ year_start, 10, 1 };
}

bool
schoolyear_can_activate(int year_start, struct civil_date d)
{
	struct civil_date first, last;

	schoolyear_window(year_start, &first, &last);
	return civil_date_cmp(d, first) >= 0 && civil_date_cmp(d, last) <= 0;
}

bool
schoolyear_overdue(int year_start, struct civil_date d)
{
	struct civil_date first, last;

	schoolyear_window(year_start, &first, &last);
	return civil_date_cmp(d, last) > 0 && schoolyear_of(d) == year_start;
}
