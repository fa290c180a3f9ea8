#include "output/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include "scenario/baseline.h"
#include "core/csvreader.h"
#include "output/output.h"
#include "run/stats.h"

extern char **environ;

/* Generated from the scripts in scripts/gnuplot by scripts/embed-gnuplot.sh. */
struct plot_script {
	const char *name;
	const char *text;
};
extern const struct plot_script plot_scripts[];
extern const size_t plot_n_scripts;

#define MAX_DISTINCT 200

static int file_exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int write_text(void *ctx, FILE *fp)
{
	return fputs(ctx, fp) < 0 ? -1 : 0;
}

int plot_write_scripts(const char *dir, struct errbuf *err)
{
	int rc = output_mkdirs(dir, err);
	for (size_t i = 0; rc == 0 && i < plot_n_scripts; i++)
		rc = output_write_atomic(dir, plot_scripts[i].name, write_text, (void *)plot_scripts[i].text, err);
	return rc;
}

/* Appends `name='value'; ` to buf, doubling quotes as gnuplot wants. */
static void gp_var(char *buf, size_t size, const char *name, const char *value)
{
	size_t n = strlen(buf);
	n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s='", name);
	for (const char *p = value; *p && n + 3 < size; p++) {
		if (*p == '\'')
			buf[n++] = '\'';
		buf[n++] = *p;
	}
	if (n + 4 < size)
		snprintf(buf + n, size - n, "'; ");
}

static void gp_num(char *buf, size_t size, const char *name, double v)
{
	size_t n = strlen(buf);
	if (n < size)
		snprintf(buf + n, size - n, "%s=%.17g; ", name, v);
}

/* Runs `gnuplot -e "<vars> in=...; out=..." plots/<script>` for one output. */
static int run_gnuplot(const char *plots, const char *script, const char *vars, const char *in,
		       const char *out, struct errbuf *err)
{
	const char *prog = getenv("SLSIM_GNUPLOT");
	if (!prog || !*prog)
		prog = "gnuplot";
	char assign[16384] = "", script_path[8300], log_path[8300];
	gp_var(assign, sizeof(assign), "in", in);
	gp_var(assign, sizeof(assign), "out", out);
	snprintf(assign + strlen(assign), sizeof(assign) - strlen(assign), "%s", vars);
	if (strlen(assign) + 1 >= sizeof(assign))
		return errbuf_set(err, ERR_INPUT, "%s: paths too long for gnuplot", out);
	snprintf(script_path, sizeof(script_path), "%s/%s", plots, script);
	snprintf(log_path, sizeof(log_path), "%s/gnuplot.log", plots);

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0666);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	char *argv[] = { (char *)prog, "-e", assign, script_path, NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return errbuf_set(err, ERR_RUNTIME,
				  rc == ENOENT ? "cannot run %s: not found; plots need gnuplot (Debian: apt-get install gnuplot-nox, or set SLSIM_GNUPLOT)"
					       : "cannot run %s: %s",
				  prog, strerror(rc));
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errbuf_set(err, ERR_RUNTIME, "waiting for %s: %s", prog, strerror(errno));
	struct stat st;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(out, &st) != 0 || st.st_size == 0)
		return errbuf_set(err, ERR_RUNTIME, "%s failed on %s drawing %s; see %s", prog, script, out,
				  log_path);
	return 0;
}

/* Draws plots/<name>.png and .svg with script on DIR/<csv>. */
static int draw(const char *dir, struct plot_set *set, const char *name, const char *title,
		const char *script, const char *csv, const char *vars, struct errbuf *err)
{
	char plots[4096], in[4096], out[4200];
	static const char *const ext[] = { "png", "svg" };
	snprintf(plots, sizeof(plots), "%s/plots", dir);
	snprintf(in, sizeof(in), "%s/%s", dir, csv);
	for (int e = 0; e < 2; e++) {
		snprintf(out, sizeof(out), "%s/%s.%s", plots, name, ext[e]);
		int rc = run_gnuplot(plots, script, vars, in, out, err);
		if (rc < 0)
			return rc;
	}
	if (set->n < PLOT_MAX) {
		struct plot_item *it = &set->item[set->n++];
		snprintf(it->name, sizeof(it->name), "%s", name);
		snprintf(it->title, sizeof(it->title), "%s", title);
	}
	return 0;
}

