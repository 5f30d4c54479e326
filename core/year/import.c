/* import.c - the state of an import in Redis. */
#include "import.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answercache.h"
#include "idlist.h"
#include "limits.h"

static const char *const status_names[IMPORT_STATUS_MAX] = {
	"fetching", "review", "applying", "applied", "failed", "cancelled"
};

static const char *const kind_names[IMPORT_KIND_MAX] = {
	"group", "student", "teacher", "leaver"
};

const char *
import_status_name(enum import_status s)
{
	return (unsigned)s < IMPORT_STATUS_MAX ? status_names[s] : "failed";
}

const char *
import_kind_name(enum import_kind k)
{
	return (unsigned)k < IMPORT_KIND_MAX ? kind_names[k] : "group";
}

int
import_kind_parse(const char *s)
{
	for (int i = 0; s != NULL && i < IMPORT_KIND_MAX; i++)
		if (strcmp(kind_names[i], s) == 0)
			return i;
	return -1;
}

static int
status_parse(const char *s)
{
	for (int i = 0; s != NULL && i < IMPORT_STATUS_MAX; i++)
		if (strcmp(status_names[i], s) == 0)
			return i;
	return -1;
}

bool
import_id_valid(const char *id)
{
	size_t n = 0;

	if (id == NULL || id[0] < '1' || id[0] > '9')
		return false;
	for (; id[n] != '\0'; n++)
		if (id[n] < '0' || id[n] > '9')
			return false;
	return n == IMPORT_ID_LEN;
}

static void
key_current(char *buf, size_t size, uint64_t t)
{
	kv_key(buf, size, t, "import", "current");
}

static void
key_state(char *buf, size_t size, uint64_t t, const char *id)
{
	kv_key(buf, size, t, "import", id);
}

/* The staged JSON of one kind ("group", ..., or "warnings"). */
static void
key_blob(char *buf, size_t size, uint64_t t, const char *id, const char *name)
{
	char sub[IMPORT_ID_LEN + 16];

	snprintf(sub, sizeof(sub), "%s:%s", id, name);
	kv_key(buf, size, t, "import-data", sub);
}

static void
key_decisions(char *buf, size_t size, uint64_t t, const char *id)
{
	kv_key(buf, size, t, "import-decisions", id);
}

static void
key_file(char *buf, size_t size, uint64_t t, const char *id)
{
	kv_key(buf, size, t, "import-file", id);
}

static long long
ttl_seconds(const struct config *cfg)
{
	return (long long)cfg->import_ttl_days * 86400;
}

/* After a change of an import's state: the school's cached answers, among
 * them the review's lists (answercache.h), are stale.  A failed bump is
 * logged by answercache_bump; the change itself stands. */
static tc_status
changed(struct kv *kv, uint64_t t, tc_status st)
{
	if (st == TC_OK)
		(void)answercache_bump(kv, t);
	return st;
}

static const char *
field(const redisReply *r, size_t i)
{
	if (i >= r->elements || r->element[i]->type != REDIS_REPLY_STRING)
		return NULL;
	return r->element[i]->str;
}

static void
copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

tc_status
import_get(struct kv *kv, uint64_t t, const char *id, struct import_state *out)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	char idbuf[IMPORT_ID_LEN + 1];
	tc_status st;
	int status;

	if (!import_id_valid(id))
		return TC_NOT_FOUND;
	/* id may point into *out, which is cleared below. */
	memcpy(idbuf, id, sizeof(idbuf));
	id = idbuf;
	key_state(key, sizeof(key), t, id);
	st = kv_command(kv, &r, "HMGET %s status year kind source started_by actor started_at "
	    "progress_done progress_total error_code error_message las_message result", key);
	if (st != TC_OK)
		return st;
	if ((status = status_parse(field(r, 0))) < 0) {
		freeReplyObject(r);
		return TC_NOT_FOUND;
	}
	memset(out, 0, sizeof(*out));
	copy(out->id, sizeof(out->id), id);
	out->status = (enum import_status)status;
	out->year = field(r, 1) != NULL ? (int)strtol(field(r, 1), NULL, 10) : 0;
	copy(out->kind, sizeof(out->kind), field(r, 2));
	copy(out->source, sizeof(out->source), field(r, 3));
	copy(out->started_by, sizeof(out->started_by), field(r, 4));
	out->actor = field(r, 5) != NULL ? strtoull(field(r, 5), NULL, 10) : 0;
	out->started_at = field(r, 6) != NULL ? strtoll(field(r, 6), NULL, 10) : 0;
	out->progress_done = field(r, 7) != NULL ? strtol(field(r, 7), NULL, 10) : 0;
	out->progress_total = field(r, 8) != NULL ? strtol(field(r, 8), NULL, 10) : 0;
	copy(out->error_code, sizeof(out->error_code), field(r, 9));
	copy(out->error_message, sizeof(out->error_message), field(r, 10));
	copy(out->las_message, sizeof(out->las_message), field(r, 11));
	copy(out->result, sizeof(out->result), field(r, 12));
	freeReplyObject(r);
	return TC_OK;
}

