/* Pricing engine "gpu": serverless GPU instances billed over their whole life.
 *
 * An instance is billed from its start (cold start and model load
 * included) through serving and idling until it is scaled down
 * (PRICING_TIME_INSTANCE, metered when it is released), each life rounded
 * up to granularity_ms: per GPU, <type>_s_usd x count, plus vcpu_s_usd per
 * vCPU and gb_s_usd per GiB of the instance. No request fee. Provisioned
 * instances (min instances, RunPod active workers) are instance time too:
 * PRICING_TIME_PROVISIONED adds nothing. The GPU types a plan offers are
 * those with a rate in its data; with zonal_redundancy = 1 a type's
 * <type>_zonal_s_usd replaces its rate (Cloud Run). <type>_min_vcpus and
 * <type>_min_memory_mb are the instance size the provider requires per GPU
 * of the type; max_gpus the GPUs per instance. Every function on a GPU plan
 * needs an accelerator. No free tier: none of these plans gives free GPU
 * time (Cloud Run's free CPU and memory allowance is not applied).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/pricing/catalog.h"

PRICING_ENGINE(gpu);

/* The types this engine knows, in their usage slots (scenario name, data
 * prefix). */
static const char *const gpu_names[PRICING_GPU_TYPES] = {
	"nvidia-l4", "nvidia-t4", "nvidia-a100-80gb", "nvidia-h100", "nvidia-h200",
	"nvidia-b200", "nvidia-l40s", "nvidia-rtx-a4000", "nvidia-rtx-4090", "nvidia-rtx-a6000",
};

struct gpu_prices {
	double rate[PRICING_GPU_TYPES], zonal[PRICING_GPU_TYPES];
	double min_vcpus[PRICING_GPU_TYPES], min_memory_mb[PRICING_GPU_TYPES];
	double vcpu_s_usd, gb_s_usd, granularity_ms, zonal_redundancy, max_gpus;
	double memory_min_mb, memory_max_mb, default_vcpus, max_vcpus, default_concurrency;
	int free_tier;
};

#define F(name, lo, hi, def) { #name, offsetof(struct gpu_prices, name), lo, hi, 1, def }
#define G(pfx, i)                                                                                       \
	{ pfx "_s_usd", offsetof(struct gpu_prices, rate) + i * sizeof(double), 0, 1, 1, NAN },         \
	{ pfx "_zonal_s_usd", offsetof(struct gpu_prices, zonal) + i * sizeof(double), 0, 1, 1, NAN },  \
	{ pfx "_min_vcpus", offsetof(struct gpu_prices, min_vcpus) + i * sizeof(double), 0, 1024, 1, 0 }, \
	{ pfx "_min_memory_mb", offsetof(struct gpu_prices, min_memory_mb) + i * sizeof(double), 0, 1 << 22, 1, 0 }
static const struct pricing_field gpu_fields[] = {
	G("l4", 0), G("t4", 1), G("a100_80gb", 2), G("h100", 3), G("h200", 4), G("b200", 5), G("l40s", 6),
	G("rtx_a4000", 7), G("rtx_4090", 8), G("rtx_a6000", 9),
	F(vcpu_s_usd, 0, 1, 0), F(gb_s_usd, 0, 1, 0), F(granularity_ms, 1, 3.6e6, 1000),
	F(zonal_redundancy, 0, 1, 0), F(max_gpus, 1, 64, 1), F(memory_min_mb, 1, 1 << 22, 128),
	F(memory_max_mb, 1, 1 << 22, 1 << 20), F(default_vcpus, 0.001, 1024, 1), F(max_vcpus, 0.001, 1024, 64),
	F(default_concurrency, 1, 100000, 1),
};
#undef F
#undef G
#define N_FIELDS (sizeof(gpu_fields) / sizeof(gpu_fields[0]))

int pricing_gpu_parse(const struct pricing_ops *self, const json_t *cfg, const struct pricing_opts *opts,
		      const char *where, void **out, struct errbuf *err)
{
	int rc = pricing_catalog_new(self->name, "gpu", gpu_fields, N_FIELDS, sizeof(struct gpu_prices),
				     offsetof(struct gpu_prices, free_tier), cfg, opts, where, out, err);
	if (rc == 0) {
		struct gpu_prices *p = *out;
		for (int i = 0; p->zonal_redundancy && i < PRICING_GPU_TYPES; i++)
			if (!isnan(p->rate[i]))
				p->rate[i] = p->zonal[i];   /* NAN when not offered with redundancy */
	}
	return rc;
}

int pricing_gpu_resources(const void *cfg, uint32_t memory_mb, double vcpus_requested, double *vcpus,
			  const char *where, struct errbuf *err)
{
	const struct gpu_prices *p = cfg;
	if (memory_mb < p->memory_min_mb || memory_mb > p->memory_max_mb)
		return errbuf_set(err, ERR_INPUT, "%s.memory_mb: must be an integer in [%g, %g], got %u", where,
				  p->memory_min_mb, p->memory_max_mb, memory_mb);
	if (isnan(vcpus_requested)) {
		*vcpus = p->default_vcpus;
		return 0;
	}
	if (!(vcpus_requested > 0) || vcpus_requested > p->max_vcpus)
		return errbuf_set(err, ERR_INPUT, "%s.vcpus: must be a number in (0, %g], got %g", where, p->max_vcpus,
				  vcpus_requested);
	*vcpus = vcpus_requested;
	return 0;
}

