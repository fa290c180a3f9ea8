#include "output/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include "core/csvreader.h"
#include "output/output.h"
#include "output/plot.h"
#include "run/stats.h"

const double report_default_scales[] = { 0.1, 0.25, 0.5, 1, 2, 4, 10 };
const size_t report_n_default_scales = sizeof(report_default_scales) / sizeof(report_default_scales[0]);

/* Both documents are written side by side: html and md. */
struct doc {
	FILE *html, *md;
	char *html_buf, *md_buf;
	size_t html_len, md_len;
};

static void html_esc(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

static void md_esc(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (strchr("|*_`[]<>\\", *s))
			fputc('\\', fp);
		fputc(*s == '\n' ? ' ' : *s, fp);
	}
}

static void heading(struct doc *d, int level, const char *text)
{
	fprintf(d->html, "<h%d>", level);
	html_esc(d->html, text);
	fprintf(d->html, "</h%d>\n", level);
	fprintf(d->md, "\n%.*s ", level, "######");
	md_esc(d->md, text);
	fputs("\n\n", d->md);
}

static void para(struct doc *d, const char *text)
{
	fputs("<p>", d->html);
	html_esc(d->html, text);
	fputs("</p>\n", d->html);
	md_esc(d->md, text);
	fputs("\n\n", d->md);
}

/* One cell's text, the HTML cell already opened: close ends it. */
static void cell(struct doc *d, const char *text, const char *close)
{
	html_esc(d->html, text);
	fputs(close, d->html);
	fputc(' ', d->md);
	md_esc(d->md, text);
	fputs(" |", d->md);
}

static void table_start(struct doc *d, const char *const *cols, size_t n)
{
	fputs("<table>\n<tr>", d->html);
	fputc('|', d->md);
	for (size_t i = 0; i < n; i++) {
		fputs("<th>", d->html);
		cell(d, cols[i], "</th>");
	}
	fputs("</tr>\n", d->html);
	fputs("\n|", d->md);
	for (size_t i = 0; i < n; i++)
		fputs(i ? "---:|" : "---|", d->md);
	fputc('\n', d->md);
}

/* One row; id (may be NULL) tags the second cell for tests and links. */
static void table_row(struct doc *d, const char *const *cells, size_t n, const char *id)
{
	fputs("<tr>", d->html);
	fputc('|', d->md);
	for (size_t i = 0; i < n; i++) {
		if (i == 1 && id) {
			fputs("<td id=\"", d->html);
			html_esc(d->html, id);
			fputs("\">", d->html);
		} else {
			fputs("<td>", d->html);
		}
		cell(d, cells[i], "</td>");
	}
	fputs("</tr>\n", d->html);
	fputc('\n', d->md);
}

static void table_end(struct doc *d)
{
	fputs("</table>\n", d->html);
	fputc('\n', d->md);
}

static void base64(FILE *fp, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		fputc(tab[v >> 18 & 63], fp);
		fputc(tab[v >> 12 & 63], fp);
		fputc(i + 1 < n ? tab[v >> 6 & 63] : '=', fp);
		fputc(i + 2 < n ? tab[v & 63] : '=', fp);
	}
}

static int image(struct doc *d, const char *dir, const struct plot_item *it, struct errbuf *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/plots/%s.png", dir, it->name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return errbuf_set(err, ERR_RUNTIME, "%s: cannot read the plot", path);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	unsigned char *buf = n > 0 ? malloc((size_t)n) : NULL;
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return errbuf_set(err, ERR_RUNTIME, "%s: cannot read the plot", path);
	}
	fclose(fp);
	fputs("<figure><img alt=\"", d->html);
	html_esc(d->html, it->title);
	fputs("\" src=\"data:image/png;base64,", d->html);
	base64(d->html, buf, (size_t)n);
	fputs("\"><figcaption>", d->html);
	html_esc(d->html, it->title);
	fputs("</figcaption></figure>\n", d->html);
	fputs("![", d->md);
	md_esc(d->md, it->title);
	fprintf(d->md, "](plots/%s.png)\n\n", it->name);
	free(buf);
	return 0;
}

/* ---- numbers ------------------------------------------------------------ */

static double jnum(const json_t *obj, const char *dotted)
{
	char key[128];
	const json_t *cur = obj;
	const char *p = dotted;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		cur = json_object_get(cur, key);
		p = dot ? dot + 1 : p + n;
	}
	return cur && json_is_number(cur) ? json_number_value(cur) : NAN;
}

/* Figures are printed with 4 significant digits (%.4g) everywhere, so the
 * page, the Markdown and tests agree; unit ("$" or "") goes before. */
static void fmt_unit(char *buf, size_t size, const char *unit, double v, double ci)
{
	if (!isfinite(v))
		snprintf(buf, size, "n/a");
	else if (isfinite(ci))
		snprintf(buf, size, "%s%.4g ± %.2g", unit, v, ci);
	else
		snprintf(buf, size, "%s%.4g", unit, v);
}

static void fmt(char *buf, size_t size, double v, double ci)
{
	fmt_unit(buf, size, "", v, ci);
}

static void usd(char *buf, size_t size, double v, double ci)
{
	fmt_unit(buf, size, "$", v, ci);
}

/* ---- sections ----------------------------------------------------------- */

/* A distribution in words: "lognormal(median 0.2 s, σ 0.5)". */
static void describe_dist(char *buf, size_t size, const json_t *d)
{
	const char *dist = json_string_value(json_object_get(d, "dist"));
	double v[2] = { jnum(d, "median_s"), jnum(d, "sigma") };
	if (!dist) {
		char *t = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		snprintf(buf, size, "%s", t ? t : "?");
		free(t);
	} else if (strcmp(dist, "constant") == 0) {
		snprintf(buf, size, "constant %g s", jnum(d, "value_s"));
	} else if (strcmp(dist, "exponential") == 0) {
		snprintf(buf, size, "exponential(mean %g s)", jnum(d, "mean_s"));
	} else if (strcmp(dist, "lognormal") == 0 && isfinite(v[0])) {
		snprintf(buf, size, "lognormal(median %g s, σ %g)", v[0], v[1]);
	} else if (strcmp(dist, "uniform") == 0) {
		snprintf(buf, size, "uniform(%g s to %g s)", jnum(d, "min_s"), jnum(d, "max_s"));
	} else if (strcmp(dist, "empirical") == 0) {
		const json_t *p = json_object_get(d, "percentiles");
		snprintf(buf, size, "empirical(%zu percentiles, %g s to %g s)", json_object_size(p),
			 json_number_value(json_object_get(p, "0")), json_number_value(json_object_get(p, "100")));
	} else {   /* lognormal by mean and cv, gamma, and any later mean + cv form */
		snprintf(buf, size, "%s(mean %g s, cv %g)", dist, jnum(d, "mean_s"), jnum(d, "cv"));
	}
}

