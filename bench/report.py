"""Rewrites the quality and overhead sections of bench/README.md from bench/results/*.json.

Usage:  python report.py quality|overhead [--quick]

Each section sits between `<!-- NAME:begin -->` and `<!-- NAME:end -->` markers (appended to the
README when missing); everything else in the README is left alone. With --quick the tables are
printed and the README is not touched.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
README = os.path.join(HERE, "README.md")
CHECKPOINTS = [25, 50, 100, 200]
FUNCTIONS = ["branin", "hartmann6", "rosenbrock4", "ackley5", "styblinski_tang4", "mixed"]


def load(name, quick):
    path = os.path.join(RESULTS, name + ("_quick" if quick else "") + ".json")
    with open(path) as f:
        return json.load(f)


def g(x):
    """3 significant digits."""
    return f"{x:.3g}"


def regrets(runs, optimum, n):
    """Simple regret at n trials per seed (min of the first n values - optimum, clipped at 0)."""
    out = []
    for r in runs.values():
        if "regret" in r:  # the shared baseline's format: regrets at the checkpoints
            out.append(float(r["regret"][str(n)]))
            continue
        vals = np.asarray(r["values"][:n], dtype=float)
        out.append(max(float(np.min(vals)) - optimum, 0.0))
    return np.asarray(out)


# Optuna's seeded runs are deterministic, so when bench/optuna/quality.py has not been run the
# shared reference run of the same script on this machine gives the same regrets.
SHARED_QUALITY = "/work/shared/bench/optuna/results/quality.json"


def load_optuna_quality(quick):
    try:
        return load("optuna_quality", quick), "measured in this run"
    except FileNotFoundError:
        if quick or not os.path.exists(SHARED_QUALITY):
            raise
        with open(SHARED_QUALITY) as f:
            d = json.load(f)
        return ({"optima": d["optima"], "trials": d["budget"], "seeds": d["seeds"],
                 "runs": d["per_seed"], "script_wall_s": d["script_wall_s"], "jobs": 1},
                "from the shared reference run (" + SHARED_QUALITY + "; seeded, hence identical)")


def mqq(a):
    return float(np.percentile(a, 50)), float(np.percentile(a, 25)), float(np.percentile(a, 75))


def quality(quick):
    h = load("hpotop_quality", quick)
    o, source = load_optuna_quality(quick)
    optima = o["optima"]
    cps = [c for c in CHECKPOINTS if c <= min(h["trials"], o["trials"])]
    lines = [
        "## Quality: simple regret on six test functions",
        "",
        f"`bash bench/run.sh quality` — {len(o['seeds'])} seeds × {o['trials']} trials per function "
        "and sampler, both engines (two runs at a time). Simple regret after n trials = best value "
        "of the first n − known optimum; cells are median [p25, p75] over the seeds. "
        "\"TPE\" is each engine's default TPE (multivariate for one objective in both), "
        "\"TPE ind.\" is `multivariate: false`. Functions and spaces: "
        "`bench/optuna/functions.py` (hpotop's built-ins of the same names).",
        "",
        "**Goal**: hpotop TPE median ≤ Optuna TPE median at 100 and 200 trials on every function.",
        "",
        "| function | n | hpotop TPE | Optuna TPE | goal | hpotop TPE ind. | Optuna TPE ind. "
        "| hpotop random | Optuna random |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    misses = []
    for fn in FUNCTIONS:
        if fn not in h["runs"] or fn not in o["runs"]:
            continue
        opt = optima[fn]
        for n in cps:
            cells = []
            meds = {}
            for eng, data in (("h", h), ("o", o)):
                for s in ("tpe_default", "tpe_independent", "random"):
                    runs = data["runs"][fn].get(s)
                    if not runs:
                        meds[(eng, s)] = None
                        continue
                    meds[(eng, s)] = mqq(regrets(runs, opt, n))
            def cell(k):
                m = meds.get(k)
                return "-" if m is None else f"{g(m[0])} [{g(m[1])}, {g(m[2])}]"
            goal = ""
            ht, ot = meds.get(("h", "tpe_default")), meds.get(("o", "tpe_default"))
            if n in (100, 200) and ht and ot:
                ok = ht[0] <= ot[0]
                goal = "met" if ok else f"**missed** ({g(ht[0])} > {g(ot[0])})"
                if not ok:
                    misses.append(f"{fn}@{n}")
            lines.append(
                f"| {fn} | {n} | {cell(('h', 'tpe_default'))} | {cell(('o', 'tpe_default'))} | {goal} "
                f"| {cell(('h', 'tpe_independent'))} | {cell(('o', 'tpe_independent'))} "
                f"| {cell(('h', 'random'))} | {cell(('o', 'random'))} |")
    lines += [
        "",
        "Goal missed on: " + (", ".join(misses) if misses else "none") + ".",
        "",
        f"Wall time of the runs: hpotop {g(h['script_wall_s'])} s, Optuna {g(o['script_wall_s'])} s "
        f"({h.get('jobs', '?')} / {o.get('jobs', '?')} at a time). Optuna figures: {source}.",
    ]
    return "\n".join(lines)


def overhead(quick):
    h = load("hpotop_overhead", quick)
    o = load("optuna_overhead", quick)
    windows = ["90-100", "990-1000", "2990-3000", "9990-10000"]

    def summary(data):
        out = {}
        for r in data["runs"]:
            d = out.setdefault((r["sampler"], r["storage"]), {})
            for w, v in r["windows_ms"].items():
                d.setdefault(w, []).append(v)
        return {k: {w: float(np.median(v)) for w, v in d.items()} for k, d in out.items()}

    hs, os_ = summary(h), summary(o)
    goals = {("tpe", "memory", "990-1000"): 0.5, ("tpe", "memory", "2990-3000"): 1.0}
    lines = [
        "## Overhead: engine time per trial",
        "",
        "`bash bench/run.sh overhead` — ms per trial of ask + six suggests + tell, the objective "
        "excluded, on the 6-param space of the baseline's `overhead.py` (lr and wd log-float, "
        "dropout float, layers int, optimizer and batch categorical). A window's value is the "
        "median over its 10 trials; in memory, the median over 3 repeats (the seed-0 repeat runs "
        "to 10,000 trials for hpotop and 3,000 for Optuna, the others to 1,000); on SQLite, one "
        "run on a fresh file in the temp dir (hpotop 3,000 trials, Optuna 1,000). "
        "Optuna's TPE is not run to 10,000 trials: it takes too long (≈36 ms/trial at 3,000). "
        "Cells: hpotop / Optuna (ratio hpotop ÷ Optuna).",
        "",
        "**Goals**: TPE in memory ≤ 0.5 ms around trial 1000 and ≤ 1 ms around 3000; "
        "on a SQLite file ≤ 2 ms per trial.",
        "",
        "| sampler | storage | " + " | ".join(f"trials {w}" for w in windows) + " | goal |",
        "|---|---|" + "---|" * len(windows) + "---|",
    ]
    for s in ("random", "tpe"):
        for st in ("memory", "sqlite"):
            hv, ov = hs.get((s, st), {}), os_.get((s, st), {})
            if not hv and not ov:
                continue
            cells, notes = [], []
            for w in windows:
                a, b = hv.get(w), ov.get(w)
                if a is None and b is None:
                    cells.append("-")
                elif b is None:
                    cells.append(f"{g(a)} / not run")
                elif a is None:
                    cells.append(f"- / {g(b)}")
                else:
                    cells.append(f"{g(a)} / {g(b)} ({a / b:.2g})")
                limit = goals.get((s, st, w)) if st == "memory" else 2.0
                if limit is not None and a is not None:
                    if a > limit:
                        notes.append(f"**missed** at {w}: {g(a)} > {g(limit)}")
            goal = ("; ".join(notes) if notes else "met") if (st == "sqlite" or s == "tpe") else ""
            lines.append(f"| {s} | {st} | " + " | ".join(cells) + f" | {goal} |")
    lines += [
        "",
        f"Load average when Optuna's results were written: "
        f"{o.get('machine', {}).get('loadavg_1_5_15_at_write', '?')} (2 cores, shared).",
    ]
    return "\n".join(lines)


def rewrite(name, text):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    with open(README) as f:
        doc = f.read()
    block = f"{begin}\n{text}\n{end}"
    if begin in doc and end in doc:
        pre, rest = doc.split(begin, 1)
        _, post = rest.split(end, 1)
        doc = pre + block + post
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    with open(README, "w") as f:
        f.write(doc)
    print(f"README.md: {name} section rewritten")


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    names = [a for a in args if not a.startswith("--")]
    for name in names:
        text = {"quality": quality, "overhead": overhead}[name](quick)
        print(text)
        if not quick:
            rewrite(name, text)


if __name__ == "__main__":
    main()
