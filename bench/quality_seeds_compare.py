"""Compares hpotop and Optuna TPE on many seeds: median regret and a Mann-Whitney U test.

Usage:  python bench/quality_seeds_compare.py results/optuna_quality_tpe_100seeds.json \
            results/hpotop_quality_tpe_100seeds.json
(the first from optuna/quality_seeds.py, the second from `hpobench quality --seeds 100`).
"""

import json
import math
import statistics as st
import sys

OPTIMA = {"hartmann6": -3.3223680114155147, "mixed": 0.0}


def mann_whitney(a, b):
    """z and two-sided p (normal approximation, mid-ranks for ties); z > 0: a is larger."""
    pooled = sorted([(x, 0) for x in a] + [(x, 1) for x in b])
    ranks = [0.0] * len(pooled)
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for t in range(i, j + 1):
            ranks[t] = (i + j) / 2 + 1
        i = j + 1
    ra = sum(r for r, (_, g) in zip(ranks, pooled) if g == 0)
    n1, n2 = len(a), len(b)
    u = ra - n1 * (n1 + 1) / 2
    z = (u - n1 * n2 / 2) / math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return z, math.erfc(abs(z) / math.sqrt(2))


def main():
    optuna = json.load(open(sys.argv[1]))
    hpotop = json.load(open(sys.argv[2]))["runs"]
    for f in [f for f in OPTIMA if f in optuna and f in hpotop]:
        for n in (25, 50, 100, 200):
            ro = [min(v[:n]) - OPTIMA[f] for v in optuna[f].values()]
            rh = [min(r["values"][:n]) - OPTIMA[f] for r in hpotop[f]["tpe_default"].values()]
            z, p = mann_whitney(ro, rh)
            print(f"{f} n={n}: Optuna median {st.median(ro):.4g} ({len(ro)} seeds), "
                  f"hpotop median {st.median(rh):.4g} ({len(rh)} seeds), "
                  f"Mann-Whitney z={z:+.2f} p={p:.2f}")


if __name__ == "__main__":
    main()
