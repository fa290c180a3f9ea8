/* Cold start "model": a new instance's initialisation composed from parts,
 *   init = start + package_mb / package_mb_per_s
 *          + model.size_mb / model.load_mb_per_s + model.framework_init_s
 * where start, the platform and language-runtime start, is lognormal with
 * median start_median_s (default: the provider's median for the function's
 * memory, from the provider's data, x the runtime's factor, see
 * models/README.md) and log-sd start_sigma. With snapstart (where the
 * provider's data offers it: AWS Lambda; java, python, dotnet) the instance
 * resumes from a snapshot instead: init = a lognormal restore (median
 * restore_median_s, default 0.12 s + footprint / 800 MB/s), billed as a
 * restore (RESTORE_FREE for Java, RESTORE_CHARGED otherwise) rather than as
 * INIT. An instance needs runtime_memory_mb + framework_memory_mb +
 * model.size_mb of memory (footprint_mb): the platform fails requests of a
 * smaller function with "oom". The runtime's and the framework's memory and
 * the runtime's start factor are data (models/runtimes.h); all defaults and
 * their sources: models/README.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "models/coldstart.h"
#include "models/pricing/catalog.h"
#include "models/runtimes.h"

struct model_cfg {
	double start_median_s, start_sigma;
	double package_mb, package_mb_per_s;
	double runtime_memory_mb, framework_memory_mb;
	double model_size_mb, model_load_mb_per_s, model_framework_init_s;
	int snapstart;
	double restore_median_s, restore_sigma;
	enum restore_kind restore;
	double load_s;     /* the deterministic part: package + model load + framework init */
};

/* Median platform start of a Python function at memory_mb on a provider,
 * from its cold-start data (models/pricing/data/, see
 * models/pricing/catalog.h): flat, or log-linear in memory between two
 * points and flat beyond them. */
static double start_median_at(const struct pricing_coldstart *cs, uint32_t memory_mb)
{
	if (isnan(cs->start_median_large_s))
		return cs->start_median_s;
	double lo = cs->start_median_mb, hi = cs->start_median_large_mb;
	double m = memory_mb < lo ? lo : memory_mb > hi ? hi : memory_mb;
	double t = log(m / lo) / log(hi / lo);
	return exp(log(cs->start_median_s) + t * (log(cs->start_median_large_s) - log(cs->start_median_s)));
}

/* The scenario's keys (defaults left NAN where they depend on the provider
 * or runtime); *model is the "model" object or NULL. */
static int read_keys(const json_t *cfg, const char *where, struct model_cfg *c, const char **runtime,
		     const char **framework, const json_t **model, struct errbuf *err)
{
	static const char *const keys[] = { "mode", "runtime", "framework", "start_median_s", "start_sigma",
					    "package_mb", "package_mb_per_s", "runtime_memory_mb",
					    "framework_memory_mb", "model", "snapstart", "restore_median_s",
					    "restore_sigma", NULL };
	static const char *const model_keys[] = { "size_mb", "load_mb_per_s", "framework_init_s", NULL };
	char path[512];
	int rc;
	if ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
	    (rc = ju_string(cfg, "runtime", where, JU_OPTIONAL, runtime, err)) < 0 ||
	    (rc = ju_string(cfg, "framework", where, JU_OPTIONAL, framework, err)) < 0 ||
	    (rc = ju_number(cfg, "start_median_s", where, JU_OPTIONAL, 0, 1e5, &c->start_median_s, err)) < 0 ||
	    (rc = ju_number(cfg, "start_sigma", where, JU_OPTIONAL, 0, 5, &c->start_sigma, err)) < 0 ||
	    (rc = ju_number(cfg, "package_mb", where, JU_OPTIONAL, 0, 1e6, &c->package_mb, err)) < 0 ||
	    (rc = ju_number(cfg, "package_mb_per_s", where, JU_OPTIONAL, 1e-3, 1e6, &c->package_mb_per_s, err)) < 0 ||
	    (rc = ju_number(cfg, "runtime_memory_mb", where, JU_OPTIONAL, 0, 1e6, &c->runtime_memory_mb, err)) < 0 ||
	    (rc = ju_number(cfg, "framework_memory_mb", where, JU_OPTIONAL, 0, 1e6, &c->framework_memory_mb,
			    err)) < 0 ||
	    (rc = ju_bool(cfg, "snapstart", where, JU_OPTIONAL, &c->snapstart, err)) < 0 ||
	    (rc = ju_number(cfg, "restore_median_s", where, JU_OPTIONAL, 0, 1e5, &c->restore_median_s, err)) < 0 ||
	    (rc = ju_number(cfg, "restore_sigma", where, JU_OPTIONAL, 0, 5, &c->restore_sigma, err)) < 0 ||
	    (rc = ju_object(cfg, "model", where, JU_OPTIONAL, model, err)) < 0)
		return rc;
	if (!*model)
		return 0;
	ju_path(path, sizeof(path), where, "model");
	if ((rc = ju_check_keys(*model, path, model_keys, err)) < 0 ||
	    (rc = ju_number(*model, "size_mb", path, JU_REQUIRED, 0, 1e6, &c->model_size_mb, err)) < 0 ||
	    (rc = ju_number(*model, "load_mb_per_s", path, JU_OPTIONAL, 1e-3, 1e6, &c->model_load_mb_per_s,
			    err)) < 0 ||
	    (rc = ju_number(*model, "framework_init_s", path, JU_OPTIONAL, 0, 1e5, &c->model_framework_init_s,
			    err)) < 0)
		return rc;
	return 0;
}

/* SnapStart: offered where the provider's data says so, for three runtimes;
 * the restore's kind and default median. */