/* Clears the school's pointer if it still points at id. */
static void
release_current(struct kv *kv, uint64_t t, const char *id)
{
	static const char script[] =
	    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) "
	    "else return 0 end";
	char cur[TC_KEY_MAX];
	redisReply *r;

	key_current(cur, sizeof(cur), t);
	if (kv_command(kv, &r, "EVAL %s 1 %s %s", script, cur, id) == TC_OK)
		freeReplyObject(r);
}

tc_status
import_current(struct kv *kv, uint64_t t, struct import_state *out)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;
	char id[IMPORT_ID_LEN + 1];

	key_current(key, sizeof(key), t);
	if ((st = kv_command(kv, &r, "GET %s", key)) != TC_OK)
		return st;
	if (r->type != REDIS_REPLY_STRING || !import_id_valid(r->str)) {
		freeReplyObject(r);
		return TC_NOT_FOUND;
	}
	copy(id, sizeof(id), r->str);
	freeReplyObject(r);
	st = import_get(kv, t, id, out);
	if (st == TC_NOT_FOUND || (st == TC_OK && (out->status == IMPORT_APPLIED ||
	    out->status == IMPORT_CANCELLED))) {
		/* A pointer left behind by an expired or finished import; a new
		 * import may have taken its place since the GET. */
		release_current(kv, t, id);
		return TC_NOT_FOUND;
	}
	return st;
}

/*
 * The deployment's sorted set tc:imports:active ("<tenant>:<import id>",
 * scored by the real time in ms at which the import's keys expire): /metrics
 * counts the imports in progress with one ZCOUNT instead of a SCAN.  A
 * failure here costs a metric, never the import.
 */
static void
active_add(struct kv *kv, uint64_t t, const char *id, long long ttl)
{
	char key[TC_KEY_MAX], member[48], score[32];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	kv_global_key(key, sizeof(key), "imports:active");
	snprintf(member, sizeof(member), "%llu:%s", (unsigned long long)t, id);
	snprintf(score, sizeof(score), "%lld", ((long long)ts.tv_sec + ttl) * 1000);
	(void)kv_exec(kv, "ZADD %s %s %s", key, score, member);
}

static void
active_remove(struct kv *kv, uint64_t t, const char *id)
{
	char key[TC_KEY_MAX], member[48];

	kv_global_key(key, sizeof(key), "imports:active");
	snprintf(member, sizeof(member), "%llu:%s", (unsigned long long)t, id);
	(void)kv_exec(kv, "ZREM %s %s", key, member);
}

/*
 * The school's pointer and the new import's state in one step (KEYS: the
 * pointer, the state; ARGV: id, ttl, the state's fields): whoever finds the
 * pointer finds its import, never a pointer that import_current would take
 * for one left behind.  1 when taken, 0 when the school has a pointer.
 */
static const char start_script[] =
    "if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 0 end "
    "redis.call('HSET', KEYS[2], unpack(ARGV, 3)) "
    "redis.call('EXPIRE', KEYS[2], ARGV[2]) return 1";

tc_status
import_start(struct kv *kv, const struct config *cfg, uint64_t t, int year, const char *kind,
    const char *source, const char *started_by, uint64_t actor, long long now,
    struct import_state *out)
{
	char key[TC_KEY_MAX], cur[TC_KEY_MAX], id[IMPORT_ID_LEN + 1], ttl[24], y[12], a[24], at[24];
	redisReply *r;
	tc_status st;
	bool taken = false;
	bool fresh;

