#include "core/csvreader.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct csvr {
	char *path;
	FILE *fp;
	struct csv_parser parser;
	char *line;
	size_t line_cap;
	uint64_t line_no;
	int eof;
	int too_many_fields;

	/* Records completed by the parser but not yet returned. */
	struct pending {
		char *text;          /* fields back to back, each NUL-terminated */
		size_t text_len, text_cap;
		size_t n_fields;
		uint64_t line;
	} *ready;
	size_t n_ready, ready_head, ready_cap;
	struct pending building;

	const char **fields;     /* what csvr_next hands out */
	size_t fields_cap;
	struct pending out;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static void on_field(void *s, size_t len, void *ctx)
{
	struct csvr *r = ctx;
	struct pending *b = &r->building;
	if (b->n_fields >= CSVR_MAX_FIELDS) {
		r->too_many_fields = 1;
		return;
	}
	if (grow((void **)&b->text, &b->text_cap, b->text_len + len + 1, 1) < 0) {
		r->too_many_fields = -1;
		return;
	}
	if (len)
		memcpy(b->text + b->text_len, s, len);
	b->text[b->text_len + len] = '\0';
	b->text_len += len + 1;
	b->n_fields++;
}

static void on_record(int c, void *ctx)
{
	(void)c;
	struct csvr *r = ctx;
	if (r->ready_head == r->n_ready)
		r->ready_head = r->n_ready = 0;
	if (grow((void **)&r->ready, &r->ready_cap, r->n_ready + 1, sizeof(*r->ready)) < 0) {
		r->too_many_fields = -1;
		return;
	}
	r->building.line = r->line_no;
	r->ready[r->n_ready++] = r->building;
	memset(&r->building, 0, sizeof(r->building));
}

int csvr_open(struct csvr **out, const char *path, struct errbuf *err)
{
	struct stat st;
	*out = NULL;
	if (stat(path, &st) != 0)
		return errbuf_set(err, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return errbuf_set(err, ERR_INPUT, "%s: is a directory, not a CSV file", path);
	struct csvr *r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path))) {
		free(r);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	r->fp = fopen(path, "rb");
	if (!r->fp) {
		int e = errno;
		csvr_close(r);
		return errbuf_set(err, ERR_INPUT, "%s: cannot open: %s", path, strerror(e));
	}
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		csvr_close(r);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	*out = r;
	return 0;
}

/* Feeds one more physical line (or finishes at end of file). */
static int feed(struct csvr *r, struct errbuf *err)
{
	ssize_t n = getline(&r->line, &r->line_cap, r->fp);
	if (n < 0) {
		if (ferror(r->fp))
			return errbuf_set(err, ERR_INPUT, "%s: read error after line %llu: %s", r->path,
					  (unsigned long long)r->line_no, strerror(errno));
		r->eof = 1;
		if (csv_fini(&r->parser, on_field, on_record, r) != 0)
			return errbuf_set(err, ERR_INPUT, "%s:%llu: %s (the file ends inside a quoted field)",
					  r->path, (unsigned long long)r->line_no,
					  csv_strerror(csv_error(&r->parser)));
		return 0;
	}
	r->line_no++;
	if ((size_t)n > CSVR_MAX_LINE)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: line longer than %u bytes", r->path,
				  (unsigned long long)r->line_no, CSVR_MAX_LINE);
	char *p = r->line;
	if (r->line_no == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	if (csv_parse(&r->parser, p, (size_t)n, on_field, on_record, r) != (size_t)n)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: %s", r->path, (unsigned long long)r->line_no,
				  csv_strerror(csv_error(&r->parser)));
	if (r->too_many_fields > 0)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: more than %u fields", r->path,
				  (unsigned long long)r->line_no, CSVR_MAX_FIELDS);
	if (r->too_many_fields < 0)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return 0;
}

int csvr_next(struct csvr *r, struct csvr_row *row, struct errbuf *err)
{
	while (r->ready_head == r->n_ready) {
		if (r->eof)
			return 0;
		int rc = feed(r, err);
		if (rc < 0)
			return rc;
	}
	free(r->out.text);
	r->out = r->ready[r->ready_head++];
	if (grow((void **)&r->fields, &r->fields_cap, r->out.n_fields + 1, sizeof(*r->fields)) < 0)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	const char *p = r->out.text;
	for (size_t i = 0; i < r->out.n_fields; i++) {
		r->fields[i] = p;
		p += strlen(p) + 1;
	}
	row->n_fields = r->out.n_fields;
	row->fields = r->fields;
	row->line = r->out.line;
	return 1;
}

const char *csvr_path(const struct csvr *r)
{
	return r->path;
}

void csvr_close(struct csvr *r)
{
	if (!r)
		return;
	if (r->fp) {
		fclose(r->fp);
		csv_free(&r->parser);
	}
	for (size_t i = r->ready_head; i < r->n_ready; i++)
		free(r->ready[i].text);
	free(r->ready);
	free(r->building.text);
	free(r->out.text);
	free(r->fields);
	free(r->line);
	free(r->path);
	free(r);
}

int csvr_double(const struct csvr *r, const struct csvr_row *row, size_t col, const char *name,
		double *out, struct errbuf *err)
{
	if (col >= row->n_fields)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: column '%s' is missing (the row has %zu fields)",
				  r->path, (unsigned long long)row->line, name, row->n_fields);
	const char *s = row->fields[col];
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == s || *end || errno == ERANGE || !isfinite(x))
		return errbuf_set(err, ERR_INPUT, "%s:%llu: column '%s': \"%.40s\" is not a finite number",
				  r->path, (unsigned long long)row->line, name, s);
	*out = x;
	return 0;
}

long csvr_find_column(const struct csvr_row *header, const char *name)
{
	for (size_t i = 0; i < header->n_fields; i++)
		if (strcmp(header->fields[i], name) == 0)
			return (long)i;
	return -1;
}