/* What a request of function f runs, in words: its distribution, its work,
 * or where the workload gives each request's time. */
static void describe_service(char *buf, size_t size, const json_t *f, const json_t *scen)
{
	const json_t *s = json_object_get(f, "service"), *w = json_object_get(f, "work");
	const json_t *wl = json_object_get(scen, "workload"), *prof = json_object_get(wl, "profile");
	const json_t *arr = json_object_get(f, "arrivals");
	const char *proc = json_string_value(json_object_get(arr, "process"));
	if (s && proc && strcmp(proc, "trace") == 0) {
		/* A trace file's duration_s column, when it has one, wins. */
		int n = snprintf(buf, size, "trace durations where given, else ");
		if (n > 0 && (size_t)n < size)
			describe_dist(buf + n, size - (size_t)n, s);
	} else if (s) {
		describe_dist(buf, size, s);
	} else if (w) {
		int n = snprintf(buf, size, "work %g CPU-s + %g s I/O", isfinite(jnum(w, "cpu_s")) ? jnum(w, "cpu_s") : 0,
				 isfinite(jnum(w, "io_s")) ? jnum(w, "io_s") : 0);
		if (isfinite(jnum(w, "parallel_fraction")) && n > 0 && (size_t)n < size)
			n += snprintf(buf + n, size - (size_t)n, ", %g %% parallel", 100 * jnum(w, "parallel_fraction"));
		if (isfinite(jnum(w, "cv")) && n > 0 && (size_t)n < size)
			snprintf(buf + n, size - (size_t)n, ", cv %g", jnum(w, "cv"));
	} else if (json_is_object(prof)) {
		snprintf(buf, size, "LLM profile %s on %s (tensor parallel %g)",
			 json_string_value(json_object_get(prof, "model")) ?: "?",
			 json_string_value(json_object_get(prof, "hardware")) ?: "?", jnum(prof, "tensor_parallel"));
	} else if (isfinite(jnum(wl, "decode_s_per_token"))) {
		snprintf(buf, size, "LLM per token: prefill %g s, decode %g s", jnum(wl, "prefill_s_per_token"),
			 jnum(wl, "decode_s_per_token"));
	} else if (json_is_object(arr) || wl) {
		snprintf(buf, size, "trace durations");
	} else {
		snprintf(buf, size, "none given");
	}
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path ? path : "?";
}

/* Where function f's requests come from, in words: "poisson 2/s",
 * "trace file x.csv", "generator iot". */
static void describe_arrivals(char *buf, size_t size, const json_t *f, const json_t *scen)
{
	const json_t *a = json_object_get(f, "arrivals"), *wl = json_object_get(scen, "workload");
	const char *proc = json_string_value(json_object_get(a, "process"));
	const char *wfmt = json_string_value(json_object_get(wl, "format"));
	int n = 0;
	if (proc && strcmp(proc, "poisson") == 0)
		n = snprintf(buf, size, "poisson %g/s", jnum(a, "rate_per_s"));
	else if (proc && strcmp(proc, "periodic") == 0)
		n = snprintf(buf, size, "periodic every %g s%s", jnum(a, "period_s"), isfinite(jnum(a, "jitter_s")) ? " + jitter" : "");
	else if (proc && strcmp(proc, "trace") == 0)
		n = snprintf(buf, size, "trace file %s", base_name(json_string_value(json_object_get(a, "path"))));
	else if (a)
		n = snprintf(buf, size, "%s", proc ? proc : "?");
	else if (wfmt && strcmp(wfmt, "generator") == 0)
		n = snprintf(buf, size, "generator %s", json_string_value(json_object_get(wl, "pattern")) ?: "?");
	else if (wl)
		n = snprintf(buf, size, "trace file %s (%s)", base_name(json_string_value(json_object_get(wl, "path"))),
			     wfmt ? wfmt : "?");
	else
		n = snprintf(buf, size, "none");
	double scale = jnum(a ? a : wl, "traffic_scale");
	if (isfinite(scale) && scale != 1 && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " x %g", scale);
}

static void function_table(struct doc *d, const json_t *scen);

static void section_scenario(struct doc *d, const json_t *summary, const json_t *scen)
{
	char buf[1024];
	heading(d, 2, "Scenario");
	const char *desc = json_string_value(json_object_get(scen, "description"));
	if (desc)
		para(d, desc);
	const char *cols[] = { "setting", "value" };
	table_start(d, cols, 2);
	const char *name = json_string_value(json_object_get(summary, "scenario"));
	const char *prov = json_string_value(json_object_get(summary, "provider"));
	const char *rows[][2] = { { "scenario", name ? name : "?" }, { "provider", prov ? prov : "?" } };
	for (size_t i = 0; i < 2; i++)
		table_row(d, rows[i], 2, NULL);
	snprintf(buf, sizeof(buf), "%g s (warm-up %g s excluded)", jnum(summary, "duration_s"), jnum(summary, "warmup_s"));
	const char *r1[] = { "simulated time", buf };
	table_row(d, r1, 2, NULL);
	snprintf(buf, sizeof(buf), "%g, seed %g", jnum(summary, "replications"), jnum(summary, "seed"));
	const char *r2[] = { "replications", buf };
	table_row(d, r2, 2, NULL);
	table_end(d);

	function_table(d, scen);
}

/* One row of the function table: f's name (whole), memory, service and
 * arrival models in words, cold start and keep-alive as given. */
static void function_row(struct doc *d, const json_t *f, const char *name, const json_t *scen)
{
	char mem[32], service[512], arrivals[512];
	const json_t *m = json_object_get(f, "memory_mb");
	snprintf(mem, sizeof(mem), "%g", m ? json_number_value(m) : 128);
	describe_service(service, sizeof(service), f, scen);
	describe_arrivals(arrivals, sizeof(arrivals), f, scen);
	char *t[2];
	const char *keys[] = { "cold_start", "keepalive" };
	for (int k = 0; k < 2; k++) {
		const json_t *v = json_object_get(f, keys[k]);
		t[k] = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
	}
	const char *cells[] = { name, mem, service, t[0] ? t[0] : "default", t[1] ? t[1] : "default", arrivals };
	table_row(d, cells, 6, NULL);
	free(t[0]);
	free(t[1]);
}

/* The scenario's functions (the first 50); a workload's unlisted functions
 * as one row of their function_defaults. */
