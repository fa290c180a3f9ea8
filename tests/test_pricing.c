/*
 * Pricing engines against hand-computed bills (to the cent and tighter: the
 * arithmetic is exact up to double rounding, so tolerances are 1e-6 USD
 * unless stated), the built-in price lists, overrides, free and volume
 * tiers, provisioned concurrency, instance-based billing and SnapStart fees.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "models/pricing/catalog.h"
#include "suites.h"
#include "testutil.h"

struct priced {
	const struct pricing_ops *ops;
	void *cfg;
};

static struct priced load(const char *provider_json, int free_tier)
{
	struct priced p = { 0 };
	struct errbuf err = { "" };
	json_error_t jerr;
	json_t *obj = json_loads(provider_json, 0, &jerr);
	ck_assert_ptr_nonnull(obj);
	p.ops = pricing_find(json_string_value(json_object_get(obj, "name")));
	ck_assert_ptr_nonnull(p.ops);
	struct pricing_opts opts = { .free_tier = free_tier };
	int rc = p.ops->parse(p.ops, obj, &opts, "t.json: provider", &p.cfg, &err);
	json_decref(obj);
	ck_assert_msg(rc == 0, "%s", err.msg);
	return p;
}

/* The bill of `instances` x `seconds` of one kind of time at memory_mb and
 * vcpus on the provider described by provider_json: over the run, or as a
 * month (monthly 1, with the free tier when free_tier is 1). */
static struct cost time_bill(const char *provider_json, int free_tier, enum pricing_time kind, uint32_t memory_mb,
			     double vcpus, uint32_t instances, double seconds, int monthly)
{
	struct priced p = load(provider_json, free_tier);
	struct usage u = { 0 };
	struct cost c;
	p.ops->meter_time(p.cfg, &u, kind, memory_mb, vcpus, instances, seconds, NULL);
	if (monthly)
		p.ops->monthly(p.cfg, &u, 1.0, &c);
	else
		p.ops->cost(p.cfg, &u, &c);
	p.ops->free_cfg(p.cfg);
	return c;
}

static int load_fails(const char *provider_json, const char *needle)
{
	struct errbuf err = { "" };
	json_t *obj = json_loads(provider_json, 0, NULL);
	const struct pricing_ops *ops = pricing_find(json_string_value(json_object_get(obj, "name")));
	void *cfg = NULL;
	struct pricing_opts opts = { 0 };
	int rc = ops->parse(ops, obj, &opts, "t.json: provider", &cfg, &err);
	json_decref(obj);
	if (rc == 0)
		ops->free_cfg(cfg);
	ck_assert_msg(rc == ERR_INPUT, "expected an input error for %s", provider_json);
	ck_assert_msg(strstr(err.msg, needle), "message \"%s\" lacks \"%s\"", err.msg, needle);
	return 1;
}

/* The example month: 3 M requests of 120 ms at 512 MB. */
static void three_million(const struct priced *p, struct usage *u)
{
	double vcpus;
	struct errbuf err = { "" };
	ck_assert_int_eq(p->ops->resources(p->cfg, 512, NAN, &vcpus, "f", &err), 0);
	struct meter_req r = { .memory_mb = 512, .vcpus = vcpus, .run_s = 0.12 };
	memset(u, 0, sizeof(*u));
	for (int i = 0; i < 3000000; i++)
		p->ops->meter(p->cfg, u, &r);
}

/* List bill (cost) and the same usage as a month with free tier (scale 1). */
static void bills(const char *provider_json, double list_usd, double free_usd)
{
	struct priced p = load(provider_json, 0), pf = load(provider_json, 1);
	struct usage u;
	struct cost c, m, mf;
	three_million(&p, &u);
	p.ops->cost(p.cfg, &u, &c);
	p.ops->monthly(p.cfg, &u, 1.0, &m);
	pf.ops->monthly(pf.cfg, &u, 1.0, &mf);
	ck_assert_double_eq_tol(c.total_usd, list_usd, 1e-6);
	ck_assert_double_eq_tol(c.requests_usd + c.compute_usd + c.provisioned_usd, c.total_usd, 1e-9);
	/* Far below the volume tiers, the month without free tier is the list bill. */
	ck_assert_double_eq_tol(m.total_usd, list_usd, 1e-6);
	ck_assert_double_eq_tol(mf.total_usd, free_usd, 1e-6);
	p.ops->free_cfg(p.cfg);
	pf.ops->free_cfg(pf.cfg);
}

START_TEST(three_million_requests_each_provider)
{
	/* AWS x86: 3 M x $0.20/M = $0.60; 3e6 x 0.12 s x 0.5 GB = 180,000 GB-s
	 * x $0.0000166667 = $3.000006; total $3.600006. Free tier: 2 M billable
	 * requests = $0.40, 180,000 GB-s < 400,000 free = $0; total $0.40. */
	bills("{\"name\": \"aws-lambda-x86\"}", 3.600006, 0.40);
	/* AWS arm64: 180,000 x $0.0000133334 = $2.400012 + $0.60 = $3.000012. */
	bills("{\"name\": \"aws-lambda-arm64\"}", 3.000012, 0.40);
	/* Azure Consumption: 512 MB is a multiple of 128, 120 ms > 100 ms minimum:
	 * 180,000 GB-s x $0.000016 = $2.88 + $0.60 = $3.48; free: $0.40. */
	bills("{\"name\": \"azure-consumption\"}", 3.48, 0.40);
	/* Azure Flex, 512 MB instances: 120 ms bills the 1,000 ms minimum:
	 * 3e6 x 1 s x 0.5 GB = 1.5e6 GB-s x $0.000026 = $39.00; 3 M x $0.40/M =
	 * $1.20; total $40.20. Free: (1.5e6 - 100,000) x $0.000026 = $36.40 plus
	 * (3 M - 250,000) x $0.40/M = $1.10; total $37.50. */
	bills("{\"name\": \"azure-flex\"}", 40.20, 37.50);
	/* Azure Premium: no execution fee; instance time is billed (below). */
	bills("{\"name\": \"azure-premium-ep1\"}", 0, 0);
	/* GCF gen1, 512 MB = 800 MHz, 120 ms -> 200 ms: 3e6 x 0.2 x 0.5 =
	 * 300,000 GB-s x $0.0000025 = $0.75; 3e6 x 0.2 x 0.8 = 480,000 GHz-s x
	 * $0.00001 = $4.80; 3 M x $0.40/M = $1.20; total $6.75. Free: 1 M
	 * requests $0.40, GB-s under 400,000 $0, (480,000 - 200,000) GHz-s =
	 * $2.80; total $3.20. */
	bills("{\"name\": \"gcf-gen1\"}", 6.75, 3.20);
	/* GCF gen2, 512 MiB = 0.333 vCPU by default, 200 ms: 3e6 x 0.2 x 0.333 =
	 * 199,800 vCPU-s x $0.000024 = $4.7952; 300,000 GiB-s x $0.0000025 =
	 * $0.75; $1.20 of requests; total $6.7452. Free: (199,800 - 180,000) x
	 * $0.000024 = $0.4752, GiB-s under 360,000, 1 M requests $0.40; $0.8752. */
	bills("{\"name\": \"gcf-gen2\"}", 6.7452, 0.8752);
}
END_TEST

