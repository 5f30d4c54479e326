/*
 * tcctl_ops.c - the operator's commands about time, jobs, daily tasks, the
 * LAS link, imports and the mail relay: clock, jobs, task run, las test,
 * las fetch, import run, import show, mail test.
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answercache.h"
#include "clock.h"
#include "dailytask.h"
#include "import.h"
#include "import_job.h"
#include "jobqueue.h"
#include "laslink.h"
#include "mail.h"
#include "schoolyear.h"
#include "user.h"
#include "uwlr.h"
#include "uwlr_client.h"
#include "year.h"

int
ctl_clock_set(struct ctl *c, int argc, char **argv)
{
	time_t at;
	tc_status st;

	if (argc != 2 || clock_parse_local(argv[1], &at) != TC_OK)
		ctl_usage("usage: tcctl clock set YYYY-MM-DDTHH:MM (Europe/Amsterdam)");
	if (!c->cfg.clock_settable)
		ctl_usage("clock.settable is off in this configuration: the clock cannot be moved");
	if ((st = clock_set(&c->cfg, ctl_kv(c), at)) != TC_OK)
		return ctl_fail(st, "clock set");
	printf("clock set to %s (Europe/Amsterdam); every process follows within a second\n",
	    argv[1]);
	return 0;
}

int
ctl_clock_reset(struct ctl *c, int argc, char **argv)
{
	tc_status st;

	(void)argv;
	if (argc != 1)
		ctl_usage("usage: tcctl clock reset");
	if ((st = clock_reset(ctl_kv(c))) != TC_OK)
		return ctl_fail(st, "clock reset");
	printf("clock reset to the real time\n");
	return 0;
}

int
ctl_clock_show(struct ctl *c, int argc, char **argv)
{
	struct clock clk;
	struct civil_date d;
	int h, m;

	(void)argv;
	if (argc != 1)
		ctl_usage("usage: tcctl clock show");
	clock_init(&clk, &c->cfg);
	clock_local(clock_now(&clk, ctl_kv(c)), &d, &h, &m);
	printf("%04d-%02d-%02dT%02d:%02d Europe/Amsterdam%s\n", d.year, d.month, d.day, h, m,
	    c->cfg.clock_settable ? "" : " (real time: clock.settable is off)");
	return 0;
}

static void
global(char *buf, size_t size, const char *kind)
{
	kv_global_key(buf, size, kind);
}

int
ctl_jobs_list(struct ctl *c, int argc, char **argv)
{
	char stream[TC_KEY_MAX], delayed[TC_KEY_MAX], dead[TC_KEY_MAX];
	long long len = 0, pending = 0, ndelayed = 0;
	redisReply *r;
	struct kv *kv = ctl_kv(c);
	tc_status st;

	(void)argv;
	if (argc != 1)
		ctl_usage("usage: tcctl jobs list");
	global(stream, sizeof(stream), JOBQUEUE_STREAM);
	global(delayed, sizeof(delayed), "jobs:delayed");
	global(dead, sizeof(dead), JOBQUEUE_DEAD);
	if ((st = kv_command(kv, &r, "XLEN %s", stream)) != TC_OK)
		return ctl_fail(st, "jobs list");
	len = r->integer;
	freeReplyObject(r);
	if (kv_command(kv, &r, "XPENDING %s %s", stream, JOBQUEUE_GROUP) == TC_OK) {
		if (r->type == REDIS_REPLY_ARRAY && r->elements > 0)
			pending = r->element[0]->integer;
		freeReplyObject(r);
	}
	if (kv_command(kv, &r, "ZCARD %s", delayed) == TC_OK) {
		ndelayed = r->integer;
		freeReplyObject(r);
	}
	printf("stream: %lld job(s), %lld running or waiting for a worker; delayed: %lld\n",
	    len, pending, ndelayed);
	if ((st = kv_command(kv, &r, "HGETALL %s", dead)) != TC_OK)
		return ctl_fail(st, "jobs list");
	printf("dead: %zu\n", r->elements / 2);
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		json_t *o = json_loads(r->element[i + 1]->str, 0, NULL);

		printf("  %s  %-14s tenant %lld  attempts %lld  %s\n", r->element[i]->str,
		    json_string_value(json_object_get(o, "kind")),
		    (long long)json_integer_value(json_object_get(o, "tenant")),
		    (long long)json_integer_value(json_object_get(o, "attempt")) + 1,
		    json_string_value(json_object_get(o, "error")));
		json_decref(o);
	}
	freeReplyObject(r);
	return 0;
}

/* The dead job ID as JSON (new reference), or exit 2. */
static json_t *
dead_job(struct ctl *c, const char *id)
{
	char dead[TC_KEY_MAX];
	redisReply *r;
	json_t *o;
	tc_status st;

	global(dead, sizeof(dead), JOBQUEUE_DEAD);
	if ((st = kv_command(ctl_kv(c), &r, "HGET %s %s", dead, id)) != TC_OK)
		exit(ctl_fail(st, "jobs"));
	if (r->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		ctl_usage("no dead job %s (see tcctl jobs list)", id);
	}
	o = json_loads(r->str, 0, NULL);
	freeReplyObject(r);
	if (o == NULL)
		ctl_usage("dead job %s is unreadable", id);
	return o;
}

