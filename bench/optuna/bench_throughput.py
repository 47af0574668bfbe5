"""Issue 6 driver: Optuna running the same trivial subprocess objective, and the report.

  python bench_throughput.py optuna --trials N --jobs 4 --dir D --out A.json
  python bench_throughput.py report --optuna A.json --hpotop B.json [B2.json ...] --json C.json --md D.md

Optuna: `study.optimize(objective, n_trials=N, n_jobs=4)` on a fresh SQLite file; the objective
suggests x ~ U(0, 1) (as hpotop's study file) and runs `sh -c 'echo "[hpotop] value=1"'` through
subprocess.run, reading the value from the `[hpotop] value=` line.
"""

from __future__ import annotations

import common  # noqa: F401

import argparse
import json
import os
import subprocess
import time

CMD = ["sh", "-c", 'echo "[hpotop] value=1"']


def objective(trial):
    trial.suggest_float("x", 0.0, 1.0)
    out = subprocess.run(CMD, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("[hpotop] value="):
            return float(line.split("=", 1)[1])
    raise RuntimeError("no value line")


def part_optuna(args):
    import optuna
    from common import quiet_optuna

    quiet_optuna()
    os.makedirs(args.dir, exist_ok=True)
    db = os.path.join(args.dir, "optuna_throughput.db")
    for s in ["", "-wal", "-shm"]:
        if os.path.exists(db + s):
            os.remove(db + s)
    study = optuna.create_study(storage=f"sqlite:///{db}", sampler=optuna.samplers.RandomSampler(seed=0))
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=args.trials, n_jobs=args.jobs)
    wall = time.perf_counter() - t0
    trials = study.get_trials(deepcopy=False)
    start = min(t.datetime_start for t in trials)
    end = max(t.datetime_complete for t in trials if t.datetime_complete)
    span = (end - start).total_seconds()
    n_complete = sum(t.state.name == "COMPLETE" for t in trials)
    res = {"engine": "optuna", "optuna": optuna.__version__, "jobs": args.jobs, "n_trials": len(trials),
           "n_complete": n_complete, "wall_s": wall, "trials_per_s_wall": len(trials) / wall,
           "span_s": span, "trials_per_s_span": len(trials) / span}
    print(f"optuna throughput: {n_complete}/{len(trials)} in {wall:.2f}s = {len(trials) / wall:.1f} trials/s", flush=True)
    json.dump(res, open(args.out, "w"), indent=1)


def part_report(args):
    o = json.load(open(args.optuna))
    hs = [json.load(open(p)) for p in args.hpotop]
    h = sorted(hs, key=lambda r: r["trials_per_s_wall"])[len(hs) // 2]  # median run
    L = [f"{o['n_trials']} trivial subprocess trials (`sh -c 'echo \"[hpotop] value=1\"'`, one float param, "
         f"random sampler), {o['jobs']} workers, fresh SQLite file. hpotop: `hpotop run STUDY.yaml --no-tui -j "
         f"{h['jobs']}` (release), wall time of the whole process (median of {len(hs)} runs); Optuna: "
         "`study.optimize(n_jobs=4)` with `subprocess.run`, wall time of `optimize`. Span = first trial start "
         "to last trial end, from the database.", "",
         "| engine | trials | complete | wall s | trials/s (wall) | trials/s (span) |", "|---|---|---|---|---|---|"]
    for name, r in [("hpotop", h), ("Optuna 5.0", o)]:
        L.append(f"| {name} | {r['n_trials']} | {r['n_complete']} | {r['wall_s']:.2f} | "
                 f"{r['trials_per_s_wall']:.1f} | {r['trials_per_s_span']:.1f} |")
    if len(hs) > 1:
        L.append("")
        L.append("hpotop runs (trials/s, wall): " + ", ".join(f"{r['trials_per_s_wall']:.1f}" for r in hs))
    ratio = h["trials_per_s_wall"] / o["trials_per_s_wall"]
    L += ["", f"Ratio hpotop / Optuna (trials/s, wall): **{ratio:.1f}×**.", "",
          f"**Goal** (issue 6): ≥ 200 trials/s for hpotop: {h['trials_per_s_wall']:.0f} trials/s — "
          f"**{'met' if h['trials_per_s_wall'] >= 200 else 'not met'}**."]
    json.dump({"optuna": o, "hpotop": hs}, open(args.json, "w"), indent=1)
    open(args.md, "w").write("\n".join(L) + "\n")
    print("\n".join(L))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="part", required=True)
    a = sub.add_parser("optuna")
    a.add_argument("--trials", type=int, default=1000)
    a.add_argument("--jobs", type=int, default=4)
    a.add_argument("--dir", required=True)
    a.add_argument("--out", required=True)
    b = sub.add_parser("report")
    b.add_argument("--optuna", required=True)
    b.add_argument("--hpotop", required=True, nargs="+")
    b.add_argument("--json", required=True)
    b.add_argument("--md", required=True)
    args = ap.parse_args()
    {"optuna": part_optuna, "report": part_report}[args.part](args)


if __name__ == "__main__":
    main()
