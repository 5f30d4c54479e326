/* gen.c - deterministic UWLR school generator (shapes follow gen-school.py). */
#include "gen.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uwlr.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define GEN_PUPILS_MAX		1000000u
#define GEN_GROUPS_MAX		100000u
#define GEN_TEACHERS_MAX	100000u
#define ECKID_PERCENT		85

static const char *const boys[] = { "Daan", "Sem", "Noah", "Lucas", "Levi", "Finn", "Milan",
	"Luuk", "Bram", "Jesse", "Thijs", "Mees", "Sven", "Gijs", "Ruben", "Stijn", "Teun",
	"Jayden", "Liam", "Adam", "Mohammed", "Yusuf", "Ömer", "Mats", "Boaz", "Siem", "Olivier",
	"Hugo", "Jens", "Thomas", "Niels", "IJsbrand", "D'Angelo", "Jurriën", "Rayan", "Emir",
	"Otis", "Floris", "Wessel", "Kees" };
static const char *const girls[] = { "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara",
	"Nora", "Anna", "Evi", "Saar", "Lotte", "Noor", "Fenna", "Liv", "Isa", "Roos", "Fleur",
	"Lieke", "Sanne", "Anaïs", "Chloë", "Daphné", "Amira", "Elif", "Yara", "Hiba", "Noëlle",
	"Mirthe", "Maud", "Ilse", "Fleur-Anne", "Mare", "Jasmijn", "Lina", "Nova", "Ayla",
	"Esmée", "Renée", "Ilayda" };
static const char *const prefixes[] = { "van", "de", "van der", "van den", "van de", "den",
	"ter", "ten", "in 't", "van 't", "op den", "te" };
/* surname, fixed voorvoegsel or NULL */
static const char *const surnames[][2] = {
	{ "Jansen", NULL }, { "Bakker", NULL }, { "Visser", NULL }, { "Smit", NULL },
	{ "Meijer", NULL }, { "Mulder", NULL }, { "Bos", NULL }, { "Vos", NULL },
	{ "Peters", NULL }, { "Hendriks", NULL }, { "Dekker", NULL }, { "Brouwer", NULL },
	{ "Koster", NULL }, { "Jacobs", NULL }, { "Kok", NULL }, { "Schouten", NULL },
	{ "Willems", NULL }, { "Verbeek", NULL }, { "Postma", NULL }, { "Hoekstra", NULL },
	{ "Vermeulen", NULL }, { "Kramer", NULL }, { "Prins", NULL }, { "Maas", NULL },
	{ "Wolters", NULL }, { "Dijkstra", NULL }, { "Bosman", NULL }, { "Çelik", NULL },
	{ "Yılmaz", NULL }, { "Öztürk", NULL }, { "Kaya", NULL }, { "El Amrani", NULL },
	{ "Haddou", NULL }, { "Nguyen", NULL }, { "Pérez", NULL }, { "Ouali", NULL },
	{ "Berg", "van den" }, { "Jong", "de" }, { "Dijk", "van" }, { "Groot", "de" },
	{ "Heuvel", "van den" }, { "Meer", "van der" }, { "Wit", "de" }, { "Leeuwen", "van" },
	{ "Boer", "de" }, { "Vliet", "van" }, { "Beek", "van" }, { "Linden", "van der" },
	{ "Graaf", "de" }, { "Hof", "van 't" }, { "Brink", "ten" }, { "Haan", "de" },
	{ "Lange", "de" }, { "Wijk", "van" }, { "Heijden", "van der" }, { "Broek", "van den" },
	{ "Boer-Klaassen", "de" }, { "Veld", "in 't" }, { "Kamp", "op den" }, { "Rijn", "van" },
	{ "Schimmelpenninck", NULL }, { "Ĳzerman", NULL }, { "Lambert", NULL }, { "Martina", NULL },
};
static const char *const subjects_vo[] = { "ne", "en", "fa", "du", "wiA", "wiB", "nat", "schk",
	"bio", "ak", "ges", "econ", "beco", "lo", "ckv", "in", "gtc", "ltc", "maw", "kua" };
static const char *const sg_po[] = { "Plusklas", "Taalklas NT2", "Leesclub", "Rekentijgers",
	"Schoolkoor", "Techniekclub", "Remedial teaching", "Schaakclub" };
static const char streams[] = "ABCDEFGHJKLMNPRST";

