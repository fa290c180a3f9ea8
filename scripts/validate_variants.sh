#!/bin/sh
# The README "Validation" table: every model variant of sim/experiment/validate.c
# against the 20 AWS Lambda experiments, parameters chosen by leave-one-out.
# Usage: scripts/validate_variants.sh [REQUESTS [VARIANT...]]
#   REQUESTS per experiment and grid point (default 1000000: about 1e9
#   requests in all, some 15 CPU-minutes); variants run one after another,
#   each printing its table row and then its per-experiment rows.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/../shared/validation/aws-lambda-coldstart-measurements.csv"
requests=${1:-1000000}
[ $# -gt 0 ] && shift
[ -x "$root/bin/slsim" ] || { echo "validate_variants.sh: build bin/slsim first (make bin/slsim)" >&2; exit 2; }
[ -r "$data" ] || { echo "validate_variants.sh: cannot read $data" >&2; exit 2; }
set --  $(for v in "$@"; do printf -- '-v %s ' "$v"; done)
exec nice -n 19 "$root/bin/slsim" validate "$data" --requests "$requests" --rows "$@"
