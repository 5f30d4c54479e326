/*
 * uwlr.c - UWLR / EDEXML response parser on libxml2's SAX2 push parser.
 *
 * While parsing, every string lives in one growable pool and records hold
 * 32-bit offsets into it (offset 0 is the empty string, meaning absent).
 * uwlr_parser_finish() checks the records (refs, duplicates, code lists) and
 * turns them into the public structs whose pointers point into the pool,
 * which the result then owns.
 */
#include "uwlr.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STACK_MAX	32

enum state {
	S_DOC = 0,
	S_ENV,
	S_BODY,
	S_FAULT,
	S_ANTW,
	S_LG,
	S_SCHOOL,
	S_GROEPEN,
	S_GROUP,
	S_LEERLINGEN,
	S_PUPIL,
	S_PUPIL_SGS,
	S_LEERKRACHTEN,
	S_TEACHER,
	S_TEACHER_GROEPEN,
	S_FIELD,	/* text captured into cap_target */
	S_LEAF		/* children skipped */
};

enum { SC_SCHOOLJAAR, SC_BRINCODE, SC_DEPENDANCECODE, SC_SCHOOLKEY, SC_XSDVERSIE,
	SC_AANMAAKDATUM, SC_PEILDATUM, SC_NF };
static const char *const school_fields[SC_NF] = { "schooljaar", "brincode",
	"dependancecode", "schoolkey", "xsdversie", "aanmaakdatum", "peildatum" };

enum { G_KEY, G_NAAM, G_JAARGROEP, G_OMSCHRIJVING, G_NF };
static const char *const group_fields[G_NF] = { NULL, "naam", "jaargroep", "omschrijving" };

enum { P_KEY, P_ECKID, P_ACHTERNAAM, P_VOORVOEGSEL, P_ROEPNAAM, P_VOORNAMEN,
	P_GEBOORTEDATUM, P_JAARGROEP, P_GROEP, P_NF };
static const char *const pupil_fields[P_NF] = { NULL, NULL, "achternaam", "voorvoegsel",
	"roepnaam", "voornamen", "geboortedatum", "jaargroep", NULL };

enum { T_KEY, T_ECKID, T_ACHTERNAAM, T_VOORVOEGSEL, T_ROEPNAAM, T_EMAILADRES, T_NF };
static const char *const teacher_fields[T_NF] = { NULL, NULL, "achternaam", "voorvoegsel",
	"roepnaam", "emailadres" };

struct group_in {
	uint32_t	s[G_NF];
	uint8_t		is_sg;
};

struct pupil_in {
	uint32_t	s[P_NF];
	uint32_t	ref_first, ref_n;
};

struct teacher_in {
	uint32_t	s[T_NF];
	uint32_t	ref_first, ref_n;
};

struct ref_in {
	uint32_t	off;
	uint8_t		is_sg;
};

struct warn_in {
	enum uwlr_warn_kind	kind;
	enum uwlr_record_kind	record;
	size_t			index;
	uint32_t		key;
	uint32_t		detail;	/* pool offset, or ... */
	const char		*sdetail; /* ... a static string */
};

/* A growable array with a fixed element size. */
struct vec {
	void	*v;
	size_t	 n, cap, size;
};

struct uwlr_parser {
	xmlParserCtxtPtr	 ctxt;
	size_t			 max_bytes, fed;
	tc_status		 st;		/* sticky failure */
	char			 msg[256];
	bool			 refused;	/* DOCTYPE seen */

	enum state		 stack[STACK_MAX];
	int			 depth;
	unsigned long		 skip;		/* > 0: inside a skipped subtree */
	const xmlChar		*ll_uri;	/* cached pointer of a matched payload ns */
	const xmlChar		*soap_uri;
	char			*payload_ns;	/* NULL: LL namespace; "" : no namespace */
	bool			 payload_none;

	uint32_t		*cap_target;	/* S_FIELD: where the value goes */
	uint32_t		 cap_scratch;
	char			*text;
	size_t			 text_n, text_cap;

	char			*pool;
	size_t			 pool_n, pool_cap, pool_max;

	enum uwlr_answer	 answer;
	bool			 bare;
	uint32_t		 school[SC_NF];
	uint32_t		 fault_code, fault_string;
	struct vec		 groups, pupils, teachers, refs;
};

static void
fail(struct uwlr_parser *p, tc_status st, const char *msg)
{
	if (p->st != TC_OK)
		return;
	p->st = st;
	snprintf(p->msg, sizeof(p->msg), "%s", msg);
	if (p->ctxt != NULL)
		xmlStopParser(p->ctxt);
}

static void *
vec_push(struct uwlr_parser *p, struct vec *v)
{
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 64;
		void *nv = realloc(v->v, ncap * v->size);
		if (nv == NULL) {
			fail(p, TC_INTERNAL, "out of memory");
			return NULL;
		}
		v->v = nv;
		v->cap = ncap;
	}
	void *e = (char *)v->v + v->n * v->size;
	memset(e, 0, v->size);
	v->n++;
	return e;
}