START_TEST(overrides_replace_data)
{
	/* 180,000 GB-s x $0.000015 + $0.60 = $3.30. */
	bills("{\"name\": \"aws-lambda-x86\", \"gb_s_usd\": 0.000015}", 3.30, 0.40);
	/* A billing rule is data too: 100 ms rounding bills 200 ms, 3e6 x 0.2 s
	 * x 0.5 GB = 300,000 GB-s x $0.0000166667 = $5.00001 + $0.60; with the
	 * free tier the GB-s are still under 400,000. */
	bills("{\"name\": \"aws-lambda-x86\", \"granularity_ms\": 100}", 5.60001, 0.40);
	load_fails("{\"name\": \"aws-lambda-x86\", \"gb_s\": 1}", "provider.gb_s: unknown key for provider aws-lambda-x86");
	/* A field of another engine, or of another provider of the same engine. */
	load_fails("{\"name\": \"aws-lambda-x86\", \"ghz_s_usd\": 1}", "unknown key");
	load_fails("{\"name\": \"gcf-gen2\", \"ghz_s_usd\": 1}", "unknown key");
	load_fails("{\"name\": \"aws-lambda-x86\", \"gb_s_usd\": -1}", "provider.gb_s_usd: must be a number in");
	load_fails("{\"name\": \"aws-lambda-x86\", \"gb_s_usd\": \"cheap\"}", "must be a number");
}
END_TEST

START_TEST(volume_tiers_apply_to_the_month)
{
	struct priced x86 = load("{\"name\": \"aws-lambda-x86\"}", 0), arm = load("{\"name\": \"aws-lambda-arm64\"}", 0);
	struct usage u = { 0 };
	struct cost m;
	/* 10 B GB-s in a month: 6e9 x $0.0000166667 + 4e9 x $0.000015 =
	 * $100,000.20 + $60,000 = $160,000.20. */
	u.billed_mb_ms = (uint64_t)10e9 * 1024 * 1000;
	x86.ops->monthly(x86.cfg, &u, 1.0, &m);
	ck_assert_double_eq_tol(m.compute_usd, 160000.2, 1e-4);
	/* The same usage as half a month, scaled by 2, is the same month. */
	u.billed_mb_ms /= 2;
	x86.ops->monthly(x86.cfg, &u, 2.0, &m);
	ck_assert_double_eq_tol(m.compute_usd, 160000.2, 1e-4);
	/* 20 B: + 9e9 x $0.000015 + 5e9 x $0.0000133334 = 100,000.2 + 135,000 +
	 * 66,667 = $301,667.20. The horizon cost stays at the tier-1 price. */
	u.billed_mb_ms = (uint64_t)20e9 * 1024 * 1000;
	x86.ops->monthly(x86.cfg, &u, 1.0, &m);
	ck_assert_double_eq_tol(m.compute_usd, 301667.2, 1e-4);
	x86.ops->cost(x86.cfg, &u, &m);
	ck_assert_double_eq_tol(m.compute_usd, 20e9 * 0.0000166667, 1e-4);
	/* arm64, 20 B: 7.5e9 x 0.0000133334 + 11.25e9 x 0.0000120001 + 1.25e9 x
	 * 0.0000106667 = 100,000.5 + 135,001.125 + 13,333.375 = $248,335.00. */
	arm.ops->monthly(arm.cfg, &u, 1.0, &m);
	ck_assert_double_eq_tol(m.compute_usd, 248335.0, 1e-4);
	x86.ops->free_cfg(x86.cfg);
	arm.ops->free_cfg(arm.cfg);
}
END_TEST

START_TEST(provisioned_and_always_ready)
{
	struct usage u = { 0 };
	struct cost c;
	/* AWS's own example: 1,024 MB, provisioned concurrency 1,000 for 2 h:
	 * 1,000 x 7,200 s x 1 GB = 7.2e6 GB-s x $0.0000041667 = $30.00024. */
	c = time_bill("{\"name\": \"aws-lambda-x86\"}", 1, PRICING_TIME_PROVISIONED, 1024, 0.58, 1000, 7200, 0);
	ck_assert_double_eq_tol(c.provisioned_usd, 30.00024, 1e-6);
	/* 5-minute blocks: 3,601 s bills 13 x 300 = 3,900 s, busy or not; and a
	 * 1 s request served by it bills 1 GB-s at $0.0000097222, outside the
	 * free tier. */
	struct priced aws = load("{\"name\": \"aws-lambda-x86\"}", 1);
	aws.ops->meter_time(aws.cfg, &u, PRICING_TIME_PROVISIONED, 1024, 0.58, 1, 3601, NULL);
	struct meter_req r = { .memory_mb = 1024, .vcpus = 0.58, .run_s = 1.0, .provisioned = 1 };
	aws.ops->meter(aws.cfg, &u, &r);
	aws.ops->meter_time(aws.cfg, &u, PRICING_TIME_PROVISIONED_BUSY, 1024, 0.58, 1, 1.0, NULL);
	aws.ops->monthly(aws.cfg, &u, 1.0, &c);
	ck_assert_double_eq_tol(c.provisioned_usd, 3900 * 0.0000041667 + 0.0000097222, 1e-12);
	ck_assert_double_eq_tol(c.compute_usd, 0, 1e-15);
	aws.ops->free_cfg(aws.cfg);

	/* Azure Flex always ready, one 2,048 MB instance for a day, a 0.25 s
	 * execution on it: the baseline while idle, 2 GB x (86,400 - 0.25) s x
	 * $0.000004 = $0.691198; the execution bills the 1,000 ms minimum,
	 * 2 GB-s x $0.000016 = $0.000032. */
	struct priced flex = load("{\"name\": \"azure-flex\"}", 0);
	memset(&u, 0, sizeof(u));
	flex.ops->meter_time(flex.cfg, &u, PRICING_TIME_PROVISIONED, 2048, 1, 1, 86400, NULL);
	r = (struct meter_req){ .memory_mb = 2048, .vcpus = 1, .run_s = 0.25, .provisioned = 1 };
	flex.ops->meter(flex.cfg, &u, &r);
	flex.ops->meter_time(flex.cfg, &u, PRICING_TIME_PROVISIONED_BUSY, 2048, 1, 1, 0.25, NULL);
	flex.ops->cost(flex.cfg, &u, &c);
	ck_assert_double_eq_tol(c.provisioned_usd, 2 * 86399.75 * 0.000004 + 0.000032, 1e-12);
	flex.ops->free_cfg(flex.cfg);

	/* GCF gen2 idle min-instance, 512 MiB / 0.333 vCPU for a day: 86,400 x
	 * (0.5 x $0.0000025 + 0.333 x $0.0000025) = $0.108 + $0.071928. */
	c = time_bill("{\"name\": \"gcf-gen2\"}", 0, PRICING_TIME_PROVISIONED, 512, 0.333, 1, 86400, 0);
	ck_assert_double_eq_tol(c.provisioned_usd, 0.179928, 1e-9);
	/* A 0.25 s request on it: billed at the active rates, 300 ms x (0.5 GiB
	 * x $0.0000025 + 0.333 vCPU x $0.000024), and the instance idle 0.25 s
	 * less: (86,400 - 0.25) x (0.5 + 0.333) x $0.0000025. */
	struct priced gen2 = load("{\"name\": \"gcf-gen2\"}", 0);
	memset(&u, 0, sizeof(u));
	gen2.ops->meter_time(gen2.cfg, &u, PRICING_TIME_PROVISIONED, 512, 0.333, 1, 86400, NULL);
	r = (struct meter_req){ .memory_mb = 512, .vcpus = 0.333, .run_s = 0.25, .provisioned = 1 };
	gen2.ops->meter(gen2.cfg, &u, &r);
	gen2.ops->meter_time(gen2.cfg, &u, PRICING_TIME_PROVISIONED_BUSY, 512, 0.333, 1, 0.25, NULL);
	gen2.ops->cost(gen2.cfg, &u, &c);
	ck_assert_double_eq_tol(c.provisioned_usd, 86399.75 * 0.833 * 0.0000025, 1e-12);
	ck_assert_double_eq_tol(c.compute_usd, 0.3 * (0.5 * 0.0000025 + 0.333 * 0.000024), 1e-15);
	gen2.ops->free_cfg(gen2.cfg);
}
END_TEST

