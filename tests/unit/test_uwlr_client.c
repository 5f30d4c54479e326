/*
 * test_uwlr_client.c - request building, the address policy and whole
 * fetches against a tiny HTTP server on loopback (allow_private) that
 * serves fixtures, faults, error pages and delays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "uwlr_client.h"

/* ---- a one-connection-at-a-time HTTP server --------------------------- */

struct srv {
	int		 fd, port;
	pthread_t	 th;
	int		 status;
	char		*body;
	size_t		 body_len;
	long		 delay_ms;
	int		 nreq;
	char		 last[8192];	/* last request: headers and body */
	volatile int	 stop;
	/* Held while a request is served: a test changing the answer waits for
	 * the server to finish sending the previous one (the client may have
	 * read all it wanted before send() returned). */
	pthread_mutex_t	 lock;
};

static struct srv srv = { .lock = PTHREAD_MUTEX_INITIALIZER };

static char *
slurp(const char *name, size_t *len)
{
	const char *dir = getenv("TC_FIXTURES");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void *
serve(void *arg)
{
	(void)arg;
	while (!srv.stop) {
		char req[8192], head[256];
		size_t got = 0;
		long want = -1;
		int c = accept(srv.fd, NULL, NULL);
		if (c < 0)
			break;
		for (;;) {
			ssize_t n = recv(c, req + got, sizeof(req) - 1 - got, 0);
			char *eoh;
			if (n <= 0)
				break;
			got += (size_t)n;
			req[got] = '\0';
			if ((eoh = strstr(req, "\r\n\r\n")) != NULL) {
				char *cl = strcasestr(req, "Content-Length:");
				if (want < 0)
					want = cl ? strtol(cl + 15, NULL, 10) : 0;
				if ((size_t)(eoh + 4 - req) + (size_t)want <= got)
					break;
			}
			if (got >= sizeof(req) - 1)
				break;
		}
		pthread_mutex_lock(&srv.lock);
		memcpy(srv.last, req, got + 1 < sizeof(srv.last) ? got + 1 : sizeof(srv.last));
		srv.last[sizeof(srv.last) - 1] = '\0';
		srv.nreq++;
		if (srv.delay_ms > 0) {
			struct timespec ts = { srv.delay_ms / 1000, (srv.delay_ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
		int hl = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Type: text/xml; "
		    "charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		    srv.status, srv.body_len);
		(void)!send(c, head, (size_t)hl, MSG_NOSIGNAL);
		for (size_t at = 0; at < srv.body_len; ) {
			ssize_t n = send(c, srv.body + at, srv.body_len - at, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			at += (size_t)n;
		}
		close(c);
		pthread_mutex_unlock(&srv.lock);
	}
	return NULL;
}

static int
srv_start(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);

	(void)state;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv.fd = socket(AF_INET, SOCK_STREAM, 0);
	if (srv.fd < 0 || bind(srv.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(srv.fd, 8) != 0 || getsockname(srv.fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	srv.port = ntohs(sa.sin_port);
	uwlr_client_init();
	return pthread_create(&srv.th, NULL, serve, NULL);
}

static int
srv_stop(void **state)
{
	(void)state;
	srv.stop = 1;
	shutdown(srv.fd, SHUT_RDWR);
	pthread_join(srv.th, NULL);
	close(srv.fd);
	free(srv.body);
	uwlr_client_cleanup();
	return 0;
}

static void
srv_set(int status, const char *fixture, const char *literal)
{
	pthread_mutex_lock(&srv.lock);
	free(srv.body);
	if (fixture != NULL)
		srv.body = slurp(fixture, &srv.body_len);
	else {
		srv.body = strdup(literal);
		srv.body_len = strlen(literal);
	}
	srv.status = status;
	srv.delay_ms = 0;
	srv.nreq = 0;
	srv.last[0] = '\0';
	pthread_mutex_unlock(&srv.lock);
}

/*
 * Waits until the server has taken n requests since srv_set.  A client that
 * timed out leaves its request in the listen queue; the server counts it
 * later, and a following test's srv_set must not reset the count first.
 */
static void
srv_wait_requests(int n)
{
	int seen = 0;

	for (int i = 0; i < 1000; i++) {
		struct timespec ts = { 0, 10 * 1000000L };
		pthread_mutex_lock(&srv.lock);
		seen = srv.nreq;
		pthread_mutex_unlock(&srv.lock);
		if (seen >= n)
			break;
		nanosleep(&ts, NULL);
	}
	assert_int_equal(seen, n);
}

/* ---- fixtures of the tests -------------------------------------------- */

static char url[128];

static struct uwlr_link
link_for(const char *brin)
{
	struct uwlr_link l = {
		.url = url, .brincode = brin, .klantcode = "TC", .klantnaam = "Testcentrum",
		.autorisatiesleutel = "sleutel-regenboog",
	};
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/uwlr", srv.port);
	return l;
}

static const struct uwlr_policy test_policy = {
	.allow_http = true, .allow_private = true, .connect_timeout_ms = 2000,
	.timeout_ms = 5000, .retries = 2, .backoff_ms = 1,
};

/* ---- request building ------------------------------------------------- */

static const xmlNode *
first_el(const xmlNode *n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static const xmlNode *
next_el(const xmlNode *n)
{
	return first_el(n ? n->next : NULL);
}

static void
assert_el(const xmlNode *n, const char *ns, const char *name)
{
	assert_non_null(n);
	assert_non_null(n->ns);
	assert_string_equal((const char *)n->ns->href, ns);
	assert_string_equal((const char *)n->name, name);
}

static char *
text(const xmlNode *n)
{
	return (char *)xmlNodeGetContent(n);
}

static void
assert_text(const xmlNode *n, const char *want)
{
	char *t = text(n);
	assert_string_equal(t, want);
	xmlFree(t);
}

static void
test_request_build(void **state)
{
	struct uwlr_link l = {
		.url = "https://las.example/uwlr", .brincode = "99XP", .klantcode = "T&C",
		.klantnaam = "Test <centrum>", .autorisatiesleutel = "k&y<1>\"'+/=",
	};
	struct uwlr_request req = { .schooljaar = "2024-2025" };
	struct uwlr_error err;
	const xmlNode *env, *hdr, *aut, *body, *vz, *n;
	char *xml, *at;
	size_t len;
	xmlDocPtr doc;

	(void)state;
	assert_int_equal(uwlr_request_build(&l, &req, &xml, &len, &err), TC_OK);
	assert_int_equal(strlen(xml), len);
	/* the key, escaped, exactly once */
	at = strstr(xml, "k&amp;y&lt;1&gt;");
	assert_non_null(at);
	assert_null(strstr(at + 1, "k&amp;y"));
	assert_null(strstr(xml, "k&y"));
	doc = xmlReadMemory(xml, (int)len, "req.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	env = xmlDocGetRootElement(doc);
	assert_el(env, UWLR_NS_SOAP, "Envelope");
	hdr = first_el(env->children);
	assert_el(hdr, UWLR_NS_SOAP, "Header");
	body = next_el(hdr);
	assert_el(body, UWLR_NS_SOAP, "Body");
	assert_null(next_el(body));
	aut = first_el(hdr->children);
	assert_el(aut, UWLR_NS_AUT, "autorisatie");
	n = first_el(aut->children);
	assert_el(n, UWLR_NS_AUT, "autorisatiesleutel");
	assert_text(n, "k&y<1>\"'+/=");
	n = next_el(n);
	assert_el(n, UWLR_NS_AUT, "klantcode");
	assert_text(n, "T&C");
	n = next_el(n);
	assert_el(n, UWLR_NS_AUT, "klantnaam");
	assert_text(n, "Test <centrum>");
	assert_null(next_el(n));
	vz = first_el(body->children);
	assert_el(vz, UWLR_NS_LL, "leerlinggegevens_verzoek");
	n = first_el(vz->children);
	assert_el(n, UWLR_NS_LL, "schooljaar");
	assert_text(n, "2024-2025");
	n = next_el(n);
	assert_el(n, UWLR_NS_LL, "brincode");
	assert_text(n, "99XP");
	n = next_el(n);
	assert_el(n, UWLR_NS_LL, "dependancecode");
	assert_text(n, "00");
	n = next_el(n);
	assert_el(n, UWLR_NS_LL, "xsdversie");
	assert_text(n, "2.3");
	assert_null(next_el(n));
	xmlFreeDoc(doc);
	free(xml);

	/* all optional fields, in schema order */
	l.dependancecode = "01";
	l.xsdversie = "2.2";
	l.gegevenssetid = "Smalle-set-VO";
	req.since = "2024-09-01T02:00:00";
	assert_int_equal(uwlr_request_build(&l, &req, &xml, &len, &err), TC_OK);
	doc = xmlReadMemory(xml, (int)len, "req.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	vz = first_el(first_el(first_el(xmlDocGetRootElement(doc)->children)->next)->children);
	vz = first_el(next_el(first_el(xmlDocGetRootElement(doc)->children))->children);
	static const char *const order[][2] = { { "schooljaar", "2024-2025" }, { "brincode", "99XP" },
		{ "dependancecode", "01" }, { "xsdversie", "2.2" }, { "gegevenssetid", "Smalle-set-VO" },
		{ "laatstontvangengegevens", "2024-09-01T02:00:00" } };
	n = first_el(vz->children);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++, n = next_el(n)) {
		assert_el(n, UWLR_NS_LL, order[i][0]);
		assert_text(n, order[i][1]);
	}
	assert_null(n);
	xmlFreeDoc(doc);
	free(xml);
	assert_string_equal(uwlr_soapaction(UWLR_OP_LEERLINGGEGEVENS), "HaalLeerlinggegevens");
}

static void
test_request_invalid(void **state)
{
	struct uwlr_link good = { .url = "https://x", .brincode = "99XP", .klantcode = "TC",
		.klantnaam = "Testcentrum", .autorisatiesleutel = "k" };
	struct uwlr_request req = { .schooljaar = "2024-2025" };
	struct uwlr_error err;
	char *xml;
	size_t len;
	struct uwlr_link l;

	(void)state;
#define BAD(field, value) do { l = good; l.field = value; \
	assert_int_equal(uwlr_request_build(&l, &req, &xml, &len, &err), TC_INVALID); \
	assert_null(xml); assert_int_equal(err.kind, UWLR_ERR_CONFIG); } while (0)
	BAD(brincode, "99xp");
	BAD(brincode, NULL);
	BAD(dependancecode, "1");
	BAD(dependancecode, "0a");
	BAD(xsdversie, "2.1");
	BAD(autorisatiesleutel, "");
	BAD(autorisatiesleutel, NULL);
	BAD(autorisatiesleutel, "a\nb");
	BAD(klantcode, "");
	BAD(klantnaam, NULL);
#undef BAD
	l = good;
	const char *years[] = { "2024-2026", "2024/2025", "24-25", "", "2024-2025x" };
	for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		req.schooljaar = years[i];
		assert_int_equal(uwlr_request_build(&l, &req, &xml, &len, &err), TC_INVALID);
		assert_non_null(strstr(err.message, "schooljaar"));
	}
	req.schooljaar = "2024-2025";
	req.since = "gisteren";
	assert_int_equal(uwlr_request_build(&l, &req, &xml, &len, &err), TC_INVALID);
	/* the key never appears in an error message */
	l.autorisatiesleutel = "geheim-123";
	req.since = NULL;
	req.schooljaar = "x";
	assert_int_equal(uwlr_request_build(&l, &req, &xml, &len, &err), TC_INVALID);
	assert_null(strstr(err.message, "geheim"));
}

/* ---- address policy --------------------------------------------------- */

static bool
priv4(const char *a)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	assert_int_equal(inet_pton(AF_INET, a, &sa.sin_addr), 1);
	return uwlr_addr_is_private((struct sockaddr *)&sa, sizeof(sa));
}

static bool
priv6(const char *a)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	assert_int_equal(inet_pton(AF_INET6, a, &sa.sin6_addr), 1);
	return uwlr_addr_is_private((struct sockaddr *)&sa, sizeof(sa));
}

static void
test_addr_policy(void **state)
{
	(void)state;
	assert_true(priv4("127.0.0.1"));
	assert_true(priv4("10.1.2.3"));
	assert_true(priv4("172.16.0.1"));
	assert_true(priv4("172.31.255.255"));
	assert_false(priv4("172.32.0.1"));
	assert_true(priv4("192.168.1.1"));
	assert_true(priv4("169.254.169.254"));
	assert_true(priv4("100.64.0.1"));
	assert_true(priv4("0.0.0.0"));
	assert_true(priv4("224.0.0.1"));
	assert_false(priv4("8.8.8.8"));
	assert_false(priv4("145.97.1.1"));
	assert_true(priv6("::1"));
	assert_true(priv6("::"));
	assert_true(priv6("fe80::1"));
	assert_true(priv6("fd00::1"));
	assert_true(priv6("::ffff:127.0.0.1"));
	assert_true(priv6("::ffff:10.0.0.1"));
	assert_false(priv6("::ffff:8.8.8.8"));
	assert_true(priv6("2001:db8::1"));	/* documentation (issue 19) */
	assert_true(priv6("64:ff9b::a00:1"));
}

/* The special-use ranges the review found missing (issue 19). */
static void
test_addr_special_use(void **state)
{
	static const char *const v4[] = { "192.0.2.1", "198.51.100.7", "203.0.113.9",
	    "198.18.0.1", "198.19.255.254", "192.88.99.1", "240.0.0.1", "255.255.255.255" };
	static const char *const v6[] = { "2001::1", "2001:2::1", "2001:10::1", "2001:20::1",
	    "3fff::1", "100::1", "64:ff9b:1::1", "5f00::1", "2002:a00:1::1", "2002:7f00:1::1" };

	(void)state;
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		assert_true(priv4(v4[i]));
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		assert_true(priv6(v6[i]));
	/* Neighbours that are public. */
	assert_false(priv4("198.20.0.1"));
	assert_false(priv4("192.0.3.1"));
	assert_false(priv4("203.0.114.1"));
	assert_false(priv6("2001:4860::8888"));
	assert_false(priv6("2002:808:808::1"));	/* 6to4 of 8.8.8.8 */
	assert_false(priv6("2001:30::1"));
	assert_false(priv6("2a00:1450::1"));
}

/* ---- fetches ---------------------------------------------------------- */

static size_t progress_bytes;

static void
on_progress(void *arg, size_t bytes)
{
	(void)arg;
	progress_bytes = bytes;
}

static void
test_fetch_ok(void **state)
{
	struct uwlr_link l = link_for("99XP");
	struct uwlr_request req = { .schooljaar = "2023-2024", .progress = on_progress };
	struct uwlr_result *r = NULL;
	struct uwlr_error err;

	(void)state;
	srv_set(200, "small-po-2023-2024.xml", NULL);
	assert_int_equal(uwlr_fetch_request(&l, &test_policy, &req, &r, &err), TC_OK);
	assert_non_null(r);
	assert_int_equal(r->n_pupils, 42);
	assert_int_equal(r->n_teachers, 5);
	assert_int_equal(err.attempts, 1);
	assert_int_equal(progress_bytes, srv.body_len);
	assert_int_equal(srv.nreq, 1);
	assert_non_null(strstr(srv.last, "POST /uwlr HTTP/1.1\r\n"));
	assert_non_null(strcasestr(srv.last, "\r\nSOAPAction: HaalLeerlinggegevens\r\n"));
	assert_non_null(strcasestr(srv.last, "\r\nContent-Type: text/xml; charset=utf-8\r\n"));
	assert_non_null(strstr(srv.last, "<aut:autorisatiesleutel>sleutel-regenboog<"));
	uwlr_result_free(r);

	l.soapaction_quoted = true;
	srv_set(200, "geenwijzigingen.xml", NULL);
	assert_int_equal(uwlr_fetch(&l, &test_policy, "2023-2024", "2023-09-01T00:00:00", &r, &err),
	    TC_OK);
	assert_int_equal(r->answer, UWLR_ANSWER_GEENWIJZIGINGEN);
	assert_non_null(strcasestr(srv.last, "\r\nSOAPAction: \"HaalLeerlinggegevens\"\r\n"));
	assert_non_null(strstr(srv.last, "<ll:laatstontvangengegevens>2023-09-01T00:00:00<"));
	uwlr_result_free(r);
}

static void
test_fetch_faults(void **state)
{
	struct uwlr_link l = link_for("99XP");
	struct uwlr_result *r = (struct uwlr_result *)1;
	struct uwlr_error err;

	(void)state;
	srv_set(500, "fault-auth.xml", NULL);
	assert_int_equal(uwlr_fetch(&l, &test_policy, "2023-2024", NULL, &r, &err), TC_INVALID);
	assert_null(r);
	assert_int_equal(err.kind, UWLR_ERR_FAULT);
	assert_string_equal(err.fault_code, "Client.AutorisatieOngeldig");
	assert_string_equal(err.message,
	    "Autorisatiesleutel is ongeldig of geeft geen toegang tot school 99XP/00");
	assert_false(err.retryable);
	assert_int_equal(err.attempts, 1);
	assert_int_equal(err.http_status, 500);
	assert_int_equal(srv.nreq, 1);

	srv_set(500, "fault-server.xml", NULL);
	assert_int_equal(uwlr_fetch(&l, &test_policy, "2023-2024", NULL, &r, &err), TC_UNAVAILABLE);
	assert_int_equal(err.kind, UWLR_ERR_FAULT);
	assert_string_equal(err.fault_code, "Server.TijdelijkNietBeschikbaar");
	assert_true(err.retryable);
	assert_int_equal(err.attempts, 3);
	assert_int_equal(srv.nreq, 3);
}

static void
test_fetch_http_errors(void **state)
{
	struct uwlr_link l = link_for("99XP");
	struct uwlr_result *r;
	struct uwlr_error err;
	struct uwlr_policy pol = test_policy;

	(void)state;
	srv_set(503, NULL, "<html><body>Service Unavailable</body></html>");
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_UNAVAILABLE);
	assert_int_equal(err.kind, UWLR_ERR_HTTP);
	assert_int_equal(err.http_status, 503);
	assert_int_equal(err.attempts, 3);

	srv_set(404, NULL, "<html>nope</html>");
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_INVALID);
	assert_int_equal(err.kind, UWLR_ERR_HTTP);
	assert_int_equal(err.attempts, 1);

	srv_set(200, NULL, "");
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_INVALID);
	assert_int_equal(err.kind, UWLR_ERR_PARSE);

	srv_set(200, "malformed.xml", NULL);
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_INVALID);
	assert_int_equal(err.kind, UWLR_ERR_PARSE);
	assert_int_equal(err.attempts, 1);

	srv_set(200, "xxe.xml", NULL);
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_INVALID);
	assert_int_equal(err.kind, UWLR_ERR_PARSE);
	assert_non_null(strstr(err.message, "DOCTYPE"));

	/* data of another year */
	srv_set(200, "small-po-2023-2024.xml", NULL);
	assert_int_equal(uwlr_fetch(&l, &pol, "2024-2025", NULL, &r, &err), TC_INVALID);
	assert_int_equal(err.kind, UWLR_ERR_MISMATCH);
	assert_null(r);

	pol.max_bytes = 2000;
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_TOO_LARGE);
	assert_int_equal(err.kind, UWLR_ERR_TOO_LARGE);
}