	/* 18 random decimal digits: a URL path id, unguessable enough (59 bits). */
	id[0] = (char)('1' + randombytes_uniform(9));
	for (int i = 1; i < IMPORT_ID_LEN; i++)
		id[i] = (char)('0' + randombytes_uniform(10));
	id[IMPORT_ID_LEN] = '\0';
	key_current(cur, sizeof(cur), t);
	key_state(key, sizeof(key), t, id);
	snprintf(ttl, sizeof(ttl), "%lld", ttl_seconds(cfg));
	snprintf(y, sizeof(y), "%d", year);
	snprintf(a, sizeof(a), "%llu", (unsigned long long)actor);
	snprintf(at, sizeof(at), "%lld", now);
	for (int attempt = 0; attempt < 3; attempt++) {
		if ((st = kv_command(kv, &r, "EVAL %s 2 %s %s %s %s status fetching year %s kind %s "
		    "source %s started_by %s actor %s started_at %s progress_done 0 progress_total 0",
		    start_script, cur, key, id, ttl, y, kind, source, started_by, a, at)) != TC_OK)
			return st;
		taken = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
		freeReplyObject(r);
		if (taken)
			break;
		/* Another import is in progress, or a stale pointer was cleared. */
		st = import_current(kv, t, out);
		if (st == TC_NOT_FOUND)
			continue;
		if (st != TC_OK)
			return st;
		/* The transition wins: a nightly sync that runs or waits for approval
		 * is cancelled (the import fetches the whole year anyway); one being
		 * applied is waited for (seconds). */
		if (strcmp(kind, "sync") == 0 || strcmp(out->kind, "sync") != 0 ||
		    out->status == IMPORT_APPLYING || import_cancel(kv, t, out->id) != TC_OK)
			return TC_CONFLICT;
	}
	if (!taken)
		return TC_CONFLICT;
	active_add(kv, t, id, ttl_seconds(cfg));
	(void)import_fetch_claim(kv, t, id, &fresh);
	return import_get(kv, t, id, out);
}

/* tc:{t}:import-fetching:<id> while a fetch job of the import is queued or
 * running (issue 19: "Opnieuw proberen" must not queue a second one). */
static void
key_fetching(char *buf, size_t size, uint64_t t, const char *id)
{
	kv_key(buf, size, t, "import-fetching", id);
}

tc_status
import_fetch_claim(struct kv *kv, uint64_t t, const char *id, bool *fresh)
{
	char key[TC_KEY_MAX], ttl[16];
	redisReply *r;
	tc_status st;

	*fresh = false;
	key_fetching(key, sizeof(key), t, id);
	snprintf(ttl, sizeof(ttl), "%d", IMPORT_FETCH_GUARD_SECONDS);
	if ((st = kv_command(kv, &r, "SET %s 1 NX EX %s", key, ttl)) != TC_OK)
		return st;
	*fresh = r->type == REDIS_REPLY_STATUS;
	freeReplyObject(r);
	return TC_OK;
}

void
import_fetch_release(struct kv *kv, uint64_t t, const char *id)
{
	char key[TC_KEY_MAX];

	key_fetching(key, sizeof(key), t, id);
	(void)kv_exec(kv, "DEL %s", key);
}

tc_status
import_ttl(struct kv *kv, uint64_t t, const char *id, long long *seconds)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	key_state(key, sizeof(key), t, id);
	if ((st = kv_command(kv, &r, "TTL %s", key)) != TC_OK)
		return st;
	*seconds = r->type == REDIS_REPLY_INTEGER ? r->integer : -2;
	freeReplyObject(r);
	return *seconds == -2 ? TC_NOT_FOUND : TC_OK;
}

tc_status
import_transition(struct kv *kv, uint64_t t, const char *id, enum import_status from,
    enum import_status to)
{
	static const char script[] =
	    "if redis.call('HGET', KEYS[1], 'status') == ARGV[1] then "
	    "redis.call('HSET', KEYS[1], 'status', ARGV[2], 'error_code', '', "
	    "'error_message', '', 'las_message', '') return 1 else return 0 end";
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;
	bool ok;

	key_state(key, sizeof(key), t, id);
	st = kv_command(kv, &r, "EVAL %s 1 %s %s %s", script, key, import_status_name(from),
	    import_status_name(to));
	if (st != TC_OK)
		return st;
	ok = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return changed(kv, t, ok ? TC_OK : TC_CONFLICT);
}

