/* Pricing engine "gcf": Google Cloud Functions.
 *
 * gcf-gen1: a fee per invocation plus GB-s and GHz-s of billed time (rounded
 * up to granularity_ms); the CPU clock comes with the memory tier
 * (mhz_<MB>: 128 MB = 200 MHz ... 8 GB = 4.8 GHz; only those sizes exist),
 * mhz_per_vcpu MHz count as one vCPU for sizing.
 * gcf-gen2 (Cloud Run functions): request-based billing (default) charges a
 * fee per request plus vCPU-s and GiB-s while requests run (start-up
 * included when init_billed = 1); instance-based billing (instance_based =
 * 1) charges the instance's whole life at the instance rates and no request
 * fee. Min instances (provisioned time) cost idle_vcpu_s_usd and
 * idle_gb_s_usd while idle (the time they serve requests is billed as
 * requests). vCPUs default to the memory's tier (default_vcpus_<MiB>,
 * the smallest tier at or above memory_mb) and may be configured
 * (functions[i].vcpus). No volume tiers are published.
 * Request-based gen2 (busy_billing = 1) bills an instance while it serves
 * requests: with several requests per instance, each busy period of the
 * instance (first request in to last out) is rounded once (meter_busy) and
 * requests add only their fee. Per-instance concurrency defaults to
 * default_concurrency, or to default_concurrency_per_vcpu x vCPUs at 1 vCPU
 * or more when that is set (Cloud Run services' rule). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/pricing/catalog.h"

PRICING_ENGINE(gcf);

static const uint32_t tiers_mb[] = { 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768 };
#define N_TIERS (sizeof(tiers_mb) / sizeof(tiers_mb[0]))

struct gcf_prices {
	double requests_usd_per_million, gb_s_usd, ghz_s_usd, vcpu_s_usd;
	double instance_based, instance_vcpu_s_usd, instance_gb_s_usd, idle_vcpu_s_usd, idle_gb_s_usd;
	double granularity_ms, min_billed_ms, init_billed, memory_min_mb, memory_max_mb;
	double mhz[N_TIERS], mhz_per_vcpu, default_vcpus[N_TIERS], max_vcpus;
	double free_requests, free_gb_s, free_ghz_s, free_vcpu_s, free_instance_vcpu_s, free_instance_gb_s;
	double busy_billing, default_concurrency, default_concurrency_per_vcpu;
	int gen1;       /* the data has a MHz table */
	int free_tier;
};

#define F(name, lo, hi, def) { #name, offsetof(struct gcf_prices, name), lo, hi, 1, def }
#define T(arr, prefix, i, mb) { prefix #mb, offsetof(struct gcf_prices, arr) + i * sizeof(double), 0.001, 1e6, 1, NAN }
static const struct pricing_field gcf_fields[] = {
	F(requests_usd_per_million, 0, 1e6, 0), F(gb_s_usd, 0, 1e3, 0), F(ghz_s_usd, 0, 1e3, 0),
	F(vcpu_s_usd, 0, 1e3, 0), F(instance_based, 0, 1, 0), F(instance_vcpu_s_usd, 0, 1e3, 0),
	F(instance_gb_s_usd, 0, 1e3, 0), F(idle_vcpu_s_usd, 0, 1e3, 0), F(idle_gb_s_usd, 0, 1e3, 0),
	F(granularity_ms, 1, 3.6e6, 100), F(min_billed_ms, 0, 3.6e6, 0), F(init_billed, 0, 1, 0),
	F(memory_min_mb, 1, 1 << 20, 128), F(memory_max_mb, 1, 1 << 20, 8192),
	T(mhz, "mhz_", 0, 128), T(mhz, "mhz_", 1, 256), T(mhz, "mhz_", 2, 512), T(mhz, "mhz_", 3, 1024),
	T(mhz, "mhz_", 4, 2048), T(mhz, "mhz_", 5, 4096), T(mhz, "mhz_", 6, 8192), T(mhz, "mhz_", 7, 16384),
	T(mhz, "mhz_", 8, 32768), F(mhz_per_vcpu, 1, 1e6, 2400),
	T(default_vcpus, "default_vcpus_", 0, 128), T(default_vcpus, "default_vcpus_", 1, 256),
	T(default_vcpus, "default_vcpus_", 2, 512), T(default_vcpus, "default_vcpus_", 3, 1024),
	T(default_vcpus, "default_vcpus_", 4, 2048), T(default_vcpus, "default_vcpus_", 5, 4096),
	T(default_vcpus, "default_vcpus_", 6, 8192), T(default_vcpus, "default_vcpus_", 7, 16384),
	T(default_vcpus, "default_vcpus_", 8, 32768), F(max_vcpus, 0.001, 1024, 8),
	F(free_requests, 0, 1e15, 0), F(free_gb_s, 0, 1e15, 0), F(free_ghz_s, 0, 1e15, 0),
	F(free_vcpu_s, 0, 1e15, 0), F(free_instance_vcpu_s, 0, 1e15, 0), F(free_instance_gb_s, 0, 1e15, 0),
	F(busy_billing, 0, 1, 0), F(default_concurrency, 1, 100000, 1), F(default_concurrency_per_vcpu, 0, 100000, 0),
};
#undef F
#undef T
#define N_FIELDS (sizeof(gcf_fields) / sizeof(gcf_fields[0]))

