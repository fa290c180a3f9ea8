#include "experiment/compare.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "experiment/points.h"
#include "output/output.h"

size_t compare_count(const struct scenario *sc)
{
	return sc->compare_keepalive ? json_array_size(sc->compare_keepalive) : 0;
}

/* A label names a folder: plain file-name characters only. */
static int valid_label(const char *s)
{
	if (!*s || s[0] == '.' || strlen(s) >= COMPARE_LABEL_MAX)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

/* The label of variant i before de-duplication. */
static int base_label(const struct scenario *sc, size_t i, char label[COMPARE_LABEL_MAX],
		      struct errbuf *err)
{
	const json_t *v = json_array_get(sc->compare_keepalive, i);
	const json_t *l = json_object_get(v, "label");
	if (l) {
		if (!json_is_string(l) || !valid_label(json_string_value(l)))
			return errbuf_set(err, ERR_INPUT,
					  "%s: compare.keepalive[%zu].label: must be 1-%d characters of letters, digits, '.', '_' or '-', not starting with '.'",
					  sc->path, i, COMPARE_LABEL_MAX - 1);
		snprintf(label, COMPARE_LABEL_MAX, "%s", json_string_value(l));
	} else {
		snprintf(label, COMPARE_LABEL_MAX, "%s",
			 json_string_value(json_object_get(v, "policy")));
	}
	return 0;
}

/* Final labels of variants 0..i, each unique: a repeated policy name gets
 * its position appended; a repeated explicit label is an error. */
static int make_label(const struct scenario *sc, size_t i, char label[COMPARE_LABEL_MAX],
		      struct errbuf *err)
{
	char (*finals)[COMPARE_LABEL_MAX] = calloc(i + 1, sizeof(*finals));
	int rc = finals ? 0 : errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t j = 0; rc == 0 && j <= i; j++) {
		if ((rc = base_label(sc, j, finals[j], err)) < 0)
			break;
		int is_explicit = json_object_get(json_array_get(sc->compare_keepalive, j), "label") != NULL;
		for (int attempt = 0; attempt < 2; attempt++) {
			size_t k = 0;
			while (k < j && strcmp(finals[k], finals[j]) != 0)
				k++;
			if (k == j)
				break;
			if (is_explicit || attempt == 1) {
				rc = errbuf_set(err, ERR_INPUT, "%s: compare.keepalive[%zu]: label \"%s\" is also compare.keepalive[%zu]'s; give a unique \"label\"",
						sc->path, j, finals[j], k);
				break;
			}
			char tmp[COMPARE_LABEL_MAX];
			snprintf(tmp, sizeof(tmp), "%.100s-%zu", finals[j], j);
			memcpy(finals[j], tmp, COMPARE_LABEL_MAX);
		}
	}
	if (rc == 0)
		memcpy(label, finals[i], COMPARE_LABEL_MAX);
	free(finals);
	return rc;
}

int compare_variant(const struct scenario *sc, size_t i, struct scenario *out,
		    char label[COMPARE_LABEL_MAX], struct errbuf *err)
{
	int rc = make_label(sc, i, label, err);
	if (rc < 0)
		return rc;
	json_t *doc = json_deep_copy(sc->json);
	json_t *policy = json_deep_copy(json_array_get(sc->compare_keepalive, i));
	if (!doc || !policy) {
		json_decref(doc);
		json_decref(policy);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	json_object_del(doc, "compare");
	json_object_del(policy, "label");
	json_t *fns = json_object_get(doc, "functions");
	for (size_t k = 0; k < json_array_size(fns); k++)
		json_object_set(json_array_get(fns, k), "keepalive", policy);
	json_decref(policy);
	struct errbuf inner = { "" };
	rc = scenario_from_json(out, doc, sc->path, &inner);
	json_decref(doc);
	if (rc < 0)
		return errbuf_set(err, rc, "compare.keepalive[%zu] (%s): %s", i, label, inner.msg);
	return 0;
}

struct csv_ctx {
	size_t n;
	char (*labels)[COMPARE_LABEL_MAX];
	struct stats_fold *totals;
};

static int write_csv(void *ctx, FILE *fp)
{
	const struct csv_ctx *c = ctx;
	fputs("keepalive", fp);
	for (int f = 0; f < FIG_COUNT; f++)
		fprintf(fp, ",%s,%s.ci95", stats_figure_names[f], stats_figure_names[f]);
	fputc('\n', fp);
	for (size_t i = 0; i < c->n; i++) {
		double mean[FIG_COUNT], ci95[FIG_COUNT];
		points_figures(&c->totals[i], mean, ci95);
		fputs(c->labels[i], fp);
		for (int f = 0; f < FIG_COUNT; f++) {
			output_csv_number(fp, ",", mean[f]);
			output_csv_number(fp, ",", ci95[f]);
		}
		fputc('\n', fp);
	}
	return 0;
}

int compare_run(const struct scenario *sc, const struct run_options *opt, const char *dir,
		FILE *table, struct errbuf *err)
{
	size_t n = compare_count(sc);
	struct scenario *variants = calloc(n, sizeof(*variants));
	struct csv_ctx csv = { .n = n, .labels = calloc(n, sizeof(*csv.labels)),
			       .totals = calloc(n, sizeof(*csv.totals)) };
	int rc = 0;
	size_t built = 0;
	if (!variants || !csv.labels || !csv.totals) {
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
		goto out;
	}
	/* Every variant is validated before the first runs. */
	for (; built < n; built++)
		if ((rc = compare_variant(sc, built, &variants[built], csv.labels[built], err)) < 0)
			goto out;
	if ((rc = output_mkdirs(dir, err)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct run_result res;
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s/%s", dir, csv.labels[i]);
		rc = run_scenario(&variants[i], opt, &res, err);
		if (rc == 0)
			rc = output_write_run(sub, &variants[i], &res, err);
		if (rc == 0 && res.interrupted)
			rc = errbuf_set(err, ERR_INTERRUPTED,
					"interrupted during keep-alive variant %s (its completed replications are in %s/); compare.csv not written",
					csv.labels[i], sub);
		if (rc == 0) {
			csv.totals[i] = res.totals;
			if (table) {
				fprintf(table, "== keepalive %s\n", csv.labels[i]);
				output_print_table(table, &variants[i], &res);
			}
		}
		run_result_free(&res);
		if (rc < 0)
			goto out;
	}
	rc = output_write_atomic(dir, "compare.csv", write_csv, &csv, err);
out:
	for (size_t i = 0; i < built; i++)
		scenario_free(&variants[i]);
	free(variants);
	free(csv.labels);
	free(csv.totals);
	return rc;
}