static void
test_fetch_timeout(void **state)
{
	struct uwlr_link l = link_for("99XP");
	struct uwlr_result *r;
	struct uwlr_error err;
	struct uwlr_policy pol = test_policy;

	(void)state;
	srv_set(200, "geengegevens.xml", NULL);
	srv.delay_ms = 700;
	pol.timeout_ms = 200;
	pol.retries = 1;
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_UNAVAILABLE);
	assert_int_equal(err.kind, UWLR_ERR_TIMEOUT);
	assert_true(err.retryable);
	assert_int_equal(err.attempts, 2);
	srv_wait_requests(2);
}

/* A LAS that sends nothing for low_speed_seconds: stalled, not tried again,
 * long before the whole-call limit. */
static void
test_fetch_stalled(void **state)
{
	struct uwlr_link l = link_for("99XP");
	struct uwlr_result *r;
	struct uwlr_error err;
	struct uwlr_policy pol = test_policy;

	(void)state;
	srv_set(200, "geengegevens.xml", NULL);
	srv.delay_ms = 3000;
	pol.timeout_ms = 10000;
	pol.low_speed_seconds = 1;
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_UNAVAILABLE);
	assert_int_equal(err.kind, UWLR_ERR_STALLED);
	assert_false(err.retryable);
	assert_int_equal(err.attempts, 1);
	assert_non_null(strstr(err.message, "less than 1000 bytes/s for 1 s"));
	assert_string_equal(uwlr_error_kind_name(err.kind), "stalled");
	srv_wait_requests(1);
}

