/*
 * uwlr.h - the UWLR / EDEXML response parser.  Pure: no network, no logging.
 *
 * Parses a UWLR leerlinggegevens_antwoord SOAP 1.1 response (or a SOAP fault,
 * or a bare EDEXML 2.1 file without envelope) into plain C records.  The
 * parser is incremental (libxml2 SAX2 push parser): feed it the body chunk by
 * chunk as it arrives (e.g. from curl's write callback); the parser's own
 * memory is flat in document size, only the records grow.
 *
 * Elements are matched on (namespace URI, local name), any prefix or none,
 * in any order; unknown elements are skipped with their subtree.  Empty,
 * self-closing and whitespace-only elements mean "absent" (NULL).  Values are
 * trimmed of XML whitespace (space, tab, CR, LF); every other byte is kept
 * exactly (UTF-8, no Unicode normalisation: NFC and NFD stay distinct).
 *
 * Security: XML_PARSE_NONET, entities never substituted, no DTD loading; a
 * document with a DOCTYPE is refused outright; the input is capped at
 * max_bytes.
 */
#ifndef TC_UWLR_H
#define TC_UWLR_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* Namespaces of UWLR (SPEC.md section 2). */
#define UWLR_NS_SOAP	"http://schemas.xmlsoap.org/soap/envelope/"
#define UWLR_NS_AUT	"http://www.edustandaard.nl/leerresultaten/2/autorisatie"
#define UWLR_NS_LL	"http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"

/* Default cap of a response body: 200 MiB (100 000 pupils is about 50 MB). */
#define UWLR_MAX_BYTES_DEFAULT	((size_t)200 * 1024 * 1024)
/* Hard ceiling of any cap (string offsets are 32 bits). */
#define UWLR_MAX_BYTES_CEILING	((size_t)1024 * 1024 * 1024)
/* Longest single text value kept (a longer one fails the parse). */
#define UWLR_FIELD_MAX		(64 * 1024)

enum uwlr_answer {
	UWLR_ANSWER_NONE = 0,		/* nothing recognised (never returned on TC_OK) */
	UWLR_ANSWER_DATA,		/* leerlinggegevens: school, groups, pupils, teachers */
	UWLR_ANSWER_GEENWIJZIGINGEN,	/* nothing changed since laatstontvangengegevens */
	UWLR_ANSWER_GEENGEGEVENS,	/* the LAS has no data for this request */
	UWLR_ANSWER_FAULT		/* SOAP fault: see uwlr_result.fault */
};

/* Every string below is NULL when absent, else non-empty, trimmed UTF-8. */
struct uwlr_school {
	const char	*schooljaar;
	const char	*brincode;
	const char	*dependancecode;
	const char	*schoolkey;
	const char	*xsdversie;
	const char	*aanmaakdatum;
	const char	*peildatum;
};

/* A groep (stamgroep) or a samengestelde_groep (is_samengesteld). */
struct uwlr_group {
	const char	*key;
	const char	*naam;
	const char	*jaargroep;	/* always NULL for a samengestelde groep */
	const char	*omschrijving;
	bool		 is_samengesteld;
	size_t		 first_warning;	/* index into uwlr_result.warnings */
	size_t		 n_warnings;
};

struct uwlr_pupil {
	const char	*key;
	const char	*eckid;
	const char	*achternaam;
	const char	*voorvoegsel;
	const char	*roepnaam;
	const char	*voornamen;
	const char	*geboortedatum;	/* only when the LAS sends it (2.2) */
	const char	*jaargroep;
	const char	*groep_key;	/* stamgroep; NULL if none or dangling */
	const char *const *sg_keys;	/* samengestelde groepen (existing ones) */
	size_t		 n_sg_keys;
	size_t		 first_warning;
	size_t		 n_warnings;
};

struct uwlr_teacher {
	const char	*key;
	const char	*eckid;
	const char	*achternaam;
	const char	*voorvoegsel;
	const char	*roepnaam;
	const char	*emailadres;
	const char *const *groep_keys;	/* stamgroepen (existing ones) */
	size_t		 n_groep_keys;
	const char *const *sg_keys;	/* samengestelde groepen (existing ones) */
	size_t		 n_sg_keys;
	size_t		 first_warning;
	size_t		 n_warnings;
};

