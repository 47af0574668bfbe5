"""A Python Optuna process that keeps writing trials while `hpotop watch` shows them.

usage: optuna_slow_writer.py <db path> <study name> <n trials> <seconds per trial> [go file]
With a go file, it writes 3 trials, then waits until the file exists before writing the rest
(so the watcher is known to be up while trials arrive). Exits 0; any exception (for example "database is locked") is printed and exits 1.
"""
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
import os

db, name, n, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
go = sys.argv[5] if len(sys.argv) > 5 else None
study = optuna.create_study(study_name=name, storage="sqlite:///" + db, load_if_exists=True)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    opt = trial.suggest_categorical("opt", ["adam", "sgd"])
    for step in range(3):
        trial.report((x - 2) ** 2 + step, step)
        time.sleep(pause / 3)
    return (x - 2) ** 2 + (0.5 if opt == "sgd" else 0.0)


if go:
    study.optimize(objective, n_trials=3)
    deadline = time.time() + 60
    while not os.path.exists(go) and time.time() < deadline:
        time.sleep(0.05)
    n -= 3
study.optimize(objective, n_trials=n)
print("done", len(study.trials), flush=True)
