/* api_support.c - the deployment's support contact (tc.conf support.*), for
 * the portal's "Hulp nodig?" footer and for schools without a LAS link. */
#include "api.h"

#include "response.h"

void
api_support(struct request *r)
{
	const struct config *c = r->cfg;

	response_json(r, 200, json_pack("{s:s?, s:s?, s:s?}",
	    "text", c->support_text[0] != '\0' ? c->support_text : NULL,
	    "email", c->support_email[0] != '\0' ? c->support_email : NULL,
	    "phone", c->support_phone[0] != '\0' ? c->support_phone : NULL));
}