/* The list of types the plan offers, for messages. */
static void offered(const struct gpu_prices *p, char *list, size_t size)
{
	list[0] = '\0';
	for (int i = 0; i < PRICING_GPU_TYPES; i++)
		if (!isnan(p->rate[i]))
			snprintf(list + strlen(list), size - strlen(list), "%s%s", list[0] ? ", " : "", gpu_names[i]);
}

int pricing_gpu_accelerator(const void *cfg, const char *type, uint32_t count, uint32_t memory_mb, double vcpus,
			    struct pricing_accel *out, const char *where, struct errbuf *err)
{
	const struct gpu_prices *p = cfg;
	char list[256];
	offered(p, list, sizeof(list));
	if (!type)
		return errbuf_set(err, ERR_INPUT, "%s.accelerator: required on this GPU plan (one of %s)", where, list);
	int t = -1;
	for (int i = 0; i < PRICING_GPU_TYPES; i++)
		if (!isnan(p->rate[i]) && strcmp(type, gpu_names[i]) == 0)
			t = i;
	if (t < 0)
		return errbuf_set(err, ERR_INPUT, "%s.accelerator.type: unknown GPU type \"%s\" (this plan offers %s)",
				  where, type, list);
	if (count < 1 || count > p->max_gpus)
		return errbuf_set(err, ERR_INPUT, "%s.accelerator.count: must be an integer in [1, %g], got %u", where,
				  p->max_gpus, count);
	if (vcpus < p->min_vcpus[t] * count)
		return errbuf_set(err, ERR_INPUT, "%s.vcpus: %s needs at least %g vCPU per GPU, got %g", where, type,
				  p->min_vcpus[t], vcpus);
	if (memory_mb < p->min_memory_mb[t] * count)
		return errbuf_set(err, ERR_INPUT, "%s.memory_mb: %s needs at least %g MB per GPU, got %u", where, type,
				  p->min_memory_mb[t], memory_mb);
	*out = (struct pricing_accel){ .type = (uint32_t)t, .count = count };
	return 0;
}

void pricing_gpu_meter(const void *cfg, struct usage *u, const struct meter_req *r)
{
	(void)cfg, (void)r;
	u->requests++;   /* no request fee; the instance's life is the bill */
}

void pricing_gpu_meter_busy(const void *cfg, struct usage *u, const struct meter_req *period)
{
	(void)cfg, (void)u, (void)period;
}

uint32_t pricing_gpu_default_concurrency(const void *cfg, uint32_t memory_mb, double vcpus)
{
	(void)memory_mb, (void)vcpus;
	return (uint32_t)((const struct gpu_prices *)cfg)->default_concurrency;
}

void pricing_gpu_meter_time(const void *cfg, struct usage *u, enum pricing_time kind, uint32_t memory_mb,
			    double vcpus, uint32_t instances, double seconds, const struct pricing_accel *accel)
{
	const struct gpu_prices *p = cfg;
	if (kind != PRICING_TIME_INSTANCE || !(seconds > 0))
		return;
	/* One instance life, rounded up once. */
	uint64_t ms = pricing_round_ms(seconds, p->granularity_ms, 0) * instances;
	u->instance_ms += ms;
	u->instance_mb_ms += (uint64_t)memory_mb * ms;
	u->instance_mvcpu_ms += (uint64_t)llround(vcpus * 1000) * ms;
	if (accel && accel->count && accel->type < PRICING_GPU_TYPES)
		u->instance_gpu_ms[accel->type] += accel->count * ms;
}

/* Min instances and active workers: billed as instance time. */
int pricing_gpu_has_provisioned(const void *cfg)
{
	(void)cfg;
	return 1;
}

void pricing_gpu_cost(const void *cfg, const struct usage *u, struct cost *out)
{
	pricing_gpu_monthly(cfg, u, 1, out);
}

void pricing_gpu_monthly(const void *cfg, const struct usage *u, double scale, struct cost *out)
{
	const struct gpu_prices *p = cfg;
	double usd = pricing_gb_s(u->instance_mb_ms, scale) * p->gb_s_usd +
		     (double)u->instance_mvcpu_ms / 1e6 * scale * p->vcpu_s_usd;
	for (int i = 0; i < PRICING_GPU_TYPES; i++)
		if (u->instance_gpu_ms[i])
			usd += (double)u->instance_gpu_ms[i] / 1000.0 * scale * p->rate[i];
	out->requests_usd = 0;
	out->compute_usd = usd;
	out->provisioned_usd = 0;
	out->total_usd = usd;
}
