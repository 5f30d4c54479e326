/*
 * test_uwlr.c - the UWLR parser against every fixture of tests/fixtures.
 * Expected numbers come from /work/shared/uwlr/check-uwlr.py (the oracle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uwlr.h"

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
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct uwlr_result *
parse_fixture(const char *name)
{
	struct uwlr_result *r = NULL;
	char err[256] = "";
	size_t len;
	char *buf = slurp(name, &len);
	tc_status st = uwlr_parse_buffer(buf, len, 0, &r, err, sizeof(err));

	if (st != TC_OK)
		fail_msg("%s: %s: %s", name, status_name(st), err);
	free(buf);
	return r;
}

static tc_status
parse_fail(const char *name, size_t max, char *err, size_t errlen)
{
	struct uwlr_result *r = (struct uwlr_result *)1;
	size_t len;
	char *buf = slurp(name, &len);
	tc_status st = uwlr_parse_buffer(buf, len, max, &r, err, errlen);

	assert_null(r);
	free(buf);
	return st;
}

static tc_status
parse_str(const char *xml, struct uwlr_result **r, char *err, size_t errlen)
{
	return uwlr_parse_buffer(xml, strlen(xml), 0, r, err, errlen);
}

static const struct uwlr_pupil *
pupil(const struct uwlr_result *r, const char *key)
{
	for (size_t i = 0; i < r->n_pupils; i++)
		if (r->pupils[i].key && strcmp(r->pupils[i].key, key) == 0)
			return &r->pupils[i];
	fail_msg("no pupil %s", key);
	return NULL;
}

static const struct uwlr_teacher *
teacher(const struct uwlr_result *r, const char *key)
{
	for (size_t i = 0; i < r->n_teachers; i++)
		if (strcmp(r->teachers[i].key, key) == 0)
			return &r->teachers[i];
	fail_msg("no teacher %s", key);
	return NULL;
}

static const struct uwlr_group *
group(const struct uwlr_result *r, const char *key)
{
	for (size_t i = 0; i < r->n_groups; i++)
		if (strcmp(r->groups[i].key, key) == 0)
			return &r->groups[i];
	fail_msg("no group %s", key);
	return NULL;
}

struct counts {
	size_t pupils, eckids, stamgroepen, sgs, teachers, voorvoegsels, geboortedata,
	    no_groep, pupil_sg_refs, teacher_g_refs, teacher_sg_refs, warnings;
};

static void
check_counts(const struct uwlr_result *r, const struct counts *want)
{
	struct counts c = { 0 };

	c.pupils = r->n_pupils;
	c.teachers = r->n_teachers;
	c.warnings = r->n_warnings;
	for (size_t i = 0; i < r->n_groups; i++) {
		if (r->groups[i].is_samengesteld)
			c.sgs++;
		else
			c.stamgroepen++;
	}
	for (size_t i = 0; i < r->n_pupils; i++) {
		const struct uwlr_pupil *p = &r->pupils[i];
		c.eckids += p->eckid != NULL;
		c.voorvoegsels += p->voorvoegsel != NULL;
		c.geboortedata += p->geboortedatum != NULL;
		c.no_groep += p->groep_key == NULL;
		c.pupil_sg_refs += p->n_sg_keys;
	}
	for (size_t i = 0; i < r->n_teachers; i++) {
		c.teacher_g_refs += r->teachers[i].n_groep_keys;
		c.teacher_sg_refs += r->teachers[i].n_sg_keys;
	}
	assert_int_equal(c.pupils, want->pupils);
	assert_int_equal(c.eckids, want->eckids);
	assert_int_equal(c.stamgroepen, want->stamgroepen);
	assert_int_equal(c.sgs, want->sgs);
	assert_int_equal(c.teachers, want->teachers);
	assert_int_equal(c.voorvoegsels, want->voorvoegsels);
	assert_int_equal(c.geboortedata, want->geboortedata);
	assert_int_equal(c.no_groep, want->no_groep);
	assert_int_equal(c.pupil_sg_refs, want->pupil_sg_refs);
	assert_int_equal(c.teacher_g_refs, want->teacher_g_refs);
	assert_int_equal(c.teacher_sg_refs, want->teacher_sg_refs);
	assert_int_equal(c.warnings, want->warnings);
}

/* ---- data fixtures ---------------------------------------------------- */

