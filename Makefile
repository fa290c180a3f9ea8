# slsim: one Makefile for the simulator, its tests and its tools.
# `make demo` and `make test` install missing Debian packages first (make deps).

CC       ?= gcc
BUILD    ?= build
OPT      ?= -O2
SAN      ?=
# HAVE_INLINE: GSL's inline versions of gsl_rng_uniform and friends (same results,
# no call through the library per random number).
# Headers are named by their folder ("core/engine.h", "models/models.h"):
# -Isim for the simulator's layers, -I. for models/.
CPPFLAGS += -Isim -I. -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DHAVE_INLINE
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -fopenmp $(SAN)
# Recursive (=) so pkg-config runs after `deps` may have installed the packages.
PKG_LIBS  = $(shell pkg-config --libs gsl jansson 2>/dev/null || echo -lgsl -lgslcblas -ljansson)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread)
LDLIBS    = $(PKG_LIBS) -lcsv -lm

LIB_SRC  := $(filter-out sim/cli/main.c,$(shell find sim models -name '*.c' | LC_ALL=C sort))
LIB_HDR  := $(shell find sim models -name '*.h')
TEST_SRC := $(wildcard tests/*.c tests/lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/gnuplot_scripts.o
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
# Test helpers (tests/lib/testutil.h) are included by name from every suite.
$(TEST_OBJ): CPPFLAGS += -Itests/lib
DEPFILES := $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BUILD)/sim/cli/main.d

# bin/slsim-mpi: cli/main.c, cli/cmd_sweep.c and experiment/mpisweep.c again through mpicc
# with SLSIM_MPI (everything else is shared with bin/slsim).
MPICC    ?= mpicc
MPI_SRC  := sim/experiment/mpisweep.c sim/cli/cmd_sweep.c
MPI_OBJ  := $(filter-out $(MPI_SRC:%.c=$(BUILD)/%.o),$(LIB_OBJ)) $(MPI_SRC:%.c=$(BUILD)/mpi/%.o) \
	    $(BUILD)/mpi/sim/cli/main.o
DEPFILES += $(MPI_SRC:%.c=$(BUILD)/mpi/%.d) $(BUILD)/mpi/sim/cli/main.d $(BUILD)/bench/bench.d

BIN      ?= bin
SLSIM    := $(BIN)/slsim
TESTBIN  := $(BIN)/slsim-tests
MPIBIN   := $(BIN)/slsim-mpi
BENCHBIN := $(BIN)/slsim-bench
# `make test SLURM_TEST=0` skips the one-node Slurm cluster test.
SLURM_TEST ?= 1

.PHONY: all deps test asan demo clean fuzz fuzz-seeds valgrind mpi bench
all: $(SLSIM)

deps:
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The price lists are embedded with .incbin: rebuild when they change.
$(BUILD)/models/pricing/catalog.o: $(wildcard models/pricing/data/*.json)
# So are the runtime, framework and architecture facts (models/runtimes.c).
$(BUILD)/models/runtimes.o: models/data/runtimes.json
# And the storage tiers' bandwidths (models/storage.c).
$(BUILD)/models/storage.o: models/data/storage.json

# The gnuplot scripts are compiled into the binary (sim/output/plot.c writes them out).
GP_SCRIPTS := $(wildcard scripts/gnuplot/*.gp)
$(BUILD)/gen/gnuplot_scripts.c: $(GP_SCRIPTS) scripts/embed-gnuplot.sh
	@mkdir -p $(dir $@)
	scripts/embed-gnuplot.sh $@ $(GP_SCRIPTS)
$(BUILD)/gen/gnuplot_scripts.o: $(BUILD)/gen/gnuplot_scripts.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(SLSIM): $(LIB_OBJ) $(BUILD)/sim/cli/main.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mpi/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(MPICC) $(CPPFLAGS) -DSLSIM_MPI $(CFLAGS) -MMD -MP -c $< -o $@

$(MPIBIN): $(MPI_OBJ)
	@mkdir -p $(dir $@)
	$(MPICC) $(CFLAGS) -o $@ $^ $(LDLIBS)

mpi: $(MPIBIN)

$(BENCHBIN): $(LIB_OBJ) $(BUILD)/bench/bench.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Throughput and peak memory of the engine and whole runs (bench/bench.c);
# `make bench BENCH=azure-day` runs one case.
bench: $(BENCHBIN)
	SLSIM_ROOT=$(CURDIR) $(BENCHBIN) $(BENCH)

$(TESTBIN): $(LIB_OBJ) $(TEST_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

# Tests find the binary, the sources and ../shared through these variables.
test: $(TESTBIN) $(SLSIM) $(MPIBIN)
	SLSIM_BIN=$(abspath $(SLSIM)) SLSIM_MPI_BIN=$(abspath $(MPIBIN)) SLSIM_ROOT=$(CURDIR) $(TESTBIN)
	@if [ "$(SLURM_TEST)" = 1 ]; then tests/slurm_test.sh $(abspath $(SLSIM)); fi

# AddressSanitizer + UndefinedBehaviorSanitizer build in its own tree (the
# Slurm cluster test runs once, in `make test`: it tests the scripts, and the
# sweep code it runs is covered under the sanitizers by the Check suites).
asan:
	$(MAKE) BUILD=build/asan BIN=bin/asan OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		SLURM_TEST=0 test

# One scenario under valgrind's memcheck: no invalid access, no definite leak.
valgrind: $(SLSIM)
	valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
		$(SLSIM) run scenarios/simfaas-readme.json --set duration_s=20000 --threads 1 -q -o build/valgrind

# The default scenario, its plots and its report, into results/demo/.
demo: $(SLSIM)
	$(SLSIM) run scenarios/default.json -o results/demo
	$(SLSIM) plot results/demo
	$(SLSIM) report results/demo

# libFuzzer targets (clang): replay the regression inputs, then fuzz each
# target for FUZZ_SECONDS from a corpus seeded with scenarios/ and traces.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
FUZZ_SEEDS_scenario := scenarios tests/fuzz/regressions/scenario
FUZZ_SEEDS_trace_csv := tests/fuzz/seeds/trace_csv
FUZZ_SEEDS_trace_azure2019 := build/fuzz/seeds/trace_azure2019
FUZZ_SEEDS_trace_azure2021 := build/fuzz/seeds/trace_azure2021
FUZZ_SEEDS_trace_llm := build/fuzz/seeds/trace_llm
FUZZ_SEEDS_trace_alibaba := build/fuzz/seeds/trace_alibaba
FUZZ_SEEDS_llmprofile := build/fuzz/seeds/llmprofile
FUZZ_SEEDS_batchprofile := tests/fuzz/seeds/batchprofile
FUZZ_SEEDS_measured := tests/fuzz/seeds/measured
SHARED_VALIDATION := ../shared/validation
SHARED_TRACES := ../shared/traces

# Seeds cut from the real samples in ../shared (not copied into the repo).
fuzz-seeds:
	@mkdir -p $(addprefix build/fuzz/seeds/,trace_azure2019 trace_azure2021 trace_llm trace_alibaba llmprofile)
	@if [ -d $(SHARED_TRACES) ]; then \
		head -c 4000 $(SHARED_TRACES)/azure2021-invitro-example-200rows/Azure2021_200.csv > build/fuzz/seeds/trace_azure2021/sample.csv; \
		head -c 4000 $(SHARED_TRACES)/azure-llm-inference-2023/AzureLLMInferenceTrace_code.csv > build/fuzz/seeds/trace_llm/code.csv; \
		head -c 6000 $(SHARED_TRACES)/alibaba-genai-serverless-sd-2026/lora_request_trace.csv > build/fuzz/seeds/trace_alibaba/lora.csv; \
		d=$(SHARED_TRACES)/azure2019-invitro-mapper-extremes-3funcs; \
		{ cat $$d/invocations.csv; printf '\n====\n'; cat $$d/durations.csv; printf '\n====\n'; cat $$d/memory.csv; } \
			> build/fuzz/seeds/trace_azure2019/sample.csv; \
	fi
	@if [ -f $(SHARED_VALIDATION)/llm-perf-profile-splitwise/perf_model.csv ]; then \
		head -c 6000 $(SHARED_VALIDATION)/llm-perf-profile-splitwise/perf_model.csv \
			> build/fuzz/seeds/llmprofile/perf_model.csv; \
	fi

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(LIB_SRC) $(BUILD)/gen/gnuplot_scripts.c $(LIB_HDR) | deps
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -std=c11 -g -O1 -Wall -Werror -Wno-unknown-pragmas \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$< $(LIB_SRC) $(BUILD)/gen/gnuplot_scripts.c -o $@ $(LDLIBS)

# One run per target; FUZZ_SEEDS_<target> lists its seed folders.
define FUZZ_RUN
	@mkdir -p build/fuzz/corpus/$(1) tests/fuzz/regressions/$(1)
	@echo "fuzz: $(1): replaying tests/fuzz/regressions/$(1)"
	@if ls tests/fuzz/regressions/$(1)/* >/dev/null 2>&1; then \
		build/fuzz/fuzz_$(1) tests/fuzz/regressions/$(1)/* 2>build/fuzz/$(1)-replay.log || \
			{ tail -40 build/fuzz/$(1)-replay.log; exit 1; }; fi
	@echo "fuzz: $(1): fuzzing for $(FUZZ_SECONDS) s"
	@build/fuzz/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=20 \
		-rss_limit_mb=2048 -artifact_prefix=build/fuzz/$(1)- -print_final_stats=1 \
		build/fuzz/corpus/$(1) $(FUZZ_SEEDS_$(1)) 2>build/fuzz/$(1).log || \
		{ tail -60 build/fuzz/$(1).log; echo "fuzz: $(1) found a failure: build/fuzz/$(1)-*"; exit 1; }
	@grep -E "stat::number_of_executed_units|stat::new_units_added" build/fuzz/$(1).log

endef

fuzz: $(FUZZ_BINS) fuzz-seeds
	$(foreach t,$(FUZZ_TARGETS),$(call FUZZ_RUN,$(t)))

clean:
	rm -rf build bin

-include $(DEPFILES)