static void function_table(struct doc *d, const json_t *scen)
{
	const json_t *fns = json_object_get(scen, "functions"), *f;
	const json_t *wl = json_object_get(scen, "workload"), *defaults = json_object_get(scen, "function_defaults");
	size_t i;
	if (!json_is_array(fns) && !wl)
		return;
	const char *fc[] = { "function", "memory (MB)", "service", "cold start", "keep-alive", "arrivals" };
	table_start(d, fc, 6);
	json_array_foreach(fns, i, f) {
		if (i == 50) {
			table_end(d);
			para(d, "(further functions omitted; see scenario.json)");
			return;
		}
		function_row(d, f, json_string_value(json_object_get(f, "name")) ?: "?", scen);
	}
	if (wl && (!json_is_array(fns) || json_is_object(defaults))) {
		json_t *empty = json_object();
		function_row(d, json_is_object(defaults) ? defaults : empty,
			     json_is_array(fns) ? "(the workload's other functions)" : "(the workload's functions)", scen);
		json_decref(empty);
	}
	table_end(d);
}

static const char *const headline[] = {
	"invocations", "cold_start_ratio", "rejected", "timed_out", "latency_s.mean", "latency_s.p50",
	"latency_s.p99", "latency_s.p999", "instances.mean", "instances.peak", "billed_gb_s",
	"idle_gb_s", "cost_usd.total", "cost_usd.per_million",
};

static double window_s(const json_t *summary)
{
	return jnum(summary, "duration_s") - (isfinite(jnum(summary, "warmup_s")) ? jnum(summary, "warmup_s") : 0);
}

/* A warning paragraph (class "warn"; "Warning:" in Markdown). */
static void warn(struct doc *d, const char *text)
{
	fputs("<p class=\"warn\">Warning: ", d->html);
	html_esc(d->html, text);
	fputs("</p>\n", d->html);
	fputs("**Warning:** ", d->md);
	md_esc(d->md, text);
	fputs("\n\n", d->md);
}

/* A headline cell: mean ± half-width, except for a maximum (its range over
 * replications: an interval on the mean of maxima says little) and for a
 * quantile whose interval is narrower than the histogram's resolution (all
 * replications in one bucket would print "± 0"). */
static void headline_cell(char *buf, size_t size, const json_t *summary, const char *name)
{
	const json_t *tot = json_object_get(summary, "totals"), *ci = json_object_get(summary, "ci95");
	const json_t *range = json_object_get(summary, "range");
	double v = jnum(tot, name), c = jnum(ci, name), n = jnum(summary, "replications");
	double lo = NAN, hi = NAN;
	char key[128];
	snprintf(key, sizeof(key), "%s", name);
	char *dot = strchr(key, '.');
	const json_t *r = NULL;
	if (dot) {
		*dot = '\0';
		r = json_object_get(json_object_get(range, key), dot + 1);
	}
	if (json_is_array(r) && json_array_size(r) == 2) {
		lo = json_number_value(json_array_get(r, 0));
		hi = json_number_value(json_array_get(r, 1));
	}
	if (isfinite(v) && isfinite(hi) && n >= 2)
		snprintf(buf, size, "%.4g to %.4g over %g replications (mean %.4g)", lo, hi, n, v);
	else if (strncmp(name, "latency_s.p", 11) == 0 && isfinite(v) && isfinite(c) && c < v * HISTO_REL_ERROR)
		snprintf(buf, size, "%.4g ± %g %% (the quantiles' resolution)", v, 100 * HISTO_REL_ERROR);
	else
		fmt(buf, size, v, c);
}

/* The window in words: "2 h", "3.5 days". */
static void window_words(char *buf, size_t size, double w_s)
{
	if (w_s >= 2 * 86400)
		snprintf(buf, size, "%.3g days", w_s / 86400);
	else if (w_s >= 2 * 3600)
		snprintf(buf, size, "%.3g h", w_s / 3600);
	else
		snprintf(buf, size, "%.4g s", w_s);
}

/* What a reader should not overlook: a short window, few replications,
 * wide intervals. */
static void headline_warnings(struct doc *d, const json_t *summary)
{
	const json_t *tot = json_object_get(summary, "totals"), *ci = json_object_get(summary, "ci95");
	double w = window_s(summary), n = jnum(summary, "replications");
	char text[1024], win[64];
	window_words(win, sizeof(win), w);
	if (w < 7 * 86400) {
		snprintf(text, sizeof(text), "the measured window (%s) is shorter than a week: the monthly figures repeat it %.4g "
			 "times and miss whatever it does not hold (weekly cycles, weekends, rare peaks).", win, BASELINE_MONTH_S / w);
		warn(d, text);
	}
	if (n < 3) {
		snprintf(text, sizeof(text), "%g replication%s: %s; run at least 3 (\"replications\").", n, n == 1 ? "" : "s",
			 n < 2 ? "there is no confidence interval" : "the 95 % intervals rest on one degree of freedom");
		warn(d, text);
	}
	char wide[768] = "";
	const char *names[sizeof(headline) / sizeof(headline[0]) + 1];
	size_t k = 0;
	for (size_t i = 0; i < sizeof(headline) / sizeof(headline[0]); i++)
		names[k++] = headline[i];
	names[k++] = "cost_usd.monthly";
	for (size_t i = 0; i < k; i++) {
		double v = jnum(tot, names[i]), c = jnum(ci, names[i]);
		if (strcmp(names[i], "instances.peak") == 0 || !isfinite(v) || !isfinite(c) || v == 0 || c <= 0.1 * fabs(v))
			continue;
		snprintf(wide + strlen(wide), sizeof(wide) - strlen(wide), "%s%s (± %.0f %%)", *wide ? ", " : "", names[i],
			 100 * c / fabs(v));
	}
	if (*wide) {
		snprintf(text, sizeof(text), "95 %% intervals wider than 10 %% of the mean: %s. More replications or a longer "
			 "window narrow them.", wide);
		warn(d, text);
	}
}

static void function_costs(struct doc *d, const json_t *summary, double f);

/* With GPU nodes (summary.json model_loads): the loads per storage tier. */
static void model_loads_line(struct doc *d, const json_t *summary)
{
	const json_t *loads = json_object_get(summary, "model_loads");
	static const char *const tiers[] = { "remote", "ssd", "dram" };
	static const char *const words[] = { "the remote store", "SSD", "DRAM" };
	char text[512] = "Model loads on the GPU nodes per replication (mean seconds each, contention included):";
	if (!loads)
		return;
	for (int t = 0; t < 3; t++) {
		const json_t *x = json_object_get(loads, tiers[t]);
		double mean_s = jnum(x, "mean_s");
		char each[32] = "-";
		if (isfinite(mean_s))
			snprintf(each, sizeof(each), "%.3g s", mean_s);
		size_t n = strlen(text);
		snprintf(text + n, sizeof(text) - n, "%s %.6g from %s (%s)", t ? "," : "", jnum(x, "count"), words[t], each);
	}
	strncat(text, ".", sizeof(text) - strlen(text) - 1);
	para(d, text);
}