static void
test_fetch_policy(void **state)
{
	struct uwlr_link l = link_for("99XP");
	struct uwlr_result *r;
	struct uwlr_error err;
	struct uwlr_policy pol = test_policy;

	(void)state;
	srv_set(200, "small-po-2023-2024.xml", NULL);
	/* loopback refused unless allowed: nothing reaches the server */
	pol.allow_private = false;
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_FORBIDDEN);
	assert_int_equal(err.kind, UWLR_ERR_REFUSED_ADDRESS);
	assert_int_equal(srv.nreq, 0);
	snprintf(url, sizeof(url), "http://localhost:%d/uwlr", srv.port);
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_FORBIDDEN);
	assert_int_equal(srv.nreq, 0);

	/* http:// only when allowed; other schemes never */
	l = link_for("99XP");
	pol = test_policy;
	pol.allow_http = false;
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_INVALID);
	assert_int_equal(err.kind, UWLR_ERR_CONFIG);
	l.url = "file:///etc/passwd";
	pol.allow_http = true;
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_INVALID);
	assert_int_equal(err.kind, UWLR_ERR_CONFIG);
	l.url = "ftp://127.0.0.1/";
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_INVALID);
	assert_int_equal(srv.nreq, 0);

	/* a closed port */
	l.url = "http://127.0.0.1:1/uwlr";
	pol.retries = -1;
	assert_int_equal(uwlr_fetch(&l, &pol, "2023-2024", NULL, &r, &err), TC_UNAVAILABLE);
	assert_int_equal(err.kind, UWLR_ERR_CONNECT);
	assert_int_equal(err.attempts, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_build),
		cmocka_unit_test(test_request_invalid),
		cmocka_unit_test(test_addr_policy),
		cmocka_unit_test(test_addr_special_use),
		cmocka_unit_test(test_fetch_ok),
		cmocka_unit_test(test_fetch_faults),
		cmocka_unit_test(test_fetch_http_errors),
		cmocka_unit_test(test_fetch_timeout),
		cmocka_unit_test(test_fetch_stalled),
		cmocka_unit_test(test_fetch_policy),
	};

	return cmocka_run_group_tests(tests, srv_start, srv_stop);
}
