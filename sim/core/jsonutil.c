#include "core/jsonutil.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ju_path(char *buf, size_t size, const char *where, const char *key)
{
	/* A top-level key has no dot after the file name ("f.json: seed"). */
	size_t n = strlen(where);
	int top = n >= 2 && where[n - 2] == ':' && where[n - 1] == ' ';
	snprintf(buf, size, top ? "%s%s" : "%s.%s", where, key);
	return buf;
}

char *ju_index_path(char *buf, size_t size, const char *where, size_t index)
{
	snprintf(buf, size, "%s[%zu]", where, index);
	return buf;
}

const char *ju_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

int ju_expect_object(const json_t *obj, const char *where, struct errbuf *err)
{
	if (!json_is_object(obj))
		return errbuf_set(err, ERR_INPUT, "%s: must be an object, got %s", where,
				  obj ? ju_type_name(obj) : "nothing");
	return 0;
}

/* Edit distance between a and b, letters compared without case; an
 * adjacent transposition counts as one edit (optimal string alignment).
 * Names are short: longer ones are not compared (SIZE_MAX). */
static size_t distance(const char *a, const char *b)
{
	enum { MAX = 64 };
	size_t n = strlen(a), m = strlen(b);
	if (n >= MAX || m >= MAX)
		return SIZE_MAX;
	size_t d[MAX + 1][MAX + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + !same;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m];
}

const char *ju_nearest(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, n = strlen(word);
	/* Close enough to be a typo: a third of the word's letters, at least one. */
	size_t limit = n / 3 > 1 ? n / 3 : 1;
	for (const char *const *a = names; *a; a++) {
		size_t d = distance(word, *a);
		if (d <= limit && d < best_d) {
			best = *a;
			best_d = d;
		}
	}
	return best;
}

/* "; did you mean "NAME"?" when a name is close to word, else "". */
static const char *did_you_mean(char *buf, size_t size, const char *word, const char *const *names)
{
	const char *near = ju_nearest(word, names);
	if (!near)
		return "";
	snprintf(buf, size, "; did you mean \"%s\"?", near);
	return buf;
}

int ju_check_keys(const json_t *obj, const char *where, const char *const *allowed,
		  struct errbuf *err)
{
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)obj, key, value) {
		const char *const *a = allowed;
		while (*a && strcmp(*a, key) != 0)
			a++;
		if (!*a) {
			char path[512], list[512] = "";
			for (a = allowed; *a; a++) {
				if (list[0])
					strncat(list, ", ", sizeof(list) - strlen(list) - 1);
				strncat(list, *a, sizeof(list) - strlen(list) - 1);
			}
			char hint[96];
			return errbuf_set(err, ERR_INPUT, "%s: unknown key%s (allowed: %s)",
					  ju_path(path, sizeof(path), where, key),
					  did_you_mean(hint, sizeof(hint), key, allowed), list);
		}
	}
	return 0;
}

/* Looks up key; 1 = found, 0 = missing and optional, <0 = error. */
static int lookup(const json_t *obj, const char *key, const char *where, int required,
		  json_t **v, char *path, size_t path_size, struct errbuf *err)
{
	ju_path(path, path_size, where, key);
	*v = json_object_get(obj, key);
	if (*v && !json_is_null(*v))
		return 1;
	if (required)
		return errbuf_set(err, ERR_INPUT, "%s: required key is missing", path);
	return 0;
}

int ju_number(const json_t *obj, const char *key, const char *where, int required,
	      double lo, double hi, double *out, struct errbuf *err)
{
	char path[512];
	json_t *v;
	int rc = lookup(obj, key, where, required, &v, path, sizeof(path), err);
	if (rc <= 0)
		return rc;
	if (!json_is_number(v))
		return errbuf_set(err, ERR_INPUT, "%s: must be a number, got %s", path, ju_type_name(v));
	double x = json_number_value(v);
	if (!isfinite(x) || x < lo || x > hi)
		return errbuf_set(err, ERR_INPUT, "%s: must be a number in [%g, %g], got %g",
				  path, lo, hi, x);
	*out = x;
	return 0;
}

int ju_uint(const json_t *obj, const char *key, const char *where, int required,
	    uint64_t lo, uint64_t hi, uint64_t *out, struct errbuf *err)
{
	char path[512];
	json_t *v;
	int rc = lookup(obj, key, where, required, &v, path, sizeof(path), err);
	if (rc <= 0)
		return rc;
	/* 5.0 is accepted as 5: --set and hand-written files mix the two. */
	double x = json_is_number(v) ? json_number_value(v) : NAN;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i >= 0 && (uint64_t)i >= lo && (uint64_t)i <= hi) {
			*out = (uint64_t)i;
			return 0;
		}
	} else if (json_is_real(v) && isfinite(x) && x == floor(x) && x >= (double)lo &&
		   x <= (double)hi) {
		*out = (uint64_t)x;
		return 0;
	}
	if (!json_is_number(v))
		return errbuf_set(err, ERR_INPUT, "%s: must be an integer, got %s", path, ju_type_name(v));
	return errbuf_set(err, ERR_INPUT, "%s: must be an integer in [%llu, %llu], got %g", path,
			  (unsigned long long)lo, (unsigned long long)hi, x);
}

int ju_string(const json_t *obj, const char *key, const char *where, int required,
	      const char **out, struct errbuf *err)
{
	char path[512];
	json_t *v;
	int rc = lookup(obj, key, where, required, &v, path, sizeof(path), err);
	if (rc <= 0)
		return rc;
	if (!json_is_string(v))
		return errbuf_set(err, ERR_INPUT, "%s: must be a string, got %s", path, ju_type_name(v));
	*out = json_string_value(v);
	return 0;
}

int ju_bool(const json_t *obj, const char *key, const char *where, int required,
	    int *out, struct errbuf *err)
{
	char path[512];
	json_t *v;
	int rc = lookup(obj, key, where, required, &v, path, sizeof(path), err);
	if (rc <= 0)
		return rc;
	if (!json_is_boolean(v))
		return errbuf_set(err, ERR_INPUT, "%s: must be true or false, got %s", path,
				  ju_type_name(v));
	*out = json_is_true(v);
	return 0;
}

int ju_object(const json_t *obj, const char *key, const char *where, int required,
	      const json_t **out, struct errbuf *err)
{
	char path[512];
	json_t *v;
	*out = NULL;
	int rc = lookup(obj, key, where, required, &v, path, sizeof(path), err);
	if (rc <= 0)
		return rc;
	if (!json_is_object(v))
		return errbuf_set(err, ERR_INPUT, "%s: must be an object, got %s", path, ju_type_name(v));
	*out = v;
	return 0;
}

int ju_enum(const json_t *obj, const char *key, const char *where, int required,
	    const char *const *names, int *out, struct errbuf *err)
{
	const char *s = NULL;
	int rc = ju_string(obj, key, where, required, &s, err);
	if (rc < 0 || !s)
		return rc;
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
	}
	char path[512], list[512] = "";
	for (int i = 0; names[i]; i++) {
		if (list[0])
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, names[i], sizeof(list) - strlen(list) - 1);
	}
	char hint[96];
	return errbuf_set(err, ERR_INPUT, "%s: unknown value \"%s\"%s (expected one of: %s)",
			  ju_path(path, sizeof(path), where, key), s, did_you_mean(hint, sizeof(hint), s, names), list);
}