tc_status
import_refetch(struct kv *kv, uint64_t t, const char *id, long long now)
{
	static const char script[] =
	    "if redis.call('HGET', KEYS[1], 'status') == 'failed' then "
	    "redis.call('HSET', KEYS[1], 'status', 'fetching', 'started_at', ARGV[1], "
	    "'error_code', '', 'error_message', '', 'las_message', '') return 1 else return 0 end";
	char key[TC_KEY_MAX], at[24];
	redisReply *r;
	tc_status st;
	bool ok;

	key_state(key, sizeof(key), t, id);
	snprintf(at, sizeof(at), "%lld", now);
	if ((st = kv_command(kv, &r, "EVAL %s 1 %s %s", script, key, at)) != TC_OK)
		return st;
	ok = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return changed(kv, t, ok ? TC_OK : TC_CONFLICT);
}

tc_status
import_set_progress(struct kv *kv, uint64_t t, const char *id, long done, long total)
{
	char key[TC_KEY_MAX], d[24], n[24];

	key_state(key, sizeof(key), t, id);
	snprintf(d, sizeof(d), "%ld", done);
	snprintf(n, sizeof(n), "%ld", total);
	return kv_exec(kv, "HSET %s progress_done %s progress_total %s", key, d, n);
}

static void	shorten_staged(struct kv *, uint64_t, const char *, long);

tc_status
import_fail(struct kv *kv, uint64_t t, const char *id, const char *code, const char *message,
    const char *las_message)
{
	return import_fail_to(kv, t, id, IMPORT_FETCHING, IMPORT_FAILED, code, message,
	    las_message);
}

tc_status
import_fail_to(struct kv *kv, uint64_t t, const char *id, enum import_status from,
    enum import_status to, const char *code, const char *message, const char *las_message)
{
	static const char script[] =
	    "if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return 0 end "
	    "redis.call('HSET', KEYS[1], 'status', ARGV[2], 'error_code', ARGV[3], "
	    "'error_message', ARGV[4], 'las_message', ARGV[5]) return 1";
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;
	bool ok;

	key_state(key, sizeof(key), t, id);
	if ((st = kv_command(kv, &r, "EVAL %s 1 %s %s %s %s %s %s", script, key,
	    import_status_name(from), import_status_name(to), code, message,
	    las_message != NULL ? las_message : "")) != TC_OK)
		return st;
	ok = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	if (!ok)
		return TC_CONFLICT;
	/* What a failed import staged (an uploaded file, records of an earlier
	 * fetch, choices) holds pupils' data: a day for "Opnieuw proberen",
	 * not import.ttl_days (issue 19). */
	if (to == IMPORT_FAILED)
		shorten_staged(kv, t, id, IMPORT_FAILED_KEEP_SECONDS);
	return changed(kv, t, TC_OK);
}

/* EXPIRE ... LT of every staged key of the import: never longer than secs. */
static void
shorten_staged(struct kv *kv, uint64_t t, const char *id, long secs)
{
	char key[TC_KEY_MAX], ttl[24];

	snprintf(ttl, sizeof(ttl), "%ld", secs);
	for (int k = 0; k <= IMPORT_KIND_MAX; k++) {
		key_blob(key, sizeof(key), t, id, k < IMPORT_KIND_MAX ?
		    import_kind_name((enum import_kind)k) : "warnings");
		(void)kv_exec(kv, "EXPIRE %s %s LT", key, ttl);
	}
	key_decisions(key, sizeof(key), t, id);
	(void)kv_exec(kv, "EXPIRE %s %s LT", key, ttl);
	key_file(key, sizeof(key), t, id);
	(void)kv_exec(kv, "EXPIRE %s %s LT", key, ttl);
}

static void	drop_staged(struct kv *, uint64_t, const char *);

void
import_drop_staged(struct kv *kv, uint64_t t, const char *id)
{
	drop_staged(kv, t, id);
}

void
import_drop_file(struct kv *kv, uint64_t t, const char *id)
{
	char key[TC_KEY_MAX];

	key_file(key, sizeof(key), t, id);
	(void)kv_exec(kv, "DEL %s", key);
}

