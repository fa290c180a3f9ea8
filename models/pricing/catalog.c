#include "models/pricing/catalog.h"

#include <math.h>
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
	".previous\n");
extern const char slsim_pricing_aws[], slsim_pricing_azure[], slsim_pricing_gcf[];

const struct pricing_catalog_file *pricing_catalog_files(void)
{
	static const struct pricing_catalog_file files[] = {
		{ "models/pricing/data/aws-lambda.json", slsim_pricing_aws },
		{ "models/pricing/data/azure-functions.json", slsim_pricing_azure },
		{ "models/pricing/data/gcf.json", slsim_pricing_gcf },
		{ NULL, NULL },
	};
	return files;
}

/* The provider's entry in whichever file holds it (a new reference), or NULL. */
static json_t *find_provider(const char *provider, const char **file, struct errbuf *err)
{
	for (const struct pricing_catalog_file *f = pricing_catalog_files(); f->name; f++) {
		json_error_t jerr;
		json_t *doc = json_loads(f->text, JSON_REJECT_DUPLICATES, &jerr);
		if (!doc) {
			errbuf_set(err, ERR_RUNTIME, "%s:%d:%d: built-in price list: %s", f->name, jerr.line,
				   jerr.column, jerr.text);
			return NULL;
		}
		json_t *p = json_object_get(json_object_get(doc, "providers"), provider);
		if (p) {
			json_incref(p);
			json_decref(doc);
			*file = f->name;
			return p;
		}
		json_decref(doc);
	}
	errbuf_set(err, ERR_RUNTIME, "no built-in price list for provider \"%s\"", provider);
	return NULL;
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

int pricing_catalog_read(const char *provider, const char *engine, const struct pricing_field *fields,
			 size_t n_fields, void *prices, int *present, const json_t *cfg, const char *where,
			 struct errbuf *err)
{
	static const char *const value_keys[] = { "value", "unit", "as_of", "source", "confirmed", "note", NULL };
	const char *file = NULL;
	json_t *entry = find_provider(provider, &file, err);
	if (!entry)
		return ERR_RUNTIME;
	int have[64] = { 0 };
	int rc = 0;
	if (n_fields > 64) {
		rc = errbuf_set(err, ERR_RUNTIME, "pricing engine %s: too many fields", engine);
		goto out;
	}
	const char *e = json_string_value(json_object_get(entry, "engine"));
	json_t *values = json_object_get(entry, "values");
	if (!e || strcmp(e, engine) != 0 || !json_is_object(values)) {
		rc = errbuf_set(err, ERR_RUNTIME, "%s: providers.%s: expected engine \"%s\" and a values object",
				file, provider, engine);
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(values, key, v) {
		char dwhere[512];
		size_t i;
		const struct pricing_field *f = field_named(fields, n_fields, key, &i);
		snprintf(dwhere, sizeof(dwhere), "%s: providers.%s.values.%s", file, provider, key);
		double x;
		const char *s;
		/* A broken built-in list is our bug, not the user's input. */
		if (!f) {
			rc = errbuf_set(err, ERR_RUNTIME, "%s: not a field of the %s engine", dwhere, engine);
			goto out;
		}
		if (ju_expect_object(v, dwhere, err) < 0 || ju_check_keys(v, dwhere, value_keys, err) < 0 ||
		    ju_number(v, "value", dwhere, JU_REQUIRED, f->lo, f->hi, &x, err) < 0 ||
		    ju_string(v, "as_of", dwhere, JU_REQUIRED, &s, err) < 0 ||
		    ju_string(v, "source", dwhere, JU_REQUIRED, &s, err) < 0) {
			rc = ERR_RUNTIME;
			goto out;
		}
		*(double *)((char *)prices + f->offset) = x;
		have[i] = 1;
	}
	for (size_t i = 0; i < n_fields; i++) {
		if (!have[i] && !fields[i].optional) {
			rc = errbuf_set(err, ERR_RUNTIME, "%s: providers.%s.values.%s: missing", file, provider,
					fields[i].name);
			goto out;
		}
		if (!have[i])
			*(double *)((char *)prices + fields[i].offset) = fields[i].def;
		if (present)
			present[i] = have[i];
	}
	if (cfg) {
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
				rc = errbuf_set(err, ERR_INPUT, "%s: unknown key for provider %s (allowed: %s)",
						ju_path(path, sizeof(path), where, key), provider, list);
				goto out;
			}
			double x = 0;
			if ((rc = ju_number(cfg, key, where, JU_REQUIRED, f->lo, f->hi, &x, err)) < 0)
				goto out;
			*(double *)((char *)prices + f->offset) = x;
		}
	}
out:
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

