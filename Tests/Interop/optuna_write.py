"""Direction 1: Python Optuna 5.0 writes studies to a SQLite file and dumps every trial field.

usage: optuna_write.py <db path or storage URL> <json out>
"""
import math
import warnings
import sys

import optuna
from common import dump_study, write_json

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.simplefilter("ignore")  # set_metric_names is experimental
db, out = sys.argv[1], sys.argv[2]
storage = optuna.storages.RDBStorage(db if "://" in db else "sqlite:///" + db)
CHOICES = [None, True, 2, 3.5, "adam"]

single = optuna.create_study(
    study_name="py_single", storage=storage, sampler=optuna.samplers.RandomSampler(seed=7))
single.set_user_attr("owner", {"team": ["a", "b"], "n": 1})
for c in CHOICES:  # every categorical choice at least once
    single.enqueue_trial({"c": c})

for i in range(14):
    trial = single.ask()
    x = trial.suggest_float("x", -5.0, 5.0)
    lx = trial.suggest_float("lx", 1e-4, 1.0, log=True)
    sx = trial.suggest_float("sx", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", 1, 10)
    ln = trial.suggest_int("ln", 1, 1000, log=True)
    c = trial.suggest_categorical("c", CHOICES)
    trial.set_user_attr("nested", {"i": i, "list": [1, 2.5, None, True, "s"], "deep": {"c": repr(c)}})
    for step in range(3):
        v = x * x + step
        if i == 2 and step == 1:
            v = float("nan")
        if i == 3 and step == 2:
            v = float("inf")
        trial.report(v, step)
    if i % 5 == 1:
        single.tell(trial, state=optuna.trial.TrialState.PRUNED)
    elif i % 5 == 3:
        single.tell(trial, state=optuna.trial.TrialState.FAIL)
    else:
        single.tell(trial, x * x + lx + sx + n + math.log(ln))

running = single.ask()  # left RUNNING
running.suggest_float("x", -5.0, 5.0)
running.report(1.5, 0)
single.enqueue_trial({"x": 0.5, "c": "adam"}, user_attrs={"why": "enqueued"})  # left WAITING

multi = optuna.create_study(
    study_name="py_multi", storage=storage, directions=["minimize", "maximize"],
    sampler=optuna.samplers.RandomSampler(seed=3))
multi.set_metric_names(["loss", "acc"])
for i in range(8):
    trial = multi.ask()
    a = trial.suggest_float("a", 0.0, 1.0)
    b = trial.suggest_int("b", 0, 4, step=2)
    values = [a, float(b) + a]
    if i == 5:
        values = [float("inf"), float("-inf")]
    multi.tell(trial, values)

write_json(out, [dump_study(optuna.load_study(study_name=s, storage=storage))
                 for s in ["py_single", "py_multi"]])
