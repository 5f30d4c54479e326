/*
 * limits.h - every maximum of Testcentrum in one place.  Growing past one of
 * these is an "invalid" or a 413, never a crash.
 */
#ifndef TC_LIMITS_H
#define TC_LIMITS_H

#define TC_CONFIG_LINE_MAX	1024	/* one line of tc.conf */
#define TC_CONFIG_VALUE_MAX	512	/* one value of tc.conf */
#define TC_PATH_MAX		512	/* file and socket paths */
#define TC_HOST_MAX		253	/* a DNS name (RFC 1035) */
#define TC_SLUG_MAX		40	/* a school's slug */
#define TC_NAME_MAX		200	/* names of schools, pupils, groups */
#define TC_EMAIL_MAX		254	/* an e-mail address (RFC 5321) */
#define TC_PASSWORD_MIN		10	/* shortest password accepted */
#define TC_PASSWORD_MAX		1024	/* longest password accepted */
#define TC_TOKEN_HEX		64	/* session and CSRF tokens: 32 random bytes */
#define TC_REQID_MAX		32	/* request id */
#define TC_KEY_MAX		300	/* one Redis key */
#define TC_LOG_LINE_MAX		4096	/* one log line */
#define TC_BODY_MAX_DEFAULT	(1024 * 1024)	/* JSON request body */
#define TC_QUERY_MAX		4096	/* query string */
#define TC_COOKIE_MAX		4096	/* Cookie header */
#define TC_PARAMS_MAX		32	/* query parameters per request */
#define TC_ROUTE_ARGS_MAX	4	/* {id} parts of a route */
#define TC_BULK_IDS_MAX		10000	/* ids in one bulk call */
#define TC_LAS_KEY_MAX		1024	/* a school's UWLR autorisatiesleutel */
#define TC_THREADS_MAX		256	/* tc-fcgi threads per process */
#define TC_STMT_CACHE_MAX	256	/* prepared statements per connection */
#define TC_SQL_PARAMS_MAX	32	/* bound parameters per statement */
#define TC_ACHTERNAAM_MAX	200	/* a pupil's surname (bytes) */
#define TC_ROEPNAAM_MAX		100	/* a pupil's first name (bytes) */
#define TC_VOORVOEGSEL_MAX	20	/* "van der" (bytes) */
#define TC_GROUP_NAME_MAX	200	/* a group's name (bytes) */
#define TC_SEARCH_MAX		100	/* the q= search text of a list (bytes) */
#define TC_LIST_LIMIT_MAX	200	/* rows of one page of a list */
#define TC_LIST_LIMIT_DEFAULT	50	/* rows of a page when limit= is not given */
#define TC_TEST_LEVEL_MAX	8	/* a test administration's level ("1F", "IV") */

#endif