static void *
vec_last(struct vec *v)
{
	return v->n ? (char *)v->v + (v->n - 1) * v->size : NULL;
}

static bool
is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends s[0..n) (trimmed; "&#38;" decoded when decode_amp) to the pool.
 * Returns its offset, 0 when it is empty or on failure. */
static uint32_t
pool_add(struct uwlr_parser *p, const char *s, size_t n, bool decode_amp)
{
	while (n > 0 && is_xml_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_xml_space(s[n - 1]))
		n--;
	if (n == 0)
		return 0;
	if (p->pool_n + n + 1 > p->pool_cap) {
		size_t ncap = p->pool_cap;
		while (ncap < p->pool_n + n + 1)
			ncap *= 2;
		if (ncap > p->pool_max)
			ncap = p->pool_max;
		if (p->pool_n + n + 1 > ncap) {
			fail(p, TC_TOO_LARGE, "string pool over its limit");
			return 0;
		}
		char *np = realloc(p->pool, ncap);
		if (np == NULL) {
			fail(p, TC_INTERNAL, "out of memory");
			return 0;
		}
		p->pool = np;
		p->pool_cap = ncap;
	}
	uint32_t off = (uint32_t)p->pool_n;
	char *d = p->pool + p->pool_n;
	if (decode_amp && memchr(s, '&', n) != NULL) {
		/* libxml2 hands an attribute's "&amp;" and "&#38;" over as "&#38;"
		 * when entities are not substituted; a bare '&' cannot occur. */
		size_t i = 0;
		while (i < n) {
			if (s[i] == '&' && n - i >= 5 && memcmp(s + i, "&#38;", 5) == 0) {
				*d++ = '&';
				i += 5;
			} else
				*d++ = s[i++];
		}
	} else {
		memcpy(d, s, n);
		d += n;
	}
	*d++ = '\0';
	p->pool_n = (size_t)(d - p->pool);
	return off;
}

static const char *
pool_str(const char *pool, uint32_t off)
{
	return off ? pool + off : NULL;
}

/* ---- namespace tests -------------------------------------------------- */

static bool
ns_soap(struct uwlr_parser *p, const xmlChar *uri)
{
	if (uri == NULL)
		return false;
	if (uri == p->soap_uri)
		return true;
	if (strcmp((const char *)uri, UWLR_NS_SOAP) == 0) {
		p->soap_uri = uri;
		return true;
	}
	return false;
}

static bool
ns_payload(struct uwlr_parser *p, const xmlChar *uri)
{
	if (p->payload_none)
		return uri == NULL || *uri == '\0';
	if (uri == NULL)
		return false;
	if (uri == p->ll_uri)
		return true;
	if (strcmp((const char *)uri, p->payload_ns ? p->payload_ns : UWLR_NS_LL) == 0) {
		p->ll_uri = uri;
		return true;
	}
	return false;
}

static bool
eq(const xmlChar *a, const char *b)
{
	return strcmp((const char *)a, b) == 0;
}

/* Index of name in names[0..n), -1 if absent. */
static int
field_index(const xmlChar *name, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (names[i] != NULL && eq(name, names[i]))
			return i;
	return -1;
}

/* Finds the unqualified attribute local (key, eckid) and stores it. */
static uint32_t
attr_get(struct uwlr_parser *p, int nattr, const xmlChar **attrs, const char *local)
{
	for (int i = 0; i < nattr; i++) {
		const xmlChar **a = attrs + 5 * i;
		if (a[2] == NULL && eq(a[0], local))
			return pool_add(p, (const char *)a[3], (size_t)(a[4] - a[3]), true);
	}
	return 0;
}

static enum state
start_field(struct uwlr_parser *p, uint32_t *target)
{
	p->cap_target = target;
	p->text_n = 0;
	return S_FIELD;
}

