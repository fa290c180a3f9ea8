#include "models/pricing/catalog.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The price lists, embedded as NUL-terminated bytes. The Makefile makes
 * this object depend on models/pricing/ (paths are relative to the project
 * root, where make runs the compiler). */
__asm__(".section .rodata\n"
	".balign 16\n"
	"slsim_pricing_aws:\n"
	".incbin \"models/pricing/data/aws-lambda.json\"\n"
	".byte 0\n"
	".balign 16\n"
	"slsim_pricing_azure:\n"
	".incbin \"models/pricing/data/azure-functions.json\"\n"
	".byte 0\n"
	".balign 16\n"
	"slsim_pricing_gcf:\n"
	".incbin \"models/pricing/data/gcf.json\"\n"
	".byte 0\n"
	".balign 16\n"
	"slsim_pricing_gpu:\n"
	".incbin \"models/pricing/data/gpu.json\"\n"
	".byte 0\n"
	".previous\n");
extern const char slsim_pricing_aws[], slsim_pricing_azure[], slsim_pricing_gcf[], slsim_pricing_gpu[];

const struct pricing_catalog_file *pricing_catalog_files(void)
{
	static const struct pricing_catalog_file files[] = {
		{ "models/pricing/data/aws-lambda.json", slsim_pricing_aws },
		{ "models/pricing/data/azure-functions.json", slsim_pricing_azure },
		{ "models/pricing/data/gcf.json", slsim_pricing_gcf },
		{ "models/pricing/data/gpu.json", slsim_pricing_gpu },
		{ NULL, NULL },
	};
	return files;
}

/* The provider's entry in whichever file holds it (*entry: a new reference):
 * 0, 1 when no file holds it, or ERR_RUNTIME for a file that does not parse. */
static int find_provider(const char *provider, json_t **entry, const char **file, struct errbuf *err)
{
	for (const struct pricing_catalog_file *f = pricing_catalog_files(); f->name; f++) {
		json_error_t jerr;
		json_t *doc = json_loads(f->text, JSON_REJECT_DUPLICATES, &jerr);
		if (!doc)
			return errbuf_set(err, ERR_RUNTIME, "%s:%d:%d: built-in price list: %s", f->name, jerr.line,
					  jerr.column, jerr.text);
		json_t *p = json_object_get(json_object_get(doc, "providers"), provider);
		if (p) {
			json_incref(p);
			json_decref(doc);
			*file = f->name;
			*entry = p;
			return 0;
		}
		json_decref(doc);
	}
	return 1;
}

void pricing_catalog_plans_of(const char *engine, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (const struct pricing_catalog_file *f = pricing_catalog_files(); f->name; f++) {
		json_t *doc = json_loads(f->text, JSON_REJECT_DUPLICATES, NULL);
		const char *name;
		json_t *p;
		json_object_foreach(json_object_get(doc, "providers"), name, p) {
			const char *e = json_string_value(json_object_get(p, "engine"));
			if (!e || strcmp(e, engine) != 0 || used >= size)
				continue;
			int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", name);
			used += n > 0 ? (size_t)n : 0;
		}
		json_decref(doc);
	}
}

static const struct pricing_field *field_named(const struct pricing_field *fields, size_t n, const char *name,
					       size_t *index)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0) {
			*index = i;
			return &fields[i];
		}
	return NULL;
}

/* Reads one section of a provider's entry (`section`: "values" or
 * "coldstart") into `out`: every key a field of `fields` (`owner` names
 * whose fields, for the message), each value a {"value", "unit", "as_of",
 * "source", "confirmed", "note"} object with value, as_of and source; fields
 * absent take their default, or are an error unless optional. have[i] = 1
 * for the fields present. A broken built-in list is our bug, not the user's
 * input: ERR_RUNTIME. */
static int read_section(const json_t *values, const char *file, const char *provider, const char *section,
			const char *owner, const struct pricing_field *fields, size_t n_fields, void *out, int *have,
			struct errbuf *err)
{
	static const char *const value_keys[] = { "value", "unit", "as_of", "source", "confirmed", "note", NULL };
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)values, key, v) {
		char dwhere[512];
		size_t i;
		const struct pricing_field *f = field_named(fields, n_fields, key, &i);
		snprintf(dwhere, sizeof(dwhere), "%s: providers.%s.%s.%s", file, provider, section, key);
		double x;
		const char *s;
		if (!f)
			return errbuf_set(err, ERR_RUNTIME, "%s: not a field of the %s", dwhere, owner);
		if (ju_expect_object(v, dwhere, err) < 0 || ju_check_keys(v, dwhere, value_keys, err) < 0 ||
		    ju_number(v, "value", dwhere, JU_REQUIRED, f->lo, f->hi, &x, err) < 0 ||
		    ju_string(v, "as_of", dwhere, JU_REQUIRED, &s, err) < 0 ||
		    ju_string(v, "source", dwhere, JU_REQUIRED, &s, err) < 0)
			return ERR_RUNTIME;
		*(double *)((char *)out + f->offset) = x;
		have[i] = 1;
	}
	for (size_t i = 0; i < n_fields; i++) {
		if (!have[i] && !fields[i].optional)
			return errbuf_set(err, ERR_RUNTIME, "%s: providers.%s.%s.%s: missing", file, provider, section,
					  fields[i].name);
		if (!have[i])
			*(double *)((char *)out + fields[i].offset) = fields[i].def;
	}
	return 0;
}

