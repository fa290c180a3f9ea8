/*
 * model: what every plug-in model shares: the parse and free function types
 * of a model's configuration (see models/models.h for the three kinds).
 */
#ifndef SLSIM_MODEL_H
#define SLSIM_MODEL_H

#include <jansson.h>
#include "core/errbuf.h"
#include "core/jsonutil.h"

/* Every parse function reads `cfg` (a JSON object; may be NULL where the
 * scenario omitted it and the model has defaults), rejects unknown keys and
 * bad values with messages prefixed by `where` ("file: functions[0].keepalive"),
 * and stores its own allocation in *out. */
typedef int model_parse_fn(const json_t *cfg, const char *where, void **out, struct errbuf *err);
typedef void model_free_fn(void *cfg);

#endif
