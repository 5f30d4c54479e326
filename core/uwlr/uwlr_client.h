/*
 * uwlr_client.h - the UWLR client: builds the SOAP request with libxml2's
 * writer, posts it to the school's LAS with libcurl and feeds the response
 * body to the streaming parser of uwlr.h as it arrives.
 *
 * This is the one module that owns libcurl for UWLR: protocols limited to
 * https (and http only when the deployment allows it), no redirects, no
 * proxies, TLS verified, addresses checked before connecting, body capped,
 * timeouts always set.  The autorisatiesleutel is never logged.
 */
#ifndef TC_UWLR_CLIENT_H
#define TC_UWLR_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "uwlr.h"

struct log_ctx;

/* The UWLR operation.  Only the full pull exists today; getrapte overdracht
 * (HaalStructuur, HaalLeerlingen, HaalLeerkrachten) slots in here later. */
enum uwlr_operation {
	UWLR_OP_LEERLINGGEGEVENS = 0,	/* leerlinggegevens_verzoek, HaalLeerlinggegevens */
	UWLR_OP_MAX
};

/* One school's LAS link (tenant configuration).  Strings are borrowed. */
struct uwlr_link {
	const char	*url;			/* https://… (http:// only with allow_http) */
	const char	*brincode;		/* e.g. "99XP" (required) */
	const char	*dependancecode;	/* 2 digits; NULL or "" means "00" */
	const char	*klantcode;		/* ours, issued by the LAS vendor */
	const char	*klantnaam;
	const char	*autorisatiesleutel;	/* secret, per school */
	const char	*xsdversie;		/* "2.2" or "2.3"; NULL means "2.3" */
	const char	*gegevenssetid;		/* optional, e.g. "Smalle-set-VO" */
	bool		 soapaction_quoted;	/* SOAPAction: "HaalLeerlinggegevens" */
	const char	*cert_file;		/* optional client certificate (PEM or .p12) */
	const char	*key_file;		/* optional client key (PEM) */
	const char	*ca_file;		/* optional CA bundle instead of the system's */
};

/* Deployment-wide policy.  Zero values mean the defaults below. */
struct uwlr_policy {
	bool		 allow_http;		/* permit http:// links (tests, demo) */
	bool		 allow_private;		/* permit loopback/private/link-local peers */
	long		 connect_timeout_ms;	/* default 10 000 */
	long		 timeout_ms;		/* whole transfer; default 600 000 */
	/* A LAS that sends less than low_speed_bytes a second for
	 * low_speed_seconds is cut off (UWLR_ERR_STALLED, not retried). */
	long		 low_speed_bytes;	/* default 1000 */
	long		 low_speed_seconds;	/* default 45 */
	size_t		 max_bytes;		/* default UWLR_MAX_BYTES_DEFAULT */
	int		 retries;		/* extra attempts; default 2, -1 for none */
	long		 backoff_ms;		/* first back-off, doubled each time; default 1000 */
	const struct log_ctx *log;		/* request/job id and school for log lines */
};

#define UWLR_CONNECT_TIMEOUT_MS_DEFAULT	10000L
#define UWLR_TIMEOUT_MS_DEFAULT		600000L
#define UWLR_LOW_SPEED_BYTES_DEFAULT	1000L
#define UWLR_LOW_SPEED_SECONDS_DEFAULT	45L
#define UWLR_RETRIES_DEFAULT		2
#define UWLR_BACKOFF_MS_DEFAULT		1000L

/* What one fetch asks for. */
struct uwlr_request {
	enum uwlr_operation	 op;
	const char		*schooljaar;	/* "2024-2025" (required) */
	const char		*since;		/* laatstontvangengegevens, xs:dateTime, or NULL */
	/* Called from the transfer with the body bytes received so far. */
	void			(*progress)(void *arg, size_t bytes);
	void			*progress_arg;
};

