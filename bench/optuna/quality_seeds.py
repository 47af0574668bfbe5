"""Optuna's side of the extra-seed quality check: more seeds of one sampler on some functions.

Usage:  python quality_seeds.py FUNCTIONS FIRST_SEED END_SEED [SAMPLER] [OUT]
        e.g. python quality_seeds.py hartmann6,mixed 0 100 tpe_default \
               ../results/optuna_quality_tpe_100seeds.json

Runs quality.py's `run_one` (200 trials, same ask/tell loop) for seeds FIRST_SEED..END_SEED-1 and
writes {function: {seed: [value per trial]}}. Used in bench/README.md's quality notes to tell a
real gap from 20-seed noise (hpotop's side: `hpobench quality --seeds 100`).
"""

from __future__ import annotations

import json
import sys

import quality as Q


def main():
    fns = sys.argv[1].split(",")
    s0, s1 = int(sys.argv[2]), int(sys.argv[3])
    sampler = sys.argv[4] if len(sys.argv) > 4 else "tpe_default"
    out_path = sys.argv[5] if len(sys.argv) > 5 else "optuna_quality_seeds.json"
    out = {}
    for f in fns:
        for seed in range(s0, s1):
            _, _, _, vals, _ = Q.run_one((f, sampler, seed, 200))
            out.setdefault(f, {})[str(seed)] = vals.tolist()
    with open(out_path, "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
