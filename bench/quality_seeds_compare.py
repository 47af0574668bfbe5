"""Compares an hpotop sampler with Optuna TPE on many seeds: median regret [quartiles] and a
two-sided Mann-Whitney U test, at 25/50/100/200 trials (the cuts both runs reach).

Usage:  python bench/quality_seeds_compare.py results/optuna_quality_tpe_100seeds.json \
            results/hpotop_quality_tpe_100seeds.json [--sampler tpe_default]
(the first from optuna/quality_seeds.py, the second from `hpobench quality --seeds 100`; the
sampler is the hpotop run's, e.g. `gp` for results/gp/gp-25-mixed-100seeds.json).
"""

import argparse
import json
import statistics as st

import numpy as np

from stats import mann_whitney_greater, mann_whitney_less

OPTIMA = {"hartmann6": -3.3223680114155147, "mixed": 0.0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("optuna")
    ap.add_argument("hpotop")
    ap.add_argument("--sampler", default="tpe_default")
    a = ap.parse_args()
    optuna = json.load(open(a.optuna))
    hpotop = json.load(open(a.hpotop))["runs"]
    for f in [f for f in OPTIMA if f in optuna and f in hpotop]:
        runs = hpotop[f][a.sampler]
        for n in (25, 50, 100, 200):
            if any(len(r["values"]) < n for r in runs.values()):
                continue
            ro = [min(v[:n]) - OPTIMA[f] for v in optuna[f].values()]
            rh = [min(r["values"][:n]) - OPTIMA[f] for r in runs.values()]
            p = min(1.0, 2 * min(mann_whitney_less(ro, rh), mann_whitney_greater(ro, rh)))
            qo, qh = np.percentile(ro, [25, 75]), np.percentile(rh, [25, 75])
            print(f"{f} n={n}: Optuna TPE median {st.median(ro):.4g} [{qo[0]:.3g}, {qo[1]:.3g}] ({len(ro)} seeds), "
                  f"hpotop {a.sampler} median {st.median(rh):.4g} [{qh[0]:.3g}, {qh[1]:.3g}] ({len(rh)} seeds), "
                  f"Mann-Whitney two-sided p={p:.2g}")


if __name__ == "__main__":
    main()
