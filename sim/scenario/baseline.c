#include "scenario/baseline.h"

#include <math.h>
#include <string.h>
#include "core/jsonutil.h"

int baseline_parse(const json_t *doc, const char *where, struct baseline_cfg *out,
		   struct errbuf *err)
{
	static const char *const keys[] = { "kind", "vcpus", "memory_gb", "hourly_usd",
					    "requests_per_s_per_vm", "min_vms", "scale", NULL };
	static const char *const kinds[] = { "vm", NULL };
	static const char *const scales[] = { "peak", "autoscale", NULL };
	const json_t *b;
	char path[512], top[512];
	snprintf(top, sizeof(top), "%s: ", where);
	int rc = ju_object(doc, "baseline", top, JU_OPTIONAL, &b, err);
	if (rc < 0 || !b)
		return rc;
	ju_path(path, sizeof(path), top, "baseline");
	struct baseline_cfg c = { .vcpus = 0, .memory_gb = 0, .min_vms = 1, .scale = BASELINE_PEAK };
	uint64_t min_vms = 1;
	int kind = 0, scale = BASELINE_PEAK;
	if ((rc = ju_check_keys(b, path, keys, err)) < 0 ||
	    (rc = ju_enum(b, "kind", path, JU_REQUIRED, kinds, &kind, err)) < 0 ||
	    (rc = ju_number(b, "vcpus", path, JU_OPTIONAL, 0, 1e6, &c.vcpus, err)) < 0 ||
	    (rc = ju_number(b, "memory_gb", path, JU_OPTIONAL, 0, 1e9, &c.memory_gb, err)) < 0 ||
	    (rc = ju_number(b, "hourly_usd", path, JU_REQUIRED, 0, 1e9, &c.hourly_usd, err)) < 0 ||
	    (rc = ju_number(b, "requests_per_s_per_vm", path, JU_REQUIRED, 1e-12, 1e12,
			    &c.requests_per_s_per_vm, err)) < 0 ||
	    (rc = ju_uint(b, "min_vms", path, JU_OPTIONAL, 0, 1000000000, &min_vms, err)) < 0 ||
	    (rc = ju_enum(b, "scale", path, JU_OPTIONAL, scales, &scale, err)) < 0)
		return rc;
	c.min_vms = (uint32_t)min_vms;
	c.scale = (enum baseline_scale)scale;
	if (out)
		*out = c;
	return 1;
}

static uint32_t vms_for(const struct baseline_cfg *b, double rate_per_s)
{
	/* A rate that is a whole multiple of the capacity up to rounding needs
	 * exactly that many VMs, not one more. */
	double need = ceil(rate_per_s / b->requests_per_s_per_vm * (1 - 1e-12));
	if (need < b->min_vms)
		need = b->min_vms;
	return need > 4e9 ? 4000000000u : (uint32_t)need;
}

void baseline_vm_cost(const struct baseline_cfg *b, const struct baseline_bin *bins, size_t n,
		      double lo_s, double hi_s, struct baseline_cost *out)
{
	memset(out, 0, sizeof(*out));
	out->peak_vms = b->min_vms;
	double vm_s = 0;   /* VM-seconds under autoscaling */
	for (size_t i = 0; i < n; i++) {
		double a = bins[i].t_start_s > lo_s ? bins[i].t_start_s : lo_s;
		double z = bins[i].t_end_s < hi_s ? bins[i].t_end_s : hi_s;
		double width = bins[i].t_end_s - bins[i].t_start_s;
		if (z <= a || width <= 0)
			continue;
		double rate = bins[i].arrivals / width;
		uint32_t vms = vms_for(b, rate);
		if (rate > out->peak_rate_per_s)
			out->peak_rate_per_s = rate;
		if (vms > out->peak_vms)
			out->peak_vms = vms;
		vm_s += (double)vms * (z - a);
	}
	double window = hi_s - lo_s;
	if (b->scale == BASELINE_PEAK)
		vm_s = (double)out->peak_vms * window;
	out->mean_vms = window > 0 ? vm_s / window : 0;
	out->vm_usd = vm_s / 3600 * b->hourly_usd;
	out->vm_monthly_usd = window > 0 ? out->vm_usd * BASELINE_MONTH_S / window : 0;
}

double baseline_break_even(const struct baseline_point *pts, size_t n)
{
	for (size_t k = 0; k + 1 < n; k++) {
		double d0 = pts[k].serverless_monthly_usd - pts[k].vm.vm_monthly_usd;
		double d1 = pts[k + 1].serverless_monthly_usd - pts[k + 1].vm.vm_monthly_usd;
		if (d0 < 0 && d1 >= 0) {
			double x0 = log(pts[k].scale), x1 = log(pts[k + 1].scale);
			return exp(x0 + (x1 - x0) * (-d0) / (d1 - d0));
		}
	}
	return NAN;
}
