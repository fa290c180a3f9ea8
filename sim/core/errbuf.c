#include "core/errbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cut at i must not split a UTF-8 sequence: moves i back to the start
 * of the character it falls in. */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* text (n bytes) into out (size bytes): the first `head` bytes, a marker,
 * and as much of the end as fits. */
static void elide(char *out, size_t size, const char *text, size_t n, size_t head)
{
	static const char mark[] = " [...] ";
	head = char_start(text, head);
	size_t m = sizeof(mark) - 1, tail = size - 1 - head - m;
	size_t from = n - tail;
	while (from < n && ((unsigned char)text[from] & 0xC0) == 0x80)
		from++;   /* forward to a character start, so the tail still fits */
	memcpy(out, text, head);
	memcpy(out + head, mark, m);
	memcpy(out + head + m, text + from, n - from);
	out[head + m + (n - from)] = '\0';
}

int errbuf_set(struct errbuf *err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	/* Formatted apart first: an argument may be err->msg itself. */
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *full = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!full) {
		snprintf(err->msg, sizeof(err->msg), "%s", n < 0 ? "(unprintable message)" : "out of memory");
		return code;
	}
	va_start(ap, fmt);
	vsnprintf(full, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if ((size_t)n < sizeof(err->msg))
		memcpy(err->msg, full, (size_t)n + 1);
	else
		/* The head names the file, the tail holds the JSON path and
		 * the reason: the middle of a long value goes. */
		elide(err->msg, sizeof(err->msg), full, (size_t)n, sizeof(err->msg) / 4);
	free(full);
	return code;
}

const char *errbuf_cap(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);
	if (n < size)
		return s;
	elide(buf, size, s, n, size / 3);
	return buf;
}
