/*
 * jsonutil: typed, range-checked reads of scenario JSON with messages that
 * name the file and the JSON path of the offending key.
 *
 * `where` is the location of the object being read, already holding the file
 * name: "scenario.json: functions[0]". Messages read
 * "scenario.json: functions[0].memory_mb: must be an integer in [128, 10240], got -5".
 * Missing optional keys leave *out untouched (so callers preset defaults).
 */
#ifndef SLSIM_JSONUTIL_H
#define SLSIM_JSONUTIL_H

#include <stdint.h>
#include <jansson.h>
#include "core/errbuf.h"

enum { JU_OPTIONAL = 0, JU_REQUIRED = 1 };

/* Fails on the first key of obj not in the NULL-terminated list. */
int ju_check_keys(const json_t *obj, const char *where, const char *const *allowed,
		  struct errbuf *err);
/* obj itself must be a JSON object. */
int ju_expect_object(const json_t *obj, const char *where, struct errbuf *err);

int ju_number(const json_t *obj, const char *key, const char *where, int required,
	      double lo, double hi, double *out, struct errbuf *err);
int ju_uint(const json_t *obj, const char *key, const char *where, int required,
	    uint64_t lo, uint64_t hi, uint64_t *out, struct errbuf *err);
int ju_string(const json_t *obj, const char *key, const char *where, int required,
	      const char **out, struct errbuf *err);
int ju_bool(const json_t *obj, const char *key, const char *where, int required,
	    int *out, struct errbuf *err);
/* The value at key must be an object; *out is NULL when missing and optional. */
int ju_object(const json_t *obj, const char *key, const char *where, int required,
	      const json_t **out, struct errbuf *err);
/* Picks one of the NULL-terminated names; *out is its index. */
int ju_enum(const json_t *obj, const char *key, const char *where, int required,
	    const char *const *names, int *out, struct errbuf *err);

/* The name of the NULL-terminated list closest to word (edit distance,
 * case ignored, a transposition one edit), when close enough to be a typo
 * of it (at most a third of word's letters, at least one); else NULL. For
 * "did you mean" in messages. */
const char *ju_nearest(const char *word, const char *const *names);

/* "an object", "a string", ... for messages. */
const char *ju_type_name(const json_t *v);
/* "<where>.<key>" into buf (truncated safely); returns buf. */
char *ju_path(char *buf, size_t size, const char *where, const char *key);
/* "<where>[<index>]" into buf; returns buf. */
char *ju_index_path(char *buf, size_t size, const char *where, size_t index);

#endif
