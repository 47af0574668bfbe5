"""When would a CMA-ES run on Rastrigin stop, and so let IPOP restart? (bench/README, issue 19)

Runs the `cmaes` package's CMA (0.13.1, the library Optuna's CmaEsSampler and hpotop's stopping
rules follow) without restarts, as both samplers start it: [0, 1]^d scale, mean at the centre,
sigma0 = 1/6, default population, on the bench's shifted Rastrigin (bench/optuna/cmaes_quality.py).
Per run it records the evaluation at which each termination criterion first holds:

- `cmaes`: the package's `should_stop()` (TolFun 1e-12 over the best and worst values of the last
  10 + ceil(30 d / lambda) generations, TolX = 1e-12 sigma0, TolXUp, NoEffectAxis, NoEffectCoord,
  ConditionCov 1e14) - Hansen's tutorial (arXiv:1604.00772) appendix B and Auger & Hansen 2005;
- `stagnation`: the tutorial's Stagnation rule (histories of the best and the median value per
  generation over the last 20 %, at least 120 + 30 d / lambda and at most 20000 generations; stop
  when the median of the newest 30 % is not better than that of the oldest 30 %, in both);
and, at 1000 evaluations, the range of values over the TolFun window (what TolFun would have to be
for a restart by then), sigma / sigma0, and the best value; and the best value when `cmaes` stops.

Usage: PYTHONPATH=DIR_WITH_cmaes python restart_criteria.py [--seeds 20] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics

import numpy as np
from cmaes import CMA


def rastrigin(x):
    z = x - 1.3
    return float(10 * len(x) + np.sum(z * z - 10 * np.cos(2 * math.pi * z)))


def stagnated(best_hist, median_hist, d, lam):
    n = len(best_hist)
    minimum = 120 + 30 * d / lam
    if n < minimum:
        return False
    window = int(min(max(0.2 * n, minimum), 20000))
    k = max(1, int(0.3 * window))
    for h in (best_hist, median_hist):
        recent = h[-window:]
        if statistics.median(recent[-k:]) < statistics.median(recent[:k]):
            return False
    return True


def run(d, seed, max_evals, low=-5.12, high=5.12):
    cma = CMA(mean=np.full(d, 0.5), sigma=1 / 6, bounds=np.array([[0.0, 1.0]] * d), seed=seed)
    lam = cma.population_size
    term = 10 + math.ceil(30 * d / lam)
    best, evals = math.inf, 0
    best_hist, median_hist, gen_ranges = [], [], []
    out = {"dims": d, "seed": seed, "popsize": lam, "term_generations": term,
           "cmaes_stop_eval": None, "stagnation_eval": None}
    while evals < max_evals:
        sols = []
        for _ in range(lam):
            x = cma.ask()
            v = rastrigin(low + x * (high - low))
            sols.append((x, v))
            evals += 1
            best = min(best, v)
            if evals == 1000:
                out["best_1000"] = best
                out["sigma_ratio_1000"] = cma._sigma / (1 / 6)
        cma.tell(sols)
        vals = sorted(v for _, v in sols)
        best_hist.append(vals[0])
        median_hist.append(statistics.median(vals))
        gen_ranges.append((vals[0], vals[-1]))
        if evals <= 1000 < evals + lam:
            # range of the values over the TolFun window, as cmaes' funhist holds it
            window = gen_ranges[-term:]
            out["funhist_range_1000"] = max(hi for _, hi in window) - min(lo for lo, _ in window)
        if out["cmaes_stop_eval"] is None and cma.should_stop():
            out["cmaes_stop_eval"] = evals
            out["best_at_cmaes_stop"] = best
        if out["stagnation_eval"] is None and stagnated(best_hist, median_hist, d, lam):
            out["stagnation_eval"] = evals
        if out["cmaes_stop_eval"] is not None and out["stagnation_eval"] is not None:
            break
    out["evals_run"] = evals
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    runs = [run(d, s, max_evals) for d, max_evals in ((10, 10000), (20, 20000)) for s in range(args.seeds)]
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"benchmark": "cmaes restart criteria, rastrigin, cmaes 0.13.1 CMA", "runs": runs}, f, indent=1)

    def q(v):
        v = sorted(x for x in v if x is not None)
        if not v:
            return "never"
        m = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
        return f"{m[1]:.3g} [{m[0]:.3g}, {m[2]:.3g}]"

    print("| d | lambda | TolFun window (generations) | first `cmaes` stop: evaluation | runs stopped by 1000 | "
          "Stagnation rule: evaluation | value range over the window at 1000 | sigma/sigma0 at 1000 | best at 1000 | best at the `cmaes` stop |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for d in (10, 20):
        rs = [r for r in runs if r["dims"] == d]
        stopped = sum(1 for r in rs if r["cmaes_stop_eval"] is not None and r["cmaes_stop_eval"] <= 1000)
        print(f"| {d} | {rs[0]['popsize']} | {rs[0]['term_generations']} | {q([r['cmaes_stop_eval'] for r in rs])} | "
              f"{stopped}/{len(rs)} | {q([r['stagnation_eval'] for r in rs])} | {q([r['funhist_range_1000'] for r in rs])} | "
              f"{q([r['sigma_ratio_1000'] for r in rs])} | {q([r['best_1000'] for r in rs])} | "
              f"{q([r.get('best_at_cmaes_stop') for r in rs])} |")


if __name__ == "__main__":
    main()
