/* Pricing engine "azure": Azure Functions plans.
 *
 * Execution-billed plans (azure-consumption, azure-flex): a fee per
 * execution plus memory x execution time, the time rounded up to
 * granularity_ms with a minimum of min_billed_ms per execution. Consumption
 * bills observed memory rounded up to memory_step_mb (slsim takes memory_mb
 * as the observed memory); Flex bills the instance memory (512, 2048 or
 * 4096 MB, the sizes with a vcpus_<MB> entry). Flex always-ready instances:
 * a baseline per GB-s held while idle plus their executions at
 * always_ready_gb_s_usd, no free grant. Start-up is billed only when init_billed is 1.
 * Flex (busy_billing = 1) meters an instance's time while it runs at least
 * one execution: with several executions per instance, each busy period
 * of the instance is rounded and given the minimum once (meter_busy), and
 * executions add only their fee. Per-instance concurrency defaults to
 * default_concurrency_<MB> of the instance size (default_concurrency
 * otherwise).
 * Instance-billed plans (azure-premium-ep1/ep2/ep3, instance_billing = 1):
 * every second of every instance at vcpu_hour_usd x instance_vcpus +
 * gb_hour_usd x instance memory, no execution fee, no free grant. The plan's
 * always-ready minimum is a keep-warm policy (it keeps instances, which are
 * then metered as instance time). */
#include <math.h>
#include <stdlib.h>
#include "models/pricing/catalog.h"

PRICING_ENGINE(azure);

struct azure_prices {
	double requests_usd_per_million, gb_s_usd, always_ready_baseline_gb_s_usd, always_ready_gb_s_usd;
	double granularity_ms, min_billed_ms, init_billed, memory_step_mb, memory_min_mb, memory_max_mb;
	double vcpus, vcpus_512, vcpus_2048, vcpus_4096, free_requests, free_gb_s, max_instances;
	double instance_billing, vcpu_hour_usd, gb_hour_usd, instance_vcpus, instance_memory_mb;
	double busy_billing, default_concurrency, default_concurrency_512, default_concurrency_2048;
	double default_concurrency_4096;
	int sized;      /* the data lists instance sizes (Flex) */
	int free_tier;
};

#define F(name, lo, hi, def) { #name, offsetof(struct azure_prices, name), lo, hi, 1, def }
static const struct pricing_field azure_fields[] = {
	F(requests_usd_per_million, 0, 1e6, 0), F(gb_s_usd, 0, 1e3, 0),
	F(always_ready_baseline_gb_s_usd, 0, 1e3, 0), F(always_ready_gb_s_usd, 0, 1e3, 0),
	F(granularity_ms, 1, 3.6e6, 1), F(min_billed_ms, 0, 3.6e6, 0), F(init_billed, 0, 1, 0),
	F(memory_step_mb, 0, 1 << 20, 0), F(memory_min_mb, 1, 1 << 20, 128), F(memory_max_mb, 0, 1 << 20, 0),
	F(vcpus, 0.001, 1024, 1), F(vcpus_512, 0.001, 1024, NAN), F(vcpus_2048, 0.001, 1024, NAN),
	F(vcpus_4096, 0.001, 1024, NAN), F(free_requests, 0, 1e15, 0), F(free_gb_s, 0, 1e15, 0),
	F(max_instances, 0, 1e9, 0), F(instance_billing, 0, 1, 0), F(vcpu_hour_usd, 0, 1e6, 0),
	F(gb_hour_usd, 0, 1e6, 0), F(instance_vcpus, 0.001, 1024, 1), F(instance_memory_mb, 1, 1 << 24, 1536),
	F(busy_billing, 0, 1, 0), F(default_concurrency, 1, 100000, 1), F(default_concurrency_512, 1, 100000, NAN),
	F(default_concurrency_2048, 1, 100000, NAN), F(default_concurrency_4096, 1, 100000, NAN),
};
#undef F
#define N_FIELDS (sizeof(azure_fields) / sizeof(azure_fields[0]))

int pricing_azure_parse(const struct pricing_ops *self, const json_t *cfg, const struct pricing_opts *opts,
			const char *where, void **out, struct errbuf *err)
{
	int rc = pricing_catalog_new(self->name, "azure", azure_fields, N_FIELDS, sizeof(struct azure_prices),
				     offsetof(struct azure_prices, free_tier), cfg, opts, where, out, err);
	if (rc == 0) {
		struct azure_prices *p = *out;
		p->sized = !isnan(p->vcpus_512);
	}
	return rc;
}

int pricing_azure_resources(const void *cfg, uint32_t memory_mb, double vcpus_requested, double *vcpus,
			    const char *where, struct errbuf *err)
{
	const struct azure_prices *p = cfg;
	if (!isnan(vcpus_requested))
		return errbuf_set(err, ERR_INPUT,
				  "%s.vcpus: Azure Functions plans fix the vCPUs of an instance (by memory size or SKU); remove vcpus",
				  where);
	if (p->sized) {
		const double *v = memory_mb == 512 ? &p->vcpus_512 : memory_mb == 2048 ? &p->vcpus_2048
				: memory_mb == 4096 ? &p->vcpus_4096 : NULL;
		if (!v)
			return errbuf_set(err, ERR_INPUT, "%s.memory_mb: must be an instance size of 512, 2048 or 4096 MB, got %u",
					  where, memory_mb);
		*vcpus = *v;
		return 0;
	}
	double hi = p->instance_billing ? p->instance_memory_mb : p->memory_max_mb;
	if (memory_mb < p->memory_min_mb || memory_mb > hi)
		return errbuf_set(err, ERR_INPUT, "%s.memory_mb: must be an integer in [%g, %g], got %u", where,
				  p->memory_min_mb, hi, memory_mb);
	*vcpus = p->instance_billing ? p->instance_vcpus : p->vcpus;
	return 0;
}

