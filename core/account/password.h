/*
 * password.h - Argon2id password hashes (libsodium crypto_pwhash_str).
 */
#ifndef TC_PASSWORD_H
#define TC_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <sodium.h>

#include "status.h"

#define PASSWORD_HASH_MAX	crypto_pwhash_STRBYTES

/* Hashes pw into out (PASSWORD_HASH_MAX bytes).  TC_INVALID for a password
 * outside TC_PASSWORD_MIN..TC_PASSWORD_MAX bytes. */
tc_status	password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);

/* True when pw matches hash.  With hash NULL (unknown user) it verifies
 * against a fixed dummy hash and returns false, taking the same time. */
bool		password_verify(const char *hash, const char *pw);

#endif
