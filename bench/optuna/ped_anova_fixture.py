"""Fixture for hpotop's PED-ANOVA: a fixed history and Optuna 5.0's PedAnovaImportanceEvaluator on it.

  python ped_anova_fixture.py OUT.json

The history (RandomSampler(seed=11), 300 trials) covers every encoding PED-ANOVA has: a float, a
log float, a stepped float, an int, a log int, a categorical, a conditional param (only when
`kind` is "deep") and a param with two ranges (two regimes: `width` in [1, 8] or [1, 32] by
`kind`). Optuna's raw (unnormalised) importances are recorded for the default evaluator and for
other settings; `Tests/HPOAnalysisTests/PedAnovaTests.swift` reads the file.
"""

from __future__ import annotations

import common  # noqa: F401  (pins BLAS threads)

import json
import math
import sys

import optuna
from optuna.importance import PedAnovaImportanceEvaluator, get_param_importances

from common import quiet_optuna


def objective(trial):
    x = trial.suggest_float("x", -3.0, 3.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    drop = trial.suggest_float("dropout", 0.0, 0.5, step=0.05)
    layers = trial.suggest_int("layers", 1, 6)
    batch = trial.suggest_int("batch", 8, 512, log=True)
    kind = trial.suggest_categorical("kind", ["shallow", "deep", "wide"])
    y = (x - 1.0) ** 2 + 0.5 * (math.log10(lr) + 3.0) ** 2 + 0.3 * abs(layers - 3) + 0.1 * drop
    y += 0.05 * math.log2(batch)
    if kind == "deep":
        depth = trial.suggest_int("depth", 2, 10)
        y += 0.2 * abs(depth - 7)
    width = trial.suggest_int("width", 1, 32 if kind == "wide" else 8)
    y += 0.02 * width + {"shallow": 0.5, "deep": 0.0, "wide": 0.3}[kind]
    return y


def main():
    quiet_optuna()
    out = sys.argv[1]
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=11))
    study.optimize(objective, n_trials=300)
    # Distributions once each (`dists`), referred to by index from the trials.
    dists, trials = [], []
    for t in study.trials:
        refs = {}
        for k, d in t.distributions.items():
            j = json.loads(optuna.distributions.distribution_to_json(d))
            if j not in dists:
                dists.append(j)
            refs[k] = dists.index(j)
        trials.append({"number": t.number, "value": t.value, "params": dict(t.params), "distributions": refs})
    settings = [
        {"name": "default"},
        {"name": "target 0.2, region 0.5", "target_quantile": 0.2, "region_quantile": 0.5},
        {"name": "global", "evaluate_on_local": False},
        {"name": "target 0.05", "target_quantile": 0.05},
    ]
    cases = []
    for s in settings:
        kw = {k: v for k, v in s.items() if k != "name"}
        raw = get_param_importances(study, evaluator=PedAnovaImportanceEvaluator(**kw), normalize=False)
        cases.append({**s, "raw": dict(raw)})
    # Maximising the same values: Optuna's evaluator reads the study's direction.
    study_max = optuna.create_study(direction="maximize")
    study_max.add_trials(study.trials)
    raw = get_param_importances(study_max, evaluator=PedAnovaImportanceEvaluator(), normalize=False)
    cases.append({"name": "maximize", "direction": "maximize", "raw": dict(raw)})
    json.dump({"optuna": optuna.__version__, "dists": dists, "trials": trials, "cases": cases}, open(out, "w"),
              separators=(",", ":"))
    for c in cases:
        print(c["name"], {k: round(v, 6) for k, v in c["raw"].items()})


if __name__ == "__main__":
    main()
