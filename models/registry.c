/* The one table of every model, by kind. Adding a model: one file defining its
 * ops, one extern line and one table line here. */
#include <stddef.h>
#include <string.h>
#include "models/models.h"

extern const struct coldstart_ops coldstart_add, coldstart_replace, coldstart_model;
extern const struct keepalive_ops keepalive_fixed, keepalive_none, keepalive_hybrid_histogram,
	keepalive_greedy_dual, keepalive_lru, keepalive_provisioned, keepalive_warmer;
extern const struct pricing_ops pricing_aws_lambda_x86, pricing_aws_lambda_arm64;
extern const struct pricing_ops pricing_azure_consumption, pricing_azure_flex;
extern const struct pricing_ops pricing_azure_premium_ep1, pricing_azure_premium_ep2, pricing_azure_premium_ep3;
extern const struct pricing_ops pricing_gcf_gen1, pricing_gcf_gen2;

static const struct coldstart_ops *const coldstart_table[] = {
	&coldstart_add,
	&coldstart_replace,
	&coldstart_model,
	NULL,
};

static const struct keepalive_ops *const keepalive_table[] = {
	&keepalive_fixed,
	&keepalive_none,
	&keepalive_hybrid_histogram,
	&keepalive_greedy_dual,
	&keepalive_lru,
	&keepalive_provisioned,
	&keepalive_warmer,
	NULL,
};

static const struct pricing_ops *const pricing_table[] = {
	&pricing_aws_lambda_x86,
	&pricing_aws_lambda_arm64,
	&pricing_azure_consumption,
	&pricing_azure_flex,
	&pricing_azure_premium_ep1,
	&pricing_azure_premium_ep2,
	&pricing_azure_premium_ep3,
	&pricing_gcf_gen1,
	&pricing_gcf_gen2,
	NULL,
};

#define DEFINE_LOOKUP(kind)                                                       \
	const struct kind##_ops *kind##_find(const char *name)                    \
	{                                                                         \
		for (size_t i = 0; name && kind##_table[i]; i++)                  \
			if (strcmp(kind##_table[i]->name, name) == 0)             \
				return kind##_table[i];                           \
		return NULL;                                                      \
	}                                                                         \
	const char *kind##_names(void)                                            \
	{                                                                         \
		static _Thread_local char list[1024];                             \
		list[0] = '\0';                                                   \
		for (size_t i = 0; kind##_table[i]; i++) {                        \
			if (i)                                                    \
				strncat(list, ", ", sizeof(list) - strlen(list) - 1); \
			strncat(list, kind##_table[i]->name,                      \
				sizeof(list) - strlen(list) - 1);                 \
		}                                                                 \
		return list;                                                      \
	}

DEFINE_LOOKUP(coldstart)
DEFINE_LOOKUP(keepalive)
DEFINE_LOOKUP(pricing)
