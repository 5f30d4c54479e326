/* secret.c - crypto_secretbox_easy with a random nonce in front. */
#include "secret.h"

#include <string.h>

tc_status
secret_seal(const unsigned char key[32], const char *plain, size_t len, unsigned char *out,
    size_t outsize, size_t *outlen)
{
	if (outsize < len + SECRET_OVERHEAD)
		return TC_TOO_LARGE;
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain,
	    len, out, key);
	*outlen = len + SECRET_OVERHEAD;
	return TC_OK;
}

tc_status
secret_open(const unsigned char key[32], const unsigned char *sealed, size_t len, char *out,
    size_t outsize)
{
	size_t plen;

	if (len < SECRET_OVERHEAD)
		return TC_INVALID;
	plen = len - SECRET_OVERHEAD;
	if (plen + 1 > outsize)
		return TC_TOO_LARGE;
	if (crypto_secretbox_open_easy((unsigned char *)out, sealed + crypto_secretbox_NONCEBYTES,
	    len - crypto_secretbox_NONCEBYTES, sealed, key) != 0)
		return TC_INVALID;
	out[plen] = '\0';
	return TC_OK;
}