enum { K_PUPIL = 1, K_TEACHER, K_ECK, K_SG, K_STAY, K_TLEAVE, K_BIRTH, K_TECK };

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t
hh(uint64_t seed, uint64_t kind, uint64_t a, uint64_t b)
{
	return mix(seed ^ mix(kind ^ mix(a ^ mix(b))));
}

int
gen_year_parse(const char *s)
{
	int a = 0, b = 0;

	if (s == NULL || strlen(s) != 9 || s[4] != '-')
		return -1;
	for (int i = 0; i < 9; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 4)
			a = a * 10 + (s[i] - '0');
		else
			b = b * 10 + (s[i] - '0');
	}
	return b == a + 1 ? a : -1;
}

static int
parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long x;

	if (*v < '0' || *v > '9')
		return -1;
	x = strtoul(v, &end, 10);
	if (*end != '\0' || x > max)
		return -1;
	*out = x;
	return 0;
}

int
gen_parse(const char *spec, struct gen_params *g, char *err, size_t errlen)
{
	char buf[512], *tok, *next;
	unsigned long v;

	memset(g, 0, sizeof(*g));
	g->seed = 1;
	g->pupils = 200;
	g->groups = 8;
	g->teachers = 10;
	g->sg = -1;
	g->first_year = 2024;
	snprintf(g->xsdversie, sizeof(g->xsdversie), "2.3");
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf)) {
		snprintf(err, errlen, "generate spec too long");
		return -1;
	}
	for (tok = buf; *tok; tok = next) {
		size_t n = strcspn(tok, " \t,");
		next = tok + n;
		if (*next)
			*next++ = '\0';
		if (n == 0)
			continue;
		char *eq = strchr(tok, '=');
		const char *k = tok, *val;
		if (eq == NULL) {
			snprintf(err, errlen, "'%s' is not key=value", tok);
			return -1;
		}
		*eq = '\0';
		val = eq + 1;
		if (strcmp(k, "seed") == 0 && parse_uint(val, 0xffffffffUL, &v) == 0)
			g->seed = v;
		else if (strcmp(k, "pupils") == 0 && parse_uint(val, GEN_PUPILS_MAX, &v) == 0)
			g->pupils = (unsigned)v;
		else if (strcmp(k, "groups") == 0 && parse_uint(val, GEN_GROUPS_MAX, &v) == 0 && v > 0)
			g->groups = (unsigned)v;
		else if (strcmp(k, "teachers") == 0 && parse_uint(val, GEN_TEACHERS_MAX, &v) == 0)
			g->teachers = (unsigned)v;
		else if (strcmp(k, "sg") == 0 && parse_uint(val, GEN_GROUPS_MAX, &v) == 0)
			g->sg = (int)v;
		else if (strcmp(k, "sector") == 0 && (strcmp(val, "po") == 0 || strcmp(val, "vo") == 0))
			g->vo = val[0] == 'v';
		else if (strcmp(k, "xsdversie") == 0 && (strcmp(val, "2.2") == 0 || strcmp(val, "2.3") == 0))
			snprintf(g->xsdversie, sizeof(g->xsdversie), "%s", val);
		else if (strcmp(k, "first_year") == 0 && gen_year_parse(val) > 0)
			g->first_year = gen_year_parse(val);
		else if (strcmp(k, "style") == 0 && strcmp(val, "le") == 0)
			g->style = GEN_STYLE_LE;
		else if (strcmp(k, "style") == 0 && strcmp(val, "default") == 0)
			g->style = GEN_STYLE_DEFAULT;
		else if (strcmp(k, "style") == 0 && strcmp(val, "ns2") == 0)
			g->style = GEN_STYLE_NS2;
		else {
			snprintf(err, errlen, "bad generate setting %s=%s", k, val);
			return -1;
		}
	}
	return 0;
}

/* ---- the school of one year ------------------------------------------- */

struct group {
	char	key[64];
	char	naam[64];
	char	jaargroep[4];
	int	lo, hi;		/* jaargroepen covered */
};

struct pupil {
	uint32_t	id;	/* key number */
	uint8_t		jg;
};

