/*
 * las-sim - a UWLR LAS simulator as a FastCGI responder (see README.md).
 *
 *   las-sim --config FILE --listen unix:/path/sock|HOST:PORT [--threads N]
 *   las-sim --generate SPEC --year 2025-2026 [--brin 99XG] [--dep 00]
 *
 * The first form serves HaalLeerlinggegevens for the schools of FILE; the
 * second writes one generated response to standard output (for benchmarks).
 * The configuration file is re-read when its modification time changes, so
 * faults can be switched on and off without a restart.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "simconf.h"
#include "gen.h"
#include "limits.h"
#include "log.h"
#include "uwlr.h"

#define REQUEST_BODY_MAX	(1024 * 1024)
#define THREADS_DEFAULT		4

static volatile sig_atomic_t stopping;
static const char *config_path;
static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;

/* The current configuration, replaced as a whole on reload. */
static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_config *cfg_current;
static time_t cfg_checked;
struct cfg_ref {
	struct sim_config	*cfg;
	int			 refs;
	bool			 retired;
};
static struct cfg_ref *cfg_refs;	/* entries: current and retired-but-in-use */
static size_t cfg_nrefs;

static const struct log_ctx lc = { NULL, NULL, "las-sim" };

/* ---- configuration references ----------------------------------------- */

static struct cfg_ref *
cfg_ref_of(struct sim_config *c)
{
	for (size_t i = 0; i < cfg_nrefs; i++)
		if (cfg_refs[i].cfg == c)
			return &cfg_refs[i];
	return NULL;
}

static void
cfg_drop_unused(void)
{
	size_t j = 0;

	for (size_t i = 0; i < cfg_nrefs; i++) {
		if (cfg_refs[i].retired && cfg_refs[i].refs == 0)
			config_free(cfg_refs[i].cfg);
		else
			cfg_refs[j++] = cfg_refs[i];
	}
	cfg_nrefs = j;
}

static int
cfg_install(struct sim_config *c)
{
	struct cfg_ref *nr = realloc(cfg_refs, (cfg_nrefs + 1) * sizeof(*nr));

	if (nr == NULL)
		return -1;
	cfg_refs = nr;
	if (cfg_current != NULL)
		cfg_ref_of(cfg_current)->retired = true;
	cfg_refs[cfg_nrefs++] = (struct cfg_ref){ c, 0, false };
	cfg_current = c;
	cfg_drop_unused();
	return 0;
}

/* Returns the current configuration (re-read if the file changed); give it
 * back with cfg_put(). */
static struct sim_config *
cfg_get(void)
{
	struct sim_config *c;
	struct stat sb;
	time_t now = time(NULL);

	pthread_mutex_lock(&cfg_lock);
	if (now != cfg_checked && stat(config_path, &sb) == 0 &&
	    (sb.st_mtim.tv_sec != cfg_current->mtime || sb.st_mtim.tv_nsec != cfg_current->mtime_ns)) {
		char err[256];
		struct sim_config *nc;
		if (config_load(config_path, &nc, err, sizeof(err)) == 0) {
			if (cfg_install(nc) == 0)
				log_msg(TC_LOG_INFO, &lc, "configuration reloaded: %zu schools", nc->n);
			else
				config_free(nc);
		} else {
			log_msg(TC_LOG_WARN, &lc, "configuration not reloaded: %s", err);
			/* do not retry until the file changes again */
			cfg_current->mtime = sb.st_mtim.tv_sec;
			cfg_current->mtime_ns = sb.st_mtim.tv_nsec;
		}
	}
	cfg_checked = now;
	c = cfg_current;
	cfg_ref_of(c)->refs++;
	pthread_mutex_unlock(&cfg_lock);
	return c;
}

static void
cfg_put(struct sim_config *c)
{
	pthread_mutex_lock(&cfg_lock);
	cfg_ref_of(c)->refs--;
	cfg_drop_unused();
	pthread_mutex_unlock(&cfg_lock);
}