/* The state of a child element, or S_LEAF to skip its subtree. */
static enum state
child_state(struct uwlr_parser *p, enum state parent, const xmlChar *local,
    const xmlChar *uri, int nattr, const xmlChar **attrs)
{
	int i;

	switch (parent) {
	case S_DOC:
		if (ns_soap(p, uri) && eq(local, "Envelope"))
			return S_ENV;
		if (eq(local, "EDEX") || (uri != NULL && eq(uri, UWLR_NS_LL) &&
		    eq(local, "leerlinggegevens"))) {
			/* bare EDEXML: the payload is in the root's namespace */
			p->bare = true;
			if (uri == NULL || *uri == '\0')
				p->payload_none = true;
			else if ((p->payload_ns = strdup((const char *)uri)) == NULL)
				fail(p, TC_INTERNAL, "out of memory");
			p->answer = UWLR_ANSWER_DATA;
			return S_LG;
		}
		fail(p, TC_INVALID, "root element is neither a SOAP 1.1 Envelope nor EDEXML");
		return S_LEAF;
	case S_ENV:
		if (ns_soap(p, uri) && eq(local, "Body"))
			return S_BODY;
		return S_LEAF;
	case S_BODY:
		if (ns_soap(p, uri) && eq(local, "Fault")) {
			p->answer = UWLR_ANSWER_FAULT;
			return S_FAULT;
		}
		if (ns_payload(p, uri) && eq(local, "leerlinggegevens_antwoord"))
			return S_ANTW;
		return S_LEAF;
	case S_FAULT:
		/* faultcode and faultstring are unqualified; accept any ns */
		if (eq(local, "faultcode"))
			return start_field(p, &p->fault_code);
		if (eq(local, "faultstring"))
			return start_field(p, &p->fault_string);
		return S_LEAF;
	case S_ANTW:
		if (!ns_payload(p, uri))
			return S_LEAF;
		if (eq(local, "leerlinggegevens")) {
			p->answer = UWLR_ANSWER_DATA;
			return S_LG;
		}
		if (eq(local, "geenwijzigingen") && p->answer == UWLR_ANSWER_NONE)
			p->answer = UWLR_ANSWER_GEENWIJZIGINGEN;
		else if (eq(local, "geengegevens") && p->answer == UWLR_ANSWER_NONE)
			p->answer = UWLR_ANSWER_GEENGEGEVENS;
		return S_LEAF;
	case S_LG:
		if (!ns_payload(p, uri))
			return S_LEAF;
		if (eq(local, "school"))
			return S_SCHOOL;
		if (eq(local, "groepen"))
			return S_GROEPEN;
		if (eq(local, "leerlingen"))
			return S_LEERLINGEN;
		if (eq(local, "leerkrachten"))
			return S_LEERKRACHTEN;
		return S_LEAF;
	case S_SCHOOL:
		if (ns_payload(p, uri) && (i = field_index(local, school_fields, SC_NF)) >= 0)
			return start_field(p, &p->school[i]);
		return S_LEAF;
	case S_GROEPEN:
		if (ns_payload(p, uri) && (eq(local, "groep") || eq(local, "samengestelde_groep"))) {
			struct group_in *g = vec_push(p, &p->groups);
			if (g == NULL)
				return S_LEAF;
			g->is_sg = local[0] == 's';
			g->s[G_KEY] = attr_get(p, nattr, attrs, "key");
			return S_GROUP;
		}
		return S_LEAF;
	case S_GROUP:
		if (ns_payload(p, uri) && (i = field_index(local, group_fields, G_NF)) >= 0) {
			struct group_in *g = vec_last(&p->groups);
			if (g->is_sg && i == G_JAARGROEP)
				return S_LEAF;
			return start_field(p, &g->s[i]);
		}
		return S_LEAF;
	case S_LEERLINGEN:
		if (ns_payload(p, uri) && eq(local, "leerling")) {
			struct pupil_in *l = vec_push(p, &p->pupils);
			if (l == NULL)
				return S_LEAF;
			l->s[P_KEY] = attr_get(p, nattr, attrs, "key");
			l->s[P_ECKID] = attr_get(p, nattr, attrs, "eckid");
			l->ref_first = (uint32_t)p->refs.n;
			return S_PUPIL;
		}
		return S_LEAF;
	case S_PUPIL: {
		struct pupil_in *l = vec_last(&p->pupils);
		if (!ns_payload(p, uri))
			return S_LEAF;
		if ((i = field_index(local, pupil_fields, P_NF)) >= 0)
			return start_field(p, &l->s[i]);
		if (eq(local, "groep")) {
			l->s[P_GROEP] = attr_get(p, nattr, attrs, "key");
			return S_LEAF;
		}
		if (eq(local, "samengestelde_groepen"))
			return S_PUPIL_SGS;
		return S_LEAF;
	}
	case S_PUPIL_SGS:
		if (ns_payload(p, uri) && eq(local, "samengestelde_groep")) {
			uint32_t k = attr_get(p, nattr, attrs, "key");
			struct ref_in *r;
			if (k != 0 && (r = vec_push(p, &p->refs)) != NULL) {
				r->off = k;
				r->is_sg = 1;
				((struct pupil_in *)vec_last(&p->pupils))->ref_n++;
			}
		}
		return S_LEAF;
	case S_LEERKRACHTEN:
		if (ns_payload(p, uri) && eq(local, "leerkracht")) {
			struct teacher_in *t = vec_push(p, &p->teachers);
			if (t == NULL)
				return S_LEAF;
			t->s[T_KEY] = attr_get(p, nattr, attrs, "key");
			t->s[T_ECKID] = attr_get(p, nattr, attrs, "eckid");
			t->ref_first = (uint32_t)p->refs.n;
			return S_TEACHER;
		}
		return S_LEAF;
	case S_TEACHER: {
		struct teacher_in *t = vec_last(&p->teachers);
		if (!ns_payload(p, uri))
			return S_LEAF;
		if ((i = field_index(local, teacher_fields, T_NF)) >= 0)
			return start_field(p, &t->s[i]);
		if (eq(local, "groepen"))
			return S_TEACHER_GROEPEN;
		return S_LEAF;
	}
	case S_TEACHER_GROEPEN:
		if (ns_payload(p, uri) && (eq(local, "groep") || eq(local, "samengestelde_groep"))) {
			uint32_t k = attr_get(p, nattr, attrs, "key");
			struct ref_in *r;
			if (k != 0 && (r = vec_push(p, &p->refs)) != NULL) {
				r->off = k;
				r->is_sg = local[0] == 's';
				((struct teacher_in *)vec_last(&p->teachers))->ref_n++;
			}
		}
		return S_LEAF;
	case S_FIELD:
	case S_LEAF:
		break;
	}
	return S_LEAF;
}

