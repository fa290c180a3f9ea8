/*
 * perprovider: each provider's best configuration, best_per_provider.csv.
 *
 * Owns, for an optimisation whose parameters include `provider` (`slsim
 * optimize --vary provider=A,B,...`), choosing per provider the point the
 * optimiser would choose among that provider's points alone: the feasible
 * point (every SLO met) of lowest objective mean, the lower secondary figure
 * and then the earlier point breaking exact ties (for the provider of the
 * optimiser's answer, that answer itself); when none of its points meets
 * the SLOs, the closest (least relative violation) with the SLOs it misses,
 * or, when the provider offers none of the configurations, the reason. And
 * writing them as best_per_provider.csv: columns `provider`, the other
 * varied PATHs, `point`, `cost_usd.monthly` (730 h; cost_usd.total x 730 h
 * / window when the pricing gives no monthly figure), `latency_s.p99`, each
 * with `.ci95`, the objective and its `.ci95` when it is neither of those,
 * `feasible` (1/0) and `status` (`ok`, `ok (memory_fit: ...)`, `none
 * feasible: ...`). Rows: feasible providers first, by monthly cost for a
 * cost objective (cost_usd.total, .monthly, .per_million) and by the
 * objective otherwise; then the others in the order of --vary.
 */
#ifndef SLSIM_PERPROVIDER_H
#define SLSIM_PERPROVIDER_H

#include "core/errbuf.h"
#include "experiment/optimize.h"

/* The parameter PATH naming the provider. */
#define PERPROVIDER_PATH "provider"

/* Writes dir/best_per_provider.csv when r's parameters include the
 * provider (returns 1), else writes nothing (returns 0); < 0 on failure. */
int perprovider_write(const char *dir, const struct optimize_spec *spec, const struct optimize_result *r,
		      struct errbuf *err);

#endif
