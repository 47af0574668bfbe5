"""Shared helpers for the Optuna side of bench/ (thread pinning, machine facts, JSON).

Adapted from the shared baseline scripts (bench/optuna/common.py of the reference run); results go
to bench/results/ instead.
"""

from __future__ import annotations

import os

# Pin BLAS/OpenMP to one thread before numpy is imported: the machine has 2 shared cores and the
# overhead numbers must be single-threaded.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(os.path.dirname(HERE), "results")


def quiet_optuna():
    import optuna

    warnings.filterwarnings("ignore")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.getLogger("optuna").setLevel(logging.WARNING)


def machine_facts():
    import optuna

    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "optuna": optuna.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "loadavg_1_5_15_at_write": list(os.getloadavg()),
    }


def write_json(name, payload):
    os.makedirs(RESULTS, exist_ok=True)
    payload = dict(payload)
    payload.setdefault("machine", machine_facts())
    path = os.path.join(RESULTS, name)
    with open(path, "w") as f:
        json.dump(payload, f, indent=1, default=_default)
    print("wrote", os.path.relpath(path, os.path.dirname(HERE)), flush=True)
    return path


def _default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(type(o))


def suggest(trial, space):
    """Suggest every parameter of a functions.py-style space list; returns a dict."""
    p = {}
    for name, kind, dom in space:
        if kind == "float":
            p[name] = trial.suggest_float(name, dom[0], dom[1])
        elif kind == "int":
            p[name] = trial.suggest_int(name, dom[0], dom[1])
        elif kind == "categorical":
            p[name] = trial.suggest_categorical(name, dom)
        else:
            raise ValueError(kind)
    return p


def log(*a):
    print(*a, flush=True)
    sys.stdout.flush()