START_TEST(instance_based_billing)
{
	struct usage u = { 0 };
	/* Azure Premium EP1 (1 vCPU, 3.5 GB), one instance for 30 days = 720 h:
	 * 720 x $0.173 + 720 x 3.5 x $0.0123 = $124.56 + $30.996 = $155.556. */
	struct cost c = time_bill("{\"name\": \"azure-premium-ep1\"}", 1, PRICING_TIME_INSTANCE, 512, 1, 1, 720 * 3600.0, 1);
	ck_assert_double_eq_tol(c.total_usd, 155.556, 1e-9);
	/* EP3 (4 vCPU, 14 GB) costs 4x EP1 per hour. */
	c = time_bill("{\"name\": \"azure-premium-ep3\"}", 0, PRICING_TIME_INSTANCE, 512, 4, 1, 3600, 0);
	ck_assert_double_eq_tol(c.total_usd, 4 * 0.173 + 14 * 0.0123, 1e-12);
	/* GCF gen2 instance-based, 512 MiB / 0.333 vCPU for a day, requests free:
	 * 86,400 x 0.333 x $0.000018 + 86,400 x 0.5 x $0.000002 = $0.5178816 +
	 * $0.0864 = $0.6042816. */
	struct priced g2 = load("{\"name\": \"gcf-gen2\", \"instance_based\": 1}", 0);
	memset(&u, 0, sizeof(u));
	g2.ops->meter_time(g2.cfg, &u, PRICING_TIME_INSTANCE, 512, 0.333, 1, 86400, NULL);
	struct meter_req r = { .memory_mb = 512, .vcpus = 0.333, .run_s = 0.5 };
	g2.ops->meter(g2.cfg, &u, &r);
	g2.ops->cost(g2.cfg, &u, &c);
	ck_assert_double_eq_tol(c.requests_usd, 0, 1e-15);
	ck_assert_double_eq_tol(c.total_usd, 0.6042816, 1e-9);
	g2.ops->free_cfg(g2.cfg);
	/* Per-request schemes ignore instance time. */
	c = time_bill("{\"name\": \"aws-lambda-x86\"}", 0, PRICING_TIME_INSTANCE, 512, 0.3, 1, 86400, 0);
	ck_assert_double_eq(c.total_usd, 0);
}
END_TEST

START_TEST(rounding_rules)
{
	struct usage u = { 0 };
	/* Azure Consumption: 200 MB observed -> 256 MB, 50 ms -> 100 ms minimum. */
	struct priced az = load("{\"name\": \"azure-consumption\"}", 0);
	struct meter_req r = { .memory_mb = 200, .vcpus = 1, .run_s = 0.05 };
	az.ops->meter(az.cfg, &u, &r);
	ck_assert_uint_eq(u.billed_mb_ms, 256 * 100);
	az.ops->free_cfg(az.cfg);
	/* AWS: INIT billed with the run, 1 ms steps: 0.5 + 0.1234567 -> 624 ms;
	 * a SnapStart restore replaces INIT and is not billed as duration, but
	 * Python restores count for the per-GB fee. */
	struct priced aws = load("{\"name\": \"aws-lambda-x86\"}", 0);
	memset(&u, 0, sizeof(u));
	r = (struct meter_req){ .memory_mb = 1024, .init_s = 0.5, .run_s = 0.1234567 };
	aws.ops->meter(aws.cfg, &u, &r);
	ck_assert_uint_eq(u.billed_ms, 624);
	r.restore = RESTORE_CHARGED;
	aws.ops->meter(aws.cfg, &u, &r);
	ck_assert_uint_eq(u.billed_ms, 624 + 124);
	r.restore = RESTORE_FREE;
	aws.ops->meter(aws.cfg, &u, &r);
	ck_assert_uint_eq(u.billed_ms, 624 + 124 + 124);
	ck_assert_uint_eq(u.restores, 1);
	ck_assert_uint_eq(u.restore_mb, 1024);
	/* SnapStart fees: 1,000 restores of 1 GB x $0.0001397998 = $0.1397998;
	 * a snapshot cached 1 h bills the 3 h minimum: 10,800 GB-s x
	 * $0.0000015046 = $0.01624968. */
	memset(&u, 0, sizeof(u));
	r = (struct meter_req){ .memory_mb = 1024, .run_s = 0.1, .restore = RESTORE_CHARGED };
	for (int i = 0; i < 1000; i++)
		aws.ops->meter(aws.cfg, &u, &r);
	aws.ops->meter_time(aws.cfg, &u, PRICING_TIME_SNAPSHOT, 1024, 0.58, 1, 3600, NULL);
	struct cost c;
	aws.ops->cost(aws.cfg, &u, &c);
	ck_assert_double_eq_tol(c.compute_usd, 1000 * 0.1 * 0.0000166667 + 0.1397998 + 0.01624968, 1e-12);
	aws.ops->free_cfg(aws.cfg);
	/* GCF: 260 ms bills 300 ms (the documented example). */
	struct priced g1 = load("{\"name\": \"gcf-gen1\"}", 0);
	memset(&u, 0, sizeof(u));
	r = (struct meter_req){ .memory_mb = 256, .vcpus = 400.0 / 2400, .run_s = 0.26 };
	g1.ops->meter(g1.cfg, &u, &r);
	ck_assert_uint_eq(u.billed_ms, 300);
	ck_assert_uint_eq(u.billed_mhz_ms, 400 * 300);
	g1.ops->free_cfg(g1.cfg);
}
END_TEST

