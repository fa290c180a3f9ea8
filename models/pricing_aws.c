/* Pricing of AWS Lambda on-demand functions (us-east-1 list prices):
 * a fee per request plus memory x billed duration, the duration rounded up to
 * the next millisecond. Since 1 Aug 2025 the INIT phase of on-demand functions
 * is billed as duration, so a cold request bills init + run.
 * Provisioned concurrency: memory x provisioned time (each period at one
 * level rounded up to whole 5-minute blocks) at its own rate, and the
 * duration of requests served by provisioned instances at a discounted rate
 * (their INIT happened when provisioning, so only run time is billed).
 * Free tier and volume tiers: not applied here (see models/README.md). */
#include <math.h>
#include <stdlib.h>
#include "models.h"

struct aws_prices {
	double requests_usd_per_million;
	double gb_s_usd;
	double provisioned_gb_s_usd;           /* provisioned concurrency, per GB-s provisioned */
	double provisioned_duration_gb_s_usd;  /* duration on provisioned instances */
};

/* https://aws.amazon.com/lambda/pricing/ (read 2026-11): $0.20 per 1M requests;
 * $0.0000166667 per GB-s (x86), $0.0000133334 per GB-s (Arm), first tier;
 * provisioned concurrency (us-east-1) $0.0000041667 per GB-s and duration
 * $0.0000097222 per GB-s (x86), $0.0000033334 and $0.0000077778 (Arm). */
static const struct aws_prices aws_x86 = { 0.20, 0.0000166667, 0.0000041667, 0.0000097222 };
static const struct aws_prices aws_arm64 = { 0.20, 0.0000133334, 0.0000033334, 0.0000077778 };

/* Provisioned time is billed "from the time you enable it ... rounded up to
 * the nearest 5 minutes". */
#define AWS_PROVISIONED_BLOCK_S 300.0

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
	static const char *const keys[] = { "name", "requests_usd_per_million", "gb_s_usd",
					    "provisioned_gb_s_usd", "provisioned_duration_gb_s_usd", NULL };
	struct aws_prices p = *(const struct aws_prices *)data;
	int rc;
	if (cfg && ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
		    (rc = ju_number(cfg, "requests_usd_per_million", where, JU_OPTIONAL, 0, 1e6,
				    &p.requests_usd_per_million, err)) < 0 ||
		    (rc = ju_number(cfg, "gb_s_usd", where, JU_OPTIONAL, 0, 1e3, &p.gb_s_usd, err)) < 0 ||
		    (rc = ju_number(cfg, "provisioned_gb_s_usd", where, JU_OPTIONAL, 0, 1e3,
				    &p.provisioned_gb_s_usd, err)) < 0 ||
		    (rc = ju_number(cfg, "provisioned_duration_gb_s_usd", where, JU_OPTIONAL, 0, 1e3,
				    &p.provisioned_duration_gb_s_usd, err)) < 0))
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

static void aws_meter_provisioned(const void *cfg, struct usage *u, uint32_t memory_mb,
				  double init_s, double run_s)
{
	(void)cfg;
	(void)init_s;   /* a provisioned instance never initialises for a request */
	uint64_t ms = ceil_ms(run_s);
	u->requests++;
	u->provisioned_billed_mb_ms += (uint64_t)memory_mb * ms;
}

static void aws_meter_provisioned_time(const void *cfg, struct usage *u, uint32_t memory_mb,
				       uint32_t instances, double seconds)
{
	(void)cfg;
	/* The slack keeps an exact 3600 s at 12 blocks. */
	double blocks = ceil(seconds / AWS_PROVISIONED_BLOCK_S - 1e-9);
	if (blocks < 1)
		blocks = 1;
	u->provisioned_mb_ms += (uint64_t)instances * memory_mb * (uint64_t)blocks *
				(uint64_t)(AWS_PROVISIONED_BLOCK_S * 1000);
}

static void aws_cost(const void *cfg, const struct usage *u, struct cost *out)
{
	const struct aws_prices *p = cfg;
	out->requests_usd = (double)u->requests * p->requests_usd_per_million / 1e6;
	/* AWS bills GB as 1024 MB. */
	out->compute_usd = (double)u->billed_mb_ms / 1024.0 / 1000.0 * p->gb_s_usd;
	out->provisioned_usd = (double)u->provisioned_mb_ms / 1024.0 / 1000.0 * p->provisioned_gb_s_usd +
			       (double)u->provisioned_billed_mb_ms / 1024.0 / 1000.0 *
			       p->provisioned_duration_gb_s_usd;
	out->total_usd = out->requests_usd + out->compute_usd + out->provisioned_usd;
}

const struct pricing_ops pricing_aws_lambda_x86 = {
	.name = "aws-lambda-x86",
	.data = &aws_x86,
	.parse = aws_parse,
	.free_cfg = free,
	.meter = aws_meter,
	.meter_provisioned = aws_meter_provisioned,
	.meter_provisioned_time = aws_meter_provisioned_time,
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
	.meter_provisioned = aws_meter_provisioned,
	.meter_provisioned_time = aws_meter_provisioned_time,
	.cost = aws_cost,
	.min_memory_mb = 128,
	.max_memory_mb = 10240,
};