/* ---- output ----------------------------------------------------------- */

struct sink {
	FCGX_Stream	*fcgi;		/* or */
	FILE		*file;
	size_t		 written;
	size_t		 limit;		/* truncate after this many bytes (0: none) */
};

static int
sink_write(void *ctx, const char *buf, int len)
{
	struct sink *s = ctx;
	size_t n = (size_t)len;

	if (s->limit > 0) {
		if (s->written >= s->limit)
			return len;	/* swallow: truncated */
		if (n > s->limit - s->written)
			n = s->limit - s->written;
	}
	if (s->fcgi != NULL) {
		if (FCGX_PutStr(buf, (int)n, s->fcgi) != (int)n)
			return -1;
	} else if (fwrite(buf, 1, n, s->file) != n)
		return -1;
	s->written += n;
	return len;
}

static int
sink_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static xmlTextWriterPtr
sink_writer(struct sink *s)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(sink_write, sink_close, s, NULL);
	xmlTextWriterPtr w;

	if (ob == NULL)
		return NULL;
	if ((w = xmlNewTextWriter(ob)) == NULL)
		xmlOutputBufferClose(ob);
	return w;
}

static void
headers(FCGX_Stream *out, int status, const char *ctype)
{
	FCGX_FPrintF(out, "Status: %d %s\r\nContent-Type: %s\r\nCache-Control: no-store\r\n\r\n",
	    status, status == 200 ? "OK" : status == 500 ? "Internal Server Error" : "Error", ctype);
}

static const char *
fault_text(const char *code)
{
	if (strstr(code, "AutorisatieOngeldig"))
		return "Autorisatiesleutel is ongeldig of geeft geen toegang tot deze school";
	if (strstr(code, "OngeldigeKlantIdentificatie"))
		return "Klantidentificatie onjuist of school onbekend";
	if (strstr(code, "XsdVersieOngeldig"))
		return "De opgegeven XSD-versie wordt niet ondersteund";
	if (strstr(code, "OngeldigBericht"))
		return "Het verzoek is ongeldig";
	if (strstr(code, "TijdelijkNietBeschikbaar"))
		return "Server is tijdelijk niet beschikbaar, probeer het later opnieuw";
	if (strncmp(code, "Server", 6) == 0)
		return "Interne fout bij het samenstellen van de gegevens";
	return "Fout";
}

/* A SOAP 1.1 fault, HTTP 500. */
static void
send_fault(FCGX_Request *r, const char *code)
{
	struct sink s = { .fcgi = r->out };
	xmlTextWriterPtr w;
	const xmlChar *sp = BAD_CAST "soap";
	char qcode[160];

	headers(r->out, 500, "text/xml; charset=utf-8");
	snprintf(qcode, sizeof(qcode), "soap:%s", code);
	if ((w = sink_writer(&s)) == NULL)
		return;
	xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
	xmlTextWriterStartElementNS(w, sp, BAD_CAST "Envelope", BAD_CAST UWLR_NS_SOAP);
	xmlTextWriterStartElementNS(w, sp, BAD_CAST "Body", NULL);
	xmlTextWriterStartElementNS(w, sp, BAD_CAST "Fault", NULL);
	xmlTextWriterWriteElement(w, BAD_CAST "faultcode", BAD_CAST qcode);
	xmlTextWriterWriteElement(w, BAD_CAST "faultstring", BAD_CAST fault_text(code));
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
}

