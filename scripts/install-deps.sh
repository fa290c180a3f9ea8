#!/bin/sh
# Installs the Debian packages slsim needs for building (the compiler too: a
# minimal Debian has only make), testing, plotting and
# cluster sweeps, but only those that are missing, so it is cheap to run on
# every `make`. Needs root (or sudo) only when something is missing.
set -eu
# clang and libclang-rt-14-dev: libFuzzer (make fuzz); valgrind: make valgrind;
# chromium: the report test renders report.html headless.
PKGS="gcc libc6-dev pkg-config libgsl-dev libjansson-dev libcsv-dev check gnuplot-nox libopenmpi-dev openmpi-bin slurm-wlm munge clang libclang-rt-14-dev valgrind chromium"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing packages:$missing; this is not a Debian-like system, install them by hand" >&2
	exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-deps: missing packages:$missing; run as root: apt-get install$missing" >&2
		exit 1
	fi
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale or absent on a fresh machine.
$SUDO apt-get update -q >/dev/null || echo "install-deps: apt-get update failed; trying the cached lists" >&2
$SUDO apt-get install -y -q --no-install-recommends $missing >&2