static void
test_small_po_2023(void **state)
{
	struct uwlr_result *r = parse_fixture("small-po-2023-2024.xml");
	const struct counts want = { .pupils = 42, .eckids = 37, .stamgroepen = 8, .sgs = 2,
		.teachers = 5, .voorvoegsels = 14, .pupil_sg_refs = 10, .teacher_g_refs = 8,
		.teacher_sg_refs = 2 };
	const struct uwlr_pupil *p;
	const struct uwlr_teacher *t;
	const struct uwlr_group *g;

	(void)state;
	assert_int_equal(r->answer, UWLR_ANSWER_DATA);
	assert_false(r->bare_edexml);
	check_counts(r, &want);
	assert_int_equal(r->n_errors, 0);
	assert_string_equal(r->school.schooljaar, "2023-2024");
	assert_string_equal(r->school.brincode, "99XP");
	assert_string_equal(r->school.dependancecode, "00");
	assert_string_equal(r->school.xsdversie, "2.3");
	assert_string_equal(r->school.aanmaakdatum, "2023-09-04T07:15:00");
	assert_null(r->school.schoolkey);
	assert_true(uwlr_result_matches(r, "2023-2024", "99XP", "00"));
	assert_true(uwlr_result_matches(r, "2023-2024", "99XP", NULL));
	assert_false(uwlr_result_matches(r, "2024-2025", "99XP", "00"));
	assert_false(uwlr_result_matches(r, "2023-2024", "99XQ", "00"));

	assert_string_equal(r->pupils[0].key, "LL10101");
	assert_string_equal(r->pupils[r->n_pupils - 1].key, "LL10705");
	p = pupil(r, "LL10301");
	assert_string_equal(p->eckid, "https://ketenid.nl/201703/723c37ceda92a2307af0045a3c0174989"
	    "3cfd2fa3c698b8fae0bb7c03c57483873b000fcdb5598d43440e60bedcf383fb124df47ef0ab4b9276200f7e844aa51");
	assert_string_equal(p->achternaam, "Meer");
	assert_string_equal(p->voorvoegsel, "van der");
	assert_string_equal(p->roepnaam, "IJsbrand");
	assert_string_equal(p->jaargroep, "4");
	assert_string_equal(p->groep_key, "2324-4");
	assert_null(p->geboortedatum);
	assert_int_equal(p->n_sg_keys, 0);
	p = pupil(r, "LL10303");
	assert_null(p->eckid);
	assert_string_equal(p->roepnaam, "D'Angelo");
	assert_string_equal(p->achternaam, "Martina");
	assert_null(p->voorvoegsel);
	/* Zoë van der Berg, precomposed */
	int zoe = 0;
	for (size_t i = 0; i < r->n_pupils; i++)
		if (r->pupils[i].roepnaam && strcmp(r->pupils[i].roepnaam, "Zo\xc3\xab") == 0) {
			zoe++;
			assert_string_equal(r->pupils[i].achternaam, "Berg");
			assert_string_equal(r->pupils[i].voorvoegsel, "van der");
		}
	assert_int_equal(zoe, 1);
	int vant = 0;
	for (size_t i = 0; i < r->n_pupils; i++)
		if (r->pupils[i].voorvoegsel && strcmp(r->pupils[i].voorvoegsel, "van 't") == 0)
			vant++;
	assert_true(vant >= 1);

	g = group(r, "2324-12A");
	assert_string_equal(g->naam, "Groep 1/2a");
	assert_string_equal(g->jaargroep, "C");
	assert_string_equal(g->omschrijving, "Kleutergroep De Egeltjes");
	assert_false(g->is_samengesteld);

	t = teacher(r, "MW001");
	assert_string_equal(t->achternaam, "Dam");
	assert_string_equal(t->voorvoegsel, "van");
	assert_string_equal(t->roepnaam, "Marieke");
	assert_string_equal(t->emailadres, "m.vandam@obs-regenboog.example");
	assert_int_equal(t->n_groep_keys, 2);
	assert_string_equal(t->groep_keys[0], "2324-12A");
	assert_string_equal(t->groep_keys[1], "2324-12B");
	assert_int_equal(t->n_sg_keys, 0);
	t = teacher(r, "MW003");
	assert_null(t->eckid);
	assert_string_equal(t->achternaam, "Vries-Smit");
	uwlr_result_free(r);
}