/* The scenario's overrides of the provider's values (cfg: its provider
 * object): every key but "name" a field the data holds. */
static int apply_overrides(const json_t *cfg, const char *provider, const struct pricing_field *fields,
			   size_t n_fields, const int *have, void *prices, const char *where, struct errbuf *err)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)cfg, key, v) {
		size_t i;
		const struct pricing_field *f;
		if (strcmp(key, "name") == 0)
			continue;
		f = field_named(fields, n_fields, key, &i);
		if (!f || !have[i]) {
			char path[512], list[1024] = "name";
			for (size_t j = 0; j < n_fields; j++)
				if (have[j]) {
					strncat(list, ", ", sizeof(list) - strlen(list) - 1);
					strncat(list, fields[j].name, sizeof(list) - strlen(list) - 1);
				}
			return errbuf_set(err, ERR_INPUT, "%s: unknown key for provider %s (allowed: %s)",
					  ju_path(path, sizeof(path), where, key), provider, list);
		}
		double x = 0;
		int rc = ju_number(cfg, key, where, JU_REQUIRED, f->lo, f->hi, &x, err);
		if (rc < 0)
			return rc;
		*(double *)((char *)prices + f->offset) = x;
	}
	return 0;
}

int pricing_catalog_read(const char *provider, const char *engine, const struct pricing_field *fields,
			 size_t n_fields, void *prices, int *present, const json_t *cfg, const char *where,
			 struct errbuf *err)
{
	const char *file = NULL;
	json_t *entry = NULL;
	int rc = find_provider(provider, &entry, &file, err);
	if (rc > 0)
		return errbuf_set(err, ERR_RUNTIME, "no built-in price list for provider \"%s\"", provider);
	if (rc < 0)
		return rc;
	int have[64] = { 0 };
	char owner[64];
	const char *e = json_string_value(json_object_get(entry, "engine"));
	json_t *values = json_object_get(entry, "values");
	snprintf(owner, sizeof(owner), "%s engine", engine);
	if (n_fields > 64)
		rc = errbuf_set(err, ERR_RUNTIME, "pricing engine %s: too many fields", engine);
	else if (!e || strcmp(e, engine) != 0 || !json_is_object(values))
		rc = errbuf_set(err, ERR_RUNTIME, "%s: providers.%s: expected engine \"%s\" and a values object",
				file, provider, engine);
	else if ((rc = read_section(values, file, provider, "values", owner, fields, n_fields, prices, have,
				    err)) == 0 && cfg)
		rc = apply_overrides(cfg, provider, fields, n_fields, have, prices, where, err);
	for (size_t i = 0; present && rc == 0 && i < n_fields; i++)
		present[i] = have[i];
	json_decref(entry);
	return rc;
}

#define F(name, lo, hi, optional, def) { #name, offsetof(struct pricing_coldstart, name), lo, hi, optional, def }
static const struct pricing_field coldstart_fields[] = {
	F(start_median_s, 0, 1e5, 0, 0), F(start_median_mb, 1, 1 << 20, 1, NAN),
	F(start_median_large_s, 0, 1e5, 1, NAN), F(start_median_large_mb, 1, 1 << 20, 1, NAN),
	F(snapstart, 0, 1, 1, 0),
};
#undef F

int pricing_catalog_coldstart(const char *provider, struct pricing_coldstart *out, struct errbuf *err)
{
	const char *file = NULL;
	json_t *entry = NULL;
	int rc = find_provider(provider, &entry, &file, err);
	if (rc != 0)
		return rc;
	const json_t *section = json_object_get(entry, "coldstart");
	int have[sizeof(coldstart_fields) / sizeof(coldstart_fields[0])] = { 0 };
	if (!section)
		rc = 1;
	else if (!json_is_object(section))
		rc = errbuf_set(err, ERR_RUNTIME, "%s: providers.%s.coldstart: expected an object", file, provider);
	else
		rc = read_section(section, file, provider, "coldstart", "cold-start data", coldstart_fields,
				  sizeof(coldstart_fields) / sizeof(coldstart_fields[0]), out, have, err);
	json_decref(entry);
	return rc;
}