START_TEST(usage_add_sums_every_field)
{
	/* Every field is a uint64_t: fill src with distinct values and check
	 * that dst gets each one added, none forgotten. */
	struct usage a, b;
	uint64_t *pa = (uint64_t *)&a, *pb = (uint64_t *)&b;
	size_t n = sizeof(a) / sizeof(uint64_t);
	ck_assert_uint_eq(sizeof(a) % sizeof(uint64_t), 0);
	for (size_t i = 0; i < n; i++) {
		pa[i] = 1000 * (i + 1);
		pb[i] = i + 1;
	}
	usage_add(&a, &b);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(pa[i], 1000 * (i + 1) + i + 1);
}
END_TEST

static int resources(const char *provider, uint32_t mb, double want, double *vcpus, struct errbuf *err)
{
	char json[128];
	snprintf(json, sizeof(json), "{\"name\": \"%s\"}", provider);
	struct priced p = load(json, 0);
	int rc = p.ops->resources(p.cfg, mb, want, vcpus, "t.json: functions[0]", err);
	p.ops->free_cfg(p.cfg);
	return rc;
}

START_TEST(vcpu_share_of_memory)
{
	struct errbuf err = { "" };
	double v;
	/* Lambda: memory / 1,769 MB, up to 6. */
	ck_assert_int_eq(resources("aws-lambda-x86", 1769, NAN, &v, &err), 0);
	ck_assert_double_eq_tol(v, 1.0, 1e-15);
	ck_assert_int_eq(resources("aws-lambda-arm64", 128, NAN, &v, &err), 0);
	ck_assert_double_eq_tol(v, 128.0 / 1769, 1e-15);
	ck_assert_int_eq(resources("aws-lambda-x86", 10240, NAN, &v, &err), 0);
	ck_assert_double_eq_tol(v, 10240.0 / 1769, 1e-12);
	ck_assert_int_eq(resources("aws-lambda-x86", 100, NAN, &v, &err), ERR_INPUT);
	ck_assert_int_eq(resources("aws-lambda-x86", 1024, 2, &v, &err), ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "functions[0].vcpus"));
	/* GCF gen1: the MHz table, 2.4 GHz = 1 vCPU. */
	const uint32_t mb[] = { 128, 256, 512, 1024, 2048, 4096, 8192 };
	const double mhz[] = { 200, 400, 800, 1400, 2400, 4800, 4800 };
	for (int i = 0; i < 7; i++) {
		ck_assert_int_eq(resources("gcf-gen1", mb[i], NAN, &v, &err), 0);
		ck_assert_double_eq_tol(v, mhz[i] / 2400, 1e-15);
	}
	ck_assert_int_eq(resources("gcf-gen1", 300, NAN, &v, &err), ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "must be one of 128, 256, 512, 1024, 2048, 4096, 8192 MB"));
	/* GCF gen2: configured, else the tier at or above memory_mb. */
	ck_assert_int_eq(resources("gcf-gen2", 600, NAN, &v, &err), 0);
	ck_assert_double_eq(v, 0.583);
	ck_assert_int_eq(resources("gcf-gen2", 512, 2, &v, &err), 0);
	ck_assert_double_eq(v, 2);
	ck_assert_int_eq(resources("gcf-gen2", 512, 9, &v, &err), ERR_INPUT);
	/* Azure: Consumption 1 core up to 1,536 MB; Flex by instance size; Premium by SKU. */
	ck_assert_int_eq(resources("azure-consumption", 1536, NAN, &v, &err), 0);
	ck_assert_double_eq(v, 1);
	ck_assert_int_eq(resources("azure-consumption", 2048, NAN, &v, &err), ERR_INPUT);
	ck_assert_int_eq(resources("azure-flex", 512, NAN, &v, &err), 0);
	ck_assert_double_eq(v, 0.25);
	ck_assert_int_eq(resources("azure-flex", 4096, NAN, &v, &err), 0);
	ck_assert_double_eq(v, 2);
	ck_assert_int_eq(resources("azure-flex", 1024, NAN, &v, &err), ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "512, 2048 or 4096"));
	ck_assert_int_eq(resources("azure-premium-ep2", 4096, NAN, &v, &err), 0);
	ck_assert_double_eq(v, 2);
	ck_assert_int_eq(resources("azure-premium-ep1", 4096, NAN, &v, &err), ERR_INPUT);
}
END_TEST

START_TEST(catalogue_matches_registry)
{
	/* Every provider in the built-in lists has ops, and every registered
	 * provider loads (its data complete: value, as_of and source each). */
	int n_data = 0;
	for (const struct pricing_catalog_file *f = pricing_catalog_files(); f->name; f++) {
		json_error_t jerr;
		json_t *doc = json_loads(f->text, JSON_REJECT_DUPLICATES, &jerr);
		ck_assert_msg(doc != NULL, "%s: %s", f->name, jerr.text);
		ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")), "slsim-pricing/1");
		const char *name;
		json_t *v;
		json_object_foreach(json_object_get(doc, "providers"), name, v) {
			ck_assert_msg(pricing_find(name) != NULL, "%s: provider %s has no ops", f->name, name);
			n_data++;
		}
		json_decref(doc);
	}
	char list[1024];
	snprintf(list, sizeof(list), "%s", pricing_names());
	int n_ops = 0;
	for (char *save, *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char json[128];
		snprintf(json, sizeof(json), "{\"name\": \"%s\"}", tok);
		struct priced p = load(json, 0);
		p.ops->free_cfg(p.cfg);
		n_ops++;
	}
	ck_assert_int_eq(n_data, n_ops);
	ck_assert_int_eq(n_ops, 14);
}
END_TEST

START_TEST(monthly_figure_in_a_run)
{
	/* One day of a request per second (86,401 with both ends), 120 ms at
	 * 512 MB on AWS x86: the month (730 h) is 2,628,000 / 86,400 = 30.4167 x
	 * the day, 2,628,030.4 requests. Without free tier: requests x $0.20/M +
	 * requests x 0.06 GB-s x $0.0000166667; with it: (requests - 1 M) x
	 * $0.20/M, the 157,681.8 GB-s being under 400,000. */
	const char *fmt = "{\"seed\": 1, \"duration_s\": 86400, %s \"functions\": [{\"name\": \"f\","
			  " \"memory_mb\": 512, \"service\": {\"dist\": \"constant\", \"value_s\": 0.12},"
			  " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1}}]}";
	char text[1024];
	struct scenario sc;
	struct run_result r;
	const double req = 86401.0 * 2628000 / 86400, gb_s = req * 0.06;
	snprintf(text, sizeof(text), fmt, "");
	tu_simulate(text, &sc, &r);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_COST_MONTHLY), req * 0.2e-6 + gb_s * 0.0000166667, 1e-9);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_COST_TOTAL),
				86401 * 0.2e-6 + 86401 * 0.06 * 0.0000166667, 1e-12);
	run_result_free(&r);
	scenario_free(&sc);
	snprintf(text, sizeof(text), fmt, "\"pricing\": {\"free_tier\": true},");
	tu_simulate(text, &sc, &r);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_COST_MONTHLY), (req - 1e6) * 0.2e-6, 1e-9);
	run_result_free(&r);
	scenario_free(&sc);
}
END_TEST

