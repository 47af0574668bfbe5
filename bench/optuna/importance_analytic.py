"""Issue 23: importances against analytic Sobol indices (Ishigami, Sobol G), 10 seeds.

  python importance_analytic.py data --dir D          # X_<function>_<seed>.f64 + truth.json
  python importance_analytic.py check                 # analytic indices vs a Monte-Carlo estimate
  python importance_analytic.py optuna --out O.jsonl  # Optuna's evaluators, one JSON line per call
  python importance_analytic.py report --optuna O.jsonl --hpotop H.json --json J.json --md M.md

Tasks (fixed before any tuning, WAVE2.md):
  ishigami  f = sin x1 + a sin^2 x2 + b x3^4 sin x1, a = 7, b = 0.1, x_i ~ U[-pi, pi] (d = 3)
  sobol_g   f = prod_i (|4 u_i - 2| + a_i) / (1 + a_i), a = (0, 1, 4.5, 9, 99, 99), u_i ~ U[0, 1] (d = 6)
Trials: U = numpy.random.default_rng(seed).random((1000, d)) (PCG64), seed = 0..9; row i is
trial i; Ishigami's params are x = -pi + 2 pi U (FloatDistribution(-pi, pi)), Sobol G's are U
(FloatDistribution(0, 1)). The Swift side reads the same U from X_<function>_<seed>.f64
(row-major little-endian float64) and computes f itself.

Truth (analytic, Saltelli et al. 2010 / SALib):
  first order S_i = V_i / V, second order S_ij = V_ij / V, total T_i = sum of the terms holding i;
  shares = S_i / sum_j S_j (what normalised importances are compared with).
  Ishigami: V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0, V13 = 8 b^2 pi^8 / 225, no other terms.
  Sobol G: V_i = 1 / (3 (1 + a_i)^2), V_I = prod_{i in I} V_i, V = prod (1 + V_i) - 1.
"""

from __future__ import annotations

import common  # noqa: F401  (pins BLAS threads)

import argparse
import itertools
import json
import math
import os
import time

import numpy as np

N = 1000
SEEDS = list(range(10))
A_ISHIGAMI, B_ISHIGAMI = 7.0, 0.1
A_G = np.array([0.0, 1.0, 4.5, 9.0, 99.0, 99.0])


def ishigami(x):
    return np.sin(x[0]) + A_ISHIGAMI * np.sin(x[1]) ** 2 + B_ISHIGAMI * x[2] ** 4 * np.sin(x[0])


def sobol_g(u):
    return np.prod([(np.abs(4.0 * u[i] - 2.0) + A_G[i]) / (1.0 + A_G[i]) for i in range(len(A_G))], axis=0)


FUNCS = {
    # name: (f on the param values, d, low, high)
    "ishigami": (ishigami, 3, -math.pi, math.pi),
    "sobol_g": (sobol_g, 6, 0.0, 1.0),
}


def truth(name):
    """Analytic first-order, second-order (i<j) and total indices, and the first-order shares."""
    if name == "ishigami":
        a, b, p = A_ISHIGAMI, B_ISHIGAMI, math.pi
        V1 = 0.5 * (1 + b * p**4 / 5) ** 2
        V2 = a * a / 8
        V13 = 8 * b * b * p**8 / 225
        V = V1 + V2 + V13
        first = [V1 / V, V2 / V, 0.0]
        second = {"0,1": 0.0, "0,2": V13 / V, "1,2": 0.0}
        total = [(V1 + V13) / V, V2 / V, V13 / V]
    else:
        Vi = 1.0 / (3.0 * (1.0 + A_G) ** 2)
        V = float(np.prod(1.0 + Vi) - 1.0)
        d = len(Vi)
        first = (Vi / V).tolist()
        second = {f"{i},{j}": float(Vi[i] * Vi[j] / V) for i, j in itertools.combinations(range(d), 2)}
        total = [float(Vi[i] * np.prod(np.delete(1.0 + Vi, i)) / V) for i in range(d)]
    s = sum(first)
    return {"first_order": first, "second_order": second, "total": total,
            "shares": [x / s for x in first], "variance": V}


def params(name, U):
    f, d, lo, hi = FUNCS[name]
    return lo + (hi - lo) * U


def values(name, U):
    return FUNCS[name][0](params(name, U).T)


