/* schoolyear.c - 1 August to 31 July. */
#include "schoolyear.h"

#include <stdio.h>
#include <string.h>

int
schoolyear_of(struct civil_date d)
{
	return d.month >= 8 ? d.year : d.year - 1;
}

static int
is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
digits_value(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

tc_status
schoolyear_parse(const char *s, int *year_start)
{
	int a, b;

	if (s == NULL || strlen(s) != 9 || s[4] != '-' || !is_digits(s, 4) ||
	    !is_digits(s + 5, 4))
		return TC_INVALID;
	a = digits_value(s, 4);
	b = digits_value(s + 5, 4);
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

bool
civil_date_valid(struct civil_date d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap, max;

	if (d.year < 1900 || d.year > 2999 || d.month < 1 || d.month > 12 || d.day < 1)
		return false;
	leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
	max = mdays[d.month - 1] + (d.month == 2 && leap);
	return d.day <= max;
}

tc_status
civil_date_parse(const char *s, struct civil_date *out)
{
	struct civil_date d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !is_digits(s, 4) || !is_digits(s + 5, 2) || !is_digits(s + 8, 2))
		return TC_INVALID;
	d.year = digits_value(s, 4);
	d.month = digits_value(s + 5, 2);
	d.day = digits_value(s + 8, 2);
	if (!civil_date_valid(d))
		return TC_INVALID;
	*out = d;
	return TC_OK;
}

int
civil_date_cmp(struct civil_date a, struct civil_date b)
{
	long x = a.year * 10000L + a.month * 100 + a.day;
	long y = b.year * 10000L + b.month * 100 + b.day;

	return x < y ? -1 : x > y;
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