/* ---- SAX callbacks ---------------------------------------------------- */

static void
on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **nss, int nattr, int ndefaulted, const xmlChar **attrs)
{
	struct uwlr_parser *p = ud;
	enum state st;

	(void)prefix;
	(void)nns;
	(void)nss;
	(void)ndefaulted;
	if (p->st != TC_OK)
		return;
	if (p->skip > 0) {
		p->skip++;
		return;
	}
	st = child_state(p, p->stack[p->depth], local, uri, nattr, attrs);
	if (st == S_LEAF || p->depth + 1 >= STACK_MAX) {
		p->skip = 1;
		return;
	}
	p->stack[++p->depth] = st;
}

static void
on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct uwlr_parser *p = ud;

	(void)local;
	(void)prefix;
	(void)uri;
	if (p->st != TC_OK)
		return;
	if (p->skip > 0) {
		p->skip--;
		return;
	}
	if (p->depth == 0)
		return;
	if (p->stack[p->depth] == S_FIELD) {
		uint32_t off = pool_add(p, p->text, p->text_n, false);
		if (off != 0)
			*p->cap_target = off;
		p->text_n = 0;
	}
	p->depth--;
}

static void
on_text(void *ud, const xmlChar *s, int len)
{
	struct uwlr_parser *p = ud;

	if (p->st != TC_OK || p->skip > 0 || p->stack[p->depth] != S_FIELD || len <= 0)
		return;
	if (p->text_n + (size_t)len > UWLR_FIELD_MAX) {
		fail(p, TC_TOO_LARGE, "a text value is longer than 64 KiB");
		return;
	}
	if (p->text_n + (size_t)len > p->text_cap) {
		size_t ncap = p->text_cap ? p->text_cap : 256;
		while (ncap < p->text_n + (size_t)len)
			ncap *= 2;
		char *nt = realloc(p->text, ncap);
		if (nt == NULL) {
			fail(p, TC_INTERNAL, "out of memory");
			return;
		}
		p->text = nt;
		p->text_cap = ncap;
	}
	memcpy(p->text + p->text_n, s, (size_t)len);
	p->text_n += (size_t)len;
}

static void
on_doctype(void *ud, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
	struct uwlr_parser *p = ud;

	(void)name;
	(void)eid;
	(void)sid;
	p->refused = true;
	fail(p, TC_INVALID, "document has a DOCTYPE: refused");
}

static void
on_entity(void *ud, const xmlChar *name, int type, const xmlChar *pid,
    const xmlChar *sid, xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pid;
	(void)sid;
	(void)content;
	on_doctype(ud, NULL, NULL, NULL);
}

static void
on_error(void *ud, xmlErrorPtr e)
{
	struct uwlr_parser *p = ud;
	char buf[200];
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR || p->st != TC_OK)
		return;
	snprintf(buf, sizeof(buf), "%s", e->message ? e->message : "XML error");
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	p->st = TC_INVALID;
	snprintf(p->msg, sizeof(p->msg), "malformed XML at line %d: %s", e->line, buf);
}

/* ---- public: parser --------------------------------------------------- */

struct uwlr_parser *
uwlr_parser_new(size_t max_bytes)
{
	struct uwlr_parser *p;
	xmlSAXHandler sax;

	if (max_bytes == 0)
		max_bytes = UWLR_MAX_BYTES_DEFAULT;
	if (max_bytes > UWLR_MAX_BYTES_CEILING)
		max_bytes = UWLR_MAX_BYTES_CEILING;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->max_bytes = max_bytes;
	p->pool_max = max_bytes + 4096;
	p->pool_cap = 4096;
	p->groups.size = sizeof(struct group_in);
	p->pupils.size = sizeof(struct pupil_in);
	p->teachers.size = sizeof(struct teacher_in);
	p->refs.size = sizeof(struct ref_in);
	if ((p->pool = malloc(p->pool_cap)) == NULL) {
		free(p);
		return NULL;
	}
	p->pool[0] = '\0';
	p->pool_n = 1;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.ignorableWhitespace = on_text;
	sax.internalSubset = on_doctype;
	sax.externalSubset = on_doctype;
	sax.entityDecl = on_entity;
	sax.serror = on_error;
	p->ctxt = xmlCreatePushParserCtxt(&sax, p, NULL, 0, NULL);
	if (p->ctxt == NULL) {
		free(p->pool);
		free(p);
		return NULL;
	}
	/* NONET; never NOENT, DTDLOAD, DTDATTR or HUGE. */
	xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	return p;
}

