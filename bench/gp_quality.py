"""The GP section of bench/README.md: hpotop's `gp` and `auto` against Optuna 5.0's TPE (default,
multivariate) and Optuna's GPSampler, simple regret at 25/50/100 trials on the six functions.

Usage:  python gp_quality.py HPOTOP_JSON [--check-optuna-seeds N]

HPOTOP_JSON is `hpobench quality --samplers gp,auto --trials 100` output. Optuna TPE's values come
from bench/results/optuna_quality.json (seeded Optuna runs are deterministic; --check-optuna-seeds N
re-runs seeds 0..N-1 of every function now and fails if any value differs). Optuna GPSampler's
figures are the recorded medians of /work/shared/bench/optuna/results/gp_public.json (10 seeds;
torch is not installed here). Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GP_PUBLIC = "/work/shared/bench/optuna/results/gp_public.json"
CUTS = (25, 50, 100)


def regrets(values, optimum, k):
    return min(values[:k]) - optimum


def q(xs):
    a = np.asarray(xs, dtype=float)
    return np.median(a), np.percentile(a, 25), np.percentile(a, 75)


def g(x):
    return f"{x:.3g}"


def check_optuna(recorded, seeds):
    sys.path.insert(0, os.path.join(HERE, "optuna"))
    import quality  # noqa: E402  (bench/optuna/quality.py)

    bad = 0
    for fname, bys in recorded["runs"].items():
        for seed in range(seeds):
            _, _, _, vals, _ = quality.run_one((fname, "tpe_default", seed, 100))
            rec = bys["tpe_default"][str(seed)]["values"][:100]
            if not np.allclose(vals, rec, rtol=0, atol=0):
                bad += 1
                print(f"<!-- MISMATCH {fname} seed {seed} -->")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hpotop")
    ap.add_argument("--check-optuna-seeds", type=int, default=0)
    a = ap.parse_args()
    h = json.load(open(a.hpotop))
    o = json.load(open(os.path.join(HERE, "results", "optuna_quality.json")))
    gpp = json.load(open(GP_PUBLIC))["results"]
    optima = o["optima"]
    if a.check_optuna_seeds:
        bad = check_optuna(o, a.check_optuna_seeds)
        print(f"Optuna TPE re-run now for seeds 0..{a.check_optuna_seeds - 1} of every function: "
              f"{'identical to the recorded values' if bad == 0 else f'{bad} runs DIFFER'}.\n")
    seeds = sorted({int(s) for f in h["runs"].values() for r in f.values() for s in r})
    print(f"{len(seeds)} seeds; median [quartiles] of simple regret; Optuna GP: recorded median of 10 seeds.\n")
    print("| function | trials | hpotop gp | hpotop auto | Optuna TPE | Optuna GP | gp ≤ TPE | gp ≤ Optuna GP | auto ≤ TPE |")
    print("|---|---|---|---|---|---|---|---|---|")
    tally = {"tpe": 0, "gp": 0, "auto": 0, "cells": 0}
    for f, by in h["runs"].items():
        opt = optima[f]
        for k in CUTS:
            row = {}
            for s in ("gp", "auto"):
                if s in by:
                    row[s] = q([regrets(by[s][str(x)]["values"], opt, k) for x in seeds])
            row["tpe"] = q([regrets(o["runs"][f]["tpe_default"][str(x)]["values"], opt, k) for x in seeds])
            ogp = gpp[f]["regret_median"][str(k)]

            def cell(s):
                if s not in row:
                    return "–"
                m, lo, hi = row[s]
                return f"{g(m)} [{g(lo)}, {g(hi)}]"

            le_tpe = "gp" in row and row["gp"][0] <= row["tpe"][0]
            le_ogp = "gp" in row and row["gp"][0] <= ogp
            auto_le = "auto" in row and row["auto"][0] <= row["tpe"][0]
            tally["cells"] += 1
            tally["tpe"] += le_tpe
            tally["gp"] += le_ogp if k == 100 else 0
            tally["auto"] += auto_le
            print(f"| {f} | {k} | {cell('gp')} | {cell('auto')} | {cell('tpe')} | {g(ogp)} | "
                  f"{'yes' if le_tpe else 'no'} | {('yes' if le_ogp else 'no')} | {'yes' if auto_le else 'no'} |")
    print(f"\ngp ≤ Optuna TPE in {tally['tpe']} of {tally['cells']} cells; gp ≤ Optuna GP in "
          f"{tally['gp']} of {len(h['runs'])} functions at 100 trials; auto ≤ Optuna TPE in "
          f"{tally['auto']} of {tally['cells']} cells.\n")
    # Time per trial at trial 100 (the 100th ask + suggest).
    print("| function | gp sampling wall s at trial 100 (median) | gp CPU s at trial 100 (median) | Optuna GP s/trial (recorded, mean over 100) |")
    print("|---|---|---|---|")
    for f, by in h["runs"].items():
        if "gp" not in by:
            continue
        wall = np.median([by["gp"][str(x)]["sample_s"][99] for x in seeds])
        cpu = np.median([by["gp"][str(x)]["sample_cpu_s"][99] for x in seeds])
        print(f"| {f} | {g(wall)} | {g(cpu)} | {g(gpp[f]['s_per_trial_median'])} |")


if __name__ == "__main__":
    main()
