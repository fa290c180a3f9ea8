#include "models/storage.h"

#include <string.h>
#include <jansson.h>
#include "core/jsonutil.h"

/* The bandwidths, embedded as NUL-terminated bytes; the Makefile makes this
 * object depend on the file. */
__asm__(".section .rodata\n"
	".balign 16\n"
	"slsim_storage_json:\n"
	".incbin \"models/data/storage.json\"\n"
	".byte 0\n"
	".previous\n");
extern const char slsim_storage_json[];

static const char file_name[] = "models/data/storage.json";

const char *const storage_tier_names[STORAGE_TIERS] = { "remote", "ssd", "dram" };

/* One tier's {"gb_per_s": {value, unit, as_of, source, confirmed, note}}. */
static int read_tier(const json_t *tiers, int t, double *gb_per_s, struct errbuf *err)
{
	static const char *const tier_keys[] = { "gb_per_s", NULL };
	static const char *const keys[] = { "value", "unit", "as_of", "source", "confirmed", "note", NULL };
	char where[160], vwhere[200];
	const char *s;
	int b;
	snprintf(where, sizeof(where), "%s: tiers.%s", file_name, storage_tier_names[t]);
	const json_t *tier = json_object_get(tiers, storage_tier_names[t]);
	if (!tier)
		return errbuf_set(err, ERR_RUNTIME, "%s: missing", where);
	const json_t *v = json_object_get(tier, "gb_per_s");
	snprintf(vwhere, sizeof(vwhere), "%s.gb_per_s", where);
	if (ju_expect_object(tier, where, err) < 0 || ju_check_keys(tier, where, tier_keys, err) < 0 ||
	    ju_expect_object(v, vwhere, err) < 0 || ju_check_keys(v, vwhere, keys, err) < 0 ||
	    ju_number(v, "value", vwhere, JU_REQUIRED, 1e-6, 1e6, gb_per_s, err) < 0 ||
	    ju_string(v, "unit", vwhere, JU_REQUIRED, &s, err) < 0 ||
	    ju_string(v, "as_of", vwhere, JU_REQUIRED, &s, err) < 0 ||
	    ju_string(v, "source", vwhere, JU_REQUIRED, &s, err) < 0 ||
	    ju_bool(v, "confirmed", vwhere, JU_REQUIRED, &b, err) < 0 ||
	    ju_string(v, "note", vwhere, JU_OPTIONAL, &s, err) < 0)
		return ERR_RUNTIME;
	return 0;
}

int storage_default_gb_per_s(double gb_per_s[STORAGE_TIERS], struct errbuf *err)
{
	static const char *const keys[] = { "schema", "description", "tiers", NULL };
	json_error_t jerr;
	json_t *doc = json_loads(slsim_storage_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return errbuf_set(err, ERR_RUNTIME, "%s:%d:%d: built-in storage facts: %s", file_name, jerr.line,
				  jerr.column, jerr.text);
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	const json_t *tiers = json_object_get(doc, "tiers");
	int rc = ju_check_keys(doc, file_name, keys, err) < 0 ? ERR_RUNTIME : 0;
	if (rc == 0 && (!schema || strcmp(schema, "slsim-storage/1") != 0))
		rc = errbuf_set(err, ERR_RUNTIME, "%s: schema: expected \"slsim-storage/1\"", file_name);
	if (rc == 0 && (!json_is_object(tiers) || json_object_size(tiers) != STORAGE_TIERS))
		rc = errbuf_set(err, ERR_RUNTIME, "%s: tiers: expected remote, ssd and dram", file_name);
	for (int t = 0; rc == 0 && t < STORAGE_TIERS; t++)
		rc = read_tier(tiers, t, &gb_per_s[t], err);
	json_decref(doc);
	return rc;
}
