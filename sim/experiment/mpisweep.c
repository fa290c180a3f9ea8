#include "experiment/mpisweep.h"

#ifdef SLSIM_MPI
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mpi.h>
#include "output/output.h"

/* Rows each rank computes per round; a round ends with a gather on rank 0. */
#define ROUND_ROWS 256u
#define ROW_DOUBLES (1 + 2 * FIG_COUNT)

int mpisweep_init(int *argc, char ***argv)
{
	if (MPI_Init(argc, argv) != MPI_SUCCESS)
		return ERR_RUNTIME;
	if (mpisweep_rank() != 0) {
		/* Every rank parses the same arguments: one copy of each message. */
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			return ERR_RUNTIME;
	}
	return 0;
}

void mpisweep_finalize(void)
{
	MPI_Finalize();
}

int mpisweep_rank(void)
{
	int rank = 0;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	return rank;
}

/* A round's status from every rank; rank 0 keeps the first failure. */
struct status {
	int rc;
	struct errbuf err;
};

int mpisweep_write(const char *dir, const struct sweep *sw, const struct sweep_options *opt,
		   struct errbuf *err)
{
	int rank, size;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	/* The shard's points are K + j*N; rank r takes j = r, r + size, ... */
	uint64_t offset = sw->shard_index + (uint64_t)rank * sw->shard_count;
	uint64_t stride = (uint64_t)sw->shard_count * (uint64_t)size;
	uint64_t total = sweep_count_points(sw, sw->shard_index, sw->shard_count);
	uint64_t rounds = (total + (uint64_t)ROUND_ROWS * size - 1) / ((uint64_t)ROUND_ROWS * size);

	char final[4096], tmp[4200];
	FILE *fp = NULL;
	int rc = 0;
	if (rank == 0) {
		rc = output_mkdirs(dir, err);
		snprintf(final, sizeof(final), "%s/sweep.csv", dir);
		snprintf(tmp, sizeof(tmp), "%s/.sweep.csv.tmp.%ld", dir, (long)getpid());
		if (rc == 0 && !(fp = fopen(tmp, "w")))
			rc = errbuf_set(err, ERR_RUNTIME, "%s: cannot write: %s", tmp, strerror(errno));
		if (fp)
			sweep_csv_header(fp, sw);
	}
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rc < 0)
		return rc;

	struct sweep_row *rows = malloc(ROUND_ROWS * sizeof(*rows));
	double *send = calloc((size_t)ROUND_ROWS * ROW_DOUBLES, sizeof(*send));
	double *recv = rank == 0 ? malloc((size_t)size * ROUND_ROWS * ROW_DOUBLES * sizeof(*recv)) : NULL;
	struct status *st = rank == 0 ? malloc((size_t)size * sizeof(*st)) : NULL;
	struct status mine;
	int alloc_ok = rows && send && (rank != 0 || (recv && st));
	MPI_Allreduce(MPI_IN_PLACE, &alloc_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (!alloc_ok)
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory on an MPI rank");

	for (uint64_t t = 0; t < rounds && rc == 0; t++) {
		size_t n = 0;
		memset(&mine, 0, sizeof(mine));
		mine.rc = sweep_run_points(sw, offset, stride, t * ROUND_ROWS, ROUND_ROWS, opt, rows, &n,
					   &mine.err);
		for (size_t i = 0; i < ROUND_ROWS; i++) {
			double *d = send + i * ROW_DOUBLES;
			/* Points are below SWEEP_MAX_POINTS, exact as doubles. */
			d[0] = i < n ? (double)rows[i].point : -1;
			if (i < n) {
				memcpy(d + 1, rows[i].mean, sizeof(rows[i].mean));
				memcpy(d + 1 + FIG_COUNT, rows[i].ci95, sizeof(rows[i].ci95));
			}
		}
		MPI_Gather(send, ROUND_ROWS * ROW_DOUBLES, MPI_DOUBLE, recv, ROUND_ROWS * ROW_DOUBLES,
			   MPI_DOUBLE, 0, MPI_COMM_WORLD);
		MPI_Gather(&mine, (int)sizeof(mine), MPI_BYTE, st, (int)sizeof(mine), MPI_BYTE, 0,
			   MPI_COMM_WORLD);
		if (rank == 0) {
			for (int r = 0; r < size && rc == 0; r++)
				if (st[r].rc < 0) {
					rc = st[r].rc;
					errbuf_set(err, rc, "MPI rank %d: %.900s", r, st[r].err.msg);
				}
			/* The round covers shard positions j in [t*R*size, (t+1)*R*size):
			 * position j came from rank j % size, row j / size - t*R. */
			uint64_t j0 = t * ROUND_ROWS * (uint64_t)size;
			for (uint64_t j = j0; j < j0 + (uint64_t)ROUND_ROWS * size && j < total && rc == 0; j++) {
				const double *d = recv + ((size_t)(j % size) * ROUND_ROWS + (size_t)(j / size - t * ROUND_ROWS)) * ROW_DOUBLES;
				struct sweep_row row;
				row.point = (uint64_t)d[0];
				if (d[0] < 0 || row.point != sw->shard_index + j * sw->shard_count) {
					rc = errbuf_set(err, ERR_RUNTIME, "MPI: rows arrived out of order");
					break;
				}
				memcpy(row.mean, d + 1, sizeof(row.mean));
				memcpy(row.ci95, d + 1 + FIG_COUNT, sizeof(row.ci95));
				sweep_csv_row(fp, sw, &row);
			}
		}
		MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	}
	free(rows);
	free(send);
	free(recv);
	free(st);

	if (rank == 0 && fp) {
		if (ferror(fp) && rc == 0)
			rc = errbuf_set(err, ERR_RUNTIME, "%s: cannot write", tmp);
		if (fclose(fp) != 0 && rc == 0)
			rc = errbuf_set(err, ERR_RUNTIME, "%s: cannot write: %s", tmp, strerror(errno));
		if (rc == 0 && rename(tmp, final) != 0)
			rc = errbuf_set(err, ERR_RUNTIME, "%s: cannot write: %s", final, strerror(errno));
		if (rc < 0)
			unlink(tmp);
		if (rc == 0) {
			json_t *meta = sweep_meta_json(sw);
			rc = meta ? sweep_write_meta(dir, meta, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
			json_decref(meta);
		}
	}
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rc < 0 && rank != 0)
		errbuf_set(err, rc, "failed on rank 0");
	return rc;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int mpisweep_not_built;
#endif
