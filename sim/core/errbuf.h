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

#include <stddef.h>

/* ERR_INTERRUPTED: a run or sweep stopped early on request (SIGINT/SIGTERM);
 * what was complete is still valid. */
enum { ERR_INTERRUPTED = -3, ERR_INPUT = -2, ERR_RUNTIME = -1 };

struct errbuf {
	char msg[1024];
};

/* Formats the message and returns `code`, so callers write
 * `return errbuf_set(err, ERR_INPUT, "%s: ...", path);`. NULL err is allowed.
 * A message longer than the buffer loses its middle, marked "[...]", never
 * its end: a long quoted value (a 5 KB path) cannot push out the reason. */
__attribute__((format(printf, 3, 4)))
int errbuf_set(struct errbuf *err, int code, const char *fmt, ...);

/* s itself when shorter than size, else its head and tail around "[...]"
 * in buf (size bytes): for quoting a value of any length into a message
 * or a `where` prefix. */
const char *errbuf_cap(const char *s, char *buf, size_t size);

#endif