/* The duration of an execution (or of a busy period): memory (observed
 * memory rounded up to memory_step_mb, or the instance size) x time rounded
 * up to granularity_ms, at least min_billed_ms. */
static void azure_duration(const struct azure_prices *p, struct usage *u, const struct meter_req *r)
{
	uint64_t mb = r->memory_mb;
	if (p->memory_step_mb > 0) {
		uint64_t step = (uint64_t)p->memory_step_mb;
		mb = (mb + step - 1) / step * step;
	}
	double init = p->init_billed ? r->init_s : 0;
	uint64_t ms = pricing_round_ms(init + r->run_s, p->granularity_ms, p->min_billed_ms);
	if (r->provisioned) {
		u->provisioned_billed_mb_ms += mb * ms;
		return;
	}
	u->billed_ms += ms;
	u->billed_mb_ms += mb * ms;
}

void pricing_azure_meter(const void *cfg, struct usage *u, const struct meter_req *r)
{
	const struct azure_prices *p = cfg;
	u->requests++;
	if (p->instance_billing || (r->shared && p->busy_billing))
		return;   /* instance time, or the instance's busy periods */
	azure_duration(p, u, r);
}

void pricing_azure_meter_busy(const void *cfg, struct usage *u, const struct meter_req *period)
{
	const struct azure_prices *p = cfg;
	if (p->busy_billing && !p->instance_billing)
		azure_duration(p, u, period);
}

uint32_t pricing_azure_default_concurrency(const void *cfg, uint32_t memory_mb, double vcpus)
{
	const struct azure_prices *p = cfg;
	(void)vcpus;
	double c = memory_mb == 512 ? p->default_concurrency_512 : memory_mb == 2048 ? p->default_concurrency_2048
		 : memory_mb == 4096 ? p->default_concurrency_4096 : NAN;
	return (uint32_t)(isnan(c) ? p->default_concurrency : c);
}

void pricing_azure_meter_time(const void *cfg, struct usage *u, enum pricing_time kind, uint32_t memory_mb,
			      double vcpus, uint32_t instances, double seconds,
			      const struct pricing_accel *accel)
{
	(void)accel;   /* no GPUs on this plan */
	const struct azure_prices *p = cfg;
	(void)vcpus;
	if (!(seconds > 0))
		return;
	uint64_t ms = pricing_round_ms(seconds, 1, 0) * instances;
	if (kind == PRICING_TIME_INSTANCE && p->instance_billing) {
		u->instance_ms += ms;
		u->instance_mb_ms += (uint64_t)p->instance_memory_mb * ms;
		u->instance_mvcpu_ms += (uint64_t)llround(p->instance_vcpus * 1000) * ms;
	} else if (kind == PRICING_TIME_PROVISIONED && !p->instance_billing) {
		/* Flex always-ready baseline; Premium's always-ready instances are
		 * platform instances, metered as instance time. */
		u->provisioned_mb_ms += (uint64_t)memory_mb * ms;
	} else if (kind == PRICING_TIME_PROVISIONED_BUSY && !p->instance_billing) {
		/* The baseline is billed while always-ready instances are idle. */
		uint64_t busy = (uint64_t)memory_mb * ms;
		u->provisioned_mb_ms -= busy < u->provisioned_mb_ms ? busy : u->provisioned_mb_ms;
	}
}

/* Flex always ready; Premium's always-ready instances are instance time. */
int pricing_azure_has_provisioned(const void *cfg)
{
	const struct azure_prices *p = cfg;
	return p->instance_billing || p->always_ready_baseline_gb_s_usd > 0 || p->always_ready_gb_s_usd > 0;
}

static void azure_bill(const struct azure_prices *p, const struct usage *u, double scale, int free,
		       struct cost *out)
{
	double req = (double)u->requests * scale, dur = pricing_gb_s(u->billed_mb_ms, scale);
	if (free) {
		req = pricing_after_free(req, p->free_requests);
		dur = pricing_after_free(dur, p->free_gb_s);
	}
	out->requests_usd = p->instance_billing ? 0 : req * p->requests_usd_per_million / 1e6;
	out->compute_usd = dur * p->gb_s_usd +
			   (double)u->instance_mvcpu_ms / 1000.0 / 3.6e6 * scale * p->vcpu_hour_usd +
			   (double)u->instance_mb_ms / 1024.0 / 3.6e6 * scale * p->gb_hour_usd;
	out->provisioned_usd = pricing_gb_s(u->provisioned_mb_ms, scale) * p->always_ready_baseline_gb_s_usd +
			       pricing_gb_s(u->provisioned_billed_mb_ms, scale) * p->always_ready_gb_s_usd;
	out->total_usd = out->requests_usd + out->compute_usd + out->provisioned_usd;
}

void pricing_azure_cost(const void *cfg, const struct usage *u, struct cost *out)
{
	azure_bill(cfg, u, 1, 0, out);
}

/* Azure publishes no volume tiers for these plans. */
void pricing_azure_monthly(const void *cfg, const struct usage *u, double scale, struct cost *out)
{
	const struct azure_prices *p = cfg;
	azure_bill(p, u, scale, p->free_tier, out);
}

/* No GPUs on this plan. */
int pricing_azure_accelerator(const void *cfg, const char *type, uint32_t count, uint32_t memory_mb, double vcpus,
			  struct pricing_accel *out, const char *where, struct errbuf *err)
{
	(void)cfg, (void)count, (void)memory_mb, (void)vcpus, (void)where, (void)err;
	*out = (struct pricing_accel){ 0 };
	return pricing_no_accelerator(type);
}