static void
drop_staged(struct kv *kv, uint64_t t, const char *id)
{
	char key[TC_KEY_MAX];

	for (int k = 0; k <= IMPORT_KIND_MAX; k++) {
		key_blob(key, sizeof(key), t, id, k < IMPORT_KIND_MAX ?
		    import_kind_name((enum import_kind)k) : "warnings");
		(void)kv_exec(kv, "DEL %s", key);
	}
	key_decisions(key, sizeof(key), t, id);
	(void)kv_exec(kv, "DEL %s", key);
	key_file(key, sizeof(key), t, id);
	(void)kv_exec(kv, "DEL %s", key);
}

tc_status
import_finish(struct kv *kv, uint64_t t, const char *id, const char *result)
{
	char key[TC_KEY_MAX];
	tc_status st;

	key_state(key, sizeof(key), t, id);
	if ((st = kv_exec(kv, "HSET %s status applied result %s", key, result)) != TC_OK)
		return st;
	drop_staged(kv, t, id);
	release_current(kv, t, id);
	active_remove(kv, t, id);
	return TC_OK;		/* its caller bumped before: see import.h */
}

tc_status
import_cancel(struct kv *kv, uint64_t t, const char *id)
{
	/* -1 gone, 0 applying or applied, 1 cancelled already, 2 cancelled now. */
	static const char script[] =
	    "local s = redis.call('HGET', KEYS[1], 'status') "
	    "if not s then return -1 end "
	    "if s == 'applying' or s == 'applied' then return 0 end "
	    "if s == 'cancelled' then return 1 end "
	    "redis.call('HSET', KEYS[1], 'status', 'cancelled') return 2";
	char key[TC_KEY_MAX];
	redisReply *r;
	long long got;
	tc_status st;

	if (!import_id_valid(id))
		return TC_NOT_FOUND;
	key_state(key, sizeof(key), t, id);
	if ((st = kv_command(kv, &r, "EVAL %s 1 %s", script, key)) != TC_OK)
		return st;
	got = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
	freeReplyObject(r);
	if (got != 2)
		return got == 1 ? TC_OK : got == 0 ? TC_CONFLICT : TC_NOT_FOUND;
	drop_staged(kv, t, id);
	release_current(kv, t, id);
	active_remove(kv, t, id);
	return changed(kv, t, TC_OK);
}

tc_status
import_store_records(struct kv *kv, const struct config *cfg, uint64_t t, const char *id,
    enum import_kind k, json_t *records)
{
	return import_store_blob(kv, cfg, t, id, import_kind_name(k), records);
}

tc_status
import_load_records(struct kv *kv, uint64_t t, const char *id, enum import_kind k, json_t **out)
{
	return import_load_blob(kv, t, id, import_kind_name(k), out);
}

tc_status
import_store_blob(struct kv *kv, const struct config *cfg, uint64_t t, const char *id,
    const char *name, json_t *records)
{
	char key[TC_KEY_MAX], ttl[24];
	char *text;
	tc_status st;

	key_blob(key, sizeof(key), t, id, name);
	text = json_dumps(records, JSON_COMPACT);
	json_decref(records);
	if (text == NULL)
		return TC_INTERNAL;
	snprintf(ttl, sizeof(ttl), "%lld", ttl_seconds(cfg));
	st = kv_exec(kv, "SET %s %b EX %s", key, text, strlen(text), ttl);
	free(text);
	return st;
}

tc_status
import_load_blob(struct kv *kv, uint64_t t, const char *id, const char *name, json_t **out)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	key_blob(key, sizeof(key), t, id, name);
	if ((st = kv_command(kv, &r, "GET %s", key)) != TC_OK)
		return st;
	if (r->type == REDIS_REPLY_STRING)
		*out = json_loadb(r->str, r->len, 0, NULL);
	else
		*out = json_array();
	freeReplyObject(r);
	if (*out == NULL || !json_is_array(*out)) {
		json_decref(*out);
		*out = NULL;
		return TC_INTERNAL;
	}
	return TC_OK;
}

tc_status
import_load_decisions(struct kv *kv, uint64_t t, const char *id, json_t **out)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	key_decisions(key, sizeof(key), t, id);
	if ((st = kv_command(kv, &r, "HGETALL %s", key)) != TC_OK)
		return st;
	if ((*out = json_object()) == NULL) {
		freeReplyObject(r);
		return TC_INTERNAL;
	}
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		json_t *v = json_loadb(r->element[i + 1]->str, r->element[i + 1]->len, 0, NULL);

		if (v != NULL)
			json_object_set_new(*out, r->element[i]->str, v);
	}
	freeReplyObject(r);
	return TC_OK;
}