static void
test_small_po_2024(void **state)
{
	struct uwlr_result *r = parse_fixture("small-po-2024-2025.xml");
	const struct counts want = { .pupils = 43, .eckids = 39, .stamgroepen = 8, .sgs = 2,
		.teachers = 5, .voorvoegsels = 14, .pupil_sg_refs = 9, .teacher_g_refs = 8,
		.teacher_sg_refs = 2 };
	const struct uwlr_pupil *p;

	(void)state;
	assert_int_equal(r->answer, UWLR_ANSWER_DATA);
	check_counts(r, &want);
	assert_string_equal(r->school.schooljaar, "2024-2025");
	assert_string_equal(r->pupils[r->n_pupils - 1].key, "LL11006");
	p = pupil(r, "LL20321");
	assert_string_equal(p->roepnaam, "Saar");
	assert_string_equal(p->achternaam, "Dekker");
	assert_string_equal(p->jaargroep, "4");
	assert_string_equal(p->groep_key, "2425-4");
	p = pupil(r, "LL10101");
	assert_string_equal(p->roepnaam, "Noor");
	assert_non_null(p->eckid);
	assert_string_equal(p->groep_key, "2425-12A");
	uwlr_result_free(r);
}

static void
test_vo_school(void **state)
{
	struct uwlr_result *r = parse_fixture("vo-school.xml");
	const struct counts want = { .pupils = 66, .eckids = 59, .stamgroepen = 11, .sgs = 20,
		.teachers = 12, .voorvoegsels = 27, .geboortedata = 66, .no_groep = 2,
		.pupil_sg_refs = 108, .teacher_g_refs = 11, .teacher_sg_refs = 20 };
	const struct uwlr_pupil *p;
	const struct uwlr_teacher *t;

	(void)state;
	check_counts(r, &want);
	assert_string_equal(r->school.brincode, "99XV");
	assert_string_equal(r->school.dependancecode, "01");
	assert_string_equal(r->school.xsdversie, "2.2");
	assert_true(uwlr_result_matches(r, "2024-2025", "99XV", "01"));
	assert_false(uwlr_result_matches(r, "2024-2025", "99XV", "00"));
	p = pupil(r, "240017");
	assert_string_equal(p->achternaam, "Kramer");
	assert_string_equal(p->roepnaam, "Sophie");
	assert_string_equal(p->geboortedatum, "2012-02-08");
	assert_string_equal(p->jaargroep, "11");
	assert_string_equal(p->groep_key, "K24-1A");
	assert_int_equal(p->n_sg_keys, 1);
	assert_string_equal(p->sg_keys[0], "CL24-1-2-talentklas");
	p = pupil(r, "240034");
	assert_string_equal(p->voorvoegsel, "de");
	assert_string_equal(p->achternaam, "Lange");
	/* rol inside group refs; stamgroepen listed before samengestelde */
	t = teacher(r, "D-BRK");
	assert_string_equal(t->voorvoegsel, "ten");
	assert_int_equal(t->n_groep_keys, 1);
	assert_string_equal(t->groep_keys[0], "K24-1A");
	assert_int_equal(t->n_sg_keys, 1);
	assert_string_equal(t->sg_keys[0], "CL24-1-2-talentklas");
	t = teacher(r, "D-ZZZ");
	assert_int_equal(t->n_groep_keys + t->n_sg_keys, 0);
	assert_string_equal(t->emailadres, "d-zzz@noorderlicht.example");
	uwlr_result_free(r);
}

