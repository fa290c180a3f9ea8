/*
 * registry: the one table of workload plug-ins (plugin.h). Each plug-in is
 * one line of TRACE_PLUGINS, naming its ops struct; the line both declares
 * the struct and enters it in the table, and its name (in the ops struct)
 * reaches lookups, the "unknown format" message and the --help lists from
 * here. Order is that of messages and --help.
 */
#include <stdio.h>
#include <string.h>
#include "workload/plugin.h"

#define TRACE_PLUGINS(ROWS, CUSTOM, GENERATOR) \
	ROWS(trace_csv_ops)                   \
	CUSTOM(trace_azure2019_ops)           \
	ROWS(trace_azure2021_ops)             \
	ROWS(trace_llm_ops)                   \
	ROWS(trace_alibaba_ops)               \
	CUSTOM(trace_generator_ops)           \
	CUSTOM(trace_mix_ops)                 \
	GENERATOR(gen_iot_ops)                \
	GENERATOR(gen_ecommerce_ops)          \
	GENERATOR(gen_analytics_ops)          \
	GENERATOR(gen_inference_ops)          \
	GENERATOR(gen_diurnal_ops)

#define DECLARE_ROWS(ops) extern const struct trace_rowfmt_ops ops;
#define DECLARE_CUSTOM(ops) extern const struct trace_custom_ops ops;
#define DECLARE_GENERATOR(ops) extern const struct trace_generator_ops ops;
TRACE_PLUGINS(DECLARE_ROWS, DECLARE_CUSTOM, DECLARE_GENERATOR)

struct plugin {
	struct trace_format format;               /* a format, or */
	const struct trace_generator_ops *gen;    /* a generator pattern */
};

#define ENTRY_ROWS(ops) { { &ops, NULL }, NULL },
#define ENTRY_CUSTOM(ops) { { NULL, &ops }, NULL },
#define ENTRY_GENERATOR(ops) { { NULL, NULL }, &ops },
static const struct plugin plugins[] = { TRACE_PLUGINS(ENTRY_ROWS, ENTRY_CUSTOM, ENTRY_GENERATOR) };
#define N_PLUGINS (sizeof(plugins) / sizeof(plugins[0]))

const char *trace_format_entry_name(const struct trace_format *f)
{
	return f->rows ? f->rows->name : f->custom->name;
}

static int is_format(const struct plugin *p)
{
	return p->format.rows || p->format.custom;
}

const struct trace_format *trace_format_find(const char *name)
{
	for (size_t i = 0; i < N_PLUGINS; i++)
		if (is_format(&plugins[i]) && strcmp(trace_format_entry_name(&plugins[i].format), name) == 0)
			return &plugins[i].format;
	return NULL;
}

const struct trace_generator_ops *trace_generator_find(const char *name)
{
	for (size_t i = 0; i < N_PLUGINS; i++)
		if (plugins[i].gen && strcmp(plugins[i].gen->name, name) == 0)
			return plugins[i].gen;
	return NULL;
}

/* The name of plugins[i] when it belongs to the list, else NULL. */
static const char *listed_name(const struct plugin *p, enum trace_names which)
{
	switch (which) {
	case TRACE_NAMES_GENERATORS:
		return p->gen ? p->gen->name : NULL;
	case TRACE_NAMES_FILE_FORMATS:
		if (p->format.custom && !p->format.custom->file_list_key)
			return NULL;
		/* fall through */
	case TRACE_NAMES_FORMATS:
		return is_format(p) ? trace_format_entry_name(&p->format) : NULL;
	}
	return NULL;
}

int trace_format_names(enum trace_names which, char *buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < N_PLUGINS; i++) {
		const char *name = listed_name(&plugins[i], which);
		if (!name)
			continue;
		int n = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, "%s%s",
				 len ? ", " : "", name);
		len += (size_t)n;
	}
	return (int)len;
}

json_t *trace_spec_for_file(const char *format, const char *file)
{
	const struct trace_format *f = trace_format_find(format);
	if (f && f->custom && f->custom->file_list_key)
		return json_pack("{s:s, s:[s]}", "format", format, f->custom->file_list_key, file);
	return json_pack("{s:s, s:s}", "format", format, "path", file);
}