static void section_headline(struct doc *d, const json_t *summary)
{
	char v[128], id[160];
	const json_t *tot = json_object_get(summary, "totals"), *ci = json_object_get(summary, "ci95");
	heading(d, 2, "Headline figures");
	para(d, "Means over replications with the half-width of the 95 % Student-t interval (none with one replication); "
		"maxima (instances.peak) as their range over replications; figures cover the measured window.");
	const char *cols[] = { "figure", "all functions" };
	table_start(d, cols, 2);
	for (size_t i = 0; i < sizeof(headline) / sizeof(headline[0]); i++) {
		headline_cell(v, sizeof(v), summary, headline[i]);
		snprintf(id, sizeof(id), "fig-%s", headline[i]);
		const char *cells[] = { headline[i], v };
		table_row(d, cells, 2, id);
	}
	table_end(d);
	model_loads_line(d, summary);

	/* Monthly: the provider's figure when it has one, else the window's
	 * cost; both scaled to the same 730-h month. */
	double w = window_s(summary), f = BASELINE_MONTH_S / w;
	double m = jnum(tot, "cost_usd.monthly"), mc = jnum(ci, "cost_usd.monthly");
	int provider_month = isfinite(m);
	if (!provider_month) {
		m = jnum(tot, "cost_usd.total") * f;
		mc = jnum(ci, "cost_usd.total") * f;
	}
	heading(d, 2, "Monthly cost estimate");
	usd(v, sizeof(v), m, mc);
	char text[768], win[64];
	window_words(win, sizeof(win), w);
	if (provider_month)
		snprintf(text, sizeof(text), "At this workload, %s per month. A month is 730 hours here, as in the providers' pricing calculators and the VM comparison: "
			 "the measured window (%s) is extrapolated by repeating its usage (requests, GB-seconds, instance time) %.4g times, "
			 "then the provider's volume tiers and, if the scenario sets pricing.free_tier, its free tiers apply (cost_usd.monthly).",
			 v, win, f);
	else
		snprintf(text, sizeof(text), "At this workload, %s per month. A month is 730 hours here, as in the providers' pricing calculators: "
			 "the measured window's bill (%s) times %.4g. Free tiers are not deducted.", v, win, f);
	fprintf(d->html, "<p class=\"big\" id=\"monthly\">%s</p>\n", v);
	para(d, text);
	headline_warnings(d, summary);
	function_costs(d, summary, f);
}

/* With LLM functions (summary.json "llm"): time to first token and per
 * output token beside the latency, cost per 1,000 requests and the share of
 * requests that met a cold start. */
static void section_llm(struct doc *d, const json_t *summary)
{
	static const char *const figs[] = { "ttft_s.mean", "ttft_s.p50", "ttft_s.p90", "ttft_s.p99",
					     "tpot_s.mean", "tpot_s.p50", "tpot_s.p90", "tpot_s.p99" };
	const json_t *l = json_object_get(summary, "llm"), *ci = json_object_get(l, "ci95");
	char v[128], id[64];
	if (!l)
		return;
	heading(d, 2, "LLM serving");
	para(d, "Token by token with continuous batching: time to first token (TTFT, from arrival, queueing and cold "
		"start included) and time per output token (TPOT, (end - first token) / (output tokens - 1), requests "
		"of 2 or more tokens) of the completed requests, means over replications.");
	const char *cols[] = { "figure", "value" };
	table_start(d, cols, 2);
	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
		fmt(v, sizeof(v), jnum(l, figs[i]), jnum(ci, figs[i]));
		snprintf(id, sizeof(id), "fig-%s", figs[i]);
		const char *cells[] = { figs[i], v };
		table_row(d, cells, 2, id);
	}
	usd(v, sizeof(v), jnum(l, "cost_usd_per_1k_requests"), NAN);
	table_row(d, (const char *[]){ "cost_usd_per_1k_requests", v }, 2, "fig-cost_usd_per_1k_requests");
	fmt(v, sizeof(v), jnum(l, "cold_start_share"), NAN);
	table_row(d, (const char *[]){ "cold_start_share", v }, 2, "fig-cold_start_share");
	table_end(d);
}

/* Per function (with more than one): its window's cost times f (730 h /
 * window) at list prices, and its other headline figures. */
static void function_costs(struct doc *d, const json_t *summary, double f)
{
	const json_t *fns = json_object_get(summary, "functions"), *fn;
	size_t i;
	if (json_array_size(fns) > 1) {
		const char *cols2[] = { "function", "monthly cost (730 h, list prices)", "cost per million", "cold-start ratio", "p99 latency (s)" };
		table_start(d, cols2, 5);
		json_array_foreach(fns, i, fn) {
			if (i == 50)
				break;
			char c[5][128];
			/* The name whole (up to 200 characters), not cut to a buffer. */
			const char *name = json_string_value(json_object_get(fn, "name")) ?: "?";
			usd(c[1], sizeof(c[1]), jnum(fn, "cost_usd.total") * f, NAN);
			usd(c[2], sizeof(c[2]), jnum(fn, "cost_usd.per_million"), NAN);
			fmt(c[3], sizeof(c[3]), jnum(fn, "cold_start_ratio"), NAN);
			fmt(c[4], sizeof(c[4]), jnum(fn, "latency_s.p99"), NAN);
			const char *cells[] = { name, c[1], c[2], c[3], c[4] };
			table_row(d, cells, 5, NULL);
		}
		table_end(d);
	}
}

enum { BEST_COST, BEST_LAT, BEST_BAL, N_BEST };

/* The best rows of sweep.csv per objective, found in two passes: the
 * lowest cost and p99 (for the balanced objective), then the best rows. */
struct best {
	double min_cost, min_lat, v[N_BEST];
	char *row[N_BEST];        /* the configuration, "a=1, b=2" */
	char *fig[N_BEST];        /* its figures in words */
};

/* Row `row` (cost c, p99 l) as the best so far for objective o. */
static void best_take(struct best *b, int o, const char *header, long g_end, const struct csvr_row *row,
		      double c, double l)
{
	char cfg[2048] = "";
	char hdr[2048];
	snprintf(hdr, sizeof(hdr), "%s", header);
	char *save = NULL, *name = strtok_r(hdr, "|", &save);
	for (long k = 1; k < g_end && name; k++, name = strtok_r(NULL, "|", &save))
		snprintf(cfg + strlen(cfg), sizeof(cfg) - strlen(cfg), "%s%s=%s", k > 1 ? ", " : "", name, row->fields[k]);
	char figs[256];
	snprintf(figs, sizeof(figs), "cost $%.4g, p99 %.4g s (point %s)", c, l, row->fields[0]);
	free(b->row[o]);
	free(b->fig[o]);
	b->row[o] = strdup(cfg);
	b->fig[o] = strdup(figs);
}

