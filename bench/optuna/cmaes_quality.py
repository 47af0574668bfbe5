"""Optuna's side of `bench/cmaes.sh`: CmaEsSampler on sphere, Rosenbrock and Rastrigin.

Usage:  python cmaes_quality.py [--seeds N] [--first-seed S] [--trials N] [--dims 10,20] [--jobs N] [--out NAME]

The functions and the timing are those of `hpobench cmaes` (Sources/hpobench/CMAESQuality.swift):
sphere centred at 1.5 on [-5, 5]^d, Rosenbrock on [-5, 10]^d, Rastrigin shifted by 1.3 on
[-5.12, 5.12]^d; per run the best value after 200, 500 and 1000 trials and the engine's time
per trial (ask + suggests + tell, the objective excluded), median over trials 990-999, as wall time
and as process CPU time (`cpu_ms_per_trial_last10`: what a loaded machine's waits do not inflate). Needs the
`cmaes` package (Optuna's CmaEsSampler imports it). Writes bench/results/optuna_cmaes.json.
"""

from __future__ import annotations

import common  # noqa: F401  (thread pinning first)

import argparse
import json
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
    best, bests, engine, engine_cpu = math.inf, {}, [], []
    for i in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        tr = study.ask()
        x = [tr.suggest_float(f"x{k}", low, high) for k in range(dims)]
        t1, c1 = time.perf_counter(), time.process_time()
        v = f(x)
        t2, c2 = time.perf_counter(), time.process_time()
        study.tell(tr, v)
        t3, c3 = time.perf_counter(), time.process_time()
        if i >= n - 10:
            engine.append((t1 - t0 + t3 - t2) * 1000)
            engine_cpu.append((c1 - c0 + c3 - c2) * 1000)
        best = min(best, v)
        if i + 1 in (200, 500, 1000):
            bests[str(i + 1)] = best
    engine.sort()
    engine_cpu.sort()
    # Wall time counts the waits of a loaded machine; process CPU time does not.
    return {"function": fname, "dims": dims, "sampler": "optuna_cmaes", "seed": seed, "best": bests,
            "ms_per_trial_last10": engine[len(engine) // 2], "cpu_ms_per_trial_last10": engine_cpu[len(engine_cpu) // 2]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--out", default="optuna_cmaes.json", help="file name under bench/optuna/results")
    ap.add_argument("--jsonl", help="also append each run, as it ends, to this file (a cut-short run keeps its seeds)")
    ap.add_argument("--dims", default="10,20")
    ap.add_argument("--functions", default="sphere,rosenbrock,rastrigin")
    args = ap.parse_args()
    quiet_optuna()
    t_all = time.perf_counter()
    # Seed-major, so that a run cut short holds the same seeds for every cell.
    tasks = [(fn, d, s, args.trials) for s in range(args.first_seed, args.first_seed + args.seeds)
             for fn in args.functions.split(",") for d in map(int, args.dims.split(","))]
    runs = []
    with mp.get_context("fork").Pool(max(1, args.jobs)) as pool:
        for run in pool.imap(run_one, tasks, chunksize=1):
            runs.append(run)
            if args.jsonl:
                with open(args.jsonl, "a") as f:
                    f.write(json.dumps(run) + "\n")
    total = time.perf_counter() - t_all
    log(f"optuna cmaes: {len(tasks)} runs in {total:.1f}s (jobs={args.jobs})")
    write_json(args.out, {"engine": "optuna", "benchmark": "cmaes", "trials": args.trials,
                                     "optuna": optuna.__version__, "runs": runs, "script_wall_s": total,
                                     "jobs": args.jobs})


if __name__ == "__main__":
    main()
