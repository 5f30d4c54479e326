/* simconf.c - las-sim's INI-like configuration file. */
#include "simconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static int
copy(char *dst, size_t n, const char *src)
{
	return snprintf(dst, n, "%s", src) >= (int)n ? -1 : 0;
}

static int
parse_long(const char *v, long max, long *out)
{
	char *end;
	long x;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*out = x;
	return 0;
}

static int
parse_fault(struct sim_school *s, const char *v)
{
	long st;

	if (strcmp(v, "none") == 0)
		s->fault = SIM_FAULT_NONE;
	else if (strcmp(v, "timeout") == 0)
		s->fault = SIM_FAULT_TIMEOUT;
	else if (strcmp(v, "truncate") == 0)
		s->fault = SIM_FAULT_TRUNCATE;
	else if (strncmp(v, "http", 4) == 0 && parse_long(v + 4, 599, &st) == 0 && st >= 400) {
		s->fault = SIM_FAULT_HTTP;
		s->http_status = (int)st;
	} else if (strncmp(v, "soapfault:", 10) == 0 && v[10] != '\0') {
		for (const char *c = v + 10; *c; c++)
			if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			    (*c >= '0' && *c <= '9') || *c == '.' || *c == ':' || *c == '_'))
				return -1;
		s->fault = SIM_FAULT_SOAP;
		return copy(s->fault_code, sizeof(s->fault_code), v + 10);
	} else
		return -1;
	return 0;
}

static int
school_set(struct sim_school *s, const char *k, const char *v, char *msg, size_t msglen)
{
	if (strcmp(k, "key") == 0)
		return copy(s->key, sizeof(s->key), v);
	if (strcmp(k, "klantcode") == 0)
		return copy(s->klantcode, sizeof(s->klantcode), v);
	if (strcmp(k, "klantnaam") == 0)
		return copy(s->klantnaam, sizeof(s->klantnaam), v);
	if (strcmp(k, "fixture") == 0 || strncmp(k, "fixture.", 8) == 0) {
		struct sim_fixture *f;
		if (s->nfixtures >= SIM_FIXTURES_MAX)
			return -1;
		f = &s->fixtures[s->nfixtures++];
		if (k[7] == '.') {
			if (gen_year_parse(k + 8) < 0)
				return -1;
			copy(f->schooljaar, sizeof(f->schooljaar), k + 8);
		}
		return copy(f->path, sizeof(f->path), v);
	}
	if (strcmp(k, "generate") == 0) {
		s->generate = true;
		return gen_parse(v, &s->gen, msg, msglen);
	}
	if (strcmp(k, "latency_ms") == 0)
		return parse_long(v, 3600000L, &s->latency_ms);
	if (strcmp(k, "timeout_ms") == 0)
		return parse_long(v, 3600000L, &s->timeout_ms);
	if (strcmp(k, "fault") == 0)
		return parse_fault(s, v);
	snprintf(msg, msglen, "unknown setting '%s'", k);
	return -1;
}

int
config_load(const char *path, struct sim_config **out, char *err, size_t errlen)
{
	char line[TC_CONFIG_LINE_MAX + 2], msg[160];
	struct sim_config *c = NULL;
	struct sim_school *cur = NULL;
	struct stat sb;
	FILE *f;
	int lineno = 0, rc = -1;

	*out = NULL;
	if ((f = fopen(path, "r")) == NULL || fstat(fileno(f), &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto oom;
	c->mtime = sb.st_mtim.tv_sec;
	c->mtime_ns = sb.st_mtim.tv_nsec;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq, *semi;
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path, lineno);
			goto out;
		}
		/* "; comment" and "# comment", also after a value (" ; ...") */
		if ((semi = strstr(line, " ;")) != NULL)
			*semi = '\0';
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char brin[16] = "", dep[16] = "00", extra[4] = "";
			struct sim_school *ns;
			int n = sscanf(s, "[school %15s %15[0-9]%3s", brin, dep, extra);
			size_t bl = strlen(brin);
			if (bl > 0 && brin[bl - 1] == ']') {
				brin[bl - 1] = '\0';
				n = 1;
				snprintf(dep, sizeof(dep), "00");
			} else if (n == 3 && strcmp(extra, "]") == 0)
				n = 2;
			else
				n = -1;
			if (n < 0 || strlen(brin) != 4 || strlen(dep) != 2) {
				snprintf(err, errlen, "%s:%d: expected [school BRIN DEP]", path, lineno);
				goto out;
			}
			if (config_find(c, brin, dep) != NULL) {
				snprintf(err, errlen, "%s:%d: school %s %s twice", path, lineno, brin, dep);
				goto out;
			}
			if ((ns = realloc(c->schools, (c->n + 1) * sizeof(*ns))) == NULL)
				goto oom;
			c->schools = ns;
			cur = &c->schools[c->n++];
			memset(cur, 0, sizeof(*cur));
			copy(cur->brin, sizeof(cur->brin), brin);
			copy(cur->dep, sizeof(cur->dep), dep);
			cur->timeout_ms = 120000;
			cur->line = lineno;
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			goto out;
		}
		if (cur == NULL) {
			snprintf(err, errlen, "%s:%d: setting outside a [school] section", path, lineno);
			goto out;
		}
		*eq = '\0';
		msg[0] = '\0';
		if (school_set(cur, trim(s), trim(eq + 1), msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg[0] ? msg : "bad value");
			goto out;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		struct sim_school *s = &c->schools[i];
		if (s->key[0] == '\0' || s->klantcode[0] == '\0' || s->klantnaam[0] == '\0') {
			snprintf(err, errlen, "%s:%d: key, klantcode and klantnaam are required",
			    path, s->line);
			goto out;
		}
		if (!s->generate && s->nfixtures == 0) {
			snprintf(err, errlen, "%s:%d: needs fixture or generate", path, s->line);
			goto out;
		}
	}
	*out = c;
	c = NULL;
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
out:
	fclose(f);
	config_free(c);
	return rc;
}

void
config_free(struct sim_config *c)
{
	if (c == NULL)
		return;
	free(c->schools);
	free(c);
}

const struct sim_school *
config_find(const struct sim_config *c, const char *brin, const char *dep)
{
	if (brin == NULL)
		return NULL;
	if (dep == NULL || *dep == '\0')
		dep = "00";
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->schools[i].brin, brin) == 0 && strcmp(c->schools[i].dep, dep) == 0)
			return &c->schools[i];
	return NULL;
}