static void note(struct plot_set *set, const char *fmt, const char *arg)
{
	size_t n = strlen(set->notes);
	snprintf(set->notes + n, sizeof(set->notes) - n, fmt, arg);
}

/* ---- sweep.csv -------------------------------------------------------- */

struct grid_col {
	char *path;
	int numeric;
	size_t n_distinct;
	int overflow;           /* more than MAX_DISTINCT values */
	char *distinct[MAX_DISTINCT];
};

/* The figures whose axes may go log-scale: their positive values' range. */
enum { RANGE_PER_MILLION, RANGE_MONTHLY, RANGE_TOTAL, RANGE_P50, RANGE_P99, N_RANGES };
static const char *const range_names[N_RANGES] = { "cost_usd.per_million", "cost_usd.monthly", "cost_usd.total",
						   "latency_s.p50", "latency_s.p99" };

struct sweep_info {
	size_t n_rows;
	size_t n_grid;
	struct grid_col *grid;
	int has_monthly;
	int has_metric;
	long range_col[N_RANGES];          /* -1: no such column */
	double range_min[N_RANGES], range_max[N_RANGES];
};

static int is_figure(const char *name)
{
	for (int i = 0; i < FIG_COUNT; i++)
		if (strcmp(name, stats_figure_names[i]) == 0)
			return 1;
	/* Figures added later (e.g. by other pricing models) follow the same
	 * naming: a dotted name with a .ci95 twin; a grid PATH never has one. */
	return 0;
}

static int is_number(const char *s)
{
	char *end;
	if (!*s)
		return 0;
	strtod(s, &end);
	return *end == '\0';
}

static void sweep_info_free(struct sweep_info *si)
{
	for (size_t k = 0; k < si->n_grid; k++) {
		free(si->grid[k].path);
		for (size_t j = 0; j < si->grid[k].n_distinct; j++)
			free(si->grid[k].distinct[j]);
	}
	free(si->grid);
	memset(si, 0, sizeof(*si));
}

static int cmp_numeric(const void *a, const void *b)
{
	double x = strtod(*(char *const *)a, NULL), y = strtod(*(char *const *)b, NULL);
	return (x > y) - (x < y);
}

/* The header of sweep.csv: the grid columns (those before the first figure). */
static int sweep_header(const char *path, const struct csvr_row *row, const char *metric,
			struct sweep_info *si, struct errbuf *err)
{
	if (row->n_fields < 2 || strcmp(row->fields[0], "point") != 0)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: not a sweep.csv (the header must start with \"point\")",
				  path, (unsigned long long)row->line);
	size_t g = 1;
	while (g < row->n_fields && !is_figure(row->fields[g]))
		g++;
	if (g == row->n_fields)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: no figure columns (invocations, latency_s.p99, ...)",
				  path, (unsigned long long)row->line);
	si->n_grid = g - 1;
	si->grid = calloc(si->n_grid ? si->n_grid : 1, sizeof(*si->grid));
	if (!si->grid)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t k = 0; k < si->n_grid; k++) {
		si->grid[k].path = strdup(row->fields[k + 1]);
		si->grid[k].numeric = 1;
	}
	si->has_monthly = csvr_find_column(row, "cost_usd.monthly") >= 0;
	si->has_metric = csvr_find_column(row, metric) >= 0;
	for (int k = 0; k < N_RANGES; k++) {
		si->range_col[k] = csvr_find_column(row, range_names[k]);
		si->range_min[k] = INFINITY;
		si->range_max[k] = 0;
	}
	return 0;
}