struct school {
	const struct gen_params *g;
	int		 year;
	int		 ny, y0;	/* number of jaargroepen, the lowest */
	struct group	*groups;
	unsigned	 ng;
	unsigned	 nsg;
	struct pupil	*pupils;
	unsigned	 np;
	uint32_t	*teachers;	/* teacher numbers (MW%06u) */
	unsigned	 nt;
	/* per jaargroep index: the groups covering it */
	unsigned	*by_year[8], nby_year[8], rr[8];
	unsigned	*sg_by_year[8], nsg_by_year[8];
};

static void
label(const struct school *s, int y, char *buf, size_t n)
{
	snprintf(buf, n, "%d", s->g->vo ? y - 10 : y);
}

static int
make_groups(struct school *s)
{
	unsigned g = s->g->groups;
	char yy[8], lab[16];
	unsigned i;

	snprintf(yy, sizeof(yy), "%02d%02d", s->year % 100, (s->year + 1) % 100);
	if ((s->groups = calloc(g, sizeof(*s->groups))) == NULL)
		return -1;
	s->ng = g;
	if (g < (unsigned)s->ny) {
		unsigned base = (unsigned)s->ny / g, extra = (unsigned)s->ny % g, at = 0;
		for (i = 0; i < g; i++) {
			unsigned size = base + (i < extra ? 1 : 0);
			struct group *gr = &s->groups[i];
			char full[32] = "", nodash[32] = "";
			gr->lo = s->y0 + (int)at;
			gr->hi = gr->lo + (int)size - 1;
			for (int y = gr->lo; y <= gr->hi; y++) {
				label(s, y, lab, sizeof(lab));
				size_t fl = strlen(full), nl = strlen(nodash);
				snprintf(full + fl, sizeof(full) - fl, "%s%s", y == gr->lo ? "" : "/", lab);
				snprintf(nodash + nl, sizeof(nodash) - nl, "%s", lab);
			}
			snprintf(gr->key, sizeof(gr->key), "%s-G%s", yy, nodash);
			snprintf(gr->naam, sizeof(gr->naam), "%s %s", s->g->vo ? "Klas" : "Groep", full);
			if (size > 1)
				snprintf(gr->jaargroep, sizeof(gr->jaargroep), "C");
			else
				snprintf(gr->jaargroep, sizeof(gr->jaargroep), "%d", gr->lo);
			at += size;
		}
		return 0;
	}
	unsigned k = 0;
	for (int yi = 0; yi < s->ny; yi++) {
		unsigned cnt = g / (unsigned)s->ny + ((unsigned)yi < g % (unsigned)s->ny ? 1 : 0);
		int y = s->y0 + yi;
		label(s, y, lab, sizeof(lab));
		for (i = 0; i < cnt; i++, k++) {
			struct group *gr = &s->groups[k];
			char suffix[16] = "";
			if (cnt > 1) {
				if (i < sizeof(streams) - 1)
					snprintf(suffix, sizeof(suffix), "%c", streams[i]);
				else
					snprintf(suffix, sizeof(suffix), "%c%u",
					    streams[i % (sizeof(streams) - 1)], i / (unsigned)(sizeof(streams) - 1));
			}
			gr->lo = gr->hi = y;
			snprintf(gr->key, sizeof(gr->key), "%s-G%s%s", yy, lab, suffix);
			if (s->g->vo)
				snprintf(gr->naam, sizeof(gr->naam), "%s%s", lab, suffix[0] ? suffix : "A");
			else {
				snprintf(gr->naam, sizeof(gr->naam), "Groep %s%s", lab, suffix);
				for (char *c = gr->naam + 6; *c; c++)
					if (*c >= 'A' && *c <= 'Z')
						*c = (char)(*c - 'A' + 'a');
			}
			snprintf(gr->jaargroep, sizeof(gr->jaargroep), "%d", y);
		}
	}
	return 0;
}

static int
index_groups(struct school *s)
{
	for (int yi = 0; yi < s->ny; yi++) {
		int y = s->y0 + yi;
		s->by_year[yi] = calloc(s->ng, sizeof(unsigned));
		s->sg_by_year[yi] = calloc(s->nsg ? s->nsg : 1, sizeof(unsigned));
		if (s->by_year[yi] == NULL || s->sg_by_year[yi] == NULL)
			return -1;
		for (unsigned i = 0; i < s->ng; i++)
			if (s->groups[i].lo <= y && y <= s->groups[i].hi)
				s->by_year[yi][s->nby_year[yi]++] = i;
		for (unsigned i = 0; i < s->nsg; i++)
			if (i % (unsigned)s->ny == (unsigned)yi)
				s->sg_by_year[yi][s->nsg_by_year[yi]++] = i;
	}
	return 0;
}

