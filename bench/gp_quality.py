"""The GP section of bench/README.md: hpotop's `gp` and `auto` against Optuna 5.0's TPE (default,
multivariate) and Optuna's GPSampler, simple regret at 25/50/100/200 trials on the six functions.

Usage:  python gp_quality.py HPOTOP_JSON [HPOTOP_JSON ...] [--optuna-gp OPTUNA_GP_JSON]
            [--timing HPOTOP_TIMING_JSON] [--check-optuna-seeds N]

HPOTOP_JSON: `hpobench quality --samplers gp,auto --trials 200` output (several files, e.g. one per
function, are merged). Optuna TPE's values come from bench/results/optuna_quality.json (seeded
Optuna runs are deterministic; --check-optuna-seeds N re-runs seeds 0..N-1 of every function now
and reports any value that differs). Optuna GPSampler: the recorded medians of
/work/shared/bench/optuna/results/gp_public.json (10 seeds) for regret; with --optuna-gp, the CPU
seconds per trial measured now by bench/optuna/gp_timing.py, against hpotop's from --timing (an
`hpobench quality --samplers gp --jobs 1` run: CPU time is the process's, so one run at a time).
A one-sided Mann-Whitney test (normal approximation, mid-ranks) gives p for "hpotop's regret is
stochastically larger than TPE's" where hpotop's median is higher. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from stats import mann_whitney_greater

HERE = os.path.dirname(os.path.abspath(__file__))
GP_PUBLIC = "/work/shared/bench/optuna/results/gp_public.json"
CUTS = (25, 50, 100, 200)


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
            _, _, _, vals, _ = quality.run_one((fname, "tpe_default", seed, 200))
            rec = bys["tpe_default"][str(seed)]["values"][:200]
            if not np.allclose(vals, rec, rtol=0, atol=0):
                bad += 1
                print(f"<!-- MISMATCH {fname} seed {seed} -->")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hpotop", nargs="+")
    ap.add_argument("--optuna-gp")
    ap.add_argument("--timing")
    ap.add_argument("--check-optuna-seeds", type=int, default=0)
    a = ap.parse_args()
    h = {"runs": {}}
    for path in a.hpotop:
        for f, by in json.load(open(path))["runs"].items():
            for s, runs in by.items():
                h["runs"].setdefault(f, {}).setdefault(s, {}).update(runs)
    o = json.load(open(os.path.join(HERE, "results", "optuna_quality.json")))
    gpp = json.load(open(GP_PUBLIC))["results"]
    optima = o["optima"]
    if a.check_optuna_seeds:
        bad = check_optuna(o, a.check_optuna_seeds)
        print(f"Optuna TPE re-run now for seeds 0..{a.check_optuna_seeds - 1} of every function: "
              f"{'identical to the recorded values' if bad == 0 else f'{bad} runs DIFFER'}.\n")
    seeds = sorted({int(s) for f in h["runs"].values() for r in f.values() for s in r})
    print(f"{len(seeds)} seeds; median [quartiles] of simple regret; Optuna GP: recorded median of 10 seeds; "
          "p: one-sided Mann-Whitney, hpotop's regret larger than TPE's (only where its median is higher).\n")
    print("| function | trials | hpotop gp | hpotop auto | Optuna TPE | Optuna GP | gp ≤ TPE | gp ≤ Optuna GP | auto ≤ TPE |")
    print("|---|---|---|---|---|---|---|---|---|")
    tally = {"tpe": 0, "gp": 0, "auto": 0, "cells": 0, "auto_cells": 0}
    for f, by in h["runs"].items():
        opt = optima[f]
        for k in CUTS:
            row, raw = {}, {}
            for s in ("gp", "auto"):
                if s in by and all(len(by[s][str(x)]["values"]) >= k for x in seeds):
                    raw[s] = [regrets(by[s][str(x)]["values"], opt, k) for x in seeds]
                    row[s] = q(raw[s])
            if not row:
                continue
            raw["tpe"] = [regrets(o["runs"][f]["tpe_default"][str(x)]["values"], opt, k) for x in seeds]
            row["tpe"] = q(raw["tpe"])
            ogp = gpp[f]["regret_median"].get(str(k))

            def cell(s):
                if s not in row:
                    return "–"
                m, lo, hi = row[s]
                return f"{g(m)} [{g(lo)}, {g(hi)}]"

            def versus_tpe(s):
                if s not in row:
                    return "–", False
                if row[s][0] <= row["tpe"][0]:
                    return "yes", True
                return f"no (p={mann_whitney_greater(raw[s], raw['tpe']):.2g})", False

            le_tpe, ok_tpe = versus_tpe("gp")
            auto_le, ok_auto = versus_tpe("auto")
            le_ogp = "–" if ogp is None or "gp" not in row else ("yes" if row["gp"][0] <= ogp else "no")
            if "gp" in row:
                tally["cells"] += 1
                tally["tpe"] += ok_tpe
                tally["gp"] += (le_ogp == "yes") if k == 100 else 0
            if "auto" in row:
                tally["auto_cells"] += 1
                tally["auto"] += ok_auto
            print(f"| {f} | {k} | {cell('gp')} | {cell('auto')} | {cell('tpe')} | {g(ogp) if ogp is not None else '–'} | "
                  f"{le_tpe} | {le_ogp} | {auto_le} |")
    print(f"\ngp median ≤ Optuna TPE's in {tally['tpe']} of {tally['cells']} cells; gp ≤ Optuna GP in "
          f"{tally['gp']} of {len(h['runs'])} functions at 100 trials; auto median ≤ Optuna TPE's in "
          f"{tally['auto']} of {tally['auto_cells']} cells.\n")
    if a.optuna_gp and a.timing:
        ogp_t = json.load(open(a.optuna_gp))["runs"]
        ht = json.load(open(a.timing))["runs"]
        print("| function | hpotop gp CPU s at trial 100 | Optuna GP CPU s at trial 100 | ratio at 100 | "
              "hpotop mean of trials 11–100 | Optuna mean of trials 11–100 | ratio of means |")
        print("|---|---|---|---|---|---|---|")
        for f in ht:
            if f not in ogp_t or "gp" not in ht[f]:
                continue
            ours = float(np.median([r["sample_cpu_s"][99] for r in ht[f]["gp"].values()]))
            theirs = float(np.median([r["sample_cpu_s"][99] for r in ogp_t[f].values()]))
            ours_mean = float(np.median([np.mean(r["sample_cpu_s"][10:100]) for r in ht[f]["gp"].values()]))
            mean = float(np.median([np.mean(r["sample_cpu_s"][10:100]) for r in ogp_t[f].values()]))
            print(f"| {f} | {g(ours)} | {g(theirs)} | {theirs / ours:.1f}× | {g(ours_mean)} | {g(mean)} | "
                  f"{mean / ours_mean:.1f}× |")
        print("\nMedians over the seeds of each run (hpotop and Optuna alike).")


if __name__ == "__main__":
    main()
