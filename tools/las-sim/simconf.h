/*
 * simconf.h - las-sim's configuration: one [school BRIN DEP] section per
 * simulated school (see tools/las-sim/README.md).  Loaded whole, then
 * read-only; a reload builds a new one.
 */
#ifndef LASSIM_SIMCONF_H
#define LASSIM_SIMCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "gen.h"
#include "limits.h"

#define SIM_FIXTURES_MAX	16

enum sim_fault {
	SIM_FAULT_NONE = 0,
	SIM_FAULT_HTTP,		/* http500, http503, ...: an HTML error page */
	SIM_FAULT_TIMEOUT,	/* sleep timeout_ms before answering */
	SIM_FAULT_TRUNCATE,	/* send the first half of the body only */
	SIM_FAULT_SOAP		/* soapfault:CODE, HTTP 500 */
};

struct sim_fixture {
	char	schooljaar[10];		/* "" = any year */
	char	path[TC_PATH_MAX];
};

struct sim_school {
	char			brin[8];
	char			dep[4];
	char			key[TC_LAS_KEY_MAX + 1];
	char			klantcode[TC_NAME_MAX + 1];
	char			klantnaam[TC_NAME_MAX + 1];
	struct sim_fixture	fixtures[SIM_FIXTURES_MAX];
	int			nfixtures;
	bool			generate;
	struct gen_params	gen;
	long			latency_ms;
	enum sim_fault		fault;
	int			http_status;	/* SIM_FAULT_HTTP */
	char			fault_code[128];	/* SIM_FAULT_SOAP */
	long			timeout_ms;	/* SIM_FAULT_TIMEOUT sleep, default 120 000 */
	int			line;
};

struct sim_config {
	struct sim_school	*schools;
	size_t			 n;
	time_t			 mtime;
	long			 mtime_ns;
};

/* Loads path.  Returns 0 and *out (free with config_free()), or -1 with a
 * "file:line: message" in err. */
int			 config_load(const char *path, struct sim_config **out,
			    char *err, size_t errlen);
void			 config_free(struct sim_config *);

/* The school of (brin, dep) or NULL; dep NULL or "" means "00". */
const struct sim_school	*config_find(const struct sim_config *, const char *brin,
			    const char *dep);

#endif