static void
school_free(struct school *s)
{
	free(s->groups);
	free(s->pupils);
	free(s->teachers);
	for (int i = 0; i < 8; i++) {
		free(s->by_year[i]);
		free(s->sg_by_year[i]);
	}
}

/* Builds the pupils and teachers of s->year by evolving from first_year. */
static int
evolve(struct school *s)
{
	const struct gen_params *g = s->g;
	uint32_t next_pupil = g->pupils, next_teacher = g->teachers + 1;
	int top = s->y0 + s->ny - 1;

	s->np = g->pupils;
	s->nt = g->teachers;
	if ((s->pupils = calloc(g->pupils ? g->pupils : 1, sizeof(*s->pupils))) == NULL ||
	    (s->teachers = calloc(g->teachers ? g->teachers : 1, sizeof(*s->teachers))) == NULL)
		return -1;
	for (unsigned i = 0; i < g->pupils; i++) {
		s->pupils[i].id = i;
		s->pupils[i].jg = (uint8_t)(s->y0 + (int)(i % (unsigned)s->ny));
	}
	for (unsigned i = 0; i < g->teachers; i++)
		s->teachers[i] = i + 1;
	for (int y = g->first_year + 1; y <= s->year; y++) {
		unsigned keep = 0, stay;
		for (unsigned i = 0; i < s->np; i++)
			if (s->pupils[i].jg != top)
				s->pupils[keep++] = s->pupils[i];
		stay = keep ? (unsigned)(hh(g->seed, K_STAY, (uint64_t)y, 0) % keep) : 0;
		for (unsigned i = 0; i < keep; i++)
			if (i != stay)
				s->pupils[i].jg++;
		for (unsigned i = keep; i < s->np; i++) {
			s->pupils[i].id = next_pupil++;
			s->pupils[i].jg = (uint8_t)s->y0;
		}
		if (s->nt > 0) {
			unsigned leave = (unsigned)(hh(g->seed, K_TLEAVE, (uint64_t)y, 0) % s->nt);
			s->teachers[leave] = next_teacher++;
		}
	}
	return 0;
}

/* ---- writing ---------------------------------------------------------- */

struct out {
	xmlTextWriterPtr w;
	const xmlChar	*p;	/* payload prefix or NULL */
	int		 rc;
};

static void
leaf(struct out *o, const char *name, const char *text)
{
	if (text == NULL || o->rc < 0)
		return;
	if (xmlTextWriterWriteElementNS(o->w, o->p, BAD_CAST name, NULL, BAD_CAST text) < 0)
		o->rc = -1;
}

static void
start(struct out *o, const char *name)
{
	if (o->rc >= 0 && xmlTextWriterStartElementNS(o->w, o->p, BAD_CAST name, NULL) < 0)
		o->rc = -1;
}

static void
end(struct out *o)
{
	if (o->rc >= 0 && xmlTextWriterEndElement(o->w) < 0)
		o->rc = -1;
}

static void
attr(struct out *o, const char *name, const char *v)
{
	if (o->rc >= 0 && xmlTextWriterWriteAttribute(o->w, BAD_CAST name, BAD_CAST v) < 0)
		o->rc = -1;
}

static void
ref(struct out *o, const char *name, const char *key)
{
	start(o, name);
	attr(o, "key", key);
	end(o);
}

static void
eckid(const struct gen_params *g, int kind, uint32_t id, char *buf, size_t n)
{
	size_t at = (size_t)snprintf(buf, n, "https://ketenid.nl/201703/");
	for (uint64_t i = 0; i < 8 && at + 17 <= n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%016llx",
		    (unsigned long long)hh(g->seed, (uint64_t)kind, id, i + 100));
}

struct person {
	const char *roep, *vv, *achter;
};

static struct person
person(const struct gen_params *g, int kind, uint32_t id)
{
	uint64_t h = hh(g->seed, (uint64_t)kind, id, 0);
	struct person p;
	size_t si = (h >> 8) % N(surnames);

	p.roep = (h & 1) ? boys[(h >> 1) % N(boys)] : girls[(h >> 1) % N(girls)];
	p.achter = surnames[si][0];
	p.vv = surnames[si][1];
	if (p.vv == NULL && (h >> 24) % 100 < 8)
		p.vv = prefixes[(h >> 32) % N(prefixes)];
	return p;
}

