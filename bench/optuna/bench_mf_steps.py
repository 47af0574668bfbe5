"""Issue 17: multi-fidelity at equal compute. Optuna's side and the combined report.

  python bench_mf_steps.py optuna --task counting_ones --workers 4 --seeds 20 --out A.json
  python bench_mf_steps.py report --optuna A.json [B.json ...] --hpotop C.json [D.json ...] --md E.md --json F.json

Tasks (both engines, same definitions):
  counting_ones   multifidelity.py's task: report steps 9, 27, 81, 243, 729; Hyperband min 9, max 729,
                  eta 3. The Bernoulli noise comes from each engine's own generator (same distribution).
  learning_curve  learning_curve.py (identical bits in Swift): report steps 1..81; Hyperband min 1,
                  max 81, eta 3.
Cap: 100 x the max steps (72,900 and 8,100 steps), the same for every method, so "the Optuna run's
steps" is the cap and the comparison points are 10/25/50/100% of it.

Workers: W simulated asynchronous workers, one step = one time unit. Each worker runs one trial;
it reports at its report steps in time order across workers (events ordered by (time, worker));
when a trial ends (pruned or complete) the worker tells it and asks a new one at once. The run
stops when the steps consumed by all workers (finished trials' last steps plus running trials'
steps so far) reach the cap. Regret is recorded at each trial end against the steps consumed at
that moment: incumbent = best observed value at the largest step any finished trial reached
(multifidelity.py's rule), regret = its noise-free value minus the optimum.
"""

from __future__ import annotations

import common  # noqa: F401  (pins BLAS threads)

import argparse
import heapq
import json
import time

import numpy as np

FRACTIONS = ["0.1", "0.25", "0.5", "1.0"]
HPBANDSTER = {"0.1": 2.53, "0.25": 2.13, "0.5": 1.41, "1.0": 0.80}


class Task:
    def __init__(self, name):
        import functions as F
        import learning_curve as LC

        self.name = name
        if name == "counting_ones":
            self.steps, self.min_b, self.max_b = [9, 27, 81, 243, 729], 9, 729

            def suggest(trial):
                c = np.array([trial.suggest_categorical(f"c{i}", [0, 1]) for i in range(8)], dtype=float)
                x = np.array([trial.suggest_float(f"x{j}", 0.0, 1.0) for j in range(8)])
                return (c, x)

            def start(p, seed, number):
                return {"rng": np.random.default_rng([seed, number]), "counts": np.zeros(8), "prev": 0}

            def observe(p, st, seed, number, b):
                c, x = p
                st["counts"] += st["rng"].binomial(b - st["prev"], x)
                st["prev"] = b
                return -(c.sum() + float(np.sum(st["counts"] / b)))

            self.suggest, self.start, self.observe = suggest, start, observe
            self.regret = lambda p: F.counting_ones_true(p[0], p[1]) - F.CO_OPT
        elif name == "learning_curve":
            self.steps, self.min_b, self.max_b = list(range(1, 82)), 1, 81
            self.suggest = LC.suggest
            self.start = lambda p, seed, number: None
            self.observe = lambda p, st, seed, number, b: LC.loss(p, seed, number, b)
            self.regret = lambda p: LC.loss_true(p) - LC.LC_OPT
        else:
            raise ValueError(name)
        self.cap = 100 * self.max_b


class Tracker:
    def __init__(self):
        self.best = {}
        self.points = []

    def add(self, consumed, budget, observed, regret):
        cur = self.best.get(budget)
        if cur is None or observed < cur[0]:
            self.best[budget] = (observed, regret)
        self.points.append((consumed, self.best[max(self.best)][1]))

    def regret_at(self, c):
        r = float("nan")
        for consumed, reg in self.points:
            if consumed <= c + 1e-9:
                r = reg
            else:
                break
        return r


def run_optuna(task, seed, workers):
    import optuna

    # A fixed study name: Hyperband assigns brackets by crc32("<study>_<number>").
    study = optuna.create_study(
        study_name=f"{task.name}-tpe_hyperband-{seed}",
        sampler=optuna.samplers.TPESampler(seed=seed, multivariate=True),
        pruner=optuna.pruners.HyperbandPruner(min_resource=task.min_b, max_resource=task.max_b, reduction_factor=3))
    tracker = Tracker()
    done_steps = 0  # steps of finished trials
    running = {}  # worker -> [trial, params, state, index of next report step, start time]
    events = []
    n = 0

    def launch(w, now):
        trial = study.ask()
        p = task.suggest(trial)
        running[w] = [trial, p, task.start(p, seed, trial.number), 0, now]
        heapq.heappush(events, (now + task.steps[0], w))

    for w in range(workers):
        launch(w, 0)
    while events:
        now, w = heapq.heappop(events)
        trial, p, st, k, t0 = running[w]
        b = task.steps[k]
        val = task.observe(p, st, seed, trial.number, b)
        trial.report(val, b)
        pruned = b < task.max_b and trial.should_prune()
        if not pruned and b < task.max_b:
            running[w][3] = k + 1
            heapq.heappush(events, (t0 + task.steps[k + 1], w))
            continue
        # the trial ends at step b; consumed = finished steps + every running trial's steps so far
        done_steps += b
        in_flight = sum(now - r[4] for v, r in running.items() if v != w)
        tracker.add(done_steps + in_flight, b, val, task.regret(p))
        if pruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, val)
        n += 1
        del running[w]
        if done_steps + in_flight >= task.cap:
            break
        launch(w, now)
    return tracker, n, done_steps + sum(now - r[4] for r in running.values())


