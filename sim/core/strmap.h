/*
 * strmap: a set of strings numbered 0, 1, 2, ... in insertion order.
 *
 * Owns an open-addressing hash index (FNV-1a, at most half full) over the
 * strings, which are copied into one growing arena. Used to name the
 * functions met while reading traces. Lookups do not modify the map, so a
 * finished map may be read by many threads at once.
 */
#ifndef SLSIM_STRMAP_H
#define SLSIM_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap *strmap_new(void);
void strmap_free(struct strmap *m);
/* Id of s, or -1 when absent. */
long strmap_find(const struct strmap *m, const char *s);
/* Id of s, adding it when absent (*added = 1 then); -1 if memory runs out. */
long strmap_add(struct strmap *m, const char *s, int *added);
/* The string with this id; valid until the next strmap_add. */
const char *strmap_name(const struct strmap *m, size_t id);
size_t strmap_size(const struct strmap *m);
/* FNV-1a 64-bit hash of s (also used to sample functions by name). */
uint64_t strmap_hash(const char *s);

#endif