int pricing_catalog_architecture(const char *provider, char *arch, size_t size, struct errbuf *err)
{
	const char *file = NULL;
	json_t *entry = NULL;
	int rc = find_provider(provider, &entry, &file, err);
	if (rc != 0)
		return rc;
	const char *a = json_string_value(json_object_get(entry, "architecture"));
	if (!a || !*a)
		rc = errbuf_set(err, ERR_RUNTIME, "%s: providers.%s.architecture: expected a non-empty string", file,
				provider);
	else
		snprintf(arch, size, "%s", a);
	json_decref(entry);
	return rc;
}

#define F(name, lo, hi) { #name, offsetof(struct pricing_limits, name), lo, hi, 1, NAN }
static const struct pricing_field limit_fields[] = { F(timeout_max_s, 1, 1e9) };
#undef F

int pricing_catalog_limits(const char *provider, struct pricing_limits *out, struct errbuf *err)
{
	const char *file = NULL;
	json_t *entry = NULL;
	out->timeout_max_s = NAN;
	int rc = find_provider(provider, &entry, &file, err);
	if (rc != 0)
		return rc;
	const json_t *section = json_object_get(entry, "limits");
	int have[sizeof(limit_fields) / sizeof(limit_fields[0])] = { 0 };
	if (!section)
		rc = 1;
	else if (!json_is_object(section))
		rc = errbuf_set(err, ERR_RUNTIME, "%s: providers.%s.limits: expected an object", file, provider);
	else
		rc = read_section(section, file, provider, "limits", "limits", limit_fields,
				  sizeof(limit_fields) / sizeof(limit_fields[0]), out, have, err);
	json_decref(entry);
	return rc;
}

#define F(name, lo, hi) { #name, offsetof(struct pricing_keepalive, name), lo, hi, 1, NAN }
static const struct pricing_field keepalive_fields[] = { F(default_ttl_s, 0, 1e9) };
#undef F

int pricing_catalog_keepalive(const char *provider, struct pricing_keepalive *out, struct errbuf *err)
{
	const char *file = NULL;
	json_t *entry = NULL;
	out->default_ttl_s = NAN;
	int rc = find_provider(provider, &entry, &file, err);
	if (rc != 0)
		return rc;
	const json_t *section = json_object_get(entry, "keepalive");
	int have[sizeof(keepalive_fields) / sizeof(keepalive_fields[0])] = { 0 };
	if (!section)
		rc = 1;
	else if (!json_is_object(section))
		rc = errbuf_set(err, ERR_RUNTIME, "%s: providers.%s.keepalive: expected an object", file, provider);
	else
		rc = read_section(section, file, provider, "keepalive", "keep-alive data", keepalive_fields,
				  sizeof(keepalive_fields) / sizeof(keepalive_fields[0]), out, have, err);
	json_decref(entry);
	return rc;
}

/* ceil(x), without a library call on processors lacking a rounding
 * instruction in the baseline ISA: truncation is exact below 2^52. */
static inline double ceil_fast(double x)
{
	if (!(fabs(x) < 4503599627370496.0))
		return ceil(x);
	double t = (double)(int64_t)x;
	return t < x ? t + 1 : t;
}

uint64_t pricing_round_ms(double s, double granularity_ms, double min_ms)
{
	double ms = s * 1000.0;
	double g = granularity_ms > 0 ? granularity_ms : 1;
	/* With 1 ms steps (the common case) the divisions are exact: skip them. */
	double billed = g == 1 ? ceil_fast(ms - 1e-7) : ceil_fast(ms / g - 1e-7 / g) * g;
	/* Minimums apply to executions that ran at all. */
	if (ms > 0 && billed < min_ms)
		billed = min_ms;
	return billed > 0 ? (uint64_t)billed : 0;
}

double pricing_tiered(double q, double t1, double p1, double t2, double p2, double p3)
{
	double a = q < t1 ? q : t1;
	double rest = q - a;
	double b = rest < t2 ? rest : t2;
	return a * p1 + b * p2 + (rest - b) * p3;
}

double pricing_after_free(double q, double free)
{
	return q > free ? q - free : 0;
}


int pricing_catalog_new(const char *provider, const char *engine, const struct pricing_field *fields,
			size_t n_fields, size_t size, size_t free_tier_offset, const json_t *cfg,
			const struct pricing_opts *opts, const char *where, void **out, struct errbuf *err)
{
	char *p = malloc(size);
	if (!p)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	int rc = pricing_catalog_read(provider, engine, fields, n_fields, p, NULL, cfg, where, err);
	if (rc < 0) {
		free(p);
		return rc;
	}
	*(int *)(p + free_tier_offset) = opts && opts->free_tier;
	*out = p;
	return 0;
}

double pricing_gb_s(uint64_t mb_ms, double scale)
{
	return (double)mb_ms / 1024.0 / 1000.0 * scale;
}

int pricing_no_accelerator(const char *type)
{
	return type ? 1 : 0;
}
