/* Keep-alive "none": every instance is released as soon as it is idle, so
 * every request is a cold start (the lower bound on idle memory). */
#include <stdlib.h>
#include "models/keepalive.h"

static double none_on_idle(const void *cfg, void *state, double now_s)
{
	(void)cfg;
	(void)state;
	(void)now_s;
	return 0;
}

const struct keepalive_ops keepalive_none = {
	.name = "none",
	.parse = keepalive_parse_no_options,
	.free_cfg = free,
	.on_idle = none_on_idle,
};