START_TEST(premium_instance_time_in_a_run)
{
	/* One EP1 instance kept forever, created by the first request at t = 0:
	 * it lives the whole 7,200 s window, 2 h x ($0.173 + 3.5 x $0.0123). */
	struct scenario sc;
	struct run_result r;
	tu_simulate("{\"duration_s\": 7200, \"provider\": \"azure-premium-ep1\", \"functions\": [{\"name\": \"f\","
		    " \"memory_mb\": 1024, \"service\": {\"dist\": \"constant\", \"value_s\": 0.5},"
		    " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 1e9},"
		    " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 60}}]}", &sc, &r);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_COST_TOTAL), 2 * (0.173 + 3.5 * 0.0123), 1e-9);
	ck_assert_double_eq_tol(tu_fig(&r.functions[0], FIG_COST_TOTAL), 2 * (0.173 + 3.5 * 0.0123), 1e-9);
	/* The time series spreads the same instance time over its intervals. */
	double sum = 0;
	for (size_t i = 0; i < r.n_bins; i++) {
		struct cost c;
		sc.pricing->cost(sc.pricing_cfg, &r.bins[i].usage, &c);
		sum += c.total_usd;
	}
	ck_assert_double_eq_tol(sum, 2 * (0.173 + 3.5 * 0.0123), 1e-9);
	run_result_free(&r);
	scenario_free(&sc);
}
END_TEST

/* Three requests on one instance, [0, 1.23], [0.5, 2.01] and [3.0, 3.04]:
 * busy periods [0, 2.01] (2.01 s) and [3.0, 3.04] (0.04 s). Metered per
 * request (shared = 0), as before, they would bill 1.23, 1.51 and 0.04 s. */
static struct cost busy_bill(const char *provider_json, uint32_t memory_mb, double vcpus, int provisioned)
{
	struct priced p = load(provider_json, 0);
	struct usage u = { 0 };
	struct cost c;
	const double run_s[] = { 1.23, 1.51, 0.04 }, period_s[] = { 2.01, 0.04 };
	for (int i = 0; i < 3; i++) {
		struct meter_req r = { .memory_mb = memory_mb, .vcpus = vcpus, .run_s = run_s[i],
				       .provisioned = provisioned, .shared = 1 };
		p.ops->meter(p.cfg, &u, &r);
	}
	for (int i = 0; i < 2; i++) {
		struct meter_req b = { .memory_mb = memory_mb, .vcpus = vcpus, .run_s = period_s[i],
				       .provisioned = provisioned };
		p.ops->meter_busy(p.cfg, &u, &b);
	}
	ck_assert_uint_eq(u.requests, 3);
	p.ops->cost(p.cfg, &u, &c);
	p.ops->free_cfg(p.cfg);
	return c;
}

START_TEST(busy_periods_bill_flex_and_gen2)
{
	/* Flex, 2,048 MB (2 GB): each period rounded up to 100 ms, at least
	 * 1,000 ms: 2,100 + 1,000 ms = 3.1 s x 2 GB = 6.2 GB-s x $0.000026, plus
	 * 3 x $0.40/M (per request it would be 1,300 + 1,600 + 1,000 ms). */
	struct cost c = busy_bill("{\"name\": \"azure-flex\"}", 2048, 1, 0);
	ck_assert_double_eq_tol(c.requests_usd, 3 * 0.4e-6, 1e-15);
	ck_assert_double_eq_tol(c.compute_usd, 6.2 * 0.000026, 1e-15);
	ck_assert_double_eq_tol(c.total_usd, 3 * 0.4e-6 + 6.2 * 0.000026, 1e-15);
	/* On an always-ready instance the same periods go at the always-ready
	 * execution rate ($0.000016 per GB-s). */
	c = busy_bill("{\"name\": \"azure-flex\"}", 2048, 1, 1);
	ck_assert_double_eq_tol(c.compute_usd, 0, 1e-15);
	ck_assert_double_eq_tol(c.provisioned_usd, 6.2 * 0.000016, 1e-15);
	/* gen2 request-based, 2,048 MiB and 1 vCPU: rounded up to 100 ms per
	 * period, no minimum: 2,100 + 100 ms = 2.2 s; 2.2 vCPU-s x $0.000024 +
	 * 4.4 GiB-s x $0.0000025 + 3 x $0.40/M. */
	c = busy_bill("{\"name\": \"gcf-gen2\"}", 2048, 1, 0);
	ck_assert_double_eq_tol(c.compute_usd, 2.2 * 0.000024 + 4.4 * 0.0000025, 1e-15);
	ck_assert_double_eq_tol(c.total_usd, 3 * 0.4e-6 + 2.2 * 0.000024 + 4.4 * 0.0000025, 1e-15);
	/* Plans that bill executions ignore busy periods and bill each request:
	 * Consumption at 2,048 MB is over its memory cap, so 1,024 MB; 1,230 +
	 * 1,510 + 100 (its minimum) ms = 2.84 s x 1 GB x $0.000016; gen2
	 * instance-based bills neither (instance time). */
	c = busy_bill("{\"name\": \"azure-consumption\"}", 1024, 1, 0);
	ck_assert_double_eq_tol(c.compute_usd, 2.84 * 0.000016, 1e-15);
	c = busy_bill("{\"name\": \"gcf-gen2\", \"instance_based\": 1}", 2048, 1, 0);
	ck_assert_double_eq_tol(c.total_usd, 0, 1e-15);
	c = busy_bill("{\"name\": \"aws-lambda-x86\"}", 1024, 1, 0);
	ck_assert_double_eq_tol(c.compute_usd, 2.78 * 0.0000166667, 1e-15);
}
END_TEST

START_TEST(default_concurrency_by_instance_size)
{
	/* The data's defaults: Flex by instance memory (4, 16, 32), gen2 1 (80
	 * per vCPU at 1 vCPU or more with the Cloud Run services' rule as an
	 * override), one request at a time elsewhere. */
	struct priced p = load("{\"name\": \"azure-flex\"}", 0);
	ck_assert_uint_eq(p.ops->default_concurrency(p.cfg, 512, 0.25), 4);
	ck_assert_uint_eq(p.ops->default_concurrency(p.cfg, 2048, 1), 16);
	ck_assert_uint_eq(p.ops->default_concurrency(p.cfg, 4096, 2), 32);
	p.ops->free_cfg(p.cfg);
	p = load("{\"name\": \"gcf-gen2\"}", 0);
	ck_assert_uint_eq(p.ops->default_concurrency(p.cfg, 2048, 1), 1);
	p.ops->free_cfg(p.cfg);
	p = load("{\"name\": \"gcf-gen2\", \"default_concurrency_per_vcpu\": 80}", 0);
	ck_assert_uint_eq(p.ops->default_concurrency(p.cfg, 4096, 2), 160);
	ck_assert_uint_eq(p.ops->default_concurrency(p.cfg, 1024, 0.583), 1);
	p.ops->free_cfg(p.cfg);
	const char *one[] = { "aws-lambda-x86", "azure-consumption", "azure-premium-ep1", "gcf-gen1" };
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "{\"name\": \"%s\"}", one[i]);
		p = load(text, 0);
		ck_assert_uint_eq(p.ops->default_concurrency(p.cfg, 1024, 1), 1);
		p.ops->free_cfg(p.cfg);
	}
	/* A function that sets none takes its provider's default. */
	struct scenario sc;
	tu_load("{\"duration_s\": 10, \"provider\": \"azure-flex\", \"functions\": [{\"name\": \"f\", \"memory_mb\": 4096,"
		" \"service\": {\"dist\": \"constant\", \"value_s\": 1}, \"arrivals\": {\"process\": \"periodic\","
		" \"period_s\": 1}}, {\"name\": \"g\", \"memory_mb\": 512, \"concurrency_per_instance\": 2,"
		" \"service\": {\"dist\": \"constant\", \"value_s\": 1}, \"arrivals\": {\"process\": \"periodic\","
		" \"period_s\": 1}}]}", "t.json", &sc);
	ck_assert_uint_eq(sc.functions[0].concurrency_per_instance, 32);
	ck_assert_uint_eq(sc.functions[1].concurrency_per_instance, 2);
	scenario_free(&sc);
}
END_TEST

