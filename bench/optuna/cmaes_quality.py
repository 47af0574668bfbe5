"""Optuna's side of `bench/cmaes.sh`: CmaEsSampler on sphere, Rosenbrock and Rastrigin.

Usage:  python cmaes_quality.py [--seeds N] [--trials N] [--dims 10,20] [--jobs N]

The functions and the timing are those of `hpobench cmaes` (Sources/hpobench/CMAESQuality.swift):
sphere centred at 1.5 on [-5, 5]^d, Rosenbrock on [-5, 10]^d, Rastrigin shifted by 1.3 on
[-5.12, 5.12]^d; per run the best value after 200, 500 and 1000 trials and the engine's time
per trial (ask + suggests + tell, the objective excluded), median over trials 990-999. Needs the
`cmaes` package (Optuna's CmaEsSampler imports it). Writes bench/results/optuna_cmaes.json.
"""

from __future__ import annotations

import common  # noqa: F401  (thread pinning first)

import argparse
import math
import multiprocessing as mp
import time

import optuna

from common import log, quiet_optuna, write_json

FUNCTIONS = {
    "sphere": (-5.0, 5.0, lambda x: sum((v - 1.5) ** 2 for v in x)),
    "rosenbrock": (-5.0, 10.0, lambda x: sum(100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2
                                             for i in range(len(x) - 1))),
    "rastrigin": (-5.12, 5.12, lambda x: 10 * len(x) + sum((v - 1.3) ** 2 - 10 * math.cos(2 * math.pi * (v - 1.3))
                                                            for v in x)),
}


def run_one(args):
    fname, dims, seed, n = args
    quiet_optuna()
    low, high, f = FUNCTIONS[fname]
    study = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(seed=seed))
    best, bests, engine = math.inf, {}, []
    for i in range(n):
        t0 = time.perf_counter()
        tr = study.ask()
        x = [tr.suggest_float(f"x{k}", low, high) for k in range(dims)]
        t1 = time.perf_counter()
        v = f(x)
        t2 = time.perf_counter()
        study.tell(tr, v)
        t3 = time.perf_counter()
        if i >= n - 10:
            engine.append((t1 - t0 + t3 - t2) * 1000)
        best = min(best, v)
        if i + 1 in (200, 500, 1000):
            bests[str(i + 1)] = best
    engine.sort()
    return {"function": fname, "dims": dims, "sampler": "optuna_cmaes", "seed": seed, "best": bests,
            "ms_per_trial_last10": engine[len(engine) // 2]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--dims", default="10,20")
    ap.add_argument("--functions", default="sphere,rosenbrock,rastrigin")
    args = ap.parse_args()
    quiet_optuna()
    t_all = time.perf_counter()
    tasks = [(fn, d, s, args.trials) for fn in args.functions.split(",") for d in map(int, args.dims.split(","))
             for s in range(args.seeds)]
    if args.jobs > 1:
        with mp.get_context("fork").Pool(args.jobs) as pool:
            runs = pool.map(run_one, tasks, chunksize=1)
    else:
        runs = [run_one(t) for t in tasks]
    total = time.perf_counter() - t_all
    log(f"optuna cmaes: {len(tasks)} runs in {total:.1f}s (jobs={args.jobs})")
    write_json("optuna_cmaes.json", {"engine": "optuna", "benchmark": "cmaes", "trials": args.trials,
                                     "optuna": optuna.__version__, "runs": runs, "script_wall_s": total,
                                     "jobs": args.jobs})


if __name__ == "__main__":
    main()