int
ctl_jobs_show(struct ctl *c, int argc, char **argv)
{
	json_t *o;

	if (argc != 2)
		ctl_usage("usage: tcctl jobs show ID");
	o = dead_job(c, argv[1]);
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
	return 0;
}

int
ctl_jobs_retry(struct ctl *c, int argc, char **argv)
{
	char dead[TC_KEY_MAX], id[64];
	json_t *o;
	tc_status st;

	if (argc != 2)
		ctl_usage("usage: tcctl jobs retry ID");
	o = dead_job(c, argv[1]);
	st = jobqueue_add(ctl_kv(c), json_string_value(json_object_get(o, "kind")),
	    (uint64_t)json_integer_value(json_object_get(o, "tenant")), 0,
	    json_object_get(o, "payload"), id, sizeof(id));
	json_decref(o);
	if (st != TC_OK)
		return ctl_fail(st, "jobs retry");
	global(dead, sizeof(dead), JOBQUEUE_DEAD);
	(void)kv_exec(ctl_kv(c), "HDEL %s %s", dead, argv[1]);
	printf("job %s is back on the stream as %s\n", argv[1], id);
	return 0;
}

int
ctl_jobs_drop(struct ctl *c, int argc, char **argv)
{
	char dead[TC_KEY_MAX];
	json_t *o;
	tc_status st;

	if (argc != 2)
		ctl_usage("usage: tcctl jobs drop ID");
	o = dead_job(c, argv[1]);
	json_decref(o);
	global(dead, sizeof(dead), JOBQUEUE_DEAD);
	if ((st = kv_exec(ctl_kv(c), "HDEL %s %s", dead, argv[1])) != TC_OK)
		return ctl_fail(st, "jobs drop");
	printf("dropped job %s\n", argv[1]);
	return 0;
}

static const char *
tenant_option(int argc, char **argv, const char **year, const char **out)
{
	static const struct option opts[] = {
		{ "tenant", required_argument, NULL, 't' },
		{ "year", required_argument, NULL, 'y' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tenant = NULL;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': tenant = optarg; break;
		case 'y':
			if (year == NULL)
				ctl_usage("--year does not apply here");
			*year = optarg;
			break;
		case 'o':
			if (out == NULL)
				ctl_usage("--out does not apply here");
			*out = optarg;
			break;
		default: ctl_usage("unknown option %s (see tcctl --help)", argv[optind - 1]);
		}
	}
	if (optind != argc)
		ctl_usage("unexpected argument: %s", argv[optind]);
	return tenant;
}

int
ctl_task_run(struct ctl *c, int argc, char **argv)
{
	struct tenant t;
	struct clock clk;
	const char *slug;
	unsigned n = 0;
	tc_status st;

	if (argc < 2 || (strcmp(argv[1], "activate") != 0 && strcmp(argv[1], "reminders") != 0 &&
	    strcmp(argv[1], "sync") != 0))
		ctl_usage("usage: tcctl task run activate|reminders|sync [--tenant S]");
	slug = tenant_option(argc - 1, argv + 1, NULL, NULL);
	memset(&t, 0, sizeof(t));
	if (slug != NULL)
		ctl_find_tenant(c, slug, &t);
	clock_init(&clk, &c->cfg);
	st = dailytask_enqueue(ctl_db(c), ctl_kv(c), &clk, &c->cfg, argv[1], t.id, &n);
	if (st != TC_OK)
		return ctl_fail(st, "task run");
	printf("%u job(s) queued for task %s\n", n, argv[1]);
	return 0;
}

struct cache_drop {
	struct kv	*kv;
	unsigned	 n;
};

static tc_status
cache_drop_one(void *arg, const struct tenant *t)
{
	struct cache_drop *d = arg;
	tc_status st;

	if ((st = answercache_bump(d->kv, t->id)) == TC_OK)
		d->n++;
	return st;
}

