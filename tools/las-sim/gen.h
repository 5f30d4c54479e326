/*
 * gen.h - las-sim's deterministic school generator.
 *
 * A school is a seed plus sizes; every pupil's and teacher's attributes are
 * hashed from (seed, key), so any school year can be produced on its own:
 * year first_year is generated directly and each later year applies one
 * transition (top jaargroep leaves, newcomers in the lowest, everyone else
 * up one but one pupil who stays back, one teacher leaves and one comes).
 * Output goes through an xmlTextWriter, so 100 000 pupils stream.
 */
#ifndef LASSIM_GEN_H
#define LASSIM_GEN_H

#include <libxml/xmlwriter.h>
#include <stddef.h>
#include <stdint.h>

enum gen_style {
	GEN_STYLE_LE = 0,	/* SOAP-ENV: envelope, le: payload */
	GEN_STYLE_DEFAULT,	/* s: envelope, default namespace payload */
	GEN_STYLE_NS2		/* soap: envelope, ns2: payload */
};

struct gen_params {
	uint64_t	seed;
	unsigned	pupils;
	unsigned	groups;		/* stamgroepen; fewer than jaargroepen: combination groups */
	unsigned	teachers;
	int		sg;		/* samengestelde groepen; -1: max(2, groups / 4) */
	int		vo;		/* sector vo (1) or po (0) */
	char		xsdversie[4];	/* "2.3" or "2.2" (2.2 adds geboortedatum) */
	int		first_year;	/* start year of the first school year, e.g. 2025 */
	enum gen_style	style;
};

/* Parses "seed=7 pupils=300 groups=12 teachers=15 sector=po
 * first_year=2025-2026 [xsdversie=2.3] [sg=N] [style=le|default|ns2]".
 * Returns 0, or -1 with a message in err. */
int	gen_parse(const char *spec, struct gen_params *, char *err, size_t errlen);

/* Parses "2025-2026" into 2025; -1 when malformed. */
int	gen_year_parse(const char *schooljaar);

/* Writes a whole leerlinggegevens_antwoord SOAP document for the school year
 * starting in year to w (ends the document, does not free w).  A year before
 * first_year gets a geengegevens answer.  Returns 0, -1 on a writer or
 * memory failure. */
int	gen_write(const struct gen_params *, int year, const char *brin, const char *dep,
	    xmlTextWriterPtr w);

#endif