static void
write_school_data(struct out *o, struct school *s, const char *brin, const char *dep)
{
	const struct gen_params *g = s->g;
	char buf[256], key[32];

	start(o, "leerlinggegevens");
	start(o, "school");
	snprintf(buf, sizeof(buf), "%d-%d", s->year, s->year + 1);
	leaf(o, "schooljaar", buf);
	leaf(o, "brincode", brin);
	leaf(o, "dependancecode", dep);
	snprintf(buf, sizeof(buf), "%d-09-01T06:00:00", s->year);
	leaf(o, "aanmaakdatum", buf);
	leaf(o, "auteur", "las-sim (synthetische testdata)");
	leaf(o, "xsdversie", g->xsdversie);
	end(o);

	start(o, "groepen");
	for (unsigned i = 0; i < s->ng; i++) {
		start(o, "groep");
		attr(o, "key", s->groups[i].key);
		leaf(o, "naam", s->groups[i].naam);
		leaf(o, "jaargroep", s->groups[i].jaargroep);
		end(o);
	}
	for (unsigned i = 0; i < s->nsg; i++) {
		int y = s->y0 + (int)(i % (unsigned)s->ny);
		snprintf(key, sizeof(key), "SG%05u", i + 1);
		if (g->vo)
			snprintf(buf, sizeof(buf), "%d-%s%u", y - 10,
			    subjects_vo[(i / (unsigned)s->ny) % N(subjects_vo)],
			    i / ((unsigned)s->ny * (unsigned)N(subjects_vo)) + 1);
		else if (i < N(sg_po))
			snprintf(buf, sizeof(buf), "%s", sg_po[i]);
		else
			snprintf(buf, sizeof(buf), "%s %u", sg_po[i % N(sg_po)], i / (unsigned)N(sg_po) + 1);
		start(o, "samengestelde_groep");
		attr(o, "key", key);
		leaf(o, "naam", buf);
		end(o);
	}
	end(o);

	start(o, "leerlingen");
	for (unsigned i = 0; i < s->np && o->rc >= 0; i++) {
		const struct pupil *pu = &s->pupils[i];
		struct person pe = person(g, K_PUPIL, pu->id);
		int yi = pu->jg - s->y0;
		start(o, "leerling");
		snprintf(key, sizeof(key), "LL%u", 100000 + pu->id);
		attr(o, "key", key);
		if (hh(g->seed, K_ECK, pu->id, 0) % 100 < ECKID_PERCENT) {
			eckid(g, K_ECK, pu->id, buf, sizeof(buf));
			attr(o, "eckid", buf);
		}
		leaf(o, "achternaam", pe.achter);
		leaf(o, "voorvoegsel", pe.vv);
		leaf(o, "roepnaam", pe.roep);
		if (strcmp(g->xsdversie, "2.2") == 0) {
			uint64_t h = hh(g->seed, K_BIRTH, pu->id, 0);
			int age = g->vo ? pu->jg - 10 + 11 : pu->jg + 3;
			/* birth year follows the year the pupil entered */
			snprintf(buf, sizeof(buf), "%d-%02d-%02d", s->year - age,
			    (int)(h % 12) + 1, (int)((h >> 8) % 28) + 1);
			leaf(o, "geboortedatum", buf);
		}
		snprintf(buf, sizeof(buf), "%d", pu->jg);
		leaf(o, "jaargroep", buf);
		if (s->nby_year[yi] > 0) {
			unsigned gi = s->by_year[yi][s->rr[yi]++ % s->nby_year[yi]];
			ref(o, "groep", s->groups[gi].key);
		}
		if (s->nsg_by_year[yi] > 0) {
			uint64_t h = hh(g->seed, K_SG, pu->id, (uint64_t)s->year);
			unsigned n = s->nsg_by_year[yi], k, first;
			if (!g->vo)
				k = h % 100 < 15 ? 1 : 0;
			else
				k = pu->jg >= 13 ? 2 + (unsigned)((h >> 8) % 4) : (unsigned)((h >> 8) % 2);
			if (k > n)
				k = n;
			first = (unsigned)((h >> 16) % n);
			if (k > 0) {
				start(o, "samengestelde_groepen");
				for (unsigned j = 0; j < k; j++) {
					snprintf(key, sizeof(key), "SG%05u",
					    s->sg_by_year[yi][(first + j) % n] + 1);
					ref(o, "samengestelde_groep", key);
				}
				end(o);
			}
		}
		end(o);
	}
	end(o);

	start(o, "leerkrachten");
	for (unsigned i = 0; i < s->nt && o->rc >= 0; i++) {
		uint32_t id = s->teachers[i];
		struct person pe = person(g, K_TEACHER, id);
		char local[96];
		size_t ln = 0;
		start(o, "leerkracht");
		snprintf(key, sizeof(key), "MW%06u", id);
		attr(o, "key", key);
		if (hh(g->seed, K_TECK, id, 0) % 100 < ECKID_PERCENT) {
			eckid(g, K_TECK, id, buf, sizeof(buf));
			attr(o, "eckid", buf);
		}
		leaf(o, "achternaam", pe.achter);
		leaf(o, "voorvoegsel", pe.vv);
		leaf(o, "roepnaam", pe.roep);
		/* e-mail local part: ASCII letters of initial, voorvoegsel, surname */
		snprintf(buf, sizeof(buf), "%c.%s%s", pe.roep[0], pe.vv ? pe.vv : "", pe.achter);
		for (const char *c = buf; *c && ln + 1 < sizeof(local); c++) {
			char ch = *c;
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if ((ch >= 'a' && ch <= 'z') || ch == '.' || ch == '-')
				local[ln++] = ch;
		}
		local[ln] = '\0';
		snprintf(buf, sizeof(buf), "%s.%u@school-%s.example", local, id, brin);
		for (char *c = buf; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		leaf(o, "emailadres", buf);
		bool any = false;
		for (unsigned j = i; j < s->ng; j += s->nt) {
			if (!any)
				start(o, "groepen");
			any = true;
			ref(o, "groep", s->groups[j].key);
		}
		for (unsigned j = 0; j < s->nsg; j++) {
			if ((j * 7 + 3) % s->nt != i)
				continue;
			if (!any)
				start(o, "groepen");
			any = true;
			snprintf(key, sizeof(key), "SG%05u", j + 1);
			ref(o, "samengestelde_groep", key);
		}
		if (any)
			end(o);
		end(o);
	}
	end(o);
	end(o);	/* leerlinggegevens */
}

int
gen_write(const struct gen_params *g, int year, const char *brin, const char *dep,
    xmlTextWriterPtr w)
{
	static const char *const env_prefix[] = { "SOAP-ENV", "s", "soap" };
	static const char *const pl_prefix[] = { "le", NULL, "ns2" };
	struct school s = { .g = g, .year = year };
	struct out o = { .w = w };
	const xmlChar *ep = BAD_CAST env_prefix[g->style];
	int rc = -1;

	s.ny = g->vo ? 6 : 8;
	s.y0 = g->vo ? 11 : 1;
	s.nsg = g->sg >= 0 ? (unsigned)g->sg : (g->groups / 4 > 2 ? g->groups / 4 : 2);
	o.p = BAD_CAST pl_prefix[g->style];
	if (year >= g->first_year &&
	    (make_groups(&s) < 0 || index_groups(&s) < 0 || evolve(&s) < 0))
		goto out;
	if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(w, ep, BAD_CAST "Envelope", BAD_CAST UWLR_NS_SOAP) < 0)
		goto out;
	if (g->style == GEN_STYLE_LE) {
		if (xmlTextWriterStartElementNS(w, ep, BAD_CAST "Header", NULL) < 0 ||
		    xmlTextWriterEndElement(w) < 0)
			goto out;
	}
	if (xmlTextWriterStartElementNS(w, ep, BAD_CAST "Body", NULL) < 0 ||
	    xmlTextWriterStartElementNS(w, o.p, BAD_CAST "leerlinggegevens_antwoord",
	    BAD_CAST UWLR_NS_LL) < 0)
		goto out;
	if (year < g->first_year) {
		start(&o, "geengegevens");
		end(&o);
	} else
		write_school_data(&o, &s, brin, dep);
	if (o.rc < 0 || xmlTextWriterEndDocument(w) < 0)
		goto out;
	rc = 0;
out:
	school_free(&s);
	return rc;
}
