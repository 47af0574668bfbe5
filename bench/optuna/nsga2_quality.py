"""Optuna's side of `bench/nsga2.sh`: NSGAIISampler (defaults) on ZDT1.

Usage:  python nsga2_quality.py [--seeds N] [--first-seed S] [--trials N] [--jobs N] [--out NAME]

The problems are those of `hpobench nsga2` (Sources/hpobench/NSGA2Quality.swift): ZDT1 on
[0, 1]^10 (`zdt1`), and on a grid of 4 params x_i = k/9, k in 0..9 (`zdt1_grid`, suggested as
ints); per run the hypervolume with reference (1.1, 11) after 200 and 500 trials (Optuna's own
`optuna._hypervolume.compute_hypervolume`) and how many trials repeated an earlier trial's
configuration. Writes bench/optuna/results/optuna_nsga2.json.
"""

from __future__ import annotations

import common  # noqa: F401  (thread pinning first)

import argparse
import multiprocessing as mp
import time

import numpy as np
import optuna
from optuna._hypervolume import compute_hypervolume

from common import log, quiet_optuna, write_json
from functions import zdt1

PROBLEMS = {"zdt1": (10, False), "zdt1_grid": (4, True)}


def run_one(args):
    problem, seed, n = args
    quiet_optuna()
    dims, grid = PROBLEMS[problem]
    study = optuna.create_study(directions=["minimize", "minimize"],
                                sampler=optuna.samplers.NSGAIISampler(seed=seed))
    values, seen, repeats, hv = [], set(), 0, {}
    for i in range(n):
        tr = study.ask()
        x = [tr.suggest_int(f"x{k}", 0, 9) / 9 if grid else tr.suggest_float(f"x{k}", 0, 1) for k in range(dims)]
        key = tuple(x)
        repeats += key in seen
        seen.add(key)
        f = zdt1(x)
        study.tell(tr, list(f))
        values.append(f)
        if i + 1 in (200, n):
            hv[str(i + 1)] = float(compute_hypervolume(np.asarray(values), np.asarray([1.1, 11.0])))
    return {"problem": problem, "sampler": "optuna_nsga2", "seed": seed, "hypervolume": hv, "repeats": repeats}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--trials", type=int, default=500)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--out", default="optuna_nsga2.json", help="file name under bench/optuna/results")
    args = ap.parse_args()
    quiet_optuna()
    t_all = time.perf_counter()
    tasks = [(p, s, args.trials) for s in range(args.first_seed, args.first_seed + args.seeds) for p in PROBLEMS]
    with mp.get_context("fork").Pool(max(1, args.jobs)) as pool:
        runs = list(pool.imap(run_one, tasks, chunksize=1))
    total = time.perf_counter() - t_all
    log(f"optuna nsga2: {len(tasks)} runs in {total:.1f}s (jobs={args.jobs})")
    write_json(args.out, {"engine": "optuna", "benchmark": "nsga2", "trials": args.trials,
                          "optuna": optuna.__version__, "runs": runs, "script_wall_s": total})


if __name__ == "__main__":
    main()