static void
test_unicode_edge(void **state)
{
	struct uwlr_result *r = parse_fixture("unicode-edge.xml");
	const struct counts want = { .pupils = 15, .eckids = 4, .stamgroepen = 2, .sgs = 1,
		.teachers = 2, .voorvoegsels = 1, .no_groep = 1, .pupil_sg_refs = 2,
		.teacher_g_refs = 1, .teacher_sg_refs = 1, .warnings = 2 };
	const struct uwlr_pupil *p;
	const struct uwlr_teacher *t;
	const struct uwlr_group *g;

	(void)state;
	check_counts(r, &want);
	assert_int_equal(r->n_errors, 0);
	/* out-of-order school block */
	assert_string_equal(r->school.schooljaar, "2024-2025");
	assert_string_equal(r->school.brincode, "99XU");
	/* NFC and NFD Zoë are different byte strings, both kept */
	assert_string_equal(pupil(r, "U001")->roepnaam, "Zo\xc3\xab");
	assert_string_equal(pupil(r, "U002")->roepnaam, "Zoe\xcc\x88");
	assert_string_not_equal(pupil(r, "U001")->roepnaam, pupil(r, "U002")->roepnaam);
	/* empty, self-closing and blank voorvoegsel all mean absent */
	assert_null(pupil(r, "U001")->voorvoegsel);
	assert_null(pupil(r, "U002")->voorvoegsel);
	assert_int_equal(pupil(r, "U002")->n_sg_keys, 0);
	p = pupil(r, "U003");
	assert_null(p->voorvoegsel);
	assert_string_equal(p->achternaam, "\xc4\xb2zerman");	/* Ĳ ligature */
	assert_string_equal(p->eckid, "https://ketenid.nl/201703/30925E4E47C6D577EA3EC5642B138CA7"
	    "C55125DCEF0B5D3BDF8F5496109738CA3D2BAFC4691C6B5157D980FC9326501C3548C734EFB8B6B70152B6348E5D1E0E");
	assert_int_equal(strlen(pupil(r, "U004")->achternaam), 200);
	assert_int_equal(strlen(pupil(r, "U004")->roepnaam), 78);
	assert_int_equal(strlen(pupil(r, "U005")->achternaam), 250);
	assert_string_equal(pupil(r, "U005")->roepnaam, "Anne\xc2\xadMarie");	/* soft hyphen kept */
	assert_null(pupil(r, "U006")->roepnaam);
	assert_string_equal(pupil(r, "U006")->achternaam, "Bakker");
	assert_null(pupil(r, "U007")->achternaam);
	assert_string_equal(pupil(r, "U007")->roepnaam, "Wimpie");
	p = pupil(r, "U008");
	assert_string_equal(p->achternaam, "Ana\xc3\xafs-D'Souza");
	assert_string_equal(p->roepnaam, "Ana\xc3\xafs");
	assert_int_equal(p->n_sg_keys, 1);
	assert_string_equal(p->sg_keys[0], "U-SG-\xf0\x9f\x9a\x80");
	assert_string_equal(pupil(r, "U009")->achternaam, "O'Brien <Jr.> & zn");
	assert_string_equal(pupil(r, "U009")->roepnaam, "Se\xc3\xa1n");
	assert_string_equal(pupil(r, "U010")->achternaam, "Bakker");
	assert_string_equal(pupil(r, "U010")->roepnaam, "Tim");
	assert_string_equal(pupil(r, "U011")->roepnaam, "\xd9\x8a\xd9\x88\xd8\xb3\xd9\x81");
	assert_string_equal(pupil(r, "U012")->achternaam, "Y\xc4\xb1ld\xc4\xb1z");
	assert_string_equal(pupil(r, "U012")->roepnaam, "\xc4\xb0layda");
	assert_string_equal(pupil(r, "U013")->achternaam, "\xf0\xa0\xae\xb7\xe7\x94\xb0");
	/* dangling refs: dropped with a warning */
	p = pupil(r, "U013");
	assert_int_equal(p->n_sg_keys, 1);
	assert_int_equal(p->n_warnings, 1);
	assert_int_equal(r->warnings[p->first_warning].kind, UWLR_WARN_UNKNOWN_GROUP_REF);
	assert_int_equal(r->warnings[p->first_warning].record, UWLR_REC_PUPIL);
	assert_string_equal(r->warnings[p->first_warning].record_key, "U013");
	assert_string_equal(r->warnings[p->first_warning].detail, "U-SG-BESTAAT-NIET");
	assert_false(r->warnings[p->first_warning].is_error);
	p = pupil(r, "U014");
	assert_null(p->groep_key);
	assert_int_equal(p->n_warnings, 1);
	assert_string_equal(r->warnings[p->first_warning].detail, "U-GROEP-BESTAAT-NIET");
	assert_string_equal(pupil(r, "U015")->roepnaam, "\xc3\x86nne");

	g = group(r, "U-34");
	assert_string_equal(g->naam, "Groep 3 & 4");
	assert_string_equal(g->omschrijving, "Combinatiegroep \xf0\x9f\x8c\x88 <geen toets op vrijdag>");
	assert_string_equal(g->jaargroep, "C");
	assert_string_equal(group(r, "U-5")->jaargroep, "5");	/* " 5 " trimmed */
	assert_true(group(r, "U-SG-\xf0\x9f\x9a\x80")->is_samengesteld);
	assert_string_equal(group(r, "U-SG-\xf0\x9f\x9a\x80")->naam, "Raketclub \xf0\x9f\x9a\x80");

	t = teacher(r, "U-MW1");
	assert_string_equal(t->achternaam, "\xc3\x87" "etin");
	assert_string_equal(t->roepnaam, "G\xc3\xbcl");
	assert_null(t->voorvoegsel);
	assert_null(t->emailadres);
	assert_int_equal(t->n_groep_keys + t->n_sg_keys, 0);
	t = teacher(r, "U-MW2");
	assert_null(t->achternaam);
	assert_int_equal(t->n_groep_keys, 1);
	assert_string_equal(t->groep_keys[0], "U-34");
	assert_int_equal(t->n_sg_keys, 1);
	assert_string_equal(t->sg_keys[0], "U-SG-\xf0\x9f\x9a\x80");
	uwlr_result_free(r);
}