int pricing_gcf_parse(const struct pricing_ops *self, const json_t *cfg, const struct pricing_opts *opts,
		      const char *where, void **out, struct errbuf *err)
{
	int rc = pricing_catalog_new(self->name, "gcf", gcf_fields, N_FIELDS, sizeof(struct gcf_prices),
				     offsetof(struct gcf_prices, free_tier), cfg, opts, where, out, err);
	if (rc == 0) {
		struct gcf_prices *p = *out;
		p->gen1 = !isnan(p->mhz[0]);
	}
	return rc;
}

int pricing_gcf_resources(const void *cfg, uint32_t memory_mb, double vcpus_requested, double *vcpus,
			  const char *where, struct errbuf *err)
{
	const struct gcf_prices *p = cfg;
	if (p->gen1) {
		for (size_t i = 0; i < N_TIERS; i++)
			if (tiers_mb[i] == memory_mb && !isnan(p->mhz[i])) {
				if (!isnan(vcpus_requested))
					return errbuf_set(err, ERR_INPUT,
							  "%s.vcpus: Cloud Functions 1st gen ties the CPU to memory_mb; remove vcpus",
							  where);
				*vcpus = p->mhz[i] / p->mhz_per_vcpu;
				return 0;
			}
		if (!err)
			return ERR_INPUT;   /* a probe (sim/scenario/memsize.c): no message to build */
		char list[256] = "";
		for (size_t i = 0; i < N_TIERS; i++)
			if (!isnan(p->mhz[i]))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%u", list[0] ? ", " : "",
					 tiers_mb[i]);
		return errbuf_set(err, ERR_INPUT, "%s.memory_mb: must be one of %s MB, got %u", where, list, memory_mb);
	}
	if (memory_mb < p->memory_min_mb || memory_mb > p->memory_max_mb)
		return errbuf_set(err, ERR_INPUT, "%s.memory_mb: must be an integer in [%g, %g], got %u", where,
				  p->memory_min_mb, p->memory_max_mb, memory_mb);
	if (!isnan(vcpus_requested)) {
		if (!(vcpus_requested > 0) || vcpus_requested > p->max_vcpus)
			return errbuf_set(err, ERR_INPUT, "%s.vcpus: must be a number in (0, %g], got %g", where,
					  p->max_vcpus, vcpus_requested);
		*vcpus = vcpus_requested;
		return 0;
	}
	for (size_t i = 0; i < N_TIERS; i++)
		if (tiers_mb[i] >= memory_mb && !isnan(p->default_vcpus[i])) {
			*vcpus = p->default_vcpus[i];
			return 0;
		}
	return errbuf_set(err, ERR_INPUT, "%s.memory_mb: no default vCPU tier for %u MB; set vcpus", where, memory_mb);
}

static uint64_t mvcpu(double vcpus)
{
	return (uint64_t)llround(vcpus * 1000);
}

/* Billed time of a request (or of a busy period) x memory and CPU. */
static void gcf_duration(const struct gcf_prices *p, struct usage *u, const struct meter_req *r)
{
	double init = p->init_billed ? r->init_s : 0;
	uint64_t ms = pricing_round_ms(init + r->run_s, p->granularity_ms, p->min_billed_ms);
	u->billed_ms += ms;
	u->billed_mb_ms += (uint64_t)r->memory_mb * ms;
	if (p->gen1)
		u->billed_mhz_ms += (uint64_t)llround(r->vcpus * p->mhz_per_vcpu) * ms;
	else
		u->billed_mvcpu_ms += mvcpu(r->vcpus) * ms;
}

void pricing_gcf_meter(const void *cfg, struct usage *u, const struct meter_req *r)
{
	const struct gcf_prices *p = cfg;
	u->requests++;
	if (p->instance_based || (r->shared && p->busy_billing))
		return;   /* billed as instance time, or per busy period */
	gcf_duration(p, u, r);
}

void pricing_gcf_meter_busy(const void *cfg, struct usage *u, const struct meter_req *period)
{
	const struct gcf_prices *p = cfg;
	if (p->busy_billing && !p->instance_based)
		gcf_duration(p, u, period);
}

uint32_t pricing_gcf_default_concurrency(const void *cfg, uint32_t memory_mb, double vcpus)
{
	const struct gcf_prices *p = cfg;
	(void)memory_mb;
	if (p->default_concurrency_per_vcpu > 0 && vcpus >= 1)
		return (uint32_t)floor(p->default_concurrency_per_vcpu * vcpus);
	return (uint32_t)p->default_concurrency;
}