static int check_snapstart(struct model_cfg *c, const char *runtime, const struct pricing_coldstart *provider,
			   const struct coldstart_ctx *ctx, const char *where, struct errbuf *err)
{
	char path[512];
	ju_path(path, sizeof(path), where, "snapstart");
	if (provider->snapstart != 1)
		return errbuf_set(err, ERR_INPUT, "%s: SnapStart is an AWS Lambda feature, not available on %s",
				  path, ctx->provider);
	int java = strcmp(runtime, "java") == 0;
	if (!java && strcmp(runtime, "python") != 0 && strcmp(runtime, "dotnet") != 0)
		return errbuf_set(err, ERR_INPUT, "%s: SnapStart supports the java, python and dotnet runtimes, not %s",
				  path, runtime);
	c->restore = java ? RESTORE_FREE : RESTORE_CHARGED;
	if (isnan(c->restore_median_s))
		c->restore_median_s = 0.12 + (c->runtime_memory_mb + c->framework_memory_mb + c->model_size_mb) / 800.0;
	return 0;
}

/* The runtime's and the framework's facts (models/runtimes.h): checks both
 * names and fills the memory defaults the scenario left unset;
 * *start_factor gets the runtime's start factor. */
static int runtime_defaults(struct model_cfg *c, const char *runtime, const char *framework, const char *where,
			    double *start_factor, struct errbuf *err)
{
	char path[512];
	struct runtime_facts rt;
	double framework_mb;
	int rc;
	if ((rc = runtimes_runtime(runtime, &rt, ju_path(path, sizeof(path), where, "runtime"), err)) < 0 ||
	    (rc = runtimes_framework(framework, &framework_mb, ju_path(path, sizeof(path), where, "framework"),
				     err)) < 0)
		return rc;
	if (isnan(c->runtime_memory_mb))
		c->runtime_memory_mb = rt.memory_mb;
	if (isnan(c->framework_memory_mb))
		c->framework_memory_mb = framework_mb;
	*start_factor = rt.start_factor;
	return 0;
}

static int model_parse(const json_t *cfg, const struct coldstart_ctx *ctx, const char *where, void **out,
		       struct errbuf *err)
{
	struct model_cfg c = {
		.start_median_s = NAN,
		.start_sigma = 0.3,
		.package_mb_per_s = 73,
		.model_load_mb_per_s = 73,
		.model_framework_init_s = 1.0,
		.restore_median_s = NAN,
		.restore_sigma = 0.3,
		.runtime_memory_mb = NAN,
		.framework_memory_mb = NAN,
	};
	const json_t *model = NULL;
	const char *runtime = "python", *framework = "none";
	char path[512];
	double start_factor;
	int rc;
	if ((rc = read_keys(cfg, where, &c, &runtime, &framework, &model, err)) < 0 ||
	    (rc = runtime_defaults(&c, runtime, framework, where, &start_factor, err)) < 0)
		return rc;
	struct pricing_coldstart provider = { .start_median_s = NAN, .start_median_large_s = NAN };
	if ((rc = pricing_catalog_coldstart(ctx->provider, &provider, err)) < 0)
		return rc;
	if (isnan(c.start_median_s)) {
		if (rc > 0)
			return errbuf_set(err, ERR_INPUT, "%s: no default start time for provider %s; set start_median_s",
					  ju_path(path, sizeof(path), where, "start_median_s"), ctx->provider);
		c.start_median_s = start_median_at(&provider, ctx->memory_mb) * start_factor;
	}
	c.load_s = c.package_mb / c.package_mb_per_s +
		   (model ? c.model_size_mb / c.model_load_mb_per_s + c.model_framework_init_s : 0);
	c.restore = RESTORE_NONE;
	if (c.snapstart && (rc = check_snapstart(&c, runtime, &provider, ctx, where, err)) < 0)
		return rc;
	struct model_cfg *p = malloc(sizeof(*p));
	if (!p)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*p = c;
	*out = p;
	return 0;
}

static double lognormal(gsl_rng *rng, double median, double sigma)
{
	return sigma > 0 && median > 0 ? gsl_ran_lognormal(rng, log(median), sigma) : median;
}

static void model_draw(const void *cfg, gsl_rng *rng, double warm_service_s, struct coldstart_draw *out)
{
	const struct model_cfg *c = cfg;
	out->service_s = warm_service_s;
	out->restore = c->restore;
	if (c->snapstart) {
		out->init_s = lognormal(rng, c->restore_median_s, c->restore_sigma);
		out->model_load_s = 0;
	} else {
		out->init_s = lognormal(rng, c->start_median_s, c->start_sigma) + c->load_s;
		out->model_load_s = c->model_size_mb / c->model_load_mb_per_s;
	}
}

static double model_mean(const void *cfg, double warm_mean_s)
{
	const struct model_cfg *c = cfg;
	if (c->snapstart)
		return c->restore_median_s * exp(c->restore_sigma * c->restore_sigma / 2) + warm_mean_s;
	return c->start_median_s * exp(c->start_sigma * c->start_sigma / 2) + c->load_s + warm_mean_s;
}

static uint32_t model_footprint(const void *cfg)
{
	const struct model_cfg *c = cfg;
	return (uint32_t)ceil(c->runtime_memory_mb + c->framework_memory_mb + c->model_size_mb);
}

static double model_size(const void *cfg)
{
	return ((const struct model_cfg *)cfg)->model_size_mb;
}

static enum restore_kind model_snapshot(const void *cfg)
{
	return ((const struct model_cfg *)cfg)->restore;
}

const struct coldstart_ops coldstart_model = {
	.name = "model",
	.parse = model_parse,
	.free_cfg = free,
	.draw = model_draw,
	.mean_total_s = model_mean,
	.footprint_mb = model_footprint,
	.snapshot = model_snapshot,
	.model_size_mb = model_size,
};