void
uwlr_parser_free(struct uwlr_parser *p)
{
	if (p == NULL)
		return;
	if (p->ctxt != NULL) {
		if (p->ctxt->myDoc != NULL)
			xmlFreeDoc(p->ctxt->myDoc);
		xmlFreeParserCtxt(p->ctxt);
	}
	free(p->payload_ns);
	free(p->text);
	free(p->pool);
	free(p->groups.v);
	free(p->pupils.v);
	free(p->teachers.v);
	free(p->refs.v);
	free(p);
}

tc_status
uwlr_parser_feed(struct uwlr_parser *p, const char *buf, size_t len)
{
	if (p->st != TC_OK)
		return p->st;
	if (len > p->max_bytes - p->fed) {
		fail(p, TC_TOO_LARGE, "document larger than the configured maximum");
		return p->st;
	}
	p->fed += len;
	while (len > 0 && p->st == TC_OK) {
		int n = len > (1 << 20) ? (1 << 20) : (int)len;
		int rc = xmlParseChunk(p->ctxt, buf, n, 0);
		if (rc != 0 && p->st == TC_OK)
			fail(p, TC_INVALID, "malformed XML");
		buf += n;
		len -= (size_t)n;
	}
	return p->st;
}

/* ---- finish: checks and the public result ----------------------------- */

/* Open-addressing set of pool strings mapping to an index. */
struct strmap {
	uint32_t	*off;
	uint32_t	*val;
	size_t		 mask;
};

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static bool
strmap_init(struct strmap *m, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	m->mask = cap - 1;
	m->off = calloc(cap, sizeof(*m->off));
	m->val = calloc(cap, sizeof(*m->val));
	return m->off != NULL && m->val != NULL;
}

static void
strmap_free(struct strmap *m)
{
	free(m->off);
	free(m->val);
}

/* Inserts pool string off with value v unless present; returns the slot. */
static size_t
strmap_slot(const struct strmap *m, const char *pool, const char *s)
{
	size_t i = (size_t)str_hash(s) & m->mask;
	while (m->off[i] != 0 && strcmp(pool + m->off[i], s) != 0)
		i = (i + 1) & m->mask;
	return i;
}

static bool
strmap_add(struct strmap *m, const char *pool, uint32_t off, uint32_t v)
{
	size_t i = strmap_slot(m, pool, pool + off);
	if (m->off[i] != 0)
		return false;
	m->off[i] = off;
	m->val[i] = v;
	return true;
}

static bool
strmap_get(const struct strmap *m, const char *pool, uint32_t off, uint32_t *v)
{
	size_t i = strmap_slot(m, pool, pool + off);
	if (m->off[i] == 0)
		return false;
	*v = m->val[i];
	return true;
}

struct checker {
	struct uwlr_parser	*p;
	struct uwlr_warning	*w;
	size_t			 n, cap;
	size_t			 n_errors;
	bool			 oom;
};

static void
warn(struct checker *c, enum uwlr_warn_kind kind, enum uwlr_record_kind rec, size_t index,
    uint32_t key, uint32_t detail, const char *sdetail)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct uwlr_warning *nw = realloc(c->w, ncap * sizeof(*nw));
		if (nw == NULL) {
			c->oom = true;
			return;
		}
		c->w = nw;
		c->cap = ncap;
	}
	struct uwlr_warning *w = &c->w[c->n++];
	w->kind = kind;
	w->record = rec;
	w->index = index;
	w->record_key = pool_str(c->p->pool, key);
	w->detail = detail ? pool_str(c->p->pool, detail) : sdetail;
	w->is_error = kind == UWLR_WARN_DUPLICATE_KEY || kind == UWLR_WARN_DUPLICATE_ECKID;
	if (w->is_error)
		c->n_errors++;
}

bool
uwlr_jaargroep_valid(const char *s)
{
	static const char *const codes[] = { "B", "D", "0", "1", "2", "3", "4", "5", "6",
		"7", "8", "11", "12", "13", "14", "15", "16", "S", "V", "C", "N", "H" };
	if (s == NULL)
		return false;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(s, codes[i]) == 0)
			return true;
	return false;
}

static const char *
fault_local(const char *raw)
{
	const char *c = strrchr(raw, ':');
	c = c ? c + 1 : raw;
	if (strncmp(c, "soap.", 5) == 0)
		c += 5;
	return c;
}

