#!/usr/bin/env bash
# golden.sh: does a change keep every output byte for byte? Builds bin/slsim
# of a reference commit (default HEAD) in a temporary worktree and of the
# working tree, runs both on the same inputs (every scenario in scenarios/ and
# tests/scenarios/, sweeps with shards and merge, optimize, the VM baseline
# report, trace stats/gen/convert, plots' scripts, bad-input messages) and
# compares every file they write and what they print, except timing figures.
#
#   scripts/golden.sh [REV]      compare the working tree with REV
#   GOLDEN_KEEP=1                keep the outputs (printed at the end)
# Exit status 0 when identical, 1 when anything differs (the diff is printed),
# 2 when a build fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-HEAD}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/slsim-golden.XXXXXX")
cleanup() {
	git -C "$root" worktree remove --force "$tmp/ref-src" >/dev/null 2>&1 || true
	if [ "${GOLDEN_KEEP:-0}" = 1 ]; then echo "golden: outputs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

jobs=$(nproc 2>/dev/null || echo 2)
echo "golden: building $rev and the working tree"
git -C "$root" worktree add --detach -q "$tmp/ref-src" "$rev"
make -s -C "$tmp/ref-src" -j"$jobs" bin/slsim >"$tmp/ref-build.log" 2>&1 ||
	{ tail -30 "$tmp/ref-build.log"; echo "golden: building $rev failed" >&2; exit 2; }
make -s -C "$root" -j"$jobs" bin/slsim >"$tmp/new-build.log" 2>&1 ||
	{ tail -30 "$tmp/new-build.log"; echo "golden: building the working tree failed" >&2; exit 2; }

shared="$root/../shared/traces"
# Every case: a name and a command line run with $S as the binary, in an
# empty folder of its own ($O is that folder). Inputs come from the working
# tree, so both binaries read the same files.
cases() {
	local f n
	for f in "$root"/scenarios/*.json "$root"/tests/scenarios/*.json; do
		n=$(basename "$f" .json)
		echo "run-$n|\$S run $f -q --threads 2 -o \$O/out"
	done
	echo "run-default-stdout|\$S run $root/scenarios/default.json --threads 1 --set replications=2 -o \$O/out"
	echo "run-set|\$S run $root/scenarios/simfaas-readme.json -q --set duration_s=20000 --set functions[0].keepalive.ttl_s=120 --set provider=aws-lambda-arm64 -o \$O/out"
	echo "sweep|\$S sweep $root/scenarios/simfaas-readme.json -q --set duration_s=20000 --grid functions[0].memory_mb=128,256 --grid functions[0].keepalive.ttl_s=60:600:270 --threads 2 -o \$O/out"
	echo "sweep-common-seed|\$S sweep $root/scenarios/default.json -q --set duration_s=7200 --set replications=2 --set functions[0].memory_mb=512 --set functions[1].memory_mb=512 --grid provider=aws-lambda-x86,azure-consumption,azure-flex,gcf-gen1,gcf-gen2,azure-premium-ep1 --common-seed -o \$O/out"
	echo "sweep-dry-run|\$S sweep $root/scenarios/simfaas-readme.json --grid functions[0].memory_mb=128,256 --dry-run -o \$O/out"
	echo "sweep-shards|for k in 0 1 2; do \$S sweep $root/scenarios/simfaas-readme.json -q --set duration_s=10000 --grid functions[0].keepalive.ttl_s=60:600:60 --shard \$k/3 -o \$O/shard-\$k || exit; done; \$S merge \$O/shard-2 \$O/shard-0 \$O/shard-1 -o \$O/merged"
	echo "optimize-brent|\$S optimize $root/scenarios/default.json --set duration_s=7200 --set replications=2 --vary functions[0].memory_mb=512:4096:128 --objective cost --slo p99\<=0.6 && \$S optimize $root/scenarios/simfaas-readme.json --set duration_s=20000 --vary functions[0].keepalive.ttl_s=10:1200 --slo cold\<=0.01 -o \$O/brent -o \$O/out"
	echo "optimize-grid|\$S optimize $root/scenarios/default.json --set duration_s=7200 --set replications=2 --vary functions[0].memory_mb=1024:3072:512 --vary functions[0].keepalive.ttl_s=60:900 --vary provider=aws-lambda-x86,aws-lambda-arm64 --objective balanced --rounds 3 -o \$O/out"
	echo "optimize-infeasible|\$S optimize $root/scenarios/default.json --set duration_s=3600 --set warmup_s=0 --set replications=1 --vary functions[0].memory_mb=128,256 --slo p99\<=0.001 -o \$O/out"
	echo "report-baseline|\$S run $root/tests/scenarios/golden-baseline.json -q -o \$O/out && \$S report \$O/out --scales 0.5,1,4 --threads 2 && rm -rf \$O/out/plots/*.png \$O/out/plots/*.svg \$O/out/report.html"
	echo "plot-scripts|\$S run $root/scenarios/inference.json -q -o \$O/out && \$S plot \$O/out && rm -f \$O/out/plots/*.png \$O/out/plots/*.svg"
	echo "trace-gen|for g in iot ecommerce analytics inference; do \$S trace gen \$g --set duration_s=3600 -o \$O/\$g.csv || exit; done"
	echo "trace-stats-gen|\$S trace gen iot --set devices=50 --set duration_s=3600 -o \$O/iot.csv && \$S trace stats \$O/iot.csv --format csv && \$S trace stats \$O/iot.csv --format csv --json"
	if [ -d "$shared" ]; then
		echo "trace-llm|\$S trace stats $shared/azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv --format azure-llm --set prefill_s_per_token=0.0002 --set decode_s_per_token=0.03 --set overhead_s=0.05 --json"
		echo "trace-2021|\$S trace stats $shared/azure2021-invitro-example-200rows/Azure2021_200.csv --format azure2021 && \$S trace convert $shared/azure2021-invitro-example-200rows/Azure2021_200.csv --format azure2021 -o \$O/2021.csv"
		echo "trace-2019|\$S trace stats $shared/azure2019-invitro-mapper-extremes-3funcs/invocations.csv --format azure2019 --json"
		echo "trace-alibaba|\$S trace stats $shared/alibaba-genai-serverless-sd-2026/lora_request_trace.csv --format alibaba-sd"
	fi
	# Messages and exit statuses of bad input and bad usage.
	echo "bad-json|printf '{\"name\": \"x\",\\n \"seed\": }' > \$O/bad.json; \$S run \$O/bad.json -q -o \$O/out"
	echo "bad-key|\$S run $root/scenarios/default.json -q --set functions[1].memry_mb=5 -o \$O/out"
	echo "bad-memory|\$S run $root/scenarios/default.json -q --set functions[0].memory_mb=-5 -o \$O/out"
	echo "bad-missing|\$S run \$O/none.json -q"
	echo "bad-trace|printf 'timestamp_s,function\\n1,a\\nx,a\\n' > \$O/t.csv; \$S trace stats \$O/t.csv --format csv"
	echo "bad-option|\$S run --frobnicate"
	echo "bad-threads|\$S sweep $root/scenarios/default.json --threads 0"
	echo "bad-command|\$S frobnicate"
	echo "bad-grid|\$S sweep $root/scenarios/default.json --grid functions[0].memory_mb=1:2:0"
	echo "bad-vary|\$S optimize $root/scenarios/default.json --vary nothing"
	echo "bad-merge|\$S merge \$O -o \$O/m"
	echo "help|\$S --help; \$S --version; for c in run sweep merge trace optimize plot report; do \$S \$c --help || exit; done"
}

run_side() {
	local side=$1 bin=$2 name cmd dir
	while IFS='|' read -r name cmd; do
		dir="$tmp/$side/$name"
		mkdir -p "$dir"
		(cd "$dir" && S="$bin" O="$dir" bash -c "$cmd" >"$dir/stdout.txt" 2>"$dir/stderr.txt" </dev/null;
			echo "exit $?" >"$dir/status.txt") || true
	done < <(cases)
	# Timing figures differ from run to run: blank them, and the binary's
	# path in messages.
	find "$tmp/$side" -type f | while read -r f; do
		sed -i -E -e 's/("wall_s"|"events_per_s"): [-0-9.e+]+/\1: T/' \
			-e 's/ events in [0-9.]+ s \([-0-9.e+]+ events\/s\)/ events in T s (T events\/s)/' \
			-e "s#$tmp/$side#OUT#g" -e "s#$bin#SLSIM#g" "$f"
	done
}

echo "golden: running $(cases | wc -l) cases with each binary"
run_side ref "$tmp/ref-src/bin/slsim"
run_side new "$root/bin/slsim"
if diff -r "$tmp/ref" "$tmp/new" >"$tmp/diff.txt"; then
	echo "golden: identical to $rev ($(find "$tmp/new" -type f | wc -l) files compared)"
	exit 0
fi
head -200 "$tmp/diff.txt"
echo "golden: outputs differ from $rev (diff above, $(wc -l <"$tmp/diff.txt") lines)" >&2
exit 1
