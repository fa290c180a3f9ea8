#include "experiment/loo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double loo_mape(const double *pred, const double *meas, size_t n)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += fabs(pred[i] - meas[i]) / fabs(meas[i]);
	return n ? 100 * sum / (double)n : NAN;
}

size_t loo_fit(const struct loo_data *d)
{
	size_t best = 0;
	double best_err = INFINITY;
	for (size_t g = 0; g < d->n_grid; g++) {
		double e = 0;
		for (size_t m = 0; m < d->n_metrics; m++)
			e += loo_mape(d->pred + (g * d->n_metrics + m) * d->n_rows,
				      d->meas + m * d->n_rows, d->n_rows);
		if (e < best_err) {
			best_err = e;
			best = g;
		}
	}
	return best;
}

/* src's n_rows columns of `lines` lines, without column k, into dst. */
static void drop_column(double *dst, const double *src, size_t lines, size_t n_rows, size_t k)
{
	for (size_t l = 0; l < lines; l++) {
		const double *s = src + l * n_rows;
		double *t = dst + l * (n_rows - 1);
		memcpy(t, s, k * sizeof(*s));
		memcpy(t + k, s + k + 1, (n_rows - 1 - k) * sizeof(*s));
	}
}

int loo_predict(const struct loo_data *d, size_t *chosen, double *out)
{
	size_t lines = d->n_grid * d->n_metrics;
	double *pred = malloc(lines * (d->n_rows - 1) * sizeof(*pred));
	double *meas = malloc(d->n_metrics * (d->n_rows - 1) * sizeof(*meas));
	if (!pred || !meas) {
		free(pred);
		free(meas);
		return -1;
	}
	for (size_t k = 0; k < d->n_rows; k++) {
		drop_column(pred, d->pred, lines, d->n_rows, k);
		drop_column(meas, d->meas, d->n_metrics, d->n_rows, k);
		struct loo_data without = { d->n_grid, d->n_metrics, d->n_rows - 1, pred, meas };
		chosen[k] = loo_fit(&without);
		for (size_t m = 0; m < d->n_metrics; m++)
			out[m * d->n_rows + k] = d->pred[(chosen[k] * d->n_metrics + m) * d->n_rows + k];
	}
	free(pred);
	free(meas);
	return 0;
}
