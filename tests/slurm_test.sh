#!/bin/sh
# A real one-node Slurm cluster on this machine: munged, slurmctld and slurmd
# from Debian's munge and slurm-wlm with a generated slurm.conf in a temporary
# folder (own ports, sockets, state and logs; nothing under /etc or /run is
# touched). It submits a sweep as a 4-task job array plus its dependent merge
# job through scripts/slurm/sweep.sbatch, waits (bounded), and compares the
# merged sweep.csv and sweep.json with a local sweep byte for byte. The
# daemons it started are stopped on every exit path.
#
# usage: tests/slurm_test.sh /abs/path/to/slsim    (run by `make test`, as root)
set -eu

SLSIM=${1:?usage: slurm_test.sh /abs/path/to/slsim}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "slurm test: $*"; }

if [ "$(id -u)" != 0 ]; then
	say "SKIPPED: slurmd must run as root to launch jobs (CI runs as root)."
	say "SKIPPED: run 'make test' as root to exercise the Slurm job array and merge."
	exit 0
fi
for cmd in munged slurmctld slurmd sbatch squeue scontrol scancel; do
	command -v "$cmd" >/dev/null 2>&1 || { say "FAILED: $cmd is missing (make deps installs munge and slurm-wlm)"; exit 1; }
done

T=$(mktemp -d /tmp/slsim-slurm-XXXXXX)
chmod 755 "$T"
export SLURM_CONF="$T/slurm.conf"
ok=0

stop_pidfile() {
	[ -s "$1" ] || return 0
	pid=$(cat "$1")
	kill "$pid" 2>/dev/null || return 0
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
	status=$?
	trap - EXIT INT TERM
	if [ -s "$T/slurmctld.pid" ]; then
		scancel --quiet --user=root 2>/dev/null || true
		i=0
		while [ -n "$(squeue -h 2>/dev/null)" ] && [ $i -lt 25 ]; do sleep 0.2; i=$((i + 1)); done
	fi
	stop_pidfile "$T/slurmd.pid"
	stop_pidfile "$T/slurmctld.pid"
	stop_pidfile "$T/munged.pid"
	if [ "$ok" != 1 ]; then
		say "FAILED (exit status $status); the cluster's logs follow"
		for f in "$T"/log/*.log "$T"/out/slurm-*.out; do
			[ -f "$f" ] || continue
			echo "---- $f (last 30 lines)"
			tail -n 30 "$f"
		done
	fi
	rm -rf "$T"
	exit $status
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Two free TCP ports for slurmctld and slurmd. /proc/net/tcp{,6} list every
# socket's local port in hex (no `ss`: a minimal Debian lacks iproute2); a
# port any socket uses, listening or not, counts as taken.
port_taken() {
	grep -qi "^ *[0-9]*: [0-9A-F]*:$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
free_port() {
	p=$1
	while port_taken "$p" || [ "$p" = "${2:-}" ]; do p=$((p + 1)); done
	echo "$p"
}
base=$((20000 + $$ % 20000))
ctld_port=$(free_port $base)
slurmd_port=$(free_port $((ctld_port + 1)) "$ctld_port")

mkdir -p "$T/state" "$T/spool" "$T/log" "$T/out"
# A fresh munge key for this cluster only.
dd if=/dev/urandom of="$T/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$T/munge.key"
munged --force --socket="$T/munge.sock" --key-file="$T/munge.key" --pid-file="$T/munged.pid" \
	--seed-file="$T/munge.seed" --log-file="$T/log/munged.log"

cat >"$SLURM_CONF" <<EOF
ClusterName=slsimtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CryptoType=crypto/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
NodeName=localhost CPUs=2 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N localhost

i=0
until [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ]; do
	i=$((i + 1))
	[ $i -le 150 ] || { say "FAILED: the node did not become idle within 30 s: $(sinfo -h -N -o '%t %E' 2>&1)"; exit 1; }
	sleep 0.2
done

# The scenario of the C sweep tests: 3 x 3 points, 3 replications each.
cat >"$T/small.json" <<'EOF'
{"name": "small", "seed": 3, "duration_s": 5000, "replications": 3,
 "functions": [
  {"name": "api", "memory_mb": 256, "service": {"dist": "lognormal", "median_s": 0.05, "sigma": 0.8},
   "cold_start": {"mode": "add", "init": {"dist": "gamma", "mean_s": 0.4, "cv": 0.3}},
   "keepalive": {"policy": "fixed", "ttl_s": 120},
   "arrivals": {"process": "poisson", "rate_per_s": 3}}]}
EOF
set -- --grid 'functions[0].memory_mb=128,256,512' --grid 'functions[0].keepalive.ttl_s=1:21:10'

cd "$T"
jobs=$(SLSIM="$SLSIM" "$ROOT/scripts/slurm/sweep.sbatch" --shards 4 small.json out "$@")
array=${jobs% *}
merge=${jobs#* }
say "submitted array job $array (4 shards) and merge job $merge"
"$SLSIM" sweep small.json "$@" -o local --threads 1 --quiet

i=0
while [ -n "$(squeue -h -j "$array,$merge" 2>/dev/null)" ]; do
	i=$((i + 1))
	[ $i -le 600 ] || { say "FAILED: the jobs did not finish within 120 s"; squeue; exit 1; }
	sleep 0.2
done
state=$(scontrol show job "$merge" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
[ "$state" = COMPLETED ] || { say "FAILED: merge job $merge ended $state"; exit 1; }
for k in 0 1 2 3; do
	[ -s "out/shard-$k/sweep.csv" ] || { say "FAILED: out/shard-$k/sweep.csv is missing"; exit 1; }
done
cmp out/sweep.csv local/sweep.csv || { say "FAILED: the Slurm sweep.csv differs from the local one"; exit 1; }
cmp out/sweep.json local/sweep.json || { say "FAILED: the Slurm sweep.json differs from the local one"; exit 1; }
rows=$(($(wc -l <out/sweep.csv) - 1))
[ "$rows" = 9 ] || { say "FAILED: $rows rows, expected 9"; exit 1; }
ok=1
say "passed: 4 array tasks + dependent merge gave sweep.csv identical to the local sweep ($rows points)"