/* Streams a fixture file; only the first half when truncate. */
static int
send_file(FCGX_Request *r, const char *path, bool truncate)
{
	char buf[65536];
	struct stat sb;
	size_t limit, sent = 0, n;
	FILE *f = fopen(path, "rb");

	if (f == NULL || fstat(fileno(f), &sb) != 0) {
		log_msg(TC_LOG_ERROR, &lc, "fixture %s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	limit = truncate ? (size_t)sb.st_size / 2 : (size_t)sb.st_size;
	headers(r->out, 200, "text/xml; charset=utf-8");
	while (sent < limit && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (n > limit - sent)
			n = limit - sent;
		if (FCGX_PutStr(buf, (int)n, r->out) != (int)n)
			break;
		sent += n;
	}
	fclose(f);
	return 0;
}

static int
send_generated(FCGX_Request *r, const struct sim_school *sc, int year, bool truncate)
{
	struct sink s = { .fcgi = r->out };
	xmlTextWriterPtr w;
	int rc;

	if (truncate) {
		/* generate once to count, then again cut in half: deterministic */
		struct sink count = { .file = fopen("/dev/null", "w") };
		if (count.file == NULL || (w = sink_writer(&count)) == NULL) {
			if (count.file != NULL)
				fclose(count.file);
			return -1;
		}
		gen_write(&sc->gen, year, sc->brin, sc->dep, w);
		xmlFreeTextWriter(w);
		fclose(count.file);
		s.limit = count.written / 2;
	}
	headers(r->out, 200, "text/xml; charset=utf-8");
	if ((w = sink_writer(&s)) == NULL)
		return -1;
	rc = gen_write(&sc->gen, year, sc->brin, sc->dep, w);
	xmlFreeTextWriter(w);
	return rc;
}

/* ---- the request ------------------------------------------------------ */

struct verzoek {
	char	sleutel[TC_LAS_KEY_MAX + 1];
	char	klantcode[TC_NAME_MAX + 1];
	char	klantnaam[TC_NAME_MAX + 1];
	char	schooljaar[16];
	char	brincode[16];
	char	dependancecode[8];
	char	xsdversie[16];
	bool	has_aut, has_since;
};

static bool
is(const xmlNode *n, const char *ns, const char *local)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, local) == 0;
}

