"""Optuna 5.0 GPSampler's time per trial on this machine, for the GP section of bench/README.md.

Usage:  /work/venv-torch/bin/python gp_timing.py [--seeds 1] [--trials 100] [--functions a,b]

Needs torch and scipy (a venv outside the repo; tests never need it). One process, torch limited
to one thread. For each function and seed: 100 trials of ask + suggest + tell; it records the CPU
seconds (time.process_time) and wall seconds of each ask + suggest, and the objective values, so
regret can be read too. CPU time is the figure to compare: the shared machine's load inflates
wall time. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import common  # noqa: E402,F401  (thread pinning first)
import optuna  # noqa: E402
import torch  # noqa: E402

import functions as F  # noqa: E402
from common import suggest  # noqa: E402


def run(fname, seed, n):
    spec = F.FUNCTIONS[fname]
    f, kind, space = spec["f"], spec["kind"], spec["space"]
    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=seed))
    values, cpu, wall = [], [], []
    for _ in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        tr = study.ask()
        p = suggest(tr, space)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        v = f(p) if kind == "dict" else f([p[name] for name, _, _ in space])
        study.tell(tr, v)
        values.append(v)
    return {"values": values, "sample_cpu_s": cpu, "sample_wall_s": wall}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--functions", default=",".join(F.FUNCTIONS))
    a = ap.parse_args()
    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = {"what": f"Optuna {optuna.__version__} GPSampler, torch {torch.__version__} CPU, 1 thread",
           "runs": {}}
    for fname in a.functions.split(","):
        out["runs"][fname] = {str(s): run(fname, s, a.trials) for s in range(a.seeds)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