enum uwlr_record_kind {
	UWLR_REC_SCHOOL = 0,
	UWLR_REC_GROUP,
	UWLR_REC_PUPIL,
	UWLR_REC_TEACHER
};

enum uwlr_warn_kind {
	UWLR_WARN_UNKNOWN_GROUP_REF = 0,	/* ref dropped; detail = the key */
	UWLR_WARN_DUPLICATE_KEY,		/* error: EDEXML forbids it */
	UWLR_WARN_DUPLICATE_ECKID,		/* error: EDEXML forbids it */
	UWLR_WARN_MISSING_FIELD,		/* detail = the field name */
	UWLR_WARN_BAD_JAARGROEP,		/* detail = the value */
	UWLR_WARN_KIND_MAX
};

struct uwlr_warning {
	enum uwlr_warn_kind	 kind;
	enum uwlr_record_kind	 record;
	size_t			 index;		/* in groups/pupils/teachers */
	const char		*record_key;	/* key (or eckid) of the record, may be NULL */
	const char		*detail;	/* may be NULL */
	bool			 is_error;	/* the data set should not be imported */
};

struct uwlr_fault {
	const char	*code;		/* local part: after the last ':', "soap." stripped */
	const char	*raw_code;	/* faultcode as sent */
	const char	*faultstring;	/* the LAS's own (untrusted) message */
	bool		 retryable;	/* code is Server or Server.* */
};

struct uwlr_result {
	enum uwlr_answer	 answer;
	bool			 bare_edexml;	/* no SOAP envelope around the payload */
	size_t			 bytes;		/* document size */
	struct uwlr_school	 school;
	struct uwlr_group	*groups;
	size_t			 n_groups;
	struct uwlr_pupil	*pupils;
	size_t			 n_pupils;
	struct uwlr_teacher	*teachers;
	size_t			 n_teachers;
	struct uwlr_warning	*warnings;
	size_t			 n_warnings;
	size_t			 n_errors;	/* warnings with is_error */
	struct uwlr_fault	 fault;		/* when answer == UWLR_ANSWER_FAULT */
	/* private: the string pool and the ref vector every pointer points into */
	char			*pool_;
	const char		**refv_;
};

struct uwlr_parser;

/* Returns a new parser that accepts at most max_bytes of input (0 means
 * UWLR_MAX_BYTES_DEFAULT; capped at UWLR_MAX_BYTES_CEILING), or NULL when out
 * of memory.  The caller frees it with uwlr_parser_free(). */
struct uwlr_parser	*uwlr_parser_new(size_t max_bytes);

/* Feeds the next len bytes of the document (buf is not kept).  Returns TC_OK,
 * TC_TOO_LARGE past the cap, TC_INVALID on malformed XML or a DOCTYPE,
 * TC_INTERNAL when out of memory.  After a failure every later call fails
 * the same way; uwlr_parser_finish() gives the message. */
tc_status		 uwlr_parser_feed(struct uwlr_parser *, const char *buf, size_t len);

/* Ends the document.  On TC_OK *out is a new result that the caller frees
 * with uwlr_result_free(); on failure *out is NULL and err (if not NULL)
 * holds a one-line English message without document content beyond the
 * parser's own error text.  The parser itself still has to be freed. */
tc_status		 uwlr_parser_finish(struct uwlr_parser *, struct uwlr_result **out,
			    char *err, size_t errlen);

/* Frees the parser (NULL is fine). */
void			 uwlr_parser_free(struct uwlr_parser *);

/* Parses a whole document from memory: new + feed + finish + free. */
tc_status		 uwlr_parse_buffer(const char *buf, size_t len, size_t max_bytes,
			    struct uwlr_result **out, char *err, size_t errlen);

/* Frees a result and every string in it (NULL is fine). */
void			 uwlr_result_free(struct uwlr_result *);

/* True when the result's school matches what was asked: same schooljaar,
 * brincode (if asked) and dependancecode (absent counts as "00"). */
bool			 uwlr_result_matches(const struct uwlr_result *, const char *schooljaar,
			    const char *brincode, const char *dependancecode);

/* True when s (trimmed) is a code of the EDEXML jaargroep list. */
bool			 uwlr_jaargroep_valid(const char *s);

/* Static English names of the enums, for logs and tests. */
const char		*uwlr_answer_name(enum uwlr_answer);
const char		*uwlr_warn_name(enum uwlr_warn_kind);

#endif