def part_data(args):
    os.makedirs(args.dir, exist_ok=True)
    for name, (_, d, _, _) in FUNCS.items():
        for seed in SEEDS:
            U = np.random.default_rng(seed).random((N, d))
            U.astype("<f8").tofile(os.path.join(args.dir, f"X_{name}_{seed}.f64"))
    json.dump({k: truth(k) for k in FUNCS}, open(os.path.join(args.dir, "truth.json"), "w"), indent=1)


def part_check(args):
    """Jansen/Saltelli Monte-Carlo estimates (2e6 samples) against the analytic indices."""
    rng = np.random.default_rng(123)
    for name, (_, d, _, _) in FUNCS.items():
        n = 2_000_000
        A, B = rng.random((n, d)), rng.random((n, d))
        fA, fB = values(name, A), values(name, B)
        V = np.var(np.concatenate([fA, fB]))
        S, T = [], []
        for i in range(d):
            ABi = A.copy()
            ABi[:, i] = B[:, i]
            fABi = values(name, ABi)
            S.append(float(np.mean(fB * (fABi - fA)) / V))
            T.append(float(0.5 * np.mean((fA - fABi) ** 2) / V))
        t = truth(name)
        print(name, "V", round(V, 4), "vs", round(t["variance"], 4))
        print("  S  MC", np.round(S, 4).tolist(), "analytic", np.round(t["first_order"], 4).tolist())
        print("  T  MC", np.round(T, 4).tolist(), "analytic", np.round(t["total"], 4).tolist())


def make_study(name, seed):
    import optuna
    from optuna.distributions import FloatDistribution
    from optuna.trial import create_trial

    _, d, lo, hi = FUNCS[name]
    U = np.random.default_rng(seed).random((N, d))
    X, y = params(name, U), values(name, U)
    names = [f"x{i}" for i in range(d)]
    dist = {k: FloatDistribution(lo, hi) for k in names}
    study = optuna.create_study()
    study.add_trials([create_trial(params=dict(zip(names, map(float, X[i]))), distributions=dist,
                                   value=float(y[i])) for i in range(N)])
    return study, names


def part_optuna(args):
    """One line per (function, seed, evaluator), appended, so that a cut-short run still counts."""
    import optuna
    from common import quiet_optuna

    quiet_optuna()
    I = optuna.importance
    evs = {"fanova": lambda: I.FanovaImportanceEvaluator(seed=0),
           "pedanova": lambda: I.PedAnovaImportanceEvaluator()}
    seeds = [int(s) for s in args.seeds.split(",")]
    with open(args.out, "a") as out:
        for seed in seeds:
            for name in FUNCS:
                study, names = make_study(name, seed)
                for ev in args.evaluators.split(","):
                    t0 = time.perf_counter()
                    raw = optuna.importance.get_param_importances(study, evaluator=evs[ev](), normalize=False)
                    wall = time.perf_counter() - t0
                    r = np.array([raw[k] for k in names])
                    shares = (r / r.sum()).tolist() if r.sum() > 0 else r.tolist()
                    rec = {"function": name, "seed": seed, "evaluator": ev, "raw": r.tolist(), "shares": shares,
                           "wall_s": wall, "optuna": optuna.__version__, "loadavg": os.getloadavg()[0]}
                    out.write(json.dumps(rec) + "\n")
                    out.flush()
                    err = max(abs(a - b) for a, b in zip(shares, truth(name)["shares"]))
                    print(f"optuna {name} seed={seed} {ev} err={err:.4f} t={wall:.1f}s", flush=True)


def part_report(args):
    from report_importance_analytic import report

    report(args)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="part", required=True)
    sub.add_parser("data").add_argument("--dir", required=True)
    sub.add_parser("check")
    a = sub.add_parser("optuna")
    a.add_argument("--out", required=True)
    a.add_argument("--seeds", default=",".join(map(str, SEEDS)))
    a.add_argument("--evaluators", default="fanova,pedanova")
    b = sub.add_parser("report")
    for k in ["optuna", "hpotop", "json", "md"]:
        b.add_argument(f"--{k}", required=True)
    args = ap.parse_args()
    {"data": part_data, "check": part_check, "optuna": part_optuna, "report": part_report}[args.part](args)


if __name__ == "__main__":
    main()