/* After records were changed by hand in SQL: the cached lists
 * (answercache.h) of one school, or of all, are dropped, so the portal shows
 * the change at once. */
int
ctl_cache_drop(struct ctl *c, int argc, char **argv)
{
	struct cache_drop d = { NULL, 0 };
	struct tenant t;
	const char *slug = NULL;
	tc_status st;

	if (argc == 2 && strcmp(argv[1], "--all") == 0) {
		d.kv = ctl_kv(c);
		if ((st = tenant_list(ctl_db(c), cache_drop_one, &d)) != TC_OK)
			return ctl_fail(st, "cache drop");
		printf("dropped the cached lists of %u school(s)\n", d.n);
		return 0;
	}
	slug = tenant_option(argc, argv, NULL, NULL);
	if (slug == NULL)
		ctl_usage("usage: tcctl cache drop --tenant S | --all");
	ctl_find_tenant(c, slug, &t);
	if ((st = answercache_bump(ctl_kv(c), t.id)) != TC_OK)
		return ctl_fail(st, "cache drop");
	printf("dropped the cached lists of %s\n", t.slug);
	return 0;
}

/* The school year asked for, or the current one on the clock. */
static void
pick_year(struct ctl *c, const char *given, char *buf, size_t size)
{
	struct clock clk;
	struct civil_date d;
	int y;

	if (given != NULL) {
		if (schoolyear_parse(given, &y) != TC_OK)
			ctl_usage("--year: expected a school year such as 2027-2028");
		schoolyear_format(y, buf, size);
		return;
	}
	clock_init(&clk, &c->cfg);
	clock_local(clock_now(&clk, ctl_kv(c)), &d, NULL, NULL);
	schoolyear_format(schoolyear_of(d), buf, size);
}

/* Fetches year for the school of slug; exits on every failure. */
static struct uwlr_result *
fetch(struct ctl *c, const char *slug, const char *year, struct tenant *t)
{
	struct laslink l;
	struct uwlr_error e;
	struct uwlr_result *res = NULL;
	tc_status st;

	ctl_find_tenant(c, slug, t);
	if ((st = laslink_load(ctl_db(c), &c->cfg, t, &l)) == TC_NOT_FOUND)
		ctl_usage("school %s has no LAS link with a key", slug);
	if (st == TC_INVALID)
		ctl_usage("the LAS key of %s does not open with secret.key_file", slug);
	if (st != TC_OK)
		exit(ctl_fail(st, "las"));
	if (uwlr_client_init() != TC_OK)
		exit(ctl_fail(TC_INTERNAL, "libcurl"));
	st = uwlr_fetch(&l.link, &l.policy, year, NULL, &res, &e);
	laslink_clear(&l);
	if (st != TC_OK) {
		fprintf(stderr, "tcctl: las: %s after %d attempt(s)%s%s%s%s\n",
		    uwlr_error_kind_name(e.kind), e.attempts,
		    e.fault_code[0] != '\0' ? ": " : "", e.fault_code,
		    e.message[0] != '\0' ? ": " : "", e.message);
		exit(1);
	}
	return res;
}

int
ctl_las_test(struct ctl *c, int argc, char **argv)
{
	const char *slug, *given = NULL;
	char year[16];
	struct tenant t;
	struct uwlr_result *res;

	if ((slug = tenant_option(argc, argv, &given, NULL)) == NULL)
		ctl_usage("usage: tcctl las test --tenant S [--year Y]");
	pick_year(c, given, year, sizeof(year));
	res = fetch(c, slug, year, &t);
	printf("las: %s reachable, authorised\nschool year %s: %s, %zu group(s), %zu pupil(s), "
	    "%zu teacher(s), %zu warning(s)\n", t.las_url, year, uwlr_answer_name(res->answer),
	    res->n_groups, res->n_pupils, res->n_teachers, res->n_warnings);
	uwlr_result_free(res);
	return 0;
}