tc_status
import_review_version(struct kv *kv, uint64_t t, const char *id, long long *version)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	key_state(key, sizeof(key), t, id);
	if ((st = kv_command(kv, &r, "HGET %s review_version", key)) != TC_OK)
		return st;
	*version = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
	freeReplyObject(r);
	return TC_OK;
}

/* The EVAL of import_store_decisions: its argument vector, malloc'd (free
 * each of the n texts, then argv). */
struct store_argv {
	const char	**argv;
	char		**texts;
	int		  argc, n;
};

static void
store_argv_free(struct store_argv *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->texts[i]);
	free(a->texts);
	free(a->argv);
}

tc_status
import_store_decisions(struct kv *kv, const struct config *cfg, uint64_t t, const char *id,
    json_t *decisions, long long version, const json_t *counts)
{
	/* Stored only onto the review they were made against (version), and
	 * only while the import is in review: two administrators deciding at
	 * once cannot leave a set that neither checked, and no choice lands
	 * after "Gegevens importeren".  The counts ("" when not given) are
	 * those of the new version. */
	static const char script[] =
	    "if redis.call('HGET', KEYS[1], 'status') ~= 'review' or "
	    "tonumber(redis.call('HGET', KEYS[1], 'review_version') or '0') ~= tonumber(ARGV[1]) "
	    "then return 0 end "
	    "for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end "
	    "redis.call('EXPIRE', KEYS[2], ARGV[2]) "
	    "local v = redis.call('HINCRBY', KEYS[1], 'review_version', 1) "
	    "if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'counts', ARGV[3], "
	    "'counts_version', v) end return 1";
	char key[TC_KEY_MAX], dkey[TC_KEY_MAX], ttl[24], ver[24];
	struct store_argv a = { NULL, NULL, 0, 0 };
	size_t n = json_object_size(decisions);
	char *ctext = NULL;
	redisReply *r;
	const char *k;
	json_t *v;
	tc_status st;
	bool ok;

	key_state(key, sizeof(key), t, id);
	key_decisions(dkey, sizeof(dkey), t, id);
	snprintf(ttl, sizeof(ttl), "%lld", ttl_seconds(cfg));
	snprintf(ver, sizeof(ver), "%lld", version);
	if ((a.argv = calloc(8 + 2 * n, sizeof(*a.argv))) == NULL ||
	    (a.texts = calloc(n + 1, sizeof(*a.texts))) == NULL ||
	    (counts != NULL && (ctext = json_dumps(counts, JSON_COMPACT)) == NULL)) {
		store_argv_free(&a);
		return TC_INTERNAL;
	}
	a.argv[a.argc++] = "EVAL";
	a.argv[a.argc++] = script;
	a.argv[a.argc++] = "2";
	a.argv[a.argc++] = key;
	a.argv[a.argc++] = dkey;
	a.argv[a.argc++] = ver;
	a.argv[a.argc++] = ttl;
	a.argv[a.argc++] = ctext != NULL ? ctext : "";
	json_object_foreach(decisions, k, v) {
		if ((a.texts[a.n] = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
			store_argv_free(&a);
			free(ctext);
			return TC_INTERNAL;
		}
		a.argv[a.argc++] = k;
		a.argv[a.argc++] = a.texts[a.n++];
	}
	st = kv_command_argv(kv, &r, a.argc, a.argv, NULL);
	store_argv_free(&a);
	free(ctext);
	if (st != TC_OK)
		return st;
	ok = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return changed(kv, t, ok ? TC_OK : TC_CONFLICT);
}

tc_status
import_store_counts(struct kv *kv, uint64_t t, const char *id, const json_t *counts,
    long long version)
{
	/* Only for the version they were counted on: a newer one keeps its own. */
	static const char script[] =
	    "if tonumber(redis.call('HGET', KEYS[1], 'review_version') or '0') ~= tonumber(ARGV[1]) "
	    "or not redis.call('HGET', KEYS[1], 'status') then return 0 end "
	    "redis.call('HSET', KEYS[1], 'counts', ARGV[2], 'counts_version', ARGV[1]) return 1";
	char key[TC_KEY_MAX], ver[24], *text;
	redisReply *r;
	tc_status st;

	if ((text = json_dumps(counts, JSON_COMPACT)) == NULL)
		return TC_INTERNAL;
	key_state(key, sizeof(key), t, id);
	snprintf(ver, sizeof(ver), "%lld", version);
	st = kv_command(kv, &r, "EVAL %s 1 %s %s %s", script, key, ver, text);
	free(text);
	if (st == TC_OK)
		freeReplyObject(r);
	return st;
}

tc_status
import_load_counts(struct kv *kv, uint64_t t, const char *id, json_t **counts)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	const char *c, *cv, *rv;
	tc_status st;

	*counts = NULL;
	key_state(key, sizeof(key), t, id);
	if ((st = kv_command(kv, &r, "HMGET %s counts counts_version review_version", key)) != TC_OK)
		return st;
	c = field(r, 0);
	cv = field(r, 1);
	rv = field(r, 2);
	if (c != NULL && cv != NULL && strtoll(cv, NULL, 10) == (rv != NULL ? strtoll(rv, NULL, 10) : 0))
		*counts = json_loads(c, 0, NULL);
	freeReplyObject(r);
	return TC_OK;
}

