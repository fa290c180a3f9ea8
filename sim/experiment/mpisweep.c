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

/* Rank 0's sweep.csv: written under a temporary name, renamed when complete. */
struct csv_out {
	FILE *fp;
	char final[4096], tmp[4200];
};

/* Rank 0 opens the temporary file and writes the header. */
static int open_csv(const char *dir, const struct sweep *sw, struct csv_out *out, struct errbuf *err)
{
	int rc = output_mkdirs(dir, err);
	snprintf(out->final, sizeof(out->final), "%s/sweep.csv", dir);
	snprintf(out->tmp, sizeof(out->tmp), "%s/.sweep.csv.tmp.%ld", dir, (long)getpid());
	if (rc == 0 && !(out->fp = fopen(out->tmp, "w")))
		rc = errbuf_set(err, ERR_RUNTIME, "%s: cannot write: %s", out->tmp, strerror(errno));
	if (out->fp)
		sweep_csv_header(out->fp, sw);
	return rc;
}

/* Rank 0 closes the file, renames it into place and writes sweep.json
 * after a successful sweep (rc 0); removes it otherwise. */
static int close_csv(const char *dir, const struct sweep *sw, struct csv_out *out, int rc,
		     struct errbuf *err)
{
	if (ferror(out->fp) && rc == 0)
		rc = errbuf_set(err, ERR_RUNTIME, "%s: cannot write", out->tmp);
	if (fclose(out->fp) != 0 && rc == 0)
		rc = errbuf_set(err, ERR_RUNTIME, "%s: cannot write: %s", out->tmp, strerror(errno));
	if (rc == 0 && rename(out->tmp, out->final) != 0)
		rc = errbuf_set(err, ERR_RUNTIME, "%s: cannot write: %s", out->final, strerror(errno));
	if (rc < 0)
		unlink(out->tmp);
	if (rc == 0) {
		json_t *meta = sweep_meta_json(sw);
		rc = meta ? sweep_write_meta(dir, meta, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
		json_decref(meta);
	}
	return rc;
}

/* The buffers of the rounds: every rank's rows and send buffer, rank 0's
 * receive buffers. */
struct rounds {
	int rank, size;
	struct sweep_row *rows;
	double *send, *recv;
	struct status *st;
};

/* Rank 0 after round t's gathers: the first failure of any rank, else the
 * round's rows in shard order into fp. */
static int write_round(const struct sweep *sw, const struct rounds *b, uint64_t t, uint64_t total,
		       FILE *fp, struct errbuf *err)
{
	for (int r = 0; r < b->size; r++)
		if (b->st[r].rc < 0)
			return errbuf_set(err, b->st[r].rc, "MPI rank %d: %.900s", r, b->st[r].err.msg);
	/* The round covers shard positions j in [t*R*size, (t+1)*R*size):
	 * position j came from rank j % size, row j / size - t*R. */
	uint64_t j0 = t * ROUND_ROWS * (uint64_t)b->size;
	for (uint64_t j = j0; j < j0 + (uint64_t)ROUND_ROWS * b->size && j < total; j++) {
		const double *d = b->recv + ((size_t)(j % b->size) * ROUND_ROWS +
					     (size_t)(j / b->size - t * ROUND_ROWS)) * ROW_DOUBLES;
		struct sweep_row row;
		row.point = (uint64_t)d[0];
		if (d[0] < 0 || row.point != sw->shard_index + j * sw->shard_count)
			return errbuf_set(err, ERR_RUNTIME, "MPI: rows arrived out of order");
		memcpy(row.mean, d + 1, sizeof(row.mean));
		memcpy(row.ci95, d + 1 + FIG_COUNT, sizeof(row.ci95));
		if (sweep_csv_row(fp, sw, &row) < 0)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	return 0;
}

/* One round: every rank runs its next ROUND_ROWS points, rank 0 gathers
 * and writes them. Returns rank 0's verdict on every rank. */
static int run_round(const struct sweep *sw, const struct sweep_options *opt, struct rounds *b,
		     uint64_t t, uint64_t total, FILE *fp, struct errbuf *err)
{
	/* The shard's points are K + j*N; rank r takes j = r, r + size, ... */
	uint64_t offset = sw->shard_index + (uint64_t)b->rank * sw->shard_count;
	uint64_t stride = (uint64_t)sw->shard_count * (uint64_t)b->size;
	struct status mine;
	size_t n = 0;
	memset(&mine, 0, sizeof(mine));
	mine.rc = sweep_run_points(sw, offset, stride, t * ROUND_ROWS, ROUND_ROWS, opt, b->rows, &n,
				   &mine.err);
	for (size_t i = 0; i < ROUND_ROWS; i++) {
		double *d = b->send + i * ROW_DOUBLES;
		/* Points are below SWEEP_MAX_POINTS, exact as doubles. */
		d[0] = i < n ? (double)b->rows[i].point : -1;
		if (i < n) {
			memcpy(d + 1, b->rows[i].mean, sizeof(b->rows[i].mean));
			memcpy(d + 1 + FIG_COUNT, b->rows[i].ci95, sizeof(b->rows[i].ci95));
		}
	}
	MPI_Gather(b->send, ROUND_ROWS * ROW_DOUBLES, MPI_DOUBLE, b->recv, ROUND_ROWS * ROW_DOUBLES,
		   MPI_DOUBLE, 0, MPI_COMM_WORLD);
	MPI_Gather(&mine, (int)sizeof(mine), MPI_BYTE, b->st, (int)sizeof(mine), MPI_BYTE, 0,
		   MPI_COMM_WORLD);
	int rc = b->rank == 0 ? write_round(sw, b, t, total, fp, err) : 0;
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	return rc;
}

int mpisweep_write(const char *dir, const struct sweep *sw, const struct sweep_options *opt,
		   struct errbuf *err)
{
	struct rounds b = { 0 };
	MPI_Comm_rank(MPI_COMM_WORLD, &b.rank);
	MPI_Comm_size(MPI_COMM_WORLD, &b.size);
	uint64_t total = sweep_count_points(sw, sw->shard_index, sw->shard_count);
	uint64_t rounds = (total + (uint64_t)ROUND_ROWS * b.size - 1) / ((uint64_t)ROUND_ROWS * b.size);

	struct csv_out out = { 0 };
	int rc = b.rank == 0 ? open_csv(dir, sw, &out, err) : 0;
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rc < 0)
		return rc;

	b.rows = malloc(ROUND_ROWS * sizeof(*b.rows));
	b.send = calloc((size_t)ROUND_ROWS * ROW_DOUBLES, sizeof(*b.send));
	if (b.rank == 0) {
		b.recv = malloc((size_t)b.size * ROUND_ROWS * ROW_DOUBLES * sizeof(*b.recv));
		b.st = malloc((size_t)b.size * sizeof(*b.st));
	}
	int alloc_ok = b.rows && b.send && (b.rank != 0 || (b.recv && b.st));
	MPI_Allreduce(MPI_IN_PLACE, &alloc_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (!alloc_ok)
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory on an MPI rank");
	for (uint64_t t = 0; t < rounds && rc == 0; t++)
		rc = run_round(sw, opt, &b, t, total, out.fp, err);
	free(b.rows);
	free(b.send);
	free(b.recv);
	free(b.st);

	if (b.rank == 0 && out.fp)
		rc = close_csv(dir, sw, &out, rc, err);
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rc < 0 && b.rank != 0)
		errbuf_set(err, rc, "failed on rank 0");
	return rc;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int mpisweep_not_built;
#endif