/* One pass over sweep.csv at path: pass 0 finds the lowest cost and p99,
 * pass 1 the best rows. */
static int best_pass(const char *path, int pass, struct best *b, struct errbuf *err)
{
	struct csvr *r;
	struct csvr_row row;
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	long cc = -1, cl = -1, g_end = -1;
	if ((rc = csvr_next(r, &row, err)) == 1) {
		cc = csvr_find_column(&row, "cost_usd.total");
		cl = csvr_find_column(&row, "latency_s.p99");
		g_end = csvr_find_column(&row, "invocations");
	}
	if (rc >= 0 && (cc < 0 || cl < 0 || g_end < 1))
		rc = errbuf_set(err, ERR_INPUT, "%s: not a sweep.csv (no cost_usd.total, latency_s.p99 or invocations column)", path);
	char header[2048] = "";
	for (long k = 1; rc >= 0 && k < g_end; k++)
		snprintf(header + strlen(header), sizeof(header) - strlen(header), "%s%s", k > 1 ? "|" : "", row.fields[k]);
	while (rc >= 0 && (rc = csvr_next(r, &row, err)) == 1) {
		if ((long)row.n_fields <= cl || (long)row.n_fields <= cc)
			continue;
		char *e1, *e2;
		double c = strtod(row.fields[cc], &e1), l = strtod(row.fields[cl], &e2);
		if (*e1 || *e2 || e1 == row.fields[cc] || e2 == row.fields[cl])
			continue;   /* undefined figures */
		if (pass == 0) {
			b->min_cost = fmin(b->min_cost, c);
			b->min_lat = fmin(b->min_lat, l);
			continue;
		}
		double v[N_BEST] = { c, l, (b->min_cost > 0 ? c / b->min_cost : c) + (b->min_lat > 0 ? l / b->min_lat : l) };
		for (int o = 0; o < N_BEST; o++)
			if (v[o] < b->v[o]) {
				b->v[o] = v[o];
				best_take(b, o, header, g_end, &row, c, l);
			}
	}
	csvr_close(r);
	return rc;
}

/* Best rows of sweep.csv per objective: cost, p99 latency, balanced (the
 * smallest sum of cost and p99, each relative to its minimum). */
static int section_best(struct doc *d, const char *dir, struct errbuf *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	struct best b = { .min_cost = INFINITY, .min_lat = INFINITY, .v = { INFINITY, INFINITY, INFINITY } };
	int rc = 0;
	for (int pass = 0; pass < 2 && rc == 0; pass++)
		rc = best_pass(path, pass, &b, err);
	if (rc >= 0 && b.row[BEST_COST]) {
		heading(d, 2, "Best configuration per objective");
		para(d, "Among the points of sweep.csv (without SLOs; see the optimiser's choice for constrained answers). "
			"Balanced minimises cost / lowest cost + p99 / lowest p99.");
		const char *cols[] = { "objective", "configuration", "figures" };
		const char *names[N_BEST] = { "cost", "latency (p99)", "balanced" };
		table_start(d, cols, 3);
		for (int o = 0; o < N_BEST; o++) {
			const char *cells[] = { names[o], b.row[o] ? b.row[o] : "n/a", b.fig[o] ? b.fig[o] : "" };
			char id[32];
			snprintf(id, sizeof(id), "best-%d", o);
			table_row(d, cells, 3, id);
		}
		table_end(d);
	}
	for (int o = 0; o < N_BEST; o++) {
		free(b.row[o]);
		free(b.fig[o]);
	}
	return rc < 0 ? rc : 0;
}

/* Rows shown in the infeasible-points table; the rest are counted. */
#define MAX_INFEASIBLE_ROWS 50

/* One row of sweep.csv whose status is not "ok": its values and reason. */
static void infeasible_row(struct doc *d, const struct csvr_row *head, const struct csvr_row *row, long g_end,
			   long cs)
{
	char cfg[2048] = "";
	for (long k = 1; k < g_end && k < (long)row->n_fields; k++)
		snprintf(cfg + strlen(cfg), sizeof(cfg) - strlen(cfg), "%s%s=%s", k > 1 ? ", " : "",
			 head->fields[k], row->fields[k]);
	const char *why = row->fields[cs];
	if (strncmp(why, "infeasible: ", 12) == 0)
		why += 12;
	const char *cells[] = { row->fields[0], cfg, why };
	table_row(d, cells, 3, NULL);
}

/* The points of sweep.csv its status column marks infeasible (a
 * configuration the provider does not offer), with the reason: they have
 * no figures, and neither the best rows nor the optimiser consider them. */
static int section_infeasible(struct doc *d, const char *dir, struct errbuf *err)
{
	char path[4200];
	struct stat st;
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	if (stat(path, &st) != 0)
		return 0;
	struct csvr *r;
	struct csvr_row row, head = { 0 };
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	long cs = -1, g_end = -1;
	char **names = NULL;
	if ((rc = csvr_next(r, &row, err)) == 1) {
		cs = csvr_find_column(&row, "status");
		g_end = csvr_find_column(&row, "invocations");
		/* The header's cells are the reader's until the next row: keep them. */
		names = calloc(row.n_fields, sizeof(*names));
		for (size_t k = 0; names && k < row.n_fields; k++)
			names[k] = strdup(row.fields[k]);
		head.fields = (const char *const *)names;
		head.n_fields = names ? row.n_fields : 0;
	}
	size_t n = 0;
	while (rc >= 0 && cs >= 0 && g_end >= 1 && names && (rc = csvr_next(r, &row, err)) == 1) {
		if ((long)row.n_fields <= cs || strncmp(row.fields[cs], "infeasible", 10) != 0)
			continue;
		if (n == 0) {
			heading(d, 2, "Infeasible points");
			para(d, "Configurations the provider does not offer (sweep.csv's status column): they were not "
				"simulated, and neither the best rows above nor the optimiser consider them.");
			const char *cols[] = { "point", "configuration", "reason" };
			table_start(d, cols, 3);
		}
		if (n++ < MAX_INFEASIBLE_ROWS)
			infeasible_row(d, &head, &row, g_end, cs);
	}
	if (n > 0) {
		table_end(d);
		if (n > MAX_INFEASIBLE_ROWS) {
			char more[128];
			snprintf(more, sizeof(more), "... and %zu more in sweep.csv.", n - MAX_INFEASIBLE_ROWS);
			para(d, more);
		}
	}
	for (size_t k = 0; names && k < head.n_fields; k++)
		free(names[k]);
	free(names);
	csvr_close(r);
	return rc < 0 ? rc : 0;
}

