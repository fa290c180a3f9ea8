/*
 * loo (sim/experiment/loo.c): the grid fit and leave-one-out on small
 * hand-computed arrays, and the property that matters: the parameter
 * chosen for row k is fitted without row k (poisoning row k changes nothing
 * but row k's own prediction; poisoning any other row does change the fit).
 */
#include <check.h>
#include <math.h>
#include <string.h>
#include "experiment/loo.h"
#include "suites.h"
#include "testutil.h"

START_TEST(mape_closed_form)
{
	const double pred[] = { 1.1, 1.8, -3 }, meas[] = { 1, 2, -2 };
	/* (10 % + 10 % + 50 %) / 3 */
	ck_assert_double_eq_tol(loo_mape(pred, meas, 3), 70.0 / 3, 1e-12);
}
END_TEST

/* meas {1, 2, 4}; grid point 0 predicts {1, 2, 8} (APE 0, 0, 100 %), point 1
 * {1.5, 2, 4} (50, 0, 0 %). On all rows point 1 wins (16.7 % < 33.3 %).
 * Without row 0: 50 against 0 -> 1; without row 1: 50 against 25 -> 1;
 * without row 2: 0 against 25 -> 0. LOO predictions 1.5, 2, 8: MAPE 50 %. */
START_TEST(hand_computed_leave_one_out)
{
	const double pred[] = { 1, 2, 8, 1.5, 2, 4 }, meas[] = { 1, 2, 4 };
	struct loo_data d = { 2, 1, 3, pred, meas };
	size_t chosen[3];
	double out[3];
	ck_assert_uint_eq(loo_fit(&d), 1);
	ck_assert_int_eq(loo_predict(&d, chosen, out), 0);
	ck_assert_uint_eq(chosen[0], 1);
	ck_assert_uint_eq(chosen[1], 1);
	ck_assert_uint_eq(chosen[2], 0);
	ck_assert_double_eq(out[0], 1.5);
	ck_assert_double_eq(out[1], 2);
	ck_assert_double_eq(out[2], 8);
	ck_assert_double_eq_tol(loo_mape(out, meas, 3), 50, 1e-12);
}
END_TEST

/* Two metrics: the fit minimises their summed MAPE. Point 0 is perfect on
 * metric 0 and 30 % off on metric 1; point 1 is 10 % off on both: 30 > 20. */
START_TEST(metrics_are_summed)
{
	const double meas[] = { 1, 1, 10, 10 };
	const double pred[] = { 1, 1, 13, 13, 1.1, 1.1, 11, 11 };
	struct loo_data d = { 2, 2, 2, pred, meas };
	ck_assert_uint_eq(loo_fit(&d), 1);
}
END_TEST

enum { G = 5, M = 2, R = 20 };

/* A smooth made-up data set where different rows favour different points. */
static void make_data(double *pred, double *meas)
{
	for (size_t r = 0; r < R; r++)
		for (size_t m = 0; m < M; m++) {
			meas[m * R + r] = 1 + r + 10 * m;
			for (size_t g = 0; g < G; g++)
				pred[(g * M + m) * R + r] = meas[m * R + r] *
					(1 + 0.05 * sin(1.3 * (double)r + (double)g) + 0.02 * (double)g * (m ? 1 : -1));
		}
}

/* Row j poisoned to drag the fit to `target`: measured 1, predicted 1 at
 * target and 1e9 elsewhere, so any fit that reads row j picks target. */
static void poison(double *pred, double *meas, size_t j, size_t target)
{
	for (size_t m = 0; m < M; m++) {
		meas[m * R + j] = 1;
		for (size_t g = 0; g < G; g++)
			pred[(g * M + m) * R + j] = g == target ? 1 : 1e9;
	}
}

START_TEST(row_k_never_reaches_its_own_fit)
{
	double pred[G * M * R], meas[M * R], out[M * R];
	size_t chosen[R];
	make_data(pred, meas);
	struct loo_data d = { G, M, R, pred, meas };
	ck_assert_int_eq(loo_predict(&d, chosen, out), 0);
	for (size_t k = 0; k < R; k++) {
		/* Independently: the fit on the data with row k deleted. */
		double p19[G * M * (R - 1)], m19[M * (R - 1)];
		for (size_t line = 0; line < G * M; line++)
			for (size_t r = 0, c = 0; r < R; r++)
				if (r != k)
					p19[line * (R - 1) + c++] = pred[line * R + r];
		for (size_t m = 0; m < M; m++)
			for (size_t r = 0, c = 0; r < R; r++)
				if (r != k)
					m19[m * (R - 1) + c++] = meas[m * R + r];
		struct loo_data d19 = { G, M, R - 1, p19, m19 };
		ck_assert_uint_eq(chosen[k], loo_fit(&d19));

		size_t target = (chosen[k] + 1) % G;
		double pp[G * M * R], mp[M * R], outp[M * R];
		size_t chp[R];
		memcpy(pp, pred, sizeof(pp));
		memcpy(mp, meas, sizeof(mp));
		poison(pp, mp, k, target);
		struct loo_data dp = { G, M, R, pp, mp };
		ck_assert_int_eq(loo_predict(&dp, chp, outp), 0);
		ck_assert_uint_eq(chp[k], chosen[k]);   /* the fit for k did not move */
		ck_assert_double_eq(outp[k], 1e9);      /* row k's own (poisoned) prediction */
		/* Control: the poison does move the fit of every other row. */
		for (size_t j = 0; j < R; j++)
			if (j != k)
				ck_assert_uint_eq(chp[j], target);
	}
}
END_TEST

Suite *loo_suite(void)
{
	return TU_SUITE("loo", "loo", 30, mape_closed_form, hand_computed_leave_one_out, metrics_are_summed,
			row_k_never_reaches_its_own_fit);
}