/* The cost_usd figures of the summary.json in dir. */
static void summary_cost(const char *dir, double *total, double *compute)
{
	json_t *doc = tu_load_json(dir, "summary.json");
	json_t *cost = json_object_get(json_object_get(doc, "totals"), "cost_usd");
	*total = json_number_value(json_object_get(cost, "total"));
	*compute = json_number_value(json_object_get(cost, "compute"));
	json_decref(doc);
}

/* tests/scenarios/billing-busy.json simulated in-process, its trace's path
 * made absolute, with `extra` (top-level keys and a comma) before its
 * duration_s. */
static void busy_scenario(const char *extra, struct scenario *sc, struct run_result *r)
{
	char *text = tu_scenario_text("billing-busy.json");
	const char *dur = strstr(text, "\"duration_s\"");
	const char *csv = strstr(text, "\"billing-busy.csv\"");
	ck_assert(dur && csv && dur < csv);
	size_t n = strlen(text) + strlen(extra) + 4200;
	char *buf = malloc(n);
	snprintf(buf, n, "%.*s%s%.*s\"%s\"%s", (int)(dur - text), text, extra, (int)(csv - dur), dur,
		 tu_scenario_path("billing-busy.csv"), csv + strlen("\"billing-busy.csv\""));
	tu_simulate(buf, sc, r);
	free(buf);
	free(text);
}

START_TEST(busy_periods_in_a_run)
{
	/* tests/scenarios/billing-busy.json: a 2,048 MB instance taking up to 4
	 * requests, a 0.3 s init, requests at 0, 0.5 and 3.0 s running 1.23,
	 * 1.51 and 0.04 s. The first starts the instance (init [0, 0.3], runs
	 * [0.3, 1.53]); the second joins it at 0.5 (runs to 2.01); the third
	 * finds it idle at 3.0 (runs to 3.04). Busy periods [0, 2.01] with 0.3 s
	 * of init, and [3.0, 3.04].
	 * Flex (init not billed): 2.01 - 0.3 = 1.71 s -> 1,800 ms; 0.04 s ->
	 * its 1,000 ms minimum: 2.8 s x 2 GB = 5.6 GB-s x $0.000026 + 3 x
	 * $0.40/M. gen2 (start-up billed): 2.01 s -> 2,100 ms, 0.04 s -> 100 ms:
	 * 2.2 vCPU-s x $0.000024 + 4.4 GiB-s x $0.0000025 + 3 x $0.40/M. */
	const double flex = 5.6 * 0.000026, gen2 = 2.2 * 0.000024 + 4.4 * 0.0000025;
	const char *dir = tu_tmpdir();
	double total, compute;
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -o %s/flex --quiet", tu_scenario_path("billing-busy.json"), dir), 0);
	char sub[1100];
	snprintf(sub, sizeof(sub), "%s/flex", dir);
	summary_cost(sub, &total, &compute);
	ck_assert_double_eq_tol(compute, flex, 1e-15);
	ck_assert_double_eq_tol(total, flex + 3 * 0.4e-6, 1e-15);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -o %s/gen2 --quiet --set provider=gcf-gen2",
				  tu_scenario_path("billing-busy.json"), dir), 0);
	snprintf(sub, sizeof(sub), "%s/gen2", dir);
	summary_cost(sub, &total, &compute);
	ck_assert_double_eq_tol(compute, gen2, 1e-15);
	ck_assert_double_eq_tol(total, gen2 + 3 * 0.4e-6, 1e-15);
	/* Flex with one always-ready instance (ready at 0.3 s): the first
	 * request, arriving before, starts an on-demand instance (busy [0,
	 * 1.53], 1.23 s billed -> 1,300 ms: 2.6 GB-s x $0.000026); the others
	 * run on the always-ready one, busy [0.5, 2.01] -> 1,600 ms and [3.0,
	 * 3.04] -> 1,000 ms: 5.2 GB-s x $0.000016, and its baseline while idle,
	 * 2 GB x (10 - 1.51 - 0.04) s = 16.9 GB-s x $0.000004. */
	/* The always-ready instance never holds two at once here, so one
	 * request per instance bills the same (the per-request path). */
	for (int conc = 1; conc <= 4; conc += 3) {
		ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -o %s/ready%d --quiet --set 'functions[0].keepalive="
					  "{\"policy\": \"provisioned\", \"instances\": 1}'"
					  " --set functions[0].concurrency_per_instance=%d",
					  tu_scenario_path("billing-busy.json"), dir, conc, conc), 0);
		snprintf(sub, sizeof(sub), "%s/ready%d", dir, conc);
		summary_cost(sub, &total, &compute);
		ck_assert_double_eq_tol(compute, 2.6 * 0.000026, 1e-15);
		ck_assert_double_eq_tol(total, 3 * 0.4e-6 + 2.6 * 0.000026 + 5.2 * 0.000016 + 16.9 * 0.000004, 1e-15);
	}

	/* In-process: one instance, one cold start, and the time series adds up
	 * to the bill. With warmup_s = 1 the window holds [1, 2.01] of the first
	 * period (its init before it): 1.01 s -> 1,100 ms, and the second's
	 * 1,000 ms: 4.2 GB-s, and the one request arriving after warm-up. */
	struct scenario sc;
	struct run_result r;
	busy_scenario("", &sc, &r);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 1);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_COST_TOTAL), flex + 3 * 0.4e-6, 1e-15);
	double sum = 0;
	for (size_t i = 0; i < r.n_bins; i++) {
		struct cost c;
		sc.pricing->cost(sc.pricing_cfg, &r.bins[i].usage, &c);
		sum += c.total_usd;
	}
	ck_assert_double_eq_tol(sum, flex + 3 * 0.4e-6, 1e-15);
	tu_done(&sc, &r);
	busy_scenario("\"warmup_s\": 1, ", &sc, &r);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), 1);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_COST_TOTAL), 4.2 * 0.000026 + 0.4e-6, 1e-15);
	tu_done(&sc, &r);
}
END_TEST

/* One instance's life on a GPU plan, metered as sim/run/collect.c does when
 * the instance is released. */
