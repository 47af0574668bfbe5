#!/usr/bin/env python3
"""Python Optuna 5.0 on a journal file, as the peer of Tests/HPOJournalTests.

  journal_peer.py write PATH            a study "py" (float/log/int/categorical params, report,
                                        user attrs, pruned, failed, waiting) and a 2-objective "mo"
  journal_peer.py dump PATH             every study's trials as JSON on stdout
  journal_peer.py hold-lock PATH SECS READY GO   take Optuna's journal lock, create READY, wait
                                        for GO to exist, then hold it SECS seconds more
  journal_peer.py worker PATH STUDY N   N trials of a quadratic on an existing study
"""
import json
import os
import sys
import time

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend, JournalFileSymlinkLock

optuna.logging.set_verbosity(optuna.logging.WARNING)


def storage(path):
    return JournalStorage(JournalFileBackend(path))


def write(path):
    s = storage(path)
    study = optuna.create_study(study_name="py", storage=s)
    study.set_user_attr("owner", "python")
    study.enqueue_trial({"x": 0.25, "n": 3, "c": "b", "lr": 0.01})

    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        n = trial.suggest_int("n", 1, 9)
        c = trial.suggest_categorical("c", ["a", "b", None])
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        trial.set_user_attr("tag", {"n": n, "list": [1, 2.5]})
        trial.report(x * x, 0)
        trial.report(float("nan"), 1)
        if trial.number == 3:
            raise optuna.TrialPruned()
        if trial.number == 4:
            raise RuntimeError("boom")
        return x * x + n + lr

    study.optimize(objective, n_trials=6, catch=(RuntimeError,))
    study.enqueue_trial({"x": 0.5})
    mo = optuna.create_study(study_name="mo", storage=s, directions=["minimize", "maximize"])
    mo.optimize(lambda t: (t.suggest_float("a", 0, 1), float("inf")), n_trials=2)


def dump(path):
    s = storage(path)
    out = {}
    for summary in optuna.get_all_study_summaries(s):
        study = optuna.load_study(study_name=summary.study_name, storage=s)
        out[summary.study_name] = {
            "directions": [d.name for d in study.directions],
            "user_attrs": study.user_attrs,
            "trials": [
                {
                    "number": t.number,
                    "state": t.state.name,
                    "values": t.values,
                    "params": t.params,
                    "distributions": {k: optuna.distributions.distribution_to_json(d) for k, d in t.distributions.items()},
                    "user_attrs": t.user_attrs,
                    "intermediate_values": {str(k): v for k, v in t.intermediate_values.items()},
                    "datetime_start": t.datetime_start.isoformat() if t.datetime_start else None,
                    "datetime_complete": t.datetime_complete.isoformat() if t.datetime_complete else None,
                }
                for t in study.get_trials(deepcopy=False)
            ],
        }
    print(json.dumps(out))


def hold_lock(path, secs, ready, go):
    lock = JournalFileSymlinkLock(path)
    lock.acquire()
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.01)
    time.sleep(float(secs))
    lock.release()


def worker(path, name, n):
    study = optuna.load_study(study_name=name, storage=storage(path))
    study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=int(n))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"write": write, "dump": dump, "hold-lock": hold_lock, "worker": worker}[cmd](*args)
