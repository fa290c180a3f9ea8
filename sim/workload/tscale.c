#include "workload/tscale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int tscale_init(struct tscale *s, double scale, gsl_rng *rng, size_t rec_size, size_t t_offset,
		tscale_read_fn *read, void *ctx, struct errbuf *err)
{
	memset(s, 0, sizeof(*s));
	s->scale = scale;
	s->rng = rng;
	s->size = rec_size;
	s->t_offset = t_offset;
	s->read = read;
	s->ctx = ctx;
	s->cur = malloc(rec_size);
	s->ahead = malloc(rec_size);
	if (!rng || !s->cur || !s->ahead) {
		tscale_free(s);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	return 0;
}

static double rec_time(const struct tscale *s, const unsigned char *rec)
{
	double t;
	memcpy(&t, rec + s->t_offset, sizeof(t));
	return t;
}

/* The next copy of cur: the smallest of copies_left uniforms on (x, 1),
 * x the place of the previous one (order statistics drawn in increasing
 * order, nothing stored). */
static void next_copy(struct tscale *s, void *rec)
{
	double v = gsl_rng_uniform_pos(s->rng);
	s->x = 1 - (1 - s->x) * pow(v, 1.0 / (double)s->copies_left);
	s->copies_left--;
	double t = s->lo_s + s->x * (s->hi_s - s->lo_s);
	if (t > s->hi_s)
		t = s->hi_s;
	memcpy(rec, s->cur, s->size);
	memcpy((unsigned char *)rec + s->t_offset, &t, sizeof(t));
}

int tscale_next(struct tscale *s, void *rec, struct errbuf *err)
{
	if (s->copies_left) {
		next_copy(s, rec);
		return 1;
	}
	if (!s->started) {
		s->started = 1;
		s->ahead_rc = s->read(s->ctx, s->ahead, err);
	}
	double whole = floor(s->scale), frac = s->scale - whole;
	for (;;) {
		if (s->ahead_rc <= 0)
			return s->ahead_rc;
		unsigned char *t = s->cur;
		s->cur = s->ahead;
		s->ahead = t;
		s->ahead_rc = s->read(s->ctx, s->ahead, err);
		if (s->ahead_rc < 0)
			return s->ahead_rc;
		uint64_t k = (uint64_t)whole + (frac > 0 && gsl_rng_uniform(s->rng) < frac);
		if (k == 0)
			continue;
		s->lo_s = rec_time(s, s->cur);
		s->hi_s = s->ahead_rc > 0 ? rec_time(s, s->ahead) : s->lo_s;
		s->x = 0;
		s->copies_left = k - 1;
		memcpy(rec, s->cur, s->size);
		return 1;
	}
}

void tscale_free(struct tscale *s)
{
	if (s->rng)
		gsl_rng_free(s->rng);
	free(s->cur);
	free(s->ahead);
	memset(s, 0, sizeof(*s));
}
