"""Optuna's side of `bench/run.sh quality`: simple regret on the six functions of functions.py.

Usage:  python quality.py [--quick] [--jobs N]

Same logic as the shared baseline's quality.py: seeds 0..19, 200 trials, samplers random,
tpe_default (Optuna 5: multivariate for one objective) and tpe_independent (multivariate=False).
Writes the best-so-far value after every trial per (function, sampler, seed) to
bench/results/optuna_quality.json; report.py computes the regrets for both engines alike.
"""

from __future__ import annotations

import common  # noqa: F401  (thread pinning first)

import argparse
import multiprocessing as mp
import time

import numpy as np
import optuna

import functions as F
from common import log, quiet_optuna, suggest, write_json

SAMPLERS = ["random", "tpe_default", "tpe_independent"]


def make_sampler(name, seed):
    S = optuna.samplers
    return {
        "random": lambda: S.RandomSampler(seed=seed),
        "tpe_default": lambda: S.TPESampler(seed=seed),
        "tpe_independent": lambda: S.TPESampler(seed=seed, multivariate=False),
    }[name]()


def run_one(args):
    fname, sname, seed, n = args
    quiet_optuna()
    spec = F.FUNCTIONS[fname]
    f, kind, space = spec["f"], spec["kind"], spec["space"]
    study = optuna.create_study(sampler=make_sampler(sname, seed))
    vals = np.empty(n)
    t0 = time.perf_counter()
    for i in range(n):
        tr = study.ask()
        p = suggest(tr, space)
        v = f(p) if kind == "dict" else f([p[name] for name, _, _ in space])
        study.tell(tr, v)
        vals[i] = v
    return fname, sname, seed, vals, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--seeds", type=int, default=20)
    args = ap.parse_args()
    quiet_optuna()
    n = 60 if args.quick else args.trials
    seeds = list(range(3 if args.quick else args.seeds))
    t_all = time.perf_counter()
    tasks = [(fn, s, seed, n) for fn in F.FUNCTIONS for s in SAMPLERS for seed in seeds]
    tasks.sort(key=lambda t: (t[1] == "random", t[1] != "tpe_independent"))  # longest first
    if args.jobs > 1:
        with mp.get_context("fork").Pool(args.jobs) as pool:
            out = pool.map(run_one, tasks, chunksize=1)
    else:
        out = [run_one(t) for t in tasks]
    runs = {}
    for fname, sname, seed, vals, wall in out:
        runs.setdefault(fname, {}).setdefault(sname, {})[str(seed)] = {
            "values": vals.tolist(), "wall_s": wall}
    total = time.perf_counter() - t_all
    log(f"optuna quality: {len(tasks)} runs in {total:.1f}s (jobs={args.jobs})")
    write_json(
        "optuna_quality_quick.json" if args.quick else "optuna_quality.json",
        {"engine": "optuna", "benchmark": "quality", "trials": n, "seeds": seeds,
         "optima": {k: v["optimum"] for k, v in F.FUNCTIONS.items()},
         "runs": runs, "script_wall_s": total, "jobs": args.jobs},
    )


if __name__ == "__main__":
    main()
