/* laslink.c - registry fields + decrypted key + policy → uwlr_link. */
#include "laslink.h"

#include <sodium.h>
#include <string.h>

#include "secret.h"

tc_status
laslink_load(struct db *db, const struct config *cfg, const struct tenant *t, struct laslink *l)
{
	unsigned char sealed[TC_LAS_KEY_MAX + SECRET_OVERHEAD + 2];
	size_t len;
	tc_status st;

	memset(l, 0, sizeof(*l));
	if (t->las_url[0] == '\0' || !t->has_las_key)
		return TC_NOT_FOUND;
	if ((st = tenant_sealed_key(db, t->id, sealed, sizeof(sealed), &len)) != TC_OK)
		return st;
	if (len == 0)
		return TC_NOT_FOUND;
	if (secret_open(cfg->secret_key, sealed, len, l->key, sizeof(l->key)) != TC_OK)
		return TC_INVALID;
	l->link.url = t->las_url;
	l->link.brincode = t->brin;
	l->link.dependancecode = t->dependancecode;
	l->link.klantcode = t->las_klantcode;
	l->link.klantnaam = t->las_klantnaam;
	l->link.autorisatiesleutel = l->key;
	l->link.xsdversie = t->las_xsd;
	l->link.gegevenssetid = t->las_gegevenssetid[0] != '\0' ? t->las_gegevenssetid : NULL;
	l->link.soapaction_quoted = t->las_soapaction_quoted;
	l->link.cert_file = t->las_client_cert[0] != '\0' ? t->las_client_cert : NULL;
	l->link.key_file = t->las_client_key[0] != '\0' ? t->las_client_key : NULL;
	l->link.ca_file = t->las_ca_file[0] != '\0' ? t->las_ca_file : NULL;
	l->policy.allow_http = cfg->las_allow_http;
	l->policy.allow_private = cfg->las_allow_private;
	l->policy.connect_timeout_ms = (long)cfg->las_connect_timeout * 1000;
	l->policy.timeout_ms = (long)cfg->las_timeout * 1000;
	l->policy.low_speed_bytes = cfg->las_low_speed_bytes;
	l->policy.low_speed_seconds = cfg->las_low_speed_seconds;
	l->policy.max_bytes = (size_t)cfg->las_max_bytes;
	l->policy.retries = UWLR_RETRIES_DEFAULT;
	l->policy.backoff_ms = UWLR_BACKOFF_MS_DEFAULT;
	return TC_OK;
}

void
laslink_clear(struct laslink *l)
{
	sodium_memzero(l->key, sizeof(l->key));
}