static void section_optimizer(struct doc *d, const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/optimize.json", dir);
	json_t *doc = json_load_file(path, 0, NULL);
	if (!doc)
		return;
	heading(d, 2, "Optimiser's choice");
	char text[2048];
	const json_t *slo = json_object_get(doc, "slo"), *s, *best = json_object_get(doc, "best");
	size_t i;
	char slos[512] = "";
	json_array_foreach(slo, i, s)
		snprintf(slos + strlen(slos), sizeof(slos) - strlen(slos), "%s%s", i ? ", " : "", json_string_value(s));
	snprintf(text, sizeof(text), "Minimising %s subject to %s over %g explored points: %s.",
		 json_string_value(json_object_get(doc, "objective")) ?: "?", *slos ? slos : "no SLO",
		 jnum(doc, "explored"), json_string_value(json_object_get(doc, "decision")) ?: "");
	para(d, text);
	if (json_is_object(best)) {
		const char *cols[] = { "parameter", "value" };
		table_start(d, cols, 2);
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)json_object_get(best, "values"), k, v) {
			char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
			const char *cells[] = { k, t ? t : "?" };
			table_row(d, cells, 2, NULL);
			free(t);
		}
		json_object_foreach((json_t *)json_object_get(best, "figures"), k, v) {
			char buf[128];
			fmt(buf, sizeof(buf), json_number_value(v), jnum(json_object_get(best, "ci95"), k));
			const char *cells[] = { k, buf };
			table_row(d, cells, 2, NULL);
		}
		table_end(d);
	}
	json_decref(doc);
}

/* ---- best per provider (best_per_provider.csv, written by slsim optimize) ---- */

#define MAX_PROVIDER_ROWS 64

struct pp_line {
	char *provider, *config, *status;
	double monthly, monthly_ci, p99, p99_ci, obj, obj_ci;
	int feasible;
};

static double cell_num(const struct csvr_row *row, long col)
{
	if (col < 0 || (size_t)col >= row->n_fields || !*row->fields[col])
		return NAN;
	char *end;
	double v = strtod(row->fields[col], &end);
	return *end ? NAN : v;
}

/* One row: the provider, its other parameters as "path=value, ...". */
static void pp_line_read(const struct csvr_row *head, const struct csvr_row *row, long c_point, const long *col,
			 struct pp_line *l)
{
	char cfg[2048] = "";
	for (long k = 1; k < c_point && (size_t)k < row->n_fields; k++)
		if (*row->fields[k])
			snprintf(cfg + strlen(cfg), sizeof(cfg) - strlen(cfg), "%s%s=%s", *cfg ? ", " : "",
				 head->fields[k], row->fields[k]);
	l->provider = strdup(row->fields[0]);
	l->config = strdup(cfg);
	l->status = strdup(col[6] >= 0 && (size_t)col[6] < row->n_fields ? row->fields[col[6]] : "");
	l->monthly = cell_num(row, col[0]);
	l->monthly_ci = cell_num(row, col[1]);
	l->p99 = cell_num(row, col[2]);
	l->p99_ci = cell_num(row, col[3]);
	l->obj = cell_num(row, col[4]);
	l->obj_ci = cell_num(row, col[4] >= 0 ? col[4] + 1 : -1);
	l->feasible = cell_num(row, col[5]) == 1;
}

/* Reads path into l[0 .. *n); obj names the objective's column (NULL: none). */
static int pp_read(const char *path, const char *obj, struct pp_line *l, size_t *n, struct errbuf *err)
{
	struct csvr *r;
	struct csvr_row row;
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	char **names = NULL;
	struct csvr_row head = { 0 };
	long c_point = -1, col[7];
	if ((rc = csvr_next(r, &row, err)) == 1) {
		const char *want[] = { "cost_usd.monthly", "cost_usd.monthly.ci95", "latency_s.p99", "latency_s.p99.ci95",
				       obj ? obj : "", "feasible", "status" };
		for (int i = 0; i < 7; i++)
			col[i] = *want[i] ? csvr_find_column(&row, want[i]) : -1;
		c_point = csvr_find_column(&row, "point");
		names = calloc(row.n_fields, sizeof(*names));
		for (size_t k = 0; names && k < row.n_fields; k++)
			names[k] = strdup(row.fields[k]);
		head.fields = (const char *const *)names;
		head.n_fields = names ? row.n_fields : 0;
	}
	if (rc >= 0 && (c_point < 1 || col[0] < 0 || col[2] < 0 || col[5] < 0 || !names))
		rc = errbuf_set(err, ERR_INPUT, "%s: not a best_per_provider.csv (expected provider, point, "
			       "cost_usd.monthly, latency_s.p99, feasible, status)", path);
	while (rc >= 0 && *n < MAX_PROVIDER_ROWS && (rc = csvr_next(r, &row, err)) == 1)
		pp_line_read(&head, &row, c_point, col, &l[(*n)++]);
	for (size_t k = 0; names && k < head.n_fields; k++)
		free(names[k]);
	free(names);
	csvr_close(r);
	return rc < 0 ? rc : 0;
}

/* "A (cfg)" */
static void pp_name(char *buf, size_t size, const struct pp_line *l)
{
	snprintf(buf, size, *l->config ? "%s (%s)" : "%s", l->provider, l->config);
}

/* The one line a calculator would give: the cheapest (or best by the
 * objective) provider meeting the SLOs and its margin over the next. */
static void pp_sentence(char *text, size_t size, const struct pp_line *l, size_t n, const char *obj, int slos)
{
	const struct pp_line *a = n > 0 && l[0].feasible ? &l[0] : NULL, *b = n > 1 && l[1].feasible ? &l[1] : NULL;
	int cost = !obj;
	char lead[256], name[1024], va[96], vb[96];
	snprintf(lead, sizeof(lead), "%s%s", cost ? "Cheapest" : "Best by ", cost ? "" : obj);
	if (!a) {
		snprintf(text, size, "No provider meets the SLOs; best_per_provider.csv lists each one's closest point.");
		return;
	}
	pp_name(name, sizeof(name), a);
	double x = cost ? a->monthly : a->obj, y = b ? (cost ? b->monthly : b->obj) : NAN;
	double cx = cost ? a->monthly_ci : a->obj_ci, cy = b ? (cost ? b->monthly_ci : b->obj_ci) : NAN;
	if (cost)
		snprintf(va, sizeof(va), "$%.4g/month", x);
	else
		snprintf(va, sizeof(va), "%s %.4g ($%.4g/month)", obj, x, a->monthly);
	if (!b) {
		snprintf(text, size, "%s%s: %s at %s, the only provider %s.", lead, slos ? " meeting the SLOs" : "", name, va,
			 slos ? "meeting them" : "simulated");
		return;
	}
	if (cost)
		snprintf(vb, sizeof(vb), "$%.4g/month", y);
	else
		snprintf(vb, sizeof(vb), "%s %.4g", obj, y);
	if (!(y > x)) {   /* equal means: nothing to choose between them */
		snprintf(text, size, "%s%s: %s at %s, level with the next, %s (%s).", lead, slos ? " meeting the SLOs" : "",
			 name, va, b->provider, vb);
		return;
	}
	int n1 = snprintf(text, size, "%s%s: %s at %s, %.3g %% (%s%.4g) less than the next, %s (%s).", lead,
			  slos ? " meeting the SLOs" : "", name, va, y != 0 ? 100 * (y - x) / y : 0.0, cost ? "$" : "",
			  y - x, b->provider, vb);
	if (isfinite(cx) && isfinite(cy) && y - x <= sqrt(cx * cx + cy * cy) && n1 > 0 && (size_t)n1 < size)
		snprintf(text + n1 - 1, size - (size_t)(n1 - 1),
			 "; the difference is within the 95 %% intervals, so the two are not clearly apart.");
}

