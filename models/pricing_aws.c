/* Pricing of AWS Lambda on-demand functions (us-east-1 list prices):
 * a fee per request plus memory x billed duration, the duration rounded up to
 * the next millisecond. Since 1 Aug 2025 the INIT phase of on-demand functions
 * is billed as duration, so a cold request bills init + run.
 * Free tier and volume tiers: not applied here (see models/README.md). */
#include <math.h>
#include <stdlib.h>
#include "models.h"

struct aws_prices {
	double requests_usd_per_million;
	double gb_s_usd;
};

/* https://aws.amazon.com/lambda/pricing/ (read 2026-11): $0.20 per 1M requests;
 * $0.0000166667 per GB-s (x86), $0.0000133334 per GB-s (Arm), first tier. */
static const struct aws_prices aws_x86 = { 0.20, 0.0000166667 };
static const struct aws_prices aws_arm64 = { 0.20, 0.0000133334 };

/* Rounds a duration up to whole milliseconds; the 1e-7 ms slack keeps a
 * duration such as 0.12 s (120.00000000000001 ms in binary) at 120 ms. */
static uint64_t ceil_ms(double s)
{
	double ms = ceil(s * 1000.0 - 1e-7);
	return ms > 0 ? (uint64_t)ms : 0;
}

static int aws_parse(const void *data, const json_t *cfg, const char *where, void **out,
		     struct errbuf *err)
{
	static const char *const keys[] = { "name", "requests_usd_per_million", "gb_s_usd", NULL };
	struct aws_prices p = *(const struct aws_prices *)data;
	int rc;
	if (cfg && ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
		    (rc = ju_number(cfg, "requests_usd_per_million", where, JU_OPTIONAL, 0, 1e6,
				    &p.requests_usd_per_million, err)) < 0 ||
		    (rc = ju_number(cfg, "gb_s_usd", where, JU_OPTIONAL, 0, 1e3, &p.gb_s_usd, err)) < 0))
		return rc;
	struct aws_prices *c = malloc(sizeof(*c));
	if (!c)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*c = p;
	*out = c;
	return 0;
}

static void aws_meter(const void *cfg, struct usage *u, uint32_t memory_mb, double init_s,
		      double run_s)
{
	(void)cfg;
	uint64_t ms = ceil_ms(init_s + run_s);
	u->requests++;
	u->billed_ms += ms;
	u->billed_mb_ms += (uint64_t)memory_mb * ms;
}

static void aws_cost(const void *cfg, const struct usage *u, struct cost *out)
{
	const struct aws_prices *p = cfg;
	out->requests_usd = (double)u->requests * p->requests_usd_per_million / 1e6;
	/* AWS bills GB as 1024 MB. */
	out->compute_usd = (double)u->billed_mb_ms / 1024.0 / 1000.0 * p->gb_s_usd;
	out->provisioned_usd = 0;
	out->total_usd = out->requests_usd + out->compute_usd + out->provisioned_usd;
}

const struct pricing_ops pricing_aws_lambda_x86 = {
	.name = "aws-lambda-x86",
	.data = &aws_x86,
	.parse = aws_parse,
	.free_cfg = free,
	.meter = aws_meter,
	.cost = aws_cost,
	.min_memory_mb = 128,
	.max_memory_mb = 10240,
};

const struct pricing_ops pricing_aws_lambda_arm64 = {
	.name = "aws-lambda-arm64",
	.data = &aws_arm64,
	.parse = aws_parse,
	.free_cfg = free,
	.meter = aws_meter,
	.cost = aws_cost,
	.min_memory_mb = 128,
	.max_memory_mb = 10240,
};
