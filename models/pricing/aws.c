/* Pricing engine "aws": AWS Lambda (aws-lambda-x86, aws-lambda-arm64).
 *
 * On demand: a fee per request plus memory x billed duration, the duration
 * rounded up to granularity_ms; INIT is billed as duration (on-demand
 * functions, since 2025-08-01; an INIT beyond the 10 s INIT limit is re-run
 * inside the invoke, so it is billed in full either way). Monthly GB-s
 * beyond tier1_gb_s and tier1_gb_s + tier2_gb_s get the tier-2 and tier-3
 * prices. Provisioned concurrency: configured GB-s in provisioned_block_s
 * blocks plus the duration it serves at its own rate, no free tier.
 * SnapStart: a restore replaces INIT and is not billed as duration; Python
 * and .NET snapshots pay a fee per GB restored and per GB-s cached. */
#include <math.h>
#include <stdlib.h>
#include "models/pricing/catalog.h"

PRICING_ENGINE(aws);

struct aws_prices {
	double requests_usd_per_million, gb_s_usd, gb_s_tier2_usd, gb_s_tier3_usd, tier1_gb_s, tier2_gb_s;
	double granularity_ms, min_billed_ms, init_billed, free_requests, free_gb_s;
	double memory_min_mb, memory_max_mb, mb_per_vcpu, max_vcpus;
	double provisioned_gb_s_usd, provisioned_duration_gb_s_usd, provisioned_block_s;
	double snapstart_cache_gb_s_usd, snapstart_restore_gb_usd, snapshot_min_s;
	int free_tier;
};

#define F(name, lo, hi) { #name, offsetof(struct aws_prices, name), lo, hi, 0, 0 }
static const struct pricing_field aws_fields[] = {
	F(requests_usd_per_million, 0, 1e6), F(gb_s_usd, 0, 1e3), F(gb_s_tier2_usd, 0, 1e3),
	F(gb_s_tier3_usd, 0, 1e3), F(tier1_gb_s, 0, 1e18), F(tier2_gb_s, 0, 1e18),
	F(granularity_ms, 1, 3.6e6), F(min_billed_ms, 0, 3.6e6), F(init_billed, 0, 1),
	F(free_requests, 0, 1e15), F(free_gb_s, 0, 1e15), F(memory_min_mb, 1, 1 << 20),
	F(memory_max_mb, 1, 1 << 20), F(mb_per_vcpu, 1, 1 << 20), F(max_vcpus, 0.001, 1024),
	F(provisioned_gb_s_usd, 0, 1e3), F(provisioned_duration_gb_s_usd, 0, 1e3),
	F(provisioned_block_s, 1, 86400), F(snapstart_cache_gb_s_usd, 0, 1e3),
	F(snapstart_restore_gb_usd, 0, 1e3), F(snapshot_min_s, 0, 1e9),
};
#undef F

int pricing_aws_parse(const struct pricing_ops *self, const json_t *cfg, const struct pricing_opts *opts,
		      const char *where, void **out, struct errbuf *err)
{
	return pricing_catalog_new(self->name, "aws", aws_fields, sizeof(aws_fields) / sizeof(aws_fields[0]),
				   sizeof(struct aws_prices), offsetof(struct aws_prices, free_tier), cfg, opts, where,
				   out, err);
}

int pricing_aws_resources(const void *cfg, uint32_t memory_mb, double vcpus_requested, double *vcpus,
			  const char *where, struct errbuf *err)
{
	const struct aws_prices *p = cfg;
	if (memory_mb < p->memory_min_mb || memory_mb > p->memory_max_mb)
		return errbuf_set(err, ERR_INPUT, "%s.memory_mb: must be an integer in [%g, %g], got %u", where,
				  p->memory_min_mb, p->memory_max_mb, memory_mb);
	if (!isnan(vcpus_requested))
		return errbuf_set(err, ERR_INPUT,
				  "%s.vcpus: AWS Lambda derives the vCPU share from memory_mb (1 vCPU per %g MB); remove vcpus",
				  where, p->mb_per_vcpu);
	double v = memory_mb / p->mb_per_vcpu;
	*vcpus = v < p->max_vcpus ? v : p->max_vcpus;
	return 0;
}

