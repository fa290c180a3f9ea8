/*
 * partition: the grouped driver. When nothing links the functions but the
 * account pool, a replication runs as groups of RUN_GROUP_FUNCTIONS
 * functions, each on its own platform and engine, fed window by window from
 * one workload in pull mode: the same figures as on one platform, with each
 * group's records in the caches while it runs. Owns the groups, their
 * windows of arrivals and the merging of their changes of the instances
 * alive into the all-function peak. Private to sim/run (run.c chooses the
 * driver).
 */
#ifndef SLSIM_RUN_PARTITION_H
#define SLSIM_RUN_PARTITION_H

#include <stdint.h>
#include "core/errbuf.h"
#include "run/collect.h"
#include "run/run.h"
#include "scenario/scenario.h"

enum partition_outcome {
	PARTITION_DONE,         /* *out holds the replication's measurements */
	/* The account pool could have been full, so the groups were not
	 * independent: nothing is kept; run the replication on one platform. */
	PARTITION_SERIAL_NEEDED,
};

/* Whether sc's functions can run in groups apart: nothing links them but
 * the account pool, which partition_run checks. */
int partition_possible(const struct scenario *sc);

/* Runs replication rep of sc in groups. Returns 0 and sets *outcome, or a
 * negative code (ERR_INPUT, ERR_RUNTIME, ERR_INTERRUPTED) with a message in
 * *err; *out needs collect_free only after 0 with PARTITION_DONE (it is
 * not finished: see collect_finish). err must outlive *out. */
int partition_run(const struct scenario *sc, uint32_t rep, const struct run_options *opt,
		  struct collect *out, enum partition_outcome *outcome, struct errbuf *err);

#endif