tc_status
import_store_file(struct kv *kv, const struct config *cfg, uint64_t t, const char *id,
    const char *buf, size_t len)
{
	char key[TC_KEY_MAX], ttl[24];

	key_file(key, sizeof(key), t, id);
	snprintf(ttl, sizeof(ttl), "%lld", ttl_seconds(cfg));
	return kv_exec(kv, "SET %s %b EX %s", key, buf, len, ttl);
}

tc_status
import_load_file(struct kv *kv, uint64_t t, const char *id, char **buf, size_t *len)
{
	char key[TC_KEY_MAX];
	redisReply *r;
	tc_status st;

	key_file(key, sizeof(key), t, id);
	if ((st = kv_command(kv, &r, "GET %s", key)) != TC_OK)
		return st;
	if (r->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return TC_NOT_FOUND;
	}
	if ((*buf = malloc(r->len + 1)) == NULL) {
		freeReplyObject(r);
		return TC_INTERNAL;
	}
	memcpy(*buf, r->str, r->len);
	(*buf)[r->len] = '\0';
	*len = r->len;
	freeReplyObject(r);
	return TC_OK;
}

json_t *
import_state_json(const struct import_state *s)
{
	char year[16];
	json_t *o, *err = json_null(), *result = json_null();

	snprintf(year, sizeof(year), "%d-%d", s->year, s->year + 1);
	if (s->error_code[0] != '\0')
		err = json_pack("{s:s, s:s, s:s?}", "code", s->error_code, "message",
		    s->error_message, "las_message", s->las_message[0] != '\0' ? s->las_message : NULL);
	if (s->result[0] != '\0' && (result = json_loads(s->result, 0, NULL)) == NULL)
		result = json_null();
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I}, s:o, s:o}",
	    "id", s->id, "status", import_status_name(s->status), "school_year", year,
	    "kind", s->kind, "source", s->source, "started_by", s->started_by,
	    "progress", "done", (json_int_t)s->progress_done, "total", (json_int_t)s->progress_total,
	    "error", err, "result", result);
	return o;
}

/* --- a pupil deleted for good (issue 19) ----------------------------------- */

/* True when the JSON integer v is one of ids. */
static bool
in_ids(const json_t *v, const struct idlist *ids)
{
	return json_is_integer(v) && json_integer_value(v) > 0 &&
	    idlist_contains(ids, (uint64_t)json_integer_value(v));
}

/* SET KEEPTTL of one staged part, rewritten. */
static tc_status
restore_blob(struct kv *kv, uint64_t t, const char *id, const char *name, json_t *records)
{
	char key[TC_KEY_MAX], *text;
	tc_status st;

	key_blob(key, sizeof(key), t, id, name);
	if ((text = json_dumps(records, JSON_COMPACT)) == NULL)
		return TC_INTERNAL;
	st = kv_exec(kv, "SET %s %b XX KEEPTTL", key, text, strlen(text));
	free(text);
	return st;
}