static tc_status
build_result(struct uwlr_parser *p, struct uwlr_result *r)
{
	struct checker c = { .p = p };
	struct strmap gmap = { 0 }, kmap = { 0 }, emap = { 0 };
	const char *pool = p->pool;
	tc_status st = TC_INTERNAL;
	size_t i, nrefv = 0;
	size_t ng = p->groups.n, np = p->pupils.n, nt = p->teachers.n;
	const struct group_in *gi = p->groups.v;
	const struct pupil_in *pi = p->pupils.v;
	const struct teacher_in *ti = p->teachers.v;
	const struct ref_in *ri = p->refs.v;

	r->answer = p->answer;
	r->bare_edexml = p->bare;
	r->bytes = p->fed;
	r->school.schooljaar = pool_str(pool, p->school[SC_SCHOOLJAAR]);
	r->school.brincode = pool_str(pool, p->school[SC_BRINCODE]);
	r->school.dependancecode = pool_str(pool, p->school[SC_DEPENDANCECODE]);
	r->school.schoolkey = pool_str(pool, p->school[SC_SCHOOLKEY]);
	r->school.xsdversie = pool_str(pool, p->school[SC_XSDVERSIE]);
	r->school.aanmaakdatum = pool_str(pool, p->school[SC_AANMAAKDATUM]);
	r->school.peildatum = pool_str(pool, p->school[SC_PEILDATUM]);
	if (p->answer == UWLR_ANSWER_FAULT) {
		r->fault.raw_code = pool_str(pool, p->fault_code);
		r->fault.code = r->fault.raw_code ? fault_local(r->fault.raw_code) : "";
		r->fault.faultstring = pool_str(pool, p->fault_string);
		r->fault.retryable = strncmp(r->fault.code, "Server", 6) == 0 &&
		    (r->fault.code[6] == '\0' || r->fault.code[6] == '.');
	}
	if (p->answer != UWLR_ANSWER_DATA)
		return TC_OK;

	if (p->school[SC_SCHOOLJAAR] == 0)
		warn(&c, UWLR_WARN_MISSING_FIELD, UWLR_REC_SCHOOL, 0, 0, 0, "schooljaar");

	r->groups = calloc(ng ? ng : 1, sizeof(*r->groups));
	r->pupils = calloc(np ? np : 1, sizeof(*r->pupils));
	r->teachers = calloc(nt ? nt : 1, sizeof(*r->teachers));
	r->refv_ = calloc(p->refs.n + np + 1, sizeof(*r->refv_));
	if (r->groups == NULL || r->pupils == NULL || r->teachers == NULL || r->refv_ == NULL)
		goto out;

	/* groups */
	if (!strmap_init(&gmap, ng))
		goto out;
	for (i = 0; i < ng; i++) {
		const struct group_in *g = &gi[i];
		struct uwlr_group *o = &r->groups[i];
		size_t w0 = c.n;
		o->key = pool_str(pool, g->s[G_KEY]);
		o->naam = pool_str(pool, g->s[G_NAAM]);
		o->jaargroep = pool_str(pool, g->s[G_JAARGROEP]);
		o->omschrijving = pool_str(pool, g->s[G_OMSCHRIJVING]);
		o->is_samengesteld = g->is_sg;
		if (g->s[G_KEY] == 0)
			warn(&c, UWLR_WARN_MISSING_FIELD, UWLR_REC_GROUP, i, 0, 0, "key");
		else if (!strmap_add(&gmap, pool, g->s[G_KEY], (uint32_t)i))
			warn(&c, UWLR_WARN_DUPLICATE_KEY, UWLR_REC_GROUP, i, g->s[G_KEY], g->s[G_KEY], NULL);
		if (g->s[G_NAAM] == 0)
			warn(&c, UWLR_WARN_MISSING_FIELD, UWLR_REC_GROUP, i, g->s[G_KEY], 0, "naam");
		if (!g->is_sg) {
			if (g->s[G_JAARGROEP] == 0)
				warn(&c, UWLR_WARN_MISSING_FIELD, UWLR_REC_GROUP, i, g->s[G_KEY], 0, "jaargroep");
			else if (!uwlr_jaargroep_valid(o->jaargroep))
				warn(&c, UWLR_WARN_BAD_JAARGROEP, UWLR_REC_GROUP, i, g->s[G_KEY],
				    g->s[G_JAARGROEP], NULL);
		}
		o->first_warning = w0;
		o->n_warnings = c.n - w0;
	}

	/* pupils */
	if (!strmap_init(&kmap, np) || !strmap_init(&emap, np))
		goto out;
	for (i = 0; i < np; i++) {
		const struct pupil_in *l = &pi[i];
		struct uwlr_pupil *o = &r->pupils[i];
		uint32_t id = l->s[P_KEY] ? l->s[P_KEY] : l->s[P_ECKID], gix;
		size_t w0 = c.n;
		o->key = pool_str(pool, l->s[P_KEY]);
		o->eckid = pool_str(pool, l->s[P_ECKID]);
		o->achternaam = pool_str(pool, l->s[P_ACHTERNAAM]);
		o->voorvoegsel = pool_str(pool, l->s[P_VOORVOEGSEL]);
		o->roepnaam = pool_str(pool, l->s[P_ROEPNAAM]);
		o->voornamen = pool_str(pool, l->s[P_VOORNAMEN]);
		o->geboortedatum = pool_str(pool, l->s[P_GEBOORTEDATUM]);
		o->jaargroep = pool_str(pool, l->s[P_JAARGROEP]);
		if (l->s[P_KEY] == 0 && l->s[P_ECKID] == 0)
			warn(&c, UWLR_WARN_MISSING_FIELD, UWLR_REC_PUPIL, i, 0, 0, "key");
		if (l->s[P_KEY] != 0 && !strmap_add(&kmap, pool, l->s[P_KEY], (uint32_t)i))
			warn(&c, UWLR_WARN_DUPLICATE_KEY, UWLR_REC_PUPIL, i, id, l->s[P_KEY], NULL);
		if (l->s[P_ECKID] != 0 && !strmap_add(&emap, pool, l->s[P_ECKID], (uint32_t)i))
			warn(&c, UWLR_WARN_DUPLICATE_ECKID, UWLR_REC_PUPIL, i, id, l->s[P_ECKID], NULL);
		if (l->s[P_ACHTERNAAM] == 0 && l->s[P_ROEPNAAM] == 0)
			warn(&c, UWLR_WARN_MISSING_FIELD, UWLR_REC_PUPIL, i, id, 0, "achternaam");
		if (l->s[P_JAARGROEP] != 0 && !uwlr_jaargroep_valid(o->jaargroep))
			warn(&c, UWLR_WARN_BAD_JAARGROEP, UWLR_REC_PUPIL, i, id, l->s[P_JAARGROEP], NULL);
		if (l->s[P_GROEP] != 0) {
			if (strmap_get(&gmap, pool, l->s[P_GROEP], &gix) && !gi[gix].is_sg)
				o->groep_key = pool_str(pool, l->s[P_GROEP]);
			else
				warn(&c, UWLR_WARN_UNKNOWN_GROUP_REF, UWLR_REC_PUPIL, i, id,
				    l->s[P_GROEP], NULL);
		}
		o->sg_keys = r->refv_ + nrefv;
		for (uint32_t k = 0; k < l->ref_n; k++) {
			const struct ref_in *ref = &ri[l->ref_first + k];
			if (strmap_get(&gmap, pool, ref->off, &gix) && gi[gix].is_sg) {
				r->refv_[nrefv++] = pool + ref->off;
				o->n_sg_keys++;
			} else
				warn(&c, UWLR_WARN_UNKNOWN_GROUP_REF, UWLR_REC_PUPIL, i, id, ref->off, NULL);
		}
		o->first_warning = w0;
		o->n_warnings = c.n - w0;
	}
	strmap_free(&kmap);
	strmap_free(&emap);
	memset(&kmap, 0, sizeof(kmap));
	memset(&emap, 0, sizeof(emap));

	/* teachers */
	if (!strmap_init(&kmap, nt) || !strmap_init(&emap, nt))
		goto out;
	for (i = 0; i < nt; i++) {
		const struct teacher_in *t = &ti[i];
		struct uwlr_teacher *o = &r->teachers[i];
		uint32_t id = t->s[T_KEY] ? t->s[T_KEY] : t->s[T_ECKID], gix;
		size_t w0 = c.n;
		o->key = pool_str(pool, t->s[T_KEY]);
		o->eckid = pool_str(pool, t->s[T_ECKID]);
		o->achternaam = pool_str(pool, t->s[T_ACHTERNAAM]);
		o->voorvoegsel = pool_str(pool, t->s[T_VOORVOEGSEL]);
		o->roepnaam = pool_str(pool, t->s[T_ROEPNAAM]);
		o->emailadres = pool_str(pool, t->s[T_EMAILADRES]);
		if (t->s[T_KEY] == 0 && t->s[T_ECKID] == 0)
			warn(&c, UWLR_WARN_MISSING_FIELD, UWLR_REC_TEACHER, i, 0, 0, "key");
		if (t->s[T_KEY] != 0 && !strmap_add(&kmap, pool, t->s[T_KEY], (uint32_t)i))
			warn(&c, UWLR_WARN_DUPLICATE_KEY, UWLR_REC_TEACHER, i, id, t->s[T_KEY], NULL);
		if (t->s[T_ECKID] != 0 && !strmap_add(&emap, pool, t->s[T_ECKID], (uint32_t)i))
			warn(&c, UWLR_WARN_DUPLICATE_ECKID, UWLR_REC_TEACHER, i, id, t->s[T_ECKID], NULL);
		if (t->s[T_ACHTERNAAM] == 0 && t->s[T_ROEPNAAM] == 0)
			warn(&c, UWLR_WARN_MISSING_FIELD, UWLR_REC_TEACHER, i, id, 0, "achternaam");
		/* stamgroepen first, then samengestelde groepen */
		for (int pass = 0; pass < 2; pass++) {
			const char **start = r->refv_ + nrefv;
			size_t cnt = 0;
			for (uint32_t k = 0; k < t->ref_n; k++) {
				const struct ref_in *ref = &ri[t->ref_first + k];
				if (ref->is_sg != pass)
					continue;
				if (strmap_get(&gmap, pool, ref->off, &gix) && gi[gix].is_sg == ref->is_sg) {
					r->refv_[nrefv++] = pool + ref->off;
					cnt++;
				} else
					warn(&c, UWLR_WARN_UNKNOWN_GROUP_REF, UWLR_REC_TEACHER, i, id,
					    ref->off, NULL);
			}
			if (pass == 0) {
				o->groep_keys = start;
				o->n_groep_keys = cnt;
			} else {
				o->sg_keys = start;
				o->n_sg_keys = cnt;
			}
		}
		o->first_warning = w0;
		o->n_warnings = c.n - w0;
	}
	if (c.oom)
		goto out;
	r->n_groups = ng;
	r->n_pupils = np;
	r->n_teachers = nt;
	st = TC_OK;
out:
	r->warnings = c.w;
	r->n_warnings = c.n;
	r->n_errors = c.n_errors;
	strmap_free(&gmap);
	strmap_free(&kmap);
	strmap_free(&emap);
	return st;
}

