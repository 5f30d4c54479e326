/* civildate.c - calendar dates (Europe/Amsterdam civil days). */
#include "civildate.h"

#include <string.h>

bool
civil_digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
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
	    !civil_digits(s, 4, &d.year) || !civil_digits(s + 5, 2, &d.month) ||
	    !civil_digits(s + 8, 2, &d.day))
		return TC_INVALID;
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
