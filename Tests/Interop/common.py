"""Shared helpers for hpotop's Optuna interop scripts: dump a study's trials to JSON."""
import json
from datetime import timezone

import optuna
from optuna.distributions import distribution_to_json


def timestamp(dt):
    """Seconds since the epoch of a naive datetime read from storage (taken as UTC; run with TZ=UTC)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def dump_trial(t):
    return {
        "trial_id": t._trial_id,
        "number": t.number,
        "state": t.state.name,
        "values": t.values,
        "datetime_start": timestamp(t.datetime_start),
        "datetime_complete": timestamp(t.datetime_complete),
        "params": t.params,
        "distributions": {k: json.loads(distribution_to_json(d)) for k, d in t.distributions.items()},
        "user_attrs": t.user_attrs,
        "system_attrs": t.system_attrs,
        "intermediate_values": {str(k): v for k, v in t.intermediate_values.items()},
    }


def dump_study(study):
    out = {
        "name": study.study_name,
        "directions": [d.name for d in study.directions],
        "user_attrs": study.user_attrs,
        "system_attrs": study._storage.get_study_system_attrs(study._study_id),
        "trials": [dump_trial(t) for t in study.get_trials(deepcopy=False)],
    }
    if len(study.directions) == 1:
        try:
            best = study.best_trial
            out["best_trial"] = {"number": best.number, "value": best.value, "params": best.params}
        except ValueError:
            out["best_trial"] = None
    out["best_trials"] = sorted(t.number for t in study.best_trials)
    return out


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)  # allow_nan: NaN / Infinity tokens, which hpotop's reader takes
