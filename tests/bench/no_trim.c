/*
 * no_trim.c - LD_PRELOAD shim for tests/bench/release-memory: malloc_trim
 * does nothing, so the same tc-worker binary runs without its memory release
 * after a large job.
 */
#include <stddef.h>

int malloc_trim(size_t pad);

int
malloc_trim(size_t pad)
{
	(void)pad;
	return 0;
}
