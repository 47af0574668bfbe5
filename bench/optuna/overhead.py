"""Optuna's side of `bench/run.sh overhead`: ask + 6 suggests + tell, ms per trial.

Usage:  python overhead.py [--quick]

Same space, objective and timing as the shared baseline's overhead.py: per trial,
(study.ask() + the six trial.suggest_*()) + study.tell(); the objective between them is excluded.
A window's value is the median over its 10 trials. Plan: in memory, random and tpe_default
(Optuna 5: multivariate) 3 repeats, the seed-0 repeat to 3000 trials and the others to 1000
(Optuna's TPE would take many minutes to reach 10000, so it is not run there); on a fresh SQLite
file, one run of 1000 trials each. Writes bench/results/optuna_overhead.json.
"""

from __future__ import annotations

import common  # noqa: F401  (thread pinning first)

import argparse
import os
import tempfile
import time

import numpy as np
import optuna

import functions as F
from common import log, quiet_optuna, write_json

WINDOWS = [(90, 100), (990, 1000), (2990, 3000), (9990, 10000)]


def make_sampler(name, seed):
    S = optuna.samplers
    if name == "random":
        return S.RandomSampler(seed=seed)
    if name == "tpe":
        return S.TPESampler(seed=seed)
    raise ValueError(name)


def run(sampler_name, storage_kind, n_trials, seed):
    db = None
    storage = None
    if storage_kind == "sqlite":
        fd, db = tempfile.mkstemp(prefix="optuna_overhead_", suffix=".db")
        os.close(fd)
        os.remove(db)
        storage = "sqlite:///" + db
    study = optuna.create_study(sampler=make_sampler(sampler_name, seed), storage=storage)
    over = np.empty(n_trials)
    cpu = np.empty(n_trials)
    wall_start = time.perf_counter()
    for i in range(n_trials):
        c0 = time.process_time()
        t0 = time.perf_counter()
        tr = study.ask()
        p = {
            "lr": tr.suggest_float("lr", 1e-5, 1e-1, log=True),
            "wd": tr.suggest_float("wd", 1e-6, 1e-2, log=True),
            "dropout": tr.suggest_float("dropout", 0.0, 0.5),
            "layers": tr.suggest_int("layers", 1, 8),
            "optimizer": tr.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"]),
            "batch": tr.suggest_categorical("batch", [16, 32, 64, 128]),
        }
        t1 = time.perf_counter()
        c1 = time.process_time()
        v = F.overhead_objective(p)
        c2 = time.process_time()
        t2 = time.perf_counter()
        study.tell(tr, v)
        t3 = time.perf_counter()
        c3 = time.process_time()
        over[i] = (t1 - t0) + (t3 - t2)
        cpu[i] = (c1 - c0) + (c3 - c2)
    total = time.perf_counter() - wall_start
    if db and os.path.exists(db):
        os.remove(db)
    windows, cpu_windows = {}, {}
    for a, b in WINDOWS:
        if b <= n_trials:
            windows[f"{a}-{b}"] = float(np.median(over[a:b] * 1e3))
            cpu_windows[f"{a}-{b}"] = float(np.median(cpu[a:b] * 1e3))
    # windows_ms: wall time (as hpobench measures); cpu_windows_ms: the process's CPU time, which
    # other work on a shared machine does not inflate.
    return {"engine": "optuna", "sampler": sampler_name, "storage": storage_kind, "seed": seed,
            "n_trials": n_trials, "windows_ms": windows, "cpu_windows_ms": cpu_windows, "wall_s": total,
            "mean_ms": float(over.mean() * 1e3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="tiny smoke run")
    args = ap.parse_args()
    quiet_optuna()
    n_long, n_short, n_sql, reps = (300, 120, 120, 2) if args.quick else (3000, 1000, 1000, 3)
    plan = []
    for s in ["random", "tpe"]:
        plan.append((s, "memory", n_long, 0))
        plan += [(s, "memory", n_short, r) for r in range(1, reps)]
    for s in ["random", "tpe"]:
        plan.append((s, "sqlite", n_sql, 0))
    t_all = time.perf_counter()
    runs = []
    for s, st, n, seed in plan:
        r = run(s, st, n, seed)
        runs.append(r)
        log(f"optuna {s:7s} {st:6s} seed={seed} n={n:5d} "
            + " ".join(f"{k}={v:.3g}ms" for k, v in r["windows_ms"].items()))
    write_json(
        "optuna_overhead_quick.json" if args.quick else "optuna_overhead.json",
        {"engine": "optuna", "benchmark": "overhead", "runs": runs,
         "note": "Optuna TPE is not run to 10000 trials (it takes too long); SQLite runs stop "
                 "at 1000 trials",
         "script_wall_s": time.perf_counter() - t_all},
    )


if __name__ == "__main__":
    main()