/* A row's grid values: each column's distinct values, and whether all are numbers. */
static int sweep_add_row(struct sweep_info *si, const struct csvr_row *row, struct errbuf *err)
{
	int rc = 0;
	si->n_rows++;
	for (int k = 0; k < N_RANGES; k++) {
		double v = si->range_col[k] >= 0 ? strtod(row->fields[si->range_col[k]], NULL) : 0;
		if (v > 0 && isfinite(v)) {
			si->range_min[k] = fmin(si->range_min[k], v);
			si->range_max[k] = fmax(si->range_max[k], v);
		}
	}
	for (size_t k = 0; k < si->n_grid; k++) {
		struct grid_col *c = &si->grid[k];
		const char *v = row->fields[k + 1];
		if (!is_number(v))
			c->numeric = 0;
		size_t j = 0;
		while (j < c->n_distinct && strcmp(c->distinct[j], v) != 0)
			j++;
		if (j < c->n_distinct)
			continue;
		if (c->n_distinct == MAX_DISTINCT)
			c->overflow = 1;
		else if (!(c->distinct[c->n_distinct++] = strdup(v)))
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	return rc;
}

static int read_sweep(const char *path, const char *metric, struct sweep_info *si, struct errbuf *err)
{
	struct csvr *r;
	struct csvr_row row;
	memset(si, 0, sizeof(*si));
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	rc = csvr_next(r, &row, err);
	if (rc == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: empty file", path);
	if (rc < 0 || (rc = sweep_header(path, &row, metric, si, err)) < 0)
		goto out;
	size_t n_cols = row.n_fields;
	while ((rc = csvr_next(r, &row, err)) == 1) {
		if (row.n_fields != n_cols) {
			rc = errbuf_set(err, ERR_INPUT, "%s:%llu: %zu fields, the header has %zu", path,
					(unsigned long long)row.line, row.n_fields, n_cols);
			goto out;
		}
		if ((rc = sweep_add_row(si, &row, err)) < 0)
			goto out;
	}
	if (rc == 0 && si->n_rows == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: no points", path);
	for (size_t k = 0; rc == 0 && k < si->n_grid; k++)
		if (si->grid[k].numeric)
			qsort(si->grid[k].distinct, si->grid[k].n_distinct, sizeof(char *), cmp_numeric);
out:
	csvr_close(r);
	if (rc < 0)
		sweep_info_free(si);
	return rc < 0 ? rc : 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Space-separated values for a gnuplot word list; 0 if one would not fit. */
static int word_list(const struct grid_col *c, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	if (c->overflow)
		return 0;
	for (size_t j = 0; j < c->n_distinct; j++) {
		const char *v = c->distinct[j];
		if (!*v || strpbrk(v, " \t'\"") || n + strlen(v) + 2 >= size)
			return 0;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", j ? " " : "", v);
	}
	return 1;
}

static const char *param_label(const char *path, char *buf, size_t size)
{
	if (ends_with(path, "memory_mb"))
		snprintf(buf, size, "memory (MB): %s", path);
	else if (ends_with(path, "ttl_s"))
		snprintf(buf, size, "keep-alive TTL (s): %s", path);
	else
		snprintf(buf, size, "%s", path);
	return buf;
}

/* 730 h over the measured window of DIR/scenario.json, or NAN. */
static double monthly_factor(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/scenario.json", dir);
	json_t *doc = json_load_file(path, 0, NULL);
	double f = NAN;
	if (doc) {
		json_t *d = json_object_get(doc, "duration_s"), *w = json_object_get(doc, "warmup_s");
		double window = json_number_value(d) - (w ? json_number_value(w) : 0);
		if (json_is_number(d) && window > 0)
			f = BASELINE_MONTH_S / window;
		json_decref(doc);
	}
	return f;
}

/* Whether the axis of figures a and b (a range of enum RANGE_*) is log-scale:
 * forced, or its largest positive value over PLOT_LOG_RATIO times its
 * smallest. */
static int log_axis(const struct sweep_info *si, int a, int b, int force)
{
	double lo = INFINITY, hi = 0;
	for (int k = a; k <= b; k++) {
		lo = fmin(lo, si->range_min[k]);
		hi = fmax(hi, si->range_max[k]);
	}
	return force || (hi > 0 && hi > PLOT_LOG_RATIO * lo);
}

/* One grid parameter: figures against it (numeric) or per value (categories, providers). */
static int plot_one_param(const char *dir, const char *csv, const struct sweep_info *si, int log_y,
			  struct plot_set *set, struct errbuf *err)
{
	char vars[8192], label[512], title[512];
	const char *p = si->grid[0].path;
	vars[0] = '\0';
	gp_var(vars, sizeof(vars), "xcol", p);
	if (si->grid[0].numeric) {
		const char *name = ends_with(p, "memory_mb") ? "sweep_memory" : ends_with(p, "ttl_s") ? "sweep_ttl" : "sweep_param";
		gp_var(vars, sizeof(vars), "xlabel", param_label(p, label, sizeof(label)));
		snprintf(title, sizeof(title), "Cost per million and latency against %s", p);
		gp_var(vars, sizeof(vars), "title", title);
		gp_num(vars, sizeof(vars), "logy", log_axis(si, RANGE_PER_MILLION, RANGE_PER_MILLION, log_y));
		gp_num(vars, sizeof(vars), "logy2", log_axis(si, RANGE_P50, RANGE_P99, log_y));
		return draw(dir, set, name, title, "sweep_param.gp", csv, vars, err);
	}
	double factor = monthly_factor(dir);
	if (!si->has_monthly) {
		gp_var(vars, sizeof(vars), "costcol", "cost_usd.total");
		if (isfinite(factor)) {
			gp_num(vars, sizeof(vars), "costscale", factor);
		} else {
			gp_var(vars, sizeof(vars), "costlabel", "cost over the simulated window (USD)");
		}
	}
	snprintf(title, sizeof(title), "Monthly cost and p99 latency per %s", p);
	gp_var(vars, sizeof(vars), "title", title);
	int cost = si->has_monthly ? RANGE_MONTHLY : RANGE_TOTAL;
	gp_num(vars, sizeof(vars), "logy", log_axis(si, cost, cost, log_y));
	gp_num(vars, sizeof(vars), "logy2", log_axis(si, RANGE_P99, RANGE_P99, log_y));
	return draw(dir, set, strcmp(p, "provider") == 0 || strncmp(p, "provider.", 9) == 0 ? "sweep_provider" : "sweep_category",
		    title, "sweep_provider.gp", csv, vars, err);
}

/* The keep-alive trade-off curve runs along the TTL (column ka_ttl); with a
 * second parameter (the policy, or anything else) it draws one line per
 * value of it. */
static int plot_keepalive(const char *dir, const char *csv, const struct sweep_info *si, long ka_ttl,
			  long ka_policy, struct plot_set *set, struct errbuf *err)
{
	char vars[8192], groups[4096];
	long other = si->n_grid == 2 ? 1 - ka_ttl : -1;
	if (ka_policy >= 0)
		other = ka_policy;
	vars[0] = '\0';
	gp_var(vars, sizeof(vars), "labelcol", si->grid[ka_ttl].path);
	if (other >= 0 && word_list(&si->grid[other], groups, sizeof(groups))) {
		gp_var(vars, sizeof(vars), "groupcol", si->grid[other].path);
		gp_var(vars, sizeof(vars), "groups", groups);
	}
	return draw(dir, set, "sweep_keepalive", "Keep-alive trade-off: cold-start ratio against idle GB-s",
		    "sweep_keepalive.gp", csv, vars, err);
}

/* Two grid parameters, one numeric (x) and one categorical (the lines):
 * monthly cost against x, one line per category (sweep_lines.gp), so that
 * where two options cross shows (README "Serverless GPUs"). */
static int plot_lines(const char *dir, const char *csv, const struct sweep_info *si, struct plot_set *set,
		      struct errbuf *err)
{
	char vars[8192], groups[4096], title[512];
	size_t x = si->grid[0].numeric ? 0 : 1, g = 1 - x;
	if (!word_list(&si->grid[g], groups, sizeof(groups))) {
		note(set, "%s: too many values (or values with spaces) for one line each; ", csv);
		return 0;
	}
	vars[0] = '\0';
	gp_var(vars, sizeof(vars), "xcol", si->grid[x].path);
	gp_var(vars, sizeof(vars), "groupcol", si->grid[g].path);
	gp_var(vars, sizeof(vars), "groups", groups);
	gp_num(vars, sizeof(vars), "logx", strtod(si->grid[x].distinct[0], NULL) > 0);
	if (!si->has_monthly) {
		double factor = monthly_factor(dir);
		gp_var(vars, sizeof(vars), "costcol", "cost_usd.total");
		if (isfinite(factor))
			gp_num(vars, sizeof(vars), "costscale", factor);
		else
			gp_var(vars, sizeof(vars), "costlabel", "cost over the simulated window (USD)");
	}
	snprintf(title, sizeof(title), "Monthly cost against %s, per %s", si->grid[x].path, si->grid[g].path);
	gp_var(vars, sizeof(vars), "title", title);
	return draw(dir, set, "sweep_lines", title, "sweep_lines.gp", csv, vars, err);
}

/* Two grid parameters: a heat map of metric over them, when it can be drawn. */
static int plot_heatmap(const char *dir, const char *csv, const char *metric, const struct sweep_info *si,
			struct plot_set *set, struct errbuf *err)
{
	char vars[8192], title[512], xs[4096], ys[4096];
	if (!si->has_metric) {
		note(set, "%s: no such figure for the heat map; ", metric);
		return 0;
	}
	if (!word_list(&si->grid[0], xs, sizeof(xs)) || !word_list(&si->grid[1], ys, sizeof(ys))) {
		note(set, "%s: too many values (or values with spaces) for a heat map; ", csv);
		return 0;
	}
	vars[0] = '\0';
	gp_var(vars, sizeof(vars), "xcol", si->grid[0].path);
	gp_var(vars, sizeof(vars), "ycol", si->grid[1].path);
	gp_var(vars, sizeof(vars), "zcol", metric);
	gp_var(vars, sizeof(vars), "xs", xs);
	gp_var(vars, sizeof(vars), "ys", ys);
	snprintf(title, sizeof(title), "%s over %s and %s", metric, si->grid[0].path, si->grid[1].path);
	return draw(dir, set, "sweep_heatmap", title, "sweep_heatmap.gp", csv, vars, err);
}

static int plot_sweep(const char *dir, const char *csv, const char *metric, int log_y, struct plot_set *set,
		      struct errbuf *err)
{
	char path[4096];
	struct sweep_info si;
	snprintf(path, sizeof(path), "%s/%s", dir, csv);
	int rc = read_sweep(path, metric, &si, err);
	if (rc < 0)
		return rc;
	long ka_policy = -1, ka_ttl = -1;
	for (size_t k = 0; k < si.n_grid; k++) {
		if (ends_with(si.grid[k].path, "keepalive.policy"))
			ka_policy = (long)k;
		else if (strstr(si.grid[k].path, "keepalive") && si.grid[k].numeric)
			ka_ttl = (long)k;
	}
	if (si.n_grid == 0)
		note(set, "%s: no grid columns, nothing to plot against; ", csv);
	else if (si.n_grid == 1)
		rc = plot_one_param(dir, csv, &si, log_y, set, err);
	if (rc == 0 && ka_ttl >= 0 && si.n_grid <= 2)
		rc = plot_keepalive(dir, csv, &si, ka_ttl, ka_policy, set, err);
	if (rc == 0 && si.n_grid == 2 && ka_ttl < 0 && si.grid[0].numeric != si.grid[1].numeric)
		rc = plot_lines(dir, csv, &si, set, err);
	if (rc == 0 && si.n_grid == 2)
		rc = plot_heatmap(dir, csv, metric, &si, set, err);
	if (si.n_grid > 2)
		note(set, "%s: no plot for sweeps over more than two parameters; ", csv);
	sweep_info_free(&si);
	return rc;
}

/* ---- latency_cdf.csv ---------------------------------------------------- */

/* The quantiles (nearest rank: the first bucket whose CDF reaches q) of
 * the distribution in latency_cdf.csv, which the plot marks, and the bottom
 * of its CCDF axis: a decade below the smaller of 1e-4 and the smallest
 * non-zero share, so the last step of the tail shows. */
static int cdf_vars(const char *dir, char *vars, size_t size, struct errbuf *err)
{
	static const double q[] = { 0.5, 0.99, 0.999 };
	static const char *const qname[] = { "p50", "p99", "p999" };
	char path[4096];
	snprintf(path, sizeof(path), "%s/latency_cdf.csv", dir);
	struct csvr *r;
	struct csvr_row row;
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	long cx = -1, cc = -1, ct = -1;
	if ((rc = csvr_next(r, &row, err)) == 1) {
		cx = csvr_find_column(&row, "latency_s");
		cc = csvr_find_column(&row, "cdf");
		ct = csvr_find_column(&row, "ccdf");
	}
	if (rc >= 0 && (cx < 0 || cc < 0))
		rc = errbuf_set(err, ERR_INPUT, "%s: expected columns latency_s, cdf (and ccdf)", path);
	double quant[3] = { NAN, NAN, NAN }, smallest = 1e-4;
	while (rc >= 0 && (rc = csvr_next(r, &row, err)) == 1) {
		double x, c, t;
		if ((rc = csvr_double(r, &row, (size_t)cx, "latency_s", &x, err)) < 0 ||
		    (rc = csvr_double(r, &row, (size_t)cc, "cdf", &c, err)) < 0 ||
		    (ct >= 0 && (rc = csvr_double(r, &row, (size_t)ct, "ccdf", &t, err)) < 0))
			break;
		if (ct < 0)
			t = 1 - c;
		for (int k = 0; k < 3; k++)
			if (isnan(quant[k]) && c >= q[k])
				quant[k] = x;
		if (t > 0 && t < smallest)
			smallest = t;
	}
	csvr_close(r);
	if (rc < 0)
		return rc;
	for (int k = 0; k < 3; k++)
		if (isfinite(quant[k]) && quant[k] > 0)
			gp_num(vars, size, qname[k], quant[k]);
	gp_num(vars, size, "ymin", pow(10, floor(log10(smallest / 2))));
	if (ct < 0)
		gp_num(vars, size, "hasccdf", 0);
	return 0;
}

static int plot_cdf(const char *dir, struct plot_set *set, struct errbuf *err)
{
	char vars[1024] = "";
	int rc = cdf_vars(dir, vars, sizeof(vars), err);
	return rc < 0 ? rc : draw(dir, set, "latency_cdf", "Latency distribution (all functions): CDF and, log scale, its tail",
				  "latency_cdf.gp", "latency_cdf.csv", vars, err);
}

/* ---- compare.csv --------------------------------------------------------- */

/* The policies' cold-start ratio against idle GB-s, labelled with their
 * monthly cost (the window's total when compare.csv has no monthly
 * figure); a log y axis when the largest ratio is over PLOT_LOG_RATIO times
 * the smallest positive one (or with --log-y), zeros on its bottom. */
static int plot_compare(const char *dir, int log_y, struct plot_set *set, struct errbuf *err)
{
	char path[4096], vars[9216] = "";
	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	struct csvr *r;
	struct csvr_row row;
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	long cr = -1, ci = -1, cm = -1, ct = -1;
	if ((rc = csvr_next(r, &row, err)) == 1) {
		cr = csvr_find_column(&row, "cold_start_ratio");
		ci = csvr_find_column(&row, "idle_gb_s");
		cm = csvr_find_column(&row, "cost_usd.monthly");
		ct = csvr_find_column(&row, "cost_usd.total");
	}
	if (rc >= 0 && (cr < 0 || ci < 0 || ct < 0))
		rc = errbuf_set(err, ERR_INPUT, "%s: expected columns cold_start_ratio, idle_gb_s, cost_usd.total", path);
	double lo = INFINITY, hi = 0;
	size_t n = 0;
	char keys[8192] = "";
	while (rc >= 0 && (rc = csvr_next(r, &row, err)) == 1) {
		if (row.n_fields <= (size_t)(cr > ct ? (cm > cr ? cm : cr) : (cm > ct ? cm : ct)))
			continue;
		double v = strtod(row.fields[cr], NULL), c = strtod(row.fields[cm >= 0 ? cm : ct], NULL);
		if (v > 0) {
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
		/* The key's entry of row n: t<n>='policy: $cost/month'. */
		char name[16], text[256];
		snprintf(name, sizeof(name), "t%zu", n++);
		snprintf(text, sizeof(text), "%s: $%.4g%s%s", row.fields[0], c, cm >= 0 ? "/month" : " in the window",
			 v == 0 && *row.fields[cr] ? " (no cold start)" : "");
		gp_var(keys, sizeof(keys), name, text);
	}
	csvr_close(r);
	if (rc < 0)
		return rc;
	if (cm < 0) {
		gp_var(vars, sizeof(vars), "costcol", "cost_usd.total");
		gp_var(vars, sizeof(vars), "costunit", " in the window");
	}
	if (n <= 40 && strlen(keys) + 1 < sizeof(keys)) {
		gp_num(vars, sizeof(vars), "n", (double)n);
		snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "%s", keys);
	}
	if (hi > 0 && (log_y || hi > PLOT_LOG_RATIO * lo)) {
		gp_num(vars, sizeof(vars), "logy", 1);
		gp_num(vars, sizeof(vars), "ymin", pow(10, floor(log10(lo / 2))));
	}
	return draw(dir, set, "compare", "Keep-alive policies: cold-start ratio against idle GB-s, labelled with cost",
		    "compare.gp", "compare.csv", vars, err);
}

/* ---- baseline.csv ------------------------------------------------------ */

static int plot_baseline(const char *dir, struct plot_set *set, struct errbuf *err)
{
	char path[4096], vars[256] = "";
	snprintf(path, sizeof(path), "%s/baseline.csv", dir);
	struct csvr *r;
	struct csvr_row row;
	struct baseline_point pts[64];
	size_t n = 0;
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	long cs = -1, csl = -1, cvm = -1;
	if ((rc = csvr_next(r, &row, err)) == 1) {
		cs = csvr_find_column(&row, "traffic_scale");
		csl = csvr_find_column(&row, "serverless_monthly_usd");
		cvm = csvr_find_column(&row, "vm_monthly_usd");
	}
	if (rc >= 0 && (cs < 0 || csl < 0 || cvm < 0))
		rc = errbuf_set(err, ERR_INPUT, "%s: expected columns traffic_scale, serverless_monthly_usd, vm_monthly_usd", path);
	while (rc >= 0 && n < 64 && (rc = csvr_next(r, &row, err)) == 1) {
		memset(&pts[n], 0, sizeof(pts[n]));
		if ((rc = csvr_double(r, &row, (size_t)cs, "traffic_scale", &pts[n].scale, err)) < 0 ||
		    (rc = csvr_double(r, &row, (size_t)csl, "serverless_monthly_usd", &pts[n].serverless_monthly_usd, err)) < 0 ||
		    (rc = csvr_double(r, &row, (size_t)cvm, "vm_monthly_usd", &pts[n].vm.vm_monthly_usd, err)) < 0)
			break;
		n++;
	}
	csvr_close(r);
	if (rc < 0)
		return rc;
	double be = baseline_break_even(pts, n);
	if (isfinite(be))
		gp_num(vars, sizeof(vars), "be", be);
	return draw(dir, set, "baseline", "Monthly cost against traffic: serverless and always-on VMs",
		    "baseline.gp", "baseline.csv", vars, err);
}

int plot_dir(const char *dir, const struct plot_options *opt, struct plot_set *out,
	     struct errbuf *err)
{
	const char *metric = opt && opt->metric ? opt->metric : "cost_usd.per_million";
	char plots[4096];
	memset(out, 0, sizeof(*out));
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return errbuf_set(err, ERR_INPUT, "%s: no such folder", dir);
	int run = file_exists(dir, "latency_cdf.csv") || file_exists(dir, "timeseries.csv") ||
		  file_exists(dir, "summary.csv");
	int sweep = file_exists(dir, "sweep.csv"), base = file_exists(dir, "baseline.csv");
	int compare = file_exists(dir, "compare.csv");
	if (!run && !sweep && !base && !compare)
		return errbuf_set(err, ERR_INPUT,
				  "%s: nothing to plot (expected the files of slsim run, sweep or optimize: summary.csv, timeseries.csv, latency_cdf.csv, sweep.csv, baseline.csv, compare.csv)",
				  dir);
	snprintf(plots, sizeof(plots), "%s/plots", dir);
	int rc = plot_write_scripts(plots, err);
	if (rc == 0 && file_exists(dir, "latency_cdf.csv"))
		rc = plot_cdf(dir, out, err);
	if (rc == 0 && file_exists(dir, "timeseries.csv"))
		rc = draw(dir, out, "timeseries", "Arrivals, instances, cold starts and cost over time",
			  "timeseries.gp", "timeseries.csv", "", err);
	if (rc == 0 && file_exists(dir, "summary.csv"))
		rc = draw(dir, out, "functions", "Cost and cold starts per function", "functions.gp",
			  "summary.csv", "", err);
	if (rc == 0 && sweep)
		rc = plot_sweep(dir, "sweep.csv", metric, opt && opt->log_y, out, err);
	if (rc == 0 && base)
		rc = plot_baseline(dir, out, err);
	if (rc == 0 && compare)
		rc = plot_compare(dir, opt && opt->log_y, out, err);
	return rc;
}
