/*
 * csvreader: streaming CSV records through libcsv, with line numbers.
 *
 * Reads the file a physical line at a time and feeds libcsv (strict mode), so
 * memory stays bounded by the longest line (CSVR_MAX_LINE) whatever the file's
 * length, and every record carries the line it ended on for messages. Handles
 * CRLF and CR line ends, a UTF-8 byte-order mark, quoted fields and a missing
 * final newline. Blank lines are skipped.
 */
#ifndef SLSIM_CSVREADER_H
#define SLSIM_CSVREADER_H

#include <stddef.h>
#include <stdint.h>
#include "core/errbuf.h"

#define CSVR_MAX_LINE (1u << 20)
#define CSVR_MAX_FIELDS 4096u

struct csvr;

struct csvr_row {
	size_t n_fields;
	const char *const *fields;   /* NUL-terminated, valid until the next csvr_next */
	uint64_t line;
};

/* A missing file, a directory or an unreadable file is ERR_INPUT. */
int csvr_open(struct csvr **out, const char *path, struct errbuf *err);
/* 1: *row holds the next record; 0: end of file; <0: error naming file:line. */
int csvr_next(struct csvr *r, struct csvr_row *row, struct errbuf *err);
const char *csvr_path(const struct csvr *r);
void csvr_close(struct csvr *r);

/* Field parsers with messages "file:line: column 'name': ...". */
int csvr_double(const struct csvr *r, const struct csvr_row *row, size_t col, const char *name,
		double *out, struct errbuf *err);
/* Index of the header field equal to name, or -1. */
long csvr_find_column(const struct csvr_row *header, const char *name);

#endif