static void
test_bare_edexml(void **state)
{
	struct uwlr_result *r = parse_fixture("edexml-bare.xml");
	const struct counts want = { .pupils = 3, .eckids = 1, .stamgroepen = 2, .sgs = 1,
		.teachers = 1, .voorvoegsels = 1, .geboortedata = 1, .no_groep = 1,
		.pupil_sg_refs = 1, .teacher_g_refs = 2, .teacher_sg_refs = 1 };

	(void)state;
	assert_int_equal(r->answer, UWLR_ANSWER_DATA);
	assert_true(r->bare_edexml);
	check_counts(r, &want);
	assert_string_equal(r->school.schoolkey, "4711");
	assert_string_equal(r->school.brincode, "99XE");
	assert_string_equal(pupil(r, "E001")->voorvoegsel, "van den");
	assert_string_equal(pupil(r, "E001")->geboortedatum, "2018-05-04");
	assert_string_equal(pupil(r, "E002")->achternaam, "\xc3\x96zt\xc3\xbcrk");
	assert_string_equal(pupil(r, "E002")->eckid, "https://ketenid.nl/pilot/abc");
	uwlr_result_free(r);
}

/* ---- answers without data --------------------------------------------- */

static void
check_fault(const char *name, const char *code, const char *faultstring, bool retryable)
{
	struct uwlr_result *r = parse_fixture(name);

	assert_int_equal(r->answer, UWLR_ANSWER_FAULT);
	assert_string_equal(r->fault.code, code);
	assert_string_equal(r->fault.faultstring, faultstring);
	assert_int_equal(r->fault.retryable, retryable);
	assert_int_equal(r->n_pupils, 0);
	uwlr_result_free(r);
}

static void
test_faults(void **state)
{
	(void)state;
	check_fault("fault-auth.xml", "Client.AutorisatieOngeldig",
	    "Autorisatiesleutel is ongeldig of geeft geen toegang tot school 99XP/00", false);
	check_fault("fault-klant-bare-code.xml", "Client.OngeldigeKlantIdentificatie",
	    "Klantidentificatie onjuist", false);
	check_fault("fault-server.xml", "Server.TijdelijkNietBeschikbaar",
	    "Server is tijdelijk niet beschikbaar, probeer het later opnieuw", true);
	check_fault("fault-xsdversie-wcf.xml", "Client.XsdVersieOngeldig",
	    "De opgegeven XSD-versie wordt niet ondersteund: 9.9", false);
}

