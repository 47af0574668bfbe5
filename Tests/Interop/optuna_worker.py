"""A Python Optuna worker that runs one trial of a study hpotop made (it pops an enqueued one).

usage: optuna_worker.py <db path> <study name> <json out>
"""
import sys

import optuna
from common import write_json

optuna.logging.set_verbosity(optuna.logging.WARNING)
db, name, out = sys.argv[1], sys.argv[2], sys.argv[3]
study = optuna.load_study(study_name=name, storage=db if "://" in db else "sqlite:///" + db)
seen = {}


def objective(trial):
    opt = trial.suggest_categorical("opt", ["adam", "sgd"])
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    seen.update({"number": trial.number, "params": {"opt": opt, "lr": lr}})
    return lr * (2.0 if opt == "sgd" else 1.0)


study.optimize(objective, n_trials=1)
write_json(out, seen)
