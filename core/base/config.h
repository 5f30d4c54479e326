/*
 * config.h - the deployment configuration: tc.conf plus TC_* overrides.
 *
 * Loaded and validated once at start (config_load), read-only afterwards;
 * the only global state of a Testcentrum process.  docs/configuration.md
 * lists every key; `tc-fcgi --check-config` runs just the loader.
 */
#ifndef TC_CONFIG_H
#define TC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "limits.h"
#include "status.h"

struct config {
	/* MariaDB: a unix socket, or host and port. */
	char	db_socket[TC_PATH_MAX];
	char	db_host[TC_HOST_MAX + 1];
	int	db_port;
	char	db_name[64];
	char	db_user[64];
	char	db_password[TC_CONFIG_VALUE_MAX];

	/* Redis: a unix socket, or host and port. */
	char	redis_socket[TC_PATH_MAX];
	char	redis_host[TC_HOST_MAX + 1];
	int	redis_port;

	/* Who connects (issue 19): Redis ACL user and password (AUTH after
	 * every connect), MariaDB over TLS with the server's certificate
	 * verified against db_tls_ca (empty: the system's CAs) and an optional
	 * client certificate. */
	char	redis_user[64];
	char	redis_password[TC_CONFIG_VALUE_MAX];
	bool	db_tls;
	char	db_tls_ca[TC_PATH_MAX];
	char	db_tls_cert[TC_PATH_MAX];
	char	db_tls_key[TC_PATH_MAX];
	char	fcgi_socket_group[64];	/* group of tc-fcgi's unix socket (0660) */
	bool	smtp_require_tls;	/* smtp://: STARTTLS or no mail */

	/* The cluster (docs/scaling.md): Sentinels that name the Redis master
	 * ("host:port,host:port,..."; empty: redis.socket or host/port is the
	 * master), how long a command looks for a master, the replicas that
	 * must hold a write that may not be lost, and how long MariaDB calls
	 * wait for a node (through HAProxy) when the one they had is gone. */
	char	redis_sentinels[TC_CONFIG_VALUE_MAX];
	char	redis_master_name[64];
	int	redis_failover_seconds;
	int	redis_wait_replicas;
	int	redis_wait_ms;
	int	db_failover_seconds;

	/* E-mail. */
	char	smtp_url[TC_CONFIG_VALUE_MAX];
	char	smtp_from[TC_CONFIG_VALUE_MAX];
	char	smtp_user[128];
	char	smtp_password[TC_CONFIG_VALUE_MAX];
	char	smtp_ca_file[TC_PATH_MAX];	/* CA of the relay; empty: the system's */
	int	smtp_timeout;		/* seconds for one message */
	/* Stalled peers (issue 14): connect timeout and low-speed limit of a
	 * relay, and the low-speed limit of every LAS call. */
	int	smtp_connect_timeout;	/* seconds */
	long	smtp_low_speed_bytes;	/* bytes per second ... */
	int	smtp_low_speed_seconds;	/* ... for this long: cut off */
	long	las_low_speed_bytes;
	int	las_low_speed_seconds;

	/* tc-fcgi. */
	char	fcgi_listen[TC_PATH_MAX];
	int	fcgi_threads;
	int	fcgi_answer_cache;	/* seconds a list answer is kept; 0: off */

	/* Links in e-mails: scheme://<school host>[:port]/ */
	char	public_scheme[8];
	int	public_port;

	/* 32-byte key that encrypts the schools' UWLR keys at rest. */
	char	secret_key_file[TC_PATH_MAX];
	unsigned char secret_key[32];

	/* Which LAS addresses may be called. */
	bool	las_allow_http;
	bool	las_allow_private;
	int	las_connect_timeout;	/* seconds */
	int	las_timeout;		/* seconds, whole transfer */
	long	las_max_bytes;

	int	log_level;		/* enum log_level */
	long	body_max;		/* bytes of a JSON request body */

	int	session_idle;		/* seconds */
	int	session_absolute;	/* seconds */
	bool	session_secure_cookie;

	int	login_max_failures;	/* per account and per address ... */
	int	login_window;		/* ... within this many seconds */
	int	login_max_failures_addr;	/* per client address (a school's NAT: higher) */

	bool	clock_settable;		/* tcctl clock set: demo and tests only */
	int	import_ttl_days;	/* staged import data in Redis */

	/* tc-worker. */
	int	worker_threads;		/* jobs run at once per process */
	int	worker_claim_idle;	/* seconds before a dead worker's job is taken over */
	int	worker_max_attempts;	/* tries before a job is parked as dead */
	int	worker_retry_seconds;	/* first back-off, doubled per try */
	int	las_host_concurrency;	/* fetches at once per LAS host, all workers */
	int	reminder_hour;		/* local hour of the daily reminders */
	int	activation_month;	/* first day of automatic activation ... */
	int	activation_day;		/* ... (default 2 October) */
	bool	sync_enabled;		/* the nightly scan runs at all */
	int	sync_hour;		/* local hour of the nightly LAS sync */
	int	sync_max_share;		/* percent of the pupils a sync may change unasked */

	/* The deployment's support contact, shown by the portal (GET /api/support). */
	char	support_text[TC_CONFIG_VALUE_MAX];	/* e.g. "Onze klantenservice helpt u." */
	char	support_email[256];
	char	support_phone[32];
};

/* Fills cfg with the defaults of docs/configuration.md. */
void		config_defaults(struct config *cfg);

/*
 * Reads path (NULL: defaults only), then applies TC_* environment overrides,
 * then validates and loads the secret key.  On failure writes
 * "file:line: message" into err and returns TC_INVALID.
 */
tc_status	config_load(struct config *cfg, const char *path, char *err, size_t errlen);

/* Sets one key (as in tc.conf) to value.  For the loader and the tests. */
tc_status	config_set(struct config *cfg, const char *key, const char *value,
		    char *err, size_t errlen);

#endif