static void
test_fault_code_forms(void **state)
{
	static const char *const forms[][3] = {
		{ "soap:soap.Client.XsdVersieOngeldig", "Client.XsdVersieOngeldig", "0" },
		{ "Server", "Server", "1" },
		{ "x:Server.InterneFout", "Server.InterneFout", "1" },
		{ "ServerX.Iets", "ServerX.Iets", "0" },
		{ "a:b:Client.OngeldigBericht", "Client.OngeldigBericht", "0" },
	};
	char xml[1024], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct uwlr_result *r = NULL;
		snprintf(xml, sizeof(xml), "<e:Envelope xmlns:e='" UWLR_NS_SOAP "'><e:Body><e:Fault>"
		    "<faultcode> %s </faultcode><faultstring>x</faultstring><detail><a>geheim</a>"
		    "</detail></e:Fault></e:Body></e:Envelope>", forms[i][0]);
		assert_int_equal(parse_str(xml, &r, err, sizeof(err)), TC_OK);
		assert_string_equal(r->fault.code, forms[i][1]);
		assert_int_equal(r->fault.retryable, forms[i][2][0] == '1');
		uwlr_result_free(r);
	}
}

static void
test_empty_answers(void **state)
{
	struct uwlr_result *r;

	(void)state;
	r = parse_fixture("geenwijzigingen.xml");
	assert_int_equal(r->answer, UWLR_ANSWER_GEENWIJZIGINGEN);
	assert_true(uwlr_result_matches(r, "2024-2025", "99XP", "00"));
	uwlr_result_free(r);
	r = parse_fixture("geengegevens.xml");
	assert_int_equal(r->answer, UWLR_ANSWER_GEENGEGEVENS);
	assert_int_equal(r->n_pupils, 0);
	uwlr_result_free(r);
}

/* ---- refusals --------------------------------------------------------- */

static void
test_malformed(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_fail("malformed.xml", 0, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, "malformed XML"));
}

static void
test_doctype_refused(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_fail("xxe.xml", 0, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, "DOCTYPE"));
	assert_null(strstr(err, "root:"));
	err[0] = '\0';
	assert_int_equal(parse_fail("billion-laughs.xml", 0, err, sizeof(err)), TC_INVALID);
	assert_non_null(strstr(err, "DOCTYPE"));
}

static void
test_doctype_chunked(void **state)
{
	struct uwlr_parser *p = uwlr_parser_new(0);
	struct uwlr_result *r = NULL;
	char err[256] = "";
	size_t len;
	char *buf = slurp("xxe.xml", &len);

	(void)state;
	for (size_t i = 0; i < len; i++)
		if (uwlr_parser_feed(p, buf + i, 1) != TC_OK)
			break;
	assert_int_equal(uwlr_parser_finish(p, &r, err, sizeof(err)), TC_INVALID);
	assert_null(r);
	assert_non_null(strstr(err, "DOCTYPE"));
	uwlr_parser_free(p);
	free(buf);
}

static void
test_size_cap(void **state)
{
	char err[256] = "";
	struct uwlr_parser *p;
	struct uwlr_result *r = NULL;
	size_t len;
	char *buf;

	(void)state;
	assert_int_equal(parse_fail("small-po-2023-2024.xml", 4096, err, sizeof(err)), TC_TOO_LARGE);
	assert_non_null(strstr(err, "larger"));
	/* exactly at the cap is fine; one byte over is not, even in pieces */
	buf = slurp("geengegevens.xml", &len);
	assert_int_equal(uwlr_parse_buffer(buf, len, len, &r, err, sizeof(err)), TC_OK);
	uwlr_result_free(r);
	p = uwlr_parser_new(len - 1);
	assert_int_equal(uwlr_parser_feed(p, buf, len - 1), TC_OK);
	assert_int_equal(uwlr_parser_feed(p, buf + len - 1, 1), TC_TOO_LARGE);
	assert_int_equal(uwlr_parser_finish(p, &r, err, sizeof(err)), TC_TOO_LARGE);
	uwlr_parser_free(p);
	free(buf);
}