static json_t *
s_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
keys_json(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The records as JSON, for --out (personal data: the operator's file). */
static json_t *
result_json(const struct uwlr_result *res)
{
	json_t *groups = json_array(), *pupils = json_array(), *teachers = json_array();

	for (size_t i = 0; i < res->n_groups; i++) {
		const struct uwlr_group *g = &res->groups[i];

		json_array_append_new(groups, json_pack("{s:s, s:o, s:o, s:b}", "key", g->key,
		    "naam", s_or_null(g->naam), "jaargroep", s_or_null(g->jaargroep),
		    "samengesteld", g->is_samengesteld));
	}
	for (size_t i = 0; i < res->n_pupils; i++) {
		const struct uwlr_pupil *p = &res->pupils[i];

		json_array_append_new(pupils, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		    "key", s_or_null(p->key), "eckid", s_or_null(p->eckid),
		    "achternaam", s_or_null(p->achternaam), "voorvoegsel", s_or_null(p->voorvoegsel),
		    "roepnaam", s_or_null(p->roepnaam), "geboortedatum", s_or_null(p->geboortedatum),
		    "jaargroep", s_or_null(p->jaargroep), "stamgroep", s_or_null(p->groep_key),
		    "samengestelde_groepen", keys_json(p->sg_keys, p->n_sg_keys)));
	}
	for (size_t i = 0; i < res->n_teachers; i++) {
		const struct uwlr_teacher *p = &res->teachers[i];
		json_t *g = keys_json(p->groep_keys, p->n_groep_keys),
		    *sg = keys_json(p->sg_keys, p->n_sg_keys);

		json_array_extend(g, sg);	/* copies */
		json_decref(sg);
		json_array_append_new(teachers, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		    "key", s_or_null(p->key), "eckid", s_or_null(p->eckid),
		    "achternaam", s_or_null(p->achternaam), "voorvoegsel", s_or_null(p->voorvoegsel),
		    "roepnaam", s_or_null(p->roepnaam), "emailadres", s_or_null(p->emailadres),
		    "groepen", g));
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "answer", uwlr_answer_name(res->answer),
	    "schooljaar", s_or_null(res->school.schooljaar), "groepen", groups,
	    "leerlingen", pupils, "leerkrachten", teachers);
}

int
ctl_las_fetch(struct ctl *c, int argc, char **argv)
{
	const char *slug, *given = NULL, *out = NULL;
	char year[16];
	struct tenant t;
	struct uwlr_result *res;
	json_t *j;
	FILE *f;

	slug = tenant_option(argc, argv, &given, &out);
	if (slug == NULL || given == NULL)
		ctl_usage("usage: tcctl las fetch --tenant S --year Y [--out FILE]");
	pick_year(c, given, year, sizeof(year));
	res = fetch(c, slug, year, &t);
	printf("%s: %s, %zu group(s), %zu pupil(s), %zu teacher(s), %zu warning(s), %zu bytes\n",
	    year, uwlr_answer_name(res->answer), res->n_groups, res->n_pupils, res->n_teachers,
	    res->n_warnings, res->bytes);
	if (out != NULL) {
		/* Pupils' personal data: the operator's file only (0600, never
		 * over an existing file, as tcctl export). */
		int fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0600);

		if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
			if (fd >= 0)
				close(fd);
			uwlr_result_free(res);
			ctl_usage("--out: %s: %s", out, strerror(errno));
		}
		j = result_json(res);
		json_dumpf(j, f, JSON_INDENT(1));
		fputc('\n', f);
		json_decref(j);
		fclose(f);
		printf("records written to %s\n", out);
	}
	uwlr_result_free(res);
	return 0;
}

/*
 * tcctl import run --tenant S --year Y [--apply]: the operator's import, run in
 * this process (onboarding a school, the demo): fetch into the review, and
 * with --apply accept the default choices and apply.  No activation window:
 * the operator decides.  An import in progress is refused.
 */