tc_status
uwlr_parser_finish(struct uwlr_parser *p, struct uwlr_result **out, char *err, size_t errlen)
{
	struct uwlr_result *r;
	tc_status st;

	*out = NULL;
	if (p->st == TC_OK) {
		if (xmlParseChunk(p->ctxt, NULL, 0, 1) != 0 && p->st == TC_OK)
			fail(p, TC_INVALID, "malformed XML");
	}
	if (p->st == TC_OK && p->fed == 0)
		fail(p, TC_INVALID, "empty document");
	if (p->st == TC_OK && p->answer == UWLR_ANSWER_NONE)
		fail(p, TC_INVALID, "no leerlinggegevens_antwoord or Fault in the SOAP Body");
	if (p->refused) {
		p->st = TC_INVALID;
		snprintf(p->msg, sizeof(p->msg), "document has a DOCTYPE: refused");
	}
	if (p->st != TC_OK) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", p->msg);
		return p->st;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "out of memory");
		return TC_INTERNAL;
	}
	/* the pool no longer grows: hand it over */
	r->pool_ = p->pool;
	st = build_result(p, r);
	p->pool = NULL;
	if (st != TC_OK) {
		uwlr_result_free(r);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", st == TC_INTERNAL ? "out of memory" : "invalid");
		return st;
	}
	*out = r;
	return TC_OK;
}

