/*
 * fuzz_config.c - libFuzzer target: the configuration file.  The input is
 * written to a temporary file and loaded with config_load (the parser of
 * tc.conf, the validation and the secret key file); each "key = value"
 * line is also given to config_set directly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char err[512], *text, *line, *next;
	FILE *f;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz_config.%ld.conf", (long)getpid());
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	memset(&cfg, 0, sizeof(cfg));
	(void)config_load(&cfg, path, err, sizeof(err));

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	config_defaults(&cfg);
	for (line = text; line != NULL; line = next) {
		char *eq;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		(void)config_set(&cfg, line, eq + 1, err, sizeof(err));
	}
	free(text);
	return 0;
}
