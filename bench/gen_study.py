#!/usr/bin/env python3
"""Writes a big study into an SQLite file in the schema Python Optuna writes (issue 25).

    python bench/gen_study.py PATH --trials 100000 [--study big] [--seed 0]

Python Optuna creates the file and the study (`optuna.create_study`), so the tables, indexes,
version rows and the study's direction are Optuna's own; the trials then go in as bulk
`INSERT`s in the row shapes Optuna's RDB storage writes: per trial 4 params (lr log-float,
layers int, optimizer categorical, dropout float, each row with Optuna's distribution JSON),
one value, and up to 10 intermediate values (steps 0..9; pruned trials stop early). About 85%
of trials are COMPLETE, 12% PRUNED, 2% FAIL (no value), and the last 4 RUNNING. Datetimes are
spaced 1 s apart, ending now, as naive UTC text `YYYY-MM-DD HH:MM:SS.ffffff` (what Optuna 5.0 stores).

1M trials (about 16M rows) take about a minute; 100k a few seconds.
"""
import argparse
import datetime as dt
import math
import os
import random
import sqlite3
import sys
import time

import optuna
from optuna.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)

STEPS = 10


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--trials", type=int, default=100_000)
    ap.add_argument("--study", default="big")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if os.path.exists(a.path):
        print(f"{a.path}: exists; remove it first", file=sys.stderr)
        return 2
    t0 = time.time()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.create_study(storage=f"sqlite:///{a.path}", study_name=a.study, direction="minimize")

    db = sqlite3.connect(a.path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    (study_id,) = db.execute("SELECT study_id FROM studies WHERE study_name = ?", (a.study,)).fetchone()

    dists = {
        "lr": FloatDistribution(1e-5, 1e-1, log=True),
        "layers": IntDistribution(1, 8),
        "optimizer": CategoricalDistribution(["adam", "sgd", "rmsprop"]),
        "dropout": FloatDistribution(0.0, 0.5),
    }
    djson = {k: distribution_to_json(d) for k, d in dists.items()}
    rng = random.Random(a.seed)
    n = a.trials
    start0 = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=n)
    fmt = "%Y-%m-%d %H:%M:%S.%f"

    trials, params, values, inter = [], [], [], []
    param_id = value_id = inter_id = 0

    def flush():
        db.executemany("INSERT INTO trials (trial_id, number, study_id, state, datetime_start, datetime_complete) "
                       "VALUES (?, ?, ?, ?, ?, ?)", trials)
        db.executemany("INSERT INTO trial_params (param_id, trial_id, param_name, param_value, distribution_json) "
                       "VALUES (?, ?, ?, ?, ?)", params)
        db.executemany("INSERT INTO trial_values (trial_value_id, trial_id, objective, value, value_type) "
                       "VALUES (?, ?, 0, ?, 'FINITE')", values)
        db.executemany("INSERT INTO trial_intermediate_values (trial_intermediate_value_id, trial_id, step, "
                       "intermediate_value, intermediate_value_type) VALUES (?, ?, ?, ?, 'FINITE')", inter)
        for rows in (trials, params, values, inter):
            rows.clear()

    (max_id,) = db.execute("SELECT COALESCE(MAX(trial_id), 0) FROM trials").fetchone()
    db.execute("BEGIN")
    for i in range(n):
        tid = max_id + i + 1
        lr = 10 ** rng.uniform(-5, -1)
        layers = rng.randint(1, 8)
        opt = rng.randrange(3)
        drop = rng.uniform(0, 0.5)
        r = rng.random()
        if i >= n - 4:
            state = "RUNNING"
        elif r < 0.85:
            state = "COMPLETE"
        elif r < 0.97:
            state = "PRUNED"
        else:
            state = "FAIL"
        start = start0 + dt.timedelta(seconds=i)
        done = None if state == "RUNNING" else (start + dt.timedelta(seconds=0.8)).strftime(fmt)
        trials.append((tid, i, study_id, state, start.strftime(fmt), done))
        for name, internal in (("lr", lr), ("layers", float(layers)), ("optimizer", float(opt)), ("dropout", drop)):
            param_id += 1
            params.append((param_id, tid, name, internal, djson[name]))
        final = abs(math.log10(lr) + 3) + layers * 0.05 + drop + rng.random() * 0.3
        steps = STEPS if state in ("COMPLETE", "FAIL") else (rng.randint(1, STEPS - 1) if state == "PRUNED"
                                                              else rng.randint(0, STEPS - 1))
        last = None
        for s in range(steps):
            last = final + 2.0 / (s + 1)
            inter_id += 1
            inter.append((inter_id, tid, s, last))
        if state == "COMPLETE" or (state == "PRUNED" and last is not None):
            value_id += 1
            values.append((value_id, tid, final if state == "COMPLETE" else last))
        if len(trials) >= 20_000:
            flush()
    flush()
    db.execute("COMMIT")
    db.close()
    print(f"wrote {n} trials to {a.path} in {time.time() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
