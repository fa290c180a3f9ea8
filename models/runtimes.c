#include "models/runtimes.h"

#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "core/jsonutil.h"
#include "models/pricing/catalog.h"

/* The facts, embedded as NUL-terminated bytes; the Makefile makes this
 * object depend on the file (the path is relative to the project root, where
 * make runs the compiler). */
__asm__(".section .rodata\n"
	".balign 16\n"
	"slsim_runtimes_json:\n"
	".incbin \"models/data/runtimes.json\"\n"
	".byte 0\n"
	".previous\n");
extern const char slsim_runtimes_json[];

static const char file_name[] = "models/data/runtimes.json";

const char *runtimes_file_name(void)
{
	return file_name;
}

const char *runtimes_file_text(void)
{
	return slsim_runtimes_json;
}

/* One section of the file: what it calls an entry (for messages) and the
 * numbers every entry holds, each with its accepted range. */
#define MAX_FIELDS 2
struct section {
	const char *key, *kind;
	const char *fields[MAX_FIELDS + 1];   /* NULL-terminated */
	double lo[MAX_FIELDS], hi[MAX_FIELDS];
};
enum { SEC_RUNTIMES, SEC_FRAMEWORKS, SEC_ARCHITECTURES, N_SECTIONS };
static const struct section sections[N_SECTIONS] = {
	[SEC_RUNTIMES] = { "runtimes", "runtime", { "memory_mb", "start_factor", NULL }, { 0, 1e-3 }, { 1e6, 1e3 } },
	[SEC_FRAMEWORKS] = { "frameworks", "framework", { "memory_mb", NULL }, { 0 }, { 1e6 } },
	[SEC_ARCHITECTURES] = { "architectures", "architecture", { "speed", NULL }, { 1e-3 }, { 1e3 } },
};

/* One number: {"value" in [lo, hi], "unit", "as_of", "source", "confirmed",
 * "note"}, all but the note required. */
static int check_value(const json_t *v, const char *where, double lo, double hi, struct errbuf *err)
{
	static const char *const keys[] = { "value", "unit", "as_of", "source", "confirmed", "note", NULL };
	const char *s;
	double x;
	int b;
	if (!v)
		return errbuf_set(err, ERR_RUNTIME, "%s: missing", where);
	if (ju_expect_object(v, where, err) < 0 || ju_check_keys(v, where, keys, err) < 0 ||
	    ju_number(v, "value", where, JU_REQUIRED, lo, hi, &x, err) < 0 ||
	    ju_string(v, "unit", where, JU_REQUIRED, &s, err) < 0 ||
	    ju_string(v, "as_of", where, JU_REQUIRED, &s, err) < 0 ||
	    ju_string(v, "source", where, JU_REQUIRED, &s, err) < 0 ||
	    ju_bool(v, "confirmed", where, JU_REQUIRED, &b, err) < 0 ||
	    ju_string(v, "note", where, JU_OPTIONAL, &s, err) < 0)
		return ERR_RUNTIME;
	return 0;
}

static int check_section(const json_t *doc, const struct section *sec, struct errbuf *err)
{
	char where[512], fwhere[600];
	const json_t *entries = json_object_get(doc, sec->key);
	const char *name;
	json_t *e;
	snprintf(where, sizeof(where), "%s: %s", file_name, sec->key);
	if (!json_is_object(entries) || json_object_size(entries) == 0)
		return errbuf_set(err, ERR_RUNTIME, "%s: expected a non-empty object", where);
	json_object_foreach((json_t *)entries, name, e) {
		snprintf(where, sizeof(where), "%s: %s.%s", file_name, sec->key, name);
		if (ju_expect_object(e, where, err) < 0 || ju_check_keys(e, where, sec->fields, err) < 0)
			return ERR_RUNTIME;
		for (int i = 0; sec->fields[i]; i++) {
			snprintf(fwhere, sizeof(fwhere), "%s.%s", where, sec->fields[i]);
			if (check_value(json_object_get(e, sec->fields[i]), fwhere, sec->lo[i], sec->hi[i], err) < 0)
				return ERR_RUNTIME;
		}
	}
	return 0;
}

/* The whole file, checked (*doc: a new reference). */
static int load(json_t **doc, struct errbuf *err)
{
	static const char *const keys[] = { "schema", "description", "runtimes", "frameworks", "architectures",
					    NULL };
	json_error_t jerr;
	char where[64];
	*doc = json_loads(slsim_runtimes_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!*doc)
		return errbuf_set(err, ERR_RUNTIME, "%s:%d:%d: built-in runtime facts: %s", file_name, jerr.line,
				  jerr.column, jerr.text);
	const char *schema = json_string_value(json_object_get(*doc, "schema"));
	snprintf(where, sizeof(where), "%s", file_name);
	int rc = ju_check_keys(*doc, where, keys, err) < 0 ? ERR_RUNTIME : 0;
	if (rc == 0 && (!schema || strcmp(schema, "slsim-runtimes/1") != 0))
		rc = errbuf_set(err, ERR_RUNTIME, "%s: schema: expected \"slsim-runtimes/1\"", file_name);
	for (int s = 0; rc == 0 && s < N_SECTIONS; s++)
		rc = check_section(*doc, &sections[s], err);
	if (rc < 0) {
		json_decref(*doc);
		*doc = NULL;
	}
	return rc;
}

/* The values of entry `name` of a section into values[] (one per field);
 * an unknown name is ERR_INPUT at `where`, listing the section's names. */
static int lookup(int sec, const char *name, const char *where, double *values, struct errbuf *err)
{
	const struct section *s = &sections[sec];
	json_t *doc;
	int rc = load(&doc, err);
	if (rc < 0)
		return rc;
	const json_t *entries = json_object_get(doc, s->key);
	const json_t *e = json_object_get(entries, name);
	if (!e) {
		char list[512] = "";
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)entries, key, v) {
			if (list[0])
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			strncat(list, key, sizeof(list) - strlen(list) - 1);
		}
		rc = errbuf_set(err, ERR_INPUT, "%s: unknown %s \"%.100s\" (known: %s)", where, s->kind, name, list);
	}
	for (int i = 0; e && s->fields[i]; i++)
		values[i] = json_number_value(json_object_get(json_object_get(e, s->fields[i]), "value"));
	json_decref(doc);
	return rc;
}

int runtimes_runtime(const char *name, struct runtime_facts *out, const char *where, struct errbuf *err)
{
	double v[MAX_FIELDS];
	int rc = lookup(SEC_RUNTIMES, name, where, v, err);
	if (rc == 0) {
		out->memory_mb = v[0];
		out->start_factor = v[1];
	}
	return rc;
}

int runtimes_framework(const char *name, double *memory_mb, const char *where, struct errbuf *err)
{
	return lookup(SEC_FRAMEWORKS, name, where, memory_mb, err);
}

int runtimes_arch_speed(const char *name, double *speed, const char *where, struct errbuf *err)
{
	return lookup(SEC_ARCHITECTURES, name, where, speed, err);
}

int runtimes_plan_speed(const char *provider, double *speed, struct errbuf *err)
{
	char arch[64], where[256];
	int rc = pricing_catalog_architecture(provider, arch, sizeof(arch), err);
	if (rc > 0) {
		*speed = 1;
		return 0;
	}
	if (rc < 0)
		return rc;
	/* The plan's data names the architecture: a name the facts lack is our bug. */
	snprintf(where, sizeof(where), "built-in price list: providers.%s.architecture", provider);
	rc = runtimes_arch_speed(arch, speed, where, err);
	return rc < 0 ? ERR_RUNTIME : 0;
}
