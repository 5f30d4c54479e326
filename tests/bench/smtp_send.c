/*
 * smtp_send.c - the baseline of the reminder benchmark in tests/bench/run:
 * COUNT messages of the reminder's shape (multipart/alternative, plain text
 * and HTML, quoted-printable) sent with libcurl by THREADS threads, one
 * connection per message like core/base/mail.c, with nothing else around them
 * (no job stream, no database, no dedup).  Whatever tc-worker spends on top
 * of this per reminder is ours.  Prints the elapsed seconds.
 *
 *   smtp_send smtp://127.0.0.1:PORT COUNT THREADS
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

struct run {
	const char	*url;
	int		 first, count;	/* this thread's recipients */
	int		 failed;
};

static const char text[] =
    "Beste beheerder,\n\nHet nieuwe schooljaar 2026-2027 is automatisch geactiveerd voor "
    "Vloot en de gegevens uit uw LAS zijn opgehaald. De import is nog niet afgerond: "
    "controleer de groepen, leerlingen en leerkrachten en kies daarna \"Gegevens "
    "importeren\".\n\nGa direct naar Controle import uit LAS:\n"
    "http://fleet-1.localhost/#/import/0123456789abcdef\n\nU ontvangt deze herinnering "
    "elke dag tot de import is afgerond.\n\nMet vriendelijke groet,\nTestcentrum\n";
static const char html[] =
    "<!doctype html><html lang=\"nl\"><body><p>Beste beheerder,</p><p>Het nieuwe "
    "schooljaar 2026-2027 is automatisch geactiveerd voor Vloot en de gegevens uit uw LAS "
    "zijn opgehaald. De import is nog niet afgerond: controleer de groepen, leerlingen en "
    "leerkrachten en kies daarna <strong>Gegevens importeren</strong>.</p><p><a href=\""
    "http://fleet-1.localhost/#/import/0123456789abcdef\">Ga direct naar Controle import "
    "uit LAS</a></p><p>Met vriendelijke groet,<br>Testcentrum</p></body></html>";

/* One message to base-N@bench.invalid; 0 on success. */
static int
send_one(const char *url, int n)
{
	char to[64], hto[80];
	struct curl_slist *rcpt = NULL, *hdr = NULL;
	curl_mime *mime, *alt;
	curl_mimepart *part;
	CURLcode rc;
	CURL *c;

	if ((c = curl_easy_init()) == NULL)
		return -1;
	snprintf(to, sizeof(to), "<base-%d@bench.invalid>", n);
	snprintf(hto, sizeof(hto), "To: base-%d@bench.invalid", n);
	rcpt = curl_slist_append(rcpt, to);
	hdr = curl_slist_append(hdr, "From: Testcentrum <noreply@testcentrum.invalid>");
	hdr = curl_slist_append(hdr, hto);
	hdr = curl_slist_append(hdr, "Subject: =?UTF-8?B?SGVyaW5uZXJpbmc=?=");
	mime = curl_mime_init(c);
	alt = curl_mime_init(c);
	part = curl_mime_addpart(alt);
	curl_mime_data(part, text, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(alt);
	curl_mime_data(part, html, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/html; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);	/* alt owned by mime now */
	curl_mime_type(part, "multipart/alternative");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, "<noreply@testcentrum.invalid>");
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	curl_mime_free(mime);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(hdr);
	return rc == CURLE_OK ? 0 : -1;
}

static void *
run(void *arg)
{
	struct run *r = arg;

	for (int i = 0; i < r->count; i++)
		if (send_one(r->url, r->first + i) != 0)
			r->failed++;
	return NULL;
}

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	struct run *runs;
	pthread_t *tid;
	int count, threads, failed = 0;

	if (argc != 4 || (count = atoi(argv[2])) <= 0 || (threads = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: smtp_send smtp://HOST:PORT COUNT THREADS\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_ALL);
	runs = calloc(threads, sizeof(*runs));
	tid = calloc(threads, sizeof(*tid));
	if (runs == NULL || tid == NULL)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0, first = 0; i < threads; i++) {
		runs[i].url = argv[1];
		runs[i].first = first;
		runs[i].count = count / threads + (i < count % threads);
		first += runs[i].count;
		pthread_create(&tid[i], NULL, run, &runs[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		failed += runs[i].failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.3f %d\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, failed);
	free(runs);
	free(tid);
	curl_global_cleanup();
	return failed == 0 ? 0 : 1;
}