static void
test_not_uwlr(void **state)
{
	static const char *const docs[] = {
		"",
		"<html><body>502 Bad Gateway</body></html>",
		"<e:Envelope xmlns:e='" UWLR_NS_SOAP "'><e:Body/></e:Envelope>",
		"<e:Envelope xmlns:e='urn:other'><e:Body/></e:Envelope>",
		"<e:Envelope xmlns:e='" UWLR_NS_SOAP "'><e:Body><leerlinggegevens_antwoord>"
		    "<leerlinggegevens/></leerlinggegevens_antwoord></e:Body></e:Envelope>",
		"<a>&undefined;</a>",
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct uwlr_result *r = NULL;
		err[0] = '\0';
		assert_int_equal(parse_str(docs[i], &r, err, sizeof(err)), TC_INVALID);
		assert_null(r);
		assert_true(err[0] != '\0');
	}
}

/* ---- streaming -------------------------------------------------------- */

static void
assert_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
test_chunked_equals_whole(void **state)
{
	static const size_t chunks[] = { 1, 2, 7, 4096 };
	const char *files[] = { "small-po-2023-2024.xml", "unicode-edge.xml", "vo-school.xml" };

	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct uwlr_result *whole = parse_fixture(files[f]);
		size_t len;
		char *buf = slurp(files[f], &len);
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct uwlr_parser *p = uwlr_parser_new(0);
			struct uwlr_result *r = NULL;
			char err[256];
			for (size_t at = 0; at < len; at += chunks[c]) {
				size_t n = len - at < chunks[c] ? len - at : chunks[c];
				assert_int_equal(uwlr_parser_feed(p, buf + at, n), TC_OK);
			}
			assert_int_equal(uwlr_parser_finish(p, &r, err, sizeof(err)), TC_OK);
			uwlr_parser_free(p);
			assert_int_equal(r->n_pupils, whole->n_pupils);
			assert_int_equal(r->n_warnings, whole->n_warnings);
			for (size_t i = 0; i < r->n_pupils; i++) {
				const struct uwlr_pupil *x = &r->pupils[i], *y = &whole->pupils[i];
				assert_same(x->key, y->key);
				assert_same(x->eckid, y->eckid);
				assert_same(x->achternaam, y->achternaam);
				assert_same(x->voorvoegsel, y->voorvoegsel);
				assert_same(x->roepnaam, y->roepnaam);
				assert_same(x->groep_key, y->groep_key);
				assert_int_equal(x->n_sg_keys, y->n_sg_keys);
			}
			uwlr_result_free(r);
		}
		free(buf);
		uwlr_result_free(whole);
	}
}

/* ---- checks ----------------------------------------------------------- */

#define ENV_OPEN "<s:Envelope xmlns:s='" UWLR_NS_SOAP "'><s:Body>" \
	"<a:leerlinggegevens_antwoord xmlns:a='" UWLR_NS_LL "'><a:leerlinggegevens>" \
	"<a:school><a:schooljaar>2024-2025</a:schooljaar></a:school>"
#define ENV_CLOSE "</a:leerlinggegevens></a:leerlinggegevens_antwoord></s:Body></s:Envelope>"

