# slsim: one Makefile for the simulator, its tests and its tools.
# `make demo` and `make test` install missing Debian packages first (make deps).

CC       ?= gcc
BUILD    ?= build
OPT      ?= -O2
SAN      ?=
CPPFLAGS += -Isim -Imodels -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -fopenmp $(SAN)
# Recursive (=) so pkg-config runs after `deps` may have installed the packages.
PKG_LIBS  = $(shell pkg-config --libs gsl jansson 2>/dev/null || echo -lgsl -lgslcblas -ljansson)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread)
LDLIBS    = $(PKG_LIBS) -lcsv -lm

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c)) $(wildcard models/*.c)
TEST_SRC := $(wildcard tests/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
DEPFILES := $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BUILD)/sim/main.d

BIN      ?= bin
SLSIM    := $(BIN)/slsim
TESTBIN  := $(BIN)/slsim-tests

.PHONY: all deps test asan demo clean
all: $(SLSIM)

deps:
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(SLSIM): $(LIB_OBJ) $(BUILD)/sim/main.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(TESTBIN): $(LIB_OBJ) $(TEST_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

# Tests find the binary, the sources and ../shared through these variables.
test: $(TESTBIN) $(SLSIM)
	SLSIM_BIN=$(abspath $(SLSIM)) SLSIM_ROOT=$(CURDIR) $(TESTBIN)

# AddressSanitizer + UndefinedBehaviorSanitizer build in its own tree.
asan:
	$(MAKE) BUILD=build/asan BIN=bin/asan OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

demo: $(SLSIM)
	$(SLSIM) run scenarios/default.json -o results/demo

clean:
	rm -rf build bin

-include $(DEPFILES)
