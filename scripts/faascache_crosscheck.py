#!/usr/bin/env python3
"""Cross-check of slsim's FaasCache rules against FaasCache's own simulator.

Feeds the same invocation lists to FaasCache's LambdaScheduler
(aFuerst/faascache-sim, code/split/LambdaScheduler.py: policies GD, LRU and
TTL) and to slsim (greedy-dual, lru and fixed with keepalive.variant
"faascache" and platform.pool_eviction "whole-size"), for a few pool sizes,
and prints the cold-start percentage of served requests and the drops of
each, as a Markdown table (README.md, "Validation").

FaasCache's model: a request of function k at time t is warm when one of k's
containers is idle; a cold one runs run_time (whole), a warm one warm_time;
a request that finds no room after evicting is dropped. The same in slsim:
"replace" cold starts, constant times, unlimited concurrency.

Times lie on a grid of 1/1024 s, so that seconds (slsim) and milliseconds
(FaasCache) hold the same instants exactly, and no two arrivals share one.

Four columns per case:
  FaasCache        its simulator as published;
  FaasCache+check  the same with one change, OpenWhisk's feasibility check
                   (a request that cannot fit even after every idle
                   container is evicted evicts nothing and is dropped),
                   which slsim always applies (no futile evictions);
  slsim faascache  slsim with FaasCache's rules;
  slsim            slsim's own rules (variant "slsim", shortfall eviction).

Needs Debian's python3 with python3-numpy, python3-pandas and python3-scipy
(FaasCache imports them) and a built bin/slsim. FaasCache's code: a folder
holding LambdaScheduler.py, or the git directory of a clone (the `fetch`
tool's /work/.mirror/aFuerst+faascache-sim/repo), read with git archive.

    /usr/bin/python3 scripts/faascache_crosscheck.py --faascache DIR [--slsim bin/slsim] [--quick]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tarfile
import io
import tempfile
import time

TICK_S = 1.0 / 1024          # the time grid
POLICIES = [                  # FaasCache's name, slsim's keepalive object
    ("GD", {"policy": "greedy-dual"}),
    ("LRU", {"policy": "lru"}),
    ("TTL", {"policy": "fixed", "ttl_s": 600}),
]


def load_faascache(path):
    """Imports LambdaScheduler from a folder, or from a git dir via git archive."""
    if not os.path.exists(os.path.join(path, "LambdaScheduler.py")):
        tar = subprocess.run(["git", "--git-dir", path, "archive", "HEAD", "code/split"],
                             check=True, capture_output=True).stdout
        dest = tempfile.mkdtemp(prefix="faascache-")
        with tarfile.open(fileobj=io.BytesIO(tar)) as t:
            t.extractall(dest)
        path = os.path.join(dest, "code", "split")
    sys.path.insert(0, path)
    import LambdaScheduler as ls_mod   # noqa: E402 (needs numpy, pandas, scipy)
    import LambdaData as ld_mod        # noqa: E402
    import Container as c_mod          # noqa: E402
    return ls_mod.LambdaScheduler, ld_mod.LambdaData, c_mod.Container


def workload(name, seed, n_fn, mems, hours, rate_lo, rate_hi, warm_lo, warm_hi, extra_lo, extra_hi,
             on_s=None, off_s=None):
    """Functions (name, memory_mb, warm ticks, cold ticks) and Poisson arrivals
    [(tick, function)] with distinct ticks, in time order. With on_s and
    off_s, each function alternates bursts (exponential lengths, mean on_s)
    and silences (mean off_s)."""
    rng = random.Random(seed)
    fns, arrivals, used = [], [], set()
    horizon = int(hours * 3600 / TICK_S)
    for i in range(n_fn):
        warm = max(1, int(rng.uniform(warm_lo, warm_hi) / TICK_S))
        cold = warm + max(1, int(rng.uniform(extra_lo, extra_hi) / TICK_S))
        fn = ("%s%02d" % (name, i), mems[i % len(mems)], warm, cold)
        fns.append(fn)
        rate = rate_lo * (rate_hi / rate_lo) ** rng.random()   # log-uniform, per s
        t, on_until = 0.0, (rng.expovariate(1 / on_s) if on_s else float("inf"))
        while True:
            t += rng.expovariate(rate)
            if t > on_until:
                t = on_until + rng.expovariate(1 / off_s)
                on_until = t + rng.expovariate(1 / on_s)
            tick = int(t / TICK_S)
            if tick >= horizon:
                break
            while tick in used:
                tick += 1
            used.add(tick)
            arrivals.append((tick, fn[0]))
    arrivals.sort()
    return fns, arrivals


def run_faascache(classes, fns, arrivals, policy, pool_mb, checked, logdir):
    LambdaScheduler, LambdaData, Container = classes

    class Checked(LambdaScheduler):
        """OpenWhisk's check before evicting: free + idle >= needed."""
        def cache_miss(self, d):
            if not self.checkfree(Container(d)):
                idle = sum(c.metadata.mem_size for c in self.ContainerPool if c not in self.running_c)
                if self.mem_capacity - self.mem_used + idle < d.mem_size:
                    return None
            return LambdaScheduler.cache_miss(self, d)

    cls = Checked if checked else LambdaScheduler
    L = cls(policy, pool_mb, len(fns), "c" if checked else "p", logdir)
    datas = {f[0]: LambdaData(f[0], f[1], f[3] * TICK_S * 1000, f[2] * TICK_S * 1000) for f in fns}
    for tick, name in arrivals:
        L.runActivation(datas[name], tick * TICK_S * 1000)
    for fp in (L.PerformanceLog, L.MemUsageHist, L.PureCacheHist):
        fp.close()
    stats = L.miss_stats()
    misses = sum(v["misses"] for v in stats.values())
    hits = sum(v["hits"] for v in stats.values())
    drops = sum(L.capacity_misses.values())
    return misses, hits + misses, drops