static struct cost gpu_life(const char *provider_json, const char *type, uint32_t count, uint32_t memory_mb,
			    double vcpus, double life_s)
{
	struct priced p = load(provider_json, 0);
	struct errbuf err = { "" };
	struct pricing_accel acc;
	ck_assert_msg(p.ops->accelerator(p.cfg, type, count, memory_mb, vcpus, &acc, "t.json: functions[0]", &err) == 0,
		      "%s", err.msg);
	struct usage u = { 0 };
	struct meter_req r = { .memory_mb = memory_mb, .vcpus = vcpus, .init_s = 5, .run_s = 2 };
	p.ops->meter(p.cfg, &u, &r);   /* a request adds no fee */
	p.ops->meter_busy(p.cfg, &u, &r);
	p.ops->meter_time(p.cfg, &u, PRICING_TIME_PROVISIONED, memory_mb, vcpus, 1, 1000, &acc);
	p.ops->meter_time(p.cfg, &u, PRICING_TIME_INSTANCE, memory_mb, vcpus, 1, life_s, &acc);
	struct cost c;
	p.ops->cost(p.cfg, &u, &c);
	ck_assert_uint_eq(u.requests, 1);
	ck_assert_double_eq_tol(c.requests_usd + c.compute_usd + c.provisioned_usd, c.total_usd, 1e-15);
	p.ops->free_cfg(p.cfg);
	return c;
}

START_TEST(gpu_instance_life)
{
	/* An instance that lives 28.3 s (5 s start and model load, requests,
	 * idle until its keep-alive expires): the whole life is billed, each
	 * plan rounding it once. Cloud Run: 100 ms steps, 28.3 s x (L4 $0.0001867
	 * + 4 vCPU x $0.000018 + 16 GiB x $0.000002); with zonal redundancy the
	 * L4 costs $0.0002909. RunPod: ceil(28.3) = 29 s x the class's rate
	 * (L4 flex $0.00019, active $0.00013; 2 x H100 PRO flex $0.00116).
	 * Modal: 29 s x (L4 $0.000222 + vCPU x $0.0000131 + GiB x $0.00000222).
	 * Provisioned time adds nothing: min instances are instance time. */
	struct cost c = gpu_life("{\"name\": \"cloudrun-gpu\"}", "nvidia-l4", 1, 16384, 4, 28.3);
	ck_assert_double_eq_tol(c.total_usd, 28.3 * (0.0001867 + 4 * 0.000018 + 16 * 0.000002), 1e-15);
	ck_assert_double_eq_tol(c.requests_usd, 0, 1e-15);
	c = gpu_life("{\"name\": \"cloudrun-gpu\"}", "nvidia-l4", 1, 16384, 4, 28.31);
	ck_assert_double_eq_tol(c.total_usd, 28.4 * (0.0001867 + 4 * 0.000018 + 16 * 0.000002), 1e-15);
	c = gpu_life("{\"name\": \"cloudrun-gpu\", \"zonal_redundancy\": 1}", "nvidia-l4", 1, 16384, 4, 28.3);
	ck_assert_double_eq_tol(c.total_usd, 28.3 * (0.0002909 + 4 * 0.000018 + 16 * 0.000002), 1e-15);
	c = gpu_life("{\"name\": \"cloudrun-gpu\"}", "nvidia-l4", 1, 32768, 8, 60);
	ck_assert_double_eq_tol(c.total_usd, 60 * (0.0001867 + 8 * 0.000018 + 32 * 0.000002), 1e-15);
	c = gpu_life("{\"name\": \"runpod-flex\"}", "nvidia-l4", 1, 16384, 4, 28.3);
	ck_assert_double_eq_tol(c.total_usd, 29 * 0.00019, 1e-15);
	c = gpu_life("{\"name\": \"runpod-flex\"}", "nvidia-l4", 1, 16384, 4, 29);
	ck_assert_double_eq_tol(c.total_usd, 29 * 0.00019, 1e-15);
	c = gpu_life("{\"name\": \"runpod-flex\"}", "nvidia-l4", 1, 16384, 4, 0.2);
	ck_assert_double_eq_tol(c.total_usd, 1 * 0.00019, 1e-15);
	c = gpu_life("{\"name\": \"runpod-flex\"}", "nvidia-h100", 2, 16384, 4, 28.3);
	ck_assert_double_eq_tol(c.total_usd, 2 * 29 * 0.00116, 1e-15);
	c = gpu_life("{\"name\": \"runpod-active\"}", "nvidia-l4", 1, 16384, 4, 28.3);
	ck_assert_double_eq_tol(c.total_usd, 29 * 0.00013, 1e-15);
	c = gpu_life("{\"name\": \"modal\"}", "nvidia-l4", 1, 16384, 4, 28.3);
	ck_assert_double_eq_tol(c.total_usd, 29 * (0.000222 + 4 * 0.0000131 + 16 * 0.00000222), 1e-15);
	c = gpu_life("{\"name\": \"modal\"}", "nvidia-h100", 1, 8192, 2, 28.3);
	ck_assert_double_eq_tol(c.total_usd, 29 * (0.001097 + 2 * 0.0000131 + 8 * 0.00000222), 1e-15);
}
END_TEST

START_TEST(gpu_accelerator_rules)
{
	struct errbuf err = { "" };
	struct pricing_accel acc;
	struct priced p = load("{\"name\": \"cloudrun-gpu\"}", 0);
	ck_assert_int_eq(p.ops->accelerator(p.cfg, "nvidia-h100", 1, 16384, 4, &acc, "f", &err), ERR_INPUT);
	ck_assert_ptr_nonnull(
		strstr(err.msg, "f.accelerator.type: unknown GPU type \"nvidia-h100\" (this plan offers nvidia-l4)"));
	ck_assert_int_eq(p.ops->accelerator(p.cfg, "nvidia-l4", 1, 16383, 4, &acc, "f", &err), ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "f.memory_mb: nvidia-l4 needs at least 16384 MB per GPU, got 16383"));
	ck_assert_int_eq(p.ops->accelerator(p.cfg, "nvidia-l4", 1, 16384, 3.5, &acc, "f", &err), ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "f.vcpus: nvidia-l4 needs at least 4 vCPU per GPU, got 3.5"));
	ck_assert_int_eq(p.ops->accelerator(p.cfg, "nvidia-l4", 2, 32768, 8, &acc, "f", &err), ERR_INPUT);
	ck_assert_int_eq(p.ops->accelerator(p.cfg, NULL, 1, 16384, 4, &acc, "f", &err), ERR_INPUT);
	ck_assert_int_eq(p.ops->accelerator(p.cfg, "nvidia-l4", 1, 16384, 4, &acc, "f", &err), 0);
	ck_assert_uint_eq(acc.count, 1);
	p.ops->free_cfg(p.cfg);
	/* Plans without GPUs: 1 with one (the scenario names the plan), 0 without. */
	struct priced aws = load("{\"name\": \"aws-lambda-x86\"}", 0);
	ck_assert_int_eq(aws.ops->accelerator(aws.cfg, "nvidia-l4", 1, 16384, 4, &acc, "f", &err), 1);
	ck_assert_int_eq(aws.ops->accelerator(aws.cfg, NULL, 1, 1024, 1, &acc, "f", &err), 0);
	ck_assert_uint_eq(acc.count, 0);
	aws.ops->free_cfg(aws.cfg);
}
END_TEST