static void pp_table(struct doc *d, const struct pp_line *l, size_t n, const char *obj)
{
	const char *cols[] = { "provider", "configuration", "monthly cost (730 h)", "p99 latency (s)", "status", obj };
	size_t nc = obj ? 6 : 5;
	table_start(d, cols, nc);
	for (size_t i = 0; i < n; i++) {
		char c[4][128], id[160];
		usd(c[0], sizeof(c[0]), l[i].monthly, l[i].monthly_ci);
		fmt(c[1], sizeof(c[1]), l[i].p99, l[i].p99_ci);
		if (isfinite(l[i].p99_ci) && l[i].p99_ci < l[i].p99 * HISTO_REL_ERROR)
			/* Replications in one histogram bucket: not "± 0". */
			snprintf(c[1], sizeof(c[1]), "%.4g ± %g %%", l[i].p99, 100 * HISTO_REL_ERROR);
		fmt(c[2], sizeof(c[2]), l[i].obj, l[i].obj_ci);
		const char *cells[] = { l[i].provider, *l[i].config ? l[i].config : "-", c[0], c[1], l[i].status, c[2] };
		snprintf(id, sizeof(id), "provider-%s", l[i].provider);
		table_row(d, cells, nc, id);
	}
	table_end(d);
}

/* The report's lead when the optimiser compared providers: each one's best
 * configuration meeting the SLOs, and which is cheapest by how much. */
static int section_per_provider(struct doc *d, const char *dir, struct errbuf *err)
{
	char path[4200], text[2048];
	struct stat st;
	snprintf(path, sizeof(path), "%s/best_per_provider.csv", dir);
	if (stat(path, &st) != 0)
		return 0;
	snprintf(path, sizeof(path), "%s/optimize.json", dir);
	json_t *o = json_load_file(path, 0, NULL);
	const char *objective = json_string_value(json_object_get(o, "objective"));
	int slos = json_array_size(json_object_get(o, "slo")) > 0;
	const char *obj = objective && strcmp(objective, "cost_usd.total") != 0 && strcmp(objective, "cost_usd.monthly") != 0 &&
			  strcmp(objective, "cost_usd.per_million") != 0 ? objective : NULL;
	struct pp_line l[MAX_PROVIDER_ROWS];
	size_t n = 0;
	snprintf(path, sizeof(path), "%s/best_per_provider.csv", dir);
	int rc = pp_read(path, obj && strcmp(obj, "latency_s.p99") != 0 ? obj : NULL, l, &n, err);
	if (rc == 0) {
		if (obj && strcmp(obj, "latency_s.p99") == 0)
			for (size_t i = 0; i < n; i++) {
				l[i].obj = l[i].p99;
				l[i].obj_ci = l[i].p99_ci;
			}
		heading(d, 2, "Best configuration per provider");
		pp_sentence(text, sizeof(text), l, n, obj, slos);
		fputs("<p class=\"big\" id=\"best-provider\">", d->html);
		html_esc(d->html, text);
		fputs("</p>\n", d->html);
		fputs("**", d->md);
		md_esc(d->md, text);
		fputs("**\n\n", d->md);
		para(d, "Each provider's best point by the optimiser's objective among its own points (best_per_provider.csv); "
			"monthly = 730 h, means with 95 % half-widths.");
		pp_table(d, l, n, obj && strcmp(obj, "latency_s.p99") != 0 ? obj : NULL);
	}
	for (size_t i = 0; i < n; i++) {
		free(l[i].provider);
		free(l[i].config);
		free(l[i].status);
	}
	json_decref(o);
	return rc;
}

/* What the baseline is and how each kind of traffic source was scaled
 * (kinds: BASELINE_SRC_* bits): only what was done. */
static void baseline_intro(struct doc *d, const struct baseline_cfg *b, unsigned kinds)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "Baseline: VMs of %g vCPU / %g GB at $%g per hour, each serving %g requests/s, at least %u, sized for %s. "
		 "The scenario is simulated again at each traffic scale s:",
		 b->vcpus, b->memory_gb, b->hourly_usd, b->requests_per_s_per_vm, b->min_vms,
		 b->scale == BASELINE_PEAK ? "the peak interval's arrival rate all month" : "each interval's arrival rate (autoscaling)");
	static const char *const how[] = {
		"Poisson rates times s",
		"periodic periods, jitters and phases divided by s",
		"trace arrivals thinned below 1 (each request kept with probability s) and given copies above 1 "
		"(floor(s) - 1 copies of each request, and one more with probability s - floor(s), at uniform times "
		"between it and the next request)",
		"the generator's rates times s (its periods divided by s)",
	};
	for (unsigned k = 0, first = 1; k < 4; k++)
		if (kinds & 1u << k) {
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s %s", first ? "" : ";", how[k]);
			first = 0;
		}
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
		 ". Monthly means 730 hours: each window's cost times 730 h / the window, without free tiers.");
	para(d, text);
}