enum uwlr_error_kind {
	UWLR_ERR_NONE = 0,
	UWLR_ERR_CONFIG,		/* bad link or request field: nothing sent */
	UWLR_ERR_REFUSED_ADDRESS,	/* the LAS resolved to a forbidden address */
	UWLR_ERR_CONNECT,		/* DNS or TCP connect failed */
	UWLR_ERR_TIMEOUT,		/* connect or transfer timed out */
	UWLR_ERR_STALLED,		/* below the low-speed limit: cut off */
	UWLR_ERR_TLS,			/* certificate or handshake failure */
	UWLR_ERR_TRANSPORT,		/* any other transfer failure */
	UWLR_ERR_HTTP,			/* non-2xx status without a SOAP fault */
	UWLR_ERR_FAULT,			/* SOAP fault: fault_code + message from the LAS */
	UWLR_ERR_PARSE,			/* 2xx but not a UWLR answer */
	UWLR_ERR_TOO_LARGE,		/* body over max_bytes */
	UWLR_ERR_MISMATCH,		/* data for another school year or school */
	UWLR_ERR_INTERNAL,		/* out of memory, library failure */
	UWLR_ERR_KIND_MAX
};

struct uwlr_error {
	enum uwlr_error_kind	 kind;
	long			 http_status;	/* 0 when no response */
	bool			 retryable;	/* the last failure was of a retryable kind */
	int			 attempts;	/* attempts made */
	char			 fault_code[128];	/* local part, e.g. Client.AutorisatieOngeldig */
	/* For UWLR_ERR_FAULT the LAS's faultstring ("De LAS meldt: …"),
	 * otherwise an English one-line reason.  Never contains the key. */
	char			 message[512];
};

/* Once per process, before any thread fetches: curl and libxml2 globals. */
tc_status	 uwlr_client_init(void);
void		 uwlr_client_cleanup(void);

/* Builds the SOAP request of req for link with xmlTextWriter.  On TC_OK *xml
 * is a NUL-terminated malloc'ed string of *len bytes that the caller frees
 * with free().  TC_INVALID (with err->kind UWLR_ERR_CONFIG and a message
 * naming the field) when a field is missing or malformed. */
tc_status	 uwlr_request_build(const struct uwlr_link *, const struct uwlr_request *,
		    char **xml, size_t *len, struct uwlr_error *err);

/* The SOAPAction header value for op ("HaalLeerlinggegevens"). */
const char	*uwlr_soapaction(enum uwlr_operation);

/* Fetches req from the LAS of link.  On TC_OK *out is the parsed answer
 * (data, geenwijzigingen or geengegevens; the caller frees it with
 * uwlr_result_free()).  On failure *out is NULL and err says why:
 * TC_INVALID (config, parse, mismatch, non-retryable fault or HTTP status),
 * TC_FORBIDDEN (refused address), TC_UNAVAILABLE (connect, timeout, stalled,
 * TLS, 5xx, Server.* fault after the retries), TC_TOO_LARGE, TC_INTERNAL.
 * A stalled LAS is not tried again within the call: the caller's own retry
 * policy decides (with its back-off, and without holding a LAS slot). */
tc_status	 uwlr_fetch_request(const struct uwlr_link *, const struct uwlr_policy *,
		    const struct uwlr_request *, struct uwlr_result **out,
		    struct uwlr_error *err);

/* The full pull (HaalLeerlinggegevens) for schooljaar; since may be NULL. */
tc_status	 uwlr_fetch(const struct uwlr_link *, const struct uwlr_policy *,
		    const char *schooljaar, const char *since,
		    struct uwlr_result **out, struct uwlr_error *err);

/* True for an IPv4/IPv6 socket address that is loopback, private, link-local,
 * unique-local, CGNAT, multicast or unspecified. */
struct sockaddr;
bool		 uwlr_addr_is_private(const struct sockaddr *, size_t len);

/* Static lower-case name of an error kind ("timeout", "fault", ...). */
const char	*uwlr_error_kind_name(enum uwlr_error_kind);

#endif
