/*
 * secret.h - the schools' UWLR keys at rest: libsodium secretbox under the
 * deployment's secret key (secret.key_file).  Sealed form: nonce || box.
 */
#ifndef TC_SECRET_H
#define TC_SECRET_H

#include <stddef.h>
#include <sodium.h>

#include "status.h"

#define SECRET_OVERHEAD	(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)

/* Seals plain (len bytes) into out (len + SECRET_OVERHEAD bytes, outsize). */
tc_status	secret_seal(const unsigned char key[32], const char *plain, size_t len,
		    unsigned char *out, size_t outsize, size_t *outlen);

/* Opens sealed into out (NUL-terminated, outsize bytes).  TC_INVALID when the
 * box was not sealed under key or was changed. */
tc_status	secret_open(const unsigned char key[32], const unsigned char *sealed,
		    size_t len, char *out, size_t outsize);

#endif