START_TEST(gpu_instance_in_a_run)
{
	/* tests/scenarios/gpu-instance.json: one L4 instance created at 0 (5 s
	 * cold start), requests running [5, 7], [8, 10], [16.3, 18.3], idle
	 * until its 10 s keep-alive expires at 28.3 s: a 28.3 s life, billed
	 * as gpu_instance_life bills it, the total of summary.json. */
	const char *dir = tu_tmpdir();
	static const struct {
		const char *plan;
		double usd;
	} want[] = {
		{ "cloudrun-gpu", 28.3 * (0.0001867 + 4 * 0.000018 + 16 * 0.000002) },
		{ "runpod-flex", 29 * 0.00019 },
		{ "runpod-active", 29 * 0.00013 },
		{ "modal", 29 * (0.000222 + 4 * 0.0000131 + 16 * 0.00000222) },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		double total, compute;
		char sub[1100];
		ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -o %s/%s --quiet --set provider=%s",
					  tu_scenario_path("gpu-instance.json"), dir, want[i].plan, want[i].plan), 0);
		snprintf(sub, sizeof(sub), "%s/%s", dir, want[i].plan);
		summary_cost(sub, &total, &compute);
		ck_assert_double_eq_tol(total, want[i].usd, 1e-15);
		ck_assert_double_eq_tol(compute, want[i].usd, 1e-15);
	}
	/* An always-on RunPod active worker (provisioned, ready at 5 s) and the
	 * on-demand worker the request at 0 starts before it is ready (busy to
	 * 7 s, then a 5 s idle timeout): 100 s (the window) + 12 s, each at the
	 * active L4 rate: 112 x $0.00013. */
	double total, compute;
	char sub[1100];
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -o %s/active-provisioned --quiet --set provider=runpod-active"
				  " --set 'functions[0].keepalive={\"policy\": \"provisioned\", \"instances\": 1,"
				  " \"then\": {\"policy\": \"fixed\", \"ttl_s\": 5}}'",
				  tu_scenario_path("gpu-instance.json"), dir), 0);
	snprintf(sub, sizeof(sub), "%s/active-provisioned", dir);
	summary_cost(sub, &total, &compute);
	ck_assert_double_eq_tol(total, 112 * 0.00013, 1e-15);
	/* In-process (its trace's path made absolute): one instance, one cold
	 * start, the same bill. */
	struct scenario sc;
	struct run_result r;
	char *text = tu_scenario_text("gpu-instance.json");
	const char *csv = strstr(text, "\"gpu-instance.csv\"");
	ck_assert_ptr_nonnull(csv);
	size_t n = strlen(text) + 4200;
	char *buf = malloc(n);
	snprintf(buf, n, "%.*s\"%s\"%s", (int)(csv - text), text, tu_scenario_path("gpu-instance.csv"),
		 csv + strlen("\"gpu-instance.csv\""));
	tu_simulate(buf, &sc, &r);
	free(buf);
	free(text);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 1);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_COST_TOTAL), want[0].usd, 1e-15);
	tu_done(&sc, &r);
}
END_TEST

START_TEST(gpu_default_keepalive_in_a_run)
{
	/* gpu-instance.json's requests (0, 8, 16.3 s; 2 s each; 5 s cold start)
	 * with no "keepalive": each plan keeps an idle instance its data's
	 * default_ttl_s. RunPod flex, 5 s idle timeout: the first worker is
	 * ready at 5, serves [5, 7] and [8, 10] (1 s idle < 5 s), is released
	 * at 15 (15 s life); the request at 16.3 starts a second worker, ready
	 * at 21.3, serving [21.3, 23.3], released at 28.3 (12 s): 27 s at the
	 * flex L4 rate. Modal (60 s): one container,
	 * 0 -> 18.3 + 60 = 78.3 s, billed 79 s. ACA (300 s cool-down), on a T4
	 * with 8 vCPU and 56 GiB: 0 -> 318.3 s, billed 319 s. */
	const char *dir = tu_tmpdir();
	tu_write(dir, "arrivals.csv", "timestamp_s,function,duration_s\n0,f,2\n8,f,2\n16.3,f,2\n");
	static const struct {
		const char *plan, *accel;
		unsigned memory_mb, vcpus;
		double usd;
	} want[] = {
		{ "runpod-flex", "nvidia-l4", 16384, 4, (15 + 12) * 0.00019 },
		{ "modal", "nvidia-l4", 16384, 4, 79 * (0.000222 + 4 * 0.0000131 + 16 * 0.00000222) },
		{ "aca-gpu", "nvidia-t4", 57344, 8, 319 * (0.000209 + 8 * 0.000024 + 56 * 0.000003) },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char doc[2048], name[64], sub[1100];
		snprintf(doc, sizeof(doc),
			 "{\"name\": \"ka\", \"seed\": 1, \"duration_s\": 1000, \"provider\": \"%s\", \"functions\": ["
			 "{\"name\": \"f\", \"memory_mb\": %u, \"vcpus\": %u, \"concurrency_per_instance\": 1,"
			 " \"accelerator\": {\"type\": \"%s\"}, \"service\": {\"dist\": \"constant\", \"value_s\": 2},"
			 " \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 5}},"
			 " \"arrivals\": {\"process\": \"trace\", \"path\": \"arrivals.csv\"}}]}",
			 want[i].plan, want[i].memory_mb, want[i].vcpus, want[i].accel);
		snprintf(name, sizeof(name), "ka-%s.json", want[i].plan);
		const char *path = tu_write(dir, name, doc);
		ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -o %s/out-%s --quiet", path, dir, want[i].plan), 0);
		snprintf(sub, sizeof(sub), "%s/out-%s", dir, want[i].plan);
		double total, compute;
		summary_cost(sub, &total, &compute);
		ck_assert_double_eq_tol(total, want[i].usd, 1e-15);
		/* An explicit keepalive is kept as given: 600 s on RunPod bills
		 * one worker 0 -> 618.3 s (619 s). */
		if (i == 0) {
			ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -o %s/explicit --quiet --set "
						  "'functions[0].keepalive={\"policy\": \"fixed\", \"ttl_s\": 600}'", path, dir), 0);
			snprintf(sub, sizeof(sub), "%s/explicit", dir);
			summary_cost(sub, &total, &compute);
			ck_assert_double_eq_tol(total, 619 * 0.00019, 1e-15);
		}
	}
}
END_TEST

Suite *pricing_suite(void)
{
	return TU_SUITE("pricing", "engines", 60, three_million_requests_each_provider,
			overrides_replace_data, volume_tiers_apply_to_the_month, provisioned_and_always_ready,
			instance_based_billing, rounding_rules, usage_add_sums_every_field,
			vcpu_share_of_memory, catalogue_matches_registry, monthly_figure_in_a_run,
			premium_instance_time_in_a_run, busy_periods_bill_flex_and_gen2,
			default_concurrency_by_instance_size, busy_periods_in_a_run, gpu_instance_life,
			gpu_accelerator_rules, gpu_instance_in_a_run, gpu_default_keepalive_in_a_run);
}