void pricing_gcf_meter_time(const void *cfg, struct usage *u, enum pricing_time kind, uint32_t memory_mb,
			    double vcpus, uint32_t instances, double seconds,
			    const struct pricing_accel *accel)
{
	(void)accel;   /* no GPUs on this plan */
	const struct gcf_prices *p = cfg;
	if (!(seconds > 0))
		return;
	uint64_t ms = pricing_round_ms(seconds, p->granularity_ms, 0) * instances;
	if (kind == PRICING_TIME_INSTANCE && p->instance_based) {
		u->instance_ms += ms;
		u->instance_mb_ms += (uint64_t)memory_mb * ms;
		u->instance_mvcpu_ms += mvcpu(vcpus) * ms;
	} else if (kind == PRICING_TIME_PROVISIONED && !p->instance_based && !p->gen1) {
		/* Idle min-instances; with instance-based billing they are instance time. */
		u->provisioned_mb_ms += (uint64_t)memory_mb * ms;
		u->provisioned_mvcpu_ms += mvcpu(vcpus) * ms;
	} else if (kind == PRICING_TIME_PROVISIONED_BUSY && !p->instance_based && !p->gen1) {
		/* Min instances pay the idle rates while idle; serving, they are
		 * billed as requests (or busy periods). Exact to the ms. */
		uint64_t busy_ms = pricing_round_ms(seconds, 1, 0) * instances;
		uint64_t mb = (uint64_t)memory_mb * busy_ms, mv = mvcpu(vcpus) * busy_ms;
		u->provisioned_mb_ms -= mb < u->provisioned_mb_ms ? mb : u->provisioned_mb_ms;
		u->provisioned_mvcpu_ms -= mv < u->provisioned_mvcpu_ms ? mv : u->provisioned_mvcpu_ms;
	}
}

/* gen2 min instances (idle rates, or instance time when instance-based);
 * gen1 min instances have no price in the catalogue. */
int pricing_gcf_has_provisioned(const void *cfg)
{
	return !((const struct gcf_prices *)cfg)->gen1;
}

static void gcf_bill(const struct gcf_prices *p, const struct usage *u, double scale, int free, struct cost *out)
{
	double req = (double)u->requests * scale;
	double gb_s = (double)u->billed_mb_ms / 1024.0 / 1000.0 * scale;
	double ghz_s = (double)u->billed_mhz_ms / 1e6 * scale;
	double vcpu_s = (double)u->billed_mvcpu_ms / 1e6 * scale;
	double inst_gb_s = (double)u->instance_mb_ms / 1024.0 / 1000.0 * scale;
	double inst_vcpu_s = (double)u->instance_mvcpu_ms / 1e6 * scale;
	if (free) {
		req = pricing_after_free(req, p->free_requests);
		gb_s = pricing_after_free(gb_s, p->free_gb_s);
		ghz_s = pricing_after_free(ghz_s, p->free_ghz_s);
		vcpu_s = pricing_after_free(vcpu_s, p->free_vcpu_s);
		inst_gb_s = pricing_after_free(inst_gb_s, p->free_instance_gb_s);
		inst_vcpu_s = pricing_after_free(inst_vcpu_s, p->free_instance_vcpu_s);
	}
	out->requests_usd = p->instance_based ? 0 : req * p->requests_usd_per_million / 1e6;
	out->compute_usd = gb_s * p->gb_s_usd + ghz_s * p->ghz_s_usd + vcpu_s * p->vcpu_s_usd +
			   inst_gb_s * p->instance_gb_s_usd + inst_vcpu_s * p->instance_vcpu_s_usd;
	out->provisioned_usd = (double)u->provisioned_mb_ms / 1024.0 / 1000.0 * scale * p->idle_gb_s_usd +
			       (double)u->provisioned_mvcpu_ms / 1e6 * scale * p->idle_vcpu_s_usd;
	out->total_usd = out->requests_usd + out->compute_usd + out->provisioned_usd;
}

void pricing_gcf_cost(const void *cfg, const struct usage *u, struct cost *out)
{
	gcf_bill(cfg, u, 1, 0, out);
}

void pricing_gcf_monthly(const void *cfg, const struct usage *u, double scale, struct cost *out)
{
	const struct gcf_prices *p = cfg;
	gcf_bill(p, u, scale, p->free_tier, out);
}

/* No GPUs on this plan. */
int pricing_gcf_accelerator(const void *cfg, const char *type, uint32_t count, uint32_t memory_mb, double vcpus,
			  struct pricing_accel *out, const char *where, struct errbuf *err)
{
	(void)cfg, (void)count, (void)memory_mb, (void)vcpus, (void)where, (void)err;
	*out = (struct pricing_accel){ 0 };
	return pricing_no_accelerator(type);
}
