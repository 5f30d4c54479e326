/* api_metrics.c - GET /metrics: Prometheus text, loopback only (nginx). */
#include "api.h"

#include "metrics.h"
#include "response.h"

void
api_metrics(struct request *r)
{
	char *buf = arena_alloc(r->arena, METRICS_OUT_MAX);
	long n;

	if (buf == NULL) {
		response_status(r, TC_INTERNAL);
		return;
	}
	if ((n = metrics_render(r->w->metrics, r->w->kv, r->cfg->worker_claim_idle, buf,
	    METRICS_OUT_MAX)) < 0) {
		log_msg(TC_LOG_ERROR, &r->log, "/metrics: more than %d bytes", METRICS_OUT_MAX);
		response_status(r, TC_INTERNAL);
		return;
	}
	response_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf, (size_t)n);
}