static void
test_record_checks(void **state)
{
	const char *xml = ENV_OPEN
	    "<a:groepen>"
	    "<a:groep key='G1'><a:naam>Een</a:naam><a:jaargroep>1</a:jaargroep></a:groep>"
	    "<a:groep key='G1'><a:naam>Dubbel</a:naam><a:jaargroep>2</a:jaargroep></a:groep>"
	    "<a:groep key='G9'><a:naam>Raar</a:naam><a:jaargroep>9</a:jaargroep></a:groep>"
	    "<a:groep key='G0'><a:jaargroep>0</a:jaargroep></a:groep>"
	    "<a:samengestelde_groep key='S1'><a:naam>Club</a:naam></a:samengestelde_groep>"
	    "</a:groepen><a:leerlingen>"
	    "<a:leerling key='A&amp;B' eckid='E1'><a:achternaam>X</a:achternaam>"
	    "<a:groep key='S1'/><a:jaargroep>17</a:jaargroep></a:leerling>"
	    "<a:leerling key='L2' eckid='E1'><a:roepnaam>Y</a:roepnaam><a:groep key='G1'/>"
	    "<a:samengestelde_groepen><a:samengestelde_groep key='G1'/>"
	    "<a:samengestelde_groep key='S1'/></a:samengestelde_groepen></a:leerling>"
	    "<a:leerling key='L2'><a:voorvoegsel>de</a:voorvoegsel></a:leerling>"
	    "<a:leerling eckid='E3'><a:roepnaam>Z</a:roepnaam></a:leerling>"
	    "<a:leerling><a:roepnaam>Q</a:roepnaam></a:leerling>"
	    "<other:leerling xmlns:other='urn:x' key='NOPE'/>"
	    "</a:leerlingen>" ENV_CLOSE;
	struct uwlr_result *r = NULL;
	char err[256];
	size_t kinds[UWLR_WARN_KIND_MAX] = { 0 };

	(void)state;
	assert_int_equal(parse_str(xml, &r, err, sizeof(err)), TC_OK);
	assert_int_equal(r->n_groups, 5);
	assert_int_equal(r->n_pupils, 5);
	for (size_t i = 0; i < r->n_warnings; i++)
		kinds[r->warnings[i].kind]++;
	assert_int_equal(kinds[UWLR_WARN_DUPLICATE_KEY], 2);	/* G1, L2 */
	assert_int_equal(kinds[UWLR_WARN_DUPLICATE_ECKID], 1);	/* E1 */
	assert_int_equal(kinds[UWLR_WARN_BAD_JAARGROEP], 2);	/* 9, 17 */
	/* G0 naam; L2 (2nd) neither name; last pupil without key and eckid */
	assert_int_equal(kinds[UWLR_WARN_MISSING_FIELD], 3);
	/* S1 as stamgroep, G1 as samengestelde groep */
	assert_int_equal(kinds[UWLR_WARN_UNKNOWN_GROUP_REF], 2);
	assert_int_equal(r->n_errors, 3);
	assert_string_equal(r->pupils[0].key, "A&B");	/* &amp; in an attribute */
	assert_null(r->pupils[0].groep_key);
	assert_string_equal(r->pupils[1].groep_key, "G1");
	assert_int_equal(r->pupils[1].n_sg_keys, 1);
	assert_string_equal(r->pupils[1].sg_keys[0], "S1");
	assert_null(r->pupils[3].key);
	assert_string_equal(r->pupils[3].eckid, "E3");
	assert_int_equal(r->pupils[3].n_warnings, 0);
	uwlr_result_free(r);
}

static void
test_attr_escapes(void **state)
{
	const char *xml = ENV_OPEN "<a:leerlingen>"
	    "<a:leerling key=' &#38;x&amp;#38;&lt;&quot; '><a:roepnaam>&#38;amp;</a:roepnaam></a:leerling>"
	    "</a:leerlingen>" ENV_CLOSE;
	struct uwlr_result *r = NULL;
	char err[256];

	(void)state;
	assert_int_equal(parse_str(xml, &r, err, sizeof(err)), TC_OK);
	assert_string_equal(r->pupils[0].key, "&x&#38;<\"");
	assert_string_equal(r->pupils[0].roepnaam, "&amp;");
	uwlr_result_free(r);
}

static void
test_jaargroep_codes(void **state)
{
	const char *ok[] = { "B", "D", "0", "1", "8", "11", "16", "S", "V", "C", "N", "H" };
	const char *bad[] = { "", "9", "10", "17", "c", " 5", "groep 5" };

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(uwlr_jaargroep_valid(ok[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(uwlr_jaargroep_valid(bad[i]));
	assert_false(uwlr_jaargroep_valid(NULL));
	assert_string_equal(uwlr_answer_name(UWLR_ANSWER_FAULT), "fault");
	assert_string_equal(uwlr_warn_name(UWLR_WARN_BAD_JAARGROEP), "bad_jaargroep");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_po_2023),
		cmocka_unit_test(test_small_po_2024),
		cmocka_unit_test(test_vo_school),
		cmocka_unit_test(test_unicode_edge),
		cmocka_unit_test(test_bare_edexml),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_fault_code_forms),
		cmocka_unit_test(test_empty_answers),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_doctype_chunked),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_not_uwlr),
		cmocka_unit_test(test_chunked_equals_whole),
		cmocka_unit_test(test_record_checks),
		cmocka_unit_test(test_attr_escapes),
		cmocka_unit_test(test_jaargroep_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
