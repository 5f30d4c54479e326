/*
 * user.h - the people who log in: a school's administrators and teachers.
 */
#ifndef TC_USER_H
#define TC_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "limits.h"
#include "password.h"
#include "status.h"

struct user {
	uint64_t	id;
	uint64_t	tenant_id;
	char		email[TC_EMAIL_MAX + 1];
	char		name[TC_NAME_MAX + 1];
	char		role[16];			/* "admin" or "teacher" */
	bool		active;
	char		password_hash[PASSWORD_HASH_MAX];	/* "" when none set */
};

/* True for a plausible e-mail address (one @, no spaces, a dot after it). */
bool		user_email_valid(const char *email);

/* True for "admin" and "teacher". */
bool		user_role_valid(const char *role);

/* Adds a user; hash may be NULL (teachers from the LAS get a reset link).
 * TC_CONFLICT when the e-mail is taken at this school. */
tc_status	user_add(struct db *, uint64_t tenant_id, const char *email, const char *name,
		    const char *role, const char *hash, uint64_t *id);

/*
 * The address as user_find_by_email compares it (issue 19): a SHA-256 (64 hex
 * characters, size at least 65) of its collation weights, so that case,
 * accents and trailing spaces give the same text.  For rate-limit counters.
 */
#define USER_EMAIL_FOLD_SIZE	65
tc_status	user_email_fold(struct db *, const char *email, char *out, size_t size);

tc_status	user_find_by_email(struct db *, uint64_t tenant_id, const char *email,
		    struct user *out);
tc_status	user_get(struct db *, uint64_t tenant_id, uint64_t id, struct user *out);

/* Calls fn for each user of the school, ordered by e-mail. */
tc_status	user_list(struct db *, uint64_t tenant_id,
		    tc_status (*fn)(void *arg, const struct user *), void *arg);

tc_status	user_set_active(struct db *, uint64_t tenant_id, uint64_t id, bool active);
tc_status	user_set_password(struct db *, uint64_t tenant_id, uint64_t id, const char *hash);

#endif