def part_optuna(args):
    from common import quiet_optuna

    quiet_optuna()
    task = Task(args.task)
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        t0 = time.perf_counter()
        tr, n, consumed = run_optuna(task, seed, args.workers)
        wall = time.perf_counter() - t0
        regs = {f: tr.regret_at(float(f) * task.cap) for f in FRACTIONS}
        rows.append({"seed": seed, "regret": regs, "n_trials": n, "wall_s": wall, "consumed": consumed,
                     "curve": tr.points})
        print(f"optuna {args.task} w={args.workers} seed={seed} wall={wall:.1f}s n={n} "
              f"regret@100%={regs['1.0']:.4f}", flush=True)
    import optuna

    json.dump({"engine": "optuna", "optuna": optuna.__version__, "task": args.task, "workers": args.workers,
               "cap": task.cap, "per_method": {"tpe_hyperband": rows}}, open(args.out, "w"))


def stats(rows):
    out = {}
    for f in FRACTIONS:
        a = np.array([r["regret"][f] for r in rows], dtype=float)
        out[f] = {"median": float(np.median(a)), "p25": float(np.percentile(a, 25)), "p75": float(np.percentile(a, 75))}
    out["trials"] = float(np.median([r["n_trials"] for r in rows]))
    out["wall"] = float(np.median([r["wall_s"] for r in rows]))
    out["seeds"] = len(rows)
    return out


def part_report(args):
    cells = {}  # (task, workers) -> {label: stats}
    for path, engine in [(p, "optuna") for p in args.optuna] + [(p, "hpotop") for p in args.hpotop]:
        d = json.load(open(path))
        key = (d["task"], int(d["workers"]))
        for m, rows in d["per_method"].items():
            cells.setdefault(key, {})[f"{engine} {m}"] = stats(rows)
    L = ["Regret at 10/25/50/100% of the Optuna run's steps (the cap: 100 x max steps), median [p25, p75] "
         "over the seeds shown; both engines in the same run. **Bold**: hpotop's best method's median <= "
         "Optuna TPE + Hyperband's (medians decide: different methods).", ""]
    best = args.best
    verdict = []
    for (task, workers), table in sorted(cells.items()):
        L.append(f"### {task}, {workers} worker{'s' if workers > 1 else ''}")
        L.append("")
        L.append("| method | seeds | 10% | 25% | 50% | 100% | trials |")
        L.append("|---|---|---|---|---|---|---|")
        ref = table.get("optuna tpe_hyperband")
        for name, s in sorted(table.items()):
            row = [name, str(s["seeds"])]
            for f in FRACTIONS:
                cell = f"{s[f]['median']:.4f} [{s[f]['p25']:.4f}, {s[f]['p75']:.4f}]"
                if ref and name == f"hpotop {best}" and s[f]["median"] <= ref[f]["median"]:
                    cell = f"**{cell}**"
                row.append(cell)
            row.append(f"{s['trials']:.0f}")
            L.append("| " + " | ".join(row) + " |")
        if task == "counting_ones":
            L.append("| HpBandSter BOHB (published, 8 seeds, 1 worker) | 8 | "
                     + " | ".join(f"{HPBANDSTER[f]:.2f}" for f in FRACTIONS) + " | |")
        L.append("")
        hb = table.get(f"hpotop {best}")
        if ref and hb:
            for f in ["0.25", "0.5", "1.0"]:
                verdict.append((task, workers, f, hb[f]["median"], ref[f]["median"], hb[f]["median"] <= ref[f]["median"]))
            if task == "counting_ones" and workers == 1:
                for f in ["0.5", "1.0"]:
                    verdict.append((task, "HpBandSter", f, hb[f]["median"], HPBANDSTER[f], hb[f]["median"] <= HPBANDSTER[f]))
    L.append(f"Done-when cells for hpotop `{best}` (median <= reference):")
    L.append("")
    L.append("| task | against | at | hpotop | reference | met |")
    L.append("|---|---|---|---|---|---|")
    for task, w, f, a, b, ok in verdict:
        against = "HpBandSter published" if w == "HpBandSter" else f"Optuna TPE+HB, {w} worker(s)"
        L.append(f"| {task} | {against} | {float(f) * 100:.0f}% | {a:.4f} | {b:.4f} | {'yes' if ok else 'NO'} |")
    open(args.md, "w").write("\n".join(L) + "\n")
    json.dump({"cells": {f"{t}/{w}": v for (t, w), v in cells.items()}, "hpbandster_bohb_8_seeds": HPBANDSTER,
               "verdict": verdict}, open(args.json, "w"), indent=1)
    print("\n".join(L))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("optuna")
    o.add_argument("--task", required=True, choices=["counting_ones", "learning_curve"])
    o.add_argument("--workers", type=int, default=1)
    o.add_argument("--seeds", type=int, default=20)
    o.add_argument("--first-seed", type=int, default=0)
    o.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--optuna", nargs="+", required=True)
    r.add_argument("--hpotop", nargs="+", required=True)
    r.add_argument("--best", default="bohb")
    r.add_argument("--md", required=True)
    r.add_argument("--json", required=True)
    args = ap.parse_args()
    part_optuna(args) if args.cmd == "optuna" else part_report(args)


if __name__ == "__main__":
    main()