void pricing_aws_meter(const void *cfg, struct usage *u, const struct meter_req *r)
{
	const struct aws_prices *p = cfg;
	/* A provisioned instance initialised when it was provisioned. */
	double init = r->restore != RESTORE_NONE || !p->init_billed || r->provisioned ? 0 : r->init_s;
	uint64_t ms = pricing_round_ms(init + r->run_s, p->granularity_ms, p->min_billed_ms);
	u->requests++;
	if (r->restore == RESTORE_CHARGED) {
		u->restores++;
		u->restore_mb += r->memory_mb;
	}
	if (r->provisioned) {
		u->provisioned_billed_mb_ms += (uint64_t)r->memory_mb * ms;
		return;
	}
	u->billed_ms += ms;
	u->billed_mb_ms += (uint64_t)r->memory_mb * ms;
}

void pricing_aws_meter_time(const void *cfg, struct usage *u, enum pricing_time kind, uint32_t memory_mb,
			    double vcpus, uint32_t instances, double seconds,
			    const struct pricing_accel *accel)
{
	(void)accel;   /* no GPUs on this plan */
	const struct aws_prices *p = cfg;
	(void)vcpus;
	if (!(seconds > 0))
		return;
	switch (kind) {
	case PRICING_TIME_INSTANCE:
		break;   /* Lambda bills requests, not instance time */
	case PRICING_TIME_PROVISIONED:
		u->provisioned_mb_ms += (uint64_t)instances * memory_mb *
			pricing_round_ms(seconds, p->provisioned_block_s * 1000, 0);
		break;
	case PRICING_TIME_SNAPSHOT:
		u->snapshot_mb_ms += (uint64_t)instances * memory_mb *
			pricing_round_ms(seconds > p->snapshot_min_s ? seconds : p->snapshot_min_s, 1, 0);
		break;
	case PRICING_TIME_PROVISIONED_BUSY:
		break;   /* provisioned concurrency is billed whether it serves or not */
	}
}

int pricing_aws_has_provisioned(const void *cfg)
{
	(void)cfg;
	return 1;
}

static void aws_bill(const struct aws_prices *p, const struct usage *u, double scale, int free, int tiers,
		     struct cost *out)
{
	double req = (double)u->requests * scale, dur = pricing_gb_s(u->billed_mb_ms, scale);
	if (free) {
		req = pricing_after_free(req, p->free_requests);
		dur = pricing_after_free(dur, p->free_gb_s);
	}
	out->requests_usd = req * p->requests_usd_per_million / 1e6;
	out->compute_usd = tiers ? pricing_tiered(dur, p->tier1_gb_s, p->gb_s_usd, p->tier2_gb_s, p->gb_s_tier2_usd,
						  p->gb_s_tier3_usd)
				 : dur * p->gb_s_usd;
	out->compute_usd += (double)u->restore_mb / 1024.0 * scale * p->snapstart_restore_gb_usd +
			    pricing_gb_s(u->snapshot_mb_ms, scale) * p->snapstart_cache_gb_s_usd;
	out->provisioned_usd = pricing_gb_s(u->provisioned_mb_ms, scale) * p->provisioned_gb_s_usd +
			       pricing_gb_s(u->provisioned_billed_mb_ms, scale) * p->provisioned_duration_gb_s_usd;
	out->total_usd = out->requests_usd + out->compute_usd + out->provisioned_usd;
}

void pricing_aws_cost(const void *cfg, const struct usage *u, struct cost *out)
{
	aws_bill(cfg, u, 1, 0, 0, out);
}

void pricing_aws_monthly(const void *cfg, const struct usage *u, double scale, struct cost *out)
{
	const struct aws_prices *p = cfg;
	aws_bill(p, u, scale, p->free_tier, 1, out);
}

/* Lambda bills every request its own duration, whatever else its instance
 * runs (and an instance runs one request at a time). */
void pricing_aws_meter_busy(const void *cfg, struct usage *u, const struct meter_req *period)
{
	(void)cfg;
	(void)u;
	(void)period;
}

/* One request per execution environment. */
uint32_t pricing_aws_default_concurrency(const void *cfg, uint32_t memory_mb, double vcpus)
{
	(void)cfg;
	(void)memory_mb;
	(void)vcpus;
	return 1;
}

/* No GPUs on this plan. */
int pricing_aws_accelerator(const void *cfg, const char *type, uint32_t count, uint32_t memory_mb, double vcpus,
			  struct pricing_accel *out, const char *where, struct errbuf *err)
{
	(void)cfg, (void)count, (void)memory_mb, (void)vcpus, (void)where, (void)err;
	*out = (struct pricing_accel){ 0 };
	return pricing_no_accelerator(type);
}