int
ctl_import_run(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tenant", required_argument, NULL, 't' },
		{ "year", required_argument, NULL, 'y' },
		{ "apply", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *slug = NULL, *given = NULL;
	struct import_state s;
	struct tenant t;
	struct clock clk;
	struct log_ctx lc = { NULL, NULL, "tcctl" };
	bool apply = false;
	int ch, year, active = 0;
	tc_status st;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': slug = optarg; break;
		case 'y': given = optarg; break;
		case 'a': apply = true; break;
		default: ctl_usage("unknown option %s (see tcctl --help)", argv[optind - 1]);
		}
	}
	if (optind != argc || slug == NULL || given == NULL)
		ctl_usage("usage: tcctl import run --tenant S --year Y [--apply]");
	if (schoolyear_parse(given, &year) != TC_OK)
		ctl_usage("--year: expected a school year such as 2027-2028");
	ctl_find_tenant(c, slug, &t);
	if (t.las_url[0] == '\0' || !t.has_las_key)
		ctl_usage("school %s has no LAS link with a key", slug);
	if ((st = year_active(ctl_db(c), t.id, &active)) != TC_OK && st != TC_NOT_FOUND)
		return ctl_fail(st, "import");
	if (uwlr_client_init() != TC_OK)
		return ctl_fail(TC_INTERNAL, "libcurl");
	clock_init(&clk, &c->cfg);
	st = import_start(ctl_kv(c), &c->cfg, t.id, year, year == active ? "resync" : "transition",
	    "las", "operator", 0, (long long)clock_now(&clk, ctl_kv(c)), &s);
	if (st == TC_CONFLICT)
		ctl_usage("school %s has an import in progress (%s, %s)", slug, s.id,
		    import_status_name(s.status));
	if (st != TC_OK)
		return ctl_fail(st, "import");
	lc.tenant = t.slug;
	if ((st = import_job_fetch(ctl_db(c), ctl_kv(c), &c->cfg, t.id, s.id, &lc)) != TC_OK)
		return ctl_fail(st, "import fetch");
	(void)import_get(ctl_kv(c), t.id, s.id, &s);
	if (s.status != IMPORT_REVIEW) {
		fprintf(stderr, "tcctl: import %s %s: %s %s\n", s.id, import_status_name(s.status),
		    s.error_message, s.las_message);
		return 1;
	}
	printf("import %s of %s is ready for review\n", s.id, given);
	if (!apply)
		return 0;
	if ((st = import_transition(ctl_kv(c), t.id, s.id, IMPORT_REVIEW, IMPORT_APPLYING)) != TC_OK ||
	    (st = import_job_apply(ctl_db(c), ctl_kv(c), &c->cfg, t.id, s.id, 0, &lc)) != TC_OK)
		return ctl_fail(st, "import apply");
	(void)import_get(ctl_kv(c), t.id, s.id, &s);
	if (s.status != IMPORT_APPLIED) {
		fprintf(stderr, "tcctl: import %s not applied: %s\n", s.id, s.error_message);
		return 1;
	}
	printf("applied: %s\n", s.result);
	return 0;
}

/* tcctl import show --tenant S: the school's import in progress, if any. */
int
ctl_import_show(struct ctl *c, int argc, char **argv)
{
	struct import_state s;
	struct tenant t;
	const char *slug;
	char year[16];
	tc_status st;

	if ((slug = tenant_option(argc, argv, NULL, NULL)) == NULL)
		ctl_usage("usage: tcctl import show --tenant S");
	ctl_find_tenant(c, slug, &t);
	st = import_current(ctl_kv(c), t.id, &s);
	if (st == TC_NOT_FOUND) {
		printf("no import in progress\n");
		return 0;
	}
	if (st != TC_OK)
		return ctl_fail(st, "import show");
	schoolyear_format(s.year, year, sizeof(year));
	printf("import %s %s %s %s started by %s%s%s\n", s.id, import_status_name(s.status), year,
	    s.kind, s.started_by, s.error_code[0] != '\0' ? ": " : "", s.error_message);
	return 0;
}

#define MAIL_TEST_SUBJECT	"Testbericht van Testcentrum"
#define MAIL_TEST_TEXT \
	"Dit is een testbericht van Testcentrum.\n\n" \
	"De beheerder van het platform heeft gecontroleerd of e-mail aankomt. " \
	"U hoeft niets te doen.\n\nTestcentrum\n"
#define MAIL_TEST_HTML \
	"<p>Dit is een testbericht van Testcentrum.</p>" \
	"<p>De beheerder van het platform heeft gecontroleerd of e-mail aankomt. " \
	"U hoeft niets te doen.</p><p>Testcentrum</p>"

int
ctl_mail_test(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *to = NULL;
	char err[256];
	tc_status st;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 't')
			ctl_usage("unknown option %s (see tcctl --help)", argv[optind - 1]);
		to = optarg;
	}
	if (to == NULL || optind != argc)
		ctl_usage("usage: tcctl mail test --to ADDRESS");
	if (strlen(to) > TC_EMAIL_MAX || !user_email_valid(to))
		ctl_usage("--to: expected one e-mail address");
	if (mail_init() != TC_OK)
		return ctl_fail(TC_INTERNAL, "libcurl");
	st = mail_send(&c->cfg, &(struct mail){ to, MAIL_TEST_SUBJECT, MAIL_TEST_TEXT,
	    MAIL_TEST_HTML }, err, sizeof(err));
	if (st != TC_OK) {
		fprintf(stderr, "tcctl: mail test: %s (%s)\n", err,
		    st == TC_UNAVAILABLE ? "may pass later" : "refused");
		return 1;
	}
	printf("mail test: the relay accepted the message\n");
	return 0;
}