tc_status
uwlr_parse_buffer(const char *buf, size_t len, size_t max_bytes, struct uwlr_result **out,
    char *err, size_t errlen)
{
	struct uwlr_parser *p;
	tc_status st;

	*out = NULL;
	if ((p = uwlr_parser_new(max_bytes)) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "out of memory");
		return TC_INTERNAL;
	}
	(void)uwlr_parser_feed(p, buf, len);
	st = uwlr_parser_finish(p, out, err, errlen);
	uwlr_parser_free(p);
	return st;
}

void
uwlr_result_free(struct uwlr_result *r)
{
	if (r == NULL)
		return;
	free(r->groups);
	free(r->pupils);
	free(r->teachers);
	free(r->warnings);
	free(r->refv_);
	free(r->pool_);
	free(r);
}

static bool
str_eq_opt(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

bool
uwlr_result_matches(const struct uwlr_result *r, const char *schooljaar, const char *brincode,
    const char *dependancecode)
{
	const char *d1, *d2;

	if (r->answer != UWLR_ANSWER_DATA)
		return true;
	if (schooljaar != NULL && !str_eq_opt(r->school.schooljaar, schooljaar))
		return false;
	if (brincode != NULL && !str_eq_opt(r->school.brincode, brincode))
		return false;
	d1 = r->school.dependancecode ? r->school.dependancecode : "00";
	d2 = dependancecode ? dependancecode : "00";
	return strcmp(d1, d2) == 0;
}

const char *
uwlr_answer_name(enum uwlr_answer a)
{
	switch (a) {
	case UWLR_ANSWER_NONE:		return "none";
	case UWLR_ANSWER_DATA:		return "data";
	case UWLR_ANSWER_GEENWIJZIGINGEN: return "geenwijzigingen";
	case UWLR_ANSWER_GEENGEGEVENS:	return "geengegevens";
	case UWLR_ANSWER_FAULT:		return "fault";
	}
	return "unknown";
}

const char *
uwlr_warn_name(enum uwlr_warn_kind k)
{
	static const char *const names[UWLR_WARN_KIND_MAX] = {
		[UWLR_WARN_UNKNOWN_GROUP_REF] = "unknown_group_ref",
		[UWLR_WARN_DUPLICATE_KEY] = "duplicate_key",
		[UWLR_WARN_DUPLICATE_ECKID] = "duplicate_eckid",
		[UWLR_WARN_MISSING_FIELD] = "missing_field",
		[UWLR_WARN_BAD_JAARGROEP] = "bad_jaargroep",
	};
	if ((unsigned)k >= UWLR_WARN_KIND_MAX)
		return "unknown";
	return names[k];
}