tc_status
import_forget_students(struct kv *kv, uint64_t t, const struct idlist *ids)
{
	struct import_state s;
	json_t *recs = NULL, *leavers = NULL, *warns = NULL, *dec = NULL, *gone, *rec, *v;
	char key[TC_KEY_MAX], field[TC_KEY_MAX];
	const char *k;
	size_t i;
	tc_status st;

	if ((st = import_current(kv, t, &s)) == TC_NOT_FOUND)
		return TC_OK;
	if (st != TC_OK)
		return st;
	if ((gone = json_object()) == NULL)
		return TC_INTERNAL;
	if ((st = import_load_records(kv, t, s.id, IMPORT_STUDENT, &recs)) != TC_OK ||
	    (st = import_load_records(kv, t, s.id, IMPORT_LEAVER, &leavers)) != TC_OK ||
	    (st = import_load_blob(kv, t, s.id, "warnings", &warns)) != TC_OK ||
	    (st = import_load_decisions(kv, t, s.id, &dec)) != TC_OK)
		goto out;
	/* A choice that links a LAS record to a deleted pupil takes the record. */
	json_object_foreach(dec, k, v)
		if (strncmp(k, "student:", 8) == 0 && in_ids(json_object_get(v, "link_id"), ids))
			json_object_set_new(gone, k + 8, json_true());
	/* The LAS records linked to a deleted pupil go; a record that only looked
	 * like one loses that candidate (its name is the LAS's, of a pupil the LAS
	 * still lists). */
	for (i = 0; i < json_array_size(recs);) {
		json_t *cands;
		const char *rk;

		rec = json_array_get(recs, i);
		rk = json_string_value(json_object_get(rec, "key"));
		if (in_ids(json_object_get(rec, "link_id"), ids) ||
		    (rk != NULL && json_object_get(gone, rk) != NULL)) {
			if (rk != NULL)
				json_object_set_new(gone, rk, json_true());
			json_array_remove(recs, i);
			continue;
		}
		cands = json_object_get(rec, "candidates");
		for (size_t c = 0; c < json_array_size(cands);)
			if (in_ids(json_object_get(json_array_get(cands, c), "id"), ids))
				json_array_remove(cands, c);
			else
				c++;
		i++;
	}
	for (i = 0; i < json_array_size(leavers);)
		if (in_ids(json_object_get(json_array_get(leavers, i), "id"), ids)) {
			snprintf(field, sizeof(field), "leaver:%s",
			    json_string_value(json_object_get(json_array_get(leavers, i), "key")));
			json_object_set_new(dec, field, json_null());	/* marks it for HDEL */
			json_array_remove(leavers, i);
		} else
			i++;
	for (i = 0; i < json_array_size(warns);) {
		json_t *w = json_array_get(warns, i);
		const char *wk = json_string_value(json_object_get(w, "key"));

		const char *wkind = json_string_value(json_object_get(w, "kind"));

		if (wk != NULL && json_object_get(gone, wk) != NULL && wkind != NULL &&
		    strcmp(wkind, "student") == 0)
			json_array_remove(warns, i);
		else
			i++;
	}
	if ((st = restore_blob(kv, t, s.id, import_kind_name(IMPORT_STUDENT), recs)) != TC_OK ||
	    (st = restore_blob(kv, t, s.id, import_kind_name(IMPORT_LEAVER), leavers)) != TC_OK ||
	    (st = restore_blob(kv, t, s.id, "warnings", warns)) != TC_OK)
		goto out;
	key_decisions(key, sizeof(key), t, s.id);
	json_object_foreach(dec, k, v) {
		bool drop = json_is_null(v);

		if (strncmp(k, "student:", 8) == 0 && json_object_get(gone, k + 8) != NULL)
			drop = true;
		if (drop && (st = kv_exec(kv, "HDEL %s %s", key, k)) != TC_OK)
			goto out;
	}
	/* The records changed: the counts and every check made on them are
	 * of an older version. */
	key_state(key, sizeof(key), t, s.id);
	if ((st = kv_exec(kv, "EVAL %s 1 %s", "if redis.call('EXISTS', KEYS[1]) == 1 then "
	    "redis.call('HINCRBY', KEYS[1], 'review_version', 1) end", key)) != TC_OK)
		goto out;
	/* The uploaded file holds every pupil: it is not needed once staged. */
	if (s.status != IMPORT_FETCHING) {
		key_file(key, sizeof(key), t, s.id);
		st = kv_exec(kv, "DEL %s", key);
	}
out:
	json_decref(recs);
	json_decref(leavers);
	json_decref(warns);
	json_decref(dec);
	json_decref(gone);
	return st;
}