static int section_baseline(struct doc *d, const char *dir, const json_t *scen, const struct report_options *opt,
			    struct errbuf *err)
{
	struct baseline_cfg b;
	char where[4200];
	snprintf(where, sizeof(where), "%s/scenario.json", dir);
	int rc = baseline_parse(scen, where, &b, err);
	if (rc <= 0 || !opt->baseline_curve)
		return rc;
	size_t n = opt->n_scales ? opt->n_scales : report_n_default_scales;
	const double *scales = opt->n_scales ? opt->scales : report_default_scales;
	struct baseline_point pts[REPORT_MAX_SCALES];
	unsigned kinds = 0;
	if ((rc = opt->baseline_curve(opt->baseline_ctx, scen, where, &b, scales, n, dir, pts,
				      &kinds, err)) < 0)
		return rc;
	heading(d, 2, "Serverless against always-on VMs");
	baseline_intro(d, &b, kinds);
	char text[1024], v1[64], v2[64];
	const char *cols[] = { "traffic scale", "invocations", "serverless per month", "VMs per month", "VMs (peak)", "cheaper" };
	table_start(d, cols, 6);
	for (size_t k = 0; k < n; k++) {
		char c0[32], c1[32], c3[32], id[32];
		snprintf(c0, sizeof(c0), "%g", pts[k].scale);
		snprintf(c1, sizeof(c1), "%.0f", pts[k].invocations);
		usd(v1, sizeof(v1), pts[k].serverless_monthly_usd, pts[k].serverless_ci95);
		usd(v2, sizeof(v2), pts[k].vm.vm_monthly_usd, NAN);
		snprintf(c3, sizeof(c3), "%u", pts[k].vm.peak_vms);
		const char *cells[] = { c0, c1, v1, v2, c3,
					pts[k].serverless_monthly_usd <= pts[k].vm.vm_monthly_usd ? "serverless" : "VMs" };
		snprintf(id, sizeof(id), "baseline-%zu", k);
		table_row(d, cells, 6, id);
	}
	table_end(d);
	double be = baseline_break_even(pts, n);
	if (isfinite(be))
		snprintf(text, sizeof(text), "Break-even: serverless stops paying at about %.3g times the scenario's traffic.", be);
	else if (pts[0].serverless_monthly_usd > pts[0].vm.vm_monthly_usd)
		snprintf(text, sizeof(text), "The VMs are cheaper already at the lowest scale tried (%g).", pts[0].scale);
	else
		snprintf(text, sizeof(text), "Serverless stays cheaper at every scale tried (up to %g).", pts[n - 1].scale);
	fprintf(d->html, "<p class=\"big\" id=\"break-even\">");
	html_esc(d->html, text);
	fputs("</p>\n", d->html);
	fputs("**", d->md);
	md_esc(d->md, text);
	fputs("**\n\n", d->md);
	return 0;
}

static int write_text(void *ctx, FILE *fp)
{
	return fputs(ctx, fp) < 0 ? -1 : 0;
}

static json_t *load_json(const char *dir, const char *name, struct errbuf *err, int *rc)
{
	char path[4200];
	json_error_t jerr;
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) != 0)
		return NULL;
	json_t *doc = json_load_file(path, 0, &jerr);
	if (!doc)
		*rc = errbuf_set(err, ERR_INPUT, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	return doc;
}

/* The page's head and title. */
static void page_start(struct doc *d, const char *dir, const json_t *summary)
{
	const char *name = summary ? json_string_value(json_object_get(summary, "scenario")) : NULL;
	char title[256];
	snprintf(title, sizeof(title), "slsim report: %s", name ? name : dir);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", d->html);
	html_esc(d->html, title);
	fputs("</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}"
	      "h1{border-bottom:3px solid #ff7f0e}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
	      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;"
	      "font-size:90%;max-width:420px;overflow-wrap:anywhere}td:first-child,th:first-child{text-align:left}"
	      /* Headers break between words only, never inside one ("functio n"):
	       * a column is at least as wide as its header's longest word. */
	      "th{background:#f3f3f3;overflow-wrap:normal;word-break:normal;hyphens:none}.big{font-size:150%;font-weight:bold;color:#b35900}.warn{color:#a00}"
	      "figure{margin:1em 0}img{max-width:100%;border:1px solid #ddd}figcaption{color:#555;font-size:90%}"
	      "</style></head><body>\n<h1>", d->html);
	html_esc(d->html, title);
	fputs("</h1>\n", d->html);
	fputs("# ", d->md);
	md_esc(d->md, title);
	fputs("\n\n", d->md);
}

/* The plots (drawn by sim/output/plot.c) and what could not be plotted. */
static int section_plots(struct doc *d, const char *dir, const struct report_options *opt,
			 struct errbuf *err)
{
	struct plot_set plots;
	struct plot_options po = { .metric = opt->metric, .log_y = opt->log_y };
	int rc = plot_dir(dir, &po, &plots, err);
	if (rc < 0)
		return rc;
	heading(d, 2, "Plots");
	for (size_t i = 0; i < plots.n && rc == 0; i++)
		rc = image(d, dir, &plots.item[i], err);
	if (rc < 0)
		return rc;
	if (plots.notes[0])
		para(d, plots.notes);
	return 0;
}

int report_dir(const char *dir, const struct report_options *opt, struct errbuf *err)
{
	int rc = 0;
	json_t *summary = load_json(dir, "summary.json", err, &rc);
	json_t *scen = rc == 0 ? load_json(dir, "scenario.json", err, &rc) : NULL;
	char sweep[4200];
	struct stat st;
	snprintf(sweep, sizeof(sweep), "%s/sweep.csv", dir);
	char compare[4200];
	snprintf(compare, sizeof(compare), "%s/compare.csv", dir);
	if (rc == 0 && !summary && stat(sweep, &st) != 0 && stat(compare, &st) != 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: no results to report (expected summary.json from slsim run, sweep.csv or compare.csv)", dir);
	struct doc d = { 0 };
	if (rc == 0) {
		d.html = open_memstream(&d.html_buf, &d.html_len);
		d.md = open_memstream(&d.md_buf, &d.md_len);
		if (!d.html || !d.md)
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	if (rc < 0)
		goto out;
	page_start(&d, dir, summary);
	if ((rc = section_per_provider(&d, dir, err)) < 0)
		goto out;

	if (summary) {
		section_scenario(&d, summary, scen);
		section_headline(&d, summary);
		section_llm(&d, summary);
	}
	section_optimizer(&d, dir);
	if ((rc = section_best(&d, dir, err)) < 0 || (rc = section_infeasible(&d, dir, err)) < 0)
		goto out;
	if (scen && (rc = section_baseline(&d, dir, scen, opt, err)) < 0)
		goto out;

	if ((rc = section_plots(&d, dir, opt, err)) < 0)
		goto out;
	para(&d, "Made by slsim. The plots' gnuplot scripts and data are in plots/ and the CSV files beside this report.");
	fputs("</body></html>\n", d.html);
	fclose(d.html);
	fclose(d.md);
	d.html = d.md = NULL;
	if ((rc = output_write_atomic(dir, "report.html", write_text, d.html_buf, err)) == 0)
		rc = output_write_atomic(dir, "report.md", write_text, d.md_buf, err);
out:
	if (d.html)
		fclose(d.html);
	if (d.md)
		fclose(d.md);
	free(d.html_buf);
	free(d.md_buf);
	json_decref(summary);
	json_decref(scen);
	return rc;
}
