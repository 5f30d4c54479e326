/* password.c - Argon2id through libsodium. */
#include "password.h"

#include <string.h>

#include "limits.h"

tc_status
password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	size_t len = strlen(pw);

	if (len < TC_PASSWORD_MIN || len > TC_PASSWORD_MAX)
		return TC_INVALID;
	if (crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return TC_INTERNAL;	/* out of memory */
	return TC_OK;
}

/* A hash of a random password with the same parameters as password_hash():
 * verifying against it costs what a real verification costs. */
static const char dummy_hash[PASSWORD_HASH_MAX] =
    "$argon2id$v=19$m=65536,t=2,p=1$"
    "wFUDpp1AAvStIYhLv9B6yg$"
    "3rnOl8LgHmZXMVJISquajGYQxRRmJhifokI8fDmSTmI";

bool
password_verify(const char *hash, const char *pw)
{
	size_t len = strlen(pw);

	if (len > TC_PASSWORD_MAX)
		len = TC_PASSWORD_MAX;
	if (hash == NULL || hash[0] == '\0') {
		/* same work as a real verification, result ignored */
		if (crypto_pwhash_str_verify(dummy_hash, pw, len) == 0)
			return false;
		return false;
	}
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}
