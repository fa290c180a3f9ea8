/* The one table of every model, by kind: one line each in the lists below,
 * in the order `slsim help` and the error messages name them. Adding a model
 * (models/README.md, "Adding a model"): its file, models/<kind>/<name>.c,
 * defining `const struct <kind>_ops <kind>_<ident>`, plus X(ident) in its
 * kind's list; a pricing plan: its entry in models/pricing/data/ plus
 * X(ident, "name", engine) in PRICING_PLANS. The lists generate the
 * declarations, the plans' ops and the tables. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "models/models.h"
#include "models/pricing/catalog.h"

#define COLDSTART_MODELS(X) \
	X(add)              \
	X(replace)          \
	X(model)

#define KEEPALIVE_POLICIES(X) \
	X(fixed)              \
	X(none)               \
	X(hybrid_histogram)   \
	X(greedy_dual)        \
	X(lru)                \
	X(provisioned)        \
	X(warmer)             \
	X(lambda)

/* X(identifier, provider name = its key in models/pricing/data/, engine). */
#define PRICING_PLANS(X)                                         \
	X(aws_lambda_x86, "aws-lambda-x86", aws)                 \
	X(aws_lambda_arm64, "aws-lambda-arm64", aws)             \
	X(azure_consumption, "azure-consumption", azure)         \
	X(azure_flex, "azure-flex", azure)                       \
	X(azure_premium_ep1, "azure-premium-ep1", azure)         \
	X(azure_premium_ep2, "azure-premium-ep2", azure)         \
	X(azure_premium_ep3, "azure-premium-ep3", azure)         \
	X(gcf_gen1, "gcf-gen1", gcf)                             \
	X(gcf_gen2, "gcf-gen2", gcf)                             \
	X(cloudrun_gpu, "cloudrun-gpu", gpu)                     \
	X(runpod_flex, "runpod-flex", gpu)                       \
	X(runpod_active, "runpod-active", gpu)                   \
	X(modal, "modal", gpu)                                   \
	X(aca_gpu, "aca-gpu", gpu)

#define DECLARE_COLDSTART(ident) extern const struct coldstart_ops coldstart_##ident;
#define DECLARE_KEEPALIVE(ident) extern const struct keepalive_ops keepalive_##ident;
#define DEFINE_PLAN(ident, pname, engine) \
	PRICING_ENGINE(engine);           \
	static PRICING_PROVIDER(pricing_##ident, pname, engine);
COLDSTART_MODELS(DECLARE_COLDSTART)
KEEPALIVE_POLICIES(DECLARE_KEEPALIVE)
PRICING_PLANS(DEFINE_PLAN)

#define COLDSTART_ENTRY(ident) &coldstart_##ident,
#define KEEPALIVE_ENTRY(ident) &keepalive_##ident,
#define PLAN_ENTRY(ident, pname, engine) &pricing_##ident,
static const struct coldstart_ops *const coldstart_table[] = { COLDSTART_MODELS(COLDSTART_ENTRY) NULL };
static const struct keepalive_ops *const keepalive_table[] = { KEEPALIVE_POLICIES(KEEPALIVE_ENTRY) NULL };
static const struct pricing_ops *const pricing_table[] = { PRICING_PLANS(PLAN_ENTRY) NULL };

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
