"""Compares hpotop and Optuna TPE on many seeds: median regret and a two-sided Mann-Whitney U test.

Usage:  python bench/quality_seeds_compare.py results/optuna_quality_tpe_100seeds.json \
            results/hpotop_quality_tpe_100seeds.json
(the first from optuna/quality_seeds.py, the second from `hpobench quality --seeds 100`).
"""

import json
import statistics as st
import sys

from stats import mann_whitney_greater, mann_whitney_less

OPTIMA = {"hartmann6": -3.3223680114155147, "mixed": 0.0}


def main():
    optuna = json.load(open(sys.argv[1]))
    hpotop = json.load(open(sys.argv[2]))["runs"]
    for f in [f for f in OPTIMA if f in optuna and f in hpotop]:
        for n in (25, 50, 100, 200):
            ro = [min(v[:n]) - OPTIMA[f] for v in optuna[f].values()]
            rh = [min(r["values"][:n]) - OPTIMA[f] for r in hpotop[f]["tpe_default"].values()]
            p = min(1.0, 2 * min(mann_whitney_less(ro, rh), mann_whitney_greater(ro, rh)))
            print(f"{f} n={n}: Optuna median {st.median(ro):.4g} ({len(ro)} seeds), "
                  f"hpotop median {st.median(rh):.4g} ({len(rh)} seeds), "
                  f"Mann-Whitney two-sided p={p:.2f}")


if __name__ == "__main__":
    main()