def run_slsim(slsim, fns, arrivals, keepalive, faascache, pool_mb, workdir, tag):
    trace = os.path.join(workdir, "arrivals.csv")
    if not os.path.exists(trace):
        with open(trace, "w") as fp:
            fp.write("timestamp_s,function\n")
            for tick, name in arrivals:
                fp.write("%.10f,%s\n" % (tick * TICK_S, name))
    ka = dict(keepalive)
    if faascache:
        ka["variant"] = "faascache"
    functions = [{
        "name": name, "memory_mb": mem,
        "service": {"dist": "constant", "value_s": warm * TICK_S},
        "cold_start": {"mode": "replace", "service": {"dist": "constant", "value_s": cold * TICK_S}},
        "keepalive": ka,
        "arrivals": {"process": "trace", "path": trace},
    } for name, mem, warm, cold in fns]
    scenario = {
        "name": "crosscheck-" + tag,
        "duration_s": arrivals[-1][0] * TICK_S + 3600,
        "platform": {"pool_memory_mb": pool_mb, "account_concurrency": 100000,
                     "pool_eviction": "whole-size" if faascache else "shortfall"},
        "functions": functions,
    }
    path = os.path.join(workdir, tag + ".json")
    with open(path, "w") as fp:
        json.dump(scenario, fp)
    out = os.path.join(workdir, tag)
    subprocess.run([slsim, "run", path, "-q", "-o", out], check=True)
    with open(os.path.join(out, "summary.json")) as fp:
        totals = json.load(fp)["totals"]
    served = totals["invocations"] - totals["rejected"]
    return totals["cold_starts"], served, totals["rejected"]


def cell(cold, served, drops):
    return "%.2f %% (%d)" % (100.0 * cold / served if served else float("nan"), drops)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--faascache", required=True, help="folder with LambdaScheduler.py, or a git dir")
    ap.add_argument("--slsim", default="bin/slsim")
    ap.add_argument("--quick", action="store_true", help="one workload, one pool size")
    args = ap.parse_args()
    classes = load_faascache(args.faascache)
    slsim = os.path.abspath(args.slsim)
    cases = [
        # name, workload, pools (MB)
        ("mixed", workload("m", 1, 10, [128, 256, 512, 1024, 2048], 2, 1 / 600, 2, 0.1, 3, 0.3, 6),
         [2048, 3072, 4096, 8192]),
        ("rare", workload("r", 2, 30, [128, 256, 512, 1024], 6, 1 / 3600, 1 / 60, 0.05, 1, 0.2, 3),
         [1024, 2048, 4096, 16384]),
        ("busy", workload("b", 3, 6, [256, 512, 1024], 1, 0.2, 5, 0.5, 4, 1, 8),
         [2048, 4096, 8192, 32768]),
        ("bursty", workload("u", 4, 8, [256, 512, 1024], 4, 0.2, 2, 0.5, 5, 1, 8, on_s=120, off_s=900),
         [4096, 8192, 32768]),
    ]
    if args.quick:
        cases = [(cases[0][0], cases[0][1], cases[0][2][:1])]
    print("| workload | invocations | pool MB | policy | FaasCache | FaasCache+check | slsim faascache | slsim |")
    print("|---|---|---|---|---|---|---|---|")
    agree = total = 0
    wall_fc = wall_sl = 0.0
    for name, (fns, arrivals), pools in cases:
        for pool in pools:
            for fc_policy, ka in POLICIES:
                with tempfile.TemporaryDirectory() as tmp:
                    t0 = time.perf_counter()
                    fc = run_faascache(classes, fns, arrivals, fc_policy, pool, False, tmp)
                    t1 = time.perf_counter()
                    fcc = run_faascache(classes, fns, arrivals, fc_policy, pool, True, tmp)
                    t2 = time.perf_counter()
                    sf = run_slsim(slsim, fns, arrivals, ka, True, pool, tmp, "faascache")
                    t3 = time.perf_counter()
                    ss = run_slsim(slsim, fns, arrivals, ka, False, pool, tmp, "slsim")
                wall_fc += t1 - t0
                wall_sl += t3 - t2
                total += 1
                agree += (fcc[0], fcc[1], fcc[2]) == (sf[0], sf[1], sf[2])
                print("| %s | %d | %d | %s | %s | %s | %s | %s |" % (
                    name, len(arrivals), pool, fc_policy, cell(*fc), cell(*fcc), cell(*sf), cell(*ss)))
                sys.stdout.flush()
    print("\nslsim faascache = FaasCache+check exactly (cold starts, served, drops) in %d of %d cases" % (agree, total))
    print("wall time: FaasCache %.1f s, slsim faascache %.1f s (a process per case, outputs written)" % (wall_fc, wall_sl))


if __name__ == "__main__":
    main()
