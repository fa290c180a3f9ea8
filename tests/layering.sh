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

# Layer of a file or of an included header, from its path.
layer_of() {
	case "$1" in
	sim/*/*) local p=${1#sim/}; echo "${p%%/*}" ;;
	models/pricing.h | models/pricing/*) echo pricing ;;
	models/*) echo models ;;
	core/* | platform/* | workload/* | scenario/* | run/* | experiment/* | output/* | cli/*) echo "${1%%/*}" ;;
	*) echo unknown ;;
	esac
}

# What each layer may include. Lower layers never include higher ones:
# the models (cold start, keep-alive, pricing) know only the core; the
# platform knows instances and requests but never prices (models/pricing.h,
# models/pricing/, and models/models.h, the registry of every kind, count as
# `pricing`); nothing includes the command line.
allowed() {
	case "$1" in
	core) echo "core" ;;
	models | pricing) echo "core models pricing" ;;
	workload) echo "core models workload scenario" ;;
	scenario) echo "core models pricing workload scenario" ;;
	platform) echo "core models scenario platform" ;;
	run) echo "core models pricing workload scenario platform run" ;;
	experiment) echo "core models pricing workload scenario run experiment output" ;;
	output) echo "core models pricing scenario run output" ;;
	cli) echo "core models pricing workload scenario platform run experiment output cli" ;;
	*) echo "" ;;
	esac
}

bad=0
while IFS= read -r file; do
	from=$(layer_of "$file")
	ok=" $(allowed "$from") "
	while IFS=: read -r line inc; do
		inc=${inc#*\"}
		inc=${inc%%\"*}
		case "$inc" in */*) ;; *) continue ;; esac  # a file's own private header
		# models/models.h (the registry) includes every kind, pricing too.
		to=$(layer_of "$inc")
		[ "$inc" = models/models.h ] && to=pricing
		if [[ "$ok" != *" $to "* ]]; then
			echo "$file:$line: includes \"$inc\": layer '$from' may include only: $(allowed "$from")"
			bad=1
		fi
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" || true)
done < <(find sim models -name '*.[ch]' | LC_ALL=C sort)
if [ "$bad" = 0 ]; then echo "layering: every include follows the layers"; fi
exit "$bad"
