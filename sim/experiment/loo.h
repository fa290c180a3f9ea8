/*
 * loo: leave-one-out cross-validation of a model's free parameter chosen by
 * grid search, over arrays (no simulation, no files: pure functions).
 *
 * The data: n_rows measured rows with n_metrics figures each, meas[m][r]
 * (row-major, meas[m * n_rows + r]), and the model's prediction of every
 * figure of every row at every grid point, pred[(g * n_metrics + m) * n_rows + r].
 * The fit picks the grid point minimising the sum over metrics of the mean
 * absolute percentage error (ties: the lowest index). Leave-one-out fits,
 * for each row k, on the other rows only (copied out, so the fit cannot
 * read row k) and predicts row k at the point chosen without it.
 */
#ifndef SLSIM_LOO_H
#define SLSIM_LOO_H

#include <stddef.h>

struct loo_data {
	size_t n_grid, n_metrics, n_rows;
	const double *pred;   /* [g][m][r] */
	const double *meas;   /* [m][r] */
};

/* 100 * mean |pred - meas| / |meas| over n values. */
double loo_mape(const double *pred, const double *meas, size_t n);

/* The grid point minimising the summed MAPE over all rows of d. */
size_t loo_fit(const struct loo_data *d);

/* For every row k: chosen[k] = loo_fit of d without row k, and
 * out[m * n_rows + k] = pred of row k's metric m at chosen[k]. Needs
 * n_rows >= 2. Returns 0, or -1 out of memory. */
int loo_predict(const struct loo_data *d, size_t *chosen, double *out);

#endif
