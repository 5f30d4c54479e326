/*
 * fuzz_host.c - libFuzzer target: the Host header as it picks the school
 * (tenant_host_normalize), and the other registry checks on operator input
 * (slug, BRIN, dependancecode, LAS URL, XSD version).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "tenant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[TC_HOST_MAX + 1], again[TC_HOST_MAX + 1], small[8];
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (tenant_host_normalize(s, out, sizeof(out)) == TC_OK) {
		/* normalizing is idempotent */
		if (tenant_host_normalize(out, again, sizeof(again)) != TC_OK || strcmp(out, again) != 0)
			abort();
	}
	(void)tenant_host_normalize(s, small, sizeof(small));
	(void)tenant_slug_valid(s);
	(void)tenant_brin_valid(s);
	(void)tenant_dependancecode_valid(s);
	(void)tenant_las_url_valid(s);
	(void)tenant_xsd_valid(s);
	free(s);
	return 0;
}
