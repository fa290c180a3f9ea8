#!/usr/bin/env bash
# layering.sh [ROOT]: the layering rule of README "Architecture", checked on
# every #include "..." of the simulator and the models. A layer may include
# only the layers listed for it (its own among them); headers are named by
# their folder ("core/engine.h", "models/pricing.h"), so the folder of each
# include is its layer. Prints each forbidden include as file:line and exits
# 1; exits 0 when there is none.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# One pass: every quoted include of every file, checked by awk. The layer of
# a file or of an included header comes from its path (sim/<layer>/...,
# <layer>/... for an include); models/pricing.h, models/pricing/ and
# models/models.h (the registry of every kind) count as `pricing`.
#
# What each layer may include. Lower layers never include higher ones:
# the models (cold start, keep-alive, pricing) know only the core; the
# platform knows instances and requests but never prices; the scenario never
# runs anything; output (result files, plots, reports) never reaches into the
# experiments; nothing includes the command line. A folder's private header
# (platform/internal.h, workload/plugin.h) is included only inside that folder.
find sim models -name '*.[ch]' | LC_ALL=C sort | xargs grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
awk '
BEGIN {
	allowed["core"] = "core"
	allowed["models"] = "core models pricing"
	allowed["pricing"] = "core models pricing"
	allowed["workload"] = "core models workload"
	allowed["scenario"] = "core models pricing workload scenario"
	allowed["platform"] = "core models scenario platform"
	allowed["run"] = "core models pricing workload scenario platform run"
	allowed["experiment"] = "core models pricing workload scenario run experiment output"
	allowed["output"] = "core models pricing scenario run output"
	allowed["cli"] = "core models pricing workload scenario platform run experiment output cli"
	private["platform/internal.h"] = "sim/platform/"
	private["workload/plugin.h"] = "sim/workload/"
	bad = 0
}
function layer(path,   p) {
	if (path == "models/models.h" || path == "models/pricing.h" || path ~ /^models\/pricing\//)
		return "pricing"
	if (path ~ /^models\//)
		return "models"
	p = path
	sub(/^sim\//, "", p)
	sub(/\/.*/, "", p)
	return (p in allowed) ? p : "unknown"
}
{
	# file:line:#include "x/y.h"
	file = $0; sub(/:.*/, "", file)
	rest = substr($0, length(file) + 2)
	line = rest; sub(/:.*/, "", line)
	inc = rest; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
	if (inc !~ /\//)
		next   # a file of its own folder, by its bare name
	if ((inc in private) && index(file, private[inc]) != 1) {
		printf "%s:%s: includes \"%s\": private to %s\n", file, line, inc, private[inc]
		bad = 1
		next
	}
	from = layer(file)
	to = layer(inc)
	if (index(" " allowed[from] " ", " " to " ") == 0) {
		printf "%s:%s: includes \"%s\": layer \047%s\047 may include only: %s\n", file, line, inc, from, allowed[from]
		bad = 1
	}
}
END {
	if (!bad)
		print "layering: every include follows the layers"
	exit bad
}'
