/* fuzz_uwlr.c - libFuzzer target: the UWLR parser, whole and in chunks. */
#include <stddef.h>
#include <stdint.h>

#include "uwlr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uwlr_result *r = NULL;
	struct uwlr_parser *p;
	char err[256];
	size_t step;

	if (uwlr_parse_buffer((const char *)data, size, 1 << 20, &r, err, sizeof(err)) == TC_OK)
		uwlr_result_free(r);
	/* the same bytes fed in uneven pieces, as curl would */
	if ((p = uwlr_parser_new(1 << 20)) == NULL)
		return 0;
	step = size > 0 ? (size_t)data[0] % 61 + 1 : 1;
	for (size_t at = 0; at < size; at += step)
		if (uwlr_parser_feed(p, (const char *)data + at,
		    size - at < step ? size - at : step) != TC_OK)
			break;
	r = NULL;
	if (uwlr_parser_finish(p, &r, err, sizeof(err)) == TC_OK)
		uwlr_result_free(r);
	uwlr_parser_free(p);
	return 0;
}
