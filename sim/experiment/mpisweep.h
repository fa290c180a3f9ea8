/*
 * mpisweep: sweeps over MPI ranks (bin/slsim-mpi, built by `make mpi`).
 *
 * Owns MPI start-up and shut-down and the distribution of a sweep's points
 * (of its shard) over the ranks: rank r of R takes the r-th, (r+R)-th, ...
 * point, runs them on its OpenMP threads, and the rows are gathered on rank 0
 * round by round, which writes sweep.csv and sweep.json exactly as
 * sweep_write does. Only rank 0 prints: the others' stdout and stderr go to
 * /dev/null, and their failures travel to rank 0 with the rows.
 *
 * Compiled to nothing unless SLSIM_MPI is defined (the mpicc build).
 */
#ifndef SLSIM_MPISWEEP_H
#define SLSIM_MPISWEEP_H

#include "core/errbuf.h"
#include "experiment/sweep.h"

#ifdef SLSIM_MPI
int mpisweep_init(int *argc, char ***argv);
void mpisweep_finalize(void);
int mpisweep_rank(void);
/* Collective: every rank calls it with the same sweep; all return the same code. */
int mpisweep_write(const char *dir, const struct sweep *sw, const struct sweep_options *opt,
		   struct errbuf *err);
#endif

#endif
