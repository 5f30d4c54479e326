/*
 * api.h - the handlers of the JSON API, one file per resource.
 * Each handler sees a request whose school, session, role, CSRF token and
 * JSON body the dispatcher has already checked.
 */
#ifndef TC_API_H
#define TC_API_H

#include "request.h"
#include "user.h"

/* api_health.c */
void	api_healthz(struct request *);
void	api_readyz(struct request *);

/* api_session.c */
void	api_session_create(struct request *);
void	api_session_delete(struct request *);
void	api_me(struct request *);

/* Helpers shared by the handlers (api_session.c). */

/* {"id":..,"email":..,"name":..,"role":..} of the session's user, or NULL. */
json_t	*api_user_json(const struct user *);

/* Rejects a body with members other than the allowed (NULL-terminated) ones:
 * sends 400 unknown_field and returns false. */
bool	api_body_only(struct request *, const char *const *allowed);

#endif
