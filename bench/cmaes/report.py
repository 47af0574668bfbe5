"""Tables for bench/cmaes.sh: best value after 200/500/1000 trials, median [q1, q3] per cell for
hpotop cmaes, hpotop cmaes with IPOP and Optuna CmaEsSampler, a one-sided Mann-Whitney test
(hpotop cmaes < Optuna; normal approximation with tie correction), and the engine's time per
trial at trial 1000. Reads bench/results/hpotop_cmaes*.json and bench/optuna/results/optuna_cmaes*.json
(several files may hold different seeds), and bench/results/hpotop_ipop_long*.json (IPOP against
no restarts on longer runs) when present. The engine-time table reads only the runs of one
session's measurement (`--timing` names one hpotop and one Optuna file; default: the seeds 20-39
files, measured side by side in the same minutes).
"""
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
sys.path.insert(0, BENCH)
from stats import mann_whitney_less  # noqa: E402


def load(path):
    with open(path) as f:
        return json.load(f)["runs"]


def quartiles(v):
    v = sorted(v)
    q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return q[1], q[0], q[2]


def fmt(x):
    return f"{x:.3g}"


def main():
    import argparse
    import glob
    ap = argparse.ArgumentParser()
    ap.add_argument("--timing", default="results/hpotop_cmaes_s20.json,optuna/results/optuna_cmaes_s20.json",
                    help="the hpotop and the Optuna file (relative to bench/) whose runs the engine-time table uses")
    args = ap.parse_args()
    timing_files = [os.path.join(BENCH, p) for p in args.timing.split(",")]
    # hpotop_cmaes.json and hpotop_cmaes_s<first seed>.json (not hpotop_cmaes_vs_tpe.json)
    hpotop_files = [p for p in sorted(glob.glob(os.path.join(BENCH, "results", "hpotop_cmaes*.json")))
                    if os.path.basename(p) == "hpotop_cmaes.json" or os.path.basename(p).startswith("hpotop_cmaes_s")]
    runs = [r for p in hpotop_files for r in load(p)] + [
        r for p in sorted(glob.glob(os.path.join(BENCH, "optuna", "results", "optuna_cmaes*.json"))) for r in load(p)]
    # One run per (function, dims, sampler, seed): a later file replaces an earlier one's run.
    runs = list({(r["function"], r["dims"], r["sampler"], r["seed"]): r for r in runs}.values())
    cells = {}
    for r in runs:
        cells.setdefault((r["function"], r["dims"], r["sampler"]), []).append(r)
    samplers = ["cmaes", "cmaes_ipop", "optuna_cmaes"]
    keys = sorted({(f, d) for f, d, _ in cells})
    print("seeds per cell: " + ", ".join(
        f"{f}{d} {s} {len(cells.get((f, d, s), []))}" for f, d in keys for s in samplers if cells.get((f, d, s))) + "\n")
    print("| function | d | trials | hpotop cmaes | hpotop cmaes ipop | Optuna CmaEsSampler | p (hpotop < Optuna) | met (hpotop cmaes <= Optuna) |")
    print("|---|---|---|---|---|---|---|---|")
    tally = {"lower": 0, "same": 0, "no": 0}
    for f, d in keys:
        for budget in ("200", "500", "1000"):
            vals = {s: [r["best"][budget] for r in cells.get((f, d, s), [])] for s in samplers}
            cols = []
            for s in samplers:
                if vals[s]:
                    m, q1, q3 = quartiles(vals[s])
                    cols.append(f"{fmt(m)} [{fmt(q1)}, {fmt(q3)}]")
                else:
                    cols.append("-")
            p = mann_whitney_less(vals["cmaes"], vals["optuna_cmaes"]) if vals["cmaes"] and vals["optuna_cmaes"] else float("nan")
            met = ""
            if vals["cmaes"] and vals["optuna_cmaes"]:
                lower = statistics.median(vals["cmaes"]) <= statistics.median(vals["optuna_cmaes"])
                p_greater = mann_whitney_less(vals["optuna_cmaes"], vals["cmaes"])
                # WAVE2: a higher median counts only when ≥ 40 seeds per side cannot tell them apart.
                enough = min(len(vals["cmaes"]), len(vals["optuna_cmaes"])) >= 40
                if lower:
                    met = "yes: median lower"
                    tally["lower"] += 1
                elif p_greater >= 0.1 and enough:
                    met = f"yes: not distinguishable (p = {p_greater:.2f} >= 0.1, {len(vals['cmaes'])} seeds)"
                    tally["same"] += 1
                else:
                    met = f"NO (p = {p_greater:.2f}, {len(vals['cmaes'])} seeds)"
                    tally["no"] += 1
            print(f"| {f} | {d} | {budget} | " + " | ".join(cols) + f" | {p:.3f} | {met} |")
    print(f"\nWAVE2's rule: {tally['lower'] + tally['same']} of {sum(tally.values())} cells met "
          f"({tally['lower']} with hpotop's median lower, {tally['same']} higher but not distinguishable), {tally['no']} not met.")
    timed = {}
    for p in timing_files:
        if os.path.exists(p):
            for r in load(p):
                timed.setdefault((r["function"], r["dims"], r["sampler"]), []).append(r)
    print("\nEngine time per trial at trial 1000 (ask + suggests + tell, median of trials 990-999, then median "
          "over runs), ms, from " + " and ".join(os.path.relpath(p, BENCH) for p in timing_files) +
          ". Wall time and process CPU time on both sides (hpotop's CPU column where its runs "
          "recorded it, else its wall time, an upper bound); the ratio is Optuna's CPU time over "
          "hpotop's:\n")
    print("| function | d | runs (hpotop / Optuna) | hpotop cmaes (wall) | hpotop (CPU) | Optuna (wall) | Optuna (CPU) | Optuna CPU / hpotop CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for f, d in keys:
        h = [r["ms_per_trial_last10"] for r in timed.get((f, d, "cmaes"), [])]
        hc = [r["cpu_ms_per_trial_last10"] for r in timed.get((f, d, "cmaes"), []) if "cpu_ms_per_trial_last10" in r]
        o = [r["ms_per_trial_last10"] for r in timed.get((f, d, "optuna_cmaes"), [])]
        oc = [r["cpu_ms_per_trial_last10"] for r in timed.get((f, d, "optuna_cmaes"), []) if "cpu_ms_per_trial_last10" in r]
        if h and o:
            mh, mo = statistics.median(h), statistics.median(o)
            mhc = statistics.median(hc) if hc else mh
            hcpu = f"{statistics.median(hc):.3f}" if hc else "-"
            cpu = f"{statistics.median(oc):.3f}" if oc else "-"
            ratio = f"{statistics.median(oc) / mhc:.1f}x" if oc else "-"
            print(f"| {f} | {d} | {len(h)} / {len(o)} | {mh:.3f} | {hcpu} | {mo:.3f} | {cpu} | {ratio} |")

    ipop_paths = sorted(glob.glob(os.path.join(BENCH, "results", "hpotop_ipop_long*.json")))
    if ipop_paths:
        long = {}
        unique = {(r["function"], r["dims"], r["sampler"], r["seed"]): r for p in ipop_paths for r in load(p)}
        for r in unique.values():
            long.setdefault((r["function"], r["dims"], r["sampler"]), []).append(r)
        budgets = sorted({b for rs in long.values() for r in rs for b in r["best"]}, key=int)
        print("\nIPOP against no restarts (hpotop, longer runs): best value, median [q1, q3]; "
              "p: one-sided Mann-Whitney, ipop < plain\n")
        print("| function | d | seeds | trials | hpotop cmaes | hpotop cmaes ipop | restarts in the whole run (median) | "
              "first restart at trial (median [q1, q3]) | p | ipop better (median) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for f, d in sorted({(f, d) for f, d, _ in long}):
            plain, ipop = long.get((f, d, "cmaes"), []), long.get((f, d, "cmaes_ipop"), [])
            firsts = [r["first_restart_trial"] for r in ipop if "first_restart_trial" in r]
            if firsts:
                m, q1, q3 = quartiles(firsts)
                first = f"{m:.0f} [{q1:.0f}, {q3:.0f}] ({len(firsts)} runs)"
            else:
                first = "-"
            for b in budgets:
                a = [r["best"][b] for r in plain if b in r["best"]]
                c = [r["best"][b] for r in ipop if b in r["best"]]
                if not a or not c:
                    continue
                ma, qa1, qa3 = quartiles(a)
                mc, qc1, qc3 = quartiles(c)
                restarts = statistics.median([r.get("restarts", 0) for r in ipop])
                print(f"| {f} | {d} | {len(a)} / {len(c)} | {b} | {fmt(ma)} [{fmt(qa1)}, {fmt(qa3)}] | {fmt(mc)} [{fmt(qc1)}, {fmt(qc3)}] | "
                      f"{restarts:g} | {first} | {mann_whitney_less(c, a):.3f} | {'yes' if mc < ma else 'no'} |")


if __name__ == "__main__":
    main()