static const xmlNode *
child(const xmlNode *n, const char *ns, const char *local)
{
	for (const xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
		if (is(c, ns, local))
			return c;
	return NULL;
}

/* Copies the trimmed text of n into buf; "" when absent or too long. */
static void
text_of(const xmlNode *n, char *buf, size_t len)
{
	xmlChar *t;
	const char *s;
	size_t sl;

	buf[0] = '\0';
	if (n == NULL || (t = xmlNodeGetContent(n)) == NULL)
		return;
	s = (const char *)t;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	sl = strlen(s);
	while (sl > 0 && (s[sl - 1] == ' ' || s[sl - 1] == '\t' || s[sl - 1] == '\r' || s[sl - 1] == '\n'))
		sl--;
	if (sl < len) {
		memcpy(buf, s, sl);
		buf[sl] = '\0';
	}
	xmlFree(t);
}

/* Parses the SOAP request.  Returns NULL on success, else a fault code. */
static const char *
parse_verzoek(const char *body, size_t len, struct verzoek *v)
{
	xmlDocPtr doc;
	const xmlNode *env, *hdr, *aut, *vz;
	const char *fault = NULL;

	memset(v, 0, sizeof(*v));
	doc = xmlReadMemory(body, (int)len, "verzoek.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || doc->intSubset != NULL || doc->extSubset != NULL) {
		fault = "Client.OngeldigBericht";
		goto out;
	}
	env = xmlDocGetRootElement(doc);
	if (env == NULL || !is(env, UWLR_NS_SOAP, "Envelope") ||
	    (vz = child(child(env, UWLR_NS_SOAP, "Body"), UWLR_NS_LL,
	    "leerlinggegevens_verzoek")) == NULL) {
		fault = "Client.OngeldigBericht";
		goto out;
	}
	hdr = child(env, UWLR_NS_SOAP, "Header");
	if ((aut = child(hdr, UWLR_NS_AUT, "autorisatie")) != NULL) {
		v->has_aut = true;
		text_of(child(aut, UWLR_NS_AUT, "autorisatiesleutel"), v->sleutel, sizeof(v->sleutel));
		text_of(child(aut, UWLR_NS_AUT, "klantcode"), v->klantcode, sizeof(v->klantcode));
		text_of(child(aut, UWLR_NS_AUT, "klantnaam"), v->klantnaam, sizeof(v->klantnaam));
	}
	text_of(child(vz, UWLR_NS_LL, "schooljaar"), v->schooljaar, sizeof(v->schooljaar));
	text_of(child(vz, UWLR_NS_LL, "brincode"), v->brincode, sizeof(v->brincode));
	text_of(child(vz, UWLR_NS_LL, "dependancecode"), v->dependancecode, sizeof(v->dependancecode));
	text_of(child(vz, UWLR_NS_LL, "xsdversie"), v->xsdversie, sizeof(v->xsdversie));
	v->has_since = child(vz, UWLR_NS_LL, "laatstontvangengegevens") != NULL;
	if (gen_year_parse(v->schooljaar) < 0)
		fault = "Client.OngeldigBericht";
	else if (v->xsdversie[0] != '\0' && strcmp(v->xsdversie, "2.2") != 0 &&
	    strcmp(v->xsdversie, "2.3") != 0)
		fault = "Client.XsdVersieOngeldig";
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	return fault;
}

/* Sleeps ms in small steps; false when stopping. */
static bool
nap(long ms)
{
	while (ms > 0 && !stopping) {
		long step = ms > 100 ? 100 : ms;
		struct timespec ts = { 0, step * 1000000L };
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return !stopping;
}

static int
handle_uwlr(FCGX_Request *r, char *body, size_t len, char *what, size_t whatlen)
{
	struct verzoek v;
	struct sim_config *c;
	const struct sim_school *sc;
	const char *fault;
	int status = 200;

	if ((fault = parse_verzoek(body, len, &v)) != NULL) {
		send_fault(r, fault);
		snprintf(what, whatlen, "%s", fault);
		return 500;
	}
	c = cfg_get();
	sc = config_find(c, v.brincode, v.dependancecode);
	if (sc == NULL) {
		fault = "Client.OngeldigeKlantIdentificatie";
	} else if (!v.has_aut || strcmp(v.sleutel, sc->key) != 0 ||
	    strcmp(v.klantcode, sc->klantcode) != 0 || strcmp(v.klantnaam, sc->klantnaam) != 0) {
		fault = "Client.AutorisatieOngeldig";
	}
	if (fault != NULL) {
		send_fault(r, fault);
		snprintf(what, whatlen, "%s", fault);
		status = 500;
		goto out;
	}
	if (sc->latency_ms > 0 && !nap(sc->latency_ms)) {
		status = 503;
		headers(r->out, 503, "text/plain");
		goto out;
	}
	switch (sc->fault) {
	case SIM_FAULT_HTTP:
		headers(r->out, sc->http_status, "text/html; charset=utf-8");
		FCGX_FPrintF(r->out, "<html><body><h1>%d</h1>las-sim injected error</body></html>\n",
		    sc->http_status);
		snprintf(what, whatlen, "fault=http%d", sc->http_status);
		status = sc->http_status;
		goto out;
	case SIM_FAULT_SOAP:
		send_fault(r, sc->fault_code);
		snprintf(what, whatlen, "fault=%s", sc->fault_code);
		status = 500;
		goto out;
	case SIM_FAULT_TIMEOUT:
		if (!nap(sc->timeout_ms)) {
			status = 503;
			headers(r->out, 503, "text/plain");
			goto out;
		}
		break;
	case SIM_FAULT_NONE:
	case SIM_FAULT_TRUNCATE:
		break;
	}
	{
		bool trunc = sc->fault == SIM_FAULT_TRUNCATE;
		const char *path = NULL;
		for (int i = 0; i < sc->nfixtures; i++)
			if (strcmp(sc->fixtures[i].schooljaar, v.schooljaar) == 0)
				path = sc->fixtures[i].path;
		for (int i = 0; path == NULL && i < sc->nfixtures; i++)
			if (sc->fixtures[i].schooljaar[0] == '\0')
				path = sc->fixtures[i].path;
		snprintf(what, whatlen, "%s %s %s%s", sc->brin, sc->dep, v.schooljaar,
		    trunc ? " truncated" : "");
		if (path != NULL) {
			if (send_file(r, path, trunc) != 0) {
				send_fault(r, "Server.InterneFout");
				status = 500;
			}
		} else if (sc->generate) {
			if (send_generated(r, sc, gen_year_parse(v.schooljaar), trunc) != 0)
				status = 500;	/* headers are out already; the body is cut */
		} else {
			/* fixtures only for other years: nothing for this one */
			struct gen_params none = { .first_year = 9999 };
			struct sink s = { .fcgi = r->out };
			xmlTextWriterPtr w = sink_writer(&s);
			headers(r->out, 200, "text/xml; charset=utf-8");
			if (w != NULL) {
				gen_write(&none, gen_year_parse(v.schooljaar), sc->brin, sc->dep, w);
				xmlFreeTextWriter(w);
			}
		}
	}
out:
	cfg_put(c);
	return status;
}

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void
handle(FCGX_Request *r)
{
	const char *method = FCGX_GetParam("REQUEST_METHOD", r->envp);
	const char *uri = FCGX_GetParam("DOCUMENT_URI", r->envp);
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", r->envp);
	char what[200] = "";
	double t0 = now_ms();
	int status;

	if (uri == NULL)
		uri = FCGX_GetParam("SCRIPT_NAME", r->envp);
	if (uri == NULL)
		uri = "/";
	if (method == NULL)
		method = "GET";
	if (strcmp(method, "GET") == 0 && strncmp(uri, "/healthz", 8) == 0) {
		headers(r->out, 200, "text/plain");
		FCGX_PutS("ok\n", r->out);
		status = 200;
	} else if (strcmp(method, "POST") != 0) {
		headers(r->out, 405, "text/plain");
		FCGX_PutS("POST a UWLR SOAP request\n", r->out);
		status = 405;
	} else {
		char *end;
		unsigned long want = cl ? strtoul(cl, &end, 10) : 0;
		if (cl == NULL || *cl == '\0' || *end != '\0' || want > REQUEST_BODY_MAX) {
			headers(r->out, 413, "text/plain");
			FCGX_PutS("request body missing or too large\n", r->out);
			status = 413;
		} else {
			char *body = malloc(want + 1);
			int got = body ? FCGX_GetStr(body, (int)want, r->in) : -1;
			if (body == NULL || got < 0 || (unsigned long)got != want) {
				headers(r->out, 400, "text/plain");
				FCGX_PutS("short request body\n", r->out);
				status = 400;
			} else
				status = handle_uwlr(r, body, want, what, sizeof(what));
			free(body);
		}
	}
	/* the access line: never the key, only the school and the outcome */
	log_msg(TC_LOG_INFO, &lc, "%s %s %d %s %.1fms", method, uri, status, what, now_ms() - t0);
}

static void *
worker(void *arg)
{
	int fd = *(int *)arg;
	FCGX_Request r;

	if (FCGX_InitRequest(&r, fd, 0) != 0)
		return NULL;
	while (!stopping) {
		int rc;
		pthread_mutex_lock(&accept_lock);
		rc = stopping ? -1 : FCGX_Accept_r(&r);
		pthread_mutex_unlock(&accept_lock);
		if (rc < 0)
			break;
		handle(&r);
		FCGX_Finish_r(&r);
	}
	FCGX_Free(&r, 1);
	return NULL;
}

/* ---- main ------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: las-sim --config FILE --listen unix:/path/sock|HOST:PORT [--threads N]\n"
	    "       las-sim --config FILE --check-config\n"
	    "       las-sim --generate 'seed=7 pupils=300 ...' --year 2025-2026 "
	    "[--brin 99XG] [--dep 00]\n");
	exit(2);
}

static int
dump(const char *spec, const char *year, const char *brin, const char *dep)
{
	struct gen_params g;
	struct sink s = { .file = stdout };
	xmlTextWriterPtr w;
	char err[200];
	int y = gen_year_parse(year);

	if (gen_parse(spec, &g, err, sizeof(err)) != 0 || y < 0) {
		fprintf(stderr, "las-sim: %s\n", y < 0 ? "--year must look like 2025-2026" : err);
		return 2;
	}
	if ((w = sink_writer(&s)) == NULL || gen_write(&g, y, brin, dep, w) != 0) {
		fprintf(stderr, "las-sim: generating failed\n");
		return 1;
	}
	xmlFreeTextWriter(w);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *listen_on = NULL, *spec = NULL, *year = NULL, *brin = "99XG", *dep = "00";
	bool check = false;
	long nthreads = THREADS_DEFAULT;
	char err[512], addr[TC_PATH_MAX];
	struct sim_config *c;
	pthread_t *th;
	sigset_t set;
	int fd, sig;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--check-config") == 0) {
			check = true;
			continue;
		}
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--config") == 0)
			config_path = v;
		else if (strcmp(a, "--listen") == 0)
			listen_on = v;
		else if (strcmp(a, "--threads") == 0) {
			char *end;
			nthreads = strtol(v, &end, 10);
			if (*end != '\0' || nthreads < 1 || nthreads > TC_THREADS_MAX)
				usage();
		} else if (strcmp(a, "--generate") == 0)
			spec = v;
		else if (strcmp(a, "--year") == 0)
			year = v;
		else if (strcmp(a, "--brin") == 0)
			brin = v;
		else if (strcmp(a, "--dep") == 0)
			dep = v;
		else
			usage();
	}
	xmlInitParser();
	if (spec != NULL) {
		if (year == NULL)
			usage();
		return dump(spec, year, brin, dep);
	}
	if (config_path == NULL || (listen_on == NULL && !check))
		usage();
	log_init("las-sim", TC_LOG_INFO);
	if (config_load(config_path, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: %zu schools\n", config_path, c->n);
		config_free(c);
		return 0;
	}
	cfg_install(c);

	if (strncmp(listen_on, "unix:", 5) == 0) {
		snprintf(addr, sizeof(addr), "%s", listen_on + 5);
		unlink(addr);
	} else
		snprintf(addr, sizeof(addr), "%s", listen_on);
	if (FCGX_Init() != 0 || (fd = FCGX_OpenSocket(addr, 128)) < 0) {
		log_msg(TC_LOG_ERROR, &lc, "cannot listen on %s", listen_on);
		return 1;
	}
	if (strncmp(listen_on, "unix:", 5) == 0)
		chmod(addr, 0666);	/* nginx workers run as another user */

	/* every thread blocks TERM/INT; main waits for them */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((th = calloc((size_t)nthreads, sizeof(*th))) == NULL)
		return 1;
	for (long i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, worker, &fd) != 0) {
			log_msg(TC_LOG_ERROR, &lc, "pthread_create failed");
			return 1;
		}
	log_msg(TC_LOG_INFO, &lc, "listening on %s with %ld threads, %zu schools", listen_on,
	    nthreads, c->n);
	while (sigwait(&set, &sig) != 0)
		;
	stopping = 1;
	log_msg(TC_LOG_INFO, &lc, "signal %d: stopping", sig);
	/* wake the threads blocked in accept() */
	shutdown(fd, SHUT_RDWR);
	for (long i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	close(fd);
	if (strncmp(listen_on, "unix:", 5) == 0)
		unlink(addr);
	free(th);
	pthread_mutex_lock(&cfg_lock);
	for (size_t i = 0; i < cfg_nrefs; i++)
		config_free(cfg_refs[i].cfg);
	free(cfg_refs);
	pthread_mutex_unlock(&cfg_lock);
	xmlCleanupParser();
	log_msg(TC_LOG_INFO, &lc, "stopped");
	return 0;
}
