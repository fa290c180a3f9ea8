/*
 * errbuf: the caller-owned message buffer every fallible function fills.
 *
 * Functions return 0 on success or a negative code (ERR_INPUT for bad user
 * input, ERR_RUNTIME for everything else) and, on failure, leave a complete
 * human-readable message naming the file, line/column or JSON path in *err.
 * Only main() prints it and chooses the exit status.
 */
#ifndef SLSIM_ERRBUF_H
#define SLSIM_ERRBUF_H

#include <stdarg.h>
#include <stdio.h>

/* ERR_INTERRUPTED: a run or sweep stopped early on request (SIGINT/SIGTERM);
 * what was complete is still valid. */
enum { ERR_INTERRUPTED = -3, ERR_INPUT = -2, ERR_RUNTIME = -1 };

struct errbuf {
	char msg[1024];
};

/* Formats the message and returns `code`, so callers write
 * `return errbuf_set(err, ERR_INPUT, "%s: ...", path);`. NULL err is allowed. */
__attribute__((format(printf, 3, 4)))
static inline int errbuf_set(struct errbuf *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

#endif
