"""Optuna's side of `bench/engine.sh` (issue 25, the running side), and its report.

  python bench_engine.py overhead --memory-trials 3000 --sqlite-trials 500 --out A.json
  python bench_engine.py report --dir RESULTS --md OUT.md

`overhead`: TPE (Optuna 5 defaults) ask + 6 suggests + tell, ms per trial, in memory and on a
fresh SQLite file, measured exactly as `overhead.py` does (its `run`). `report` reads the JSON
files engine.sh wrote (hpotop's and Optuna's) and writes the README section.
"""

from __future__ import annotations

import common  # noqa: F401  (thread pinning first)

import argparse
import datetime
import glob
import json
import os
import statistics


def part_overhead(args):
    from common import quiet_optuna
    from overhead import run

    quiet_optuna()
    runs = [run("tpe", "memory", args.memory_trials, 0), run("tpe", "sqlite", args.sqlite_trials, 0)]
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    json.dump({"engine": "optuna", "recorded": when, "runs": runs}, open(args.out, "w"), indent=1)


def load(path):
    return json.load(open(path)) if os.path.exists(path) else None


def fmt(x, digits=3):
    return "not run" if x is None else f"{x:.{digits}g}"


def part_report(args):
    d = args.dir
    L = []
    # Overhead.
    h = load(f"{d}/engine_overhead_hpotop.json")
    o = load(f"{d}/engine_overhead_optuna.json")
    hr = {(r["storage"]): r for r in h["runs"]} if h else {}
    orr = {(r["storage"]): r for r in o["runs"]} if o else {}
    goals = {("memory", "2990-3000"): 1.0, ("memory", "9990-10000"): 2.0, ("sqlite", "2990-3000"): 1.5}
    L += ["TPE (defaults: multivariate), ask + 6 suggests + tell in ms per trial, the objective excluded "
          "(`hpobench overhead --samplers tpe`, Optuna: `overhead.py`'s `run`); a window's value is the median "
          "of its 10 trials, one run each. Cells: hpotop / Optuna (ratio)."
          + (f" Optuna's runs: recorded {o['recorded']}." if o and o.get("recorded") else ""), "",
          "| storage | window | hpotop ms | Optuna ms | ratio | goal |", "|---|---|---|---|---|---|"]
    for storage in ["memory", "sqlite"]:
        for w in ["90-100", "990-1000", "2990-3000", "9990-10000"]:
            hv = hr.get(storage, {}).get("windows_ms", {}).get(w)
            ov = orr.get(storage, {}).get("windows_ms", {}).get(w)
            if hv is None:
                continue
            g = goals.get((storage, w))
            verdict = "" if g is None else (f"≤ {g}: **{'met' if hv <= g else 'missed'}**")
            ratio = "-" if ov is None else f"{hv / ov:.3g}"
            L.append(f"| {storage} | {w} | {fmt(hv)} | {fmt(ov)} | {ratio} | {verdict} |")
    # Throughput and the tail.
    L += ["", "Trivial command trials (`sh -c 'echo \"[hpotop] value=1\"'`, one float param, random sampler) "
          "on a fresh SQLite file, 4 workers: hpotop `hpotop run STUDY.yaml --no-tui -j 4` (release; wall "
          "time of the whole process, from `hpobench throughput`), Optuna `study.optimize(n_jobs=4)` with "
          "`subprocess.run` (wall time of `optimize`; fewer trials: its rate is flat and it is slow).", "",
          "| run | trials | wall s (median) | trials/s (wall) | trials/s (span) | runs (trials/s, wall) |",
          "|---|---|---|---|---|---|"]
    rows = {}
    for name in ["tail", "throughput"]:
        rs = [json.load(open(p)) for p in sorted(glob.glob(f"{d}/engine_{name}_hpotop_*.json"))]
        if not rs:
            continue
        m = sorted(rs, key=lambda r: r["wall_s"])[len(rs) // 2]
        rows[name] = m
        L.append(f"| hpotop, {m['n_trials']} trials | {m['n_trials']} | {m['wall_s']:.2f} | "
                 f"{m['trials_per_s_wall']:.1f} | {m['trials_per_s_span']:.1f} | "
                 + ", ".join(f"{r['trials_per_s_wall']:.0f}" for r in rs) + " |")
    ot = load(f"{d}/engine_throughput_optuna.json")
    if ot:
        L.append(f"| Optuna 5.0, {ot['n_trials']} trials | {ot['n_trials']} | {ot['wall_s']:.2f} | "
                 f"{ot['trials_per_s_wall']:.1f} | {ot['trials_per_s_span']:.1f} | |")
    if "throughput" in rows:
        r = rows["throughput"]["trials_per_s_wall"]
        L += ["", f"**Goal**: ≥ 250 trials/s (wall) with 4 workers on SQLite: {r:.0f} — **{'met' if r >= 250 else 'missed'}**"
              + (f"; {r / ot['trials_per_s_wall']:.0f}× Optuna." if ot else ".")]
    open(args.md, "w").write("\n".join(L) + "\n")
    print("\n".join(L))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="part", required=True)
    a = sub.add_parser("overhead")
    a.add_argument("--memory-trials", type=int, default=3000)
    a.add_argument("--sqlite-trials", type=int, default=500)
    a.add_argument("--out", required=True)
    b = sub.add_parser("report")
    b.add_argument("--dir", required=True)
    b.add_argument("--md", required=True)
    args = ap.parse_args()
    {"overhead": part_overhead, "report": part_report}[args.part](args)


if __name__ == "__main__":
    main()
